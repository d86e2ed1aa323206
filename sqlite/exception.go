package sqlite

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// ExceptionService keeps exceptions and the compensating controls of
// devices that cannot be fixed.
type ExceptionService struct {
	db *DB
}

var _ cordon.ExceptionService = (*ExceptionService)(nil)

// NewExceptionService returns the exception store of db.
func NewExceptionService(db *DB) *ExceptionService { return &ExceptionService{db: db} }

func exceptionObject(id int64) string { return "exception:" + strconv.FormatInt(id, 10) }

// formatDate stores a date as 'YYYY-MM-DD', which compares as text.
// checkDates applies the rules that need the clock: no expiry or review
// date before today, unless before holds the same date (an edit that
// leaves an overdue date alone is not a new claim), and no expiry beyond
// MaxExceptionTerm.
func checkDates(e, before *cordon.Exception, now time.Time) error {
	today := cordon.Day(now)
	if e.Expires.Before(today) && (before == nil || !before.Expires.Equal(e.Expires)) {
		return cordon.Errorf(cordon.EINVALID, "The expiry date %s is in the past.", formatDay(e.Expires))
	}
	if e.Expires.After(today.Add(cordon.MaxExceptionTerm)) {
		return cordon.Errorf(cordon.EINVALID, "The expiry date %s is more than three years away; an exception is reviewed and renewed instead.", formatDay(e.Expires))
	}
	old := map[string]bool{}
	if before != nil {
		for _, c := range before.Controls {
			old[c.Kind+" "+formatDay(c.ReviewDate)] = true
		}
	}
	for i, c := range e.Controls {
		if c.ReviewDate.Before(today) && !old[c.Kind+" "+formatDay(c.ReviewDate)] {
			return cordon.Errorf(cordon.EINVALID, "Control %d (%s): the review date %s is in the past.", i+1, c.Kind, formatDay(c.ReviewDate))
		}
	}
	return nil
}

// normalize puts e's dates at midnight UTC and gives it an empty, not nil,
// CVE and control list.
func normalize(e *cordon.Exception) {
	if e.CVEs == nil {
		e.CVEs = []string{}
	}
	if e.Controls == nil {
		e.Controls = []cordon.Control{}
	}
	if cordon.IsDate(e.Expires) {
		e.Expires = cordon.Day(e.Expires)
	}
	for i := range e.Controls {
		e.Controls[i].ExceptionID = 0
		if cordon.IsDate(e.Controls[i].ReviewDate) {
			e.Controls[i].ReviewDate = cordon.Day(e.Controls[i].ReviewDate)
		}
	}
}

// CreateException records an exception and its controls.
func (s *ExceptionService) CreateException(ctx context.Context, e *cordon.Exception) error {
	if e == nil {
		return cordon.Errorf(cordon.EINVALID, "No exception given.")
	}
	rec := *e
	rec.CVEs, rec.Controls = append([]string(nil), e.CVEs...), append([]cordon.Control(nil), e.Controls...)
	normalize(&rec)
	if err := rec.Validate(); err != nil {
		return err
	}
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return wrap("create exception", err)
	}
	defer tx.Rollback()
	if err := checkDates(&rec, nil, tx.now); err != nil {
		return err
	}
	if err := checkSubject(ctx, tx, &rec); err != nil {
		return wrap("create exception", err)
	}
	cves, err := json.Marshal(rec.CVEs)
	if err != nil {
		return wrap("create exception", err)
	}
	now, actor := formatTime(tx.now), cordon.Actor(ctx)
	if err := tx.QueryRowContext(ctx, `INSERT INTO exceptions (device_id, model_id, reason, reason_text, cves,
		risk_ref, owner, expires, created_by, updated_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		nullID(rec.DeviceID), nullID(rec.ModelID), rec.Reason, rec.ReasonText, string(cves), rec.RiskRef, rec.Owner,
		formatDay(rec.Expires), actor, actor, now, now).Scan(&rec.ID); err != nil {
		return wrap("create exception", err)
	}
	if err := insertControls(ctx, tx, rec.ID, rec.Controls); err != nil {
		return wrap("create exception", err)
	}
	after, err := findExceptionByID(ctx, tx, rec.ID)
	if err != nil {
		return wrap("create exception", err)
	}
	if err := insertAudit(ctx, tx, "exception.create", exceptionObject(rec.ID), nil, after); err != nil {
		return wrap("create exception", err)
	}
	if err := tx.Commit(); err != nil {
		return wrap("create exception", err)
	}
	*e = *after
	return nil
}

// nullID stores 0 as NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// checkSubject fails with ENOTFOUND unless e's device or model exists.
func checkSubject(ctx context.Context, tx *Tx, e *cordon.Exception) error {
	if e.ModelID != 0 {
		_, err := findModelByID(ctx, tx, e.ModelID)
		return err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM devices WHERE id = ?`, e.DeviceID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return cordon.Errorf(cordon.ENOTFOUND, "Device %d not found.", e.DeviceID)
	}
	return nil
}

