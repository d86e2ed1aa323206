package http

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/storetest"
)

func TestDeviceIndex(t *testing.T) {
	e := MustOpenEnv(t, nil)
	e.addDevice(storetest.NewDevice("00:00:0c:aa:bb:cc", "10.9.0.1", cordon.CategoryNetwork))
	viewer := e.bearer(cordon.RoleViewer)
	tests := []struct {
		name      string
		query     string
		status    int
		wantTotal int
		wantMsg   string
	}{
		{"All", "", 200, 2, ""},
		{"Medical", "?medical=true", 200, 1, ""},
		{"NotMedical", "?medical=false", 200, 1, ""},
		{"Category", "?category=imaging_modality", 200, 1, ""},
		{"Search", "?q=10.9.0.1", 200, 1, ""},
		{"SortDesc", "?sort=-last_seen&limit=1", 200, 2, ""},
		{"Page", "?offset=1&limit=1", 200, 2, ""},
		{"ErrUnknownParam", "?categroy=x", 400, 0, `Unknown query parameter "categroy"`},
		{"ErrMedical", "?medical=yes", 400, 0, "medical must be true or false"},
		{"ErrCategory", "?category=toaster", 400, 0, `Unknown category "toaster"`},
		{"ErrSort", "?sort=password", 400, 0, `Cannot sort by "password"`},
		{"ErrLimit", "?limit=0", 400, 0, "limit must be"},
		{"ErrLimitHuge", "?limit=100000", 400, 0, "limit must be"},
		{"ErrOffset", "?offset=-1", 400, 0, "offset must be"},
		{"ErrRepeated", "?q=a&q=b", 400, 0, "more than once"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := e.do(viewer, req{method: "GET", path: "/api/v1/devices" + tt.query})
			if tt.status != 200 {
				wantError(t, resp, tt.status, cordon.EINVALID, tt.wantMsg)
				return
			}
			var got struct {
				Devices              []json.RawMessage
				Total, Offset, Limit int
			}
			decode(t, resp, &got)
			if resp.StatusCode != 200 || got.Total != tt.wantTotal {
				t.Errorf("status %d, total %d; want 200, %d", resp.StatusCode, got.Total, tt.wantTotal)
			}
			if got.Limit == 0 {
				t.Error("limit not reported")
			}
		})
	}
}

func TestDeviceView(t *testing.T) {
	e := MustOpenEnv(t, nil)
	viewer := e.bearer(cordon.RoleViewer)
	resp := e.do(viewer, req{method: "GET", path: fmt.Sprint("/api/v1/devices/", e.device)})
	var d map[string]json.RawMessage
	decode(t, resp, &d)
	for _, k := range []string{"id", "key", "observed", "recorded", "differences", "created_at", "updated_at"} {
		if _, ok := d[k]; !ok {
			t.Errorf("device JSON lacks %q", k)
		}
	}
	var obs map[string]json.RawMessage
	must(t, json.Unmarshal(d["observed"], &obs))
	// The observed object is cordon analyze's device object.
	for _, k := range []string{"mac", "ips", "hostnames", "manufacturer", "category", "os", "evidence", "reasons", "first_seen"} {
		if _, ok := obs[k]; !ok {
			t.Errorf("observed JSON lacks %q", k)
		}
	}
	if string(d["differences"]) != "[]" {
		t.Errorf("differences = %s, want []", d["differences"])
	}

	wantError(t, e.do(viewer, req{method: "GET", path: "/api/v1/devices/999"}), 404, cordon.ENOTFOUND, "")
	wantError(t, e.do(viewer, req{method: "GET", path: "/api/v1/devices/abc"}), 400, cordon.EINVALID, "positive whole number")
	wantError(t, e.do(viewer, req{method: "GET", path: "/api/v1/devices/-1"}), 400, cordon.EINVALID, "")
}

