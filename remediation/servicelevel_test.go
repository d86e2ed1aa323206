package remediation

import (
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

func TestMeasureServiceLevel(t *testing.T) {
	now := time.Date(2026, 5, 20, 15, 0, 0, 0, time.UTC)
	day := func(d int) time.Time { return cordon.Day(now).AddDate(0, 0, d) }
	rec := func(id int64, state string, decided, applied time.Time) *cordon.RemediationRecord {
		return &cordon.RemediationRecord{ID: id, CVE: "CVE-2019-0708", ModelID: 3, Manufacturer: "Siemens Healthineers", Model: "SOMATOM go.Up",
			State: state, FixPublished: day(-200), ValidationRequested: day(-150), Decided: decided, Applied: applied}
	}
	rs := []*cordon.RemediationRecord{
		rec(1, cordon.RemediationApplied, day(-100), day(-90)),                 // 10 days: met
		rec(2, cordon.RemediationApplied, day(-100), day(-55)),                 // 45 days: missed
		rec(3, cordon.RemediationApproved, day(-5), time.Time{}),               // 5 days so far: within
		rec(4, cordon.RemediationScheduled, day(-40), time.Time{}),             // 40 days so far: overdue
		rec(5, cordon.RemediationAwaitingValidation, time.Time{}, time.Time{}), // nothing to measure
		rec(6, cordon.RemediationApplied, day(-80), day(-50)),                  // exactly 30: met
	}
	sl := MeasureServiceLevel(rs, now, 30, "NHS-CT-2024-17")
	if sl.PatchDays != 30 || sl.Contract != "NHS-CT-2024-17" || sl.Default || sl.Met != 2 || sl.Missed != 1 ||
		sl.OpenWithin != 1 || sl.OpenOverdue != 1 || sl.MedianDays != 30 {
		t.Errorf("service level = %+v", sl)
	}
	var order []int64
	outcome := map[int64]string{}
	for _, d := range sl.Deployments {
		order = append(order, d.RemediationID)
		outcome[d.RemediationID] = d.Outcome
	}
	if len(order) != 5 || order[0] != 2 || order[4] != 3 {
		t.Errorf("order = %v, want the longest lag (2) first and the shortest (3) last", order)
	}
	for id, want := range map[int64]string{1: OutcomeMet, 2: OutcomeMissed, 3: OutcomeOpenWithin, 4: OutcomeOpenOverdue, 6: OutcomeMet} {
		if outcome[id] != want {
			t.Errorf("record %d: %s, want %s", id, outcome[id], want)
		}
	}

	// Ten days later the open one within is still within (15 days); the
	// clock is the injected now, not the wall clock.
	later := MeasureServiceLevel(rs, now.AddDate(0, 0, 10), 30, "")
	if later.OpenWithin != 1 || later.OpenOverdue != 1 {
		t.Errorf("ten days later = %+v", later)
	}
	if later = MeasureServiceLevel(rs, now.AddDate(0, 0, 30), 30, ""); later.OpenWithin != 0 || later.OpenOverdue != 2 {
		t.Errorf("thirty days later = %+v", later)
	}
	// No contract sets patch days: the default is the yardstick.
	if def := MeasureServiceLevel(rs, now, 0, ""); !def.Default || def.PatchDays != DefaultDeploymentDays || def.Missed != 1 {
		t.Errorf("default = %+v", def)
	}
	if none := MeasureServiceLevel(nil, now, 30, ""); none.Deployments == nil || none.MedianDays != 0 {
		t.Errorf("none = %+v", none)
	}
}

func TestContractPatchDays(t *testing.T) {
	now := time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC)
	s := &cordon.Supplier{Contracts: []cordon.Contract{
		{Reference: "OLD", PatchDays: 7, Start: now.AddDate(-3, 0, 0), End: now.AddDate(-1, 0, 0)}, // ended
		{Reference: "MAIN", PatchDays: 30, Start: now.AddDate(-1, 0, 0)},
		{Reference: "FAST", PatchDays: 14},
		{Reference: "NEXT", PatchDays: 3, Start: now.AddDate(0, 1, 0)}, // not started
		{Reference: "NONE"},
	}}
	if days, ref := ContractPatchDays(s, now); days != 14 || ref != "FAST" {
		t.Errorf("ContractPatchDays = %d %q, want 14 FAST", days, ref)
	}
	if days, ref := ContractPatchDays(&cordon.Supplier{}, now); days != 0 || ref != "" {
		t.Errorf("no contracts = %d %q", days, ref)
	}
}
