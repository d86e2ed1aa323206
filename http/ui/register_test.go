package ui

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/sqlite"
)

// ebmeCSV is a register as an EBME department's CMMS exports it, against
// the test ward: the CT by MAC, the pump by host name, the reception PC by
// IP, the hostile device by the serial recorded for it in
// withRecordedSerial; an ECG the network has never shown; a bad risk class.
const ebmeCSV = `Asset No,Serial Number,Make,Model,MAC Address,Network Name,IP Address,Location,Risk Class,Comments
EQ-1001,SN-CT-77,Siemens Healthineers,SOMATOM go.Up,00-1B-63-84-45-E6,,,Radiology CT1,High,
EQ-1002,SN-PMP-1,BD,Alaris 8015,,ALARIS-WARD7-03.trust.nhs.uk,,Ward 7,Life Sustaining,
EQ-1003,SN-WS-1,Dell,OptiPlex 7010,,,10.1.4.30,Reception,Low,
EQ-1004,SN-ODD-1,Unknown,Unknown,,,,Ward 9,Low,
EQ-1005,SN-ECG-5,GE HealthCare,MAC 5500,00:1a:2b:3c:4d:5e,,,Cardiology,Medium,"=HYPERLINK(""http://evil.example/"")<script>alert(1)</script>"
EQ-1006,SN-X,Philips,IntelliVue MX450,,,,ICU,extreme,
`

// withRecordedSerial records a serial number for the hostile device, as
// someone in EBME might have done by hand.
func (e *testEnv) withRecordedSerial() {
	e.t.Helper()
	ctx := cordon.NewContextWithUser(context.Background(), &cordon.User{Name: "setup"})
	if _, err := e.devices.UpdateRecorded(ctx, e.ids[keyHostile], cordon.Recorded{Serial: "SN-ODD-1"}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *testEnv) uploadRegister(user, name, content string) response {
	e.t.Helper()
	body, ctype := multipartUpload(e.t, name, []byte(content))
	return e.do(user, "POST", "/register/preview", body, ctype)
}

var (
	tokenRE  = regexp.MustCompile(`name="token" value="([0-9a-f]{32})"`)
	selectRE = regexp.MustCompile(`(?s)<select id="col-(\d+)" name="col-\d+">(.*?)</select>`)
	chosenRE = regexp.MustCompile(`<option value="([a-z_]*)" selected>`)
)

// mappingForm reads the preview page as a browser would submit it: the
// token and each select's chosen option.
func mappingForm(t *testing.T, page string) url.Values {
	t.Helper()
	m := tokenRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no token in the page:\n%s", page)
	}
	v := url.Values{"token": {m[1]}, "name": {"ebme export.csv"}}
	for _, s := range selectRE.FindAllStringSubmatch(page, -1) {
		c := chosenRE.FindStringSubmatch(s[2])
		if c == nil {
			t.Fatalf("select col-%s has nothing chosen", s[1])
		}
		v.Set("col-"+s[1], c[1])
	}
	return v
}

func (e *testEnv) auditTotal() int {
	e.t.Helper()
	_, n, err := sqlite.NewAuditService(e.db).FindAuditEntries(context.Background(), cordon.AuditFilter{Limit: 1})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *testEnv) deviceTotal() int {
	e.t.Helper()
	_, n, err := e.devices.FindDevices(context.Background(), cordon.DeviceFilter{Limit: 1})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func TestRegisterPage(t *testing.T) {
	e := newTestEnv(t)
	tests := []struct {
		name, user string
		upload     bool
	}{
		{"Viewer", "viewer1", false},
		{"Analyst", "analyst1", true},
		{"Admin", "admin1", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.get(tt.user, "/register")
			if r.status != http.StatusOK {
				t.Fatalf("status %d", r.status)
			}
			for _, want := range []string{`href="/api/v1/register/export?format=csv"`, `href="/api/v1/register/export?format=json"`,
				`<a href="/register" aria-current="page">Register</a>`} {
				if !strings.Contains(r.body, want) {
					t.Errorf("page lacks %s", want)
				}
			}
			if got := strings.Contains(r.body, `action="/register/preview"`); got != tt.upload {
				t.Errorf("upload form shown: %v, want %v", got, tt.upload)
			}
			checkNoInline(t, "/register", r.body)
		})
	}
}

