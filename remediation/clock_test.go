package remediation

import (
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

func day(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestDays(t *testing.T) {
	london := time.FixedZone("BST", 3600)
	tests := []struct {
		name string
		a, b time.Time
		want int
	}{
		{"SameInstant", day("2025-01-10T12:00:00Z"), day("2025-01-10T12:00:00Z"), 0},
		{"SameDay", day("2025-01-10T00:00:00Z"), day("2025-01-10T23:59:59Z"), 0},
		{"AcrossMidnight", day("2025-01-10T23:59:00Z"), day("2025-01-11T00:01:00Z"), 1},
		{"AlmostTwoDays", day("2025-01-10T00:00:01Z"), day("2025-01-11T23:59:59Z"), 1},
		{"NinetyDays", day("2025-01-01T08:00:00Z"), day("2025-04-01T07:00:00Z"), 90},
		{"LeapYear", day("2024-02-28T10:00:00Z"), day("2024-03-01T10:00:00Z"), 2},
		{"Backwards", day("2025-01-11T00:00:00Z"), day("2025-01-10T00:00:00Z"), 0},
		// 00:30 in UTC+1 on the 11th is 23:30 UTC on the 10th: same UTC day.
		{"ZoneSameUTCDay", day("2025-01-10T01:00:00Z"), time.Date(2025, 1, 11, 0, 30, 0, 0, london), 0},
		{"ZoneNextUTCDay", day("2025-01-10T01:00:00Z"), time.Date(2025, 1, 11, 1, 30, 0, 0, london), 1},
		{"ZoneStart", time.Date(2025, 1, 11, 0, 30, 0, 0, london), day("2025-01-11T00:00:00Z"), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Days(tt.a, tt.b); got != tt.want {
				t.Errorf("Days(%v, %v) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

// record returns a remediation published on Jan 1st 2025, sent for
// validation on Jan 10th.
func record(state string) *cordon.RemediationRecord {
	return &cordon.RemediationRecord{ID: 7, CVE: "CVE-2019-0708", ModelID: 3, Manufacturer: "Siemens Healthineers", Model: "SOMATOM", State: state,
		FixPublished: day("2025-01-01T10:00:00Z"), ValidationRequested: day("2025-01-10T10:00:00Z")}
}

func TestCompute(t *testing.T) {
	limits := DefaultLimits()
	t.Run("Awaiting", func(t *testing.T) {
		r := record(cordon.RemediationAwaitingValidation)
		c := Compute(r, day("2025-04-10T09:00:00Z"), limits, SLA{})
		if c.Validation.Days != 90 || c.Validation.Overdue || !c.Validation.Running {
			t.Errorf("validation at 90 days = %+v, want running, not overdue", c.Validation)
		}
		c = Compute(r, day("2025-04-11T00:00:00Z"), limits, SLA{})
		if c.Validation.Days != 91 || !c.Validation.Overdue {
			t.Errorf("validation at 91 days = %+v, want overdue", c.Validation)
		}
		if c.Exposure.Days != 100 || c.Exposure.Limit != 120 || c.Exposure.Overdue {
			t.Errorf("exposure = %+v, want 100 days of 120", c.Exposure)
		}
		if c.Deployment.Started || c.Deployment.Limit != 30 || !c.SLA.Default {
			t.Errorf("deployment = %+v, sla %+v; want not started, default 30", c.Deployment, c.SLA)
		}
	})
	t.Run("ApprovedAgainstContract", func(t *testing.T) {
		r := record(cordon.RemediationApproved)
		r.Decided = day("2025-03-01T15:00:00Z")
		sla := SLA{Days: 14, Supplier: "Siemens", Contract: "C-1"}
		c := Compute(r, day("2025-03-16T08:00:00Z"), limits, sla)
		if c.Validation.Running || c.Validation.Days != 50 || c.Validation.Overdue || c.Validation.Late {
			t.Errorf("validation = %+v, want closed at 50 days", c.Validation)
		}
		if !c.Deployment.Overdue || c.Deployment.Days != 15 || c.Deployment.Limit != 14 {
			t.Errorf("deployment = %+v, want 15 of 14 days, overdue", c.Deployment)
		}
		if c.Exposure.Limit != 90+14 {
			t.Errorf("exposure limit = %d, want validation plus the contract's days", c.Exposure.Limit)
		}
	})
	t.Run("AppliedLate", func(t *testing.T) {
		r := record(cordon.RemediationApplied)
		r.Decided, r.Applied = day("2025-05-01T00:00:00Z"), day("2025-06-15T00:00:00Z")
		c := Compute(r, day("2026-01-01T00:00:00Z"), limits, SLA{})
		if c.Overdue() {
			t.Errorf("an applied record's clocks are stopped, got overdue: %+v", c)
		}
		if !c.Validation.Late || c.Validation.Days != 111 || !c.Deployment.Late || c.Deployment.Days != 45 || c.Exposure.Days != 165 {
			t.Errorf("clocks = %+v", c)
		}
	})
	t.Run("FixPublishedOnly", func(t *testing.T) {
		r := record(cordon.RemediationFixPublished)
		c := Compute(r, day("2025-09-01T00:00:00Z"), limits, SLA{})
		if c.Validation.Started || !c.Exposure.Overdue {
			t.Errorf("clocks = %+v; validation not started, exposure overdue", c)
		}
	})
	t.Run("NotApplicableStopsExposure", func(t *testing.T) {
		r := record(cordon.RemediationNotApplicable)
		r.Decided = day("2025-01-20T00:00:00Z")
		c := Compute(r, day("2026-01-01T00:00:00Z"), limits, SLA{})
		if c.Overdue() || c.Exposure.Days != 19 {
			t.Errorf("clocks = %+v", c)
		}
	})
	t.Run("NoFixDate", func(t *testing.T) {
		r := record(cordon.RemediationAwaitingValidation)
		r.FixPublished = time.Time{}
		if c := Compute(r, day("2026-01-01T00:00:00Z"), limits, SLA{}); c.Exposure.Started || c.Exposure.Overdue {
			t.Errorf("exposure without a fix date = %+v", c.Exposure)
		}
	})
}

func TestLimitsValidate(t *testing.T) {
	if err := DefaultLimits().Validate(); err != nil {
		t.Fatal(err)
	}
	for _, l := range []Limits{{Validation: 0, Deployment: 30}, {Validation: 90, Deployment: -1}, {Validation: 90, Deployment: 30, Exposure: -5}} {
		if cordon.ErrorCode(l.Validate()) != cordon.EINVALID {
			t.Errorf("%+v accepted", l)
		}
	}
}
