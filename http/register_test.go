package http

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/reconcile"
	"github.com/cordonsec/cordon/storetest"
)

// ebmeRegister is a register as an EBME department's CMMS exports it. Its
// rows match the environment's CT scanner by MAC and the devices
// addRegisterDevices adds by serial, host name and IP; one row the network
// has never shown, and one carries a formula and markup.
const ebmeRegister = `Asset No,Serial Number,Make,Model,MAC Address,Network Name,IP Address,Location,Risk Class,Comments
EQ-1001,SN-CT-77,Siemens Healthineers,SOMATOM go.Up,00-09-FB-01-02-03,,,Radiology CT1,High,
EQ-1002,SN-PMP-1,BD,Alaris 8015,,ALARIS-WARD7-03.trust.nhs.uk,,Ward 7,Life Sustaining,
EQ-1003,SN-MON-40,Philips,IntelliVue MX450,,,10.1.5.40,ICU bed 4,High,
EQ-1004,SN-VENT-9,Draeger,Evita V500,,,,ICU bed 9,Life Sustaining,
EQ-1005,SN-ECG-5,GE HealthCare,MAC 5500,00:1a:2b:3c:4d:5e,,,Cardiology,Medium,"=HYPERLINK(""http://evil.example/"")<script>alert(1)</script>"
EQ-1006,SN-X,Philips,IntelliVue MX450,,,,ICU,extreme,
`

// registerReq builds a multipart request to path whose parts are given in
// order as name, value pairs; "file" is sent as a file.
func registerReq(path string, parts ...string) req {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for i := 0; i+1 < len(parts); i += 2 {
		var w io.Writer
		var err error
		if parts[i] == "file" {
			w, err = mw.CreateFormFile("file", "ebme-export.csv")
		} else {
			w, err = mw.CreateFormField(parts[i])
		}
		if err != nil {
			panic(err)
		}
		io.WriteString(w, parts[i+1])
	}
	mw.Close()
	return req{method: "POST", path: path, body: &buf, ctype: mw.FormDataContentType()}
}

// addRegisterDevices adds a pump (matched by host name), a monitor (by IP),
// a ventilator whose serial was recorded before (by serial) and a
// workstation the register lacks.
func (e *env) addRegisterDevices() {
	e.t.Helper()
	e.addDevice(storetest.NewDevice("00:09:fb:12:34:56", "10.1.3.20", cordon.CategoryInfusionPump, storetest.WithHost("alaris-ward7-03")))
	e.addDevice(storetest.NewDevice("00:80:f4:00:00:40", "10.1.5.40", cordon.CategoryPatientMonitor))
	vent := e.addDevice(storetest.NewDevice("00:1e:c0:00:00:09", "10.1.6.9", cordon.CategoryPatientMonitor))
	e.addDevice(storetest.NewDevice("f8:bc:12:aa:bb:cc", "10.1.4.30", cordon.CategoryWorkstation, storetest.WithHost("WS-RECEPTION")))
	ctx := cordon.NewContextWithUser(context.Background(), &cordon.User{Name: "test-setup"})
	_, err := e.s.DeviceService.UpdateRecorded(ctx, vent, cordon.Recorded{Serial: "SN-VENT-9"})
	must(e.t, err)
}

// auditTotal is the number of audit entries.
func (e *env) auditTotal() int {
	e.t.Helper()
	var l struct{ Total int }
	decode(e.t, e.do(e.bearer(cordon.RoleViewer), req{method: "GET", path: "/api/v1/audit?limit=1"}), &l)
	return l.Total
}

func (e *env) deviceCount() int {
	e.t.Helper()
	var l struct{ Total int }
	decode(e.t, e.do(e.bearer(cordon.RoleViewer), req{method: "GET", path: "/api/v1/devices?limit=1"}), &l)
	return l.Total
}