func TestRegisterImportFlow(t *testing.T) {
	e := newTestEnv(t)
	e.withRecordedSerial()
	audit0, devices0 := e.auditTotal(), e.deviceTotal()

	// Step 1: upload; the mapping is suggested and the file kept.
	r := e.uploadRegister("analyst1", "ebme export.csv", ebmeCSV)
	if r.status != http.StatusOK {
		t.Fatalf("preview: %d\n%s", r.status, r.body)
	}
	checkNoInline(t, "preview", r.body)
	if strings.Contains(r.body, "<script>alert") || !strings.Contains(r.body, "&lt;script&gt;alert(1)") {
		t.Error("a register cell was not escaped in the preview")
	}
	for _, want := range []string{`<label for="col-0">Asset No</label>`, `<label for="col-9">Comments</label>`, "Radiology CT1"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("preview lacks %s", want)
		}
	}
	form := mappingForm(t, r.body)
	want := map[string]string{"col-0": "asset_tag", "col-1": "serial", "col-4": "mac", "col-5": "hostname", "col-6": "ip", "col-7": "ward", "col-8": "criticality", "col-9": "notes"}
	for k, v := range want {
		if form.Get(k) != v {
			t.Errorf("%s preselected %q, want %q", k, form.Get(k), v)
		}
	}
	files, _ := filepath.Glob(filepath.Join(e.importDir(), "*.csv"))
	if len(files) != 1 {
		t.Fatalf("stored uploads %v", files)
	}

	// Step 2: what would happen.
	form.Set("action", "dry-run")
	r = e.post("analyst1", "/register/import", form)
	if r.status != http.StatusOK || !strings.Contains(r.body, "What the import would do") {
		t.Fatalf("dry run: %d\n%s", r.status, r.body)
	}
	for _, want := range []string{"Nothing has changed yet", "would update 4 devices and add 1", `href="/devices/`, "Criticality must be", "Host name", "IP address", "Serial number", "MAC address", `value="apply"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("dry run lacks %q", want)
		}
	}
	if e.auditTotal() != audit0 || e.deviceTotal() != devices0 {
		t.Fatal("the dry run changed the register")
	}

	// Change the mapping: back to the preview with the choices kept.
	form.Set("action", "remap")
	r = e.post("analyst1", "/register/import", form)
	if r.status != http.StatusOK || mappingForm(t, r.body).Get("col-7") != "ward" {
		t.Errorf("remap: %d", r.status)
	}

	// Step 3: apply.
	form.Set("action", "apply")
	r = e.post("analyst1", "/register/import", form)
	if r.status != http.StatusOK || !strings.Contains(r.body, "The register has been imported") || !strings.Contains(r.body, "4 devices updated, 1 added") {
		t.Fatalf("apply: %d\n%s", r.status, r.body)
	}
	if got := e.auditTotal() - audit0; got != 5 {
		t.Errorf("%d audit entries, want 5", got)
	}
	if files, _ := filepath.Glob(filepath.Join(e.importDir(), "*.csv")); len(files) != 0 {
		t.Errorf("upload not deleted after the import: %v", files)
	}
	ct, err := e.devices.FindDeviceByID(context.Background(), e.ids[keyCT])
	if err != nil || ct.Recorded.AssetTag != "EQ-1001" || ct.Recorded.Ward != "Radiology CT1" {
		t.Errorf("CT recorded %+v", ct.Recorded)
	}
	entries, _, _ := sqlite.NewAuditService(e.db).FindAuditEntries(context.Background(), cordon.AuditFilter{Limit: 1})
	if entries[0].Actor != "analyst1" {
		t.Errorf("audited as %q", entries[0].Actor)
	}

	// The same form again: the file is gone.
	if r := e.post("analyst1", "/register/import", form); r.status != http.StatusNotFound || !strings.Contains(r.body, "Upload it again") {
		t.Errorf("second apply: %d", r.status)
	}

	t.Run("ReimportIsIdempotent", func(t *testing.T) {
		n := e.auditTotal()
		form := mappingForm(t, e.uploadRegister("analyst1", "ebme.csv", ebmeCSV).body)
		form.Set("action", "apply")
		r := e.post("analyst1", "/register/import", form)
		if !strings.Contains(r.body, "0 devices updated, 0 added, 5 already in agreement") {
			t.Errorf("re-import:\n%s", r.body)
		}
		if e.auditTotal() != n {
			t.Errorf("re-import wrote %d audit entries", e.auditTotal()-n)
		}
	})

	t.Run("IngestAdoptsRegisterOnly", func(t *testing.T) {
		n := e.deviceTotal()
		ecg := &cordon.Device{MAC: mustMAC("00:1a:2b:3c:4d:5e"), IPs: []string{"10.1.7.5"}, Category: cordon.CategoryPatientMonitor,
			Medical: true, FirstSeen: testNow.Add(-time.Hour), LastSeen: testNow}
		e.ingest([]*cordon.Device{ecg})
		if e.deviceTotal() != n {
			t.Errorf("%d devices after ingest, want %d: the record must be adopted", e.deviceTotal(), n)
		}
		d, err := e.devices.FindDeviceByID(context.Background(), e.ids["mac:00:1a:2b:3c:4d:5e"])
		if err != nil || d.Observed == nil || d.Recorded.AssetTag != "EQ-1005" {
			t.Errorf("adopted device %+v, err %v", d, err)
		}
	})
}

func TestRegisterImportRefusals(t *testing.T) {
	e := newTestEnv(t)
	upload := func() url.Values {
		r := e.uploadRegister("analyst1", "ebme.csv", ebmeCSV)
		if r.status != http.StatusOK {
			t.Fatalf("preview: %d", r.status)
		}
		return mappingForm(t, r.body)
	}
	with := func(v url.Values, k, val string) url.Values {
		c := url.Values{}
		for key, vs := range v {
			c[key] = append([]string(nil), vs...)
		}
		c.Set(k, val)
		return c
	}
	form := upload()
	expired := upload()
	path, err := e.h(t).uploadPath(&cordon.User{ID: userID(t, e, "analyst1")}, expired.Get("token"))
	if err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, user string
		form       url.Values
		status     int
		want       string
	}{
		{"ViewerForbidden", "viewer1", form, http.StatusForbidden, "may not"},
		{"OtherUsersToken", "admin1", form, http.StatusNotFound, "Upload it again"},
		{"PathInToken", "analyst1", with(form, "token", "../../../etc/passwd"), http.StatusNotFound, "Upload it again"},
		{"NoToken", "analyst1", url.Values{"action": {"dry-run"}}, http.StatusNotFound, "Upload it again"},
		{"Expired", "analyst1", expired, http.StatusNotFound, "expired"},
		{"TwoColumnsOneField", "analyst1", with(form, "col-8", "ward"), http.StatusBadRequest, "both map to ward"},
		{"UnknownField", "analyst1", with(form, "col-8", "password"), http.StatusBadRequest, "unknown field"},
		{"UnknownAction", "analyst1", with(form, "action", "drop"), http.StatusBadRequest, "Unknown action"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.post(tt.user, "/register/import", tt.form)
			if r.status != tt.status || !strings.Contains(r.body, tt.want) {
				t.Errorf("status %d, want %d with %q:\n%s", r.status, tt.status, tt.want, r.body)
			}
		})
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("expired upload not deleted")
	}
	// The refused mapping shows the preview again, with the message.
	r := e.post("analyst1", "/register/import", with(form, "col-8", "ward"))
	if !strings.Contains(r.body, `role="alert"`) || !strings.Contains(r.body, `<select id="col-0"`) {
		t.Errorf("refused mapping page:\n%s", r.body)
	}
}

func TestRegisterUploadRefusals(t *testing.T) {
	e := newTestEnv(t)
	tests := []struct {
		name, user, file, content string
		status                    int
		want                      string
	}{
		{"ViewerForbidden", "viewer1", "r.csv", ebmeCSV, http.StatusForbidden, "may not"},
		{"Binary", "analyst1", "register.xlsx", "PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", http.StatusBadRequest, "not a CSV text file"},
		{"Empty", "analyst1", "r.csv", "", http.StatusBadRequest, "empty"},
		{"NoFileChosen", "analyst1", "", "", http.StatusBadRequest, "Choose a register file"},
		{"TooLarge", "analyst1", "big.csv", strings.Repeat("x", maxRegisterBytes+1), http.StatusBadRequest, "larger than the limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.uploadRegister(tt.user, tt.file, tt.content)
			if r.status != tt.status || !strings.Contains(r.body, tt.want) {
				t.Errorf("status %d, want %d with %q:\n%s", r.status, tt.status, tt.want, r.body)
			}
		})
	}
	if files, _ := filepath.Glob(filepath.Join(e.importDir(), "*")); len(files) != 0 {
		t.Errorf("refused uploads left behind: %v", files)
	}
}

// TestRegisterHostileRows imports 10,000 rows of formulas, markup and SQL:
// the report page escapes them and the register stores them as text.
func TestRegisterHostileRows(t *testing.T) {
	e := newTestEnv(t)
	var b strings.Builder
	b.WriteString("Asset No,Make,Location,Comments\n")
	for i := range 10_000 {
		fmt.Fprintf(&b, "EQ-%05d,@SUM(1+1)*cmd|' /C calc'!A0,\"'); DROP TABLE devices; --\",<script>alert(%d)</script>\n", i, i)
	}
	r := e.uploadRegister("analyst1", "hostile.csv", b.String())
	if r.status != http.StatusOK || strings.Contains(r.body, "<script>alert") {
		t.Fatalf("preview: %d", r.status)
	}
	form := mappingForm(t, r.body)
	form.Set("action", "dry-run")
	r = e.post("analyst1", "/register/import", form)
	if r.status != http.StatusOK || !strings.Contains(r.body, "add 10,000") || !strings.Contains(r.body, "And 9,800 more") {
		t.Fatalf("dry run: %d\n%.3000s", r.status, r.body)
	}
	checkNoInline(t, "report", r.body)
	if e.deviceTotal() != 4 {
		t.Errorf("the dry run added devices")
	}
}

// h returns the handler behind the test server, for its upload paths.
func (e *testEnv) h(t *testing.T) *Handler {
	t.Helper()
	h, err := New(Config{Devices: e.devices, Captures: e.captures, Users: e.users, Audit: sqlite.NewAuditService(e.db),
		Queue: e.queue, CaptureDir: e.captureDir(), CSRFToken: func(*http.Request) string { return testCSRF }})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func userID(t *testing.T, e *testEnv, name string) int64 {
	t.Helper()
	u, err := e.users.FindUserByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// captureDir is the test server's capture directory, which newTestEnv puts
// beside the database.
func (e *testEnv) captureDir() string { return filepath.Join(filepath.Dir(e.db.Path), "captures") }

// importDir is where the test server keeps uploaded registers.
func (e *testEnv) importDir() string { return filepath.Join(e.captureDir(), "register-imports") }
