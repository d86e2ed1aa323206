package sqlite

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"math"
	"strconv"

	"github.com/cordonsec/cordon"
)

// CaptureService records captures and their progress.
type CaptureService struct {
	db *DB
}

var _ cordon.CaptureService = (*CaptureService)(nil)

// NewCaptureService returns the captures of db.
func NewCaptureService(db *DB) *CaptureService { return &CaptureService{db: db} }

// CreateCapture records a new queued capture; ECONFLICT, with c filled in
// from the existing one, if its SHA-256 is known.
func (s *CaptureService) CreateCapture(ctx context.Context, c *cordon.Capture) error {
	if b, err := hex.DecodeString(c.SHA256); err != nil || len(b) != 32 {
		return cordon.Errorf(cordon.EINVALID, "A capture's SHA-256 must be 64 hexadecimal digits.")
	}
	if c.Name == "" || len(c.Name) > 255 {
		return cordon.Errorf(cordon.EINVALID, "A capture's name must have 1 to 255 characters.")
	}
	if c.Size < 0 {
		return cordon.Errorf(cordon.EINVALID, "A capture's size must not be negative.")
	}
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return wrap("create capture", err)
	}
	defer tx.Rollback()
	if err := createCapture(ctx, tx, c); err != nil {
		return wrap("create capture", err)
	}
	return wrap("create capture", tx.Commit())
}

func createCapture(ctx context.Context, tx *Tx, c *cordon.Capture) error {
	// The write transaction holds the lock, so nobody inserts the same hash
	// between this look-up and the insert.
	existing, err := findCapture(ctx, tx, `sha256 = ?`, hexLower(c.SHA256))
	if err == nil {
		*c = *existing
		return cordon.Errorf(cordon.ECONFLICT, "This capture was already uploaded as %q.", existing.Name)
	}
	if cordon.ErrorCode(err) != cordon.ENOTFOUND {
		return err
	}
	if c.CreatedBy == "" {
		c.CreatedBy = cordon.Actor(ctx)
	}
	c.SHA256 = hexLower(c.SHA256)
	c.Status, c.Progress, c.Error = cordon.CaptureQueued, 0, ""
	c.Stats = cordon.IngestStats{}
	c.CreatedAt, c.StartedAt, c.FinishedAt = tx.now, nil, nil
	stats, err := json.Marshal(c.Stats)
	if err != nil {
		return err
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO captures (name, sha256, size, status, stats, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		c.Name, c.SHA256, c.Size, c.Status, string(stats), c.CreatedBy, formatTime(c.CreatedAt)).Scan(&c.ID)
	if err != nil {
		return err
	}
	return insertAudit(ctx, tx, "capture.create", captureObject(c.ID), nil, c)
}

// hexLower lower-cases hex digits, so that one file has one hash string.
func hexLower(s string) string {
	b, err := hex.DecodeString(s)
	if err != nil {
		return s
	}
	return hex.EncodeToString(b)
}

func captureObject(id int64) string { return "capture:" + strconv.FormatInt(id, 10) }

// FindCaptureByID returns the capture, or ENOTFOUND.
func (s *CaptureService) FindCaptureByID(ctx context.Context, id int64) (*cordon.Capture, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("find capture", err)
	}
	defer tx.Rollback()
	c, err := findCapture(ctx, tx, `id = ?`, id)
	if err != nil {
		return nil, wrap("find capture", err)
	}
	return c, nil
}

// FindCaptures returns a page of captures, newest first, and the total
// that match.
func (s *CaptureService) FindCaptures(ctx context.Context, f cordon.CaptureFilter) ([]*cordon.Capture, int, error) {
	offset, limit, err := pageBounds(f.Offset, f.Limit)
	if err != nil {
		return nil, 0, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, 0, wrap("find captures", err)
	}
	defer tx.Rollback()
	cond, args := "", []any(nil)
	if f.Status != "" {
		cond, args = ` WHERE status = ?`, []any{f.Status}
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM captures`+cond, args...).Scan(&n); err != nil {
		return nil, 0, wrap("find captures", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+captureColumns+` FROM captures`+cond+
		` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, wrap("find captures", err)
	}
	defer rows.Close()
	cs := make([]*cordon.Capture, 0, min(n, limit))
	for rows.Next() {
		c, err := scanCapture(rows)
		if err != nil {
			return nil, 0, wrap("find captures", err)
		}
		cs = append(cs, c)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, wrap("find captures", err)
	}
	return cs, n, nil
}