func TestRegisterPreview(t *testing.T) {
	e := MustOpenEnv(t, nil)
	var b strings.Builder
	b.WriteString(ebmeRegister)
	for i := range 20 {
		fmt.Fprintf(&b, "EQ-2%03d,,,,,,,Store,Low,\n", i)
	}
	resp := e.do(e.bearer(cordon.RoleAnalyst), registerReq("/api/v1/register/preview", "file", b.String()))
	var p RegisterPreview
	decode(t, resp, &p)
	if resp.StatusCode != 200 || len(p.Headers) != 10 || len(p.Rows) != 10 || len(p.Fields) != len(reconcile.Fields) {
		t.Fatalf("%d: %d headers, %d rows, %d fields", resp.StatusCode, len(p.Headers), len(p.Rows), len(p.Fields))
	}
	want := map[string]string{"Asset No": "asset_tag", "Serial Number": "serial", "Make": "manufacturer", "Model": "model",
		"MAC Address": "mac", "Network Name": "hostname", "IP Address": "ip", "Location": "ward", "Risk Class": "criticality", "Comments": "notes"}
	for h, f := range want {
		if p.Suggested[h] != f {
			t.Errorf("suggested %q → %q, want %q", h, p.Suggested[h], f)
		}
	}
	if p.Rows[4][9] != `=HYPERLINK("http://evil.example/")<script>alert(1)</script>` {
		t.Errorf("preview cell %q", p.Rows[4][9])
	}
}

func TestRegisterImport(t *testing.T) {
	e := MustOpenEnv(t, nil)
	e.addRegisterDevices()
	analyst := e.bearer(cordon.RoleAnalyst)
	mapping := `{"Asset No": "asset_tag", "Serial Number": "serial", "Make": "manufacturer", "Model": "model",
		"MAC Address": "mac", "Network Name": "hostname", "IP Address": "ip", "Location": "ward", "Risk Class": "criticality", "Comments": "notes"}`
	importReq := func(dryRun string) req {
		return registerReq("/api/v1/register/import", "mapping", mapping, "dry_run", dryRun, "file", ebmeRegister)
	}
	audit0, devices0 := e.auditTotal(), e.deviceCount()

	var rep reconcile.Report
	resp := e.do(analyst, importReq("true"))
	decode(t, resp, &rep)
	want := reconcile.Counts{Rows: 6, Matched: 4, Changed: 4, RegisterOnly: 1, NetworkOnly: 1, Errors: 1}
	if resp.StatusCode != 200 || rep.Counts != want || !rep.DryRun {
		t.Fatalf("dry run: %d %+v, want %+v", resp.StatusCode, rep.Counts, want)
	}
	by := map[string]string{}
	for _, m := range rep.Matched {
		by[m.AssetTag] = m.By
	}
	if by["EQ-1001"] != "mac" || by["EQ-1002"] != "hostname" || by["EQ-1003"] != "ip" || by["EQ-1004"] != "serial" {
		t.Errorf("matched by %v", by)
	}
	if rep.Errors[0].Line != 7 || !strings.Contains(rep.Errors[0].Message, "Criticality") {
		t.Errorf("errors %+v", rep.Errors)
	}
	if e.auditTotal() != audit0 || e.deviceCount() != devices0 {
		t.Fatal("the dry run changed the register")
	}

	resp = e.do(analyst, importReq("false"))
	rep = reconcile.Report{}
	decode(t, resp, &rep)
	if rep.Counts.Changed != 4 || rep.Counts.Created != 1 || rep.DryRun {
		t.Fatalf("import: %+v", rep.Counts)
	}
	if got := e.auditTotal() - audit0; got != 5 {
		t.Errorf("%d audit entries, want 5", got)
	}
	var entries struct{ Entries []cordon.AuditEntry }
	decode(t, e.do(analyst, req{method: "GET", path: "/api/v1/audit?limit=1"}), &entries)
	if entries.Entries[0].Actor != "analyst1" {
		t.Errorf("audited as %q", entries.Entries[0].Actor)
	}
	var ct Device
	decode(t, e.do(analyst, req{method: "GET", path: fmt.Sprint("/api/v1/devices/", e.device)}), &ct)
	if ct.Recorded.AssetTag != "EQ-1001" || ct.Recorded.Ward != "Radiology CT1" || ct.Recorded.Criticality != "high" {
		t.Errorf("CT recorded %+v", ct.Recorded)
	}

	t.Run("ReimportIsIdempotent", func(t *testing.T) {
		n := e.auditTotal()
		rep := reconcile.Report{}
		decode(t, e.do(analyst, importReq("false")), &rep)
		if rep.Counts.Matched != 5 || rep.Counts.Unchanged != 5 || rep.Counts.Created != 0 {
			t.Errorf("re-import: %+v", rep.Counts)
		}
		if e.auditTotal() != n {
			t.Errorf("re-import wrote %d audit entries", e.auditTotal()-n)
		}
	})

	t.Run("IngestAdoptsRegisterOnly", func(t *testing.T) {
		n := e.deviceCount()
		id := e.addDevice(storetest.NewDevice("00:1a:2b:3c:4d:5e", "10.1.7.5", cordon.CategoryPatientMonitor))
		if e.deviceCount() != n {
			t.Errorf("ingest made a second device instead of adopting the record")
		}
		var d Device
		decode(t, e.do(analyst, req{method: "GET", path: fmt.Sprint("/api/v1/devices/", id)}), &d)
		if d.Key != "mac:00:1a:2b:3c:4d:5e" || d.Observed == nil || d.Recorded.AssetTag != "EQ-1005" {
			t.Errorf("adopted device %s %+v", d.Key, d.Recorded)
		}
	})

	t.Run("SuggestedMappingByDefault", func(t *testing.T) {
		rep := reconcile.Report{}
		decode(t, e.do(analyst, registerReq("/api/v1/register/import", "dry_run", "true", "file", ebmeRegister)), &rep)
		if rep.Counts.Matched != 5 || rep.Counts.Unchanged != 5 {
			t.Errorf("suggested mapping: %+v", rep.Counts)
		}
	})
}

