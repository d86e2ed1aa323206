package ui

import (
	"bytes"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// mainPages are the pages every role may read.
var mainPages = []string{"/", "/devices", "/devices?q=ct&sort=-hostname", "/devices?medical=yes&category=imaging_modality",
	"/map", "/map?category=infusion_pump", "/captures", "/captures/1", "/audit", "/tokens"}

func TestPagesRenderForEveryRole(t *testing.T) {
	e := newTestEnv(t)
	pages := append(mainPages, e.devicePath(keyCT), e.devicePath(keyHostile))
	for _, user := range []string{"viewer1", "analyst1", "admin1"} {
		for _, p := range pages {
			t.Run(user+p, func(t *testing.T) {
				r := e.get(user, p)
				if r.status != http.StatusOK {
					t.Fatalf("status %d, body:\n%s", r.status, r.body)
				}
				if ct := r.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
					t.Errorf("content type %q", ct)
				}
				for _, want := range []string{`<a class="skip" href="#main">`, `action="/logout"`, `name="csrf" value="` + testCSRF + `"`, user} {
					if !strings.Contains(r.body, want) {
						t.Errorf("page lacks %q", want)
					}
				}
			})
		}
	}
}

func TestAccess(t *testing.T) {
	e := newTestEnv(t)
	ct := e.devicePath(keyCT)
	tests := []struct {
		name, user, method, path string
		want                     int
	}{
		{"AnonymousRedirected", "", "GET", "/devices?q=ct", http.StatusSeeOther},
		{"AnonymousPostRedirected", "", "POST", ct, http.StatusSeeOther},
		{"ViewerReadsAudit", "viewer1", "GET", "/audit", http.StatusOK},
		{"ViewerNoUsers", "viewer1", "GET", "/users", http.StatusForbidden},
		{"AnalystNoUsers", "analyst1", "GET", "/users", http.StatusForbidden},
		{"AdminUsers", "admin1", "GET", "/users", http.StatusOK},
		{"ViewerEditForbidden", "viewer1", "POST", ct, http.StatusForbidden},
		{"ViewerUploadForbidden", "viewer1", "POST", "/captures", http.StatusForbidden},
		{"ViewerCreateUserForbidden", "viewer1", "POST", "/users", http.StatusForbidden},
		{"AnalystUpdateUserForbidden", "analyst1", "POST", "/users/1", http.StatusForbidden},
		{"UnknownDevice", "viewer1", "GET", "/devices/999999", http.StatusNotFound},
		{"MalformedDevice", "viewer1", "GET", "/devices/abc", http.StatusNotFound},
		{"UnknownCapture", "viewer1", "GET", "/captures/77", http.StatusNotFound},
		{"BadSort", "viewer1", "GET", "/devices?sort=evil", http.StatusBadRequest},
		{"ViewerRevokesOthersToken", "viewer1", "POST", "/tokens/1/delete", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r response
			if tt.method == "GET" {
				r = e.get(tt.user, tt.path)
			} else {
				r = e.post(tt.user, tt.path, url.Values{"ward": {"x"}})
			}
			if r.status != tt.want {
				t.Fatalf("status %d, want %d; body:\n%s", r.status, tt.want, r.body)
			}
			switch tt.want {
			case http.StatusSeeOther:
				if loc := r.header.Get("Location"); !strings.HasPrefix(loc, "/login?next=") {
					t.Errorf("redirect to %q", loc)
				}
			case http.StatusForbidden, http.StatusNotFound, http.StatusBadRequest:
				if !strings.Contains(r.body, `class="error-page`) {
					t.Errorf("no friendly error page:\n%s", r.body)
				}
			}
		})
	}
	if loc := e.get("", "/devices?q=ct").header.Get("Location"); loc != "/login?next=%2Fdevices%3Fq%3Dct" {
		t.Errorf("next is %q", loc)
	}
}

func TestViewerSeesNoEditForms(t *testing.T) {
	e := newTestEnv(t)
	for _, p := range []string{e.devicePath(keyCT), "/captures", "/"} {
		viewer, analyst := e.get("viewer1", p).body, e.get("analyst1", p).body
		for _, form := range []string{`action="/devices/`, `action="/captures"`, `/captures#upload`} {
			if strings.Contains(viewer, form) {
				t.Errorf("%s: viewer sees %s", p, form)
			}
		}
		if p == "/captures" && !strings.Contains(analyst, `action="/captures"`) {
			t.Errorf("analyst lacks the upload form")
		}
		if strings.HasPrefix(p, "/devices/") && !strings.Contains(analyst, `method="post" action="`+p+`"`) {
			t.Errorf("analyst lacks the recorded-fields form")
		}
	}
	if strings.Contains(e.get("analyst1", "/").body, `href="/users"`) {
		t.Errorf("analyst sees the users link")
	}
	if !strings.Contains(e.get("admin1", "/").body, `href="/users"`) {
		t.Errorf("admin lacks the users link")
	}
}

