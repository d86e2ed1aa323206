package sqlite

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cordonsec/cordon"
)

// IntelService stores vulnerability and lifecycle intelligence.
type IntelService struct {
	db *DB
}

var _ cordon.IntelService = (*IntelService)(nil)

// NewIntelService returns the intelligence store of db.
func NewIntelService(db *DB) *IntelService { return &IntelService{db: db} }

// ImportFeed runs fn with a writer in one transaction and records imp. Any
// error a writer method returned fails the import even if fn went on and
// returned nil: a record the store refused must not vanish from an import
// that reports success. imp.By defaults to the acting user and
// imp.Records to the number of records fn put.
func (s *IntelService) ImportFeed(ctx context.Context, imp *cordon.FeedImport, fn func(cordon.FeedWriter) error) error {
	if imp == nil || fn == nil {
		return cordon.Errorf(cordon.EINVALID, "An import needs its description and a function that writes its records.")
	}
	if err := validateImport(imp); err != nil {
		return err
	}
	sum := strings.ToLower(imp.SHA256)
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return wrap("import feed", err)
	}
	defer tx.Rollback()

	prev, err := findImportBySum(ctx, tx, imp.Source, sum)
	switch {
	case err == nil:
		*imp = *prev
		return cordon.Errorf(cordon.ECONFLICT, "This %s file was imported already (import %d of %s, %s).",
			prev.Source, prev.ID, prev.ImportedAt.Format("2 Jan 2006 15:04 UTC"), prev.Name)
	case cordon.ErrorCode(err) != cordon.ENOTFOUND:
		return wrap("import feed", err)
	}

	w := newFeedWriter(ctx, tx)
	ferr := fn(w)
	cerr := w.close()
	if ferr != nil {
		// fn's own error, untouched: it names the file and record.
		return ferr
	}
	if w.err != nil {
		return w.err
	}
	if cerr != nil {
		return wrap("import feed", cerr)
	}

	rec := *imp
	rec.SHA256 = sum
	rec.Changed = w.changed
	rec.ImportedAt = tx.now
	if rec.By == "" {
		rec.By = cordon.Actor(ctx)
	}
	if rec.Records == 0 {
		rec.Records = w.puts
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO feed_imports (source, name, sha256, records, changed, imported_at, imported_by)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		rec.Source, rec.Name, rec.SHA256, rec.Records, rec.Changed, formatTime(rec.ImportedAt), rec.By).Scan(&rec.ID); err != nil {
		return wrap("import feed", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE intel_version SET version = version + 1 WHERE id = 1`); err != nil {
		return wrap("import feed", err)
	}
	if err := insertAudit(ctx, tx, "feed.import", "feed:"+strconv.FormatInt(rec.ID, 10), nil, rec); err != nil {
		return wrap("import feed", err)
	}
	if err := tx.Commit(); err != nil {
		return wrap("import feed", err)
	}
	*imp = rec
	return nil
}

// validateImport checks what the caller describes of an import.
func validateImport(imp *cordon.FeedImport) error {
	if !slices.Contains(cordon.FeedSources, imp.Source) {
		return cordon.Errorf(cordon.EINVALID, "Unknown feed source %q: use one of %s.", imp.Source, strings.Join(cordon.FeedSources, ", "))
	}
	if b, err := hex.DecodeString(imp.SHA256); err != nil || len(b) != 32 {
		return cordon.Errorf(cordon.EINVALID, "The import's SHA-256 must be 64 hexadecimal digits, not %q.", clip(imp.SHA256))
	}
	if imp.Name == "" || len(imp.Name) > 1024 {
		return cordon.Errorf(cordon.EINVALID, "The import's name must be 1 to 1024 characters.")
	}
	if imp.Records < 0 {
		return cordon.Errorf(cordon.EINVALID, "The number of records must not be negative.")
	}
	return nil
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

const selectImports = `SELECT id, source, name, sha256, records, changed, imported_at, imported_by FROM feed_imports`

func scanImport(row interface{ Scan(...any) error }) (*cordon.FeedImport, error) {
	var imp cordon.FeedImport
	var at string
	if err := row.Scan(&imp.ID, &imp.Source, &imp.Name, &imp.SHA256, &imp.Records, &imp.Changed, &at, &imp.By); err != nil {
		return nil, err
	}
	var err error
	imp.ImportedAt, err = parseTime(at)
	return &imp, err
}

func findImportBySum(ctx context.Context, tx *Tx, source, sum string) (*cordon.FeedImport, error) {
	imp, err := scanImport(tx.QueryRowContext(ctx, selectImports+` WHERE source = ? AND sha256 = ?`, source, sum))
	if err == sql.ErrNoRows {
		return nil, cordon.Errorf(cordon.ENOTFOUND, "No such import.")
	}
	return imp, err
}

// FindFeedImports returns the latest imports, newest first: limit of them,
// 50 when limit is 0, at most 1000.
func (s *IntelService) FindFeedImports(ctx context.Context, limit int) ([]*cordon.FeedImport, error) {
	_, limit, err := pageBounds(0, limit)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("find feed imports", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, selectImports+` ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, wrap("find feed imports", err)
	}
	defer rows.Close()
	imps := []*cordon.FeedImport{}
	for rows.Next() {
		imp, err := scanImport(rows)
		if err != nil {
			return nil, wrap("find feed imports", err)
		}
		imps = append(imps, imp)
	}
	return imps, wrap("find feed imports", rows.Err())
}

// feedStatusQueries counts each source's records and finds the newest date
// its data carries. Lifecycle files carry no date of their own, so theirs
// is the last import's.
var feedStatusQueries = map[string]string{
	cordon.FeedNVD:       `SELECT count(*), coalesce(max(modified), '') FROM vulnerabilities`,
	cordon.FeedKEV:       `SELECT count(*), coalesce(max(date_added), '') FROM kev`,
	cordon.FeedEPSS:      `SELECT count(*), coalesce(max(date), '') FROM epss_latest`,
	cordon.FeedCSAF:      `SELECT count(*), coalesce(max(updated), '') FROM advisories`,
	cordon.FeedLifecycle: `SELECT count(*), coalesce((SELECT max(imported_at) FROM feed_imports WHERE source = 'lifecycle'), '') FROM lifecycles`,
}

// FeedStatus returns one status per source in cordon.FeedSources.
func (s *IntelService) FeedStatus(ctx context.Context) ([]cordon.FeedStatus, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("feed status", err)
	}
	defer tx.Rollback()
	out := make([]cordon.FeedStatus, 0, len(cordon.FeedSources))
	for _, src := range cordon.FeedSources {
		st := cordon.FeedStatus{Source: src}
		q, ok := feedStatusQueries[src]
		if !ok {
			return nil, fmt.Errorf("sqlite: feed status: no query for source %q", src)
		}
		var newest string
		if err := tx.QueryRowContext(ctx, q).Scan(&st.Records, &newest); err != nil {
			return nil, wrap("feed status", err)
		}
		if st.Newest, err = parseTime(newest); err != nil {
			return nil, wrap("feed status", err)
		}
		imp, err := scanImport(tx.QueryRowContext(ctx, selectImports+` WHERE source = ? ORDER BY id DESC LIMIT 1`, src))
		switch {
		case err == nil:
			st.LastImport = imp
		case err != sql.ErrNoRows:
			return nil, wrap("feed status", err)
		}
		out = append(out, st)
	}
	return out, nil
}

// IntelVersion returns the number of imports ever made.
func (s *IntelService) IntelVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.db.read.QueryRowContext(ctx, `SELECT version FROM intel_version WHERE id = 1`).Scan(&v)
	return v, wrap("intel version", err)
}
