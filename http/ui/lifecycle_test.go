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
