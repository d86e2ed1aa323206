package http

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/remediation"
)

// remediationSeq numbers the CVEs the access table's records are made for,
// so that each request gets a record of its own.
var remediationSeq atomic.Int64

// remediationModel makes a model holding the env's device and returns its
// ID.
func (e *env) remediationModel(t *testing.T) int64 {
	t.Helper()
	ctx := cordon.NewContextWithUser(context.Background(), &cordon.User{Name: "test-setup"})
	m := &cordon.DeviceModel{Manufacturer: "Siemens Healthineers", Model: "SOMATOM go.Up", Version: "VA40"}
	if err := e.s.ModelService.CreateModel(ctx, m); cordon.ErrorCode(err) != cordon.ECONFLICT {
		must(t, err)
	}
	must(t, e.s.ModelService.AssignDevices(ctx, m.ID, []int64{e.device}))
	return m.ID
}

// newRemediation stores a record for the model in state, for a CVE not
// used before.
func (e *env) newRemediation(t *testing.T, model int64, state string) *cordon.RemediationRecord {
	t.Helper()
	ctx := cordon.NewContextWithUser(context.Background(), &cordon.User{Name: "test-setup"})
	r := &cordon.RemediationRecord{CVE: fmt.Sprintf("CVE-2024-%05d", 1000+remediationSeq.Add(1)), ModelID: model,
		FixPublished: e.clock.Now().AddDate(0, -6, 0)}
	must(t, e.s.RemediationService.CreateRemediation(ctx, r))
	steps := []cordon.RemediationTransition{
		{State: "awaiting_validation", At: e.clock.Now().AddDate(0, -5, 0)},
		{State: "approved", ApprovedVersion: "VA50A", Evidence: "https://example.nhs.uk/letter.pdf", At: e.clock.Now().AddDate(0, -1, 0)},
	}
	for _, st := range steps {
		if r.State == state {
			break
		}
		var err error
		r, err = e.s.RemediationService.TransitionRemediation(ctx, r.ID, st)
		must(t, err)
	}
	return r
}

// remediationAccess returns the access table's rows for the remediation routes.
func remediationAccess(t *testing.T, e *env) []accessCase {
	return []accessCase{
		{"GET /api/v1/remediations", get("/api/v1/remediations?overdue=true"), [4]int{401, 200, 200, 200}},
		{"POST /api/v1/remediations", func(role string) req {
			return jsonReq("POST", "/api/v1/remediations", fmt.Sprintf(`{"cve": "CVE-2023-%05d", "model_id": %d}`, 20000+remediationSeq.Add(1), e.remediationModel(t)))
		}, [4]int{401, 403, 201, 201}},
		{"GET /api/v1/remediations/scorecard", get("/api/v1/remediations/scorecard"), [4]int{401, 200, 200, 200}},
		{"GET /api/v1/remediations/{id}", func(string) req {
			// A record of its own: another area's rows may delete the model.
			r := e.newRemediation(t, e.remediationModel(t), cordon.RemediationFixPublished)
			return req{method: "GET", path: fmt.Sprint("/api/v1/remediations/", r.ID)}
		}, [4]int{401, 200, 200, 200}},
		{"POST /api/v1/remediations/{id}/transition", func(string) req {
			r := e.newRemediation(t, e.remediationModel(t), cordon.RemediationFixPublished)
			return jsonReq("POST", fmt.Sprintf("/api/v1/remediations/%d/transition", r.ID), `{"state": "awaiting_validation"}`)
		}, [4]int{401, 403, 200, 200}},
		{"POST /api/v1/remediations/{id}/devices", func(string) req {
			// Other areas' rows may move the device to another model first.
			r := e.newRemediation(t, e.remediationModel(t), cordon.RemediationApproved)
			return jsonReq("POST", fmt.Sprintf("/api/v1/remediations/%d/devices", r.ID), fmt.Sprintf(`{"devices": [{"device_id": %d, "state": "scheduled", "date": "2026-04-01"}]}`, e.device))
		}, [4]int{401, 403, 200, 200}},
	}
}

