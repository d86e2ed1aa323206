package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/cordonsec/cordon"
)

// vulnDoc is the part of NVD's record stored as one document.
type vulnDoc struct {
	CVSS           []cordon.CVSS          `json:"cvss"`
	Configurations []cordon.Configuration `json:"configurations"`
	References     []string               `json:"references"`
	Patches        []string               `json:"patches,omitempty"`
}

// feedWriter writes the records of one import into its transaction. Its
// statements are prepared once, on first use, and rows go straight to
// SQLite: nothing accumulates in memory however many records an import
// holds.
type feedWriter struct {
	ctx   context.Context
	tx    *Tx
	stmts map[string]*sql.Stmt

	puts    int   // records put
	changed int   // records added or changed
	err     error // the first error a method returned
	closed  bool
}

var _ cordon.FeedWriter = (*feedWriter)(nil)

func newFeedWriter(ctx context.Context, tx *Tx) *feedWriter {
	return &feedWriter{ctx: ctx, tx: tx, stmts: map[string]*sql.Stmt{}}
}

// The writer's statements. Each upsert changes a row only when something
// differs, so that the number of rows a statement changed is the number of
// records added or changed.
const (
	putVulnerability = `INSERT INTO vulnerabilities (id, published, modified, description, doc) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET published = excluded.published, modified = excluded.modified,
			description = excluded.description, doc = excluded.doc
		WHERE excluded.modified > vulnerabilities.modified`
	putKEV = `INSERT INTO kev (cve, vendor_project, product, name, date_added, due_date, required_action, ransomware, notes)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (cve) DO UPDATE SET vendor_project = excluded.vendor_project, product = excluded.product,
			name = excluded.name, date_added = excluded.date_added, due_date = excluded.due_date,
			required_action = excluded.required_action, ransomware = excluded.ransomware, notes = excluded.notes
		WHERE kev.vendor_project <> excluded.vendor_project OR kev.product <> excluded.product
			OR kev.name <> excluded.name OR kev.date_added <> excluded.date_added OR kev.due_date <> excluded.due_date
			OR kev.required_action <> excluded.required_action OR kev.ransomware <> excluded.ransomware
			OR kev.notes <> excluded.notes`
	putEPSS = `INSERT INTO epss (cve, date, score, percentile, model) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (cve, date) DO UPDATE SET score = excluded.score, percentile = excluded.percentile, model = excluded.model
		WHERE epss.score <> excluded.score OR epss.percentile <> excluded.percentile OR epss.model <> excluded.model`
	// An older score date imported late goes into the history but does
	// not replace the latest.
	putEPSSLatest = `INSERT INTO epss_latest (cve, date, score, percentile, model) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (cve) DO UPDATE SET date = excluded.date, score = excluded.score,
			percentile = excluded.percentile, model = excluded.model
		WHERE excluded.date >= epss_latest.date`
	putAdvisory = `INSERT INTO advisories (id, updated, doc) VALUES (?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET updated = excluded.updated, doc = excluded.doc
		WHERE advisories.doc <> excluded.doc`
	putLifecycle = `INSERT INTO lifecycles (product, release, doc) VALUES (?, ?, ?)
		ON CONFLICT (product, release) DO UPDATE SET doc = excluded.doc
		WHERE lifecycles.doc <> excluded.doc`
)

