package http

import (
	"net/http"
	"strconv"

	"github.com/cordonsec/cordon"
)

// Suppression rules (analysts decide what not to be told about, for a
// while) and the delivery outbox (admins see what reached which
// destination). The store audits rule changes in the same transaction.
func (s *Server) registerSuppressionRoutes() {
	s.handle("GET /api/v1/suppressions", cordon.RoleViewer, s.handleSuppressionIndex)
	s.handle("POST /api/v1/suppressions", cordon.RoleAnalyst, s.handleSuppressionCreate)
	s.handle("DELETE /api/v1/suppressions/{id}", cordon.RoleAnalyst, s.handleSuppressionDelete)
	s.handle("GET /api/v1/outbox", cordon.RoleAdmin, s.handleOutboxIndex)
}

// Envelopes, for the document only.
type (
	suppressionList struct {
		Suppressions []cordon.SuppressionRule `json:"suppressions"`
	}
	outboxList struct {
		Entries []cordon.OutboxEntry `json:"entries"`
		pageInfo
	}
)

// outboxStatuses are the states an outbox entry can be in.
var outboxStatuses = []string{cordon.OutboxPending, cordon.OutboxDelivered, cordon.OutboxFailed}

var suppressionOps = []apiOp{
	{"GET /api/v1/suppressions", "List suppression rules, newest first; active=true leaves out the expired ones.", cordon.RoleViewer,
		[]string{"active:suppression"}, nil, 200, suppressionList{}},
	{"POST /api/v1/suppressions", "Create a suppression rule (audited): matching alerts are still stored and counted but not delivered until it expires. It must name a kind, device, model or subject prefix, give a reason and expire within 366 days.",
		cordon.RoleAnalyst, nil, cordon.SuppressionRule{}, 201, cordon.SuppressionRule{}},
	{"DELETE /api/v1/suppressions/{id}", "End a suppression rule at once (audited).", cordon.RoleAnalyst, nil, nil, 204, nil},
	{"GET /api/v1/outbox", "Delivery state of alerts per destination, newest first: pending entries wait for their next attempt, failed ones were given up on.",
		cordon.RoleAdmin, []string{"status:outbox", "destination:outbox", "alert:outbox", "offset", "limit"}, nil, 200, outboxList{}},
}

var suppressionParams = map[string]map[string]any{
	"active:suppression": {"description": "true: only rules not yet expired.", "schema": map[string]any{"type": "boolean"}},
	"status:outbox":      {"description": "Outbox entry state.", "schema": map[string]any{"type": "string", "enum": outboxStatuses}},
	"destination:outbox": {"description": "Destination name, as in the delivery configuration.", "schema": map[string]any{"type": "string", "maxLength": 128}},
	"alert:outbox":       {"description": "Only the entries of this alert (its ID).", "schema": map[string]any{"type": "integer", "format": "int64", "minimum": 1}},
}

func (s *Server) handleSuppressionIndex(w http.ResponseWriter, r *http.Request) {
	q, err := query(r, "active")
	if err != nil {
		Error(w, r, err)
		return
	}
	var active bool
	switch v := q.Get("active"); v {
	case "", "false":
	case "true":
		active = true
	default:
		Error(w, r, cordon.Errorf(cordon.EINVALID, "active must be true or false, not %q.", v))
		return
	}
	svc, err := s.suppressions()
	if err != nil {
		Error(w, r, err)
		return
	}
	rs, err := svc.FindSuppressions(r.Context(), active)
	if err != nil {
		Error(w, r, err)
		return
	}
	if rs == nil {
		rs = []*cordon.SuppressionRule{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"suppressions": rs})
}

func (s *Server) handleSuppressionCreate(w http.ResponseWriter, r *http.Request) {
	// The expiry is read as text so that a bad one is named; ID, creator
	// and creation time are the server's: a client cannot back-date a rule
	// or sign for another.
	var in struct {
		cordon.SuppressionRule
		ExpiresAt string `json:"expires_at"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		Error(w, r, err)
		return
	}
	rule := cordon.SuppressionRule{Kind: in.Kind, DeviceID: in.DeviceID, ModelID: in.ModelID,
		SubjectPrefix: in.SubjectPrefix, Reason: in.Reason}
	var err error
	if rule.ExpiresAt, err = parseDay("expires_at", in.ExpiresAt); err != nil {
		Error(w, r, err)
		return
	}
	svc, err := s.suppressions()
	if err != nil {
		Error(w, r, err)
		return
	}
	if err := svc.CreateSuppression(r.Context(), &rule); err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, rule)
}

func (s *Server) handleSuppressionDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "suppression rule")
	if err != nil {
		Error(w, r, err)
		return
	}
	svc, err := s.suppressions()
	if err != nil {
		Error(w, r, err)
		return
	}
	if err := svc.DeleteSuppression(r.Context(), id); err != nil {
		Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleOutboxIndex(w http.ResponseWriter, r *http.Request) {
	q, err := query(r, "status", "destination", "alert", "offset", "limit")
	if err != nil {
		Error(w, r, err)
		return
	}
	f := cordon.OutboxFilter{Status: q.Get("status"), Destination: q.Get("destination")}
	if f.Offset, f.Limit, err = page(q); err != nil {
		Error(w, r, err)
		return
	}
	if err := oneOf("status", f.Status, outboxStatuses); err != nil {
		Error(w, r, err)
		return
	}
	if len(f.Destination) > 128 {
		Error(w, r, cordon.Errorf(cordon.EINVALID, "destination is at most 128 characters."))
		return
	}
	if v := q.Get("alert"); v != "" {
		if f.AlertID, err = strconv.ParseInt(v, 10, 64); err != nil || f.AlertID < 1 {
			Error(w, r, cordon.Errorf(cordon.EINVALID, "alert must be an alert ID (1 or more), not %q.", v))
			return
		}
	}
	outbox, err := configured(s.OutboxService, "outbox")
	if err != nil {
		Error(w, r, err)
		return
	}
	es, total, err := outbox.FindOutbox(r.Context(), f)
	if err != nil {
		Error(w, r, err)
		return
	}
	if es == nil {
		es = []*cordon.OutboxEntry{}
	}
	writeJSON(w, http.StatusOK, list("entries", es, total, f.Offset, f.Limit))
}

func (s *Server) suppressions() (cordon.SuppressionService, error) {
	return configured(s.SuppressionService, "suppression")
}
