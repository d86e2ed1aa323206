package http

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/sqlite"
)

// suppressionAccess returns the access table's rows for the suppression
// and outbox routes: viewers read rules, analysts change them, only admins
// see the outbox.
func suppressionAccess(t *testing.T, e *env) []accessCase {
	e.s.OutboxService = sqlite.NewOutboxService(e.db)
	// Each role that may delete gets its own rule; the others get 403.
	ids := map[string]string{}
	for _, role := range []string{cordon.RoleAnalyst, cordon.RoleAdmin} {
		r := &cordon.SuppressionRule{Kind: "smbv1", Reason: "access test " + role, ExpiresAt: e.clock.Now().Add(time.Hour)}
		must(t, sqlite.NewSuppressionService(e.db).CreateSuppression(context.Background(), r))
		ids[role] = fmt.Sprint(r.ID)
	}
	expires := e.clock.Now().Add(48 * time.Hour).Format(time.RFC3339)
	return []accessCase{
		{"GET /api/v1/suppressions", get("/api/v1/suppressions?active=true"), [4]int{401, 200, 200, 200}},
		{"POST /api/v1/suppressions", func(string) req {
			return jsonReq("POST", "/api/v1/suppressions", `{"kind": "smbv1", "reason": "Known, patch booked.", "expires_at": "`+expires+`"}`)
		}, [4]int{401, 403, 201, 201}},
		{"DELETE /api/v1/suppressions/{id}", func(role string) req {
			id := ids[role]
			if id == "" {
				id = ids[cordon.RoleAdmin]
			}
			return req{method: "DELETE", path: "/api/v1/suppressions/" + id}
		}, [4]int{401, 403, 204, 204}},
		{"GET /api/v1/outbox", get("/api/v1/outbox?status=pending"), [4]int{401, 403, 403, 200}},
	}
}

func TestSuppressionAPI(t *testing.T) {
	e := MustOpenEnv(t, nil)
	viewer, analyst := e.bearer(cordon.RoleViewer), e.bearer(cordon.RoleAnalyst)
	expires := e.clock.Now().Add(72 * time.Hour)

	resp := e.do(analyst, jsonReq("POST", "/api/v1/suppressions", fmt.Sprintf(
		`{"kind": "smbv1", "device_id": %d, "reason": "SMB1 needed until the vendor upgrade.", "expires_at": %q, "created_by": "someone else"}`,
		e.device, expires.Format(time.RFC3339))))
	var rule cordon.SuppressionRule
	decode(t, resp, &rule)
	if resp.StatusCode != http.StatusCreated || rule.ID == 0 || rule.CreatedBy != "analyst1" || !rule.ExpiresAt.Equal(expires) {
		t.Fatalf("create = %d %+v", resp.StatusCode, rule)
	}

	// An alert the rule matches is stored but held back, and says by which rule.
	a := e.raiseAlert("smbv1", cordon.AlertHigh, e.device, "smb1")
	sup, err := sqlite.NewSuppressionService(e.db).AlertSuppressions(context.Background(), []int64{a.ID})
	must(t, err)
	if sup[a.ID].RuleID != rule.ID {
		t.Errorf("alert suppressions = %+v, want rule %d", sup, rule.ID)
	}

	var page struct {
		Suppressions []cordon.SuppressionRule `json:"suppressions"`
	}
	decode(t, e.do(viewer, req{method: "GET", path: "/api/v1/suppressions?active=true"}), &page)
	if len(page.Suppressions) != 1 || page.Suppressions[0].ID != rule.ID {
		t.Errorf("active rules = %+v", page)
	}
	// Once expired it drops out of the active list but stays on record.
	e.clock.Add(73 * time.Hour)
	decode(t, e.do(viewer, req{method: "GET", path: "/api/v1/suppressions?active=true"}), &page)
	if len(page.Suppressions) != 0 {
		t.Errorf("active rules after expiry = %+v", page)
	}
	decode(t, e.do(viewer, req{method: "GET", path: "/api/v1/suppressions"}), &page)
	if len(page.Suppressions) != 1 {
		t.Errorf("all rules after expiry = %+v", page)
	}

	if resp := e.do(analyst, req{method: "DELETE", path: fmt.Sprint("/api/v1/suppressions/", rule.ID)}); resp.StatusCode != http.StatusNoContent {
		t.Errorf("delete = %d", resp.StatusCode)
	}
	audit, _, err := sqlite.NewAuditService(e.db).FindAuditEntries(context.Background(), cordon.AuditFilter{Object: fmt.Sprint("suppression:", rule.ID)})
	must(t, err)
	if len(audit) != 2 {
		t.Errorf("audit of the rule = %d rows, want create and delete", len(audit))
	}

	future := e.clock.Now().Add(time.Hour).Format(time.RFC3339)
	for _, tt := range []struct {
		name   string
		r      req
		status int
		code   string
		msg    string
	}{
		{"ErrNoNarrowing", jsonReq("POST", "/api/v1/suppressions", `{"reason": "x", "expires_at": "`+future+`"}`), 400, cordon.EINVALID, "kind, device, model or subject prefix"},
		{"ErrNoReason", jsonReq("POST", "/api/v1/suppressions", `{"kind": "smbv1", "expires_at": "`+future+`"}`), 400, cordon.EINVALID, "reason"},
		{"ErrNoExpiry", jsonReq("POST", "/api/v1/suppressions", `{"kind": "smbv1", "reason": "x"}`), 400, cordon.EINVALID, "expiry"},
		{"ErrTooLong", jsonReq("POST", "/api/v1/suppressions", `{"kind": "smbv1", "reason": "x", "expires_at": "2030-01-01T00:00:00Z"}`), 400, cordon.EINVALID, "366 days"},
		{"ErrBadTime", jsonReq("POST", "/api/v1/suppressions", `{"kind": "smbv1", "reason": "x", "expires_at": "soon"}`), 400, cordon.EINVALID, "expires_at"},
		{"ErrUnknownDevice", jsonReq("POST", "/api/v1/suppressions", `{"device_id": 999, "reason": "x", "expires_at": "`+future+`"}`), 404, cordon.ENOTFOUND, "999"},
		{"ErrActive", req{method: "GET", path: "/api/v1/suppressions?active=yes"}, 400, cordon.EINVALID, "active"},
		{"ErrDeleteNotFound", req{method: "DELETE", path: "/api/v1/suppressions/999"}, 404, cordon.ENOTFOUND, "999"},
		{"ErrDeleteBadID", req{method: "DELETE", path: "/api/v1/suppressions/x"}, 400, cordon.EINVALID, "positive whole number"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, e.do(analyst, tt.r), tt.status, tt.code, tt.msg)
		})
	}
}

