package http

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/forecast"
	"github.com/cordonsec/cordon/storetest"
)

// lifecycleDevice adds a device for one lifecycle test, with n making its
// MAC address unique, and optionally decommissions it.
func (e *env) lifecycleDevice(n int, decommissioned bool) string {
	e.t.Helper()
	d := storetest.NewDevice(fmt.Sprintf("00:1a:01:00:%02x:%02x", n/256, n%256), "10.5.0.1", cordon.CategoryInfusionPump)
	id := e.addDevice(d)
	if decommissioned {
		ctx := cordon.NewContextWithUser(context.Background(), &cordon.User{Name: "test-setup"})
		_, err := e.s.LifecycleService.Decommission(ctx, id, cordon.Decommissioning{On: e.clock.Now().AddDate(0, 0, -7), Reason: "Replaced"})
		must(e.t, err)
	}
	return fmt.Sprint(id)
}

// lifecycleAccess returns the access table's rows for the lifecycle routes.
func lifecycleAccess(t *testing.T, e *env) []accessCase {
	dev := fmt.Sprint(e.device)
	// Each role's request changes a device of its own, so that the second
	// role does not find the first one's device decommissioned.
	n := 0
	fresh := func(decommissioned bool) string { n++; return e.lifecycleDevice(n, decommissioned) }
	san := `{"method": "destroy", "operator": "EBME", "on": "` + e.clock.Now().AddDate(0, 0, -1).Format(time.DateOnly) + `", "certificate": "C-1"}`
	return []accessCase{
		{"GET /api/v1/lifecycle/forecast", get("/api/v1/lifecycle/forecast?months=12"), [4]int{401, 200, 200, 200}},
		{"GET /api/v1/devices/{id}/lifecycle", get("/api/v1/devices/" + dev + "/lifecycle"), [4]int{401, 200, 200, 200}},
		{"PUT /api/v1/devices/{id}/lifecycle", func(string) req {
			return jsonReq("PUT", "/api/v1/devices/"+dev+"/lifecycle", `{"commissioned_on": "2018-05-01", "life_years": 10}`)
		}, [4]int{401, 403, 200, 200}},
		{"POST /api/v1/devices/{id}/decommission", func(string) req {
			return jsonReq("POST", "/api/v1/devices/"+fresh(false)+"/decommission", `{"on": "2026-03-01", "reason": "Replaced"}`)
		}, [4]int{401, 403, 200, 200}},
		{"POST /api/v1/devices/{id}/dispose", func(string) req {
			return jsonReq("POST", "/api/v1/devices/"+fresh(true)+"/dispose", `{"on": "2026-03-02", "sanitisation": `+san+`}`)
		}, [4]int{401, 403, 200, 200}},
	}
}

