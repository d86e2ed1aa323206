package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/sqlite"
)

// TestSupplierPage_ServiceLevel shows a supplier's 30-day patch service
// level measured against the remediation records of the model it serves:
// one deployment met, one missed, one open within, one open overdue.
func TestSupplierPage_ServiceLevel(t *testing.T) {
	e, sup := newSupplierEnv(t)
	ctx := cordon.NewContextWithUser(context.Background(), &cordon.User{Name: "alice", Role: cordon.RoleAnalyst})
	models, rems := sqlite.NewModelService(e.db), sqlite.NewRemediationService(e.db)
	ct := e.ids[keyCT]
	m := &cordon.DeviceModel{Manufacturer: "Siemens Healthineers", Model: "SOMATOM go.Up", Version: "VA40"}
	must(t, models.CreateModel(ctx, m))
	must(t, models.AssignDevices(ctx, m.ID, []int64{ct}))
	today := cordon.Day(testNow)
	for _, c := range []struct {
		cve                 string
		approved, appliedAt int // days ago; applied -1: not yet
	}{{"CVE-2024-41001", 100, 90}, {"CVE-2024-41002", 100, 55}, {"CVE-2024-41003", 5, -1}, {"CVE-2024-41004", 40, -1}} {
		r := &cordon.RemediationRecord{CVE: c.cve, ModelID: m.ID, FixPublished: today.AddDate(0, 0, -300)}
		must(t, rems.CreateRemediation(ctx, r))
		for _, st := range []cordon.RemediationTransition{{State: "awaiting_validation", At: today.AddDate(0, 0, -250)},
			{State: "approved", ApprovedVersion: "VA50A", Evidence: "https://example.nhs.uk/letter.pdf", At: today.AddDate(0, 0, -c.approved)}} {
			_, err := rems.TransitionRemediation(ctx, r.ID, st)
			must(t, err)
		}
		if c.appliedAt >= 0 {
			_, err := rems.UpdateRemediationDevices(ctx, r.ID, []cordon.RemediationDeviceChange{{DeviceID: ct, State: "applied", Date: today.AddDate(0, 0, -c.appliedAt)}})
			must(t, err)
		}
	}
	s := &cordon.Supplier{Name: "Siemens service", Contracts: []cordon.Contract{{Reference: "SH-2025-01", PatchDays: 30}},
		Access: []cordon.RemoteAccess{}, ModelIDs: []int64{m.ID}, DeviceIDs: []int64{}}
	must(t, sup.CreateSupplier(ctx, s))

	r := e.get("viewer1", "/suppliers/"+formatInt(s.ID))
	if r.status != 200 {
		t.Fatalf("supplier page: %d", r.status)
	}
	checkNoInline(t, "supplier", r.body)
	for _, want := range []string{"Patch service level against reality", "30 days, the time to patch of contract <code>SH-2025-01</code>",
		"<dt>Met</dt><dd>1</dd>", `<dt>Missed</dt><dd><span class="badge badge-warn">1</span>`, "<dt>Open, within</dt><dd>1</dd>",
		`<dt>Open, overdue</dt><dd><span class="badge badge-sev-critical">1</span>`, "27 days, over the finished deployments",
		"CVE-2024-41002", "45 days", "40 days so far", "open, overdue"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("supplier page lacks %q", want)
		}
	}
	// The longest lag comes first.
	if i, j := strings.Index(r.body, "CVE-2024-41002"), strings.Index(r.body, "CVE-2024-41003"); i < 0 || j < 0 || i > j {
		t.Errorf("deployments not longest first")
	}
}
