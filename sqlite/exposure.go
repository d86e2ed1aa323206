package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cordonsec/cordon"
)

// exposureDoc is the part of an exposure stored as one document: the
// explanation of the score and the support states.
type exposureDoc struct {
	Risk    cordon.Risk            `json:"risk"`
	Support []cordon.SupportStatus `json:"support"`
}

// selectExposures reads exposures with their devices, in the order
// scanExposure expects.
const selectExposures = `SELECT e.score, e.unsupported, e.findings, e.open, e.kev, e.critical, e.confirmed,
	a.assessed_at, e.doc, ` + deviceRef + `
	FROM exposures e JOIN devices d ON d.id = e.device_id JOIN assessments a ON a.device_id = e.device_id`

func scanExposure(row interface{ Scan(...any) error }) (*cordon.Exposure, error) {
	var e cordon.Exposure
	var score int
	var at, doc string
	dev, done := deviceRefDest(&e.Device)
	dest := append([]any{&score, &e.Unsupported, &e.Findings, &e.Open, &e.KEV, &e.Critical, &e.Confirmed, &at, &doc}, dev...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	done()
	var err error
	if e.AssessedAt, err = parseTime(at); err != nil {
		return nil, err
	}
	var d exposureDoc
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		return nil, fmt.Errorf("exposure of device %d: %w", e.Device.ID, err)
	}
	e.Risk, e.Support = d.Risk, d.Support
	if e.Support == nil {
		e.Support = []cordon.SupportStatus{}
	}
	if e.Risk.Factors == nil {
		e.Risk.Factors = []cordon.RiskFactor{}
	}
	return &e, nil
}

// FindExposure returns one device's exposure, or ENOTFOUND if it was never
// assessed.
func (s *FindingService) FindExposure(ctx context.Context, deviceID int64) (*cordon.Exposure, error) {
	e, err := scanExposure(s.db.read.QueryRowContext(ctx, selectExposures+` WHERE e.device_id = ?`, deviceID))
	if err == sql.ErrNoRows {
		return nil, cordon.Errorf(cordon.ENOTFOUND, "Device %d has not been assessed.", deviceID)
	}
	if err != nil {
		return nil, wrap("find exposure", err)
	}
	return e, nil
}

// FindExposures returns a page of exposures, highest score first, and the
// total that match.
func (s *FindingService) FindExposures(ctx context.Context, f cordon.ExposureFilter) ([]*cordon.Exposure, int, error) {
	offset, limit, err := pageBounds(f.Offset, f.Limit)
	if err != nil {
		return nil, 0, err
	}
	if f.MinScore < 0 || f.MinScore > 100 {
		return nil, 0, cordon.Errorf(cordon.EINVALID, "The minimum score must be 0 to 100, not %d.", f.MinScore)
	}
	var where []string
	var args []any
	if f.Site != "" {
		where, args = append(where, "lower(d.site) = ?"), append(args, strings.ToLower(f.Site))
	}
	if f.Category != "" {
		where, args = append(where, "d.category = ?"), append(args, f.Category)
	}
	if f.Medical != nil {
		where, args = append(where, "d.medical = ?"), append(args, *f.Medical)
	}
	if f.Unsupported != nil {
		where, args = append(where, "e.unsupported = ?"), append(args, *f.Unsupported)
	}
	if f.KEV != nil {
		if *f.KEV {
			where = append(where, "e.kev > 0")
		} else {
			where = append(where, "e.kev = 0")
		}
	}
	if f.MinScore > 0 {
		where, args = append(where, "e.score >= ?"), append(args, f.MinScore)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, 0, wrap("find exposures", err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM exposures e JOIN devices d ON d.id = e.device_id`+cond, args...).Scan(&n); err != nil {
		return nil, 0, wrap("find exposures", err)
	}
	if n == 0 || offset >= n {
		return []*cordon.Exposure{}, n, nil
	}
	rows, err := tx.QueryContext(ctx, selectExposures+cond+` ORDER BY e.score DESC, e.device_id LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, wrap("find exposures", err)
	}
	defer rows.Close()
	es := make([]*cordon.Exposure, 0, min(limit, n-offset))
	for rows.Next() {
		e, err := scanExposure(rows)
		if err != nil {
			return nil, 0, wrap("find exposures", err)
		}
		es = append(es, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, wrap("find exposures", err)
	}
	return es, n, nil
}

// ExposureSummary counts exposure across the register from the exposures
// table alone: its per-device tallies make the summary one pass over the
// assessed devices, not over their findings.
func (s *FindingService) ExposureSummary(ctx context.Context) (*cordon.ExposureSummary, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("exposure summary", err)
	}
	defer tx.Rollback()
	sum := &cordon.ExposureSummary{BySeverity: map[string]int{}, ByStatus: map[string]int{}}
	var sev [6]int
	var st [5]int
	if err := tx.QueryRowContext(ctx, `SELECT count(*),
		coalesce(sum(CASE WHEN open > 0 THEN 1 ELSE 0 END), 0),
		coalesce(sum(CASE WHEN kev > 0 THEN 1 ELSE 0 END), 0),
		coalesce(sum(CASE WHEN unsupported THEN 1 ELSE 0 END), 0),
		coalesce(sum(CASE WHEN ending THEN 1 ELSE 0 END), 0),
		coalesce(sum(open_critical), 0), coalesce(sum(open_high), 0), coalesce(sum(open_medium), 0),
		coalesce(sum(open_low), 0), coalesce(sum(open_none), 0), coalesce(sum(open_unknown), 0),
		coalesce(sum(open), 0), coalesce(sum(risk_accepted), 0), coalesce(sum(mitigated), 0),
		coalesce(sum(not_affected), 0), coalesce(sum(fixed), 0)
		FROM exposures`).Scan(&sum.Assessed, &sum.Exposed, &sum.KEVDevices, &sum.Unsupported, &sum.Ending,
		&sev[0], &sev[1], &sev[2], &sev[3], &sev[4], &sev[5], &st[0], &st[1], &st[2], &st[3], &st[4]); err != nil {
		return nil, wrap("exposure summary", err)
	}
	for i, name := range severities {
		sum.BySeverity[name] = sev[i]
	}
	for i, name := range cordon.FindingStatuses {
		sum.ByStatus[name] = st[i]
	}
	if sum.ByCategory, err = exposureBuckets(ctx, tx, "d.category"); err != nil {
		return nil, wrap("exposure summary", err)
	}
	if sum.BySite, err = exposureBuckets(ctx, tx, "d.site"); err != nil {
		return nil, wrap("exposure summary", err)
	}
	return sum, nil
}

// exposureBuckets groups assessed devices by a devices column, most
// devices first. col is one of the two constants above, never input.
func exposureBuckets(ctx context.Context, tx *Tx, col string) ([]cordon.ExposureBucket, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+col+`, count(*),
		sum(CASE WHEN e.open > 0 THEN 1 ELSE 0 END),
		sum(CASE WHEN e.kev > 0 THEN 1 ELSE 0 END),
		sum(CASE WHEN e.unsupported THEN 1 ELSE 0 END),
		max(e.score)
		FROM exposures e JOIN devices d ON d.id = e.device_id
		GROUP BY `+col+` ORDER BY count(*) DESC, `+col)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []cordon.ExposureBucket{}
	for rows.Next() {
		var b cordon.ExposureBucket
		if err := rows.Scan(&b.Name, &b.Devices, &b.Exposed, &b.KEV, &b.Unsupported, &b.MaxScore); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}
