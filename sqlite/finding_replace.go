package sqlite

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"

	"github.com/cordonsec/cordon"
)

// validateAssessments checks the whole set before anything is written, so
// that bad input fails with a message rather than half-way through.
func validateAssessments(set []cordon.DeviceAssessment) error {
	seen := make(map[int64]bool, len(set))
	for i := range set {
		a := &set[i]
		if a.DeviceID <= 0 {
			return cordon.Errorf(cordon.EINVALID, "Assessment %d has no device ID.", i)
		}
		if seen[a.DeviceID] {
			return cordon.Errorf(cordon.EINVALID, "Device %d is assessed twice.", a.DeviceID)
		}
		seen[a.DeviceID] = true
		if sc := a.Exposure.Risk.Score; sc < 0 || sc > 100 {
			return cordon.Errorf(cordon.EINVALID, "Device %d: the risk score must be 0 to 100, not %d.", a.DeviceID, sc)
		}
		cves := make(map[string]bool, len(a.Findings))
		for j := range a.Findings {
			f := &a.Findings[j]
			cve := normCVE(f.CVE)
			switch {
			case f.Device.ID != 0 && f.Device.ID != a.DeviceID:
				return cordon.Errorf(cordon.EINVALID, "Device %d: finding %s names device %d.", a.DeviceID, clip(cve), f.Device.ID)
			case checkCVE(cve) != nil:
				return cordon.Errorf(cordon.EINVALID, "Device %d: finding %d has no valid CVE ID.", a.DeviceID, j)
			case cves[cve]:
				return cordon.Errorf(cordon.EINVALID, "Device %d: %s is found twice.", a.DeviceID, cve)
			case !slices.Contains(findingMatches, f.Match):
				return cordon.Errorf(cordon.EINVALID, "Device %d: %s: a match is confirmed or possible, not %q.", a.DeviceID, cve, clip(f.Match))
			case f.Severity != "" && !slices.Contains(severities, f.Severity):
				return cordon.Errorf(cordon.EINVALID, "Device %d: %s: unknown severity %q.", a.DeviceID, cve, clip(f.Severity))
			case f.EPSS != nil && !(f.EPSS.Score >= 0 && f.EPSS.Score <= 1):
				return cordon.Errorf(cordon.EINVALID, "Device %d: %s: the EPSS score must be between 0 and 1.", a.DeviceID, cve)
			case f.CVSS != nil && !(f.CVSS.BaseScore >= 0 && f.CVSS.BaseScore <= 10):
				return cordon.Errorf(cordon.EINVALID, "Device %d: %s: the CVSS base score must be between 0 and 10.", a.DeviceID, cve)
			}
			cves[cve] = true
		}
	}
	return nil
}

// assessed is a device's row in assessments.
type assessed struct {
	at                 string
	findings, exposure int64
}