// exec runs one of the writer's statements, preparing it on first use, and
// counts the record as changed if a row changed.
func (w *feedWriter) exec(q string, args ...any) (int64, error) {
	if w.closed {
		return 0, errors.New("sqlite: feed writer used after its import ended")
	}
	st, ok := w.stmts[q]
	if !ok {
		var err error
		if st, err = w.tx.PrepareContext(w.ctx, q); err != nil {
			return 0, err
		}
		w.stmts[q] = st
	}
	res, err := st.ExecContext(w.ctx, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// put runs the statements of one record and keeps the first error.
func (w *feedWriter) put(op string, fn func() (changed bool, err error)) error {
	if w.closed {
		return fmt.Errorf("sqlite: %s: the feed writer was used after its import ended", op)
	}
	changed, err := fn()
	if err != nil {
		err = wrap(op, err)
		if w.err == nil {
			w.err = err
		}
		return err
	}
	w.puts++
	if changed {
		w.changed++
	}
	return nil
}

// close releases the prepared statements; the writer refuses any later
// use, so that a writer kept past its import cannot write outside it.
func (w *feedWriter) close() error {
	w.closed = true
	var errs []error
	for _, st := range w.stmts {
		errs = append(errs, st.Close())
	}
	return errors.Join(errs...)
}

// normCVE returns a CVE ID as the store keeps it: trimmed, upper case.
func normCVE(id string) string { return strings.ToUpper(strings.TrimSpace(id)) }

func checkCVE(id string) error {
	if id == "" || len(id) > 64 {
		return cordon.Errorf(cordon.EINVALID, "A vulnerability ID must be 1 to 64 characters, not %q.", clip(id))
	}
	return nil
}

// PutVulnerability adds or replaces NVD's part of v unless the stored
// record is as new.
func (w *feedWriter) PutVulnerability(v *cordon.Vulnerability) error {
	return w.put("put vulnerability", func() (bool, error) {
		if v == nil {
			return false, cordon.Errorf(cordon.EINVALID, "No vulnerability given.")
		}
		id := normCVE(v.ID)
		if err := checkCVE(id); err != nil {
			return false, err
		}
		doc, err := json.Marshal(vulnDoc{CVSS: v.CVSS, Configurations: v.Configurations, References: v.References, Patches: v.Patches})
		if err != nil {
			return false, cordon.Errorf(cordon.EINVALID, "%s cannot be stored: %v.", id, err)
		}
		n, err := w.exec(putVulnerability, id, formatTime(v.Published), formatTime(v.Modified), v.Description, string(doc))
		return n > 0, err
	})
}

// PutKEV adds or replaces the KEV listing of cve.
func (w *feedWriter) PutKEV(cve string, e *cordon.KEVEntry) error {
	return w.put("put kev", func() (bool, error) {
		id := normCVE(cve)
		if err := checkCVE(id); err != nil {
			return false, err
		}
		if e == nil {
			return false, cordon.Errorf(cordon.EINVALID, "No KEV entry given for %s.", id)
		}
		n, err := w.exec(putKEV, id, e.VendorProject, e.Product, e.Name, formatTime(e.DateAdded), formatTime(e.DueDate),
			e.RequiredAction, e.Ransomware, e.Notes)
		return n > 0, err
	})
}

// PutEPSS adds cve's score for s.Date and makes it the latest unless a
// later date is stored.
func (w *feedWriter) PutEPSS(cve string, s *cordon.EPSSScore) error {
	return w.put("put epss", func() (bool, error) {
		id := normCVE(cve)
		if err := checkCVE(id); err != nil {
			return false, err
		}
		switch {
		case s == nil:
			return false, cordon.Errorf(cordon.EINVALID, "No EPSS score given for %s.", id)
		case s.Date.IsZero():
			return false, cordon.Errorf(cordon.EINVALID, "The EPSS score of %s has no date.", id)
		case !(s.Score >= 0 && s.Score <= 1) || !(s.Percentile >= 0 && s.Percentile <= 1) || math.IsNaN(s.Score):
			return false, cordon.Errorf(cordon.EINVALID, "The EPSS score and percentile of %s must be between 0 and 1, not %v and %v.", id, s.Score, s.Percentile)
		}
		date := formatTime(s.Date)
		n, err := w.exec(putEPSS, id, date, s.Score, s.Percentile, s.Model)
		if err != nil {
			return false, err
		}
		if _, err := w.exec(putEPSSLatest, id, date, s.Score, s.Percentile, s.Model); err != nil {
			return false, err
		}
		return n > 0, nil
	})
}

// PutAdvisory adds or replaces an advisory by ID.
func (w *feedWriter) PutAdvisory(a *cordon.Advisory) error {
	return w.put("put advisory", func() (bool, error) {
		if a == nil {
			return false, cordon.Errorf(cordon.EINVALID, "No advisory given.")
		}
		if a.ID == "" || len(a.ID) > 256 {
			return false, cordon.Errorf(cordon.EINVALID, "An advisory ID must be 1 to 256 characters.")
		}
		doc, err := json.Marshal(a)
		if err != nil {
			return false, cordon.Errorf(cordon.EINVALID, "Advisory %s cannot be stored: %v.", a.ID, err)
		}
		n, err := w.exec(putAdvisory, a.ID, formatTime(a.Updated), string(doc))
		return n > 0, err
	})
}

// PutLifecycle adds or replaces a release's lifecycle.
func (w *feedWriter) PutLifecycle(l *cordon.Lifecycle) error {
	return w.put("put lifecycle", func() (bool, error) {
		if l == nil {
			return false, cordon.Errorf(cordon.EINVALID, "No lifecycle given.")
		}
		if l.Product == "" || l.Release == "" {
			return false, cordon.Errorf(cordon.EINVALID, "A lifecycle needs a product and a release (got %q, %q).", clip(l.Product), clip(l.Release))
		}
		doc, err := json.Marshal(l)
		if err != nil {
			return false, cordon.Errorf(cordon.EINVALID, "The lifecycle of %s %s cannot be stored: %v.", l.Product, l.Release, err)
		}
		n, err := w.exec(putLifecycle, l.Product, l.Release, string(doc))
		return n > 0, err
	})
}
