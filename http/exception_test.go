package http

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/sqlite"
	"github.com/cordonsec/cordon/storetest"
)

// exceptionJSON is a valid body for device dev, at the env's clock
// (2026-03-02): segmentation in place and no email verified.
func exceptionJSON(dev int64) string {
	return fmt.Sprintf(`{"device_id": %d, "reason": "no_validated_patch", "cves": ["cve-2019-0708"],
		"risk_ref": "RR-7", "owner": "EBME lead", "expires": "2026-09-30",
		"controls": [
			{"kind": "segmented", "status": "in_place", "evidence": "VLAN 40", "review_date": "2026-06-01"},
			{"kind": "no_email", "status": "verified", "review_date": "2026-06-01"}
		]}`, dev)
}

// createException records an exception through the store and returns its
// ID.
func (e *env) createException(body string) int64 {
	e.t.Helper()
	resp := e.do(e.bearer(cordon.RoleAnalyst), jsonReq("POST", "/api/v1/exceptions", body))
	var x cordon.Exception
	decode(e.t, resp, &x)
	if resp.StatusCode != http.StatusCreated {
		e.t.Fatalf("create: %d %+v", resp.StatusCode, x)
	}
	return x.ID
}

// exceptionAccess returns the access table's rows for the exception routes.
func exceptionAccess(t *testing.T, e *env) []accessCase {
	id := fmt.Sprint(e.createException(exceptionJSON(e.device)))
	dev := fmt.Sprint(e.device)
	// One exception per role to revoke, so that each revocation is the
	// first.
	toRevoke := map[string]string{}
	for _, role := range []string{"", cordon.RoleViewer, cordon.RoleAnalyst, cordon.RoleAdmin} {
		toRevoke[role] = fmt.Sprint(e.createException(exceptionJSON(e.device)))
	}
	return []accessCase{
		{"GET /api/v1/exceptions", get("/api/v1/exceptions?state=active"), [4]int{401, 200, 200, 200}},
		{"POST /api/v1/exceptions", func(string) req {
			return jsonReq("POST", "/api/v1/exceptions", exceptionJSON(e.device))
		}, [4]int{401, 403, 201, 201}},
		{"GET /api/v1/exceptions/coverage", get("/api/v1/exceptions/coverage"), [4]int{401, 200, 200, 200}},
		{"GET /api/v1/exceptions/{id}", get("/api/v1/exceptions/" + id), [4]int{401, 200, 200, 200}},
		{"PUT /api/v1/exceptions/{id}", func(string) req {
			return jsonReq("PUT", "/api/v1/exceptions/"+id, exceptionJSON(e.device))
		}, [4]int{401, 403, 200, 200}},
		{"POST /api/v1/exceptions/{id}/revoke", func(role string) req {
			return jsonReq("POST", "/api/v1/exceptions/"+toRevoke[role]+"/revoke", `{"reason": "Patched."}`)
		}, [4]int{401, 403, 200, 200}},
		{"GET /api/v1/devices/{id}/plan", get("/api/v1/devices/" + dev + "/plan"), [4]int{401, 200, 200, 200}},
	}
}

