package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// RemediationService keeps remediation records: one fix of one CVE or
// advisory for one device model, with where each device of the model
// stands.
type RemediationService struct {
	db *DB
}

var _ cordon.RemediationService = (*RemediationService)(nil)

// NewRemediationService returns the remediation records of db.
func NewRemediationService(db *DB) *RemediationService { return &RemediationService{db: db} }

func remediationObject(id int64) string { return "remediation:" + strconv.FormatInt(id, 10) }

// PrepareRemediation returns an unsaved record for cve and the model,
// prefilled from the findings of the model's devices.
func (s *RemediationService) PrepareRemediation(ctx context.Context, modelID int64, cve string) (*cordon.RemediationRecord, error) {
	r := &cordon.RemediationRecord{CVE: cve, ModelID: modelID, State: cordon.RemediationFixPublished}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("prepare remediation", err)
	}
	defer tx.Rollback()
	m, err := findModelByID(ctx, tx, modelID)
	if err != nil {
		return nil, wrap("prepare remediation", err)
	}
	r.Manufacturer, r.Model, r.Version = m.Manufacturer, m.Model, m.Version
	if err := prefillRemediation(ctx, tx, r); err != nil {
		return nil, wrap("prepare remediation", err)
	}
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM kev WHERE cve = ?)`, r.CVE).Scan(&r.KEV); err != nil {
		return nil, wrap("prepare remediation", err)
	}
	if err := fillRemediationDevices(ctx, tx, r, false); err != nil {
		return nil, wrap("prepare remediation", err)
	}
	return r, nil
}

// prefillRemediation fills r's blank fix fields from the findings of the
// model's devices (the earliest publication date any finding gives, with
// its reference and source) and sets its devices to the model's, pending.
// An advisory's findings are those whose fix it is the source of.
func prefillRemediation(ctx context.Context, tx *Tx, r *cordon.RemediationRecord) error {
	q := `SELECT findings.doc FROM findings JOIN model_devices ON model_devices.device_id = findings.device_id
		WHERE model_devices.model_id = ? AND findings.gone = ''`
	args := []any{r.ModelID}
	advisory := !strings.HasPrefix(r.CVE, "CVE-")
	if !advisory {
		q, args = q+` AND findings.cve = ?`, append(args, r.CVE)
	}
	rows, err := tx.QueryContext(ctx, q+` ORDER BY findings.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var best *cordon.Fix
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return err
		}
		var fd findingDoc
		if err := json.Unmarshal([]byte(doc), &fd); err != nil {
			return err
		}
		fix := fd.Fix
		if !fix.Available || (advisory && !strings.EqualFold(fix.Source, "csaf:"+r.CVE)) {
			continue
		}
		if best == nil || (!fix.Since.IsZero() && (best.Since.IsZero() || fix.Since.Before(best.Since))) {
			best = &fix
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if best != nil {
		if r.FixPublished.IsZero() {
			r.FixPublished = best.Since.UTC()
		}
		if r.FixReference == "" && (strings.HasPrefix(best.URL, "https://") || strings.HasPrefix(best.URL, "http://")) {
			r.FixReference = best.URL
		}
		if r.FixSource == "" {
			r.FixSource = best.Source
		}
	}
	ids, err := remediationDeviceIDs(ctx, tx, r.ModelID)
	if err != nil {
		return err
	}
	r.Devices = make([]cordon.RemediationDevice, 0, len(ids))
	for _, id := range ids {
		r.Devices = append(r.Devices, cordon.RemediationDevice{DeviceID: id, State: cordon.RemediationDevicePending})
	}
	return nil
}

