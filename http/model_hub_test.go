package http

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/sqlite"
	"github.com/cordonsec/cordon/storetest"
)

// An MDS2 uploaded through the API is held against the traffic of the
// model's devices at once: the answer carries the contradictions, and the
// contradictions route has them without waiting for an ingest.
func TestModelAPI_MDS2CheckedAtOnce(t *testing.T) {
	e := MustOpenEnv(t, nil)
	analyst := e.bearer(cordon.RoleAnalyst)
	m := e.seedModel(t, "SOMATOM")
	must(t, e.s.ModelService.AssignDevices(context.Background(), m.ID, []int64{e.device}))
	ct := "mac:00:09:fb:01:02:03" // the env's device
	ris := storetest.NewDevice("00:50:56:00:00:20", "10.1.9.20", cordon.CategoryMedicalServer)
	hour := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC) // a day before the env's clock
	e.ingestConversations("ct.pcap", storetest.Devices(ris), []cordon.Conversation{
		{Client: "ip:203.0.113.9", Server: ct, Proto: "tcp", Port: 3389, App: "rdp", Hour: hour, Flows: 1, Bytes: 9000},
		{Client: ct, Server: storetest.Key(ris), Proto: "tcp", Port: 2575, App: "hl7", Hour: hour, Flows: 3, Bytes: 4000},
	})
	csv := "Question ID,Question,Answer,Note\n" +
		"RMOT-1,Does the device permit remote service connections for device analysis or repair?,No,\n" +
		"TXCF-2,Is PII encrypted prior to transmission via a network or removable media?,Yes,\n"
	var res struct {
		Document       cordon.ModelDocument        `json:"document"`
		Contradictions []cordon.ModelContradiction `json:"contradictions"`
	}
	resp := e.do(analyst, documentReq(fmt.Sprint("/api/v1/models/", m.ID, "/documents"), "somatom-mds2.csv", csv))
	decode(t, resp, &res)
	if resp.StatusCode != 201 || res.Document.Kind != cordon.DocumentMDS2 {
		t.Fatalf("upload: %d %+v", resp.StatusCode, res)
	}
	found := map[string]cordon.ModelContradiction{}
	for _, c := range res.Contradictions {
		found[c.QuestionID] = c
	}
	if c, ok := found["RMOT-1"]; !ok || c.Severity != "high" || len(c.Devices) != 1 || c.Devices[0] != e.device {
		t.Errorf("RMOT-1 contradiction = %+v (all %+v)", c, res.Contradictions)
	}
	if c, ok := found["TXCF-2"]; !ok || !strings.Contains(c.Observed, "HL7 in clear text") {
		t.Errorf("TXCF-2 contradiction = %+v (all %+v)", c, res.Contradictions)
	}
	var stored contradictionList
	resp = e.do(e.bearer(cordon.RoleViewer), req{method: "GET", path: fmt.Sprint("/api/v1/models/", m.ID, "/contradictions")})
	decode(t, resp, &stored)
	if len(stored.Contradictions) != len(res.Contradictions) || len(stored.Contradictions) < 2 {
		t.Errorf("stored contradictions = %+v, answered %d", stored.Contradictions, len(res.Contradictions))
	}
}

func TestModelPlanAPI(t *testing.T) {
	e := MustOpenEnv(t, nil)
	viewer := e.bearer(cordon.RoleViewer)
	m := e.seedModel(t, "FlowMax")
	path := fmt.Sprint("/api/v1/models/", m.ID, "/plan")
	var p cordon.MitigationPlan
	resp := e.do(viewer, req{method: "GET", path: path})
	decode(t, resp, &p)
	if resp.StatusCode != 200 || p.ModelID != m.ID || len(p.Controls) != 0 || p.Check.Complete {
		t.Fatalf("empty plan: %d %+v", resp.StatusCode, p)
	}
	// A model-wide exception whose controls only lower likelihood.
	e.createException(fmt.Sprintf(`{"model_id": %d, "reason": "end_of_support", "risk_ref": "RR-9", "owner": "EBME lead",
		"expires": "2026-09-30", "controls": [{"kind": "no_email", "class": "likelihood", "status": "verified", "review_date": "2026-06-01"}]}`, m.ID))
	resp = e.do(viewer, req{method: "GET", path: path})
	decode(t, resp, &p)
	if resp.StatusCode != 200 || len(p.Controls) != 1 || p.Check.Likelihood != 1 || p.Check.Impact != 0 || p.Check.Complete ||
		!strings.Contains(strings.Join(p.Check.Problems, " "), "impact") {
		t.Errorf("likelihood-only plan: %d %+v", resp.StatusCode, p)
	}
	wantError(t, e.do(viewer, req{method: "GET", path: "/api/v1/models/999/plan"}), 404, "not_found", "")
	wantError(t, e.do(viewer, req{method: "GET", path: "/api/v1/models/x/plan"}), 400, "invalid", "model ID")
}

