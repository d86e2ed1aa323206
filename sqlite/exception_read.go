package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/cordonsec/cordon"
)

// selectExceptions reads exceptions with the name of their device or
// model, in the order scanException expects.
const selectExceptions = `SELECT e.id, coalesce(e.device_id, 0), coalesce(e.model_id, 0), e.reason, e.reason_text, e.cves,
	e.risk_ref, e.owner, e.expires, e.revoked_at, e.revoked_by, e.revoke_reason, e.created_by, e.updated_by,
	e.created_at, e.updated_at,
	coalesce(nullif(d.hostname, ''), nullif(d.ip, ''), nullif(d.mac, ''), d.key, ''),
	coalesce(trim(m.manufacturer || ' ' || m.model || ' ' || m.version), '')
	FROM exceptions e LEFT JOIN devices d ON d.id = e.device_id LEFT JOIN device_models m ON m.id = e.model_id`

// reviewDue is the SQL of an exception's review date: the earliest of its
// expiry and its controls' review dates.
const reviewDue = `min(e.expires, coalesce((SELECT min(c.review_date) FROM exception_controls c WHERE c.exception_id = e.id), e.expires))`

func scanException(row interface{ Scan(...any) error }) (*cordon.Exception, error) {
	var e cordon.Exception
	var cves, expires, revoked, created, updated, device, model string
	if err := row.Scan(&e.ID, &e.DeviceID, &e.ModelID, &e.Reason, &e.ReasonText, &cves, &e.RiskRef, &e.Owner,
		&expires, &revoked, &e.RevokedBy, &e.RevokeReason, &e.CreatedBy, &e.UpdatedBy, &created, &updated,
		&device, &model); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(cves), &e.CVEs); err != nil {
		return nil, fmt.Errorf("exception %d cves: %w", e.ID, err)
	}
	var err error
	if e.Expires, err = parseDay(expires); err != nil {
		return nil, err
	}
	if e.RevokedAt, err = parseTime(revoked); err != nil {
		return nil, err
	}
	if e.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if e.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	if e.DeviceID != 0 {
		e.Subject = "device " + device
	} else {
		e.Subject = "model " + model
	}
	e.Controls = []cordon.Control{}
	return &e, nil
}