// remediationDeviceIDs returns the devices a model's fix is for: those of
// the model still in service (a decommissioned device will not be patched,
// and a record must not wait for it).
func remediationDeviceIDs(ctx context.Context, tx *Tx, modelID int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT md.device_id FROM model_devices md WHERE md.model_id = ?
		AND NOT EXISTS (SELECT 1 FROM device_lifecycles lc WHERE lc.device_id = md.device_id AND lc.state <> 'in_service')
		ORDER BY md.device_id`, modelID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// CreateRemediation stores a new record in state fix_published.
func (s *RemediationService) CreateRemediation(ctx context.Context, r *cordon.RemediationRecord) error {
	if r == nil {
		return cordon.Errorf(cordon.EINVALID, "No remediation given.")
	}
	rec := *r
	if err := rec.Validate(); err != nil {
		return err
	}
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return wrap("create remediation", err)
	}
	defer tx.Rollback()
	m, err := findModelByID(ctx, tx, rec.ModelID)
	if err != nil {
		return wrap("create remediation", err)
	}
	var existing int64
	switch err := tx.QueryRowContext(ctx, `SELECT id FROM remediations WHERE cve = ? AND model_id = ?`, rec.CVE, rec.ModelID).Scan(&existing); {
	case err == nil:
		r.ID = existing
		return cordon.Errorf(cordon.ECONFLICT, "%s of %s is tracked already (remediation %d).", rec.CVE, modelName(m), existing)
	case err != sql.ErrNoRows:
		return wrap("create remediation", err)
	}
	if err := prefillRemediation(ctx, tx, &rec); err != nil {
		return wrap("create remediation", err)
	}
	if rec.FixPublished.After(tx.now) {
		return cordon.Errorf(cordon.EINVALID, "The fix's publication date (%s) is in the future.", rec.FixPublished.Format("2006-01-02"))
	}
	by := cordon.Actor(ctx)
	at := rec.FixPublished
	if at.IsZero() {
		at = tx.now
	}
	rec.State, rec.CreatedBy, rec.CreatedAt, rec.UpdatedAt = cordon.RemediationFixPublished, by, tx.now, tx.now
	rec.Events = []cordon.RemediationEvent{{State: cordon.RemediationFixPublished, At: at, By: by, Note: rec.FixSource}}
	rec.ValidationRequested, rec.Decided, rec.Applied = rec.ValidationRequested.UTC(), rec.Decided.UTC(), rec.Applied.UTC()
	rec.FixPublished = rec.FixPublished.UTC()
	doc, err := remediationDocJSON(&rec)
	if err != nil {
		return wrap("create remediation", err)
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO remediations (cve, model_id, state, doc, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, rec.CVE, rec.ModelID, rec.State, doc, by,
		formatTime(tx.now), formatTime(tx.now)).Scan(&rec.ID); err != nil {
		return wrap("create remediation", err)
	}
	for _, d := range rec.Devices {
		if err := upsertRemediationDevice(ctx, tx, rec.ID, d); err != nil {
			return wrap("create remediation", err)
		}
	}
	stored, err := findRemediation(ctx, tx, rec.ID)
	if err != nil {
		return wrap("create remediation", err)
	}
	if err := insertAudit(ctx, tx, "remediation.create", remediationObject(rec.ID), nil, auditRemediation(stored)); err != nil {
		return wrap("create remediation", err)
	}
	if err := tx.Commit(); err != nil {
		return wrap("create remediation", err)
	}
	*r = *stored
	return nil
}

// remediationDocJSON is the doc column: the record without what has
// columns or rows of its own or what the store fills when reading.
func remediationDocJSON(r *cordon.RemediationRecord) (string, error) {
	d := *r
	d.ID, d.Devices, d.Manufacturer, d.Model, d.Version, d.KEV = 0, nil, "", "", "", false
	d.CVE, d.ModelID, d.State, d.CreatedBy = "", 0, "", ""
	b, err := json.Marshal(d)
	return string(b), err
}

func upsertRemediationDevice(ctx context.Context, tx *Tx, id int64, d cordon.RemediationDevice) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO remediation_devices (remediation_id, device_id, state, scheduled, applied, applied_by)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (remediation_id, device_id) DO UPDATE SET state = excluded.state,
		scheduled = excluded.scheduled, applied = excluded.applied, applied_by = excluded.applied_by`,
		id, d.DeviceID, d.State, formatTime(d.Scheduled), formatTime(d.Applied), d.AppliedBy)
	return err
}

// auditRemediation is a record as the audit log keeps it: without what the
// network showed of its devices, which is not a person's change.
func auditRemediation(r *cordon.RemediationRecord) *cordon.RemediationRecord {
	a := *r
	a.Devices = make([]cordon.RemediationDevice, len(r.Devices))
	for i, d := range r.Devices {
		d.LastSeen, d.Observed = time.Time{}, nil
		a.Devices[i] = d
	}
	return &a
}
