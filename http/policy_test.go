package http

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/auth"
	"github.com/cordonsec/cordon/policy"
	"github.com/cordonsec/cordon/sqlite"
	"github.com/cordonsec/cordon/storetest"
)

// seedPolicyTraffic stores a day of the CT scanner's traffic: DICOM to the
// PACS, email out (forbidden), and two direct HTTPS connections out (held
// for review, approvable).
func (e *env) seedPolicyTraffic() {
	e.t.Helper()
	ctx := context.Background()
	c := &cordon.Capture{Name: "policy.pcap", SHA256: auth.HashSecret("policy traffic"), Size: 1}
	must(e.t, e.s.CaptureService.CreateCapture(ctx, c))
	must(e.t, e.s.CaptureService.StartCapture(ctx, c.ID))
	// The devices were last seen in the hour of their traffic: a learning
	// window ends with the latest traffic stored.
	hour := e.clock.Now().Add(-23 * time.Hour).Truncate(time.Hour)
	seen := storetest.WithSeen(hour, hour.Add(30*time.Minute))
	ct := storetest.NewDevice("00:09:fb:01:02:03", "10.1.2.3", cordon.CategoryImagingModality,
		storetest.WithHost("ct01.radiology.example.nhs.uk"), storetest.WithMaker("Siemens Healthineers", "SOMATOM go.Up"), seen)
	pacs := storetest.NewDevice("00:1b:21:0a:0b:0c", "10.1.10.5", cordon.CategoryMedicalServer, storetest.WithHost("pacs01"), seen)
	conv := []cordon.Conversation{
		{Client: storetest.Key(ct), Server: storetest.Key(pacs), Proto: "tcp", Port: 104, App: "dicom", Hour: hour, Flows: 40, Packets: 900, Bytes: 9e6},
		{Client: storetest.Key(ct), Server: "ip:198.51.100.25", Proto: "tcp", Port: 25, App: "smtp", Hour: hour, Flows: 2, Packets: 20, Bytes: 2000},
		{Client: storetest.Key(ct), Server: "ip:203.0.113.9", Proto: "tcp", Port: 443, App: "tls", Hour: hour, Flows: 3, Packets: 30, Bytes: 3000},
		{Client: storetest.Key(ct), Server: "ip:203.0.113.10", Proto: "tcp", Port: 443, App: "tls", Hour: hour, Flows: 3, Packets: 30, Bytes: 3000},
	}
	ing := sqlite.NewIngestService(e.db)
	must(e.t, ing.CommitIngest(ctx, c.ID, storetest.Devices(ct, pacs), conv, cordon.IngestStats{Devices: 2, Conversations: len(conv)}))
}

// learnPolicy seeds traffic and learns from it as the system.
func (e *env) learnPolicy() {
	e.t.Helper()
	e.seedPolicyTraffic()
	ps, err := e.s.policies()
	must(e.t, err)
	ctx := cordon.NewContextWithUser(context.Background(), &cordon.User{Name: "test-setup"})
	_, err = ps.Learn(ctx, policy.LearnRequest{Days: 7})
	must(e.t, err)
}

// policyIDs returns the first suggested rule and the open review items,
// forbidden ones first.
func (e *env) policyIDs() (rule int64, review []*cordon.PolicyReview) {
	e.t.Helper()
	rs, err := e.s.PolicyService.FindPolicyRules(context.Background(), cordon.PolicyRuleSuggested)
	must(e.t, err)
	if len(rs) == 0 {
		e.t.Fatal("no suggested rules learned")
	}
	rv, err := e.s.PolicyService.FindPolicyReview(context.Background())
	must(e.t, err)
	return rs[0].ID, rv
}

