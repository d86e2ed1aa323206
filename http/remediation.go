package http

import (
	"encoding/csv"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/remediation"
)

func (s *Server) registerRemediationRoutes() {
	s.handle("GET /api/v1/remediations", cordon.RoleViewer, s.handleRemediationIndex)
	s.handle("POST /api/v1/remediations", cordon.RoleAnalyst, s.handleRemediationCreate)
	s.handle("GET /api/v1/remediations/scorecard", cordon.RoleViewer, s.handleRemediationScorecard)
	s.handle("GET /api/v1/remediations/{id}", cordon.RoleViewer, s.handleRemediationView)
	s.handle("POST /api/v1/remediations/{id}/transition", cordon.RoleAnalyst, s.handleRemediationTransition)
	s.handle("POST /api/v1/remediations/{id}/devices", cordon.RoleAnalyst, s.handleRemediationDevices)
}

var remediationOps = []apiOp{
	{"GET /api/v1/remediations", "List remediation records, newest first, each with its three clocks (the attacker's head start, manufacturer validation, deployment against the supplier's service level). CSV with format=csv.", cordon.RoleViewer,
		[]string{"state:remediation", "manufacturer:remediation", "model:remediation", "cve:remediation", "overdue:remediation", "format:remediation", "offset", "limit"}, nil, 200, remediationList{}},
	{"POST /api/v1/remediations", "Start tracking the fix of a CVE or advisory for a device model; the fix's date and reference are prefilled from the findings of the model's devices. 409 if one exists (the answer's message names it).", cordon.RoleAnalyst, nil, RemediationCreate{}, 201, remediation.View{}},
	{"GET /api/v1/remediations/scorecard", "Per manufacturer: median and worst validation lag, requests still open, overdue records and deployment against service levels.", cordon.RoleViewer, nil, nil, 200, Scorecard{}},
	{"GET /api/v1/remediations/{id}", "One remediation record: its timeline, clocks and devices with what the network confirms.", cordon.RoleViewer, nil, nil, 200, remediation.View{}},
	{"POST /api/v1/remediations/{id}/transition", "Move a record on (audited): awaiting_validation, approved (approved_version and evidence), rejected or not_applicable (reason), scheduled (scheduled date), applied (every device applied).", cordon.RoleAnalyst, nil, RemediationStep{}, 200, remediation.View{}},
	{"POST /api/v1/remediations/{id}/devices", "Set devices pending, scheduled (date) or applied (date, default today), once the fix is approved (audited). The record is applied when the last device is.", cordon.RoleAnalyst, nil, RemediationDevices{}, 200, remediation.View{}},
}

var remediationParams = map[string]map[string]any{
	"state:remediation":        {"description": "Remediation state.", "schema": map[string]any{"type": "string", "enum": cordon.RemediationStates}},
	"manufacturer:remediation": {"description": "The model's manufacturer (case-insensitive, exact).", "schema": map[string]any{"type": "string"}},
	"model:remediation":        {"description": "Device model ID.", "schema": map[string]any{"type": "integer", "format": "int64", "minimum": 1}},
	"cve:remediation":          {"description": "A CVE ID or advisory ID.", "schema": map[string]any{"type": "string", "example": "CVE-2019-0708"}},
	"overdue:remediation":      {"description": "Only records with a clock past its limit (true) or only others (false).", "schema": map[string]any{"type": "boolean"}},
	"format:remediation":       {"description": "json (default) or csv (formula-safe cells, every matching record).", "schema": map[string]any{"type": "string", "enum": []string{"json", "csv"}, "default": "json"}},
}

// remediationList is the list envelope, for the document.
type remediationList struct {
	Remediations []remediation.View `json:"remediations"`
	pageInfo
}

// Scorecard is the manufacturer scorecard with the limits it was computed
// under.
type Scorecard struct {
	Manufacturers []remediation.ManufacturerScore `json:"manufacturers"`
	Limits        remediation.Limits              `json:"limits"`
	At            time.Time                       `json:"at"`
}

// RemediationCreate is the body of POST /remediations. Dates are
// "2025-01-14" or RFC 3339 times.
type RemediationCreate struct {
	CVE          string `json:"cve"`
	ModelID      int64  `json:"model_id"`
	FixPublished string `json:"fix_published,omitempty"`
	FixReference string `json:"fix_reference,omitempty"`
	Notes        string `json:"notes,omitempty"`
}