// loadControls fills the controls of es and derives their state at now.
func loadControls(ctx context.Context, tx *Tx, es []*cordon.Exception) error {
	if len(es) == 0 {
		return nil
	}
	byID := make(map[int64]*cordon.Exception, len(es))
	ids := make([]string, 0, len(es))
	for _, e := range es {
		byID[e.ID] = e
		ids = append(ids, fmt.Sprint(e.ID))
	}
	// IDs are integers the store produced, so joining them is safe.
	rows, err := tx.QueryContext(ctx, `SELECT exception_id, kind, class, status, evidence, review_date
		FROM exception_controls WHERE exception_id IN (`+strings.Join(ids, ",")+`) ORDER BY exception_id, position`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c cordon.Control
		var review string
		if err := rows.Scan(&id, &c.Kind, &c.Class, &c.Status, &c.Evidence, &review); err != nil {
			return err
		}
		if c.ReviewDate, err = parseDay(review); err != nil {
			return err
		}
		byID[id].Controls = append(byID[id].Controls, c)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, e := range es {
		e.Derive(tx.now)
	}
	return nil
}

func findExceptionByID(ctx context.Context, tx *Tx, id int64) (*cordon.Exception, error) {
	e, err := scanException(tx.QueryRowContext(ctx, selectExceptions+` WHERE e.id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, cordon.Errorf(cordon.ENOTFOUND, "Exception %d not found.", id)
	}
	if err != nil {
		return nil, err
	}
	return e, loadControls(ctx, tx, []*cordon.Exception{e})
}

// FindExceptionByID returns an exception, or ENOTFOUND.
func (s *ExceptionService) FindExceptionByID(ctx context.Context, id int64) (*cordon.Exception, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("find exception", err)
	}
	defer tx.Rollback()
	e, err := findExceptionByID(ctx, tx, id)
	return e, wrap("find exception", err)
}

// stateCond returns the SQL condition of a state at today.
func stateCond(state, today string) (string, []any) {
	switch state {
	case cordon.ExceptionActive:
		return "e.revoked_at = '' AND e.expires >= ?", []any{today}
	case cordon.ExceptionExpired:
		return "e.revoked_at = '' AND e.expires < ?", []any{today}
	}
	return "e.revoked_at <> ''", nil
}

// FindExceptions returns a page of exceptions, soonest review first.
func (s *ExceptionService) FindExceptions(ctx context.Context, f cordon.ExceptionFilter) ([]*cordon.Exception, int, error) {
	offset, limit, err := pageBounds(f.Offset, f.Limit)
	if err != nil {
		return nil, 0, err
	}
	if f.State != "" && !slices.Contains(cordon.ExceptionStates, f.State) {
		return nil, 0, cordon.Errorf(cordon.EINVALID, "The state must be one of %s, not %q.", strings.Join(cordon.ExceptionStates, ", "), f.State)
	}
	if f.DeviceID < 0 || f.ModelID < 0 {
		return nil, 0, cordon.Errorf(cordon.EINVALID, "Device and model IDs are positive.")
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, 0, wrap("find exceptions", err)
	}
	defer tx.Rollback()
	es, n, err := findExceptions(ctx, tx, f, offset, limit)
	return es, n, wrap("find exceptions", err)
}

func findExceptions(ctx context.Context, tx *Tx, f cordon.ExceptionFilter, offset, limit int) ([]*cordon.Exception, int, error) {
	today := formatDay(tx.now)
	var where []string
	var args []any
	if f.DeviceID != 0 {
		where = append(where, "(e.device_id = ? OR e.model_id = (SELECT model_id FROM model_devices WHERE device_id = ?))")
		args = append(args, f.DeviceID, f.DeviceID)
	}
	if f.ModelID != 0 {
		where, args = append(where, "e.model_id = ?"), append(args, f.ModelID)
	}
	if f.State != "" {
		c, a := stateCond(f.State, today)
		where, args = append(where, c), append(args, a...)
	}
	if f.Due {
		where = append(where, "e.revoked_at = '' AND "+reviewDue+" <= ?")
		args = append(args, formatDay(cordon.Day(tx.now).Add(cordon.ReviewWindow)))
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM exceptions e`+cond, args...).Scan(&n); err != nil {
		return nil, 0, err
	}
	if n == 0 || offset >= n {
		return []*cordon.Exception{}, n, nil
	}
	rows, err := tx.QueryContext(ctx, selectExceptions+cond+` ORDER BY e.revoked_at <> '', `+reviewDue+`, e.id LIMIT ? OFFSET ?`,
		append(args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	es := make([]*cordon.Exception, 0, min(limit, n-offset))
	for rows.Next() {
		e, err := scanException(rows)
		if err != nil {
			return nil, 0, err
		}
		es = append(es, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	rows.Close()
	return es, n, loadControls(ctx, tx, es)
}

// DevicePlan returns the plan of a device: its own and its model's active
// exceptions and their controls.
func (s *ExceptionService) DevicePlan(ctx context.Context, deviceID int64) (*cordon.MitigationPlan, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("device plan", err)
	}
	defer tx.Rollback()
	if err := checkSubject(ctx, tx, &cordon.Exception{DeviceID: deviceID}); err != nil {
		return nil, wrap("device plan", err)
	}
	p, err := plan(ctx, tx, cordon.ExceptionFilter{DeviceID: deviceID, State: cordon.ExceptionActive})
	if err != nil {
		return nil, wrap("device plan", err)
	}
	p.DeviceID = deviceID
	return p, nil
}

// ModelPlan returns the plan of a model from its active exceptions.
func (s *ExceptionService) ModelPlan(ctx context.Context, modelID int64) (*cordon.MitigationPlan, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("model plan", err)
	}
	defer tx.Rollback()
	if _, err := findModelByID(ctx, tx, modelID); err != nil {
		return nil, wrap("model plan", err)
	}
	p, err := plan(ctx, tx, cordon.ExceptionFilter{ModelID: modelID, State: cordon.ExceptionActive})
	if err != nil {
		return nil, wrap("model plan", err)
	}
	p.ModelID = modelID
	return p, nil
}

// plan gathers the controls of the exceptions f selects. A device has few
// exceptions; maxLimit of them is far more than any plan holds.
func plan(ctx context.Context, tx *Tx, f cordon.ExceptionFilter) (*cordon.MitigationPlan, error) {
	es, _, err := findExceptions(ctx, tx, f, 0, maxLimit)
	if err != nil {
		return nil, err
	}
	p := &cordon.MitigationPlan{Exceptions: es, Controls: []cordon.Control{}}
	for _, e := range es {
		for _, c := range e.Controls {
			c.ExceptionID = e.ID
			p.Controls = append(p.Controls, c)
		}
	}
	p.Check = cordon.CheckPlan(p.Controls)
	return p, nil
}