// policyAccess returns the access table's rows for the policy routes.
func policyAccess(t *testing.T, e *env) []accessCase {
	e.learnPolicy()
	rule, review := e.policyIDs()
	var open []int64
	for _, v := range review {
		if !v.Forbidden {
			open = append(open, v.ID)
		}
	}
	if len(open) < 2 {
		t.Fatalf("review = %+v, want two approvable items", review)
	}
	decide := `{"justification": "Images to PACS"}`
	return []accessCase{
		{"GET /api/v1/policy", get("/api/v1/policy"), [4]int{401, 200, 200, 200}},
		{"POST /api/v1/policy/learn", func(string) req { return jsonReq("POST", "/api/v1/policy/learn", `{"days": 7}`) }, [4]int{401, 403, 200, 200}},
		{"GET /api/v1/policy/rules", get("/api/v1/policy/rules?state=approved"), [4]int{401, 200, 200, 200}},
		{"POST /api/v1/policy/rules/{id}/approve", func(string) req {
			return jsonReq("POST", fmt.Sprintf("/api/v1/policy/rules/%d/approve", rule), decide)
		}, [4]int{401, 403, 200, 200}},
		{"POST /api/v1/policy/rules/{id}/reject", func(string) req {
			return jsonReq("POST", fmt.Sprintf("/api/v1/policy/rules/%d/reject", rule), `{"justification": "not needed"}`)
		}, [4]int{401, 403, 200, 200}},
		{"GET /api/v1/policy/review", get("/api/v1/policy/review"), [4]int{401, 200, 200, 200}},
		{"POST /api/v1/policy/review/{id}/approve", func(role string) req {
			id := open[0]
			if role == cordon.RoleAdmin {
				id = open[1]
			}
			return jsonReq("POST", fmt.Sprintf("/api/v1/policy/review/%d/approve", id), `{"justification": "Manufacturer licence server"}`)
		}, [4]int{401, 403, 200, 200}},
		{"GET /api/v1/policy/baselines", get("/api/v1/policy/baselines?scope=device"), [4]int{401, 200, 200, 200}},
		{"POST /api/v1/policy/simulate", func(string) req { return jsonReq("POST", "/api/v1/policy/simulate", `{"days": 7}`) }, [4]int{401, 200, 200, 200}},
		{"GET /api/v1/policy/export", get("/api/v1/policy/export?format=nftables"), [4]int{401, 200, 200, 200}},
		{"GET /api/v1/devices/{id}/policy", get(fmt.Sprintf("/api/v1/devices/%d/policy", e.device)), [4]int{401, 200, 200, 200}},
	}
}