// RemediationStep is the body of POST /remediations/{id}/transition.
type RemediationStep struct {
	State           string `json:"state"`
	At              string `json:"at,omitempty"` // when it happened; default now
	ApprovedVersion string `json:"approved_version,omitempty"`
	Evidence        string `json:"evidence,omitempty"`
	Reason          string `json:"reason,omitempty"`
	Scheduled       string `json:"scheduled,omitempty"`
	Note            string `json:"note,omitempty"`
}

// RemediationDevices is the body of POST /remediations/{id}/devices.
type RemediationDevices struct {
	Devices []RemediationDeviceStep `json:"devices"`
}

// RemediationDeviceStep sets one device's deployment.
type RemediationDeviceStep struct {
	DeviceID int64  `json:"device_id"`
	State    string `json:"state"`
	Date     string `json:"date,omitempty"`
}

func (s *Server) remediations() (cordon.RemediationService, error) {
	return configured(s.RemediationService, "remediation")
}

// remediationViewer builds views with the suppliers' service levels and the
// default limits.
func (s *Server) remediationViewer() *remediation.Viewer {
	v := &remediation.Viewer{Limits: remediation.DefaultLimits()}
	if s.SupplierService != nil {
		v.Suppliers = s.SupplierService
	}
	return v
}

// checkRemediation raises the alerts of a record's overdue clocks after a
// change. The change is stored and audited already, so a failure is
// logged, not returned: the hourly check raises them later.
func (s *Server) checkRemediation(r *http.Request, id int64) {
	if s.AlertService == nil {
		return
	}
	c := &remediation.Checker{Remediations: s.RemediationService, Alerts: s.AlertService, Limits: remediation.DefaultLimits()}
	if s.SupplierService != nil {
		c.Suppliers = s.SupplierService
	}
	if _, err := c.Check(r.Context(), s.timeNow(), id); err != nil {
		logFrom(r).Error("remediation check", slog.Int64("remediation_id", id), slog.String("error", err.Error()))
	}
}