// Deleting a VEX document through the API sets the statuses it gave back
// to open and re-assesses the model's devices.
func TestModelAPI_DeleteVEX(t *testing.T) {
	var mu sync.Mutex
	var assessed []int64
	e := MustOpenEnv(t, func(s *Server) {
		s.Assessor = assessorFunc(func(_ context.Context, ids []int64) error {
			mu.Lock()
			defer mu.Unlock()
			assessed = append(assessed, ids...)
			return nil
		})
	})
	analyst := e.bearer(cordon.RoleAnalyst)
	ctx := context.Background()
	m := e.seedModel(t, "SOMATOM")
	must(t, e.s.ModelService.AssignDevices(ctx, m.ID, []int64{e.device}))
	vex := `{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://acme.example/vex/1", "author": "Acme", "timestamp": "2026-01-01T00:00:00Z", "version": 1,
 "statements": [{"vulnerability": {"name": "CVE-2016-2183"}, "products": [{"@id": "pkg:generic/somatom@3.2"}], "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"}]}`
	var res struct {
		Document cordon.ModelDocument `json:"document"`
	}
	resp := e.do(analyst, documentReq(fmt.Sprint("/api/v1/models/", m.ID, "/documents"), "somatom.vex.json", vex))
	decode(t, resp, &res)
	if resp.StatusCode != 201 || res.Document.Kind != cordon.DocumentVEX {
		t.Fatalf("upload: %d %+v", resp.StatusCode, res)
	}
	findings := sqlite.NewFindingService(e.db)
	must(t, findings.ReplaceFindings(ctx, []cordon.DeviceAssessment{{DeviceID: e.device,
		Findings: []cordon.Finding{storetest.NewFinding("CVE-2016-2183", false, 0.1, 7.5, "confirmed")}}}))
	if _, err := e.s.DocumentService.ApplyVEX(ctx, []cordon.VEXFinding{{DeviceID: e.device, CVE: "CVE-2016-2183",
		Status: cordon.FindingStatus{Status: cordon.FindingNotAffected, Justification: "vulnerable_code_not_in_execute_path", By: "vex:somatom.vex.json"}}}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	assessed = nil
	mu.Unlock()
	if resp := e.do(analyst, req{method: "DELETE", path: fmt.Sprint("/api/v1/documents/", res.Document.ID)}); resp.StatusCode != 204 {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	fs, _, err := findings.FindFindings(ctx, cordon.FindingFilter{DeviceID: e.device})
	must(t, err)
	if len(fs) != 1 || fs[0].Status.Status != cordon.FindingOpen || fs[0].Status.By != "" {
		t.Fatalf("finding after the delete: %+v", fs)
	}
	entries, _, err := e.s.AuditService.FindAuditEntries(ctx, cordon.AuditFilter{Object: fmt.Sprint("finding:", fs[0].ID)})
	must(t, err)
	if len(entries) == 0 || entries[0].Action != "finding.status" || entries[0].Actor != "analyst1" {
		t.Errorf("audit of the reopened finding: %+v", entries)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(assessed) != 1 || assessed[0] != e.device {
		t.Errorf("re-assessed %v, want the model's device %d", assessed, e.device)
	}
}

// The document upload has its own body in the OpenAPI document, which
// does not describe a capture.
func TestOpenAPI_DocumentUpload(t *testing.T) {
	op := OpenAPI()["paths"].(map[string]any)["/api/v1/models/{id}/documents"].(map[string]any)["post"].(map[string]any)
	body := op["requestBody"].(map[string]any)["content"].(map[string]any)["multipart/form-data"].(map[string]any)["schema"].(map[string]any)
	file := body["properties"].(map[string]any)["file"].(map[string]any)["description"].(string)
	if strings.Contains(strings.ToLower(file), "capture") || !strings.Contains(file, "MDS2") {
		t.Errorf("document upload's file is described as %q", file)
	}
	if s := op["summary"].(string); strings.Contains(strings.ToLower(s), "capture") {
		t.Errorf("document upload's summary mentions a capture: %q", s)
	}
}
