package http

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/sqlite"
)

// kevCatalog is a two-entry excerpt of CISA's KEV catalogue (cisagov/
// kev-data, known_exploited_vulnerabilities.json, catalogVersion
// 2025.08.25): EternalBlue and BlueKeep as listed there, with count
// adjusted to the excerpt.
const kevCatalog = `{
    "title": "CISA Catalog of Known Exploited Vulnerabilities",
    "catalogVersion": "2025.08.25",
    "dateReleased": "2025-08-25T17:04:19.9796Z",
    "count": 2,
    "vulnerabilities": [
        {"cveID": "CVE-2017-0144", "vendorProject": "Microsoft", "product": "SMBv1", "vulnerabilityName": "Microsoft SMBv1 Remote Code Execution Vulnerability", "dateAdded": "2022-02-10", "shortDescription": "The SMBv1 server in multiple Microsoft Windows versions allows remote attackers to execute arbitrary code via crafted packets.", "requiredAction": "Apply updates per vendor instructions.", "dueDate": "2022-08-10", "knownRansomwareCampaignUse": "Known", "notes": "https://nvd.nist.gov/vuln/detail/CVE-2017-0144", "cwes": ["CWE-20"]},
        {"cveID": "CVE-2019-0708", "vendorProject": "Microsoft", "product": "Remote Desktop Services", "vulnerabilityName": "Microsoft Remote Desktop Services Remote Code Execution Vulnerability", "dateAdded": "2021-11-03", "shortDescription": "Microsoft Remote Desktop Services, formerly known as Terminal Service, contains an unspecified vulnerability that allows an unauthenticated attacker to connect to the target system using RDP and send specially crafted requests. Successful exploitation allows for remote code execution. The vulnerability is also known under the moniker of BlueKeep.", "requiredAction": "Apply updates per vendor instructions.", "dueDate": "2022-05-03", "knownRansomwareCampaignUse": "Known", "notes": "https://nvd.nist.gov/vuln/detail/CVE-2019-0708", "cwes": ["CWE-416"]}
    ]
}
`

// feedReq uploads a feed file as the raw body.
func feedReq(name, body string) req {
	return req{method: "POST", path: "/api/v1/feeds?name=" + name, body: strings.NewReader(body), ctype: "application/json"}
}

// feedMultipart uploads a feed file as multipart parts given as name,
// value pairs; "file" is sent as a file named fileName.
func feedMultipart(fileName string, parts ...string) req {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for i := 0; i+1 < len(parts); i += 2 {
		var w io.Writer
		var err error
		if parts[i] == "file" {
			w, err = mw.CreateFormFile("file", fileName)
		} else {
			w, err = mw.CreateFormField(parts[i])
		}
		if err != nil {
			panic(err)
		}
		io.WriteString(w, parts[i+1])
	}
	mw.Close()
	return req{method: "POST", path: "/api/v1/feeds", body: &buf, ctype: mw.FormDataContentType()}
}

