package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// LifecycleService keeps each device's commissioning, planned replacement
// and decommissioning.
type LifecycleService struct {
	db *DB
}

var _ cordon.LifecycleService = (*LifecycleService)(nil)

// NewLifecycleService returns the device lifecycles of db.
func NewLifecycleService(db *DB) *LifecycleService { return &LifecycleService{db: db} }

// selectLifecycles reads every device with its lifecycle row (absent for
// a device nothing was recorded for) and the support states of its latest
// assessment, in the order scanLifecycle expects.
const selectLifecycles = `SELECT ` + deviceRef + `, json_extract(d.recorded, '$.patient_data'), d.last_seen,
	l.device_id IS NOT NULL, coalesce(l.commissioned_on, ''), coalesce(l.life_years, 0), coalesce(l.replace_on, ''),
	coalesce(l.replacement_cost, 0), coalesce(l.funding_note, ''), coalesce(l.end_of_support_on, ''),
	coalesce(l.end_of_support_src, ''), coalesce(l.state, 'in_service'), coalesce(l.decommissioned_on, ''),
	coalesce(l.decommission_why, ''), coalesce(l.decommissioned_by, ''), coalesce(l.disposed_on, ''),
	coalesce(l.disposed_by, ''), coalesce(l.sanitisation, ''), coalesce(l.updated_by, ''), coalesce(l.updated_at, ''),
	coalesce(json_extract(e.doc, '$.support'), '[]')
	FROM devices d LEFT JOIN device_lifecycles l ON l.device_id = d.id LEFT JOIN exposures e ON e.device_id = d.id`

// scanLifecycle reads a row of selectLifecycles, completing what follows
// from it (replacement date, end of support) as of now.
func scanLifecycle(row interface{ Scan(...any) error }, now time.Time) (*cordon.DeviceLifecycle, error) {
	var l cordon.DeviceLifecycle
	var patient sql.NullBool
	var lastSeen, commissioned, replaceOn, eos, decomOn, decomWhy, decomBy, dispOn, dispBy, san, updated, support string
	var has bool
	dev, done := deviceRefDest(&l.Device)
	dest := append(dev, &patient, &lastSeen, &has, &commissioned, &l.Plan.LifeYears, &replaceOn, &l.Plan.ReplacementCost,
		&l.Plan.FundingNote, &eos, &l.Plan.EndOfSupportSource, &l.State, &decomOn, &decomWhy, &decomBy, &dispOn, &dispBy,
		&san, &l.UpdatedBy, &updated, &support)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	done()
	if patient.Valid {
		l.PatientData = &patient.Bool
	}
	var err error
	if l.LastSeen, err = parseTime(lastSeen); err != nil {
		return nil, err
	}
	if l.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	dates := []struct {
		s string
		t *time.Time
	}{{commissioned, &l.Plan.CommissionedOn}, {replaceOn, &l.Plan.ReplaceOn}, {eos, &l.Plan.EndOfSupportOn}}
	for _, d := range dates {
		if *d.t, err = parseDay(d.s); err != nil {
			return nil, err
		}
	}
	if l.State != cordon.LifecycleInService {
		l.Decommissioned = &cordon.Decommissioning{Reason: decomWhy, By: decomBy}
		if l.Decommissioned.On, err = parseDay(decomOn); err != nil {
			return nil, err
		}
	}
	if l.State == cordon.LifecycleDisposed {
		l.Disposed = &cordon.Disposal{By: dispBy}
		if l.Disposed.On, err = parseDay(dispOn); err != nil {
			return nil, err
		}
		if san != "" {
			l.Disposed.Sanitisation = new(cordon.Sanitisation)
			if err := json.Unmarshal([]byte(san), l.Disposed.Sanitisation); err != nil {
				return nil, fmt.Errorf("sanitisation of device %d: %w", l.Device.ID, err)
			}
		}
	}
	var ss []cordon.SupportStatus
	if err := json.Unmarshal([]byte(support), &ss); err != nil {
		return nil, fmt.Errorf("support of device %d: %w", l.Device.ID, err)
	}
	l.Replacement, l.ReplacementSource = l.Plan.Replacement()
	l.EndOfSupport = cordon.EndOfSupportOf(l.Plan, ss, now)
	return &l, nil
}

