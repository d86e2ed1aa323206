package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/cordonsec/cordon"
)

// selectRemediations selects records with their model's names and whether
// CISA lists the CVE as exploited, in the order scanRemediation reads them.
const selectRemediations = `SELECT remediations.id, remediations.cve, remediations.model_id, remediations.state,
	remediations.doc, remediations.created_by, remediations.created_at, remediations.updated_at,
	device_models.manufacturer, device_models.model, device_models.version,
	EXISTS (SELECT 1 FROM kev WHERE kev.cve = remediations.cve)
	FROM remediations JOIN device_models ON device_models.id = remediations.model_id`

func scanRemediation(row interface{ Scan(...any) error }) (*cordon.RemediationRecord, error) {
	var r cordon.RemediationRecord
	var id, model int64
	var cve, state, doc, by, created, updated, maker, name, version string
	var kev bool
	if err := row.Scan(&id, &cve, &model, &state, &doc, &by, &created, &updated, &maker, &name, &version, &kev); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(doc), &r); err != nil {
		return nil, fmt.Errorf("remediation %d: %w", id, err)
	}
	r.ID, r.CVE, r.ModelID, r.State, r.CreatedBy = id, cve, model, state, by
	r.Manufacturer, r.Model, r.Version, r.KEV = maker, name, version, kev
	var err error
	if r.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if r.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	if r.Events == nil {
		r.Events = []cordon.RemediationEvent{}
	}
	return &r, nil
}

// findRemediation returns a record with its devices, or ENOTFOUND.
func findRemediation(ctx context.Context, tx *Tx, id int64) (*cordon.RemediationRecord, error) {
	r, err := scanRemediation(tx.QueryRowContext(ctx, selectRemediations+` WHERE remediations.id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, cordon.Errorf(cordon.ENOTFOUND, "Remediation %d not found.", id)
	} else if err != nil {
		return nil, err
	}
	return r, fillRemediationDevices(ctx, tx, r, true)
}

// fillRemediationDevices names r's devices and adds what the network last
// showed of each. stored reads the devices' deployment from the store;
// otherwise r.Devices lists them already (a record being prepared).
func fillRemediationDevices(ctx context.Context, tx *Tx, r *cordon.RemediationRecord, stored bool) error {
	if stored {
		rows, err := tx.QueryContext(ctx, `SELECT device_id, state, scheduled, applied, applied_by FROM remediation_devices
			WHERE remediation_id = ? ORDER BY device_id`, r.ID)
		if err != nil {
			return err
		}
		r.Devices = []cordon.RemediationDevice{}
		for rows.Next() {
			var d cordon.RemediationDevice
			var scheduled, applied string
			if err := rows.Scan(&d.DeviceID, &d.State, &scheduled, &applied, &d.AppliedBy); err != nil {
				rows.Close()
				return err
			}
			if d.Scheduled, err = parseTime(scheduled); err != nil {
				rows.Close()
				return err
			}
			if d.Applied, err = parseTime(applied); err != nil {
				rows.Close()
				return err
			}
			r.Devices = append(r.Devices, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if err := followModel(ctx, tx, r); err != nil {
			return err
		}
	}
	for i := range r.Devices {
		d := &r.Devices[i]
		var key, ip, host, lastSeen string
		var observed sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT devices.key, devices.ip, devices.hostname, devices.last_seen, device_observed.observed
			FROM devices LEFT JOIN device_observed ON device_observed.device_id = devices.id WHERE devices.id = ?`, d.DeviceID).
			Scan(&key, &ip, &host, &lastSeen, &observed)
		if err != nil {
			return err
		}
		d.Name = cmpOr(host, ip, key)
		if d.LastSeen, err = parseTime(lastSeen); err != nil {
			return err
		}
		d.Observed = []string{}
		if observed.Valid {
			var dev cordon.Device
			if err := json.Unmarshal([]byte(observed.String), &dev); err != nil {
				return fmt.Errorf("device %d: observed: %w", d.DeviceID, err)
			}
			if v := cordon.ObservedVersions(&dev); v != nil {
				d.Observed = v
			}
			if d.LastSeen.IsZero() {
				d.LastSeen = dev.LastSeen.UTC()
			}
		}
	}
	return nil
}