// recordedValues returns a full form of recorded fields with some set.
func recordedValues(set map[string]string) url.Values {
	v := url.Values{}
	for _, g := range recordedGroups {
		for _, f := range g.Fields {
			v.Set(f.Name, "")
		}
	}
	for k, x := range set {
		v.Set(k, x)
	}
	return v
}

func TestEditRecordedShowsInAuditLog(t *testing.T) {
	e := newTestEnv(t)
	p := e.devicePath(keyCT)
	r := e.post("analyst1", p, recordedValues(map[string]string{
		"ward": "Radiology 2", "os": "Windows 10", "criticality": "high", "patient_data": "yes", "supplier_access_mode": "on-demand",
	}))
	if r.status != http.StatusSeeOther || r.header.Get("Location") != p+"?saved=1#recorded" {
		t.Fatalf("status %d location %q body:\n%s", r.status, r.header.Get("Location"), r.body)
	}
	page := e.get("viewer1", p+"?saved=1").body
	for _, want := range []string{"Radiology 2", "register says <strong>Windows 10</strong> — network shows <strong>Windows 7</strong>", "The recorded fields were saved"} {
		if !strings.Contains(page, want) {
			t.Errorf("device page lacks %q", want)
		}
	}
	audit := e.get("viewer1", "/audit?object=device:"+strings.TrimPrefix(p, "/devices/")).body
	for _, want := range []string{"analyst1", "device.update", "<strong>Ward</strong>", `<ins class="diff-add">Radiology 2</ins>`, `<strong>Clinical criticality</strong>`} {
		if !strings.Contains(audit, want) {
			t.Errorf("audit page lacks %q:\n%s", want, audit)
		}
	}
	// The dashboard lists the disagreement too.
	if dash := e.get("viewer1", "/").body; !strings.Contains(dash, "where the register and the network disagree") {
		t.Errorf("dashboard lacks the differences")
	}
}

func TestEditRecordedValidation(t *testing.T) {
	e := newTestEnv(t)
	p := e.devicePath(keyPump)
	tests := []struct {
		name, field, value, message string
	}{
		{"BadMAC", "mac", "not-a-mac", "Invalid MAC address"},
		{"BadCriticality", "criticality", "urgent", "Criticality must be"},
		{"BadCategory", "category", "toaster", "Unknown category"},
		{"BadMode", "supplier_access_mode", "sometimes", "Supplier access mode must be"},
		{"LongNotes", "notes", strings.Repeat("n", 5000), "longer than 4096"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.post("analyst1", p, recordedValues(map[string]string{tt.field: tt.value, "ward": "Typed but not saved"}))
			if r.status != http.StatusBadRequest {
				t.Fatalf("status %d", r.status)
			}
			// The message stands next to its field, and what was typed is
			// kept.
			re := regexp.MustCompile(`(?s)id="r-` + tt.field + `".*?<span class="field-error" id="e-` + tt.field + `">[^<]*` + regexp.QuoteMeta(tt.message))
			if !re.MatchString(r.body) {
				t.Errorf("no message %q next to %s", tt.message, tt.field)
			}
			if !strings.Contains(r.body, `value="Typed but not saved"`) {
				t.Errorf("typed ward lost")
			}
		})
	}
	d, err := e.devices.FindDeviceByID(t.Context(), e.ids[keyPump])
	if err != nil {
		t.Fatal(err)
	}
	if d.Recorded.Ward != "" {
		t.Errorf("invalid form saved ward %q", d.Recorded.Ward)
	}
}

func TestHostileTextIsEscaped(t *testing.T) {
	e := newTestEnv(t)
	p := e.devicePath(keyPump)
	if r := e.post("analyst1", p, recordedValues(map[string]string{"notes": hostile, "ward": hostile})); r.status != http.StatusSeeOther {
		t.Fatalf("status %d", r.status)
	}
	for _, path := range []string{p, e.devicePath(keyHostile), "/devices", "/", "/map", "/audit"} {
		body := e.get("viewer1", path).body
		if strings.Contains(body, hostile) {
			t.Errorf("%s: hostile text unescaped", path)
		}
	}
	for _, path := range []string{p, "/audit"} {
		if !strings.Contains(e.get("viewer1", path).body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s: escaped text missing", path)
		}
	}
}

// inlineScript finds a <script> element without a src attribute.
var inlineScript = regexp.MustCompile(`(?i)<script(\s[^>]*)?>`)

func checkNoInline(t *testing.T, name, s string) {
	t.Helper()
	for _, m := range inlineScript.FindAllString(s, -1) {
		if !strings.Contains(strings.ToLower(m), " src=") {
			t.Errorf("%s: inline script %q", name, m)
		}
	}
	low := strings.ToLower(s)
	for _, bad := range []string{"style=", "<style", "javascript:", " onclick=", " onload=", " onsubmit="} {
		if strings.Contains(low, bad) {
			t.Errorf("%s: contains %q", name, bad)
		}
	}
}

