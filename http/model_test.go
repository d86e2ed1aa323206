package http

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
)

// miniSBOM is a CycloneDX 1.4 SBOM written for these tests in the shape of
// the FDA-era device SBOMs (github.com/spacelab-ccny/sbom-completeness):
// one component with CPE, purl and the support properties. tag makes each
// call's bytes different.
func miniSBOM(tag string) string {
	return `{"bomFormat": "CycloneDX", "specVersion": "1.4", "version": 1,
 "metadata": {"component": {"type": "device", "name": "FlowMax ` + tag + `", "version": "3.2"}},
 "components": [{"bom-ref": "openssl", "type": "library", "publisher": "OpenSSL", "name": "openssl", "version": "1.0.2k",
   "cpe": "cpe:2.3:a:openssl:openssl:1.0.2k:*:*:*:*:*:*:*", "purl": "pkg:generic/openssl@1.0.2k",
   "properties": [{"name": "End-of-Support", "value": "2019-12-31"}, {"name": "Level of Support", "value": "Inactive"}]}]}`
}

// documentReq uploads content as the multipart field "file" named name.
func documentReq(path, name, content string) req {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write([]byte(content))
	mw.Close()
	return req{method: "POST", path: path, body: &b, ctype: mw.FormDataContentType()}
}

// seedModel creates a model through the store.
func (e *env) seedModel(t *testing.T, model string) *cordon.DeviceModel {
	t.Helper()
	m := &cordon.DeviceModel{Manufacturer: "Acme", Model: model, Version: "3.2"}
	must(t, e.s.ModelService.CreateModel(context.Background(), m))
	return m
}

// modelAccess returns the access table's rows for the model routes.
func modelAccess(t *testing.T, e *env) []accessCase {
	m := e.seedModel(t, "FlowMax access")
	id := fmt.Sprint(m.ID)
	n := 0
	fresh := func() string { n++; return fmt.Sprint(e.seedModel(t, fmt.Sprintf("Doomed %d", n)).ID) }
	doc := func() string {
		n++
		d := &cordon.ModelDocument{ModelID: m.ID, Kind: cordon.DocumentMDS2, Format: "csv", FileName: "f.csv",
			SHA256: strings.Repeat(fmt.Sprintf("%02x", n%256), 32)}
		must(t, e.s.DocumentService.ImportDocument(context.Background(), d,
			&cordon.DocumentContent{Answers: []cordon.MDS2Answer{{Section: "RMOT", QuestionID: "RMOT-1", Answer: "No"}}}))
		return fmt.Sprint(d.ID)
	}
	first := doc()
	return []accessCase{
		{"GET /api/v1/models", get("/api/v1/models"), [4]int{401, 200, 200, 200}},
		{"POST /api/v1/models", func(role string) req {
			return jsonReq("POST", "/api/v1/models", `{"manufacturer": "Acme", "model": "New `+role+`"}`)
		}, [4]int{401, 403, 201, 201}},
		{"POST /api/v1/models/sync", func(string) req { return req{method: "POST", path: "/api/v1/models/sync"} }, [4]int{401, 403, 200, 200}},
		{"GET /api/v1/models/{id}", get("/api/v1/models/" + id), [4]int{401, 200, 200, 200}},
		{"PATCH /api/v1/models/{id}", func(role string) req {
			return jsonReq("PATCH", "/api/v1/models/"+id, `{"notes": "by `+role+`"}`)
		}, [4]int{401, 403, 200, 200}},
		{"DELETE /api/v1/models/{id}", func(string) req { return req{method: "DELETE", path: "/api/v1/models/" + fresh()} }, [4]int{401, 403, 204, 204}},
		{"POST /api/v1/models/{id}/devices", func(string) req {
			return jsonReq("POST", "/api/v1/models/"+id+"/devices", fmt.Sprintf(`{"device_ids": [%d]}`, e.device))
		}, [4]int{401, 403, 200, 200}},
		{"GET /api/v1/models/{id}/documents", get("/api/v1/models/" + id + "/documents"), [4]int{401, 200, 200, 200}},
		{"POST /api/v1/models/{id}/documents", func(role string) req {
			return documentReq("/api/v1/models/"+id+"/documents", "flowmax.cdx.json", miniSBOM(role))
		}, [4]int{401, 403, 201, 201}},
		{"GET /api/v1/models/{id}/contradictions", get("/api/v1/models/" + id + "/contradictions"), [4]int{401, 200, 200, 200}},
		{"GET /api/v1/models/{id}/plan", get("/api/v1/models/" + id + "/plan"), [4]int{401, 200, 200, 200}},
		{"GET /api/v1/documents/{id}", get("/api/v1/documents/" + first), [4]int{401, 200, 200, 200}},
		{"DELETE /api/v1/documents/{id}", func(string) req { return req{method: "DELETE", path: "/api/v1/documents/" + doc()} }, [4]int{401, 403, 204, 204}},
	}
}