func TestOutboxAPI(t *testing.T) {
	e := MustOpenEnv(t, nil)
	out := sqlite.NewOutboxService(e.db)
	e.s.OutboxService = out
	ctx := context.Background()
	must(t, out.SetDestinations(ctx, []string{"siem", "pager"}))
	a := e.raiseAlert("smbv1", cordon.AlertHigh, e.device, "smb1")
	due, err := out.DueOutbox(ctx, 10)
	must(t, err)
	if len(due) != 2 {
		t.Fatalf("due = %d entries, want one per destination", len(due))
	}
	must(t, out.MarkDelivered(ctx, due[0].ID))
	must(t, out.MarkFailed(ctx, due[1].ID, "connection refused", e.clock.Now(), true))

	admin := e.bearer(cordon.RoleAdmin)
	var page struct {
		Entries []cordon.OutboxEntry `json:"entries"`
		Total   int                  `json:"total"`
	}
	decode(t, e.do(admin, req{method: "GET", path: fmt.Sprintf("/api/v1/outbox?alert=%d", a.ID)}), &page)
	if page.Total != 2 {
		t.Fatalf("outbox of the alert = %+v", page)
	}
	decode(t, e.do(admin, req{method: "GET", path: "/api/v1/outbox?status=failed"}), &page)
	if page.Total != 1 || page.Entries[0].Destination != due[1].Destination || page.Entries[0].LastError != "connection refused" {
		t.Errorf("failed entries = %+v", page)
	}
	for _, tt := range []struct {
		name, path, msg string
	}{
		{"ErrStatus", "/api/v1/outbox?status=lost", "status"},
		{"ErrAlert", "/api/v1/outbox?alert=0", "alert"},
		{"ErrParam", "/api/v1/outbox?kind=x", "kind"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, e.do(admin, req{method: "GET", path: tt.path}), 400, cordon.EINVALID, tt.msg)
		})
	}
}