func TestRemediationAPI(t *testing.T) {
	e := MustOpenEnv(t, nil)
	model := e.remediationModel(t)
	analyst, viewer := e.bearer(cordon.RoleAnalyst), e.bearer(cordon.RoleViewer)

	resp := e.do(analyst, jsonReq("POST", "/api/v1/remediations", fmt.Sprintf(`{"cve": "cve-2019-0708", "model_id": %d, "fix_published": "2025-05-14"}`, model)))
	var v remediation.View
	decode(t, resp, &v)
	if resp.StatusCode != http.StatusCreated || v.CVE != "CVE-2019-0708" || v.State != "fix_published" || len(v.Devices) != 1 {
		t.Fatalf("create: %d %+v", resp.StatusCode, v)
	}
	// 2025-05-14 to 2026-03-02 is 292 days: past the default 120.
	if !v.Clocks.Exposure.Overdue || v.Clocks.Exposure.Days != 292 || !v.Overdue {
		t.Errorf("exposure clock = %+v", v.Clocks.Exposure)
	}
	wantError(t, e.do(analyst, jsonReq("POST", "/api/v1/remediations", fmt.Sprintf(`{"cve": "CVE-2019-0708", "model_id": %d}`, model))),
		http.StatusConflict, cordon.ECONFLICT, fmt.Sprintf("remediation %d", v.ID))
	wantError(t, e.do(analyst, jsonReq("POST", "/api/v1/remediations", fmt.Sprintf(`{"cve": "CVE-2019-0708", "model_id": %d, "fix_published": "May 2025"}`, model))),
		http.StatusBadRequest, cordon.EINVALID, "fix_published must be a date")
	wantError(t, e.do(analyst, jsonReq("POST", "/api/v1/remediations", `{"cve": "CVE-2019-0708", "model_id": 999}`)),
		http.StatusNotFound, cordon.ENOTFOUND, "model 999")

	path := fmt.Sprintf("/api/v1/remediations/%d", v.ID)
	wantError(t, e.do(analyst, jsonReq("POST", path+"/transition", `{"state": "applied"}`)),
		http.StatusBadRequest, cordon.EINVALID, "not to applied")
	wantError(t, e.do(analyst, jsonReq("POST", path+"/transition", `{"state": "awaiting_validation", "at": "2027-01-01"}`)),
		http.StatusBadRequest, cordon.EINVALID, "in the future")
	resp = e.do(analyst, jsonReq("POST", path+"/transition", `{"state": "awaiting_validation", "at": "2025-06-01"}`))
	decode(t, resp, &v)
	if resp.StatusCode != 200 || v.State != "awaiting_validation" || v.Clocks.Validation.Days != 274 || !v.Clocks.Validation.Overdue {
		t.Fatalf("awaiting: %d %+v", resp.StatusCode, v.Clocks.Validation)
	}
	wantError(t, e.do(analyst, jsonReq("POST", path+"/transition", `{"state": "approved", "approved_version": "VA50A"}`)),
		http.StatusBadRequest, cordon.EINVALID, "evidence")
	resp = e.do(analyst, jsonReq("POST", path+"/transition", `{"state": "approved", "approved_version": "VA50A", "evidence": "https://example.nhs.uk/l.pdf", "at": "2026-02-01"}`))
	decode(t, resp, &v)
	if resp.StatusCode != 200 || v.Clocks.Validation.Running || !v.Clocks.Validation.Late || v.Clocks.Deployment.Days != 29 || v.Clocks.Deployment.Overdue {
		t.Fatalf("approved: %d %+v", resp.StatusCode, v.Clocks)
	}
	resp = e.do(analyst, jsonReq("POST", path+"/devices", fmt.Sprintf(`{"devices": [{"device_id": %d, "state": "applied", "date": "2026-03-01"}]}`, e.device)))
	decode(t, resp, &v)
	// The device was last seen at the store's Epoch-like seed time, before
	// the day it was applied: not yet seen since.
	if resp.StatusCode != 200 || v.State != "applied" || v.Applied != 1 || v.Devices[0].Network != remediation.NotYetSeen {
		t.Fatalf("devices: %d state %s applied %d network %q", resp.StatusCode, v.State, v.Applied, v.Devices[0].Network)
	}
	wantError(t, e.do(analyst, jsonReq("POST", path+"/devices", `{"devices": [{"device_id": 1, "state": "applied", "date": "yesterday"}]}`)),
		http.StatusBadRequest, cordon.EINVALID, "devices[0].date")

	// Audited in the log.
	var audit struct{ Entries []cordon.AuditEntry }
	decode(t, e.do(viewer, req{method: "GET", path: fmt.Sprintf("/api/v1/audit?object=remediation:%d", v.ID)}), &audit)
	if len(audit.Entries) != 4 {
		t.Errorf("audit entries = %d, want create, two updates and devices", len(audit.Entries))
	}

	t.Run("List", func(t *testing.T) {
		other := e.newRemediation(t, model, cordon.RemediationFixPublished) // exposure 182 days: overdue too
		var out struct {
			Remediations []remediation.View
			Total        int
		}
		decode(t, e.do(viewer, req{method: "GET", path: "/api/v1/remediations?overdue=true"}), &out)
		if out.Total != 1 || out.Remediations[0].ID != other.ID {
			t.Errorf("overdue = %d records (%+v), want only the open one", out.Total, out.Remediations)
		}
		decode(t, e.do(viewer, req{method: "GET", path: "/api/v1/remediations?state=applied&manufacturer=SIEMENS%20healthineers"}), &out)
		if out.Total != 1 || out.Remediations[0].ID != v.ID {
			t.Errorf("applied = %+v", out)
		}
		wantError(t, e.do(viewer, req{method: "GET", path: "/api/v1/remediations?state=done"}), 400, cordon.EINVALID, "state must be one of")
		wantError(t, e.do(viewer, req{method: "GET", path: "/api/v1/remediations?overdue=maybe"}), 400, cordon.EINVALID, "overdue must be true or false")
		wantError(t, e.do(viewer, req{method: "GET", path: "/api/v1/remediations?cve=x"}), 400, cordon.EINVALID, "cve:")

		resp := e.do(viewer, req{method: "GET", path: "/api/v1/remediations?format=csv"})
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Fatalf("content type %q", ct)
		}
		rows, err := csv.NewReader(resp.Body).ReadAll()
		must(t, err)
		if len(rows) != 3 || strings.Join(rows[0], ",") != strings.Join(remediation.CSVHeader, ",") || rows[2][1] != "CVE-2019-0708" || rows[2][5] != "applied" {
			t.Errorf("csv = %q", rows)
		}
	})

	t.Run("Scorecard", func(t *testing.T) {
		var sc Scorecard
		decode(t, e.do(viewer, req{method: "GET", path: "/api/v1/remediations/scorecard"}), &sc)
		if len(sc.Manufacturers) != 1 {
			t.Fatalf("scorecard = %+v", sc)
		}
		// Decided 2025-06-01 → 2026-02-01 is 245 days.
		if m := sc.Manufacturers[0]; m.Manufacturer != "Siemens Healthineers" || m.Decided != 1 || m.MedianValidationDays != 245 || m.Items != 2 {
			t.Errorf("score = %+v", m)
		}
	})
}

