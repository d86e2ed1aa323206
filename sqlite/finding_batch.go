package sqlite

import (
	"context"
	"database/sql"
	"strings"
)

// batchRows is how many findings one INSERT or UPDATE statement writes. A
// statement per row spends most of a first fill crossing database/sql and
// binding; 64 rows of 11 values stay far below SQLite's limit of 32,766
// parameters.
const batchRows = 64

// findingCols are the columns ReplaceFindings writes of one finding.
type findingCols struct {
	id                   int64 // of a stored finding, for an update
	deviceID             int64
	cve, match, severity string
	kev                  bool
	epss, cvss           float64
	digest               int64
	doc                  string
}

// insertSQL inserts n new findings, open. Parameters are anonymous (?),
// not numbered (?1): the driver looks each numbered one up by name in a
// list, which made binding quadratic in the row count.
func insertSQL(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO findings (device_id, cve, match_kind, severity, kev, epss, cvss, digest, doc,
		status, status_doc, first_found, last_found, gone) VALUES `)
	status := "'" + strings.ReplaceAll(openStatus, "'", "''") + "'"
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', " + status + ", ?, ?, '')")
	}
	return b.String()
}

func insertArgs(args []any, now string, c *findingCols) []any {
	return append(args, c.deviceID, c.cve, c.match, c.severity, c.kev, c.epss, c.cvss, c.digest, c.doc, now, now)
}

// updateSQL rewrites the match data of n stored findings, which apply
// again if they had gone, from a table of values joined by ID.
func updateSQL(n int) string {
	var b strings.Builder
	b.WriteString(`WITH v (id, match_kind, severity, kev, epss, cvss, digest, doc, now) AS (VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?)")
	}
	b.WriteString(`) UPDATE findings SET match_kind = v.match_kind, severity = v.severity, kev = v.kev,
		epss = v.epss, cvss = v.cvss, digest = v.digest, doc = v.doc, gone = '', last_found = v.now
		FROM v WHERE findings.id = v.id`)
	return b.String()
}

func updateArgs(args []any, now string, c *findingCols) []any {
	return append(args, c.id, c.match, c.severity, c.kev, c.epss, c.cvss, c.digest, c.doc, now)
}

// docSQL rewrites the document of n stored findings that still apply and
// whose columns are unchanged: leaving the indexed columns out of the SET
// spares the three priority indexes, which SQLite maintains only for the
// columns an UPDATE assigns.
func docSQL(n int) string {
	var b strings.Builder
	b.WriteString(`WITH v (id, digest, doc, now) AS (VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?)")
	}
	b.WriteString(`) UPDATE findings SET digest = v.digest, doc = v.doc, last_found = v.now FROM v WHERE findings.id = v.id`)
	return b.String()
}

func docArgs(args []any, now string, c *findingCols) []any {
	return append(args, c.id, c.digest, c.doc, now)
}

// rowBatch gathers findings to write and writes them batchRows at a time.
type rowBatch struct {
	ctx  context.Context
	tx   *Tx
	now  string
	sql  func(n int) string
	add1 func([]any, string, *findingCols) []any
	full *sql.Stmt // of batchRows rows, prepared on first use
	n    int
	args []any
}

func (b *rowBatch) add(c findingCols) error {
	if b.n == 0 {
		b.args = b.args[:0]
	}
	b.args = b.add1(b.args, b.now, &c)
	b.n++
	if b.n < batchRows {
		return nil
	}
	if b.full == nil {
		var err error
		if b.full, err = b.tx.PrepareContext(b.ctx, b.sql(batchRows)); err != nil {
			return err
		}
	}
	_, err := b.full.ExecContext(b.ctx, b.args...)
	b.n = 0
	return err
}

// flush writes what add left over.
func (b *rowBatch) flush() error {
	if b.n == 0 {
		return nil
	}
	_, err := b.tx.ExecContext(b.ctx, b.sql(b.n), b.args...)
	b.n = 0
	return err
}

func (b *rowBatch) close() {
	if b.full != nil {
		b.full.Close()
	}
}

// replacer holds the statements of one ReplaceFindings call.
type replacer struct {
	ctx                                      context.Context
	tx                                       *Tx
	now                                      string
	existing, gone, upsert, exposure, assess *sql.Stmt
	inserts, updates, docs                   *rowBatch
}

func (r *replacer) prepare() error {
	var err error
	p := func(q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var st *sql.Stmt
		st, err = r.tx.PrepareContext(r.ctx, q)
		return st
	}
	r.existing = p(`SELECT id, cve, status, gone, digest, match_kind, severity, kev, epss, cvss FROM findings WHERE device_id = ?`)
	r.gone = p(`UPDATE findings SET gone = ?1, last_found = coalesce(nullif(?2, ''), last_found)
		WHERE id IN (SELECT value FROM json_each(?3))`)
	r.upsert = p(`INSERT INTO exposures (device_id, score, unsupported, ending, doc, ` + tallyNames + `)
		VALUES (?, ?, ?, ?, ?` + strings.Repeat(", ?", strings.Count(tallyNames, ",")+1) + `)
		ON CONFLICT (device_id) DO UPDATE SET score = excluded.score, unsupported = excluded.unsupported,
			ending = excluded.ending, doc = excluded.doc, ` + tallyExcluded)
	r.exposure = p(`UPDATE exposures SET score = ?, unsupported = ?, ending = ?, doc = ? WHERE device_id = ?`)
	r.assess = p(`INSERT INTO assessments (device_id, assessed_at, findings_digest, exposure_digest) VALUES (?, ?, ?, ?)
		ON CONFLICT (device_id) DO UPDATE SET assessed_at = excluded.assessed_at,
			findings_digest = excluded.findings_digest, exposure_digest = excluded.exposure_digest`)
	r.inserts = &rowBatch{ctx: r.ctx, tx: r.tx, now: r.now, sql: insertSQL, add1: insertArgs}
	r.updates = &rowBatch{ctx: r.ctx, tx: r.tx, now: r.now, sql: updateSQL, add1: updateArgs}
	r.docs = &rowBatch{ctx: r.ctx, tx: r.tx, now: r.now, sql: docSQL, add1: docArgs}
	return err
}

// flush writes the findings still gathered.
func (r *replacer) flush() error {
	for _, b := range []*rowBatch{r.inserts, r.updates, r.docs} {
		if err := b.flush(); err != nil {
			return err
		}
	}
	return nil
}

func (r *replacer) close() {
	for _, st := range []*sql.Stmt{r.existing, r.gone, r.upsert, r.exposure, r.assess} {
		if st != nil {
			st.Close()
		}
	}
	for _, b := range []*rowBatch{r.inserts, r.updates, r.docs} {
		if b != nil {
			b.close()
		}
	}
}
