package remediation

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// Scored is one record with its clocks, the scorecard's input.
type Scored struct {
	Record *cordon.RemediationRecord
	Clocks Clocks
}

// ManufacturerScore is how one manufacturer handles validation requests.
type ManufacturerScore struct {
	Manufacturer string `json:"manufacturer"`
	Items        int    `json:"items"`
	// Decided counts validations ended by approval, rejection or not
	// applicable; their lags (decision − request) give the median and the
	// worst.
	Decided              int `json:"decided"`
	MedianValidationDays int `json:"median_validation_days"`
	WorstValidationDays  int `json:"worst_validation_days"`
	// AwaitingValidation counts requests still open, the longest of which
	// has waited WorstOpenDays so far.
	AwaitingValidation int `json:"awaiting_validation"`
	WorstOpenDays      int `json:"worst_open_days"`
	// Open counts records not finished (not applied, not not-applicable);
	// Overdue those with any clock past its limit.
	Open    int `json:"open"`
	Overdue int `json:"overdue"`
	// Deployment measures approval to deployment: the median of the
	// records deployed or deploying, and how many ran past their service
	// level (still running or finished late).
	Deploying            int `json:"deploying"`
	MedianDeploymentDays int `json:"median_deployment_days"`
	DeploymentOverSLA    int `json:"deployment_over_sla"`
}

// Scorecard returns one score per manufacturer, the slowest validators
// (worst lag, open or closed) first. Manufacturers are grouped
// case-insensitively under the first spelling seen.
func Scorecard(items []Scored) []ManufacturerScore {
	type acc struct {
		score        ManufacturerScore
		lags, deploy []int
	}
	by := map[string]*acc{}
	var order []string
	for _, it := range items {
		r, c := it.Record, it.Clocks
		key := strings.ToLower(strings.Join(strings.Fields(r.Manufacturer), " "))
		a := by[key]
		if a == nil {
			a = &acc{score: ManufacturerScore{Manufacturer: r.Manufacturer}}
			by[key] = a
			order = append(order, key)
		}
		s := &a.score
		s.Items++
		if r.State != cordon.RemediationApplied && r.State != cordon.RemediationNotApplicable {
			s.Open++
		}
		if c.Overdue() {
			s.Overdue++
		}
		switch v := c.Validation; {
		case v.Started && v.Running:
			s.AwaitingValidation++
			s.WorstOpenDays = max(s.WorstOpenDays, v.Days)
		case v.Started:
			s.Decided++
			a.lags = append(a.lags, v.Days)
		}
		if d := c.Deployment; d.Started {
			s.Deploying++
			a.deploy = append(a.deploy, d.Days)
			if d.Overdue || d.Late {
				s.DeploymentOverSLA++
			}
		}
	}
	out := make([]ManufacturerScore, 0, len(order))
	for _, k := range order {
		a := by[k]
		a.score.MedianValidationDays = median(a.lags)
		if len(a.lags) > 0 {
			a.score.WorstValidationDays = slices.Max(a.lags)
		}
		a.score.MedianDeploymentDays = median(a.deploy)
		out = append(out, a.score)
	}
	slices.SortStableFunc(out, func(a, b ManufacturerScore) int {
		if c := cmp.Compare(max(b.WorstValidationDays, b.WorstOpenDays), max(a.WorstValidationDays, a.WorstOpenDays)); c != 0 {
			return c
		}
		return cmp.Compare(strings.ToLower(a.Manufacturer), strings.ToLower(b.Manufacturer))
	})
	return out
}

// median returns the middle value (the mean of the two middle ones,
// rounded down, for an even count), 0 for none.
func median(xs []int) int {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// ScoreAll computes the clocks of each record at now, each held to its
// model's service level from slas (by model ID; missing: the default).
func ScoreAll(rs []*cordon.RemediationRecord, now time.Time, limits Limits, slas map[int64]SLA) []Scored {
	out := make([]Scored, 0, len(rs))
	for _, r := range rs {
		out = append(out, Scored{Record: r, Clocks: Compute(r, now, limits, slas[r.ModelID])})
	}
	return out
}