func TestExceptionAPI(t *testing.T) {
	e := MustOpenEnv(t, nil)
	analyst, viewer := e.bearer(cordon.RoleAnalyst), e.bearer(cordon.RoleViewer)

	resp := e.do(analyst, jsonReq("POST", "/api/v1/exceptions", exceptionJSON(e.device)))
	var x cordon.Exception
	decode(t, resp, &x)
	if resp.StatusCode != 201 || x.State != cordon.ExceptionActive || !x.Plan.Complete || x.CVEs[0] != "CVE-2019-0708" ||
		x.Controls[0].Class != cordon.ControlImpact || x.CreatedBy != "analyst1" {
		t.Fatalf("create: %d %+v", resp.StatusCode, x)
	}

	t.Run("Invalid", func(t *testing.T) {
		for name, tt := range map[string]struct {
			body, msg string
		}{
			"NoExpiry":   {strings.Replace(exceptionJSON(e.device), `"expires": "2026-09-30",`, ``, 1), "expires is required"},
			"BadDate":    {strings.Replace(exceptionJSON(e.device), `2026-09-30`, `30/09/2026`, 1), "expires must be a date"},
			"PastExpiry": {strings.ReplaceAll(strings.Replace(exceptionJSON(e.device), `2026-09-30`, `2026-03-01`, 1), `2026-06-01`, `2026-03-01`), "2026-03-01 is in the past"},
			"BadReview":  {strings.Replace(exceptionJSON(e.device), `"review_date": "2026-06-01"}`, `"review_date": "soon"}`, 1), "controls[0].review_date"},
			"BadClass":   {strings.Replace(exceptionJSON(e.device), `"kind": "no_email",`, `"kind": "no_email", "class": "impact",`, 1), "Control 2 (no_email)"},
			"BadKind":    {strings.Replace(exceptionJSON(e.device), `"segmented"`, `"firewalled"`, 1), "unknown kind"},
			"BadCVE":     {strings.Replace(exceptionJSON(e.device), `cve-2019-0708`, `MS17-010`, 1), "MS17-010"},
			"Unknown":    {strings.Replace(exceptionJSON(e.device), `"owner"`, `"boss"`, 1), "Unknown field"},
		} {
			t.Run(name, func(t *testing.T) {
				wantError(t, e.do(analyst, jsonReq("POST", "/api/v1/exceptions", tt.body)), 400, cordon.EINVALID, tt.msg)
			})
		}
		wantError(t, e.do(analyst, jsonReq("POST", "/api/v1/exceptions", exceptionJSON(9999))), 404, cordon.ENOTFOUND, "Device 9999")
		wantError(t, e.do(viewer, req{method: "GET", path: "/api/v1/exceptions?state=asleep"}), 400, cordon.EINVALID, "state must be one of")
		wantError(t, e.do(viewer, req{method: "GET", path: "/api/v1/exceptions?device=x"}), 400, cordon.EINVALID, "device must be an ID")
		var list struct{ Total int }
		decode(t, e.do(viewer, req{method: "GET", path: "/api/v1/exceptions"}), &list)
		if list.Total != 1 {
			t.Errorf("%d exceptions after invalid requests, want 1", list.Total)
		}
	})

	t.Run("UpdateAndRevoke", func(t *testing.T) {
		body := strings.Replace(exceptionJSON(e.device), `"EBME lead"`, `"Radiology manager"`, 1)
		resp := e.do(analyst, jsonReq("PUT", fmt.Sprint("/api/v1/exceptions/", x.ID), body))
		var got cordon.Exception
		decode(t, resp, &got)
		if resp.StatusCode != 200 || got.Owner != "Radiology manager" || got.UpdatedBy != "analyst1" {
			t.Fatalf("update: %d %+v", resp.StatusCode, got)
		}
		moved := strings.Replace(body, fmt.Sprintf(`"device_id": %d`, e.device), `"model_id": 3`, 1)
		wantError(t, e.do(analyst, jsonReq("PUT", fmt.Sprint("/api/v1/exceptions/", x.ID), moved)), 400, cordon.EINVALID, "cannot change")
		wantError(t, e.do(analyst, jsonReq("POST", fmt.Sprint("/api/v1/exceptions/", x.ID, "/revoke"), `{"reason": ""}`)), 400, cordon.EINVALID, "reason")
		resp = e.do(analyst, jsonReq("POST", fmt.Sprint("/api/v1/exceptions/", x.ID, "/revoke"), `{"reason": "Manufacturer validated the patch."}`))
		decode(t, resp, &got)
		if resp.StatusCode != 200 || got.State != cordon.ExceptionRevoked {
			t.Errorf("revoke: %d %+v", resp.StatusCode, got)
		}
		wantError(t, e.do(analyst, jsonReq("PUT", fmt.Sprint("/api/v1/exceptions/", x.ID), body)), 409, cordon.ECONFLICT, "revoked")
		var audit struct{ Entries []cordon.AuditEntry }
		decode(t, e.do(viewer, req{method: "GET", path: fmt.Sprint("/api/v1/audit?object=exception:", x.ID)}), &audit)
		var actions []string
		for _, a := range audit.Entries {
			actions = append(actions, a.Action)
		}
		if strings.Join(actions, ",") != "exception.revoke,exception.update,exception.create" {
			t.Errorf("audit = %v", actions)
		}
	})
}

