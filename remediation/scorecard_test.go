package remediation

import (
	"testing"

	"github.com/cordonsec/cordon"
)

func TestScorecard(t *testing.T) {
	now := day("2025-09-01T12:00:00Z")
	mk := func(id int64, maker, state, requested, decided, applied string) *cordon.RemediationRecord {
		r := &cordon.RemediationRecord{ID: id, CVE: "CVE-2019-0708", ModelID: id, Manufacturer: maker, State: state,
			FixPublished: day("2025-01-01T00:00:00Z"), ValidationRequested: day(requested)}
		if decided != "" {
			r.Decided = day(decided)
		}
		if applied != "" {
			r.Applied = day(applied)
		}
		return r
	}
	rs := []*cordon.RemediationRecord{
		// Siemens: decided in 30 and 50 days; one open for 200 days.
		mk(1, "Siemens Healthineers", cordon.RemediationApplied, "2025-01-01T00:00:00Z", "2025-01-31T00:00:00Z", "2025-02-10T00:00:00Z"),
		mk(2, "siemens  healthineers", cordon.RemediationRejected, "2025-01-01T00:00:00Z", "2025-02-20T00:00:00Z", ""),
		mk(3, "Siemens Healthineers", cordon.RemediationAwaitingValidation, "2025-02-13T00:00:00Z", "", ""),
		// GE: approved in 10 days, deploying for 94 days (over the 30-day default).
		mk(4, "GE Healthcare", cordon.RemediationApproved, "2025-05-20T00:00:00Z", "2025-05-30T00:00:00Z", ""),
	}
	sc := Scorecard(ScoreAll(rs, now, DefaultLimits(), nil))
	if len(sc) != 2 {
		t.Fatalf("scorecard = %+v, want two manufacturers", sc)
	}
	s, g := sc[0], sc[1]
	if s.Manufacturer != "Siemens Healthineers" || s.Items != 3 || s.Decided != 2 || s.MedianValidationDays != 40 ||
		s.WorstValidationDays != 50 || s.AwaitingValidation != 1 || s.WorstOpenDays != 200 || s.Open != 2 || s.Overdue != 2 {
		t.Errorf("Siemens = %+v", s)
	}
	if s.Deploying != 1 || s.MedianDeploymentDays != 10 || s.DeploymentOverSLA != 0 {
		t.Errorf("Siemens deployment = %+v", s)
	}
	if g.Manufacturer != "GE Healthcare" || g.Decided != 1 || g.MedianValidationDays != 10 || g.Deploying != 1 ||
		g.MedianDeploymentDays != 94 || g.DeploymentOverSLA != 1 || g.Overdue != 1 {
		t.Errorf("GE = %+v", g)
	}
	if got := Scorecard(nil); len(got) != 0 {
		t.Errorf("empty scorecard = %+v", got)
	}
}

func TestMedian(t *testing.T) {
	for _, tt := range []struct {
		in   []int
		want int
	}{{nil, 0}, {[]int{5}, 5}, {[]int{9, 1, 5}, 5}, {[]int{1, 2, 3, 10}, 2}} {
		if got := median(tt.in); got != tt.want {
			t.Errorf("median(%v) = %d, want %d", tt.in, got, tt.want)
		}
	}
}