// followModel makes a stored record's devices follow its model as it is
// now, when the record is read: a device that joined the model since the
// record was started appears as pending (until the record is applied,
// when its list is closed), and one that left is marked Left, not
// dropped, so what was done on it stays on the record. Deriving this on
// every read, rather than syncing rows, cannot go stale; a joined device
// gets a row of its own when its deployment is first changed.
func followModel(ctx context.Context, tx *Tx, r *cordon.RemediationRecord) error {
	ids, err := modelDeviceIDs(ctx, tx, r.ModelID)
	if err != nil {
		return err
	}
	in := make(map[int64]bool, len(ids))
	for _, id := range ids {
		in[id] = true
	}
	stored := make(map[int64]bool, len(r.Devices))
	for i := range r.Devices {
		d := &r.Devices[i]
		stored[d.DeviceID] = true
		d.Left = !in[d.DeviceID]
	}
	if r.State == cordon.RemediationApplied {
		return nil
	}
	for _, id := range ids {
		if !stored[id] {
			r.Devices = append(r.Devices, cordon.RemediationDevice{DeviceID: id, State: cordon.RemediationDevicePending})
		}
	}
	slices.SortFunc(r.Devices, func(a, b cordon.RemediationDevice) int { return cmp.Compare(a.DeviceID, b.DeviceID) })
	return nil
}

func cmpOr(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// FindRemediationByID returns a record, or ENOTFOUND.
func (s *RemediationService) FindRemediationByID(ctx context.Context, id int64) (*cordon.RemediationRecord, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("find remediation", err)
	}
	defer tx.Rollback()
	r, err := findRemediation(ctx, tx, id)
	return r, wrap("find remediation", err)
}

// FindRemediations returns a page of records, newest first, and the total
// that match.
func (s *RemediationService) FindRemediations(ctx context.Context, f cordon.RemediationFilter) ([]*cordon.RemediationRecord, int, error) {
	offset, limit, err := pageBounds(f.Offset, f.Limit)
	if err != nil {
		return nil, 0, err
	}
	var where []string
	var args []any
	if f.State != "" {
		if !slices.Contains(cordon.RemediationStates, f.State) {
			return nil, 0, cordon.Errorf(cordon.EINVALID, "Unknown remediation state %q: use one of %s.", f.State, strings.Join(cordon.RemediationStates, ", "))
		}
		where, args = append(where, "remediations.state = ?"), append(args, f.State)
	}
	if f.Manufacturer != "" {
		where, args = append(where, "lower(device_models.manufacturer) = ?"), append(args, strings.ToLower(f.Manufacturer))
	}
	if f.ModelID != 0 {
		where, args = append(where, "remediations.model_id = ?"), append(args, f.ModelID)
	}
	if f.CVE != "" {
		id, err := cordon.NormalizeRemediationSubject(f.CVE)
		if err != nil {
			return nil, 0, err
		}
		where, args = append(where, "remediations.cve = ?"), append(args, id)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, 0, wrap("find remediations", err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM remediations JOIN device_models ON device_models.id = remediations.model_id`+cond, args...).Scan(&n); err != nil {
		return nil, 0, wrap("find remediations", err)
	}
	rows, err := tx.QueryContext(ctx, selectRemediations+cond+` ORDER BY remediations.id DESC LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, wrap("find remediations", err)
	}
	rs := make([]*cordon.RemediationRecord, 0, min(n, limit))
	for rows.Next() {
		r, err := scanRemediation(rows)
		if err != nil {
			rows.Close()
			return nil, 0, wrap("find remediations", err)
		}
		rs = append(rs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, wrap("find remediations", err)
	}
	for _, r := range rs {
		if err := fillRemediationDevices(ctx, tx, r, true); err != nil {
			return nil, 0, wrap("find remediations", err)
		}
	}
	return rs, n, nil
}