// StartCapture moves a queued capture to running; ECONFLICT otherwise.
func (s *CaptureService) StartCapture(ctx context.Context, id int64) error {
	return s.transition(ctx, "start capture", id, []string{cordon.CaptureQueued},
		`UPDATE captures SET status = 'running', progress = 0, error = '', started_at = ?, finished_at = NULL WHERE id = ?`,
		func(tx *Tx) []any { return []any{formatTime(tx.now), id} })
}

// SetCaptureProgress records the progress of a running capture.
func (s *CaptureService) SetCaptureProgress(ctx context.Context, id int64, progress float64) error {
	if math.IsNaN(progress) || progress < 0 || progress > 1 {
		return cordon.Errorf(cordon.EINVALID, "Progress must be between 0 and 1.")
	}
	return s.transition(ctx, "set capture progress", id, []string{cordon.CaptureRunning},
		`UPDATE captures SET progress = ? WHERE id = ?`,
		func(*Tx) []any { return []any{progress, id} })
}

// FailCapture marks a queued or running capture failed with msg. A capture
// already done stays done: ECONFLICT.
func (s *CaptureService) FailCapture(ctx context.Context, id int64, msg string) error {
	if len(msg) > 4096 {
		msg = msg[:4096]
	}
	return s.transition(ctx, "fail capture", id, []string{cordon.CaptureQueued, cordon.CaptureRunning, cordon.CaptureFailed},
		`UPDATE captures SET status = 'failed', error = ?, finished_at = ? WHERE id = ?`,
		func(tx *Tx) []any { return []any{msg, formatTime(tx.now), id} })
}

// transition runs update on capture id if its status is one of from.
func (s *CaptureService) transition(ctx context.Context, op string, id int64, from []string, update string, args func(*Tx) []any) error {
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return wrap(op, err)
	}
	defer tx.Rollback()
	if err := checkCaptureStatus(ctx, tx, id, from...); err != nil {
		return wrap(op, err)
	}
	if _, err := tx.ExecContext(ctx, update, args(tx)...); err != nil {
		return wrap(op, err)
	}
	return wrap(op, tx.Commit())
}

// checkCaptureStatus returns ENOTFOUND for an unknown capture and
// ECONFLICT unless its status is one of want.
func checkCaptureStatus(ctx context.Context, tx *Tx, id int64, want ...string) error {
	var status string
	err := tx.QueryRowContext(ctx, `SELECT status FROM captures WHERE id = ?`, id).Scan(&status)
	if err == sql.ErrNoRows {
		return cordon.Errorf(cordon.ENOTFOUND, "Capture %d not found.", id)
	} else if err != nil {
		return err
	}
	for _, w := range want {
		if status == w {
			return nil
		}
	}
	return cordon.Errorf(cordon.ECONFLICT, "Capture %d is %s.", id, status)
}

// RequeueRunning puts captures left running back in the queue.
func (s *CaptureService) RequeueRunning(ctx context.Context) ([]int64, error) {
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return nil, wrap("requeue captures", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `UPDATE captures SET status = 'queued', progress = 0, started_at = NULL
		WHERE status = 'running' RETURNING id`)
	if err != nil {
		return nil, wrap("requeue captures", err)
	}
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, wrap("requeue captures", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Close(); err != nil {
		return nil, wrap("requeue captures", err)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("requeue captures", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, wrap("requeue captures", err)
	}
	return ids, nil
}

const captureColumns = `id, name, sha256, size, status, progress, error, stats, created_by, created_at, started_at, finished_at`

func findCapture(ctx context.Context, tx *Tx, cond string, arg any) (*cordon.Capture, error) {
	c, err := scanCapture(tx.QueryRowContext(ctx, `SELECT `+captureColumns+` FROM captures WHERE `+cond, arg))
	if err == sql.ErrNoRows {
		return nil, cordon.Errorf(cordon.ENOTFOUND, "Capture not found.")
	}
	return c, err
}

func scanCapture(row interface{ Scan(...any) error }) (*cordon.Capture, error) {
	var c cordon.Capture
	var stats, created string
	var started, finished sql.NullString
	if err := row.Scan(&c.ID, &c.Name, &c.SHA256, &c.Size, &c.Status, &c.Progress, &c.Error, &stats,
		&c.CreatedBy, &created, &started, &finished); err != nil {
		return nil, err
	}
	var err error
	if err = json.Unmarshal([]byte(stats), &c.Stats); err != nil {
		return nil, err
	}
	if c.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if c.StartedAt, err = parseNullTime(started); err != nil {
		return nil, err
	}
	if c.FinishedAt, err = parseNullTime(finished); err != nil {
		return nil, err
	}
	return &c, nil
}
