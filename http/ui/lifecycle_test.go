package ui

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/sqlite"
)

// newGovernanceEnv is newTestEnv with the lifecycle and alert stores
// configured, served the same way.
func newGovernanceEnv(t *testing.T) *testEnv {
	t.Helper()
	e := newTestEnv(t)
	h, err := New(Config{
		Devices: e.devices, Captures: e.captures, Users: e.users, Audit: sqlite.NewAuditService(e.db),
		Queue: e.queue, CaptureDir: filepath.Join(t.TempDir(), "captures"),
		Lifecycles: sqlite.NewLifecycleService(e.db), Alerts: sqlite.NewAlertService(e.db),
		CSRFToken: func(*http.Request) string { return testCSRF },
		Now:       func() time.Time { return testNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	e.srv.Close()
	e.srv = httptest.NewServer(e.csrf.wrap(withTestUser(e.users, mux)))
	t.Cleanup(e.srv.Close)
	return e
}

func TestDeviceLifecycleForms(t *testing.T) {
	e := newGovernanceEnv(t)
	ct := e.devicePath("mac:00:1b:63:84:45:e6")

	page := e.get("viewer1", ct)
	if page.status != 200 || !strings.Contains(page.body, `id="lifecycle"`) || !strings.Contains(page.body, "unknown") ||
		strings.Contains(page.body, ct+"/decommission") {
		t.Fatalf("viewer's device page: %d, lifecycle section or forms wrong", page.status)
	}
	checkNoInline(t, "device", page.body)

	resp := e.post("analyst1", ct+"/lifecycle", url.Values{"commissioned_on": {"2017-11-20"}, "life_years": {"10"},
		"replacement_cost": {"£850,000"}, "funding_note": {"Capital 2027/28"},
		"end_of_support_on": {"2027-06-30"}, "end_of_support_source": {"Siemens letter"}})
	if resp.status != http.StatusSeeOther || !strings.HasSuffix(resp.header.Get("Location"), "#lifecycle") {
		t.Fatalf("save plan: %d %s", resp.status, resp.body)
	}
	page = e.get("analyst1", ct)
	for _, want := range []string{"2027-11-20", "£850,000", "Capital 2027/28", "Siemens letter", ct + "/decommission", `name="csrf"`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("device page lacks %q", want)
		}
	}
	// A viewer may not change it; bad input names the problem.
	if resp := e.post("viewer1", ct+"/decommission", url.Values{"on": {"2026-10-01"}, "reason": {"x"}}); resp.status != http.StatusForbidden {
		t.Errorf("viewer decommission: %d", resp.status)
	}
	if resp := e.post("analyst1", ct+"/lifecycle", url.Values{"commissioned_on": {"20/11/2017"}}); resp.status != 400 ||
		!strings.Contains(resp.body, "commissioning date") {
		t.Errorf("bad date: %d", resp.status)
	}
	if resp := e.post("analyst1", ct+"/decommission", url.Values{"on": {"2026-10-01"}, "reason": {"Replaced"}}); resp.status != http.StatusSeeOther {
		t.Fatalf("decommission: %d %s", resp.status, resp.body)
	}
	// The CT's register entry does not say whether it stores patient data:
	// no disposal without sanitisation.
	if resp := e.post("analyst1", ct+"/dispose", url.Values{"on": {"2026-10-02"}}); resp.status != 400 || !strings.Contains(resp.body, "sanitisation") {
		t.Errorf("dispose without sanitisation: %d", resp.status)
	}
	if resp := e.post("analyst1", ct+"/dispose", url.Values{"on": {"2026-10-02"}, "method": {"purge"}, "operator": {"EBME"},
		"sanitised_on": {"2026-10-02"}, "certificate": {"SAN-7"}}); resp.status != http.StatusSeeOther {
		t.Fatalf("dispose: %d %s", resp.status, resp.body)
	}
	page = e.get("viewer1", ct)
	if !strings.Contains(page.body, "Disposed of") || !strings.Contains(page.body, "SAN-7") {
		t.Errorf("device page after disposal lacks the record")
	}
	es, _, err := sqlite.NewAuditService(e.db).FindAuditEntries(context.Background(), cordon.AuditFilter{Actor: "analyst1"})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, a := range es {
		actions = append(actions, a.Action)
	}
	if got := strings.Join(actions, ","); got != "lifecycle.dispose,lifecycle.decommission,lifecycle.update" {
		t.Errorf("audit = %s", got)
	}
}

func TestLifecycleForecastPage(t *testing.T) {
	e := newGovernanceEnv(t)
	lc := sqlite.NewLifecycleService(e.db)
	ctx := cordon.NewContextWithUser(context.Background(), &cordon.User{Name: "analyst1"})
	for key, p := range map[string]cordon.LifecyclePlan{
		"mac:00:1b:63:84:45:e6": {CommissionedOn: time.Date(2017, 1, 10, 0, 0, 0, 0, time.UTC), LifeYears: 10, ReplacementCost: 850000},
	} {
		if _, err := lc.UpdateLifecycle(ctx, e.ids[key], p); err != nil {
			t.Fatal(err)
		}
	}
	page := e.get("viewer1", "/lifecycle")
	if page.status != 200 {
		t.Fatalf("forecast page: %d %s", page.status, page.body)
	}
	for _, want := range []string{"<svg", "£850,000", "Replacement date unknown", "End of support unknown", "By site", "By category",
		"2027-01-10", "/lifecycle.csv?months=36"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("forecast page lacks %q", want)
		}
	}
	checkNoInline(t, "lifecycle", page.body)
	csv := e.get("viewer1", "/lifecycle.csv?months=2")
	if csv.status != 200 || !strings.HasPrefix(csv.body, "month,date,event") || strings.Contains(csv.body, "2027-01-10") {
		t.Errorf("csv (2 months, the replacement is after them): %d\n%s", csv.status, csv.body)
	}
	if bad := e.get("viewer1", "/lifecycle?months=500"); bad.status != 400 || !strings.Contains(bad.body, "months") {
		t.Errorf("months=500: %d", bad.status)
	}
}

// TestLifecycleFormRefused posts forms the server refuses: each comes back
// as the device page with the message beside the form it is about, that
// form open, the field marked and what was typed kept, and nothing saved.
func TestLifecycleFormRefused(t *testing.T) {
	e := newGovernanceEnv(t)
	ct := e.devicePath("mac:00:1b:63:84:45:e6")
	lc := sqlite.NewLifecycleService(e.db)
	ctx := context.Background()
	audited := func() int {
		t.Helper()
		_, n, err := sqlite.NewAuditService(e.db).FindAuditEntries(ctx, cordon.AuditFilter{Actor: "analyst1"})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	// refused posts form to path and checks the page that comes back.
	refused := func(t *testing.T, path string, form url.Values, status int, want ...string) string {
		t.Helper()
		before := audited()
		resp := e.post("analyst1", path, form)
		if resp.status != status {
			t.Fatalf("status %d, want %d\n%s", resp.status, status, resp.body)
		}
		for _, w := range append([]string{`id="lifecycle"`, `id="lc-error"`, "Nothing was saved."}, want...) {
			if !strings.Contains(resp.body, w) {
				t.Errorf("refused page lacks %q", w)
			}
		}
		if strings.Contains(resp.body, "Back to the dashboard") {
			t.Error("refusal ended on the error page")
		}
		if strings.Count(resp.body, `id="lc-error"`) != 1 {
			t.Error("the message is not shown exactly once")
		}
		checkNoInline(t, "refused lifecycle form", resp.body)
		if n := audited(); n != before {
			t.Errorf("audit entries %d → %d: a refused form changed something", before, n)
		}
		return resp.body
	}

	t.Run("PlanBadDate", func(t *testing.T) {
		refused(t, ct+"/lifecycle", url.Values{"commissioned_on": {"20/11/2017"}, "life_years": {"10"}, "funding_note": {"Capital <2027>"}},
			http.StatusBadRequest, "The commissioning date must be a date", `<details open>`, `value="20/11/2017"`,
			`value="Capital &lt;2027&gt;"`, `id="lc-comm" name="commissioned_on" value="20/11/2017" aria-invalid="true"`)
	})
	t.Run("PlanSourceMissing", func(t *testing.T) {
		body := refused(t, ct+"/lifecycle", url.Values{"end_of_support_on": {"2027-06-30"}, "replacement_cost": {"£850,000"}},
			http.StatusBadRequest, "end_of_support_source is required", `value="2027-06-30"`, `value="£850,000"`)
		if !strings.Contains(body, `lc-eos-src-hint lc-error" aria-invalid="true"`) {
			t.Error("the source field is not marked")
		}
	})
	t.Run("DecommissionInFuture", func(t *testing.T) {
		body := refused(t, ct+"/decommission", url.Values{"on": {"2026-11-03"}, "reason": {"Replaced by a new CT"}},
			http.StatusBadRequest, "is in the future", `value="2026-11-03"`, `value="Replaced by a new CT"`, `dc-on-hint lc-error" aria-invalid="true"`)
		if !strings.Contains(body, `<details open>`+"\n    <summary>Decommission</summary>") {
			t.Error("the decommission form is not open")
		}
	})
	t.Run("DecommissionNoReason", func(t *testing.T) {
		refused(t, ct+"/decommission", url.Values{"on": {"2026-11-01"}}, http.StatusBadRequest,
			"needs a reason", `id="dc-why" name="reason" maxlength="1024" required value="" aria-invalid="true"`)
	})
	if l, err := lc.FindLifecycle(ctx, e.ids["mac:00:1b:63:84:45:e6"]); err != nil || l.State != cordon.LifecycleInService || !l.UpdatedAt.IsZero() {
		t.Fatalf("after the refused forms: %+v, %v", l, err)
	}

	// Decommissioned on 1 October, the CT must be sanitised between then
	// and its disposal; the form says so.
	if resp := e.post("analyst1", ct+"/decommission", url.Values{"on": {"2026-10-01"}, "reason": {"Replaced"}}); resp.status != http.StatusSeeOther {
		t.Fatalf("decommission: %d %s", resp.status, resp.body)
	}
	page := e.get("analyst1", ct+"?lifecycle=saved")
	for _, want := range []string{"The lifecycle was saved", "Between decommissioning (2026-10-01) and the disposal date",
		`name="sanitised_on" value="" min="2026-10-01" max="2026-11-02"`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("device page after decommissioning lacks %q", want)
		}
	}
	t.Run("SanitisedBeforeDecommissioning", func(t *testing.T) {
		body := refused(t, ct+"/dispose", url.Values{"on": {"2026-11-02"}, "method": {"purge"}, "operator": {"EBME workshop"},
			"sanitised_on": {"2026-09-30"}, "certificate": {"SAN-7"}}, http.StatusBadRequest,
			"The sanitisation date 2026-09-30 must be between decommissioning (2026-10-01) and disposal (2026-11-02).",
			`<option value="purge" selected>`, `value="EBME workshop"`, `value="SAN-7"`, `dp-date-hint lc-error" aria-invalid="true"`)
		if strings.Contains(body, "The lifecycle was saved") {
			t.Error("a refusal says saved")
		}
	})
	t.Run("DisposeWithoutSanitisation", func(t *testing.T) {
		refused(t, ct+"/dispose", url.Values{"on": {"2026-11-02"}}, http.StatusBadRequest,
			"cannot be disposed of without a sanitisation record", `id="dp-method" name="method" required aria-invalid="true"`)
	})
	t.Run("SanitisationDateMissing", func(t *testing.T) {
		refused(t, ct+"/dispose", url.Values{"on": {"2026-11-02"}, "method": {"destroy"}, "operator": {"Shredders Ltd"}, "certificate": {"D-1"}},
			http.StatusBadRequest, "The sanitisation needs its date.", `dp-date-hint lc-error" aria-invalid="true"`)
	})
	t.Run("DecommissionedMeanwhile", func(t *testing.T) {
		// A second tab still showing the decommission form: the form is
		// gone, so the message stands at the top of the section.
		body := refused(t, ct+"/decommission", url.Values{"on": {"2026-10-02"}, "reason": {"Again"}}, http.StatusConflict, "decommissioned already")
		if i, j := strings.Index(body, `id="lc-error"`), strings.Index(body, `action="`+ct+`/lifecycle"`); i < 0 || j < 0 || i > j {
			t.Error("the message is not above the forms")
		}
	})
	// Errors that are not about the form still end on the error page.
	if resp := e.post("analyst1", "/devices/999999/dispose", url.Values{"on": {"2026-11-02"}}); resp.status != http.StatusNotFound {
		t.Errorf("missing device: %d", resp.status)
	}
	if l, err := lc.FindLifecycle(ctx, e.ids["mac:00:1b:63:84:45:e6"]); err != nil || l.State != cordon.LifecycleDecommissioned {
		t.Fatalf("after the refused disposals: %+v, %v", l, err)
	}
}
