package storetest

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// day returns the suite's date n days after Epoch's.
func day(n int) time.Time { return cordon.Day(Epoch).AddDate(0, 0, n) }

// NewException returns a valid exception for a device (or, with a
// negative id, for the model -id) expiring in 180 days, with a complete
// plan: segmentation in place (impact) and no email verified
// (likelihood).
func NewException(id int64) *cordon.Exception {
	e := &cordon.Exception{Reason: cordon.ExceptionNoValidatedPatch, CVEs: []string{"CVE-2019-0708"},
		RiskRef: "RR-101", Owner: "Head of Clinical Engineering", Expires: day(180),
		Controls: []cordon.Control{
			{Kind: "segmented", Class: cordon.ControlImpact, Status: cordon.ControlInPlace, Evidence: "VLAN 40, firewall rule MD-12", ReviewDate: day(90)},
			{Kind: "no_email", Class: cordon.ControlLikelihood, Status: cordon.ControlVerified, Evidence: "No SMTP in 30 days of traffic", ReviewDate: day(120)},
		}}
	if id < 0 {
		e.ModelID = -id
	} else {
		e.DeviceID = id
	}
	return e
}

func (e *env) createException(tb testing.TB, x *cordon.Exception) *cordon.Exception {
	tb.Helper()
	must(tb, e.Exceptions.CreateException(e.ctx, x))
	return x
}

// exceptionIDs returns the IDs of the exceptions f selects.
func (e *env) exceptionIDs(tb testing.TB, f cordon.ExceptionFilter) []int64 {
	tb.Helper()
	xs, n, err := e.Exceptions.FindExceptions(e.sys, f)
	must(tb, err)
	if n != len(xs) {
		tb.Fatalf("total %d, page %d", n, len(xs))
	}
	ids := []int64{}
	for _, x := range xs {
		ids = append(ids, x.ID)
	}
	return ids
}

