package sqlite

import (
	"context"
	"slices"
	"strings"

	"github.com/cordonsec/cordon"
)

// tally counts a device's findings that apply, the way the exposures
// columns hold them. ReplaceFindings and UpdateFindingStatus both count
// through it, so the counts cannot disagree with the statuses.
type tally struct {
	findings, open, kev, critical, confirmed int
	openBySeverity                           [6]int // in the order of severities
	byStatus                                 [5]int // in the order of cordon.FindingStatuses
}

func (t *tally) add(status, severity string, kev bool, match string) {
	t.findings++
	if kev {
		t.kev++
	}
	if severity == cordon.SeverityCritical {
		t.critical++
	}
	if match == "confirmed" {
		t.confirmed++
	}
	if i := slices.Index(cordon.FindingStatuses, status); i >= 0 {
		t.byStatus[i]++
	}
	if status == cordon.FindingOpen {
		t.open++
		if i := slices.Index(severities, severity); i >= 0 {
			t.openBySeverity[i]++
		}
	}
}

// tallyNames are the exposures columns a tally sets, in the order of
// tally.args; tallyColumns and tallyExcluded are assignments of them.
const tallyNames = `findings, open, kev, critical, confirmed, open_critical, open_high, open_medium, open_low,
	open_none, open_unknown, risk_accepted, mitigated, not_affected, fixed`

var tallyColumns, tallyExcluded = func() (string, string) {
	var set, ex []string
	for _, n := range strings.Split(tallyNames, ",") {
		n = strings.TrimSpace(n)
		set = append(set, n+" = ?")
		ex = append(ex, n+" = excluded."+n)
	}
	return strings.Join(set, ", "), strings.Join(ex, ", ")
}()

func (t *tally) args() []any {
	a := []any{t.findings, t.open, t.kev, t.critical, t.confirmed}
	for _, n := range t.openBySeverity {
		a = append(a, n)
	}
	for _, n := range t.byStatus[1:] { // open is counted above
		a = append(a, n)
	}
	return a
}

// retally recounts one device's exposure from its findings.
func retally(ctx context.Context, tx *Tx, deviceID int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT status, severity, kev, match_kind FROM findings WHERE device_id = ? AND gone = ''`, deviceID)
	if err != nil {
		return err
	}
	defer rows.Close()
	var t tally
	for rows.Next() {
		var status, severity, match string
		var kev bool
		if err := rows.Scan(&status, &severity, &kev, &match); err != nil {
			return err
		}
		t.add(status, severity, kev, match)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE exposures SET `+tallyColumns+` WHERE device_id = ?`, append(t.args(), deviceID)...)
	return err
}