func TestPolicyAPI(t *testing.T) {
	e := MustOpenEnv(t, nil)
	e.seedPolicyTraffic()
	viewer, analyst := e.bearer(cordon.RoleViewer), e.bearer(cordon.RoleAnalyst)

	// Nothing learned: an empty overview and an empty export.
	var view policyView
	decode(t, e.do(viewer, req{method: "GET", path: "/api/v1/policy"}), &view)
	if view.Learning != nil || view.Counts[cordon.PolicyRuleSuggested] != 0 {
		t.Fatalf("empty overview = %+v", view)
	}
	wantError(t, e.do(analyst, jsonReq("POST", "/api/v1/policy/learn", `{"days": 91}`)), 400, cordon.EINVALID, "days must be 1 to 90")
	wantError(t, e.do(analyst, jsonReq("POST", "/api/v1/policy/learn", `{"zones": [{"name": "rad", "subnets": ["10.1.2/24"]}]}`)),
		400, cordon.EINVALID, `Zone 1 ("rad"): subnet "10.1.2/24"`)

	resp := e.do(analyst, jsonReq("POST", "/api/v1/policy/learn", `{"days": 7, "zones": [{"name": "radiology", "kind": "modality", "subnets": ["10.1.2.0/24"]}]}`))
	decode(t, resp, &view)
	if resp.StatusCode != 200 || view.Learning == nil || view.Learning.Days != 7 || view.Learning.LearnedBy != e.users[cordon.RoleAnalyst].Name {
		t.Fatalf("learn = %d %+v", resp.StatusCode, view.Learning)
	}
	var zs []policy.Zone
	must(t, json.Unmarshal(view.Learning.Zones, &zs))
	zones := map[string]bool{}
	for _, z := range zs {
		zones[z.Name] = true
	}
	if !zones["radiology"] || !zones["pacs"] || len(view.Learning.Matrix) < 3 || view.Counts[cordon.PolicyRuleSuggested] == 0 || view.Review != 3 {
		t.Errorf("overview after learning = %+v", view)
	}

	var rules struct{ Rules []cordon.PolicyRule }
	decode(t, e.do(viewer, req{method: "GET", path: "/api/v1/policy/rules?state=suggested"}), &rules)
	var dicom cordon.PolicyRule
	for _, r := range rules.Rules {
		if r.Port == 104 {
			dicom = r
		}
	}
	if dicom.ID == 0 || dicom.SrcZone != "radiology" || dicom.DstZone != "pacs" || !strings.Contains(dicom.Basis, "DICOM") {
		t.Fatalf("no DICOM rule in %+v", rules.Rules)
	}
	wantError(t, e.do(viewer, req{method: "GET", path: "/api/v1/policy/rules?state=live"}), 400, cordon.EINVALID, "state must be one of")

	// Simulation: with nothing approved the DICOM flows would be blocked;
	// with the DICOM rule in the candidate they would not.
	var rep policy.Report
	decode(t, e.do(viewer, jsonReq("POST", "/api/v1/policy/simulate", `{"days": 7}`)), &rep)
	if rep.Blocked != 48 || len(rep.Devices) == 0 || rep.Devices[0].Category != cordon.CategoryImagingModality {
		t.Errorf("simulation without rules = %+v", rep)
	}
	decode(t, e.do(viewer, jsonReq("POST", "/api/v1/policy/simulate", fmt.Sprintf(`{"days": 7, "include": [%d]}`, dicom.ID))), &rep)
	if rep.Blocked != 8 {
		t.Errorf("simulation with the DICOM rule blocks %d flows, want 8", rep.Blocked)
	}
	wantError(t, e.do(viewer, jsonReq("POST", "/api/v1/policy/simulate", `{"include": [99999]}`)), 400, cordon.EINVALID, "Rule 99999 is not a suggested rule")

	// Approval: a justification is required; an expiry must be in the future.
	path := fmt.Sprintf("/api/v1/policy/rules/%d/approve", dicom.ID)
	wantError(t, e.do(analyst, jsonReq("POST", path, `{"justification": " "}`)), 400, cordon.EINVALID, "justification")
	wantError(t, e.do(analyst, jsonReq("POST", path, `{"justification": "x", "expires": "2026-01-01T00:00:00Z"}`)), 400, cordon.EINVALID, "expiry")
	var approved cordon.PolicyRule
	resp = e.do(analyst, jsonReq("POST", path, `{"justification": "CT sends studies to PACS", "expires": "2026-06-01T00:00:00Z"}`))
	decode(t, resp, &approved)
	if resp.StatusCode != 200 || approved.State != cordon.PolicyRuleApproved || approved.Expires == nil {
		t.Fatalf("approve = %d %+v", resp.StatusCode, approved)
	}
	es, _, err := e.s.AuditService.FindAuditEntries(context.Background(), cordon.AuditFilter{Object: fmt.Sprintf("policy:rule:%d", dicom.ID)})
	must(t, err)
	if len(es) != 1 || es[0].Action != "policy.approve" {
		t.Errorf("audit = %+v", es)
	}

	// Review: the forbidden email flow cannot be approved; HTTPS can.
	var review struct{ Review []cordon.PolicyReview }
	decode(t, e.do(viewer, req{method: "GET", path: "/api/v1/policy/review"}), &review)
	if len(review.Review) != 3 || !review.Review[0].Forbidden || review.Review[0].Kind != policy.ReviewEmail {
		t.Fatalf("review = %+v", review.Review)
	}
	wantError(t, e.do(analyst, jsonReq("POST", fmt.Sprintf("/api/v1/policy/review/%d/approve", review.Review[0].ID), `{"justification": "vendor asks"}`)),
		400, cordon.EINVALID, "guidance forbids")
	rpath := fmt.Sprintf("/api/v1/policy/review/%d/approve", review.Review[1].ID)
	if resp := e.do(analyst, jsonReq("POST", rpath, `{"justification": "Manufacturer licence server"}`)); resp.StatusCode != 200 {
		t.Errorf("approve review item: %d", resp.StatusCode)
	}
	wantError(t, e.do(analyst, jsonReq("POST", rpath, `{"justification": "again"}`)), 409, cordon.ECONFLICT, "already approved")

	// Export: the approved rules only, in the format asked for.
	resp = e.do(viewer, req{method: "GET", path: "/api/v1/policy/export?format=nftables"})
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(body), "10.1.10.5") || !strings.Contains(string(body), "203.0.113.") ||
		strings.Contains(string(body), "198.51.100.25") || !strings.Contains(resp.Header.Get("Content-Disposition"), ".nft") {
		t.Errorf("nftables export = %d %q\n%s", resp.StatusCode, resp.Header.Get("Content-Disposition"), body)
	}
	for _, f := range policy.Formats {
		if resp := e.do(viewer, req{method: "GET", path: "/api/v1/policy/export?format=" + f}); resp.StatusCode != 200 {
			t.Errorf("export %s: %d", f, resp.StatusCode)
		}
	}
	wantError(t, e.do(viewer, req{method: "GET", path: "/api/v1/policy/export?format=pf"}), 400, cordon.EINVALID, "format must be one of")
	wantError(t, e.do(viewer, req{method: "GET", path: "/api/v1/policy/export"}), 400, cordon.EINVALID, "format is required")

	// The temporary rule leaves the export once it expires.
	e.clock.Add(100 * 24 * time.Hour)
	resp = e.do(viewer, req{method: "GET", path: "/api/v1/policy/export?format=csv"})
	body, _ = io.ReadAll(resp.Body)
	if strings.Contains(string(body), "10.1.10.5") {
		t.Errorf("expired rule exported:\n%s", body)
	}
}
