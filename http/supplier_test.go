package http

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/remoteaccess"
	"github.com/cordonsec/cordon/sqlite"
	"github.com/cordonsec/cordon/storetest"
)

// supplierJSON is a valid supplier body named name serving device dev,
// reached by RDP from the trust's jump host 10.50.0.10.
func supplierJSON(name string, dev int64) string {
	return fmt.Sprintf(`{"name": %q, "contact": "Service desk", "email": "service@example.com",
		"contracts": [{"reference": "SH-2025-01", "start": "2025-01-01", "end": "2028-01-01", "attend_hours": 4, "patch_days": 30}],
		"access": [{"method": "rdp", "mode": "on-demand", "mfa": true, "sources": ["10.50.0.10"]}],
		"model_ids": [], "device_ids": [%d]}`, name, dev)
}

// createSupplier creates a supplier through the API and returns its ID.
func (e *env) createSupplier(body string) int64 {
	e.t.Helper()
	resp := e.do(e.bearer(cordon.RoleAnalyst), jsonReq("POST", "/api/v1/suppliers", body))
	var s cordon.Supplier
	decode(e.t, resp, &s)
	if resp.StatusCode != http.StatusCreated {
		e.t.Fatalf("create supplier: %d %+v", resp.StatusCode, s)
	}
	return s.ID
}

// supplierAccess returns the access table's rows for the supplier routes.
func supplierAccess(t *testing.T, e *env) []accessCase {
	id := fmt.Sprint(e.createSupplier(supplierJSON("Access test", e.device)))
	toDelete := map[string]string{}
	for _, role := range []string{"", cordon.RoleViewer, cordon.RoleAnalyst, cordon.RoleAdmin} {
		toDelete[role] = fmt.Sprint(e.createSupplier(supplierJSON("To delete "+role, e.device)))
	}
	return []accessCase{
		{"GET /api/v1/suppliers", get("/api/v1/suppliers?q=access"), [4]int{401, 200, 200, 200}},
		{"POST /api/v1/suppliers", func(role string) req {
			return jsonReq("POST", "/api/v1/suppliers", supplierJSON("New "+role, e.device))
		}, [4]int{401, 403, 201, 201}},
		{"GET /api/v1/suppliers/{id}", get("/api/v1/suppliers/" + id), [4]int{401, 200, 200, 200}},
		{"PUT /api/v1/suppliers/{id}", func(string) req {
			return jsonReq("PUT", "/api/v1/suppliers/"+id, supplierJSON("Access test", e.device))
		}, [4]int{401, 403, 200, 200}},
		{"DELETE /api/v1/suppliers/{id}", func(role string) req {
			return req{method: "DELETE", path: "/api/v1/suppliers/" + toDelete[role]}
		}, [4]int{401, 403, 204, 204}},
		{"GET /api/v1/remote-access/unexplained", get("/api/v1/remote-access/unexplained?since=2026-01-01"), [4]int{401, 200, 200, 200}},
	}
}

func TestSupplierAPI(t *testing.T) {
	e := MustOpenEnv(t, nil)
	analyst, viewer := e.bearer(cordon.RoleAnalyst), e.bearer(cordon.RoleViewer)
	id := e.createSupplier(supplierJSON("Siemens Healthineers", e.device))
	path := fmt.Sprint("/api/v1/suppliers/", id)

	var s cordon.Supplier
	resp := e.do(viewer, req{method: "GET", path: path})
	decode(t, resp, &s)
	if resp.StatusCode != 200 || s.Name != "Siemens Healthineers" || len(s.Flags) != 0 ||
		!s.Contracts[0].Start.Equal(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)) || s.DeviceIDs[0] != e.device {
		t.Fatalf("view: %d %+v", resp.StatusCode, s)
	}

	// Always-on TeamViewer without MFA and a contract without a time to
	// patch: each flagged, on the supplier and on the record.
	resp = e.do(analyst, jsonReq("PUT", path, `{"name": "Siemens Healthineers",
		"contracts": [{"reference": "SH-1", "start": "2025-01-01T00:00:00Z", "attend_hours": 4}],
		"access": [{"method": "teamviewer", "mode": "always-on", "mfa": false, "sources": ["203.0.113.0/24"]}]}`))
	decode(t, resp, &s)
	if resp.StatusCode != 200 || strings.Join(s.Flags, ",") != "always_on,no_mfa,no_service_levels" ||
		strings.Join(s.Access[0].Flags, ",") != "always_on,no_mfa" || len(s.DeviceIDs) != 0 {
		t.Fatalf("update: %d %+v", resp.StatusCode, s)
	}
	var page struct {
		Suppliers []cordon.Supplier `json:"suppliers"`
		Total     int               `json:"total"`
	}
	resp = e.do(viewer, req{method: "GET", path: "/api/v1/suppliers?q=siemens&limit=10"})
	decode(t, resp, &page)
	if resp.StatusCode != 200 || page.Total != 1 || len(page.Suppliers[0].Flags) != 3 {
		t.Errorf("list: %d %+v", resp.StatusCode, page)
	}
	resp = e.do(viewer, req{method: "GET", path: fmt.Sprint("/api/v1/suppliers?device=", e.device)})
	decode(t, resp, &page)
	if page.Total != 0 {
		t.Errorf("the supplier no longer serves the device, yet the device filter lists %d", page.Total)
	}

	t.Run("Invalid", func(t *testing.T) {
		for _, tt := range []struct {
			name, method, path, body string
			status                   int
			code, msg                string
		}{
			{"BadMode", "POST", "/api/v1/suppliers", `{"name": "X", "access": [{"method": "rdp", "mode": "sometimes", "sources": []}]}`, 400, cordon.EINVALID, "access[0].mode"},
			{"BadSource", "POST", "/api/v1/suppliers", `{"name": "X", "access": [{"method": "rdp", "mode": "on-demand", "sources": ["10.0.0.0/40"]}]}`, 400, cordon.EINVALID, "access[0].sources[0]"},
			{"BadDate", "POST", "/api/v1/suppliers", `{"name": "X", "contracts": [{"reference": "R", "end": "31/12/2026"}]}`, 400, cordon.EINVALID, "contracts[0].end"},
			{"EndBeforeStart", "POST", "/api/v1/suppliers", `{"name": "X", "contracts": [{"reference": "R", "start": "2026-01-01", "end": "2025-01-01"}]}`, 400, cordon.EINVALID, "contracts[0].end"},
			{"UnknownDevice", "POST", "/api/v1/suppliers", `{"name": "X", "device_ids": [999]}`, 400, cordon.EINVALID, "device_ids"},
			{"UnknownField", "POST", "/api/v1/suppliers", `{"name": "X", "flags": []}`, 400, cordon.EINVALID, "flags"},
			{"Duplicate", "POST", "/api/v1/suppliers", `{"name": "SIEMENS healthineers"}`, 409, cordon.ECONFLICT, "exists"},
			{"NotFound", "PUT", "/api/v1/suppliers/999", `{"name": "X"}`, 404, cordon.ENOTFOUND, "999"},
			{"BadFilter", "GET", "/api/v1/suppliers?model=abc", ``, 400, cordon.EINVALID, "model"},
			{"BadSince", "GET", "/api/v1/remote-access/unexplained?since=yesterday", ``, 400, cordon.EINVALID, "since"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				r := jsonReq(tt.method, tt.path, tt.body)
				wantError(t, e.do(analyst, r), tt.status, tt.code, tt.msg)
			})
		}
		resp := e.do(viewer, req{method: "GET", path: "/api/v1/suppliers"})
		decode(t, resp, &page)
		if page.Total != 1 {
			t.Errorf("%d suppliers after the failed requests, want 1", page.Total)
		}
	})

	resp = e.do(analyst, req{method: "DELETE", path: path})
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	entries, _, err := e.s.AuditService.FindAuditEntries(context.Background(), cordon.AuditFilter{Object: fmt.Sprint("supplier:", id)})
	must(t, err)
	if len(entries) != 3 || entries[0].Action != "supplier.delete" || entries[0].Actor != "analyst1" {
		t.Errorf("audit = %+v", entries)
	}
	wantError(t, e.do(viewer, req{method: "GET", path: path}), 404, cordon.ENOTFOUND, "")
}

