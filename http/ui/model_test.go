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

// hubEnv is the UI with every governance service over the test env's
// store, a model with one of the env's devices, and that device's ID.
func hubEnv(t *testing.T) (*testEnv, *cordon.DeviceModel, int64, Config) {
	e := newTestEnv(t)
	db := e.db
	cfg := Config{
		Devices: e.devices, Captures: e.captures, Users: e.users, Audit: sqlite.NewAuditService(db),
		Queue: e.queue, CaptureDir: filepath.Join(t.TempDir(), "captures"),
		Models: sqlite.NewModelService(db), Documents: sqlite.NewDocumentService(db),
		Remediations: sqlite.NewRemediationService(db), Exceptions: sqlite.NewExceptionService(db),
		Suppliers: sqlite.NewSupplierService(db), Findings: sqlite.NewFindingService(db),
		CSRFToken: func(*http.Request) string { return testCSRF },
		Now:       func() time.Time { return testNow },
	}
	h, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	e.srv = httptest.NewServer(withTestUser(e.users, mux))
	t.Cleanup(e.srv.Close)
	ctx := cordon.NewContextWithUser(context.Background(), &cordon.User{Name: "analyst1", Role: cordon.RoleAnalyst})
	m := &cordon.DeviceModel{Manufacturer: "Acme", Model: "Scanner " + hostile, Version: "7"}
	if err := cfg.Models.CreateModel(ctx, m); err != nil {
		t.Fatal(err)
	}
	var dev int64
	for _, id := range e.ids {
		if dev == 0 || id < dev {
			dev = id
		}
	}
	if err := cfg.Models.AssignDevices(ctx, m.ID, []int64{dev}); err != nil {
		t.Fatal(err)
	}
	return e, m, dev, cfg
}

// The model page is the hub of the model's governance: its plan by class
// with the incomplete flag, its fixes with their clocks, its suppliers and
// its findings, each with the link that adds one.
func TestModelPage_Hub(t *testing.T) {
	e, m, dev, cfg := hubEnv(t)
	ctx := cordon.NewContextWithUser(context.Background(), &cordon.User{Name: "analyst1", Role: cordon.RoleAnalyst})
	path := "/models/" + strconv.FormatInt(m.ID, 10)

	empty := e.get("viewer1", path)
	for _, want := range []string{"No active exception covers this model", "No fix is tracked for this model",
		"No supplier record serves this model", "None of the model's devices has been assessed yet"} {
		if !strings.Contains(empty.body, want) {
			t.Errorf("empty hub lacks %q", want)
		}
	}

	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(cfg.Exceptions.CreateException(ctx, &cordon.Exception{ModelID: m.ID, Reason: cordon.ExceptionEndOfSupport,
		RiskRef: "RR-31", Owner: "EBME lead", Expires: day("2027-03-31"), Controls: []cordon.Control{
			{Kind: "no_removable_media", Class: cordon.ControlLikelihood, Status: cordon.ControlInPlace, Evidence: "USB disabled", ReviewDate: day("2027-01-15")}}}))
	rem := &cordon.RemediationRecord{CVE: "CVE-2019-0708", ModelID: m.ID, FixPublished: day("2026-05-14")}
	must(cfg.Remediations.CreateRemediation(ctx, rem))
	must(cfg.Suppliers.CreateSupplier(ctx, &cordon.Supplier{Name: "Acme Service", ModelIDs: []int64{m.ID}, DeviceIDs: []int64{}}))
	must(cfg.Findings.ReplaceFindings(ctx, []cordon.DeviceAssessment{{DeviceID: dev,
		Findings: []cordon.Finding{{CVE: "CVE-2019-0708", Match: "confirmed", Severity: cordon.SeverityCritical, KEV: true}},
		Exposure: cordon.Exposure{Risk: cordon.Risk{Score: 77}}}}))

	page := e.get("analyst1", path)
	if page.status != 200 {
		t.Fatalf("hub: %d\n%s", page.status, page.body)
	}
	for _, want := range []string{
		"incomplete", "No control lowers the impact", "Lowers the likelihood (1)", "Lowers the impact (0)", "no_removable_media",
		`href="/exceptions/new?model=` + strconv.FormatInt(m.ID, 10) + `"`,
		`href="/remediations/new?model=` + strconv.FormatInt(m.ID, 10) + `"`,
		`href="/remediations/` + strconv.FormatInt(rem.ID, 10) + `"`, "CVE-2019-0708", "Public 172/",
		"Acme Service", "1 open finding of 1", "1 known exploited", "score <strong>77</strong>",
	} {
		if !strings.Contains(page.body, want) {
			t.Errorf("hub lacks %q", want)
		}
	}
	if strings.Contains(page.body, hostile) || strings.Contains(page.body, "<style") {
		t.Error("hub has unescaped markup or inline style")
	}
	// A viewer reads it all but is offered no change.
	viewer := e.get("viewer1", path)
	if !strings.Contains(viewer.body, "Acme Service") || strings.Contains(viewer.body, "/exceptions/new?model=") ||
		strings.Contains(viewer.body, "/remediations/new?model=") {
		t.Error("viewer's hub: wrong links")
	}
}

// Without the governance services, each section says so and the page
// still works.
func TestModelPage_HubNotConfigured(t *testing.T) {
	e, m, _ := modelEnv(t)
	page := e.get("viewer1", "/models/"+strconv.FormatInt(m.ID, 10))
	for _, want := range []string{"Exceptions are not configured", "Remediation tracking is not configured",
		"Suppliers are not configured", "Findings are not configured"} {
		if page.status != 200 || !strings.Contains(page.body, want) {
			t.Errorf("page %d lacks %q", page.status, want)
		}
	}
}

// The device page names the device's model, links to it and says how the
// device came to belong to it.
func TestDevicePage_ModelLine(t *testing.T) {
	e, m, dev, cfg := hubEnv(t)
	path := "/devices/" + strconv.FormatInt(dev, 10)
	page := e.get("viewer1", path)
	if !strings.Contains(page.body, `href="/models/`+strconv.FormatInt(m.ID, 10)+`"`) || !strings.Contains(page.body, "recorded by hand") {
		t.Errorf("device page lacks the model line:\n%s", page.body)
	}
	var other int64
	for _, id := range e.ids {
		if id != dev {
			other = id
			break
		}
	}
	if _, how, err := cfg.Models.ModelOfDevice(context.Background(), other); cordon.ErrorCode(err) != cordon.ENOTFOUND {
		t.Fatalf("device %d already has a model (%s, %v)", other, how, err)
	}
	if p := e.get("viewer1", "/devices/"+strconv.FormatInt(other, 10)); !strings.Contains(p.body, `id="device-model"`) || !strings.Contains(p.body, "none yet") {
		t.Error("device without a model: no line saying so")
	}
}