func insertControls(ctx context.Context, tx *Tx, id int64, cs []cordon.Control) error {
	for i, c := range cs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO exception_controls (exception_id, position, kind, class, status, evidence, review_date)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, id, i, c.Kind, c.Class, c.Status, c.Evidence, formatDay(c.ReviewDate)); err != nil {
			return err
		}
	}
	return nil
}

// UpdateException replaces an exception's fields and controls; its device
// or model, creation and revocation stay.
func (s *ExceptionService) UpdateException(ctx context.Context, e *cordon.Exception) error {
	if e == nil {
		return cordon.Errorf(cordon.EINVALID, "No exception given.")
	}
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return wrap("update exception", err)
	}
	defer tx.Rollback()
	before, err := findExceptionByID(ctx, tx, e.ID)
	if err != nil {
		return wrap("update exception", err)
	}
	if before.State == cordon.ExceptionRevoked {
		return cordon.Errorf(cordon.ECONFLICT, "Exception %d is revoked; record a new one instead.", e.ID)
	}
	rec := *e
	rec.CVEs, rec.Controls = append([]string(nil), e.CVEs...), append([]cordon.Control(nil), e.Controls...)
	rec.DeviceID, rec.ModelID = before.DeviceID, before.ModelID
	normalize(&rec)
	if err := rec.Validate(); err != nil {
		return err
	}
	if err := checkDates(&rec, before, tx.now); err != nil {
		return err
	}
	cves, err := json.Marshal(rec.CVEs)
	if err != nil {
		return wrap("update exception", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE exceptions SET reason = ?, reason_text = ?, cves = ?, risk_ref = ?, owner = ?,
		expires = ?, updated_by = ?, updated_at = ? WHERE id = ?`,
		rec.Reason, rec.ReasonText, string(cves), rec.RiskRef, rec.Owner, formatDay(rec.Expires),
		cordon.Actor(ctx), formatTime(tx.now), rec.ID); err != nil {
		return wrap("update exception", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM exception_controls WHERE exception_id = ?`, rec.ID); err != nil {
		return wrap("update exception", err)
	}
	if err := insertControls(ctx, tx, rec.ID, rec.Controls); err != nil {
		return wrap("update exception", err)
	}
	after, err := findExceptionByID(ctx, tx, rec.ID)
	if err != nil {
		return wrap("update exception", err)
	}
	if err := insertAudit(ctx, tx, "exception.update", exceptionObject(rec.ID), before, after); err != nil {
		return wrap("update exception", err)
	}
	if err := tx.Commit(); err != nil {
		return wrap("update exception", err)
	}
	*e = *after
	return nil
}

// RevokeException ends an exception with a reason.
func (s *ExceptionService) RevokeException(ctx context.Context, id int64, reason string) (*cordon.Exception, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || len(reason) > 4096 {
		return nil, cordon.Errorf(cordon.EINVALID, "Revoking an exception needs a reason of 1 to 4096 characters.")
	}
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return nil, wrap("revoke exception", err)
	}
	defer tx.Rollback()
	after, err := revokeException(ctx, tx, id, reason)
	if err != nil {
		return nil, wrap("revoke exception", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, wrap("revoke exception", err)
	}
	return after, nil
}

// revokeException revokes exception id in tx and audits it.
func revokeException(ctx context.Context, tx *Tx, id int64, reason string) (*cordon.Exception, error) {
	before, err := findExceptionByID(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if before.State == cordon.ExceptionRevoked {
		return nil, cordon.Errorf(cordon.ECONFLICT, "Exception %d is revoked already.", id)
	}
	now, actor := formatTime(tx.now), cordon.Actor(ctx)
	if _, err := tx.ExecContext(ctx, `UPDATE exceptions SET revoked_at = ?, revoked_by = ?, revoke_reason = ?,
		updated_by = ?, updated_at = ? WHERE id = ?`, now, actor, reason, actor, now, id); err != nil {
		return nil, err
	}
	after, err := findExceptionByID(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	return after, insertAudit(ctx, tx, "exception.revoke", exceptionObject(id), before, after)
}

// revokeDeviceExceptions revokes, in tx, every exception of the device
// itself that is not revoked yet.
func revokeDeviceExceptions(ctx context.Context, tx *Tx, deviceID int64, reason string) error {
	ids, err := queryIDs(ctx, tx, `SELECT id FROM exceptions WHERE device_id = ? AND revoked_at = '' ORDER BY id`, deviceID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := revokeException(ctx, tx, id, reason); err != nil {
			return err
		}
	}
	return nil
}
