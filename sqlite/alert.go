package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cordonsec/cordon"
)

// AlertService keeps alerts and their lifecycle.
type AlertService struct {
	db *DB
}

var _ cordon.AlertService = (*AlertService)(nil)

// NewAlertService returns the alerts of db.
func NewAlertService(db *DB) *AlertService { return &AlertService{db: db} }

// Limits of a person's change to an alert.
const (
	maxAlertOwner = 200
	maxAlertNote  = 4096
)

// alertOpen is the filter value that matches alerts still to act on.
const alertOpen = "open"

// RaiseAlert records a, or counts again the open alert with its kind,
// device and subject.
func (s *AlertService) RaiseAlert(ctx context.Context, a *cordon.Alert) error {
	if a == nil {
		return cordon.Errorf(cordon.EINVALID, "No alert given.")
	}
	if err := a.Validate(); err != nil {
		return err
	}
	if a.DeviceID < 0 {
		return cordon.Errorf(cordon.EINVALID, "Device ID %d is not valid.", a.DeviceID)
	}
	evidence := a.Evidence
	if evidence == nil {
		evidence = []string{}
	}
	ev, err := json.Marshal(evidence)
	if err != nil {
		return wrap("raise alert", err)
	}
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return wrap("raise alert", err)
	}
	defer tx.Rollback()
	now := formatTime(tx.now)
	var id int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM alerts WHERE kind = ? AND device_id = ? AND subject = ?
		AND status IN ('new', 'acknowledged')`, a.Kind, a.DeviceID, a.Subject).Scan(&id)
	switch {
	case err == sql.ErrNoRows:
		err = tx.QueryRowContext(ctx, `INSERT INTO alerts (kind, severity, device_id, subject, title, evidence,
			first_seen, last_seen, count, status, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`,
			a.Kind, a.Severity, a.DeviceID, a.Subject, a.Title, string(ev), now, now, cordon.AlertNew, now).Scan(&id)
	case err == nil:
		_, err = tx.ExecContext(ctx, `UPDATE alerts SET severity = ?, title = ?, evidence = ?, last_seen = ?,
			count = count + 1 WHERE id = ?`, a.Severity, a.Title, string(ev), now, id)
	}
	if err == nil {
		err = afterRaise(ctx, tx, id) // criticality, suppression and the outbox (outbox.go)
	}
	if err != nil {
		return wrap("raise alert", err)
	}
	got, err := findAlertByID(ctx, tx, id)
	if err != nil {
		return wrap("raise alert", err)
	}
	if err := tx.Commit(); err != nil {
		return wrap("raise alert", err)
	}
	*a = *got
	return nil
}

// selectAlerts reads alerts with their devices (NULL columns when the
// device is gone or there is none), in the order scanAlert expects.
const selectAlerts = `SELECT a.id, a.kind, a.severity, a.device_id, a.subject, a.title, a.evidence, a.first_seen,
	a.last_seen, a.count, a.status, a.owner, a.note, a.updated_by, a.updated_at, d.id IS NOT NULL,
	coalesce(d.key, ''), coalesce(d.mac, ''), coalesce(d.ip, ''), coalesce(d.hostname, ''),
	coalesce(d.manufacturer, ''), coalesce(d.model, ''), coalesce(d.category, ''), coalesce(d.site, ''),
	coalesce(json_extract(d.recorded, '$.building'), ''), coalesce(json_extract(d.recorded, '$.ward'), ''),
	coalesce(json_extract(d.recorded, '$.room'), ''), coalesce(json_extract(d.recorded, '$.owner'), '')
	FROM alerts a LEFT JOIN devices d ON d.id = a.device_id AND a.device_id <> 0`

func scanAlert(row interface{ Scan(...any) error }) (*cordon.Alert, error) {
	var a cordon.Alert
	var ev, first, last, updated string
	var hasDevice bool
	var fd cordon.FindingDevice
	var building, ward, room string
	if err := row.Scan(&a.ID, &a.Kind, &a.Severity, &a.DeviceID, &a.Subject, &a.Title, &ev, &first, &last, &a.Count,
		&a.Status, &a.Owner, &a.Note, &a.UpdatedBy, &updated, &hasDevice,
		&fd.Key, &fd.MAC, &fd.IP, &fd.Hostname, &fd.Manufacturer, &fd.Model, &fd.Category, &fd.Site,
		&building, &ward, &room, &fd.Owner); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(ev), &a.Evidence); err != nil {
		return nil, fmt.Errorf("alert %d evidence: %w", a.ID, err)
	}
	if a.Evidence == nil {
		a.Evidence = []string{}
	}
	var err error
	if a.FirstSeen, err = parseTime(first); err != nil {
		return nil, err
	}
	if a.LastSeen, err = parseTime(last); err != nil {
		return nil, err
	}
	if a.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	if hasDevice {
		fd.ID = a.DeviceID
		var parts []string
		for _, p := range []string{building, ward, room} {
			if p != "" {
				parts = append(parts, p)
			}
		}
		fd.Location = strings.Join(parts, ", ")
		a.Device = &fd
	}
	return &a, nil
}

func findAlertByID(ctx context.Context, tx *Tx, id int64) (*cordon.Alert, error) {
	a, err := scanAlert(tx.QueryRowContext(ctx, selectAlerts+` WHERE a.id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, cordon.Errorf(cordon.ENOTFOUND, "Alert %d not found.", id)
	}
	return a, err
}

