package http

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/remediation"
)

// slaRecord stores a record of the model approved daysAgo days ago (by the
// env's clock) and, when appliedAgo is not negative, applied on its device
// appliedAgo days ago.
func (e *env) slaRecord(t *testing.T, model int64, cve string, approvedAgo, appliedAgo int) {
	t.Helper()
	ctx := cordon.NewContextWithUser(context.Background(), &cordon.User{Name: "test-setup"})
	now := cordon.Day(e.clock.Now())
	r := &cordon.RemediationRecord{CVE: cve, ModelID: model, FixPublished: now.AddDate(0, 0, -300)}
	must(t, e.s.RemediationService.CreateRemediation(ctx, r))
	for _, st := range []cordon.RemediationTransition{
		{State: "awaiting_validation", At: now.AddDate(0, 0, -250)},
		{State: "approved", ApprovedVersion: "VA50A", Evidence: "https://example.nhs.uk/letter.pdf", At: now.AddDate(0, 0, -approvedAgo)},
	} {
		_, err := e.s.RemediationService.TransitionRemediation(ctx, r.ID, st)
		must(t, err)
	}
	if appliedAgo >= 0 {
		_, err := e.s.RemediationService.UpdateRemediationDevices(ctx, r.ID, []cordon.RemediationDeviceChange{
			{DeviceID: e.device, State: "applied", Date: now.AddDate(0, 0, -appliedAgo)}})
		must(t, err)
	}
}

// TestSupplierServiceLevelAPI measures a supplier's 30-day patch service
// level against the remediation records of the model it serves, on the
// env's clock.
func TestSupplierServiceLevelAPI(t *testing.T) {
	e := MustOpenEnv(t, nil)
	model := e.remediationModel(t)
	e.slaRecord(t, model, "CVE-2024-31001", 100, 90) // 10 days: met
	e.slaRecord(t, model, "CVE-2024-31002", 100, 55) // 45 days: missed
	e.slaRecord(t, model, "CVE-2024-31003", 5, -1)   // open 5 days: within
	e.slaRecord(t, model, "CVE-2024-31004", 40, -1)  // open 40 days: overdue
	id := e.createSupplier(fmt.Sprintf(`{"name": "Siemens Healthineers service", "contracts": [
		{"reference": "SH-2025-01", "start": "2025-01-01", "attend_hours": 4, "patch_days": 30},
		{"reference": "SH-2019-OLD", "start": "2019-01-01", "end": "2024-01-01", "patch_days": 7}],
		"access": [], "model_ids": [%d], "device_ids": []}`, model))

	view := func() SupplierView {
		t.Helper()
		resp := e.do(e.bearer(cordon.RoleViewer), get(fmt.Sprint("/api/v1/suppliers/", id))(""))
		var v struct {
			cordon.Supplier
			ServiceLevel *remediation.ServiceLevel `json:"service_level"`
		}
		decode(t, resp, &v)
		if resp.StatusCode != http.StatusOK || v.ServiceLevel == nil {
			t.Fatalf("GET supplier: %d %+v", resp.StatusCode, v)
		}
		return SupplierView{Supplier: &v.Supplier, ServiceLevel: v.ServiceLevel}
	}
	v := view()
	sl := v.ServiceLevel
	if v.Name != "Siemens Healthineers service" || sl.PatchDays != 30 || sl.Contract != "SH-2025-01" || sl.Default ||
		sl.Met != 1 || sl.Missed != 1 || sl.OpenWithin != 1 || sl.OpenOverdue != 1 || sl.MedianDays != 27 || len(sl.Deployments) != 4 {
		t.Fatalf("service level = %+v", sl)
	}
	if d := sl.Deployments[0]; d.CVE != "CVE-2024-31002" || d.Days != 45 || d.Outcome != remediation.OutcomeMissed || d.Model != "Siemens Healthineers SOMATOM go.Up VA40" {
		t.Errorf("longest lag first: %+v", d)
	}
	// A month on, the open record within its 30 days has passed them.
	e.clock.Add(30 * 24 * time.Hour)
	if sl := view().ServiceLevel; sl.OpenWithin != 0 || sl.OpenOverdue != 2 || sl.Met != 1 {
		t.Errorf("a month later = %+v", sl)
	}
}