// TestRemediationAlerts checks that a change raises the alerts of the
// record's overdue clocks through the AlertService, and that a contract's
// service level from the SupplierService sets the deployment limit.
func TestRemediationAlerts(t *testing.T) {
	e := MustOpenEnv(t, func(s *Server) { s.SupplierService = slaSupplier{days: 10} })
	model := e.remediationModel(t)
	r := e.newRemediation(t, model, cordon.RemediationApproved) // approved a month ago: 29 days > 10
	resp := e.do(e.bearer(cordon.RoleAnalyst), jsonReq("POST", fmt.Sprintf("/api/v1/remediations/%d/devices", r.ID),
		fmt.Sprintf(`{"devices": [{"device_id": %d, "state": "scheduled", "date": "2026-04-01"}]}`, e.device)))
	var v remediation.View
	decode(t, resp, &v)
	if v.Clocks.SLA.Days != 10 || v.Clocks.SLA.Contract != "SC-7" || !v.Clocks.Deployment.Overdue {
		t.Errorf("deployment = %+v, sla %+v", v.Clocks.Deployment, v.Clocks.SLA)
	}
	raised, _, err := e.s.AlertService.FindAlerts(context.Background(), cordon.AlertFilter{Kind: cordon.AlertRemediationOverdue})
	must(t, err)
	var subjects []string
	for _, a := range raised {
		subjects = append(subjects, a.Subject)
	}
	want := fmt.Sprintf("remediation:%d:deployment", r.ID)
	if !hasString(subjects, want) {
		t.Errorf("raised %v, want %s", subjects, want)
	}
}

func hasString(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// slaSupplier is a SupplierService whose only answer is a service level.
type slaSupplier struct {
	cordon.SupplierService
	days int
}

func (s slaSupplier) PatchServiceLevel(context.Context, int64) (int, string, string, error) {
	return s.days, "Siemens Healthineers UK", "SC-7", nil
}
