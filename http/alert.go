package http

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/cordonsec/cordon"
)

func (s *Server) registerAlertRoutes() {
	s.handle("GET /api/v1/alerts", cordon.RoleViewer, s.handleAlertIndex)
	s.handle("GET /api/v1/alerts/{id}", cordon.RoleViewer, s.handleAlertView)
	s.handle("POST /api/v1/alerts/{id}", cordon.RoleAnalyst, s.handleAlertUpdate)
}

// alertList is the envelope of GET /alerts, for the document only.
type alertList struct {
	Alerts []cordon.Alert `json:"alerts"`
	pageInfo
}

var alertOps = []apiOp{
	{"GET /api/v1/alerts", "List alerts, latest activity first. status=open selects new and acknowledged alerts.", cordon.RoleViewer,
		[]string{"kind:alert", "severity:alert", "status:alert", "device:alert", "offset", "limit"}, nil, 200, alertList{}},
	{"GET /api/v1/alerts/{id}", "One alert with its evidence, counts and where it stands.", cordon.RoleViewer, nil, nil, 200, cordon.Alert{}},
	{"POST /api/v1/alerts/{id}", "Move an alert in its lifecycle (new, acknowledged, resolved, false_positive) with an owner and a note (audited). 409 when reopening an alert while another about the same thing is open.",
		cordon.RoleAnalyst, nil, cordon.AlertChange{}, 200, cordon.Alert{}},
}

var alertParams = map[string]map[string]any{
	"kind:alert":     {"description": "Alert kind, such as decommissioned_reappeared.", "schema": map[string]any{"type": "string", "maxLength": 64}},
	"severity:alert": {"description": "Alert severity.", "schema": map[string]any{"type": "string", "enum": cordon.AlertSeverities}},
	"status:alert":   {"description": "Alert state; open means new or acknowledged.", "schema": map[string]any{"type": "string", "enum": append([]string{"open"}, cordon.AlertStatuses...)}},
	"device:alert":   {"description": "Only alerts about this device (its ID).", "schema": map[string]any{"type": "integer", "format": "int64", "minimum": 1}},
}

// alertFilter reads the query of GET /alerts, naming the parameter at
// fault in any error.
func alertFilter(q url.Values) (cordon.AlertFilter, error) {
	f := cordon.AlertFilter{Kind: q.Get("kind"), Severity: q.Get("severity"), Status: q.Get("status")}
	var err error
	if f.Offset, f.Limit, err = page(q); err != nil {
		return f, err
	}
	if len(f.Kind) > 64 {
		return f, cordon.Errorf(cordon.EINVALID, "kind is at most 64 characters.")
	}
	if err := oneOf("severity", f.Severity, cordon.AlertSeverities); err != nil {
		return f, err
	}
	if err := oneOf("status", f.Status, append([]string{"open"}, cordon.AlertStatuses...)); err != nil {
		return f, err
	}
	if v := q.Get("device"); v != "" {
		id, mac, err := deviceRef(v)
		if err != nil || mac != "" {
			return f, cordon.Errorf(cordon.EINVALID, "device must be a device ID (1 or more), not %q.", v)
		}
		f.DeviceID = id
	}
	return f, nil
}

func (s *Server) handleAlertIndex(w http.ResponseWriter, r *http.Request) {
	q, err := query(r, "kind", "severity", "status", "device", "offset", "limit")
	if err != nil {
		Error(w, r, err)
		return
	}
	f, err := alertFilter(q)
	if err != nil {
		Error(w, r, err)
		return
	}
	svc, err := s.alerts()
	if err != nil {
		Error(w, r, err)
		return
	}
	as, total, err := svc.FindAlerts(r.Context(), f)
	if err != nil {
		Error(w, r, err)
		return
	}
	if as == nil {
		as = []*cordon.Alert{}
	}
	writeJSON(w, http.StatusOK, list("alerts", as, total, f.Offset, f.Limit))
}

func (s *Server) handleAlertView(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "alert")
	if err != nil {
		Error(w, r, err)
		return
	}
	svc, err := s.alerts()
	if err != nil {
		Error(w, r, err)
		return
	}
	a, err := svc.FindAlertByID(r.Context(), id)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

func (s *Server) handleAlertUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "alert")
	if err != nil {
		Error(w, r, err)
		return
	}
	var c cordon.AlertChange
	if err := decodeJSON(w, r, &c); err != nil {
		Error(w, r, err)
		return
	}
	if !slices.Contains(cordon.AlertStatuses, c.Status) {
		Error(w, r, cordon.Errorf(cordon.EINVALID, "status must be one of %s, not %q.", strings.Join(cordon.AlertStatuses, ", "), c.Status))
		return
	}
	svc, err := s.alerts()
	if err != nil {
		Error(w, r, err)
		return
	}
	a, err := svc.UpdateAlert(r.Context(), id, c)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

func (s *Server) alerts() (cordon.AlertService, error) { return configured(s.AlertService, "alert") }