func testExceptions(t *testing.T, open func(tb testing.TB) *Store) {
	t.Run("Create", func(t *testing.T) {
		e, ct, _, _ := findingsEnv(t, open)
		x := e.createException(t, NewException(ct.ID))
		if x.ID == 0 || x.State != cordon.ExceptionActive || x.CreatedBy != "alice" || !x.CreatedAt.Equal(Epoch) {
			t.Fatalf("created = %+v", x)
		}
		if !x.Plan.Complete || x.Plan.Likelihood != 1 || x.Plan.Impact != 1 || x.Plan.InPlace != 2 {
			t.Errorf("plan = %+v", x.Plan)
		}
		if !x.ReviewDue.Equal(day(90)) || x.DueForReview {
			t.Errorf("review due %s, due %v", x.ReviewDue, x.DueForReview)
		}
		if !strings.Contains(x.Subject, "CT-1") && !strings.Contains(x.Subject, "ct-1") {
			t.Errorf("subject = %q", x.Subject)
		}
		got, err := e.Exceptions.FindExceptionByID(e.sys, x.ID)
		must(t, err)
		if !reflect.DeepEqual(got, x) {
			t.Errorf("FindExceptionByID = %+v\nwant %+v", got, x)
		}
		if a := e.audited(t, "exception:"+itoa(x.ID)); !reflect.DeepEqual(a, []string{"exception.create"}) {
			t.Errorf("audit = %v", a)
		}
	})

	t.Run("CreateInvalid", func(t *testing.T) {
		e, ct, _, _ := findingsEnv(t, open)
		tests := map[string]func(x *cordon.Exception){
			"NoSubject":        func(x *cordon.Exception) { x.DeviceID = 0 },
			"BothSubjects":     func(x *cordon.Exception) { x.ModelID = 1 },
			"BadReason":        func(x *cordon.Exception) { x.Reason = "lazy" },
			"OtherWithoutText": func(x *cordon.Exception) { x.Reason = cordon.ExceptionOther },
			"NoRiskRef":        func(x *cordon.Exception) { x.RiskRef = " " },
			"NoOwner":          func(x *cordon.Exception) { x.Owner = "" },
			"NoExpiry":         func(x *cordon.Exception) { x.Expires = time.Time{} },
			"ExpiryWithTime":   func(x *cordon.Exception) { x.Expires = day(10).Add(time.Hour) },
			"ExpiryPast":       func(x *cordon.Exception) { x.Expires = day(-1) },
			"ExpiryTooFar":     func(x *cordon.Exception) { x.Expires = day(4 * 365) },
			"BadCVE":           func(x *cordon.Exception) { x.CVEs = []string{"cve-2019-0708"} },
			"DuplicateCVE":     func(x *cordon.Exception) { x.CVEs = []string{"CVE-2019-0708", "CVE-2019-0708"} },
			"BadKind":          func(x *cordon.Exception) { x.Controls[0].Kind = "prayer" },
			"BadClass":         func(x *cordon.Exception) { x.Controls[1].Class = cordon.ControlImpact }, // no_email lowers likelihood only
			"NoClass":          func(x *cordon.Exception) { x.Controls[0].Class = "" },
			"BadStatus":        func(x *cordon.Exception) { x.Controls[0].Status = "hoped" },
			"NoReviewDate":     func(x *cordon.Exception) { x.Controls[0].ReviewDate = time.Time{} },
			"ReviewAfterExpiry": func(x *cordon.Exception) {
				x.Controls[0].ReviewDate = day(181)
			},
			"ReviewPast": func(x *cordon.Exception) { x.Controls[1].ReviewDate = day(-3) },
		}
		for name, change := range tests {
			t.Run(name, func(t *testing.T) {
				x := NewException(ct.ID)
				change(x)
				wantCode(t, e.Exceptions.CreateException(e.ctx, x), cordon.EINVALID)
				if x.ID != 0 {
					t.Errorf("ID set to %d", x.ID)
				}
			})
		}
		wantCode(t, e.Exceptions.CreateException(e.ctx, NewException(9999)), cordon.ENOTFOUND)
		wantCode(t, e.Exceptions.CreateException(e.ctx, NewException(-9999)), cordon.ENOTFOUND)
		if ids := e.exceptionIDs(t, cordon.ExceptionFilter{}); len(ids) != 0 {
			t.Errorf("exceptions stored after invalid creates: %v", ids)
		}
		// Today is a valid expiry: it holds through the day.
		x := NewException(ct.ID)
		x.Expires, x.Controls = day(0), nil
		e.createException(t, x)
	})

	t.Run("Expiry", func(t *testing.T) {
		e, ct, pump, _ := findingsEnv(t, open)
		x := NewException(ct.ID)
		x.Expires, x.Controls[0].ReviewDate, x.Controls[1].ReviewDate = day(40), day(35), day(40)
		x = e.createException(t, x)
		later := e.createException(t, NewException(pump.ID))
		if x.DueForReview || !later.ReviewDue.Equal(day(90)) {
			t.Fatalf("due = %v, later review %s", x.DueForReview, later.ReviewDue)
		}
		// Six days on, the control's review (day 35) is 29 days away.
		e.clock.Add(6 * 24 * time.Hour)
		if ids := e.exceptionIDs(t, cordon.ExceptionFilter{Due: true}); !reflect.DeepEqual(ids, []int64{x.ID}) {
			t.Errorf("due = %v, want [%d]", ids, x.ID)
		}
		// On its last day it holds; the next day it has expired.
		e.clock.Add(34 * 24 * time.Hour)
		got, err := e.Exceptions.FindExceptionByID(e.sys, x.ID)
		must(t, err)
		if got.State != cordon.ExceptionActive {
			t.Errorf("on the expiry day: %s", got.State)
		}
		e.clock.Add(24 * time.Hour)
		got, err = e.Exceptions.FindExceptionByID(e.sys, x.ID)
		must(t, err)
		if got.State != cordon.ExceptionExpired || !got.DueForReview {
			t.Errorf("the day after: %s, due %v", got.State, got.DueForReview)
		}
		for state, want := range map[string][]int64{
			cordon.ExceptionActive:  {later.ID},
			cordon.ExceptionExpired: {x.ID},
			cordon.ExceptionRevoked: {},
		} {
			if ids := e.exceptionIDs(t, cordon.ExceptionFilter{State: state}); !reflect.DeepEqual(ids, want) {
				t.Errorf("state %s = %v, want %v", state, ids, want)
			}
		}
		// Soonest review first.
		if ids := e.exceptionIDs(t, cordon.ExceptionFilter{}); !reflect.DeepEqual(ids, []int64{x.ID, later.ID}) {
			t.Errorf("order = %v", ids)
		}
		_, _, err = e.Exceptions.FindExceptions(e.sys, cordon.ExceptionFilter{State: "sleeping"})
		wantCode(t, err, cordon.EINVALID)
	})

	t.Run("Update", func(t *testing.T) {
		e, ct, _, _ := findingsEnv(t, open)
		x := e.createException(t, NewException(ct.ID))
		e.clock.Add(100 * 24 * time.Hour) // the segmentation review (day 90) is overdue
		upd := *x
		upd.DeviceID = 12345 // ignored: the subject stays
		upd.Owner = "Radiology manager"
		upd.Controls = append([]cordon.Control{}, x.Controls...)
		upd.Controls[1].Status = cordon.ControlPlanned
		must(t, e.Exceptions.UpdateException(e.ctx, &upd))
		if upd.DeviceID != ct.ID || upd.Owner != "Radiology manager" || upd.Controls[1].Status != cordon.ControlPlanned {
			t.Errorf("updated = %+v", upd)
		}
		if !upd.DueForReview || !upd.UpdatedAt.Equal(Epoch.Add(100*24*time.Hour)) {
			t.Errorf("due %v, updated at %s", upd.DueForReview, upd.UpdatedAt)
		}
		// A changed review date must not be in the past.
		bad := upd
		bad.Controls = append([]cordon.Control{}, upd.Controls...)
		bad.Controls[0].ReviewDate = day(95)
		wantCode(t, e.Exceptions.UpdateException(e.ctx, &bad), cordon.EINVALID)
		wantCode(t, e.Exceptions.UpdateException(e.ctx, &cordon.Exception{ID: 999}), cordon.ENOTFOUND)
		if a := e.audited(t, "exception:"+itoa(x.ID)); !reflect.DeepEqual(a, []string{"exception.create", "exception.update"}) {
			t.Errorf("audit = %v", a)
		}
	})

	t.Run("Revoke", func(t *testing.T) {
		e, ct, _, _ := findingsEnv(t, open)
		x := e.createException(t, NewException(ct.ID))
		_, err := e.Exceptions.RevokeException(e.ctx, x.ID, "  ")
		wantCode(t, err, cordon.EINVALID)
		got, err := e.Exceptions.RevokeException(e.ctx, x.ID, "Patch validated and applied.")
		must(t, err)
		if got.State != cordon.ExceptionRevoked || got.RevokedBy != "alice" || got.RevokeReason != "Patch validated and applied." || got.DueForReview {
			t.Errorf("revoked = %+v", got)
		}
		_, err = e.Exceptions.RevokeException(e.ctx, x.ID, "again")
		wantCode(t, err, cordon.ECONFLICT)
		wantCode(t, e.Exceptions.UpdateException(e.ctx, got), cordon.ECONFLICT)
		_, err = e.Exceptions.RevokeException(e.ctx, 999, "no such")
		wantCode(t, err, cordon.ENOTFOUND)
		if a := e.audited(t, "exception:"+itoa(x.ID)); !reflect.DeepEqual(a, []string{"exception.create", "exception.revoke"}) {
			t.Errorf("audit = %v", a)
		}
	})

	t.Run("ModelPlan", func(t *testing.T) {
		e, ct, pump, _ := findingsEnv(t, open)
		m := e.createModel(t, "Siemens Healthineers", "SOMATOM", "VA40")
		must(t, e.Models.AssignDevices(e.ctx, m.ID, []int64{ct.ID}))
		// The model's plan only lowers likelihood: incomplete.
		mx := NewException(-m.ID)
		mx.Controls = mx.Controls[1:]
		mx = e.createException(t, mx)
		if mx.Plan.Complete || len(mx.Plan.Problems) != 1 {
			t.Errorf("model plan = %+v", mx.Plan)
		}
		p, err := e.Exceptions.ModelPlan(e.sys, m.ID)
		must(t, err)
		if p.Check.Complete || len(p.Controls) != 1 || p.Controls[0].ExceptionID != mx.ID {
			t.Errorf("ModelPlan = %+v", p)
		}
		// The device's own impact control completes its plan.
		dx := NewException(ct.ID)
		dx.Controls = dx.Controls[:1]
		e.createException(t, dx)
		p, err = e.Exceptions.DevicePlan(e.sys, ct.ID)
		must(t, err)
		if !p.Check.Complete || len(p.Controls) != 2 || len(p.Exceptions) != 2 {
			t.Errorf("DevicePlan = %+v", p)
		}
		if ids := e.exceptionIDs(t, cordon.ExceptionFilter{DeviceID: ct.ID}); len(ids) != 2 {
			t.Errorf("device's exceptions = %v", ids)
		}
		if ids := e.exceptionIDs(t, cordon.ExceptionFilter{ModelID: m.ID}); !reflect.DeepEqual(ids, []int64{mx.ID}) {
			t.Errorf("model's exceptions = %v", ids)
		}
		p, err = e.Exceptions.DevicePlan(e.sys, pump.ID)
		must(t, err)
		if p.Check.Complete || len(p.Controls) != 0 {
			t.Errorf("pump plan = %+v", p)
		}
		_, err = e.Exceptions.DevicePlan(e.sys, 9999)
		wantCode(t, err, cordon.ENOTFOUND)
		_, err = e.Exceptions.ModelPlan(e.sys, 9999)
		wantCode(t, err, cordon.ENOTFOUND)
	})

	t.Run("Coverage", func(t *testing.T) {
		e, ct, pump, pc := findingsEnv(t, open)
		e.ingest(t, "more.pcap", Devices(
			NewDevice("00:09:02:aa:00:04", "10.1.0.8", cordon.CategoryImagingModality),
			NewDevice("00:09:02:aa:00:05", "10.1.0.9", cordon.CategoryPatientMonitor),
		), nil)
		ct2 := e.deviceByKey(t, "mac:00:09:02:aa:00:04")
		mon := e.deviceByKey(t, "mac:00:09:02:aa:00:05")
		unsupported := []cordon.SupportStatus{{Subject: "os", Name: "Windows 7 SP1", State: cordon.SupportUnsupported, Reason: "Support ended 2020-01-14."}}
		blue := NewFinding("CVE-2019-0708", true, 0.97, 9.8, "possible")
		// ct and ct2 have an open finding, the monitor runs unsupported
		// software, the pump's only finding is fixed, the PC is clean.
		must(t, e.Findings.ReplaceFindings(e.sys, []cordon.DeviceAssessment{
			{DeviceID: ct.ID, Findings: []cordon.Finding{blue}, Exposure: cordon.Exposure{Risk: cordon.Risk{Score: 80}}},
			{DeviceID: ct2.ID, Findings: []cordon.Finding{blue}, Exposure: cordon.Exposure{Risk: cordon.Risk{Score: 70}}},
			{DeviceID: mon.ID, Exposure: cordon.Exposure{Risk: cordon.Risk{Score: 50}, Support: unsupported}},
			{DeviceID: pump.ID, Findings: []cordon.Finding{blue}, Exposure: cordon.Exposure{Risk: cordon.Risk{Score: 30}}},
			{DeviceID: pc.ID, Exposure: cordon.Exposure{Risk: cordon.Risk{Score: 5}}},
		}))
		fs, _, err := e.Findings.FindFindings(e.sys, cordon.FindingFilter{DeviceID: pump.ID})
		must(t, err)
		_, err = e.Findings.UpdateFindingStatus(e.ctx, fs[0].ID, cordon.FindingStatus{Status: cordon.FindingFixed})
		must(t, err)

		cov, err := e.Exceptions.ExceptionCoverage(e.sys)
		must(t, err)
		if cov.Exposed != 3 || cov.Uncovered != 3 || cov.Expired != 0 || len(cov.UncoveredList) != 3 {
			t.Fatalf("before any exception: %+v", cov)
		}
		if got := []int64{cov.UncoveredList[0].Device.ID, cov.UncoveredList[1].Device.ID, cov.UncoveredList[2].Device.ID}; !reflect.DeepEqual(got, []int64{ct.ID, ct2.ID, mon.ID}) {
			t.Errorf("uncovered = %v, want highest risk first", got)
		}

		// ct2 is covered through its model; the monitor's exception
		// expires in 10 days; ct's only lowers likelihood.
		m := e.createModel(t, "Siemens Healthineers", "SOMATOM", "VA40")
		must(t, e.Models.AssignDevices(e.ctx, m.ID, []int64{ct2.ID}))
		e.createException(t, NewException(-m.ID))
		short := NewException(mon.ID)
		short.Expires, short.Controls = day(10), nil
		short = e.createException(t, short)
		partial := NewException(ct.ID)
		partial.Controls = partial.Controls[1:]
		e.createException(t, partial)

		cov, err = e.Exceptions.ExceptionCoverage(e.sys)
		must(t, err)
		if cov.Exposed != 3 || cov.Uncovered != 0 || cov.Expired != 0 || cov.DueForReview != 1 || cov.IncompletePlan != 2 {
			t.Errorf("covered: %+v", cov)
		}

		e.clock.Add(11 * 24 * time.Hour)
		cov, err = e.Exceptions.ExceptionCoverage(e.sys)
		must(t, err)
		if cov.Uncovered != 0 || cov.Expired != 1 || len(cov.ExpiredList) != 1 {
			t.Fatalf("after expiry: %+v", cov)
		}
		if x := cov.ExpiredList[0]; x.Device.ID != mon.ID || x.ExceptionID != short.ID || !x.Expired.Equal(day(10)) || !x.Unsupported || x.Score != 50 {
			t.Errorf("expired = %+v", x)
		}
		// Revoking the expired exception leaves the monitor uncovered.
		_, err = e.Exceptions.RevokeException(e.ctx, short.ID, "Replaced by a model-wide exception.")
		must(t, err)
		cov, err = e.Exceptions.ExceptionCoverage(e.sys)
		must(t, err)
		if cov.Uncovered != 1 || cov.Expired != 0 || cov.UncoveredList[0].Device.ID != mon.ID {
			t.Errorf("after revoke: %+v", cov)
		}
		// A decommissioned device needs no exception.
		_, err = e.Lifecycles.Decommission(e.ctx, mon.ID, cordon.Decommissioning{On: cordon.Day(e.clock.Now()), Reason: "Replaced"})
		must(t, err)
		cov, err = e.Exceptions.ExceptionCoverage(e.sys)
		must(t, err)
		if cov.Exposed != 2 || cov.Uncovered != 0 || len(cov.UncoveredList) != 0 {
			t.Errorf("after decommissioning the monitor: %+v", cov)
		}
	})
}
