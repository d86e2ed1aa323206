package ui

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// uploadFeed posts a file to /feeds as the browser does, the CSRF field
// first.
func (e *testEnv) uploadFeed(user, name, content string) response {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", testCSRF)
	if name != "" {
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			e.t.Fatal(err)
		}
		fw.Write([]byte(content))
	}
	mw.Close()
	return e.do(user, "POST", "/feeds", &body, mw.FormDataContentType())
}

const kevFile = `{"catalogVersion": "2026.11.01", "vulnerabilities": [{"cveID": "CVE-2017-0144"}, {"cveID": "CVE-2019-0708"}]}`

func TestFeedUpload(t *testing.T) {
	e, w := newVulnEnv(t)
	r := e.uploadFeed("admin1", "kev.json", kevFile)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/feeds?result=imported&import=101" {
		t.Fatalf("status %d location %q:\n%s", r.status, r.header.Get("Location"), r.body)
	}
	if a := w.assessCalls(); !slices.Equal(a, []string{"all"}) {
		t.Errorf("assessed %v, want every device", a)
	}
	page := e.get("admin1", r.header.Get("Location")).body
	for _, want := range []string{"Imported <strong>kev.json</strong> as kev: 2 records, 1 added or changed", "Every device was reassessed"} {
		if !strings.Contains(page, want) {
			t.Errorf("result page lacks %q", want)
		}
	}
	if !strings.Contains(page, "<td>admin1</td>") {
		t.Errorf("the import is not recorded as the admin's")
	}

	// The same bytes again: unchanged, not an error, no reassessment.
	r = e.uploadFeed("admin1", "kev-copy.json", kevFile)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/feeds?result=unchanged&import=101" {
		t.Fatalf("again: status %d location %q", r.status, r.header.Get("Location"))
	}
	if page := e.get("admin1", r.header.Get("Location")).body; !strings.Contains(page, "Unchanged: <strong>kev.json</strong> holds the same bytes as the import of 2026-11-02 09:00 UTC by admin1") {
		t.Errorf("unchanged not said:\n%s", page)
	}
	if len(w.assessCalls()) != 1 {
		t.Errorf("reassessed after an unchanged file")
	}

	// A malformed file: the importer's message, the form again, nothing kept.
	r = e.uploadFeed("admin1", "kev-broken.json", `{"vulnerabilities": [{"malformed": true}]}`)
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, "kev-broken.json: line 3: vulnerabilities[0].cveID is missing. Nothing was imported.") ||
		!strings.Contains(r.body, `action="/feeds"`) {
		t.Errorf("malformed: status %d:\n%s", r.status, r.body)
	}
	if r := e.uploadFeed("admin1", "", ""); r.status != http.StatusBadRequest || !strings.Contains(r.body, "Choose a feed file to upload.") {
		t.Errorf("no file: status %d", r.status)
	}
	if r := e.do("admin1", "POST", "/feeds", strings.NewReader("csrf="+testCSRF), "application/x-www-form-urlencoded"); r.status != http.StatusBadRequest {
		t.Errorf("not multipart: status %d", r.status)
	}
	if len(w.imports) != 2 || len(w.assessCalls()) != 1 {
		t.Errorf("imports %d, assessments %v", len(w.imports), w.assessCalls())
	}
}

func TestFeedUploadAccess(t *testing.T) {
	e, w := newVulnEnv(t)
	for _, user := range []string{"viewer1", "analyst1"} {
		if r := e.uploadFeed(user, "kev.json", kevFile); r.status != http.StatusForbidden {
			t.Errorf("%s uploaded: status %d", user, r.status)
		}
		if body := e.get(user, "/feeds").body; strings.Contains(body, `action="/feeds"`) {
			t.Errorf("%s sees the upload form", user)
		}
	}
	if len(w.imports) != 1 {
		t.Errorf("imports %d", len(w.imports))
	}
	if body := e.get("admin1", "/feeds").body; !strings.Contains(body, `enctype="multipart/form-data"`) {
		t.Errorf("admin lacks the upload form")
	}
	// The CSRF field comes first, where the server looks for it.
	body := e.get("admin1", "/feeds").body
	form := body[strings.Index(body, `id="feed-form"`):]
	if strings.Index(form, `name="csrf"`) > strings.Index(form, `name="file"`) {
		t.Errorf("csrf after the file field")
	}
}

func TestFeedUploadUnconfigured(t *testing.T) {
	// Intelligence but no importer: the status shows, the form does not,
	// and a POST is refused clearly.
	e, w := newVulnEnvWith(t, envOptions{}, func(c *Config) { c.ImportFeed = nil })
	body := e.get("admin1", "/feeds").body
	if strings.Contains(body, `action="/feeds"`) || !strings.Contains(body, "Uploading feed files is not configured") || !strings.Contains(body, "known_exploited_vulnerabilities.json") {
		t.Errorf("feeds page without importer:\n%s", body)
	}
	if r := e.uploadFeed("admin1", "kev.json", kevFile); r.status != http.StatusNotFound || !strings.Contains(r.body, "Uploading feeds is not configured") {
		t.Errorf("status %d", r.status)
	}
	if len(w.imports) != 1 {
		t.Errorf("imported without an importer")
	}
	// No intelligence at all.
	plain := newTestEnv(t)
	if r := plain.uploadFeed("admin1", "kev.json", kevFile); r.status != http.StatusNotFound {
		t.Errorf("status %d", r.status)
	}
}
