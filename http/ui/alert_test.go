package ui

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/sqlite"
)

func TestAlertPages(t *testing.T) {
	e := newGovernanceEnv(t)
	alerts := sqlite.NewAlertService(e.db)
	ct := e.ids["mac:00:1b:63:84:45:e6"]
	a := &cordon.Alert{Kind: cordon.AlertDecommissionedReappeared, Severity: cordon.AlertHigh, DeviceID: ct,
		Title: "Decommissioned device " + hostile + " is on the network again", Evidence: []string{"Addresses: 10.1.2.15"}}
	if err := alerts.RaiseAlert(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	low := &cordon.Alert{Kind: cordon.AlertRemediationOverdue, Severity: cordon.AlertLow, Subject: "remediation:1", Title: "Overdue"}
	if err := alerts.RaiseAlert(context.Background(), low); err != nil {
		t.Fatal(err)
	}

	list := e.get("viewer1", "/alerts")
	if list.status != 200 || !strings.Contains(list.body, "2 open alerts") || !strings.Contains(list.body, "badge-sev-high") ||
		!strings.Contains(list.body, "ct-scan-01") || strings.Contains(list.body, hostile) {
		t.Fatalf("alert list: %d\n%s", list.status, list.body)
	}
	checkNoInline(t, "alerts", list.body)
	if f := e.get("viewer1", "/alerts?severity=low"); !strings.Contains(f.body, "Overdue") || strings.Contains(f.body, "ct-scan-01</a>") {
		t.Errorf("severity filter shows the wrong alerts")
	}
	if bad := e.get("viewer1", "/alerts?status=closed"); bad.status != 400 || !strings.Contains(bad.body, "closed") {
		t.Errorf("bad status filter: %d", bad.status)
	}

	path := "/alerts/" + formatInt(a.ID)
	view := e.get("viewer1", path)
	if view.status != 200 || !strings.Contains(view.body, "Addresses: 10.1.2.15") || strings.Contains(view.body, `action="`+path+`"`) {
		t.Errorf("viewer's alert page: %d", view.status)
	}
	if resp := e.post("viewer1", path, url.Values{"status": {cordon.AlertResolved}}); resp.status != http.StatusForbidden {
		t.Errorf("viewer update: %d", resp.status)
	}
	view = e.get("analyst1", path)
	if !strings.Contains(view.body, `action="`+path+`"`) || !strings.Contains(view.body, `name="csrf"`) {
		t.Errorf("analyst's alert page lacks the form")
	}
	if resp := e.post("analyst1", path, url.Values{"status": {"closed"}}); resp.status != 400 || !strings.Contains(resp.body, "closed") {
		t.Errorf("bad status: %d", resp.status)
	}
	if resp := e.post("analyst1", path, url.Values{"status": {cordon.AlertResolved}, "owner": {"EBME"}, "note": {"Unplugged"}}); resp.status != http.StatusSeeOther {
		t.Fatalf("update: %d %s", resp.status, resp.body)
	}
	got, err := alerts.FindAlertByID(context.Background(), a.ID)
	if err != nil || got.Status != cordon.AlertResolved || got.UpdatedBy != "analyst1" || got.Owner != "EBME" {
		t.Errorf("after update: %+v, %v", got, err)
	}
	if list := e.get("viewer1", "/alerts"); !strings.Contains(list.body, "1 open alert:") {
		t.Errorf("open count after resolving is wrong")
	}
	if nf := e.get("viewer1", "/alerts/999"); nf.status != 404 {
		t.Errorf("missing alert: %d", nf.status)
	}
}

// TestCaptureHealthAlertLinks: an alert about the monitoring itself has no
// device; the list and its page name the interface and link to Captures.
func TestCaptureHealthAlertLinks(t *testing.T) {
	e := newGovernanceEnv(t)
	alerts := sqlite.NewAlertService(e.db)
	a := &cordon.Alert{Kind: cordon.AlertCaptureSilent, Severity: cordon.AlertHigh, Subject: "interface:eth1",
		Title: "Live capture on eth1 has seen no traffic for 12 minutes"}
	if err := alerts.RaiseAlert(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	link := `<a href="/captures">interface:eth1</a>`
	if list := e.get("viewer1", "/alerts"); !strings.Contains(list.body, link) {
		t.Errorf("alert list lacks %s", link)
	}
	if view := e.get("viewer1", "/alerts/"+formatInt(a.ID)); !strings.Contains(view.body, link) {
		t.Errorf("alert page lacks %s", link)
	}
}