// ingestConversations commits a capture of the devices and conversations
// given, as ingest does.
func (e *env) ingestConversations(name string, devs map[string]*cordon.Device, conv []cordon.Conversation) {
	e.t.Helper()
	ctx := context.Background()
	c := &cordon.Capture{Name: name, SHA256: storetest.Hash(name), Size: 1}
	must(e.t, e.s.CaptureService.CreateCapture(ctx, c))
	must(e.t, e.s.CaptureService.StartCapture(ctx, c.ID))
	must(e.t, sqlite.NewIngestService(e.db).CommitIngest(ctx, c.ID, devs, conv, cordon.IngestStats{Devices: len(devs)}))
}

func TestRemoteUnexplainedAPI(t *testing.T) {
	e := MustOpenEnv(t, nil)
	viewer := e.bearer(cordon.RoleViewer)
	jump := storetest.NewDevice("00:50:56:00:00:10", "10.50.0.10", cordon.CategoryServer)
	ct := "mac:00:09:fb:01:02:03" // the env's device
	hour := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	e.ingestConversations("remote.pcap", storetest.Devices(jump), []cordon.Conversation{
		{Client: storetest.Key(jump), Server: ct, Proto: "tcp", Port: 3389, App: "rdp", Hour: hour, Flows: 2, Bytes: 9000},
		{Client: "ip:203.0.113.9", Server: ct, Proto: "tcp", Port: 5900, Hour: hour.Add(time.Hour), Flows: 1, Bytes: 100},
	})
	unexplained := func(query string) (out struct {
		Sessions []remoteaccess.Decision `json:"sessions"`
		Total    int                     `json:"total"`
	}) {
		t.Helper()
		resp := e.do(viewer, req{method: "GET", path: "/api/v1/remote-access/unexplained" + query})
		decode(t, resp, &out)
		if resp.StatusCode != 200 {
			t.Fatalf("unexplained: %d", resp.StatusCode)
		}
		return out
	}
	got := unexplained("")
	if got.Total != 2 || got.Sessions[0].Session.Method != "vnc" || got.Sessions[1].Session.Sources[0] != "10.50.0.10" ||
		got.Sessions[1].Session.Device.ID != e.device || !strings.Contains(got.Sessions[1].Reason, "No supplier") {
		t.Fatalf("before any supplier: %+v", got)
	}
	// The supplier's record explains the RDP from the jump host, not the
	// VNC from outside.
	e.createSupplier(supplierJSON("Siemens Healthineers", e.device))
	got = unexplained("")
	if got.Total != 1 || got.Sessions[0].Session.Sources[0] != "203.0.113.9" || got.Sessions[0].Session.Port != 5900 ||
		!got.Sessions[0].Session.FirstSeen.Equal(hour.Add(time.Hour)) || !got.Sessions[0].Session.LastSeen.Equal(hour.Add(2*time.Hour)) {
		t.Fatalf("with the supplier: %+v", got)
	}
	if got := unexplained("?since=2026-03-02"); got.Total != 0 {
		t.Errorf("since after the traffic: %+v", got)
	}
	if got := unexplained("?offset=1"); got.Total != 1 || len(got.Sessions) != 0 {
		t.Errorf("offset past the end: %+v", got)
	}
}