func TestExceptionExpiryAndCoverage(t *testing.T) {
	e := MustOpenEnv(t, nil)
	viewer := e.bearer(cordon.RoleViewer)
	pump := e.addDevice(storetest.NewDevice("00:40:9d:01:02:04", "10.1.2.4", cordon.CategoryInfusionPump))
	// Both devices are exposed: one open finding each, assessed for real.
	findings := sqlite.NewFindingService(e.db)
	f := storetest.NewFinding("CVE-2019-0708", true, 0.97, 9.8, "confirmed")
	must(t, findings.ReplaceFindings(context.Background(), []cordon.DeviceAssessment{
		{DeviceID: e.device, Findings: []cordon.Finding{f}, Exposure: cordon.Exposure{Risk: cordon.Risk{Score: 90}}},
		{DeviceID: pump, Findings: []cordon.Finding{f}, Exposure: cordon.Exposure{Risk: cordon.Risk{Score: 60}}},
	}))
	body := strings.Replace(exceptionJSON(e.device), `"expires": "2026-09-30"`, `"expires": "2026-03-20"`, 1)
	body = strings.ReplaceAll(body, "2026-06-01", "2026-03-15")
	id := e.createException(body)

	var cov cordon.ExceptionCoverage
	decode(t, e.do(viewer, req{method: "GET", path: "/api/v1/exceptions/coverage"}), &cov)
	if cov.Exposed != 2 || cov.Uncovered != 1 || cov.UncoveredList[0].Device.ID != pump || cov.Expired != 0 || cov.DueForReview != 1 {
		t.Fatalf("coverage = %+v", cov)
	}
	e.clock.Add(19 * 24 * time.Hour) // 2026-03-21: the day after expiry
	decode(t, e.do(viewer, req{method: "GET", path: "/api/v1/exceptions/coverage"}), &cov)
	if cov.Expired != 1 || cov.ExpiredList[0].ExceptionID != id || cov.Uncovered != 1 {
		t.Errorf("after expiry = %+v", cov)
	}
	var list struct {
		Exceptions []cordon.Exception
		Total      int
	}
	decode(t, e.do(viewer, req{method: "GET", path: fmt.Sprint("/api/v1/exceptions?state=expired&due=true&device=", e.device)}), &list)
	if list.Total != 1 || list.Exceptions[0].State != cordon.ExceptionExpired {
		t.Errorf("expired list = %+v", list)
	}

	resp := e.do(viewer, req{method: "GET", path: "/api/v1/exceptions?format=csv"})
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || !strings.HasPrefix(ct, "text/csv") {
		t.Fatalf("csv: %d %s", resp.StatusCode, ct)
	}
	rows, err := csv.NewReader(resp.Body).ReadAll()
	must(t, err)
	if len(rows) != 2 || rows[0][0] != "id" || rows[1][4] != cordon.ExceptionExpired || !strings.Contains(rows[1][15], "segmented (impact, in_place, review 2026-03-15)") {
		t.Errorf("csv = %q", rows)
	}

	var plan cordon.MitigationPlan
	decode(t, e.do(viewer, req{method: "GET", path: fmt.Sprint("/api/v1/devices/", pump, "/plan")}), &plan)
	if plan.Check.Complete || len(plan.Check.Problems) == 0 {
		t.Errorf("pump plan = %+v", plan)
	}
}

func TestExceptionCSVFormulaSafe(t *testing.T) {
	row := ExceptionCSVRow(&cordon.Exception{ID: 1, Owner: "=HYPERLINK(\"http://evil.example\")", RiskRef: "+1"})
	if row[9] != `'=HYPERLINK("http://evil.example")` || row[8] != "'+1" || row[7] != "all" {
		t.Errorf("row = %q", row)
	}
}

func FuzzExceptionBody(f *testing.F) {
	f.Add(exceptionJSON(1))
	f.Add(`{"model_id": 2, "reason": "other", "expires": "2026-02-30", "controls": [{"kind": "x", "review_date": ""}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		b := ExceptionBody{Expires: s, CVEs: []string{s}, Controls: []ControlBody{{Kind: s, ReviewDate: s}}}
		e, err := b.exception()
		if err != nil {
			if cordon.ErrorCode(err) != cordon.EINVALID {
				t.Fatalf("code of %v", err)
			}
			return
		}
		if !cordon.IsDate(e.Expires) || !cordon.IsDate(e.Controls[0].ReviewDate) {
			t.Fatalf("%q parsed to %v, %v", s, e.Expires, e.Controls[0].ReviewDate)
		}
	})
}
