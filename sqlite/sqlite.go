// Package sqlite implements the cordon store interfaces on an embedded SQLite
// database through modernc.org/sqlite, a pure Go driver, so that the binary
// builds without cgo.
//
// The database runs in WAL mode with one connection for writes beside a pool
// for reads: SQLite admits one writer at a time, and queueing writers in Go
// rather than in SQLite's busy handler keeps them in order and cheap. Public
// methods open a transaction and call unexported helpers that take the *Tx,
// so that a change and its audit entry commit together.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"runtime"
	"sort"
	"time"

	"github.com/cordonsec/cordon"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// DB is an open Cordon database.
type DB struct {
	write *sql.DB // one connection: SQLite has one writer
	read  *sql.DB

	// Path is the database file.
	Path string
	// Now returns the current time; tests replace it. Times are stored in
	// UTC.
	Now func() time.Time
	// Logger receives the store's few log lines (migrations applied).
	Logger *slog.Logger
}

// Open opens (creating if need be) the database at path and applies the
// migrations it lacks.
func Open(path string) (*DB, error) {
	db := &DB{
		Path:   path,
		Now:    func() time.Time { return time.Now().UTC() },
		Logger: slog.New(slog.DiscardHandler),
	}
	if path == "" {
		return nil, fmt.Errorf("sqlite: open: no path")
	}
	// busy_timeout comes first so that the pragmas after it wait for a lock
	// rather than fail; the driver also sorts it first. _txlock=immediate
	// takes the write lock at BEGIN, so a transaction that reads and then
	// writes cannot fail half-way with SQLITE_BUSY.
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "cache_size(-32000)") // 32 MB, in KiB: the register's hot pages stay in memory
	// Statement journals (an upsert inside a transaction keeps one) and
	// temporary sort trees in memory, not temporary files: a third of an
	// ingest's time went to their writes.
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Set("_txlock", "immediate")
	w, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	db.write = w
	if err := db.migrate(context.Background()); err != nil {
		w.Close()
		return nil, err
	}

	// The read pool opens after the writer has switched the file to WAL
	// (which persists), and cannot write by accident.
	q.Del("_txlock")
	q.Add("_pragma", "query_only(1)")
	r, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	n := max(4, runtime.NumCPU())
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	if err := r.Ping(); err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	db.read = r
	return db, nil
}

// Close closes the database.
func (db *DB) Close() error {
	var errs []error
	if db.read != nil {
		errs = append(errs, db.read.Close())
	}
	if db.write != nil {
		// PRAGMA optimize refreshes the planner's statistics of the tables
		// that changed (findings grow by millions of rows), as SQLite
		// recommends before closing; a checkpoint folds the WAL back into
		// the database file, so a copied file is complete.
		_, err := db.write.Exec("PRAGMA optimize")
		errs = append(errs, err)
		_, err = db.write.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
		errs = append(errs, err, db.write.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("sqlite: close: %w", err)
	}
	return nil
}

// Tx is a transaction with the time it began: every row a transaction
// writes carries the same time.
type Tx struct {
	*sql.Tx
	db  *DB
	now time.Time
}

// beginWrite starts a read-write transaction on the single write connection.
func (db *DB) beginWrite(ctx context.Context) (*Tx, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	return &Tx{Tx: tx, db: db, now: db.Now().UTC()}, nil
}

// beginRead starts a read-only transaction: one consistent snapshot for a
// count and its page.
func (db *DB) beginRead(ctx context.Context) (*Tx, error) {
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	return &Tx{Tx: tx, db: db, now: db.Now().UTC()}, nil
}

// migrate applies, in name order, each embedded migration that the
// migrations table does not list, each in its own transaction.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (
		name       TEXT PRIMARY KEY,
		applied_at TEXT NOT NULL
	)`); err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := db.migrateFile(ctx, name); err != nil {
			return fmt.Errorf("sqlite: migrate %s: %w", name, err)
		}
	}
	return nil
}

func (db *DB) migrateFile(ctx context.Context, name string) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM migrations WHERE name = ?`, name).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	body, err := fs.ReadFile(migrationFS, name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO migrations (name, applied_at) VALUES (?, ?)`, name, formatTime(tx.now)); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	db.Logger.Info("migration applied", slog.String("migration", name))
	return nil
}

// timeLayout is fixed-width so that stored times sort as text.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// formatTime formats t in UTC for storage; the zero time is "".
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

// nullTime formats an optional time: nil is NULL.
func nullTime(t *time.Time) any {
	if t == nil || t.IsZero() {
		return nil
	}
	return formatTime(*t)
}

// parseTime reads a stored time; "" is the zero time.
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad stored time %q: %w", s, err)
	}
	return t.UTC(), nil
}

// parseNullTime reads an optional stored time.
func parseNullTime(s sql.NullString) (*time.Time, error) {
	if !s.Valid || s.String == "" {
		return nil, nil
	}
	t, err := parseTime(s.String)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// Page limits shared by every Find method.
const (
	defaultLimit = 50
	maxLimit     = 1000
)

// pageBounds checks and defaults an offset and limit.
func pageBounds(offset, limit int) (int, int, error) {
	if offset < 0 || limit < 0 {
		return 0, 0, cordon.Errorf(cordon.EINVALID, "Offset and limit must not be negative.")
	}
	if limit == 0 {
		limit = defaultLimit
	}
	return offset, min(limit, maxLimit), nil
}

// sqliteCode returns the extended result code of a driver error, or 0.
func sqliteCode(err error) int {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code()
	}
	return 0
}

// isUnique reports whether err is a UNIQUE or PRIMARY KEY violation.
func isUnique(err error) bool {
	c := sqliteCode(err)
	return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

// wrap turns a driver error into the error a method returns: constraint
// violations become *cordon.Error with a code callers can act on, anything
// else is wrapped with the operation.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var ce *cordon.Error
	if errors.As(err, &ce) {
		return err
	}
	switch c := sqliteCode(err); c {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return &cordon.Error{Code: cordon.ECONFLICT, Message: "It already exists."}
	case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		return &cordon.Error{Code: cordon.EINVALID, Message: "A value is out of range."}
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return &cordon.Error{Code: cordon.ENOTFOUND, Message: "What it refers to does not exist."}
	}
	return fmt.Errorf("sqlite: %s: %w", op, err)
}

// clampInt64 stores a counter that SQLite's signed integers cannot hold as
// the largest they can.
func clampInt64(v uint64) int64 {
	if v > 1<<63-1 {
		return 1<<63 - 1
	}
	return int64(v)
}

// parseDay reads a stored YYYY-MM-DD date; "" is zero.
func parseDay(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad stored date %q: %w", s, err)
	}
	return t, nil
}

// formatDay stores a date as YYYY-MM-DD; zero is "".
func formatDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return cordon.Day(t).Format(time.DateOnly)
}
