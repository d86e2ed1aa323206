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

// newSuppressionEnv is the governance env with suppression rules and the
// outbox configured.
func newSuppressionEnv(t *testing.T) (*testEnv, *sqlite.OutboxService) {
	t.Helper()
	e := newTestEnv(t)
	out := sqlite.NewOutboxService(e.db)
	h, err := New(Config{
		Devices: e.devices, Captures: e.captures, Users: e.users, Audit: sqlite.NewAuditService(e.db),
		Queue: e.queue, CaptureDir: filepath.Join(t.TempDir(), "captures"),
		Alerts: sqlite.NewAlertService(e.db), Suppressions: sqlite.NewSuppressionService(e.db), Outbox: out,
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
	return e, out
}

func TestSuppressionPages(t *testing.T) {
	e, out := newSuppressionEnv(t)
	ctx := context.Background()
	if err := out.SetDestinations(ctx, []string{"siem"}); err != nil {
		t.Fatal(err)
	}
	alerts := sqlite.NewAlertService(e.db)
	ct := e.ids["mac:00:1b:63:84:45:e6"]
	first := &cordon.Alert{Kind: "smbv1", Severity: cordon.AlertMedium, DeviceID: ct, Subject: "smb1", Title: "SMB version 1 in use"}
	if err := alerts.RaiseAlert(ctx, first); err != nil {
		t.Fatal(err)
	}
	path := "/alerts/" + formatInt(first.ID)

	// An analyst sees the pre-filled form; a viewer does not.
	view := e.get("analyst1", path)
	for _, want := range []string{`action="/suppressions"`, `name="kind" value="smbv1"`, `name="device" value="` + formatInt(ct) + `"`,
		`name="subject_prefix" value="smb1"`, `name="alert" value="` + formatInt(first.ID) + `"`, "not suppressed"} {
		if !strings.Contains(view.body, want) {
			t.Errorf("analyst's alert page lacks %q", want)
		}
	}
	checkNoInline(t, "alert", view.body)
	if v := e.get("viewer1", path); strings.Contains(v.body, `action="/suppressions"`) || strings.Contains(v.body, `id="deliveries"`) {
		t.Errorf("viewer's alert page offers suppression or shows deliveries")
	}
	// Admins see where it went.
	if v := e.get("admin1", path); !strings.Contains(v.body, `id="deliveries"`) || !strings.Contains(v.body, "siem") || !strings.Contains(v.body, "pending") {
		t.Errorf("admin's alert page lacks the delivery to siem")
	}

	if resp := e.post("viewer1", "/suppressions", url.Values{"kind": {"smbv1"}, "reason": {"x"}, "expires_on": {"2026-11-09"}}); resp.status != http.StatusForbidden {
		t.Errorf("viewer create: %d", resp.status)
	}
	for _, tt := range []struct {
		name string
		form url.Values
		want string
	}{
		{"ErrNoNarrowing", url.Values{"reason": {"x"}, "expires_on": {"2026-11-09"}}, "kind, device, model or subject prefix"},
		{"ErrDate", url.Values{"kind": {"smbv1"}, "reason": {"x"}, "expires_on": {"09/11/2026"}}, "YYYY-MM-DD"},
		{"ErrPast", url.Values{"kind": {"smbv1"}, "reason": {"x"}, "expires_on": {"2026-10-01"}}, "expiry in the future"},
		{"ErrDevice", url.Values{"device": {"ct"}, "reason": {"x"}, "expires_on": {"2026-11-09"}}, "device number"},
		{"ErrNoReason", url.Values{"kind": {"smbv1"}, "expires_on": {"2026-11-09"}}, "reason"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp := e.post("analyst1", "/suppressions", tt.form)
			if resp.status != http.StatusBadRequest || !strings.Contains(resp.body, tt.want) {
				t.Errorf("status %d, want 400 naming %q", resp.status, tt.want)
			}
		})
	}

	resp := e.post("analyst1", "/suppressions", url.Values{"kind": {"smbv1"}, "device": {formatInt(ct)}, "subject_prefix": {"smb"},
		"reason": {"SMB1 needed until the vendor upgrade " + hostile}, "expires_on": {"2026-11-09"}, "alert": {formatInt(first.ID)}})
	if resp.status != http.StatusSeeOther || resp.header.Get("Location") != path+"?suppressed=1#suppression" {
		t.Fatalf("create from the alert: %d %s", resp.status, resp.header.Get("Location"))
	}
	rules, err := sqlite.NewSuppressionService(e.db).FindSuppressions(ctx, true)
	if err != nil || len(rules) != 1 || rules[0].CreatedBy != "analyst1" ||
		!rules[0].ExpiresAt.Equal(time.Date(2026, 11, 10, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("rules = %+v, %v", rules, err)
	}

	// The same kind about the device on another subject is now held back.
	second := &cordon.Alert{Kind: "smbv1", Severity: cordon.AlertMedium, DeviceID: ct, Subject: "smb1-server", Title: "SMB1 dialect chosen"}
	if err := alerts.RaiseAlert(ctx, second); err != nil {
		t.Fatal(err)
	}
	v := e.get("admin1", "/alerts/"+formatInt(second.ID))
	if !strings.Contains(v.body, "rule #"+formatInt(rules[0].ID)) || !strings.Contains(v.body, "a suppression rule held it back") ||
		strings.Contains(v.body, hostile) {
		t.Errorf("suppressed alert's page does not name the rule:\n%s", v.body)
	}
	if list := e.get("viewer1", "/alerts"); !strings.Contains(list.body, "suppressed by rule #"+formatInt(rules[0].ID)) {
		t.Errorf("alert list does not mark the suppressed alert")
	}

	page := e.get("viewer1", "/suppressions")
	if page.status != 200 || !strings.Contains(page.body, "SMB1 needed until the vendor upgrade") || strings.Contains(page.body, hostile) ||
		strings.Contains(page.body, "/delete") || strings.Contains(page.body, `action="/suppressions"`) {
		t.Errorf("viewer's suppressions page: %d", page.status)
	}
	checkNoInline(t, "suppressions", page.body)
	del := "/suppressions/" + formatInt(rules[0].ID) + "/delete"
	if !strings.Contains(e.get("analyst1", "/suppressions").body, del) {
		t.Errorf("analyst's page lacks the delete form")
	}
	if resp := e.post("viewer1", del, url.Values{}); resp.status != http.StatusForbidden {
		t.Errorf("viewer delete: %d", resp.status)
	}
	if resp := e.post("analyst1", del, url.Values{}); resp.status != http.StatusSeeOther {
		t.Fatalf("delete: %d", resp.status)
	}
	if resp := e.post("analyst1", del, url.Values{}); resp.status != http.StatusNotFound {
		t.Errorf("delete again: %d", resp.status)
	}
	if n, _, err := sqlite.NewAuditService(e.db).FindAuditEntries(ctx, cordon.AuditFilter{Object: "suppression:" + formatInt(rules[0].ID)}); err != nil || len(n) != 2 {
		t.Errorf("audit rows = %d, %v", len(n), err)
	}
}
