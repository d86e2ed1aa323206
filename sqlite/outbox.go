package sqlite

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// OutboxService keeps the alerts waiting for delivery.
type OutboxService struct {
	db *DB
}

var _ cordon.OutboxService = (*OutboxService)(nil)

// NewOutboxService returns the delivery outbox of db.
func NewOutboxService(db *DB) *OutboxService { return &OutboxService{db: db} }

// maxOutboxError bounds a stored delivery error: a receiver's reply is not
// ours to keep whole.
const maxOutboxError = 512

// afterRaise follows RaiseAlert in its transaction: it raises the alert's
// severity one step when the device is recorded as life-sustaining or of
// high clinical criticality and, for an alert just opened (count 1), holds
// it back under a matching suppression rule or queues it for each
// configured destination.
func afterRaise(ctx context.Context, tx *Tx, id int64) error {
	var kind, severity, subject, criticality string
	var device, model int64
	var count, lines int
	if err := tx.QueryRowContext(ctx, `SELECT a.kind, a.severity, a.subject, a.device_id, a.count,
		json_array_length(a.evidence), coalesce(json_extract(d.recorded, '$.criticality'), ''), coalesce(m.model_id, 0)
		FROM alerts a LEFT JOIN devices d ON d.id = a.device_id AND a.device_id <> 0
		LEFT JOIN model_devices m ON m.device_id = a.device_id AND a.device_id <> 0
		WHERE a.id = ?`, id).Scan(&kind, &severity, &subject, &device, &count, &lines, &criticality, &model); err != nil {
		return err
	}
	if raised := RaisedSeverity(severity, criticality); raised != severity {
		q := `UPDATE alerts SET severity = ? WHERE id = ?`
		args := []any{raised, id}
		if lines < 64 {
			q = `UPDATE alerts SET severity = ?, evidence = json_insert(evidence, '$[#]', ?) WHERE id = ?`
			args = []any{raised, "Severity raised from " + severity + " to " + raised +
				": the device's clinical criticality is recorded as " + criticality + ".", id}
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	if count != 1 {
		return nil
	}
	if held, err := suppressAlert(ctx, tx, id, kind, device, model, subject); err != nil || held {
		return err
	}
	now := formatTime(tx.now)
	_, err := tx.ExecContext(ctx, `INSERT INTO outbox (alert_id, destination, status, next_attempt, created_at, updated_at)
		SELECT ?, name, 'pending', ?, ?, ? FROM delivery_destinations ORDER BY name`, id, now, now, now)
	return err
}

// RaisedSeverity returns severity one step more urgent when criticality is
// life-sustaining or high: a fault on a device that keeps a patient alive
// matters more than the same fault on a printer.
func RaisedSeverity(severity, criticality string) string {
	if criticality != cordon.CriticalityLifeSustaining && criticality != cordon.CriticalityHigh {
		return severity
	}
	i := slices.Index(cordon.AlertSeverities, severity)
	if i <= 0 {
		return severity
	}
	return cordon.AlertSeverities[i-1]
}

// SetDestinations replaces the destination names alerts are queued for.
func (s *OutboxService) SetDestinations(ctx context.Context, names []string) error {
	for _, n := range names {
		if n == "" || len(n) > 64 {
			return cordon.Errorf(cordon.EINVALID, "A destination name has 1 to 64 characters, not %q.", n)
		}
	}
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return wrap("set destinations", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM delivery_destinations`); err != nil {
		return wrap("set destinations", err)
	}
	for _, n := range names {
		if _, err := tx.ExecContext(ctx, `INSERT INTO delivery_destinations (name) VALUES (?) ON CONFLICT DO NOTHING`, n); err != nil {
			return wrap("set destinations", err)
		}
	}
	return wrap("set destinations", tx.Commit())
}

const selectOutbox = `SELECT id, alert_id, destination, status, attempts, next_attempt, last_error, created_at,
	updated_at FROM outbox`

func scanOutbox(row interface{ Scan(...any) error }) (*cordon.OutboxEntry, error) {
	var e cordon.OutboxEntry
	var next, created, updated string
	if err := row.Scan(&e.ID, &e.AlertID, &e.Destination, &e.Status, &e.Attempts, &next, &e.LastError, &created,
		&updated); err != nil {
		return nil, err
	}
	var err error
	if e.NextAttempt, err = parseTime(next); err != nil {
		return nil, err
	}
	if e.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if e.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	return &e, nil
}

// DueOutbox returns the pending entries due now, earliest first, with
// their alerts.
func (s *OutboxService) DueOutbox(ctx context.Context, limit int) ([]*cordon.OutboxEntry, error) {
	if limit <= 0 || limit > maxLimit {
		limit = defaultLimit
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("due outbox", err)
	}
	defer tx.Rollback()
	es, err := queryOutbox(ctx, tx, selectOutbox+` WHERE status = 'pending' AND next_attempt <= ?
		ORDER BY next_attempt, id LIMIT ?`, formatTime(tx.now), limit)
	if err != nil {
		return nil, wrap("due outbox", err)
	}
	for _, e := range es {
		if e.Alert, err = findAlertByID(ctx, tx, e.AlertID); err != nil {
			return nil, wrap("due outbox", err)
		}
	}
	return es, nil
}

func queryOutbox(ctx context.Context, tx *Tx, q string, args ...any) ([]*cordon.OutboxEntry, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	es := []*cordon.OutboxEntry{}
	for rows.Next() {
		e, err := scanOutbox(rows)
		if err != nil {
			return nil, err
		}
		es = append(es, e)
	}
	return es, rows.Err()
}

// MarkDelivered records a delivery.
func (s *OutboxService) MarkDelivered(ctx context.Context, id int64) error {
	return s.mark(ctx, "mark delivered", id, cordon.OutboxDelivered, "", time.Time{}, true)
}

// MarkFailed records a failed attempt.
func (s *OutboxService) MarkFailed(ctx context.Context, id int64, msg string, next time.Time, giveUp bool) error {
	status := cordon.OutboxPending
	if giveUp {
		status = cordon.OutboxFailed
	}
	if len(msg) > maxOutboxError {
		msg = strings.ToValidUTF8(msg[:maxOutboxError], "")
	}
	return s.mark(ctx, "mark failed", id, status, msg, next, false)
}

func (s *OutboxService) mark(ctx context.Context, op string, id int64, status, msg string, next time.Time, ok bool) error {
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return wrap(op, err)
	}
	defer tx.Rollback()
	var dest string
	err = tx.QueryRowContext(ctx, `SELECT destination FROM outbox WHERE id = ?`, id).Scan(&dest)
	if err == sql.ErrNoRows {
		return cordon.Errorf(cordon.ENOTFOUND, "Outbox entry %d not found.", id)
	} else if err != nil {
		return wrap(op, err)
	}
	if next.IsZero() {
		next = tx.now
	}
	now := formatTime(tx.now)
	if _, err := tx.ExecContext(ctx, `UPDATE outbox SET status = ?, attempts = attempts + 1, next_attempt = ?,
		last_error = ?, updated_at = ? WHERE id = ?`, status, formatTime(next), msg, now, id); err != nil {
		return wrap(op, err)
	}
	okN, failN := 0, 1
	if ok {
		okN, failN = 1, 0
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO delivery_counts (destination, ok, failed) VALUES (?, ?, ?)
		ON CONFLICT (destination) DO UPDATE SET ok = ok + excluded.ok, failed = failed + excluded.failed`,
		dest, okN, failN); err != nil {
		return wrap(op, err)
	}
	return wrap(op, tx.Commit())
}

// FindOutbox returns a page of entries, newest first, and the total.
func (s *OutboxService) FindOutbox(ctx context.Context, f cordon.OutboxFilter) ([]*cordon.OutboxEntry, int, error) {
	offset, limit, err := pageBounds(f.Offset, f.Limit)
	if err != nil {
		return nil, 0, err
	}
	var where []string
	var args []any
	if f.Status != "" {
		if !slices.Contains([]string{cordon.OutboxPending, cordon.OutboxDelivered, cordon.OutboxFailed}, f.Status) {
			return nil, 0, cordon.Errorf(cordon.EINVALID, "Unknown outbox status %q: use pending, delivered or failed.", f.Status)
		}
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	if f.Destination != "" {
		where, args = append(where, "destination = ?"), append(args, f.Destination)
	}
	if f.AlertID != 0 {
		where, args = append(where, "alert_id = ?"), append(args, f.AlertID)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, 0, wrap("find outbox", err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM outbox`+cond, args...).Scan(&n); err != nil {
		return nil, 0, wrap("find outbox", err)
	}
	es, err := queryOutbox(ctx, tx, selectOutbox+cond+` ORDER BY id DESC LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	return es, n, wrap("find outbox", err)
}

// PruneOutbox deletes delivered entries last changed before t.
func (s *OutboxService) PruneOutbox(ctx context.Context, before time.Time) (int, error) {
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return 0, wrap("prune outbox", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE status = 'delivered' AND updated_at < ?`, formatTime(before))
	if err != nil {
		return 0, wrap("prune outbox", err)
	}
	n, _ := res.RowsAffected()
	return int(n), wrap("prune outbox", tx.Commit())
}

// DeliveryMetrics counts what /metrics shows, in one read snapshot.
func (s *OutboxService) DeliveryMetrics(ctx context.Context) (*cordon.DeliveryMetrics, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("delivery metrics", err)
	}
	defer tx.Rollback()
	m := &cordon.DeliveryMetrics{Outbox: map[string]int{}}
	rows, err := tx.QueryContext(ctx, `SELECT kind, severity, status, count(*) FROM alerts
		GROUP BY kind, severity, status ORDER BY kind, severity, status`)
	if err != nil {
		return nil, wrap("delivery metrics", err)
	}
	for rows.Next() {
		var t cordon.AlertTally
		if err := rows.Scan(&t.Kind, &t.Severity, &t.Status, &t.Count); err != nil {
			rows.Close()
			return nil, wrap("delivery metrics", err)
		}
		m.Alerts = append(m.Alerts, t)
	}
	rows.Close()
	rows, err = tx.QueryContext(ctx, `SELECT status, count(*) FROM outbox GROUP BY status`)
	if err != nil {
		return nil, wrap("delivery metrics", err)
	}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			rows.Close()
			return nil, wrap("delivery metrics", err)
		}
		m.Outbox[st] = n
	}
	rows.Close()
	rows, err = tx.QueryContext(ctx, `SELECT destination, ok, failed FROM delivery_counts ORDER BY destination`)
	if err != nil {
		return nil, wrap("delivery metrics", err)
	}
	for rows.Next() {
		var c cordon.DeliveryCount
		if err := rows.Scan(&c.Destination, &c.OK, &c.Failed); err != nil {
			rows.Close()
			return nil, wrap("delivery metrics", err)
		}
		m.Deliveries = append(m.Deliveries, c)
	}
	rows.Close()
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM devices), (SELECT count(*) FROM captures)`).
		Scan(&m.Devices, &m.Captures); err != nil {
		return nil, wrap("delivery metrics", err)
	}
	return m, nil
}