func TestDevicePatch(t *testing.T) {
	e := MustOpenEnv(t, nil)
	analyst := e.bearer(cordon.RoleAnalyst)
	path := fmt.Sprint("/api/v1/devices/", e.device)
	patch := func(body string) *http.Response { return e.do(analyst, jsonReq("PATCH", path, body)) }
	recorded := func(resp *http.Response) (Device, string) {
		t.Helper()
		b, _ := io.ReadAll(resp.Body)
		var d Device
		if err := json.Unmarshal(b, &d); err != nil || resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, b)
		}
		return d, string(b)
	}

	d, _ := recorded(patch(`{"ward": "Radiology 2", "asset_tag": "A-1", "patient_data": true, "os": "Windows 10"}`))
	if d.Recorded.Ward != "Radiology 2" || d.Recorded.AssetTag != "A-1" || d.Recorded.PatientData == nil || !*d.Recorded.PatientData {
		t.Errorf("recorded = %+v", d.Recorded)
	}
	// The register says Windows 10, the network shows Windows 7.
	if len(d.Differences) != 1 || d.Differences[0] != (cordon.Difference{Field: "os", Recorded: "Windows 10", Observed: "Windows 7"}) {
		t.Errorf("differences = %+v", d.Differences)
	}
	// Merge patch: members absent stay, null clears.
	d, _ = recorded(patch(`{"asset_tag": null, "patient_data": null, "room": "3"}`))
	if d.Recorded.Ward != "Radiology 2" || d.Recorded.AssetTag != "" || d.Recorded.PatientData != nil || d.Recorded.Room != "3" {
		t.Errorf("after merge = %+v", d.Recorded)
	}

	// Hostile text is stored as given and comes back JSON-escaped.
	const sqlish = `'; DROP TABLE devices; --`
	const script = `<script>alert(1)</script>`
	body, _ := json.Marshal(map[string]string{"notes": sqlish, "owner": script})
	d, raw := recorded(patch(string(body)))
	if d.Recorded.Notes != sqlish || d.Recorded.Owner != script {
		t.Errorf("stored %q, %q", d.Recorded.Notes, d.Recorded.Owner)
	}
	if strings.Contains(raw, "<script>") || !strings.Contains(raw, `\u003cscript\u003e`) {
		t.Errorf("script not escaped in %s", raw)
	}
	d, _ = recorded(e.do(analyst, req{method: "GET", path: path}))
	if d.Recorded.Notes != sqlish || d.Recorded.Owner != script {
		t.Errorf("read back %q, %q", d.Recorded.Notes, d.Recorded.Owner)
	}

	bad := []struct {
		name, body, ctype string
		status            int
		code, msg         string
	}{
		{"ErrUnknownField", `{"ward": "x", "wardd": "y"}`, "", 400, cordon.EINVALID, `Unknown field "wardd"`},
		{"ErrWrongType", `{"ward": 7}`, "", 400, cordon.EINVALID, `Field "ward" must be a string`},
		{"ErrBoolType", `{"patient_data": "yes"}`, "", 400, cordon.EINVALID, `Field "patient_data" must be true or false`},
		{"ErrBadJSON", `{"ward": `, "", 400, cordon.EINVALID, "cut-off JSON"},
		{"ErrSyntax", `{ward: 1}`, "", 400, cordon.EINVALID, "not valid JSON"},
		{"ErrEmpty", ``, "", 400, cordon.EINVALID, "empty"},
		{"ErrArray", `[]`, "", 400, cordon.EINVALID, "JSON object"},
		{"ErrNull", `null`, "", 400, cordon.EINVALID, "JSON object"},
		{"ErrTrailing", `{"ward": "x"} {}`, "", 400, cordon.EINVALID, "nothing after"},
		{"ErrCriticality", `{"criticality": "extreme"}`, "", 400, cordon.EINVALID, "Criticality must be"},
		{"ErrMAC", `{"mac": "zz:zz"}`, "", 400, cordon.EINVALID, "Invalid MAC"},
		{"ErrContentType", `ward=x`, "application/x-www-form-urlencoded", 415, EUNSUPPORTED, "must be JSON"},
		{"ErrTooLarge", `{"notes": "` + strings.Repeat("x", maxJSONBytes) + `"}`, "", 413, ETOOLARGE, "larger than"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			r := jsonReq("PATCH", path, tt.body)
			if tt.ctype != "" {
				r.ctype = tt.ctype
			}
			wantError(t, e.do(analyst, r), tt.status, tt.code, tt.msg)
		})
	}
	// None of the refused patches changed anything.
	d, _ = recorded(e.do(analyst, req{method: "GET", path: path}))
	if d.Recorded.Ward != "Radiology 2" || d.Recorded.Criticality != "" || d.Recorded.MAC != "" {
		t.Errorf("a refused patch changed the device: %+v", d.Recorded)
	}
	wantError(t, e.do(analyst, jsonReq("PATCH", "/api/v1/devices/999", `{"ward": "x"}`)), 404, cordon.ENOTFOUND, "")
	// merge-patch+json is JSON too.
	r := jsonReq("PATCH", path, `{"room": "4"}`)
	r.ctype = "application/merge-patch+json"
	if d, _ = recorded(e.do(analyst, r)); d.Recorded.Room != "4" {
		t.Errorf("room = %q", d.Recorded.Room)
	}
	// The change is in the audit log, by the token's user.
	var audit struct{ Entries []cordon.AuditEntry }
	decode(t, e.do(analyst, req{method: "GET", path: fmt.Sprintf("/api/v1/audit?object=device:%d", e.device)}), &audit)
	if len(audit.Entries) == 0 || audit.Entries[0].Actor != "analyst1" || audit.Entries[0].Action != "device.update" {
		t.Errorf("audit = %+v", audit.Entries)
	}
}