// ReplaceFindings sets the findings and exposure of each assessed device in
// one transaction, writing only what changed: a device whose findings and
// exposure are what is stored costs one narrow row (its assessment time),
// and a finding whose match data is unchanged is not written at all.
func (s *FindingService) ReplaceFindings(ctx context.Context, set []cordon.DeviceAssessment) error {
	if err := validateAssessments(set); err != nil {
		return err
	}
	rs, err := makeReady(set)
	if err != nil {
		return err
	}
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return wrap("replace findings", err)
	}
	defer tx.Rollback()
	r := &replacer{ctx: ctx, tx: tx, now: formatTime(tx.now)}
	defer r.close()
	if err := r.prepare(); err != nil {
		return wrap("replace findings", err)
	}
	prev, err := r.previous(set)
	if err != nil {
		return wrap("replace findings", err)
	}
	var untouched []int64
	for i := range rs {
		p, ok := prev[rs[i].a.DeviceID]
		if ok && p.findings == rs[i].set && p.exposure == rs[i].expDigest {
			untouched = append(untouched, rs[i].a.DeviceID)
			continue
		}
		if err := r.replace(&rs[i], p, ok); err != nil {
			return wrap("replace findings", err)
		}
	}
	if err := r.flush(); err != nil {
		return wrap("replace findings", err)
	}
	if len(untouched) > 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE assessments SET assessed_at = ?
			WHERE device_id IN (SELECT value FROM json_each(?))`, r.now, jsonIDs(untouched)); err != nil {
			return wrap("replace findings", err)
		}
	}
	return wrap("replace findings", tx.Commit())
}

// jsonIDs returns ids as a JSON array, for json_each: one statement for a
// whole batch instead of one per device.
func jsonIDs(ids []int64) string {
	b := make([]byte, 0, 8*len(ids)+2)
	b = append(b, '[')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(append(b, ']'))
}

// previous checks that every device in set exists and returns the stored
// assessments of those assessed before.
func (r *replacer) previous(set []cordon.DeviceAssessment) (map[int64]assessed, error) {
	ids := make([]int64, len(set))
	for i := range set {
		ids[i] = set[i].DeviceID
	}
	list := jsonIDs(ids)
	rows, err := r.tx.QueryContext(r.ctx, `SELECT j.value FROM json_each(?) j
		WHERE NOT EXISTS (SELECT 1 FROM devices d WHERE d.id = j.value)`, list)
	if err != nil {
		return nil, err
	}
	missing := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		missing[id] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(missing) > 0 {
		// The first in the caller's order, so the message does not vary.
		i := slices.IndexFunc(ids, func(id int64) bool { return missing[id] })
		return nil, cordon.Errorf(cordon.ENOTFOUND, "Device %d not found.", ids[i])
	}

	rows, err = r.tx.QueryContext(r.ctx, `SELECT device_id, assessed_at, findings_digest, exposure_digest
		FROM assessments WHERE device_id IN (SELECT value FROM json_each(?))`, list)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := make(map[int64]assessed, len(set))
	for rows.Next() {
		var id int64
		var p assessed
		if err := rows.Scan(&id, &p.at, &p.findings, &p.exposure); err != nil {
			return nil, err
		}
		m[id] = p
	}
	return m, rows.Err()
}

// openStatus is the status document of a new finding.
var openStatus = func() string {
	b, _ := json.Marshal(cordon.FindingStatus{Status: cordon.FindingOpen})
	return string(b)
}()

// stored is what ReplaceFindings needs of a finding already stored.
type stored struct {
	id         int64
	status     string
	gone       bool
	digest     int64
	seen       bool
	match, sev string // the indexed match data
	kev        bool
	epss, cvss float64
}

// replace stores one device's assessment, which differs from the stored
// one (or is its first). Only exposure changed: the exposures row and the
// assessment time are written. Findings changed: the device's stored
// findings are read and compared by digest, so that only the new, changed,
// returning and gone ones are written.
func (r *replacer) replace(x *ready, prev assessed, seen bool) error {
	a := x.a
	e := &x.exposure
	if seen && prev.findings == x.set {
		if _, err := r.exposure.ExecContext(r.ctx, e.score, e.unsupported, e.ending, e.doc, a.DeviceID); err != nil {
			return err
		}
		_, err := r.assess.ExecContext(r.ctx, a.DeviceID, r.now, x.set, x.expDigest)
		return err
	}

	old, err := r.stored(a.DeviceID)
	if err != nil {
		return err
	}
	var t tally
	for j := range a.Findings {
		f := &a.Findings[j]
		cve, sev, digest := x.cves[j], x.sevs[j], x.digests[j]
		status := cordon.FindingOpen
		st, ok := old[cve]
		if ok {
			st.seen = true
			status = st.status
		}
		if !ok || st.gone || st.digest != digest {
			row, err := findingRow(a.DeviceID, f, cve, sev, digest)
			if err != nil {
				return err
			}
			switch {
			case !ok:
				err = r.inserts.add(row)
			case !st.gone && st.match == row.match && st.sev == row.severity && st.kev == row.kev &&
				st.epss == row.epss && st.cvss == row.cvss:
				row.id = st.id
				err = r.docs.add(row)
			default:
				row.id = st.id
				err = r.updates.add(row)
			}
			if err != nil {
				return err
			}
		}
		t.add(status, sev, f.KEV, f.Match)
	}
	var gone []int64
	for _, st := range old {
		if !st.seen && !st.gone {
			gone = append(gone, st.id)
		}
	}
	if len(gone) > 0 {
		// A finding that goes was last produced by the previous assessment.
		if _, err := r.gone.ExecContext(r.ctx, r.now, prev.at, jsonIDs(gone)); err != nil {
			return err
		}
	}
	if _, err := r.upsert.ExecContext(r.ctx, append([]any{a.DeviceID, e.score, e.unsupported, e.ending, e.doc}, t.args()...)...); err != nil {
		return err
	}
	_, err = r.assess.ExecContext(r.ctx, a.DeviceID, r.now, x.set, x.expDigest)
	return err
}

// findingRow returns the columns ReplaceFindings writes of f.
func findingRow(deviceID int64, f *cordon.Finding, cve, sev string, digest int64) (findingCols, error) {
	var epss, cvss float64
	if f.EPSS != nil {
		epss = f.EPSS.Score
	}
	if f.CVSS != nil {
		cvss = f.CVSS.BaseScore
	}
	doc, err := json.Marshal(findingDoc{Title: f.Title, Criteria: f.Criteria, Software: f.Software,
		Evidence: f.Evidence, Sources: f.Sources, KEVDateAdded: f.KEVDateAdded, KEVDueDate: f.KEVDueDate,
		KEVRansomware: f.KEVRansomware, EPSS: f.EPSS, CVSS: f.CVSS, Fix: f.Fix})
	if err != nil {
		return findingCols{}, cordon.Errorf(cordon.EINVALID, "Device %d: %s cannot be stored: %v.", deviceID, cve, err)
	}
	return findingCols{deviceID: deviceID, cve: cve, match: f.Match, severity: sev, kev: f.KEV,
		epss: epss, cvss: cvss, digest: digest, doc: string(doc)}, nil
}

// stored returns a device's stored findings by CVE.
func (r *replacer) stored(deviceID int64) (map[string]*stored, error) {
	rows, err := r.existing.QueryContext(r.ctx, deviceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[string]*stored{}
	for rows.Next() {
		var cve, gone string
		st := &stored{}
		if err := rows.Scan(&st.id, &cve, &st.status, &gone, &st.digest, &st.match, &st.sev, &st.kev, &st.epss, &st.cvss); err != nil {
			return nil, err
		}
		st.gone = gone != ""
		m[cve] = st
	}
	return m, rows.Err()
}
