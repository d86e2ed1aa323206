package sqlite

import (
	"context"

	"github.com/cordonsec/cordon"
)

// coveredDevices is, for each device with an exception not revoked (its
// own or its model's), whether one is active and whether one expired, as
// of its one argument, today ('YYYY-MM-DD'). It is computed once per query
// rather than per device: a condition on "the device's or its model's
// exceptions" cannot use an index and would scan every exception for each
// device.
const coveredDevices = `covered (device_id, active, expired) AS (
	SELECT device_id, max(expires >= ?1), max(expires < ?1) FROM (
		SELECT e.device_id, e.expires FROM exceptions e WHERE e.revoked_at = '' AND e.device_id > 0
		UNION ALL
		SELECT md.device_id, e.expires FROM exceptions e JOIN model_devices md ON md.model_id = e.model_id
		WHERE e.revoked_at = '' AND e.model_id > 0)
	GROUP BY device_id)`

const (
	// isExposed is the issue-4 assessment's exposure: open findings or
	// unsupported software.
	isExposed = `(x.open > 0 OR x.unsupported)`
	// inService leaves out decommissioned and disposed devices: they need
	// no exception (a retired device seen again raises its own alert).
	inService = `NOT EXISTS (SELECT 1 FROM device_lifecycles lc WHERE lc.device_id = d.id AND lc.state <> 'in_service')`
)

// ExceptionCoverage counts and lists the devices in service whose exposure
// is not covered by an exception: exposed without any, or with an expired
// one.
// Any active exception covers a device, whichever CVEs it names: the list
// asks whether anyone has looked at the device, not whether each finding
// has been argued.
func (s *ExceptionService) ExceptionCoverage(ctx context.Context) (*cordon.ExceptionCoverage, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("exception coverage", err)
	}
	defer tx.Rollback()
	cov, err := coverage(ctx, tx)
	return cov, wrap("exception coverage", err)
}

func coverage(ctx context.Context, tx *Tx) (*cordon.ExceptionCoverage, error) {
	today := formatDay(tx.now)
	cov := &cordon.ExceptionCoverage{}
	// c.device_id is NULL for a device without any exception.
	if err := tx.QueryRowContext(ctx, `WITH `+coveredDevices+`
		SELECT count(*), coalesce(sum(c.device_id IS NULL), 0)
		FROM exposures x JOIN devices d ON d.id = x.device_id LEFT JOIN covered c ON c.device_id = d.id
		WHERE `+isExposed+` AND `+inService, today).Scan(&cov.Exposed, &cov.Uncovered); err != nil {
		return nil, err
	}
	if err := tx.QueryRowContext(ctx, `WITH `+coveredDevices+`
		SELECT count(*) FROM covered c JOIN devices d ON d.id = c.device_id
		WHERE c.expired AND NOT c.active AND `+inService, today).Scan(&cov.Expired); err != nil {
		return nil, err
	}
	var err error
	if cov.UncoveredList, err = coverageList(ctx, tx, `WITH `+coveredDevices+`
		SELECT 0, '', x.score, x.open, x.unsupported, `+deviceRef+`
		FROM exposures x JOIN devices d ON d.id = x.device_id LEFT JOIN covered c ON c.device_id = d.id
		WHERE `+isExposed+` AND `+inService+` AND c.device_id IS NULL
		ORDER BY x.score DESC, d.id LIMIT ?2`, today, cordon.MaxCoverageList); err != nil {
		return nil, err
	}
	// The expired list names the exception that expired last; the device
	// may never have been assessed, so its exposure is optional.
	if cov.ExpiredList, err = coverageList(ctx, tx, `WITH `+coveredDevices+`
		SELECT l.id, l.expires, coalesce(x.score, 0), coalesce(x.open, 0), coalesce(x.unsupported, FALSE), `+deviceRef+`
		FROM covered c JOIN devices d ON d.id = c.device_id LEFT JOIN exposures x ON x.device_id = d.id
		JOIN exceptions l ON l.id = (SELECT e.id FROM exceptions e
			WHERE (e.device_id = d.id OR e.model_id = (SELECT md.model_id FROM model_devices md WHERE md.device_id = d.id))
			AND e.revoked_at = '' AND e.expires < ?1 ORDER BY e.expires DESC, e.id DESC LIMIT 1)
		WHERE c.expired AND NOT c.active AND `+inService+`
		ORDER BY l.expires, coalesce(x.score, 0) DESC, d.id LIMIT ?2`, today, cordon.MaxCoverageList); err != nil {
		return nil, err
	}
	due, n, err := findExceptions(ctx, tx, cordon.ExceptionFilter{Due: true}, 0, cordon.MaxCoverageList)
	if err != nil {
		return nil, err
	}
	cov.DueList, cov.DueForReview = due, n
	// An active plan is incomplete without a likelihood control, an impact
	// control and one in place (cordon.CheckPlan).
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM exceptions e WHERE e.revoked_at = '' AND e.expires >= ? AND NOT (
		EXISTS (SELECT 1 FROM exception_controls c WHERE c.exception_id = e.id AND c.class = 'likelihood') AND
		EXISTS (SELECT 1 FROM exception_controls c WHERE c.exception_id = e.id AND c.class = 'impact') AND
		EXISTS (SELECT 1 FROM exception_controls c WHERE c.exception_id = e.id AND c.status IN ('in_place', 'verified')))`,
		today).Scan(&cov.IncompletePlan); err != nil {
		return nil, err
	}
	return cov, nil
}

// coverageList reads CoverageDevice rows: exception ID, expiry, score,
// open, unsupported, then deviceRef.
func coverageList(ctx context.Context, tx *Tx, q string, args ...any) ([]cordon.CoverageDevice, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []cordon.CoverageDevice{}
	for rows.Next() {
		var c cordon.CoverageDevice
		var expired string
		dev, done := deviceRefDest(&c.Device)
		if err := rows.Scan(append([]any{&c.ExceptionID, &expired, &c.Score, &c.Open, &c.Unsupported}, dev...)...); err != nil {
			return nil, err
		}
		done()
		if expired != "" {
			t, err := parseDay(expired)
			if err != nil {
				return nil, err
			}
			c.Expired = t
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