func TestModelAPI(t *testing.T) {
	e := MustOpenEnv(t, nil)
	analyst := e.bearer(cordon.RoleAnalyst)
	var m cordon.DeviceModel
	resp := e.do(analyst, jsonReq("POST", "/api/v1/models", `{"manufacturer": "Acme", "model": "FlowMax", "version": "3.2", "category": "infusion_pump"}`))
	decode(t, resp, &m)
	if resp.StatusCode != 201 || m.ID == 0 {
		t.Fatalf("create: %d %+v", resp.StatusCode, m)
	}
	wantError(t, e.do(analyst, jsonReq("POST", "/api/v1/models", `{"manufacturer": "acme", "model": "flowmax", "version": "3.2"}`)), 409, "conflict", "exists already")
	wantError(t, e.do(analyst, jsonReq("POST", "/api/v1/models", `{"manufacturer": "Acme"}`)), 400, "invalid", "model name")
	id := fmt.Sprint(m.ID)

	resp = e.do(analyst, jsonReq("PATCH", "/api/v1/models/"+id, `{"notes": "Ward pumps."}`))
	decode(t, resp, &m)
	if resp.StatusCode != 200 || m.Notes != "Ward pumps." || m.Version != "3.2" {
		t.Errorf("patch: %d %+v", resp.StatusCode, m)
	}
	resp = e.do(analyst, jsonReq("POST", "/api/v1/models/"+id+"/devices", fmt.Sprintf(`{"device_ids": [%d]}`, e.device)))
	decode(t, resp, &m)
	if resp.StatusCode != 200 || m.Devices != 1 {
		t.Errorf("assign: %d %+v", resp.StatusCode, m)
	}
	wantError(t, e.do(analyst, jsonReq("POST", "/api/v1/models/"+id+"/devices", `{"device_ids": [999]}`)), 404, "not_found", "Device 999")

	// An SBOM upload, then the same file again.
	var res struct {
		Document  cordon.ModelDocument `json:"document"`
		Unchanged bool                 `json:"unchanged"`
	}
	resp = e.do(analyst, documentReq("/api/v1/models/"+id+"/documents", "flowmax.cdx.json", miniSBOM("a")))
	decode(t, resp, &res)
	if resp.StatusCode != 201 || res.Document.Kind != cordon.DocumentSBOM || res.Document.Components != 1 || res.Document.Unsupported != 1 || !res.Document.Current {
		t.Fatalf("upload: %d %+v", resp.StatusCode, res)
	}
	resp = e.do(analyst, documentReq("/api/v1/models/"+id+"/documents", "again.json", miniSBOM("a")))
	decode(t, resp, &res)
	if resp.StatusCode != 200 || !res.Unchanged || res.Document.FileName != "flowmax.cdx.json" {
		t.Errorf("same file again: %d %+v", resp.StatusCode, res)
	}
	var view DocumentView
	resp = e.do(e.bearer(cordon.RoleViewer), req{method: "GET", path: fmt.Sprint("/api/v1/documents/", res.Document.ID)})
	decode(t, resp, &view)
	if resp.StatusCode != 200 || len(view.Components) != 1 || view.Components[0].CPE == "" || view.Components[0].EndOfSupportRaw != "2019-12-31" {
		t.Errorf("document view: %d %+v", resp.StatusCode, view)
	}

	// An MDS2 as CSV: answers grouped by section.
	csv := "Question ID,Question,\"Yes, No, N/A, or See Note\",Note #\nDOC-1,Manufacturer Name,Acme,\nRMOT-1,Does the device permit remote service connections?,No,\nRMOT-2,Predictive maintenance?,No,\nCONN-4,External communication?,No,\n"
	resp = e.do(analyst, documentReq("/api/v1/models/"+id+"/documents", "flowmax-mds2.csv", csv))
	decode(t, resp, &res)
	if resp.StatusCode != 201 || res.Document.Kind != cordon.DocumentMDS2 || res.Document.Answers != 4 {
		t.Fatalf("mds2 upload: %d %+v", resp.StatusCode, res)
	}
	resp = e.do(analyst, req{method: "GET", path: fmt.Sprint("/api/v1/documents/", res.Document.ID)})
	decode(t, resp, &view)
	if len(view.Sections) != 3 || view.Sections[1].Code != "RMOT" || len(view.Sections[1].Answers) != 2 || view.Sections[1].Title == "" {
		t.Errorf("sections: %+v", view.Sections)
	}
	var list struct {
		Documents []cordon.ModelDocument `json:"documents"`
		Total     int                    `json:"total"`
	}
	resp = e.do(analyst, req{method: "GET", path: "/api/v1/models/" + id + "/documents?kind=sbom"})
	decode(t, resp, &list)
	if list.Total != 1 {
		t.Errorf("sbom documents: %+v", list)
	}
	if resp := e.do(analyst, req{method: "DELETE", path: fmt.Sprint("/api/v1/documents/", res.Document.ID)}); resp.StatusCode != 204 {
		t.Errorf("delete document: %d", resp.StatusCode)
	}
	entries, _, err := e.s.AuditService.FindAuditEntries(context.Background(), cordon.AuditFilter{Object: fmt.Sprint("document:", res.Document.ID)})
	must(t, err)
	if len(entries) != 2 || entries[0].Action != "document.delete" || entries[0].Actor != "analyst1" {
		t.Errorf("audit of the document: %+v", entries)
	}
}