func TestRegisterImportErrors(t *testing.T) {
	e := MustOpenEnv(t, nil)
	analyst := e.bearer(cordon.RoleAnalyst)
	imp := func(parts ...string) req { return registerReq("/api/v1/register/import", parts...) }
	tests := []struct {
		name   string
		req    req
		status int
		code   string
		msg    string
	}{
		{"NotMultipart", jsonReq("POST", "/api/v1/register/import", `{}`), 415, EUNSUPPORTED, "multipart"},
		{"NoFile", imp("dry_run", "true"), 400, cordon.EINVALID, "no register"},
		{"EmptyFile", imp("file", ""), 400, cordon.EINVALID, "empty"},
		{"BinaryFile", imp("file", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 400, cordon.EINVALID, "binary data at line 3, column 1"},
		{"Xlsx", imp("file", "PK\x03\x04\x14\x00\x06\x00"), 400, cordon.EINVALID, "not a CSV text file"},
		{"BadMappingJSON", imp("mapping", `{"Asset No": `, "file", ebmeRegister), 400, cordon.EINVALID, "JSON object"},
		{"MappingUnknownColumn", imp("mapping", `{"Asset": "asset_tag"}`, "file", ebmeRegister), 400, cordon.EINVALID, `column "Asset"`},
		{"MappingUnknownField", imp("mapping", `{"Asset No": "password"}`, "file", ebmeRegister), 400, cordon.EINVALID, "unknown field"},
		{"BadDryRun", imp("dry_run", "maybe", "file", ebmeRegister), 400, cordon.EINVALID, "dry_run"},
		{"UnknownPart", imp("comment", "x", "file", ebmeRegister), 400, cordon.EINVALID, "Unexpected multipart field"},
		{"TooLarge", imp("file", strings.Repeat("EQ-1,Ward 7\n", MaxRegisterBytes/12+1)), 413, ETOOLARGE, "larger than"},
		{"PreviewBinary", registerReq("/api/v1/register/preview", "file", "\xd4\xc3\xb2\xa1\x02\x00\x04\x00"), 400, cordon.EINVALID, "line 1, column 6"},
		{"ExportBadFormat", req{method: "GET", path: "/api/v1/register/export?format=xml"}, 400, cordon.EINVALID, "csv or json"},
		{"ExportUnknownParam", req{method: "GET", path: "/api/v1/register/export?fmt=csv"}, 400, cordon.EINVALID, "Unknown query parameter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, e.do(analyst, tt.req), tt.status, tt.code, tt.msg)
		})
	}
}

