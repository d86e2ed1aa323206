package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

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
	var dr deviceReader
	defer dr.close()
	return dr.fill(ctx, tx, r, stored)
}

// deviceReader reads what the network showed of remediations' devices,
// once per device however many records name it: a model's devices are on
// every record of the model, and decoding their stored documents again
// for each record made the remediation board take seconds at 5,000
// records (docs/benchmarks.md, "Governance at scale").
type deviceReader struct {
	stmt       *sql.Stmt // a device and what it showed
	deployment *sql.Stmt // a record's devices' deployment
	seen       map[int64]deviceSeen
	models     map[int64][]int64 // the devices of each model, read once
}

// modelDevices returns the IDs of a model's devices, read once.
func (dr *deviceReader) modelDevices(ctx context.Context, tx *Tx, modelID int64) ([]int64, error) {
	if ids, ok := dr.models[modelID]; ok {
		return ids, nil
	}
	ids, err := remediationDeviceIDs(ctx, tx, modelID)
	if err != nil {
		return nil, err
	}
	if dr.models == nil {
		dr.models = map[int64][]int64{}
	}
	dr.models[modelID] = ids
	return ids, nil
}

// deviceSeen is what a record shows of a device besides its deployment.
type deviceSeen struct {
	name     string
	lastSeen time.Time
	observed []string
}

func (dr *deviceReader) close() {
	for _, s := range []*sql.Stmt{dr.stmt, dr.deployment} {
		if s != nil {
			s.Close()
		}
	}
}

// fill is fillRemediationDevices with dr's statement and devices.
func (dr *deviceReader) fill(ctx context.Context, tx *Tx, r *cordon.RemediationRecord, stored bool) error {
	if stored {
		if dr.deployment == nil {
			stmt, err := tx.PrepareContext(ctx, `SELECT device_id, state, scheduled, applied, applied_by FROM remediation_devices
				WHERE remediation_id = ? ORDER BY device_id`)
			if err != nil {
				return err
			}
			dr.deployment = stmt
		}
		rows, err := dr.deployment.QueryContext(ctx, r.ID)
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
		ids, err := dr.modelDevices(ctx, tx, r.ModelID)
		if err != nil {
			return err
		}
		followModel(r, ids)
	}
	for i := range r.Devices {
		d := &r.Devices[i]
		s, err := dr.device(ctx, tx, d.DeviceID)
		if err != nil {
			return err
		}
		d.Name, d.LastSeen, d.Observed = s.name, s.lastSeen, slices.Clone(s.observed)
	}
	return nil
}

// device reads one device, or returns it from an earlier read.
func (dr *deviceReader) device(ctx context.Context, tx *Tx, id int64) (deviceSeen, error) {
	if s, ok := dr.seen[id]; ok {
		return s, nil
	}
	if dr.stmt == nil {
		stmt, err := tx.PrepareContext(ctx, `SELECT devices.key, devices.ip, devices.hostname, devices.last_seen, device_observed.observed
			FROM devices LEFT JOIN device_observed ON device_observed.device_id = devices.id WHERE devices.id = ?`)
		if err != nil {
			return deviceSeen{}, err
		}
		dr.stmt, dr.seen = stmt, map[int64]deviceSeen{}
	}
	var key, ip, host, lastSeen string
	var observed sql.NullString
	if err := dr.stmt.QueryRowContext(ctx, id).Scan(&key, &ip, &host, &lastSeen, &observed); err != nil {
		return deviceSeen{}, err
	}
	s := deviceSeen{name: cmpOr(host, ip, key), observed: []string{}}
	var err error
	if s.lastSeen, err = parseTime(lastSeen); err != nil {
		return deviceSeen{}, err
	}
	if observed.Valid {
		var o observedVersions
		if err := json.Unmarshal([]byte(observed.String), &o); err != nil {
			return deviceSeen{}, fmt.Errorf("device %d: observed: %w", id, err)
		}
		if v := cordon.ObservedVersions(o.device()); v != nil {
			s.observed = v
		}
		if s.lastSeen.IsZero() {
			s.lastSeen = o.LastSeen.UTC()
		}
	}
	dr.seen[id] = s
	return s, nil
}

// observedVersions is the part of a stored device document that
// cordon.ObservedVersions and the last-seen fallback read: decoding only
// it, not the whole cordon.Device (the times of every piece of evidence,
// the classifier's reasons…), allocates less. The JSON names are
// cordon.Device's.
type observedVersions struct {
	OS       cordon.OS         `json:"os"`
	Software []cordon.Software `json:"software"`
	DICOM    *struct {
		ImplementationVersion string `json:"implementation_version"`
	} `json:"dicom"`
	Evidence []struct {
		Fact  string `json:"fact"`
		Value string `json:"value"`
	} `json:"evidence"`
	LastSeen time.Time `json:"last_seen"`
}

// device returns the device ObservedVersions reads.
func (o *observedVersions) device() *cordon.Device {
	d := &cordon.Device{OS: o.OS, Software: o.Software}
	if o.DICOM != nil {
		d.DICOM = &cordon.DICOMInfo{ImplementationVersion: o.DICOM.ImplementationVersion}
	}
	d.Evidence = make([]cordon.Evidence, len(o.Evidence))
	for i, e := range o.Evidence {
		d.Evidence[i] = cordon.Evidence{Fact: e.Fact, Value: e.Value}
	}
	return d
}

// followModel makes a stored record's devices follow its model as it is
// now, when the record is read: a device that joined the model since the
// record was started appears as pending (until the record is applied,
// when its list is closed), and one that left is marked Left, not
// dropped, so what was done on it stays on the record. Deriving this on
// every read, rather than syncing rows, cannot go stale; a joined device
// gets a row of its own when its deployment is first changed.
func followModel(r *cordon.RemediationRecord, ids []int64) {
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
		return
	}
	for _, id := range ids {
		if !stored[id] {
			r.Devices = append(r.Devices, cordon.RemediationDevice{DeviceID: id, State: cordon.RemediationDevicePending})
		}
	}
	slices.SortFunc(r.Devices, func(a, b cordon.RemediationDevice) int { return cmp.Compare(a.DeviceID, b.DeviceID) })
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
	var dr deviceReader
	defer dr.close()
	for _, r := range rs {
		if err := dr.fill(ctx, tx, r, true); err != nil {
			return nil, 0, wrap("find remediations", err)
		}
	}
	return rs, n, nil
}