// Malformed uploads are refused with a message naming the problem, and
// nothing is stored.
func TestModelAPI_MalformedDocuments(t *testing.T) {
	e := MustOpenEnv(t, nil)
	m := e.seedModel(t, "FlowMax")
	path := fmt.Sprint("/api/v1/models/", m.ID, "/documents")
	analyst := e.bearer(cordon.RoleAnalyst)
	for name, tc := range map[string]struct {
		file, content, query string
		status               int
		msg                  string
	}{
		"SBOMBadJSON":     {"a.cdx.json", `{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [`, "", 400, "a.cdx.json"},
		"SBOMNoName":      {"b.cdx.json", `{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [{"type": "library", "version": "1"}]}`, "", 400, "name"},
		"SBOMBadVersion":  {"c.cdx.json", `{"bomFormat": "CycloneDX", "specVersion": "9.9", "components": []}`, "", 400, "9.9"},
		"VEXBadStatus":    {"d.vex.json", `{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "x", "author": "Acme", "timestamp": "2024-01-01T00:00:00Z", "version": 1, "statements": [{"vulnerability": {"name": "CVE-2024-1"}, "products": [{"@id": "pkg:generic/flowmax@3.2"}], "status": "perhaps"}]}`, "", 400, "perhaps"},
		"VEXAsKindOfCSV":  {"e.csv", "just,some,text\n1,2,3\n", "?kind=vex", 400, "e.csv"},
		"MDS2NoHeader":    {"f.csv", "Name,Value\nfoo,bar\n", "", 400, "f.csv"},
		"MDS2BrokenZip":   {"g.xlsx", "PK\x03\x04 not really a zip", "", 400, "g.xlsx"},
		"UnknownJSON":     {"h.json", `{"hello": "world"}`, "", 400, "neither CycloneDX"},
		"BadKindParam":    {"i.json", miniSBOM("i"), "?kind=pdf", 400, "kind must be one of"},
		"Empty":           {"j.json", "", "", 400, "empty"},
		"BinaryNotZip":    {"k.bin", "\x00\x01\x02\x03garbage", "", 400, "binary"},
		"MDS2Duplicate":   {"l.csv", "Question ID,Question,Answer\nRMOT-1,Remote?,No\nRMOT-1,Remote?,Yes\n", "", 400, "RMOT-1"},
		"SPDXTagValue":    {"m.spdx", "SPDXVersion: SPDX-2.3\n", "?kind=sbom", 400, "tag-value"},
		"CSAFAdvisoryNot": {"n.json", `{"document": {"category": "csaf_security_advisory", "csaf_version": "2.0", "title": "x", "publisher": {"name": "x", "category": "vendor", "namespace": "https://x"}, "tracking": {"id": "x", "status": "final", "version": "1", "initial_release_date": "2024-01-01T00:00:00Z", "current_release_date": "2024-01-01T00:00:00Z", "revision_history": []}}}`, "", 400, "n.json"},
	} {
		t.Run(name, func(t *testing.T) {
			resp := e.do(analyst, documentReq(path+tc.query, tc.file, tc.content))
			var er ErrorResponse
			decode(t, resp, &er)
			if resp.StatusCode != tc.status || !strings.Contains(er.Error.Message, tc.msg) {
				t.Errorf("%d %q, want %d naming %q", resp.StatusCode, er.Error.Message, tc.status, tc.msg)
			}
		})
	}
	if resp := e.do(analyst, req{method: "POST", path: path, body: strings.NewReader("{}"), ctype: "application/json"}); resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("JSON body: %d, want 415", resp.StatusCode)
	}
	docs, n, err := e.s.DocumentService.FindDocuments(context.Background(), cordon.DocumentFilter{})
	must(t, err)
	if n != 0 {
		t.Errorf("malformed uploads stored %d documents: %+v", n, docs)
	}
	entries, _, err := e.s.AuditService.FindAuditEntries(context.Background(), cordon.AuditFilter{})
	must(t, err)
	for _, en := range entries {
		if strings.HasPrefix(en.Action, "document.") {
			t.Errorf("audited %s", en.Action)
		}
	}
}
