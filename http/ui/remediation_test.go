package ui

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/sqlite"
)

// remediationEnv is the test UI with the model and remediation stores, the
// CT of the test ward in a model of its own.
func remediationEnv(t *testing.T) (*testEnv, *cordon.DeviceModel) {
	t.Helper()
	e := newTestEnv(t)
	models := sqlite.NewModelService(e.db)
	cfg := Config{
		Devices: e.devices, Captures: e.captures, Users: e.users, Audit: sqlite.NewAuditService(e.db),
		Queue: e.queue, CaptureDir: filepath.Join(t.TempDir(), "captures"),
		CSRFToken:    func(*http.Request) string { return testCSRF },
		Now:          func() time.Time { return testNow },
		Models:       models,
		Remediations: sqlite.NewRemediationService(e.db),
	}
	h, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	e.srv.Close()
	e.srv = httptest.NewServer(e.csrf.wrap(withTestUser(e.users, mux)))
	t.Cleanup(e.srv.Close)
	ctx := cordon.NewContextWithUser(context.Background(), &cordon.User{Name: "setup"})
	m := &cordon.DeviceModel{Manufacturer: "Siemens Healthineers", Model: "SOMATOM go.Up", Version: hostile}
	if err := models.CreateModel(ctx, m); err != nil {
		t.Fatal(err)
	}
	if err := models.AssignDevices(ctx, m.ID, []int64{e.ids[keyCT]}); err != nil {
		t.Fatal(err)
	}
	return e, m
}

func wantStatus(t *testing.T, r response, status int, parts ...string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %.400s", r.status, status, r.body)
	}
	for _, p := range parts {
		if !strings.Contains(r.body, p) {
			t.Errorf("page lacks %q", p)
		}
	}
	if strings.Contains(r.body, hostile) {
		t.Error("hostile text came back unescaped")
	}
}

func TestRemediationPages(t *testing.T) {
	e, m := remediationEnv(t)
	ct := strconv.FormatInt(e.ids[keyCT], 10)

	// From a finding's device and CVE: the prefilled form, then the record.
	wantStatus(t, e.get("viewer1", "/remediations/new?device="+ct+"&cve=CVE-2019-0708"), http.StatusForbidden)
	wantStatus(t, e.get("analyst1", "/remediations/new?device="+ct+"&cve=CVE-2019-0708"), http.StatusOK,
		"Not tracked yet", "Track this fix", `name="csrf" value="`+testCSRF+`"`, "ct-scan-01")
	wantStatus(t, e.get("analyst1", "/remediations/new?device="+ct+"&cve=nonsense"), http.StatusBadRequest, "is not a CVE ID")
	wantStatus(t, e.get("analyst1", "/remediations/new?device="+strconv.FormatInt(e.ids[keyPump], 10)+"&cve=CVE-2019-0708"), http.StatusBadRequest, "belongs to no device model")

	model := strconv.FormatInt(m.ID, 10)
	r := e.post("analyst1", "/remediations", url.Values{"cve": {"CVE-2019-0708"}, "model": {model}, "fix_published": {"2026-01-02"}})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/remediations/") {
		t.Fatalf("create: %d %s", r.status, r.header.Get("Location"))
	}
	path := strings.TrimSuffix(r.header.Get("Location"), "?saved=1")
	// Again from the finding: straight to the record.
	if r := e.get("analyst1", "/remediations/new?model="+model+"&cve=cve-2019-0708"); r.status != http.StatusSeeOther || r.header.Get("Location") != path {
		t.Errorf("new for a tracked fix: %d %s, want %s", r.status, r.header.Get("Location"), path)
	}
	wantStatus(t, e.post("viewer1", path+"/transition", url.Values{"state": {"awaiting_validation"}}), http.StatusForbidden)
	wantStatus(t, e.post("analyst1", path+"/transition", url.Values{"state": {"applied"}}), http.StatusBadRequest, "not to applied", "Nothing was saved")
	wantStatus(t, e.post("analyst1", path+"/transition", url.Values{"state": {"awaiting_validation"}, "at": {"June"}}), http.StatusBadRequest, "must be a date")
	for _, step := range []url.Values{
		{"state": {"awaiting_validation"}, "at": {"2026-01-10"}},
		{"state": {"approved"}, "at": {"2026-10-01"}, "approved_version": {"SIEMENS_SWF"}, "evidence": {"https://example.nhs.uk/letter.pdf"}},
	} {
		if r := e.post("analyst1", path+"/transition", step); r.status != http.StatusSeeOther {
			t.Fatalf("step %v: %d %.300s", step, r.status, r.body)
		}
	}
	if r := e.post("analyst1", path+"/devices", url.Values{"device": {ct}, "state": {"applied"}, "date": {"2026-11-01"}}); r.status != http.StatusSeeOther {
		t.Fatalf("devices: %d %.300s", r.status, r.body)
	}
	// Validation took 264 days, past 90; the CT, seen after it was
	// applied, shows the approved version.
	wantStatus(t, e.get("viewer1", path+"?saved=1"), http.StatusOK, "Applied to every device", "264 days", "badge badge-warn",
		"confirmed by the network", "Saved;", "Your role (viewer) reads")

	t.Run("Board", func(t *testing.T) {
		wantStatus(t, e.get("viewer1", "/remediations"), http.StatusOK, "Remediation board", `Applied to every device <span class="muted small">(1)`, "CVE-2019-0708", "/remediations.csv")
		wantStatus(t, e.get("viewer1", "/remediations?overdue=yes"), http.StatusOK, "0 with a clock past its limit")
		wantStatus(t, e.get("viewer1", "/remediations?overdue=maybe"), http.StatusBadRequest, "yes or no")
		r := e.get("viewer1", "/remediations.csv")
		if r.status != 200 || !strings.HasPrefix(r.body, "id,cve,manufacturer") || !strings.Contains(r.body, "CVE-2019-0708") {
			t.Errorf("csv: %d %.300s", r.status, r.body)
		}
	})
	t.Run("Scorecard", func(t *testing.T) {
		wantStatus(t, e.get("viewer1", "/remediations/scorecard"), http.StatusOK, "Siemens Healthineers", "264 d")
	})
	t.Run("NotFound", func(t *testing.T) {
		wantStatus(t, e.get("viewer1", "/remediations/999"), http.StatusNotFound)
	})
}