func TestNoInlineScriptOrStyle(t *testing.T) {
	err := fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := templateFS.ReadFile(p)
		if err != nil {
			return err
		}
		checkNoInline(t, p, string(b))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	e := newTestEnv(t, envOptions{conversations: true})
	pages := append(mainPages, e.devicePath(keyCT), "/users", "/devices/12345")
	for _, p := range pages {
		checkNoInline(t, p, e.get("admin1", p).body)
	}
}

func TestAssets(t *testing.T) {
	e := newTestEnv(t)
	body := e.get("viewer1", "/").body
	m := regexp.MustCompile(`href="(/assets/[0-9a-f]{12}/cordon\.css)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no hashed stylesheet link")
	}
	tests := []struct {
		name, path, cache string
		status            int
	}{
		{"Hashed", m[1], "public, max-age=31536000, immutable", 200},
		{"StaleHash", "/assets/000000000000/cordon.css", "no-cache", 200},
		{"Unknown", "/assets/000000000000/nope.css", "", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.get("", tt.path)
			if r.status != tt.status {
				t.Fatalf("status %d", r.status)
			}
			if tt.cache != "" && r.header.Get("Cache-Control") != tt.cache {
				t.Errorf("cache %q", r.header.Get("Cache-Control"))
			}
			if tt.status == 200 && !strings.HasPrefix(r.header.Get("Content-Type"), "text/css") {
				t.Errorf("type %q", r.header.Get("Content-Type"))
			}
		})
	}
}

// multipartUpload builds an upload body: the csrf field first, as the page
// sends it, then the file.
func multipartUpload(t *testing.T, name string, data []byte) (*bytes.Buffer, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("csrf", testCSRF)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	return &b, mw.FormDataContentType()
}

func TestUploadCapture(t *testing.T) {
	e := newTestEnv(t)
	data := []byte("\xd4\xc3\xb2\xa1 not really a capture, the worker would say so")
	body, ctype := multipartUpload(t, "theatre-3.pcap", data)
	r := e.do("analyst1", "POST", "/captures", body, ctype)
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/captures/") {
		t.Fatalf("status %d location %q:\n%s", r.status, r.header.Get("Location"), r.body)
	}
	loc := r.header.Get("Location")
	if len(e.queue.ids) != 1 {
		t.Errorf("queued %v", e.queue.ids)
	}
	page := e.get("viewer1", loc).body
	for _, want := range []string{"theatre-3.pcap", `<meta http-equiv="refresh" content="2">`, "Queued"} {
		if !strings.Contains(page, want) {
			t.Errorf("capture page lacks %q", want)
		}
	}
	// The same bytes again are recognised.
	body, ctype = multipartUpload(t, "again.pcap", data)
	r = e.do("analyst1", "POST", "/captures", body, ctype)
	if r.header.Get("Location") != loc+"?duplicate=1" {
		t.Errorf("duplicate went to %q", r.header.Get("Location"))
	}
	if !strings.Contains(e.get("analyst1", loc+"?duplicate=1").body, "uploaded before") {
		t.Errorf("duplicate not explained")
	}
	// Too large, and no file.
	body, ctype = multipartUpload(t, "huge.pcap", bytes.Repeat([]byte{1}, 2<<20))
	if r := e.do("analyst1", "POST", "/captures", body, ctype); r.status != http.StatusBadRequest || !strings.Contains(r.body, "larger than the limit") {
		t.Errorf("oversized: status %d", r.status)
	}
	if r := e.post("analyst1", "/captures", url.Values{}); r.status != http.StatusBadRequest {
		t.Errorf("no file: status %d", r.status)
	}
	// A finished capture's page does not refresh.
	if strings.Contains(e.get("viewer1", "/captures/1").body, `http-equiv="refresh"`) {
		t.Errorf("done capture refreshes")
	}
}

func TestCommunications(t *testing.T) {
	e := newTestEnv(t)
	if !strings.Contains(e.get("viewer1", e.devicePath(keyCT)).body, "Communications are not available yet") {
		t.Errorf("missing store not explained")
	}
	e = newTestEnv(t, envOptions{conversations: true})
	body := e.get("viewer1", e.devicePath(keyCT)).body
	// A peer outside the register shows its address; one in it, its name
	// and a link to its page.
	for _, want := range []string{"10.9.0.5", "dicom (tcp/104)", "contacted by", "WS-RECEPTION", `href="` + e.devicePath(keyPC) + `"`} {
		if !strings.Contains(body, want) {
			t.Errorf("communications lack %q", want)
		}
	}
	m := e.get("viewer1", "/map").body
	if !strings.Contains(m, "<svg") || !strings.Contains(m, "4 devices, 3 connections") {
		t.Errorf("map:\n%s", m)
	}
}

func TestBrokenTemplateFailsAtStart(t *testing.T) {
	if _, err := New(Config{}); err == nil {
		t.Errorf("New accepted an empty config")
	}
}
