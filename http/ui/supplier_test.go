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

// newSupplierEnv is the test env with the supplier and model stores
// configured, and an RDP session from the jump host 10.50.0.10 and a VNC
// session from 203.0.113.9 into the CT in the register.
func newSupplierEnv(t *testing.T) (*testEnv, *sqlite.SupplierService) {
	t.Helper()
	e := newTestEnv(t)
	e.srv.Close()
	ctx := context.Background()
	h := testNow.Truncate(time.Hour).Add(-3 * time.Hour)
	c := &cordon.Capture{Name: "remote.pcap", SHA256: strings.Repeat("ab", 32), Size: 1}
	must(t, e.captures.CreateCapture(ctx, c))
	must(t, e.captures.StartCapture(ctx, c.ID))
	must(t, sqlite.NewIngestService(e.db).CommitIngest(ctx, c.ID, nil, []cordon.Conversation{
		{Client: "ip:10.50.0.10", Server: keyCT, Proto: "tcp", Port: 3389, App: "rdp", Hour: h, Flows: 1, Bytes: 5000},
		{Client: "ip:203.0.113.9", Server: keyCT, Proto: "tcp", Port: 5900, Hour: h.Add(time.Hour), Flows: 1, Bytes: 100},
	}, cordon.IngestStats{}))
	sup := sqlite.NewSupplierService(e.db)
	hd, err := New(Config{
		Devices: e.devices, Captures: e.captures, Users: e.users, Audit: sqlite.NewAuditService(e.db),
		Queue: e.queue, CaptureDir: filepath.Join(t.TempDir(), "captures"), MaxUpload: 1 << 20,
		Models: sqlite.NewModelService(e.db), Suppliers: sup, Remediations: sqlite.NewRemediationService(e.db),
		CSRFToken: func(*http.Request) string { return testCSRF },
		Now:       func() time.Time { return testNow },
	})
	must(t, err)
	mux := http.NewServeMux()
	hd.Register(mux)
	e.srv = httptest.NewServer(e.csrf.wrap(withTestUser(e.users, mux)))
	t.Cleanup(e.srv.Close)
	return e, sup
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// supplierForm is a valid form: Siemens serving the CT, RDP from the jump
// host with MFA on demand, and a TeamViewer row always on without MFA.
func supplierFormFor(ct int64) url.Values {
	return url.Values{
		"name": {"Siemens Healthineers"}, "contact": {"Service desk"}, "email": {"service@example.com"},
		"device_ids": {formatInt(ct)}, "model_ids": {""},
		"c_ref_0": {"SH-2025-01"}, "c_start_0": {"2025-01-01"}, "c_end_0": {"2028-01-01"}, "c_attend_0": {"4"}, "c_patch_0": {"30"},
		"c_ref_1": {""}, "c_start_1": {""}, "c_end_1": {""}, "c_attend_1": {""}, "c_patch_1": {""},
		"a_method_0": {"rdp"}, "a_mode_0": {"on-demand"}, "a_mfa_0": {"yes"}, "a_sources_0": {"10.50.0.10"},
		"a_method_1": {"teamviewer"}, "a_mode_1": {"always-on"}, "a_sources_1": {"198.51.100.0/24, 198.51.101.7"},
		"a_method_2": {""}, "a_mode_2": {"on-demand"},
	}
}

func TestSupplierPages(t *testing.T) {
	e, sup := newSupplierEnv(t)
	ct := e.ids[keyCT]

	// Before any supplier, both sessions are unexplained.
	resp := e.get("viewer1", "/suppliers")
	if resp.status != 200 || !strings.Contains(resp.body, "0 suppliers") || !strings.Contains(resp.body, "203.0.113.9") ||
		!strings.Contains(resp.body, "10.50.0.10") || !strings.Contains(resp.body, "ct-scan-01") || strings.Contains(resp.body, `href="/suppliers/new"`) {
		t.Fatalf("list for a viewer: %d\n%s", resp.status, resp.body)
	}
	if r := e.get("viewer1", "/suppliers/new"); r.status != http.StatusForbidden {
		t.Errorf("viewer /suppliers/new: %d", r.status)
	}
	if r := e.post("viewer1", "/suppliers", supplierFormFor(ct)); r.status != http.StatusForbidden {
		t.Errorf("viewer POST: %d", r.status)
	}
	r := e.get("analyst1", "/suppliers/new")
	if r.status != 200 || !strings.Contains(r.body, `name="csrf"`) || !strings.Contains(r.body, `name="c_ref_1"`) || !strings.Contains(r.body, `name="a_method_1"`) {
		t.Fatalf("new form: %d\n%s", r.status, r.body)
	}

	// A bad row is named, nothing is saved, and the form keeps what was typed.
	bad := supplierFormFor(ct)
	bad.Set("a_sources_1", "198.51.100.0/99")
	r = e.post("analyst1", "/suppliers", bad)
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, "access[1].sources[0]") || !strings.Contains(r.body, "198.51.100.0/99") {
		t.Errorf("bad form: %d\n%s", r.status, r.body)
	}
	bad = supplierFormFor(ct)
	bad.Set("c_end_0", "next year")
	if r = e.post("analyst1", "/suppliers", bad); r.status != http.StatusBadRequest || !strings.Contains(r.body, "Contract 1 end") {
		t.Errorf("bad date: %d", r.status)
	}
	if _, n, _ := sup.FindSuppliers(context.Background(), cordon.SupplierFilter{}); n != 0 {
		t.Fatalf("%d suppliers after bad forms", n)
	}

	r = e.post("analyst1", "/suppliers", supplierFormFor(ct))
	loc := r.header.Get("Location")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/suppliers/") {
		t.Fatalf("create: %d %s\n%s", r.status, loc, r.body)
	}
	path := strings.TrimSuffix(loc, "?saved=1")
	r = e.get("viewer1", loc)
	for _, want := range []string{"Siemens Healthineers", "SH-2025-01", "30 days", "4 hours", "always-on access", "access without MFA",
		"198.51.101.7", `href="/devices/` + formatInt(ct) + `"`, "The supplier was saved"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("supplier page lacks %q", want)
		}
	}
	if strings.Contains(r.body, `action="`+path+`"`) {
		t.Errorf("a viewer sees the edit form")
	}

	// The RDP from the jump host is now explained; the VNC is not.
	r = e.get("viewer1", "/suppliers")
	if !strings.Contains(r.body, "1 supplier") || !strings.Contains(r.body, "203.0.113.9") || strings.Contains(r.body, "<td class=\"mono\">10.50.0.10</td>") {
		t.Errorf("list after create:\n%s", r.body)
	}

	// Editing drops the TeamViewer row; the flags go with it.
	edit := supplierFormFor(ct)
	edit.Set("a_method_1", "")
	if r = e.post("analyst1", path, edit); r.status != http.StatusSeeOther {
		t.Fatalf("update: %d\n%s", r.status, r.body)
	}
	r = e.get("analyst1", path)
	if strings.Contains(r.body, "always-on access") || !strings.Contains(r.body, "No concerns") || !strings.Contains(r.body, `action="`+path+`"`) {
		t.Errorf("after update:\n%s", r.body)
	}
	if r = e.post("analyst1", path+"/delete", url.Values{}); r.status != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.status)
	}
	if r = e.get("viewer1", path); r.status != http.StatusNotFound {
		t.Errorf("deleted supplier page: %d", r.status)
	}
}
