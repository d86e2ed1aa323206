package ui

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/sqlite"
)

// modelEnv is the UI with device models and documents over the test env's
// store.
func modelEnv(t *testing.T) (*testEnv, *cordon.DeviceModel, *sqlite.DocumentService) {
	e := newTestEnv(t)
	models, docs := sqlite.NewModelService(e.db), sqlite.NewDocumentService(e.db)
	h, err := New(Config{
		Devices: e.devices, Captures: e.captures, Users: e.users, Audit: sqlite.NewAuditService(e.db),
		Queue: e.queue, CaptureDir: filepath.Join(t.TempDir(), "captures"),
		Models: models, Documents: docs,
		CSRFToken: func(*http.Request) string { return testCSRF },
		Now:       func() time.Time { return testNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	e.srv = httptest.NewServer(withTestUser(e.users, mux))
	t.Cleanup(e.srv.Close)
	m := &cordon.DeviceModel{Manufacturer: "Acme", Model: "FlowMax " + hostile, Version: "3.2"}
	if err := models.CreateModel(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return e, m, docs
}

func uploadForm(fields ...string) (*bytes.Buffer, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("csrf", testCSRF)
	for i := 0; i+2 < len(fields); i += 3 {
		if fields[i] == "file" {
			w, _ := mw.CreateFormFile("file", fields[i+1])
			w.Write([]byte(fields[i+2]))
		} else {
			mw.WriteField(fields[i], fields[i+2])
		}
	}
	mw.Close()
	return &b, mw.FormDataContentType()
}

// A CycloneDX 1.4 excerpt in the shape of the FDA-era device SBOMs
// (github.com/spacelab-ccny/sbom-completeness), written for this test.
const uiSBOM = `{"bomFormat": "CycloneDX", "specVersion": "1.4", "version": 1,
 "components": [{"type": "library", "name": "openssl", "version": "1.0.2k", "cpe": "cpe:2.3:a:openssl:openssl:1.0.2k:*:*:*:*:*:*:*",
   "properties": [{"name": "End-of-Support", "value": "2019-12-31"}]},
  {"type": "library", "name": "zlib", "version": "1.2.11", "properties": [{"name": "End-of-Support", "value": "Unknown"}]}]}`

func TestModelPages(t *testing.T) {
	e, m, docs := modelEnv(t)
	path := "/models/" + strconv.FormatInt(m.ID, 10)

	list := e.get("viewer1", "/models?q=acme")
	if list.status != 200 || !strings.Contains(list.body, `href="`+path+`"`) || strings.Contains(list.body, hostile) {
		t.Fatalf("list: %d\n%s", list.status, list.body)
	}
	// A viewer sees no upload form and may not upload.
	if p := e.get("viewer1", path); p.status != 200 || strings.Contains(p.body, `enctype="multipart/form-data"`) {
		t.Errorf("viewer page: %d", p.status)
	}
	body, ctype := uploadForm("file", "flowmax.cdx.json", uiSBOM)
	if r := e.do("viewer1", "POST", path+"/documents", body, ctype); r.status != http.StatusForbidden {
		t.Errorf("viewer upload: %d", r.status)
	}

	body, ctype = uploadForm("file", "flowmax.cdx.json", uiSBOM)
	r := e.do("analyst1", "POST", path+"/documents", body, ctype)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != path+"?done=imported" {
		t.Fatalf("upload: %d %s\n%s", r.status, r.header.Get("Location"), r.body)
	}
	csv := "Question ID,Question,Answer,Note\nRMOT-1,Remote service?,No,\nRMOT-2,Predictive?,No,\nCONN-4,External?,No,\n"
	body, ctype = uploadForm("kind", "", "mds2", "file", "flowmax-mds2.csv", csv)
	if r := e.do("analyst1", "POST", path+"/documents", body, ctype); r.status != http.StatusSeeOther {
		t.Fatalf("mds2 upload: %d\n%s", r.status, r.body)
	}
	page := e.get("analyst1", path+"?done=imported")
	for _, want := range []string{"openssl", "support-unsupported", "support-unknown", "<details>", "RMOT", "flowmax-mds2.csv", `name="csrf"`, "imported"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("model page lacks %q", want)
		}
	}
	if strings.Contains(page.body, hostile) || strings.Contains(page.body, "<style") || strings.Contains(page.body, "<script>") {
		t.Error("model page has unescaped markup or inline script/style")
	}

	// A malformed file: the page says what is wrong, nothing is stored.
	body, ctype = uploadForm("file", "broken.json", `{"bomFormat": "CycloneDX", "specVersion": "1.4", "components": [`)
	bad := e.do("analyst1", "POST", path+"/documents", body, ctype)
	if bad.status != http.StatusBadRequest || !strings.Contains(bad.body, "broken.json") {
		t.Errorf("malformed upload: %d\n%s", bad.status, bad.body)
	}
	ds, n, err := docs.FindDocuments(context.Background(), cordon.DocumentFilter{ModelID: m.ID})
	if err != nil || n != 2 {
		t.Fatalf("documents: %d, %v", n, err)
	}
	del := e.post("analyst1", "/documents/"+strconv.FormatInt(ds[0].ID, 10)+"/delete", map[string][]string{})
	if del.status != http.StatusSeeOther {
		t.Errorf("delete: %d", del.status)
	}
	if _, n, _ := docs.FindDocuments(context.Background(), cordon.DocumentFilter{ModelID: m.ID}); n != 1 {
		t.Errorf("after delete: %d documents", n)
	}
	if r := e.get("viewer1", "/models/999"); r.status != http.StatusNotFound {
		t.Errorf("unknown model: %d", r.status)
	}
}
