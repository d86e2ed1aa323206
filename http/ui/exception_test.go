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

// newExceptionEnv is newTestEnv with the exception and finding stores
// configured, and the CT scanner exposed (an open finding, assessed).
func newExceptionEnv(t *testing.T) (*testEnv, int64) {
	e := newTestEnv(t)
	cfg := Config{
		Devices: e.devices, Captures: e.captures, Users: e.users, Audit: sqlite.NewAuditService(e.db),
		Queue: e.queue, CaptureDir: filepath.Join(t.TempDir(), "captures"),
		CSRFToken:  func(*http.Request) string { return testCSRF },
		Now:        func() time.Time { return testNow },
		Exceptions: sqlite.NewExceptionService(e.db),
	}
	h, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	e.srv = httptest.NewServer(e.csrf.wrap(withTestUser(e.users, mux)))
	t.Cleanup(e.srv.Close)

	ct := e.ids["mac:00:1b:63:84:45:e6"]
	err = sqlite.NewFindingService(e.db).ReplaceFindings(context.Background(), []cordon.DeviceAssessment{{DeviceID: ct,
		Findings: []cordon.Finding{{CVE: "CVE-2019-0708", Match: "confirmed", Severity: cordon.SeverityCritical, Evidence: []string{"os"}, Sources: []string{"nvd"}}},
		Exposure: cordon.Exposure{Risk: cordon.Risk{Score: 88}}}})
	if err != nil {
		t.Fatal(err)
	}
	return e, ct
}

// exceptionForm is a valid form for device id (testNow is 2026-11-02):
// segmentation in place, no removable media planned.
func exceptionFormFor(id int64) url.Values {
	return url.Values{"device_id": {formatInt(id)}, "reason": {"end_of_support"}, "risk_ref": {"RR-42"},
		"owner": {"EBME " + hostile}, "expires": {"2027-04-30"}, "cves": {"cve-2019-0708"}, "rows": {"3"},
		"kind_0": {"segmented"}, "status_0": {"in_place"}, "evidence_0": {"VLAN 40"}, "review_0": {"2027-01-15"},
		"kind_1": {"no_removable_media"}, "status_1": {"planned"}, "review_1": {"2027-02-01"},
		"kind_2": {""}, "status_2": {"planned"}}
}

func TestExceptionPages(t *testing.T) {
	e, ct := newExceptionEnv(t)

	// The dashboard and the list show the exposed device uncovered.
	for _, path := range []string{"/", "/exceptions"} {
		r := e.get("viewer1", path)
		if r.status != 200 || !strings.Contains(r.body, "Exposed without an exception") || !strings.Contains(r.body, "stat-danger") {
			t.Fatalf("%s: %d", path, r.status)
		}
		checkNoInline(t, path, r.body)
	}
	if r := e.get("viewer1", "/exceptions"); !strings.Contains(r.body, `href="/devices/`+formatInt(ct)+`">CT-SCAN-01`) && !strings.Contains(strings.ToLower(r.body), "ct-scan-01") {
		t.Errorf("uncovered list lacks the CT")
	}

	// Viewers may not open the form; analysts may.
	if r := e.get("viewer1", "/exceptions/new?device="+formatInt(ct)); r.status != 403 {
		t.Errorf("viewer new: %d", r.status)
	}
	r := e.get("analyst1", "/exceptions/new?device="+formatInt(ct))
	if r.status != 200 || !strings.Contains(r.body, `name="csrf"`) || !strings.Contains(r.body, `name="kind_2"`) {
		t.Fatalf("new: %d", r.status)
	}
	checkNoInline(t, "new", r.body)

	// "Add a control" adds a row and saves nothing.
	form := exceptionFormFor(ct)
	form.Set("action", "add")
	if r := e.post("analyst1", "/exceptions", form); r.status != 200 || !strings.Contains(r.body, `name="kind_2"`) {
		t.Errorf("add a control: %d", r.status)
	}
	// A bad date comes back with the message and what was typed.
	bad := exceptionFormFor(ct)
	bad.Set("review_1", "next spring")
	if r := e.post("analyst1", "/exceptions", bad); r.status != 400 || !strings.Contains(r.body, "Control 2&#39;s review date must be a date") || !strings.Contains(r.body, "VLAN 40") {
		t.Errorf("bad date: %d %s", r.status, r.body)
	}
	if xs, n, _ := sqlite.NewExceptionService(e.db).FindExceptions(context.Background(), cordon.ExceptionFilter{}); n != 0 {
		t.Fatalf("stored before a valid save: %v", xs)
	}

	r = e.post("analyst1", "/exceptions", exceptionFormFor(ct))
	if r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/exceptions/") {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	page := strings.TrimSuffix(r.header.Get("Location"), "?saved=1")
	r = e.get("viewer1", page)
	if r.status != 200 || strings.Contains(r.body, hostile) || !strings.Contains(r.body, `badge-support-supported">complete`) ||
		!strings.Contains(r.body, "CVE-2019-0708") || strings.Contains(r.body, `name="kind_0"`) {
		t.Errorf("view as viewer: %d", r.status)
	}
	// Segmentation (impact, in place) and no removable media (likelihood,
	// planned) make a complete plan on the device's page.
	if r := e.get("viewer1", "/devices/"+formatInt(ct)); !strings.Contains(r.body, "Exceptions and mitigation plan") || !strings.Contains(r.body, "1 likelihood, 1 impact, 1 in place") {
		t.Errorf("device page lacks the plan section")
	}
	if r := e.get("viewer1", "/"); !strings.Contains(r.body, `<span class="stat-value">0</span><span class="stat-label">Exposed without an exception`) {
		t.Errorf("dashboard still counts the CT uncovered")
	}

	// Revoke needs a reason; then the form is gone.
	if r := e.post("analyst1", page+"/revoke", url.Values{"revoke_reason": {""}}); r.status != 400 || !strings.Contains(r.body, "needs a reason") {
		t.Errorf("revoke without reason: %d", r.status)
	}
	if r := e.post("analyst1", page+"/revoke", url.Values{"revoke_reason": {"Replaced."}}); r.status != 303 {
		t.Errorf("revoke: %d", r.status)
	}
	if r := e.get("analyst1", page); !strings.Contains(r.body, "revoked") || strings.Contains(r.body, `name="kind_0"`) {
		t.Errorf("revoked page still editable")
	}

	r = e.get("viewer1", "/exceptions.csv?state=revoked")
	if r.status != 200 || !strings.Contains(r.body, ",revoked,end_of_support,") || !strings.Contains(r.body, "segmented (impact, in_place, review 2027-01-15)") {
		t.Errorf("csv: %d %s", r.status, r.body)
	}
	if r := e.get("viewer1", "/exceptions?state=bogus"); r.status != 400 {
		t.Errorf("bad state: %d", r.status)
	}
}
