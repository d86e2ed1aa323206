package http

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/sqlite"
)

// raiseAlert raises an alert about device (0: none) in e's store.
func (e *env) raiseAlert(kind, severity string, device int64, subject string) *cordon.Alert {
	e.t.Helper()
	a := &cordon.Alert{Kind: kind, Severity: severity, DeviceID: device, Subject: subject, Title: "Look at " + subject,
		Evidence: []string{"seen by the test"}}
	must(e.t, sqlite.NewAlertService(e.db).RaiseAlert(context.Background(), a))
	return a
}

// alertAccess returns the access table's rows for the alert routes.
func alertAccess(t *testing.T, e *env) []accessCase {
	a := e.raiseAlert(cordon.AlertDecommissionedReappeared, cordon.AlertHigh, e.device, "access")
	id := fmt.Sprint(a.ID)
	return []accessCase{
		{"GET /api/v1/alerts", get("/api/v1/alerts?status=open"), [4]int{401, 200, 200, 200}},
		{"GET /api/v1/alerts/{id}", get("/api/v1/alerts/" + id), [4]int{401, 200, 200, 200}},
		{"POST /api/v1/alerts/{id}", func(string) req {
			return jsonReq("POST", "/api/v1/alerts/"+id, `{"status": "acknowledged", "owner": "EBME"}`)
		}, [4]int{401, 403, 200, 200}},
	}
}

func TestAlertAPI(t *testing.T) {
	e := MustOpenEnv(t, nil)
	a1 := e.raiseAlert(cordon.AlertDecommissionedReappeared, cordon.AlertHigh, e.device, "")
	e.clock.Add(60e9)
	a2 := e.raiseAlert(cordon.AlertRemediationOverdue, cordon.AlertMedium, 0, "remediation:4")
	viewer, analyst := e.bearer(cordon.RoleViewer), e.bearer(cordon.RoleAnalyst)

	var page struct {
		Alerts []cordon.Alert `json:"alerts"`
		Total  int            `json:"total"`
	}
	decode(t, e.do(viewer, req{method: "GET", path: "/api/v1/alerts"}), &page)
	if page.Total != 2 || page.Alerts[0].ID != a2.ID || page.Alerts[1].ID != a1.ID {
		t.Fatalf("alerts = %+v", page)
	}
	if d := page.Alerts[1].Device; d == nil || d.ID != e.device || d.Hostname != "ct01.radiology.example.nhs.uk" {
		t.Errorf("device of the alert = %+v", d)
	}
	decode(t, e.do(viewer, req{method: "GET", path: fmt.Sprintf("/api/v1/alerts?device=%d&severity=high", e.device)}), &page)
	if page.Total != 1 || page.Alerts[0].ID != a1.ID {
		t.Errorf("filtered = %+v", page)
	}

	resp := e.do(analyst, jsonReq("POST", fmt.Sprint("/api/v1/alerts/", a1.ID), `{"status": "resolved", "owner": "EBME", "note": "Unplugged."}`))
	var got cordon.Alert
	decode(t, resp, &got)
	if resp.StatusCode != 200 || got.Status != cordon.AlertResolved || got.UpdatedBy != "analyst1" || got.Note != "Unplugged." {
		t.Errorf("update = %d %+v", resp.StatusCode, got)
	}
	decode(t, e.do(viewer, req{method: "GET", path: "/api/v1/alerts?status=open"}), &page)
	if page.Total != 1 || page.Alerts[0].ID != a2.ID {
		t.Errorf("open after resolving = %+v", page)
	}

	for _, tt := range []struct {
		name   string
		r      req
		status int
		code   string
		msg    string
	}{
		{"ErrStatusFilter", req{method: "GET", path: "/api/v1/alerts?status=closed"}, 400, cordon.EINVALID, "status"},
		{"ErrSeverityFilter", req{method: "GET", path: "/api/v1/alerts?severity=urgent"}, 400, cordon.EINVALID, "severity"},
		{"ErrDeviceFilter", req{method: "GET", path: "/api/v1/alerts?device=x"}, 400, cordon.EINVALID, "device"},
		{"ErrUnknownParam", req{method: "GET", path: "/api/v1/alerts?owner=x"}, 400, cordon.EINVALID, "owner"},
		{"ErrNotFound", req{method: "GET", path: "/api/v1/alerts/999"}, 404, cordon.ENOTFOUND, "999"},
		{"ErrBadStatus", jsonReq("POST", fmt.Sprint("/api/v1/alerts/", a2.ID), `{"status": "done"}`), 400, cordon.EINVALID, "status"},
		{"ErrUnknownField", jsonReq("POST", fmt.Sprint("/api/v1/alerts/", a2.ID), `{"status": "resolved", "by": "me"}`), 400, cordon.EINVALID, "by"},
		{"ErrUpdateNotFound", jsonReq("POST", "/api/v1/alerts/999", `{"status": "resolved"}`), 404, cordon.ENOTFOUND, "999"},
	} {
		t.Run(tt.name, func(t *testing.T) { wantError(t, e.do(analyst, tt.r), tt.status, tt.code, tt.msg) })
	}
	// A failed change changed nothing.
	decode(t, e.do(viewer, req{method: "GET", path: fmt.Sprint("/api/v1/alerts/", a2.ID)}), &got)
	if got.Status != cordon.AlertNew {
		t.Errorf("alert after failed changes = %+v", got)
	}
	if resp := e.do(viewer, jsonReq("POST", fmt.Sprint("/api/v1/alerts/", a2.ID), `{"status": "resolved"}`)); resp.StatusCode != http.StatusForbidden {
		t.Errorf("viewer update: %d", resp.StatusCode)
	}
}