func TestLifecycleAPI(t *testing.T) {
	e := MustOpenEnv(t, nil) // now: 2026-03-02 09:00 UTC
	viewer, analyst := e.bearer(cordon.RoleViewer), e.bearer(cordon.RoleAnalyst)
	dev := fmt.Sprint(e.device)

	var l cordon.DeviceLifecycle
	decode(t, e.do(viewer, req{method: "GET", path: "/api/v1/devices/" + dev + "/lifecycle"}), &l)
	if l.State != cordon.LifecycleInService || l.EndOfSupport.Origin != cordon.EndOfSupportUnknown || !l.Replacement.IsZero() {
		t.Errorf("unrecorded lifecycle = %+v", l)
	}
	resp := e.do(analyst, jsonReq("PUT", "/api/v1/devices/"+dev+"/lifecycle", `{"commissioned_on": "2016-07-01", "life_years": 10,
		"replacement_cost": 850000, "funding_note": "Capital 2026/27", "end_of_support_on": "2027-01-31", "end_of_support_source": "Siemens letter"}`))
	decode(t, resp, &l)
	if resp.StatusCode != 200 || l.Replacement.Format(time.DateOnly) != "2026-07-01" || l.ReplacementSource != "computed" ||
		l.EndOfSupport.Origin != cordon.EndOfSupportRecorded || l.Plan.ReplacementCost != 850000 {
		t.Fatalf("updated = %d %+v", resp.StatusCode, l)
	}

	var f forecast.Forecast
	decode(t, e.do(viewer, req{method: "GET", path: "/api/v1/lifecycle/forecast"}), &f)
	if len(f.Months) != 36 || f.Months[4].Replacements != 1 || f.Months[4].Cost != 850000 || f.Months[10].EndOfSupport != 1 || f.Devices != 1 {
		t.Errorf("forecast = %+v", f)
	}
	resp = e.do(viewer, req{method: "GET", path: "/api/v1/lifecycle/forecast?format=csv&months=12"})
	body, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") ||
		!strings.Contains(string(body), "2026-07,2026-07-01,replacement,"+dev) || !strings.Contains(string(body), "2027-01,2027-01-31,end_of_support") {
		t.Errorf("csv %s:\n%s", ct, body)
	}

	// Decommission, then dispose: the CT's register entry does not say
	// whether it stores patient data, so a sanitisation record is needed.
	resp = e.do(analyst, jsonReq("POST", "/api/v1/devices/"+dev+"/decommission", `{"on": "2026-03-01", "reason": "Replaced"}`))
	decode(t, resp, &l)
	if resp.StatusCode != 200 || l.State != cordon.LifecycleDecommissioned || l.Decommissioned.By != "analyst1" {
		t.Fatalf("decommission = %d %+v", resp.StatusCode, l)
	}
	for _, tt := range []struct {
		name   string
		r      req
		status int
		code   string
		msg    string
	}{
		{"ErrNoSanitisation", jsonReq("POST", "/api/v1/devices/"+dev+"/dispose", `{"on": "2026-03-02"}`), 400, cordon.EINVALID, "sanitisation"},
		{"ErrMethod", jsonReq("POST", "/api/v1/devices/"+dev+"/dispose", `{"on": "2026-03-02", "sanitisation": {"method": "wipe", "operator": "x", "on": "2026-03-01", "certificate": "c"}}`), 400, cordon.EINVALID, "NIST"},
		{"ErrSanitisationDate", jsonReq("POST", "/api/v1/devices/"+dev+"/dispose", `{"on": "2026-03-02", "sanitisation": {"method": "purge", "operator": "x", "on": "1 March", "certificate": "c"}}`), 400, cordon.EINVALID, "sanitisation.on"},
		{"ErrAgain", jsonReq("POST", "/api/v1/devices/"+dev+"/decommission", `{"on": "2026-03-01", "reason": "x"}`), 409, cordon.ECONFLICT, "decommissioned"},
		{"ErrDate", jsonReq("PUT", "/api/v1/devices/"+dev+"/lifecycle", `{"commissioned_on": "01/07/2016"}`), 400, cordon.EINVALID, "commissioned_on"},
		{"ErrSourceless", jsonReq("PUT", "/api/v1/devices/"+dev+"/lifecycle", `{"end_of_support_on": "2027-01-31"}`), 400, cordon.EINVALID, "end_of_support_source"},
		{"ErrMonths", req{method: "GET", path: "/api/v1/lifecycle/forecast?months=0"}, 400, cordon.EINVALID, "months"},
		{"ErrFormat", req{method: "GET", path: "/api/v1/lifecycle/forecast?format=xml"}, 400, cordon.EINVALID, "format"},
		{"ErrNotFound", req{method: "GET", path: "/api/v1/devices/999/lifecycle"}, 404, cordon.ENOTFOUND, "999"},
	} {
		t.Run(tt.name, func(t *testing.T) { wantError(t, e.do(analyst, tt.r), tt.status, tt.code, tt.msg) })
	}
	resp = e.do(analyst, jsonReq("POST", "/api/v1/devices/"+dev+"/dispose",
		`{"on": "2026-03-02", "sanitisation": {"method": "destroy", "operator": "Shred-It Ltd", "on": "2026-03-02", "certificate": "DST-991"}}`))
	decode(t, resp, &l)
	if resp.StatusCode != 200 || l.State != cordon.LifecycleDisposed || l.Disposed.Sanitisation.Certificate != "DST-991" {
		t.Errorf("dispose = %d %+v", resp.StatusCode, l)
	}
	// The forecast covers devices in service only.
	decode(t, e.do(viewer, req{method: "GET", path: "/api/v1/lifecycle/forecast"}), &f)
	if f.Devices != 0 || f.Replacements != 0 {
		t.Errorf("forecast after disposal = %+v", f)
	}
}

// FuzzLifecycleBodies feeds arbitrary JSON to the lifecycle bodies'
// parsers: they never panic, and what they accept is valid.
func FuzzLifecycleBodies(f *testing.F) {
	f.Add(`{"commissioned_on": "2016-07-01", "life_years": 10, "replacement_cost": 850000}`)
	f.Add(`{"end_of_support_on": "2027-01-31", "end_of_support_source": "letter", "replace_on": "2015-01-01", "commissioned_on": "2016-01-01"}`)
	f.Add(`{"on": "2026-03-02", "sanitisation": {"method": "purge", "operator": "x", "on": "2026-03-01", "certificate": "c"}}`)
	f.Fuzz(func(t *testing.T, s string) {
		var b LifecyclePlanBody
		if json.Unmarshal([]byte(s), &b) == nil {
			if p, err := b.plan(); err == nil {
				if err := p.Validate(); err != nil {
					t.Errorf("plan accepted %q but it is invalid: %v", s, err)
				}
			} else if cordon.ErrorCode(err) != cordon.EINVALID {
				t.Errorf("plan error %v is not EINVALID", err)
			}
		}
		var d DisposeBody
		if json.Unmarshal([]byte(s), &d) == nil {
			if got, err := d.disposal(); err == nil && (got.On.IsZero() || d.Sanitisation != nil && got.Sanitisation.On.IsZero()) {
				t.Errorf("disposal accepted %q without its dates", s)
			} else if err != nil && cordon.ErrorCode(err) != cordon.EINVALID {
				t.Errorf("disposal error %v is not EINVALID", err)
			}
		}
	})
}