func TestFeedUpload(t *testing.T) {
	e, fx := mustOpenIntelEnv(t, nil)
	admin := e.bearer(cordon.RoleAdmin)

	t.Run("KEV", func(t *testing.T) {
		resp := e.do(admin, feedReq("known_exploited_vulnerabilities.json", kevCatalog))
		var up FeedUpload
		decode(t, resp, &up)
		if resp.StatusCode != http.StatusCreated || up.Unchanged || !up.Assessed || up.Import == nil {
			t.Fatalf("%d %+v", resp.StatusCode, up)
		}
		if up.Import.Source != cordon.FeedKEV || up.Import.Records != 2 || up.Import.Changed != 2 ||
			up.Import.By != "admin1" || up.Import.Name != "known_exploited_vulnerabilities.json" || len(up.Import.SHA256) != 64 {
			t.Errorf("import %+v", up.Import)
		}
		fx.mu.Lock()
		k := fx.kev["CVE-2019-0708"]
		fx.mu.Unlock()
		if k.Product != "Remote Desktop Services" || !k.Ransomware || k.DueDate.Format("2006-01-02") != "2022-05-03" {
			t.Errorf("KEV entry stored: %+v", k)
		}
		if calls := fx.assessCalls(); len(calls) != 1 || calls[0] != nil {
			t.Errorf("assess calls %v, want one of every device (nil)", calls)
		}
	})
	t.Run("SameAgainUnchanged", func(t *testing.T) {
		resp := e.do(admin, feedMultipart("kev.json", "file", kevCatalog))
		var up FeedUpload
		decode(t, resp, &up)
		if resp.StatusCode != http.StatusOK || !up.Unchanged || up.Assessed || up.Import == nil || up.Import.ID != 1 {
			t.Fatalf("%d %+v", resp.StatusCode, up)
		}
		if calls := fx.assessCalls(); len(calls) != 1 {
			t.Errorf("reassessed after an unchanged import: %v", calls)
		}
	})
	t.Run("Multipart", func(t *testing.T) {
		next := strings.Replace(kevCatalog, `"2025.08.25"`, `"2025.08.26"`, 1)
		resp := e.do(admin, feedMultipart(`C:\feeds\known_exploited_vulnerabilities.json`, "file", next))
		var up FeedUpload
		decode(t, resp, &up)
		if resp.StatusCode != http.StatusCreated || up.Import.ID != 2 || up.Import.Name != "known_exploited_vulnerabilities.json" {
			t.Fatalf("%d %+v", resp.StatusCode, up.Import)
		}
	})
	t.Run("Overview", func(t *testing.T) {
		resp := e.do(e.bearer(cordon.RoleViewer), req{method: "GET", path: "/api/v1/feeds"})
		var ov FeedOverview
		decode(t, resp, &ov)
		if len(ov.Feeds) != len(cordon.FeedSources) || len(ov.Imports) != 2 || ov.Imports[0].ID != 2 {
			t.Fatalf("%d %+v", resp.StatusCode, ov)
		}
		for _, f := range ov.Feeds {
			if f.Source == cordon.FeedKEV && (f.Records != 2 || f.LastImport == nil || f.LastImport.ID != 2) {
				t.Errorf("kev status %+v", f)
			}
		}
	})
	if left, _ := filepath.Glob(filepath.Join(e.s.CaptureDir, ".feed-*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestFeedUploadErrors(t *testing.T) {
	e, fx := mustOpenIntelEnv(t, func(s *Server) { s.MaxUploadBytes = 4096 })
	admin := e.bearer(cordon.RoleAdmin)
	big := strings.Repeat(" ", 5000) + kevCatalog
	tests := []struct {
		name   string
		who    as
		req    req
		status int
		code   string
		msg    string
	}{
		{"Viewer", e.bearer(cordon.RoleViewer), feedReq("kev.json", kevCatalog), 403, cordon.EFORBIDDEN, "admin role"},
		{"Analyst", e.bearer(cordon.RoleAnalyst), feedReq("kev.json", kevCatalog), 403, cordon.EFORBIDDEN, "admin role"},
		{"TooLargeRaw", admin, feedReq("kev.json", big), 413, ETOOLARGE, "4096 bytes"},
		{"TooLargeMultipart", admin, feedMultipart("kev.json", "file", big), 413, ETOOLARGE, "4096 bytes"},
		{"NoName", admin, req{method: "POST", path: "/api/v1/feeds", body: strings.NewReader(kevCatalog), ctype: "application/json"}, 400, cordon.EINVALID, "name"},
		{"Empty", admin, feedReq("kev.json", ""), 400, cordon.EINVALID, "empty"},
		{"Form", admin, formReq("/api/v1/feeds?name=kev.json", nil), 415, EUNSUPPORTED, "multipart"},
		{"NoFilePart", admin, feedMultipart("kev.json", "other", "x"), 400, cordon.EINVALID, `"other"`},
		{"NoParts", admin, feedMultipart("kev.json"), 400, cordon.EINVALID, "no feed file"},
		{"UnknownParam", admin, req{method: "POST", path: "/api/v1/feeds?source=kev", body: strings.NewReader(kevCatalog)}, 400, cordon.EINVALID, `"source"`},
		{"NotAFeed", admin, feedReq("notes.txt", "hello"), 400, cordon.EINVALID, "notes.txt"},
		{"BadKEV", admin, feedReq("kev.json", strings.Replace(kevCatalog, `"count": 2`, `"count": 3`, 1)), 400, cordon.EINVALID, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, e.do(tt.who, tt.req), tt.status, tt.code, tt.msg)
		})
	}
	fx.mu.Lock()
	defer fx.mu.Unlock()
	if len(fx.imports) != 0 || len(fx.kev) != 0 || len(fx.assessed) != 0 {
		t.Errorf("a refused upload changed the store: %d imports, %d KEV entries, %d assessments", len(fx.imports), len(fx.kev), len(fx.assessed))
	}
	if left, _ := filepath.Glob(filepath.Join(e.s.CaptureDir, ".feed-*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestFeedUploadSession checks that a browser's upload needs the CSRF
// token, first in the form as for captures.
func TestFeedUploadSession(t *testing.T) {
	e, _ := mustOpenIntelEnv(t, nil)
	s := e.login("admin1")
	noToken := s
	noToken.csrf = ""
	if resp := e.do(noToken, feedMultipart("kev.json", "file", kevCatalog)); resp.StatusCode != http.StatusForbidden {
		t.Errorf("without token: %d", resp.StatusCode)
	}
	if resp := e.do(noToken, feedMultipart("kev.json", "csrf", s.csrf, "file", kevCatalog)); resp.StatusCode != http.StatusCreated {
		t.Errorf("with token part: %d", resp.StatusCode)
	}
}

// TestFeedUploadAssessFails: the import is kept and reported, with
// assessed=false, and the failure is logged.
func TestFeedUploadAssessFails(t *testing.T) {
	e, fx := mustOpenIntelEnv(t, nil)
	fx.mu.Lock()
	fx.assessErr = fmt.Errorf("match: out of memory")
	fx.mu.Unlock()
	resp := e.do(e.bearer(cordon.RoleAdmin), feedReq("kev.json", kevCatalog))
	var up FeedUpload
	decode(t, resp, &up)
	if resp.StatusCode != http.StatusCreated || up.Assessed || up.Import == nil {
		t.Fatalf("%d %+v", resp.StatusCode, up)
	}
	if !strings.Contains(e.logText(), "match: out of memory") {
		t.Error("assessment failure not logged")
	}
}

func TestVulnerabilityView(t *testing.T) {
	e, _ := mustOpenIntelEnv(t, nil)
	viewer := e.bearer(cordon.RoleViewer)
	resp := e.do(viewer, req{method: "GET", path: "/api/v1/vulnerabilities/cve-2017-0144"})
	var v VulnerabilityDetail
	decode(t, resp, &v)
	if resp.StatusCode != 200 || v.Vulnerability == nil || v.ID != "CVE-2017-0144" || v.KEV == nil || v.EPSS == nil || len(v.EPSSHistory) != 2 {
		t.Fatalf("%d %+v", resp.StatusCode, v)
	}
	if v.EPSSHistory[0].Date.After(v.EPSSHistory[1].Date) {
		t.Errorf("history not oldest first: %+v", v.EPSSHistory)
	}
	resp = e.do(viewer, req{method: "GET", path: "/api/v1/vulnerabilities/CVE-2019-0708"})
	var raw map[string]any
	decode(t, resp, &raw)
	if h, ok := raw["epss_history"].([]any); !ok || len(h) != 0 {
		t.Errorf("no history should be [], got %v", raw["epss_history"])
	}
	wantError(t, e.do(viewer, req{method: "GET", path: "/api/v1/vulnerabilities/CVE-2099-99999"}), 404, cordon.ENOTFOUND, "CVE-2099-99999")
	wantError(t, e.do(viewer, req{method: "GET", path: "/api/v1/vulnerabilities/MS17-010"}), 400, cordon.EINVALID, "MS17-010")
}

func TestAdvisories(t *testing.T) {
	e, _ := mustOpenIntelEnv(t, nil)
	viewer := e.bearer(cordon.RoleViewer)
	var l struct {
		Advisories []cordon.Advisory `json:"advisories"`
		Total      int               `json:"total"`
	}
	decode(t, e.do(viewer, req{method: "GET", path: "/api/v1/advisories?limit=1"}), &l)
	if l.Total != 2 || len(l.Advisories) != 1 || l.Advisories[0].ID != "ICSMA-17-009-01A" {
		t.Errorf("page: %+v", l)
	}
	decode(t, e.do(viewer, req{method: "GET", path: "/api/v1/advisories?offset=5"}), &l)
	if l.Total != 2 || len(l.Advisories) != 0 {
		t.Errorf("past the end: %+v", l)
	}
	decode(t, e.do(viewer, req{method: "GET", path: "/api/v1/advisories?cve=cve-2017-0144"}), &l)
	if l.Total != 1 || l.Advisories[0].ID != "ICSMA-17-017-01" {
		t.Errorf("by CVE: %+v", l)
	}
	wantError(t, e.do(viewer, req{method: "GET", path: "/api/v1/advisories?cve=x"}), 400, cordon.EINVALID, "cve")
	wantError(t, e.do(viewer, req{method: "GET", path: "/api/v1/advisories?limit=0"}), 400, cordon.EINVALID, "limit")

	var a cordon.Advisory
	resp := e.do(viewer, req{method: "GET", path: "/api/v1/advisories/ICSMA-17-009-01A"})
	decode(t, resp, &a)
	if resp.StatusCode != 200 || a.Title != "St. Jude Merlin@home Transmitter Vulnerability (Update A)" {
		t.Errorf("%d %+v", resp.StatusCode, a)
	}
	wantError(t, e.do(viewer, req{method: "GET", path: "/api/v1/advisories/ICSMA-00-000-00"}), 404, cordon.ENOTFOUND, "ICSMA-00-000-00")
	wantError(t, e.do(viewer, req{method: "GET", path: "/api/v1/advisories/" + strings.Repeat("A", 300)}), 400, cordon.EINVALID, "tracking ID")
}

// TestIntelNotConfigured: a server started without the services answers
// 500 on their routes and logs why, rather than panicking.
func TestIntelNotConfigured(t *testing.T) {
	e := MustOpenEnv(t, nil)
	for _, path := range []string{"/api/v1/findings", "/api/v1/feeds", "/api/v1/worklist", "/api/v1/affected?cve=CVE-2017-0144"} {
		wantError(t, e.do(e.bearer(cordon.RoleViewer), req{method: "GET", path: path}), 500, cordon.EINTERNAL, "Internal error.")
	}
	if !strings.Contains(e.logText(), "not configured") {
		t.Error("cause not logged")
	}
}

// TestOpenAPIIntel checks what the reflection cannot: string path
// parameters, route-specific query parameters and the feed upload's forms.
func TestOpenAPIIntel(t *testing.T) {
	paths := OpenAPI()["paths"].(map[string]any)
	op := func(method, path string) map[string]any {
		t.Helper()
		o, ok := paths[path].(map[string]any)[method].(map[string]any)
		if !ok {
			t.Fatalf("%s %s not documented", method, path)
		}
		return o
	}
	param := func(o map[string]any, name string) map[string]any {
		t.Helper()
		for _, p := range o["parameters"].([]any) {
			if p := p.(map[string]any); p["name"] == name {
				return p
			}
		}
		t.Fatalf("no parameter %s", name)
		return nil
	}
	for _, c := range []struct{ path, name string }{{"/api/v1/vulnerabilities/{cve}", "cve"}, {"/api/v1/advisories/{advisory}", "advisory"}} {
		p := param(op("get", c.path), c.name)
		if p["in"] != "path" || p["schema"].(map[string]any)["type"] != "string" {
			t.Errorf("%s: %v", c.path, p)
		}
	}
	if p := param(op("get", "/api/v1/devices/{id}/exposure"), "id"); p["schema"].(map[string]any)["type"] != "integer" {
		t.Errorf("device id: %v", p)
	}
	status := param(op("get", "/api/v1/findings"), "status")
	if enum := fmt.Sprint(status["schema"].(map[string]any)["enum"]); enum != fmt.Sprint(cordon.FindingStatuses) {
		t.Errorf("findings status enum %s", enum)
	}
	if cve := param(op("get", "/api/v1/affected"), "cve"); cve["required"] != true || cve["schema"].(map[string]any)["type"] != "array" {
		t.Errorf("affected cve: %v", cve)
	}
	up := op("post", "/api/v1/feeds")
	content := up["requestBody"].(map[string]any)["content"].(map[string]any)
	if content["application/octet-stream"] == nil || content["multipart/form-data"] == nil {
		t.Errorf("feed upload content: %v", content)
	}
	for _, code := range []string{"200", "201", "413"} {
		if up["responses"].(map[string]any)[code] == nil {
			t.Errorf("feed upload lacks response %s", code)
		}
	}
}

// TestFeedUploadSQLite imports the KEV excerpt through the real store and
// reads it back through the API: the upload, feeds.Import and the SQLite
// intelligence store agree end to end.
func TestFeedUploadSQLite(t *testing.T) {
	var assessed [][]int64
	e := MustOpenEnv(t, nil)
	// Set before the first request; handlers read them per request.
	e.s.IntelService = sqlite.NewIntelService(e.db)
	e.s.FindingService = sqlite.NewFindingService(e.db)
	e.s.Assessor = assessorFunc(func(_ context.Context, ids []int64) error {
		assessed = append(assessed, ids)
		return nil
	})
	admin, viewer := e.bearer(cordon.RoleAdmin), e.bearer(cordon.RoleViewer)

	var up FeedUpload
	resp := e.do(admin, feedReq("known_exploited_vulnerabilities.json", kevCatalog))
	decode(t, resp, &up)
	if resp.StatusCode != http.StatusCreated || up.Import.Source != cordon.FeedKEV || up.Import.Records != 2 || len(assessed) != 1 {
		t.Fatalf("%d %+v, assessed %v", resp.StatusCode, up.Import, assessed)
	}
	resp = e.do(admin, feedReq("known_exploited_vulnerabilities.json", kevCatalog))
	decode(t, resp, &up)
	if resp.StatusCode != http.StatusOK || !up.Unchanged || up.Import == nil || len(assessed) != 1 {
		t.Fatalf("again: %d %+v", resp.StatusCode, up)
	}

	var v VulnerabilityDetail
	resp = e.do(viewer, req{method: "GET", path: "/api/v1/vulnerabilities/CVE-2017-0144"})
	decode(t, resp, &v)
	if resp.StatusCode != 200 || v.KEV == nil || v.KEV.Product != "SMBv1" || !v.KEV.Ransomware {
		t.Fatalf("%d %+v", resp.StatusCode, v.Vulnerability)
	}
	var a Affected
	decode(t, e.do(viewer, req{method: "GET", path: "/api/v1/affected?cve=CVE-2019-0708,CVE-2099-0001"}), &a)
	if len(a.CVEs) != 2 || !a.CVEs[0].Known || !a.CVEs[0].KEV || a.CVEs[1].Known ||
		a.CVEs[0].Title != "Microsoft Remote Desktop Services Remote Code Execution Vulnerability" {
		t.Errorf("affected %+v", a)
	}
	var ov FeedOverview
	decode(t, e.do(viewer, req{method: "GET", path: "/api/v1/feeds"}), &ov)
	if len(ov.Imports) != 1 || ov.Imports[0].By != "admin1" {
		t.Errorf("imports %+v", ov.Imports)
	}
	for _, f := range ov.Feeds {
		if f.Source == cordon.FeedKEV && f.Records != 2 {
			t.Errorf("kev status %+v", f)
		}
	}
	var sum cordon.ExposureSummary
	if resp := e.do(viewer, req{method: "GET", path: "/api/v1/exposure/summary"}); resp.StatusCode != 200 {
		t.Errorf("summary: %d", resp.StatusCode)
	} else {
		decode(t, resp, &sum)
	}
	wantError(t, e.do(viewer, req{method: "GET", path: fmt.Sprint("/api/v1/devices/", e.device, "/exposure")}), 404, cordon.ENOTFOUND, "")
}