// FindAlertByID returns an alert, or ENOTFOUND.
func (s *AlertService) FindAlertByID(ctx context.Context, id int64) (*cordon.Alert, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("find alert", err)
	}
	defer tx.Rollback()
	a, err := findAlertByID(ctx, tx, id)
	return a, wrap("find alert", err)
}

// FindAlerts returns a page of alerts, latest activity first, and the total
// that match.
func (s *AlertService) FindAlerts(ctx context.Context, f cordon.AlertFilter) ([]*cordon.Alert, int, error) {
	offset, limit, err := pageBounds(f.Offset, f.Limit)
	if err != nil {
		return nil, 0, err
	}
	var where []string
	var args []any
	if f.Kind != "" {
		where, args = append(where, "a.kind = ?"), append(args, f.Kind)
	}
	if f.Severity != "" {
		if !slices.Contains(cordon.AlertSeverities, f.Severity) {
			return nil, 0, cordon.Errorf(cordon.EINVALID, "Unknown alert severity %q: use one of %s.", f.Severity, strings.Join(cordon.AlertSeverities, ", "))
		}
		where, args = append(where, "a.severity = ?"), append(args, f.Severity)
	}
	switch {
	case f.Status == "":
	case f.Status == alertOpen:
		where = append(where, "a.status IN ('new', 'acknowledged')")
	case slices.Contains(cordon.AlertStatuses, f.Status):
		where, args = append(where, "a.status = ?"), append(args, f.Status)
	default:
		return nil, 0, cordon.Errorf(cordon.EINVALID, "Unknown alert status %q: use open or one of %s.", f.Status, strings.Join(cordon.AlertStatuses, ", "))
	}
	if f.DeviceID != 0 {
		where, args = append(where, "a.device_id = ?"), append(args, f.DeviceID)
	}
	if f.Subject != "" {
		where, args = append(where, "a.subject = ?"), append(args, f.Subject)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, 0, wrap("find alerts", err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM alerts a`+cond, args...).Scan(&n); err != nil {
		return nil, 0, wrap("find alerts", err)
	}
	as := make([]*cordon.Alert, 0, min(n, limit))
	if n == 0 || offset >= n {
		return as, n, nil
	}
	rows, err := tx.QueryContext(ctx, selectAlerts+cond+` ORDER BY a.last_seen DESC, a.id DESC LIMIT ? OFFSET ?`,
		append(args, limit, offset)...)
	if err != nil {
		return nil, 0, wrap("find alerts", err)
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanAlert(rows)
		if err != nil {
			return nil, 0, wrap("find alerts", err)
		}
		as = append(as, a)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, wrap("find alerts", err)
	}
	return as, n, nil
}

// alertState is the part of an alert a person changes, as audited.
type alertState struct {
	Status string `json:"status"`
	Owner  string `json:"owner,omitempty"`
	Note   string `json:"note,omitempty"`
}

// UpdateAlert moves an alert in its lifecycle, audited as "alert.update".
// Reopening a closed alert while another of its key is open is ECONFLICT:
// the open one carries on counting.
func (s *AlertService) UpdateAlert(ctx context.Context, id int64, c cordon.AlertChange) (*cordon.Alert, error) {
	if !slices.Contains(cordon.AlertStatuses, c.Status) {
		return nil, cordon.Errorf(cordon.EINVALID, "Unknown alert status %q: use one of %s.", c.Status, strings.Join(cordon.AlertStatuses, ", "))
	}
	c.Owner, c.Note = strings.TrimSpace(c.Owner), strings.TrimSpace(c.Note)
	if len(c.Owner) > maxAlertOwner {
		return nil, cordon.Errorf(cordon.EINVALID, "An alert's owner is at most %d characters.", maxAlertOwner)
	}
	if len(c.Note) > maxAlertNote {
		return nil, cordon.Errorf(cordon.EINVALID, "An alert's note is at most %d characters.", maxAlertNote)
	}
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return nil, wrap("update alert", err)
	}
	defer tx.Rollback()
	before, err := findAlertByID(ctx, tx, id)
	if err != nil {
		return nil, wrap("update alert", err)
	}
	if open := c.Status == cordon.AlertNew || c.Status == cordon.AlertAcknowledged; open {
		var other int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM alerts WHERE kind = ? AND device_id = ? AND subject = ?
			AND status IN ('new', 'acknowledged') AND id <> ?`, before.Kind, before.DeviceID, before.Subject, id).Scan(&other)
		if err == nil {
			return nil, cordon.Errorf(cordon.ECONFLICT, "Alert %d cannot be reopened: alert %d is open about the same thing.", id, other)
		} else if err != sql.ErrNoRows {
			return nil, wrap("update alert", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE alerts SET status = ?, owner = ?, note = ?, updated_by = ?, updated_at = ?
		WHERE id = ?`, c.Status, c.Owner, c.Note, cordon.Actor(ctx), formatTime(tx.now), id); err != nil {
		return nil, wrap("update alert", err)
	}
	after, err := findAlertByID(ctx, tx, id)
	if err != nil {
		return nil, wrap("update alert", err)
	}
	if err := insertAudit(ctx, tx, "alert.update", alertObject(id),
		alertState{before.Status, before.Owner, before.Note}, alertState{after.Status, after.Owner, after.Note}); err != nil {
		return nil, wrap("update alert", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, wrap("update alert", err)
	}
	return after, nil
}

func alertObject(id int64) string { return "alert:" + strconv.FormatInt(id, 10) }