func (s *Server) handleRemediationIndex(w http.ResponseWriter, r *http.Request) {
	q, err := query(r, "state", "manufacturer", "model", "cve", "overdue", "format", "offset", "limit")
	if err != nil {
		Error(w, r, err)
		return
	}
	f, overdue, err := remediationFilter(q)
	if err != nil {
		Error(w, r, err)
		return
	}
	format := q.Get("format")
	if err := oneOf("format", format, []string{"json", "csv"}); err != nil {
		Error(w, r, err)
		return
	}
	svc, err := s.remediations()
	if err != nil {
		Error(w, r, err)
		return
	}
	// The overdue filter and a CSV export need every record's clocks, so
	// they read all matching records; a plain page reads one page.
	all := overdue != nil || format == "csv"
	var rs []*cordon.RemediationRecord
	total := 0
	if all {
		rs, err = remediation.All(r.Context(), svc, f)
	} else {
		rs, total, err = svc.FindRemediations(r.Context(), f)
	}
	if err != nil {
		Error(w, r, err)
		return
	}
	views, err := s.remediationViewer().Views(r.Context(), rs, s.timeNow())
	if err != nil {
		Error(w, r, err)
		return
	}
	if overdue != nil {
		kept := views[:0]
		for _, v := range views {
			if v.Overdue == *overdue {
				kept = append(kept, v)
			}
		}
		views = kept
	}
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="cordon-remediations-`+s.timeNow().Format(time.DateOnly)+`.csv"`)
		cw := csv.NewWriter(w)
		cw.Write(remediation.CSVHeader)
		for _, v := range views {
			cw.Write(remediation.CSVRow(v))
		}
		cw.Flush()
		return
	}
	if all {
		total = len(views)
		views = views[min(f.Offset, total):min(f.Offset+f.Limit, total)]
	}
	writeJSON(w, http.StatusOK, list("remediations", views, total, f.Offset, f.Limit))
}

// remediationFilter reads the list's query, naming the parameter at fault.
func remediationFilter(q url.Values) (cordon.RemediationFilter, *bool, error) {
	f := cordon.RemediationFilter{State: q.Get("state"), Manufacturer: strings.TrimSpace(q.Get("manufacturer"))}
	var err error
	if f.Offset, f.Limit, err = page(q); err != nil {
		return f, nil, err
	}
	if err := oneOf("state", f.State, cordon.RemediationStates); err != nil {
		return f, nil, err
	}
	if v := q.Get("model"); v != "" {
		if f.ModelID, err = strconv.ParseInt(v, 10, 64); err != nil || f.ModelID < 1 {
			return f, nil, cordon.Errorf(cordon.EINVALID, "model must be a model ID (1 or more), not %q.", v)
		}
	}
	if v := q.Get("cve"); v != "" {
		if f.CVE, err = cordon.NormalizeRemediationSubject(v); err != nil {
			return f, nil, cordon.Errorf(cordon.EINVALID, "cve: %s", cordon.ErrorMessage(err))
		}
	}
	overdue, err := boolParam(q, "overdue")
	return f, overdue, err
}

func (s *Server) handleRemediationCreate(w http.ResponseWriter, r *http.Request) {
	var c RemediationCreate
	if err := decodeJSON(w, r, &c); err != nil {
		Error(w, r, err)
		return
	}
	fix, err := parseDay("fix_published", c.FixPublished)
	if err != nil {
		Error(w, r, err)
		return
	}
	svc, err := s.remediations()
	if err != nil {
		Error(w, r, err)
		return
	}
	rec := &cordon.RemediationRecord{CVE: c.CVE, ModelID: c.ModelID, FixPublished: fix, FixReference: c.FixReference, Notes: c.Notes}
	if err := svc.CreateRemediation(r.Context(), rec); err != nil {
		Error(w, r, err)
		return
	}
	s.checkRemediation(r, rec.ID)
	s.writeRemediation(w, r, http.StatusCreated, rec)
}

func (s *Server) writeRemediation(w http.ResponseWriter, r *http.Request, status int, rec *cordon.RemediationRecord) {
	v := s.remediationViewer()
	sla, err := v.SLA(r.Context(), rec.ModelID)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, status, remediation.NewView(rec, s.timeNow(), v.Limits, sla))
}

func (s *Server) handleRemediationView(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "remediation")
	if err != nil {
		Error(w, r, err)
		return
	}
	svc, err := s.remediations()
	if err != nil {
		Error(w, r, err)
		return
	}
	rec, err := svc.FindRemediationByID(r.Context(), id)
	if err != nil {
		Error(w, r, err)
		return
	}
	s.writeRemediation(w, r, http.StatusOK, rec)
}

func (s *Server) handleRemediationTransition(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "remediation")
	if err != nil {
		Error(w, r, err)
		return
	}
	var b RemediationStep
	if err := decodeJSON(w, r, &b); err != nil {
		Error(w, r, err)
		return
	}
	t := cordon.RemediationTransition{State: b.State, ApprovedVersion: b.ApprovedVersion, Evidence: b.Evidence, Reason: b.Reason, Note: b.Note}
	if t.At, err = parseDay("at", b.At); err != nil {
		Error(w, r, err)
		return
	}
	if t.Scheduled, err = parseDay("scheduled", b.Scheduled); err != nil {
		Error(w, r, err)
		return
	}
	svc, err := s.remediations()
	if err != nil {
		Error(w, r, err)
		return
	}
	rec, err := svc.TransitionRemediation(r.Context(), id, t)
	if err != nil {
		Error(w, r, err)
		return
	}
	s.checkRemediation(r, id)
	s.writeRemediation(w, r, http.StatusOK, rec)
}

func (s *Server) handleRemediationDevices(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "remediation")
	if err != nil {
		Error(w, r, err)
		return
	}
	var b RemediationDevices
	if err := decodeJSON(w, r, &b); err != nil {
		Error(w, r, err)
		return
	}
	cs := make([]cordon.RemediationDeviceChange, 0, len(b.Devices))
	for i, d := range b.Devices {
		date, err := parseDay("devices["+strconv.Itoa(i)+"].date", d.Date)
		if err != nil {
			Error(w, r, err)
			return
		}
		cs = append(cs, cordon.RemediationDeviceChange{DeviceID: d.DeviceID, State: d.State, Date: date})
	}
	svc, err := s.remediations()
	if err != nil {
		Error(w, r, err)
		return
	}
	rec, err := svc.UpdateRemediationDevices(r.Context(), id, cs)
	if err != nil {
		Error(w, r, err)
		return
	}
	s.checkRemediation(r, id)
	s.writeRemediation(w, r, http.StatusOK, rec)
}

func (s *Server) handleRemediationScorecard(w http.ResponseWriter, r *http.Request) {
	if _, err := query(r); err != nil {
		Error(w, r, err)
		return
	}
	svc, err := s.remediations()
	if err != nil {
		Error(w, r, err)
		return
	}
	rs, err := remediation.All(r.Context(), svc, cordon.RemediationFilter{})
	if err != nil {
		Error(w, r, err)
		return
	}
	v := s.remediationViewer()
	views, err := v.Views(r.Context(), rs, s.timeNow())
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, Scorecard{Manufacturers: remediation.Scorecard(remediation.Scores(views)), Limits: v.Limits, At: s.timeNow()})
}