func findLifecycle(ctx context.Context, tx *Tx, deviceID int64) (*cordon.DeviceLifecycle, error) {
	l, err := scanLifecycle(tx.QueryRowContext(ctx, selectLifecycles+` WHERE d.id = ?`, deviceID), tx.now)
	if err == sql.ErrNoRows {
		return nil, cordon.Errorf(cordon.ENOTFOUND, "Device %d not found.", deviceID)
	}
	return l, err
}

// FindLifecycle returns a device's lifecycle, or ENOTFOUND.
func (s *LifecycleService) FindLifecycle(ctx context.Context, deviceID int64) (*cordon.DeviceLifecycle, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("find lifecycle", err)
	}
	defer tx.Rollback()
	l, err := findLifecycle(ctx, tx, deviceID)
	return l, wrap("find lifecycle", err)
}

// FindLifecycles returns a page of lifecycles by device ID and the total
// that match.
func (s *LifecycleService) FindLifecycles(ctx context.Context, f cordon.LifecycleFilter) ([]*cordon.DeviceLifecycle, int, error) {
	offset, limit, err := pageBounds(f.Offset, f.Limit)
	if err != nil {
		return nil, 0, err
	}
	if len(f.DeviceIDs) > 1000 {
		return nil, 0, cordon.Errorf(cordon.EINVALID, "At most 1000 device IDs may be given.")
	}
	if f.AfterID < 0 {
		return nil, 0, cordon.Errorf(cordon.EINVALID, "after_id must not be negative, not %d.", f.AfterID)
	}
	var where []string
	var args []any
	// The count joins the lifecycle rows only when the state needs them:
	// every device has a lifecycle, so without a state it counts devices.
	count := `SELECT count(*) FROM devices d`
	switch {
	case f.State == "":
	case f.State == cordon.LifecycleRetired:
		where = append(where, "coalesce(l.state, 'in_service') <> 'in_service'")
	case slices.Contains(cordon.LifecycleStates, f.State):
		where, args = append(where, "coalesce(l.state, 'in_service') = ?"), append(args, f.State)
	default:
		return nil, 0, cordon.Errorf(cordon.EINVALID, "Unknown lifecycle state %q: use %s or %s.", f.State,
			strings.Join(cordon.LifecycleStates, ", "), cordon.LifecycleRetired)
	}
	if f.State != "" {
		count += ` LEFT JOIN device_lifecycles l ON l.device_id = d.id`
	}
	if f.Site != "" {
		where, args = append(where, "lower(d.site) = ?"), append(args, strings.ToLower(f.Site))
	}
	if f.Category != "" {
		where, args = append(where, "d.category = ?"), append(args, f.Category)
	}
	if f.Medical != nil {
		where, args = append(where, "d.medical = ?"), append(args, *f.Medical)
	}
	if f.AfterID > 0 {
		where, args = append(where, "d.id > ?"), append(args, f.AfterID)
	}
	if f.DeviceIDs != nil {
		if len(f.DeviceIDs) == 0 {
			return []*cordon.DeviceLifecycle{}, 0, nil
		}
		where = append(where, "d.id IN (?"+strings.Repeat(", ?", len(f.DeviceIDs)-1)+")")
		for _, id := range f.DeviceIDs {
			args = append(args, id)
		}
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, 0, wrap("find lifecycles", err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, count+cond, args...).Scan(&n); err != nil {
		return nil, 0, wrap("find lifecycles", err)
	}
	ls := make([]*cordon.DeviceLifecycle, 0, min(n, limit))
	if n == 0 || offset >= n {
		return ls, n, nil
	}
	rows, err := tx.QueryContext(ctx, selectLifecycles+cond+` ORDER BY d.id LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, wrap("find lifecycles", err)
	}
	defer rows.Close()
	for rows.Next() {
		l, err := scanLifecycle(rows, tx.now)
		if err != nil {
			return nil, 0, wrap("find lifecycles", err)
		}
		ls = append(ls, l)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, wrap("find lifecycles", err)
	}
	return ls, n, nil
}

// lifecycleRecord is a lifecycle as audited: what was recorded, not what
// the store derives when reading.
type lifecycleRecord struct {
	Plan           cordon.LifecyclePlan    `json:"plan"`
	State          string                  `json:"state"`
	Decommissioned *cordon.Decommissioning `json:"decommissioned,omitempty"`
	Disposed       *cordon.Disposal        `json:"disposed,omitempty"`
}

func recordOf(l *cordon.DeviceLifecycle) lifecycleRecord {
	return lifecycleRecord{Plan: l.Plan, State: l.State, Decommissioned: l.Decommissioned, Disposed: l.Disposed}
}

// writeLifecycle stores the recorded part of l as device deviceID's row.
func writeLifecycle(ctx context.Context, tx *Tx, deviceID int64, r lifecycleRecord) error {
	var decomOn, decomWhy, decomBy, dispOn, dispBy, san string
	if d := r.Decommissioned; d != nil {
		decomOn, decomWhy, decomBy = formatDay(d.On), d.Reason, d.By
	}
	if d := r.Disposed; d != nil {
		dispOn, dispBy = formatDay(d.On), d.By
		if d.Sanitisation != nil {
			b, err := json.Marshal(d.Sanitisation)
			if err != nil {
				return err
			}
			san = string(b)
		}
	}
	p := r.Plan
	_, err := tx.ExecContext(ctx, `INSERT INTO device_lifecycles (device_id, commissioned_on, life_years, replace_on,
		replacement_cost, funding_note, end_of_support_on, end_of_support_src, state, decommissioned_on, decommission_why,
		decommissioned_by, disposed_on, disposed_by, sanitisation, updated_by, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (device_id) DO UPDATE SET commissioned_on = excluded.commissioned_on, life_years = excluded.life_years,
		replace_on = excluded.replace_on, replacement_cost = excluded.replacement_cost, funding_note = excluded.funding_note,
		end_of_support_on = excluded.end_of_support_on, end_of_support_src = excluded.end_of_support_src,
		state = excluded.state, decommissioned_on = excluded.decommissioned_on, decommission_why = excluded.decommission_why,
		decommissioned_by = excluded.decommissioned_by, disposed_on = excluded.disposed_on, disposed_by = excluded.disposed_by,
		sanitisation = excluded.sanitisation, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		deviceID, formatDay(p.CommissionedOn), p.LifeYears, formatDay(p.ReplaceOn), p.ReplacementCost, p.FundingNote,
		formatDay(p.EndOfSupportOn), p.EndOfSupportSource, r.State, decomOn, decomWhy, decomBy, dispOn, dispBy, san,
		cordon.Actor(ctx), formatTime(tx.now))
	return err
}

// changeLifecycle runs change on device deviceID's lifecycle in a write
// transaction, stores and audits the result as action, and returns the
// lifecycle as read back.
func (s *LifecycleService) changeLifecycle(ctx context.Context, op, action string, deviceID int64,
	change func(tx *Tx, l *cordon.DeviceLifecycle) (lifecycleRecord, error)) (*cordon.DeviceLifecycle, error) {
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return nil, wrap(op, err)
	}
	defer tx.Rollback()
	before, err := findLifecycle(ctx, tx, deviceID)
	if err != nil {
		return nil, wrap(op, err)
	}
	after, err := change(tx, before)
	if err != nil {
		return nil, err
	}
	if err := writeLifecycle(ctx, tx, deviceID, after); err != nil {
		return nil, wrap(op, err)
	}
	if err := insertAudit(ctx, tx, action, "device:"+strconv.FormatInt(deviceID, 10), recordOf(before), after); err != nil {
		return nil, wrap(op, err)
	}
	l, err := findLifecycle(ctx, tx, deviceID)
	if err != nil {
		return nil, wrap(op, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, wrap(op, err)
	}
	return l, nil
}

// dayPlan returns p with every date cut to its day.
func dayPlan(p cordon.LifecyclePlan) cordon.LifecyclePlan {
	p.CommissionedOn, p.ReplaceOn, p.EndOfSupportOn = cordon.Day(p.CommissionedOn), cordon.Day(p.ReplaceOn), cordon.Day(p.EndOfSupportOn)
	p.FundingNote, p.EndOfSupportSource = strings.TrimSpace(p.FundingNote), strings.TrimSpace(p.EndOfSupportSource)
	return p
}

// UpdateLifecycle replaces a device's plan; its state stays.
func (s *LifecycleService) UpdateLifecycle(ctx context.Context, deviceID int64, p cordon.LifecyclePlan) (*cordon.DeviceLifecycle, error) {
	p = dayPlan(p)
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return s.changeLifecycle(ctx, "update lifecycle", "lifecycle.update", deviceID,
		func(_ *Tx, l *cordon.DeviceLifecycle) (lifecycleRecord, error) {
			r := recordOf(l)
			if d := l.Decommissioned; d != nil && !p.CommissionedOn.IsZero() && d.On.Before(p.CommissionedOn) {
				return r, cordon.Invalidf("commissioned_on", "commissioned_on (%s) is after the device was decommissioned (%s).",
					formatDay(p.CommissionedOn), formatDay(d.On))
			}
			r.Plan = p
			return r, nil
		})
}

// Decommission takes an in-service device out of service.
func (s *LifecycleService) Decommission(ctx context.Context, deviceID int64, d cordon.Decommissioning) (*cordon.DeviceLifecycle, error) {
	d.On, d.Reason, d.By = cordon.Day(d.On), strings.TrimSpace(d.Reason), cordon.Actor(ctx)
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return s.changeLifecycle(ctx, "decommission", "lifecycle.decommission", deviceID,
		func(tx *Tx, l *cordon.DeviceLifecycle) (lifecycleRecord, error) {
			now := tx.now
			r := recordOf(l)
			switch {
			case l.State != cordon.LifecycleInService:
				return r, cordon.Errorf(cordon.ECONFLICT, "Device %d is %s already.", deviceID, l.State)
			case d.On.After(now):
				return r, cordon.Invalidf("on", "The decommissioning date %s is in the future: record it when it happens.", formatDay(d.On))
			case !l.Plan.CommissionedOn.IsZero() && d.On.Before(l.Plan.CommissionedOn):
				return r, cordon.Invalidf("on", "The decommissioning date %s is before the device was commissioned (%s).",
					formatDay(d.On), formatDay(l.Plan.CommissionedOn))
			}
			r.State, r.Decommissioned = cordon.LifecycleDecommissioned, &d
			// A device out of service needs no exception: its own are
			// revoked with the decommissioning, so that they stop asking
			// for reviews. A model's exceptions stay for its other devices.
			return r, revokeDeviceExceptions(ctx, tx, deviceID, "Device decommissioned on "+formatDay(d.On)+": "+d.Reason)
		})
}

// Dispose records a decommissioned device's disposal, requiring the
// sanitisation of a device that may store patient data.
func (s *LifecycleService) Dispose(ctx context.Context, deviceID int64, d cordon.Disposal) (*cordon.DeviceLifecycle, error) {
	d.On, d.By = cordon.Day(d.On), cordon.Actor(ctx)
	if d.On.IsZero() {
		return nil, cordon.Invalidf("on", "A disposal needs its date (on).")
	}
	if san := d.Sanitisation; san != nil {
		c := *san
		c.On, c.Operator, c.Certificate = cordon.Day(c.On), strings.TrimSpace(c.Operator), strings.TrimSpace(c.Certificate)
		if err := c.Validate(); err != nil {
			return nil, err
		}
		d.Sanitisation = &c
	}
	return s.changeLifecycle(ctx, "dispose", "lifecycle.dispose", deviceID,
		func(tx *Tx, l *cordon.DeviceLifecycle) (lifecycleRecord, error) {
			now := tx.now
			r := recordOf(l)
			if l.State != cordon.LifecycleDecommissioned {
				return r, cordon.Errorf(cordon.ECONFLICT, "Device %d is %s: decommission it before disposing of it.", deviceID, strings.ReplaceAll(l.State, "_", " "))
			}
			decom := l.Decommissioned.On
			switch {
			case d.On.After(now):
				return r, cordon.Invalidf("on", "The disposal date %s is in the future: record it when it happens.", formatDay(d.On))
			case d.On.Before(decom):
				return r, cordon.Invalidf("on", "The disposal date %s is before the device was decommissioned (%s).", formatDay(d.On), formatDay(decom))
			case d.Sanitisation == nil && cordon.NeedsSanitisation(l.PatientData):
				why := "the register does not say whether it stores patient data"
				if l.PatientData != nil {
					why = "it stores patient data"
				}
				return r, cordon.Invalidf("sanitisation", "Device %d cannot be disposed of without a sanitisation record (method, operator, date, certificate): %s.", deviceID, why)
			case d.Sanitisation != nil && (d.Sanitisation.On.Before(decom) || d.Sanitisation.On.After(d.On)):
				return r, cordon.Invalidf("sanitisation.on", "The sanitisation date %s must be between decommissioning (%s) and disposal (%s).",
					formatDay(d.Sanitisation.On), formatDay(decom), formatDay(d.On))
			}
			r.State, r.Disposed = cordon.LifecycleDisposed, &d
			return r, nil
		})
}