// TestRemediationLeftDevices checks that a device that left the record's
// model is listed apart, with what was done on it, and is kept out of the
// per-device form, which refuses it if posted anyway.
func TestRemediationLeftDevices(t *testing.T) {
	e, m := remediationEnv(t)
	models := sqlite.NewModelService(e.db)
	ctx := cordon.NewContextWithUser(context.Background(), &cordon.User{Name: "setup"})
	pump := strconv.FormatInt(e.ids[keyPump], 10)
	ct := strconv.FormatInt(e.ids[keyCT], 10)
	if err := models.AssignDevices(ctx, m.ID, []int64{e.ids[keyPump]}); err != nil {
		t.Fatal(err)
	}
	r := e.post("analyst1", "/remediations", url.Values{"cve": {"CVE-2019-0708"}, "model": {strconv.FormatInt(m.ID, 10)}, "fix_published": {"2026-01-02"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("create: %d %.300s", r.status, r.body)
	}
	path := strings.TrimSuffix(r.header.Get("Location"), "?saved=1")
	for _, step := range []url.Values{
		{"state": {"awaiting_validation"}, "at": {"2026-01-10"}},
		{"state": {"approved"}, "at": {"2026-10-01"}, "approved_version": {"SIEMENS_SWF"}, "evidence": {"https://example.nhs.uk/letter.pdf"}},
	} {
		if r := e.post("analyst1", path+"/transition", step); r.status != http.StatusSeeOther {
			t.Fatalf("step %v: %d %.300s", step, r.status, r.body)
		}
	}
	if r := e.post("analyst1", path+"/devices", url.Values{"device": {pump}, "state": {"applied"}, "date": {"2026-11-01"}}); r.status != http.StatusSeeOther {
		t.Fatalf("devices: %d %.300s", r.status, r.body)
	}
	checkbox := func(id string) string { return `name="device" value="` + id + `"` }
	page := e.get("analyst1", path)
	wantStatus(t, page, http.StatusOK, "Devices of the model (2)", checkbox(pump), checkbox(ct))
	if strings.Contains(page.body, "No longer of this model") {
		t.Error("the left-devices list shows while no device has left")
	}

	// The pump leaves the model: it is listed apart with what was done.
	if err := models.AssignDevices(ctx, 0, []int64{e.ids[keyPump]}); err != nil {
		t.Fatal(err)
	}
	page = e.get("analyst1", path)
	wantStatus(t, page, http.StatusOK, "Devices of the model (1)", checkbox(ct), "No longer of this model, or out of service (1)",
		`<a href="/devices/`+pump+`">alaris-ward7-03</a>: applied on`, "by analyst1")
	if strings.Contains(page.body, checkbox(pump)) {
		t.Error("a device that left the model is still in the per-device form")
	}
	// Posted anyway, it is refused and nothing is saved.
	wantStatus(t, e.post("analyst1", path+"/devices", url.Values{"device": {pump}, "state": {"pending"}}), http.StatusBadRequest,
		"has left this remediation", "Nothing was saved")
	// Viewers see the list too, without any form.
	page = e.get("viewer1", path)
	wantStatus(t, page, http.StatusOK, "No longer of this model, or out of service (1)", "alaris-ward7-03")
	if strings.Contains(page.body, `name="device"`) {
		t.Error("a viewer got the per-device form")
	}

	// With every device gone the table gives way, the list stays.
	if err := models.AssignDevices(ctx, 0, []int64{e.ids[keyCT]}); err != nil {
		t.Fatal(err)
	}
	page = e.get("analyst1", path)
	wantStatus(t, page, http.StatusOK, "Devices of the model (0)", "The model has no devices in the register.", "No longer of this model, or out of service (2)")
	if strings.Contains(page.body, `id="devices-form"`) {
		t.Error("the per-device form shows with no device left in the model")
	}
}