// TestRegisterHostile imports a register made to hurt: formulas, markup,
// SQL and 10,000 rows. Everything is stored as text, exported inert, and
// the store is unharmed.
func TestRegisterHostile(t *testing.T) {
	e := MustOpenEnv(t, nil)
	analyst := e.bearer(cordon.RoleAnalyst)
	var b strings.Builder
	b.WriteString("Asset No,Make,Location,Comments\n")
	for i := range 10_000 {
		fmt.Fprintf(&b, "EQ-%05d,@SUM(1+1)*cmd|' /C calc'!A0,\"'); DROP TABLE devices; --\",<script>alert(%d)</script>\n", i, i)
	}
	mapping := `{"Asset No": "asset_tag", "Make": "manufacturer", "Location": "ward", "Comments": "notes"}`
	var rep reconcile.Report
	resp := e.do(analyst, registerReq("/api/v1/register/import", "mapping", mapping, "dry_run", "true", "file", b.String()))
	decode(t, resp, &rep)
	if resp.StatusCode != 200 || rep.Counts.Rows != 10_000 || rep.Counts.RegisterOnly != 10_000 {
		t.Fatalf("%d %+v", resp.StatusCode, rep.Counts)
	}

	// Apply a few of them and export.
	few := strings.Join(strings.SplitN(b.String(), "\n", 4)[:3], "\n") + "\n"
	resp = e.do(analyst, registerReq("/api/v1/register/import", "mapping", mapping, "file", few))
	rep = reconcile.Report{}
	decode(t, resp, &rep)
	if rep.Counts.Created != 2 {
		t.Fatalf("created %+v", rep.Counts)
	}
	resp = e.do(e.bearer(cordon.RoleViewer), req{method: "GET", path: "/api/v1/register/export?format=csv"})
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d %v", resp.StatusCode, resp.Header)
	}
	recs, err := csv.NewReader(resp.Body).ReadAll()
	must(t, err)
	if len(recs) != 4 {
		t.Fatalf("%d records, want a header and 3 devices", len(recs))
	}
	for _, r := range recs[1:] {
		for _, c := range r {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Errorf("formula cell %q", c)
			}
		}
	}
	resp = e.do(e.bearer(cordon.RoleViewer), req{method: "GET", path: "/api/v1/register/export?format=json"})
	body, _ := io.ReadAll(resp.Body)
	var entries []reconcile.Entry
	if err := json.Unmarshal(body, &entries); err != nil || len(entries) != 3 {
		t.Fatalf("json export: %v, %d entries", err, len(entries))
	}
	if bytes.Contains(body, []byte("<script>")) {
		t.Error("markup not escaped in the JSON export")
	}
	if entries[1].Recorded.Ward != "'); DROP TABLE devices; --" && entries[2].Recorded.Ward != "'); DROP TABLE devices; --" {
		t.Errorf("SQL-looking text not stored as text: %+v", entries)
	}
}

func TestRegisterWithSession(t *testing.T) {
	e := MustOpenEnv(t, nil)
	viewer, analyst := e.login("viewer1"), e.login("analyst1")
	noToken := analyst
	noToken.csrf = ""
	tests := []struct {
		name string
		who  as
		req  req
		want int
	}{
		{"ViewerExports", viewer, req{method: "GET", path: "/api/v1/register/export"}, 200},
		{"ViewerCannotImport", viewer, registerReq("/api/v1/register/import", "dry_run", "true", "file", ebmeRegister), 403},
		{"ViewerCannotPreview", viewer, registerReq("/api/v1/register/preview", "file", ebmeRegister), 403},
		{"AnalystNoCSRF", noToken, registerReq("/api/v1/register/import", "file", ebmeRegister), 403},
		{"AnalystCSRFPart", noToken, registerReq("/api/v1/register/import", "csrf", analyst.csrf, "dry_run", "true", "file", ebmeRegister), 200},
		{"AnalystCSRFHeader", analyst, registerReq("/api/v1/register/preview", "file", ebmeRegister), 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if resp := e.do(tt.who, tt.req); resp.StatusCode != tt.want {
				b, _ := io.ReadAll(resp.Body)
				t.Errorf("status %d, want %d: %s", resp.StatusCode, tt.want, b)
			}
		})
	}
	if resp := e.do(viewer, req{method: "GET", path: "/api/v1/register/export?format=json"}); resp.StatusCode != http.StatusOK {
		t.Errorf("viewer JSON export: %d", resp.StatusCode)
	}
}
