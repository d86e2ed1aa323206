package http

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/forecast"
)

func (s *Server) registerLifecycleRoutes() {
	s.handle("GET /api/v1/lifecycle/forecast", cordon.RoleViewer, s.handleLifecycleForecast)
	s.handle("GET /api/v1/devices/{id}/lifecycle", cordon.RoleViewer, s.handleLifecycleView)
	s.handle("PUT /api/v1/devices/{id}/lifecycle", cordon.RoleAnalyst, s.handleLifecycleUpdate)
	s.handle("POST /api/v1/devices/{id}/decommission", cordon.RoleAnalyst, s.handleDecommission)
	s.handle("POST /api/v1/devices/{id}/dispose", cordon.RoleAnalyst, s.handleDispose)
}

var lifecycleOps = []apiOp{
	{"GET /api/v1/lifecycle/forecast", "Replacements and end-of-support events of the devices in service, per month for the coming months (36 by default), by site and category, with cost in GBP and the unknowns counted. format=csv gives one row per event.",
		cordon.RoleViewer, []string{"months", "site", "category", "medical", "format:forecast"}, nil, 200, forecast.Forecast{}},
	{"GET /api/v1/devices/{id}/lifecycle", "A device's lifecycle: commissioning, expected life, planned replacement and cost, end of support with its source (or unknown), and its state.", cordon.RoleViewer, nil, nil, 200, cordon.DeviceLifecycle{}},
	{"PUT /api/v1/devices/{id}/lifecycle", "Replace a device's lifecycle plan (audited). Dates are YYYY-MM-DD; an empty date is not recorded. An end of support needs its source.", cordon.RoleAnalyst, nil, LifecyclePlanBody{}, 200, cordon.DeviceLifecycle{}},
	{"POST /api/v1/devices/{id}/decommission", "Take an in-service device out of service (audited). 409 if it is not in service.", cordon.RoleAnalyst, nil, DecommissionBody{}, 200, cordon.DeviceLifecycle{}},
	{"POST /api/v1/devices/{id}/dispose", "Record a decommissioned device's disposal (audited). A device that stores patient data, or whose register entry does not say, needs a sanitisation record. 409 if it is not decommissioned.", cordon.RoleAnalyst, nil, DisposeBody{}, 200, cordon.DeviceLifecycle{}},
}

var lifecycleParams = map[string]map[string]any{
	"months":          {"description": "How many months to look ahead, the current month first.", "schema": map[string]any{"type": "integer", "minimum": 1, "maximum": forecast.MaxMonths, "default": forecast.DefaultMonths}},
	"format:forecast": {"description": "json, or csv for one row per event.", "schema": map[string]any{"type": "string", "enum": []string{"json", "csv"}, "default": "json"}},
}

// LifecyclePlanBody is the body of PUT /devices/{id}/lifecycle: the plan
// with its dates as YYYY-MM-DD.
type LifecyclePlanBody struct {
	CommissionedOn     string `json:"commissioned_on"`
	LifeYears          int    `json:"life_years"`
	ReplaceOn          string `json:"replace_on"`
	ReplacementCost    int64  `json:"replacement_cost"` // GBP, whole pounds
	FundingNote        string `json:"funding_note"`
	EndOfSupportOn     string `json:"end_of_support_on"`
	EndOfSupportSource string `json:"end_of_support_source"`
}

// DecommissionBody is the body of POST /devices/{id}/decommission.
type DecommissionBody struct {
	On     string `json:"on"` // YYYY-MM-DD
	Reason string `json:"reason"`
}

// SanitisationBody is a sanitisation record with its date as YYYY-MM-DD.
type SanitisationBody struct {
	Method      string `json:"method"` // clear, purge or destroy (NIST SP 800-88)
	Operator    string `json:"operator"`
	On          string `json:"on"`
	Certificate string `json:"certificate"`
}

// DisposeBody is the body of POST /devices/{id}/dispose.
type DisposeBody struct {
	On           string            `json:"on"` // YYYY-MM-DD
	Sanitisation *SanitisationBody `json:"sanitisation,omitempty"`
}

// optionalDate reads a date field that may be empty.
func optionalDate(field, v string) (time.Time, error) {
	if strings.TrimSpace(v) == "" {
		return time.Time{}, nil
	}
	return cordon.ParseDate(field, v)
}

// plan checks the body's dates and turns it into the domain's plan.
func (b LifecyclePlanBody) plan() (cordon.LifecyclePlan, error) {
	p := cordon.LifecyclePlan{LifeYears: b.LifeYears, ReplacementCost: b.ReplacementCost, FundingNote: b.FundingNote,
		EndOfSupportSource: b.EndOfSupportSource}
	var err error
	if p.CommissionedOn, err = optionalDate("commissioned_on", b.CommissionedOn); err != nil {
		return p, err
	}
	if p.ReplaceOn, err = optionalDate("replace_on", b.ReplaceOn); err != nil {
		return p, err
	}
	if p.EndOfSupportOn, err = optionalDate("end_of_support_on", b.EndOfSupportOn); err != nil {
		return p, err
	}
	return p, p.Validate()
}

// disposal checks the body and turns it into the domain's disposal.
func (b DisposeBody) disposal() (cordon.Disposal, error) {
	var d cordon.Disposal
	var err error
	if d.On, err = cordon.ParseDate("on", b.On); err != nil {
		return d, err
	}
	if s := b.Sanitisation; s != nil {
		d.Sanitisation = &cordon.Sanitisation{Method: s.Method, Operator: s.Operator, Certificate: s.Certificate}
		if d.Sanitisation.On, err = cordon.ParseDate("sanitisation.on", s.On); err != nil {
			return d, err
		}
	}
	return d, nil
}

func (s *Server) handleLifecycleForecast(w http.ResponseWriter, r *http.Request) {
	q, err := query(r, "months", "site", "category", "medical", "format")
	if err != nil {
		Error(w, r, err)
		return
	}
	months := forecast.DefaultMonths
	if v := q.Get("months"); v != "" {
		if months, err = strconv.Atoi(v); err != nil || months < 1 || months > forecast.MaxMonths {
			Error(w, r, cordon.Errorf(cordon.EINVALID, "months must be a whole number from 1 to %d, not %q.", forecast.MaxMonths, v))
			return
		}
	}
	f := cordon.LifecycleFilter{State: cordon.LifecycleInService, Site: q.Get("site"), Category: q.Get("category")}
	if err := oneOf("category", f.Category, cordon.Categories); err != nil {
		Error(w, r, err)
		return
	}
	if f.Medical, err = boolParam(q, "medical"); err != nil {
		Error(w, r, err)
		return
	}
	format := q.Get("format")
	if err := oneOf("format", format, []string{"json", "csv"}); err != nil {
		Error(w, r, err)
		return
	}
	svc, err := s.lifecycles()
	if err != nil {
		Error(w, r, err)
		return
	}
	ls, err := forecast.Load(r.Context(), svc, f)
	if err != nil {
		Error(w, r, err)
		return
	}
	fc, err := forecast.Build(ls, s.timeNow(), months)
	if err != nil {
		Error(w, r, err)
		return
	}
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="lifecycle-forecast.csv"`)
		if err := forecast.WriteCSV(w, fc); err != nil {
			logFrom(r).Error("write forecast csv", slog.String("error", err.Error()))
		}
		return
	}
	writeJSON(w, http.StatusOK, fc)
}

func (s *Server) handleLifecycleView(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "device")
	if err != nil {
		Error(w, r, err)
		return
	}
	svc, err := s.lifecycles()
	if err != nil {
		Error(w, r, err)
		return
	}
	l, err := svc.FindLifecycle(r.Context(), id)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, l)
}

func (s *Server) handleLifecycleUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "device")
	if err != nil {
		Error(w, r, err)
		return
	}
	var b LifecyclePlanBody
	if err := decodeJSON(w, r, &b); err != nil {
		Error(w, r, err)
		return
	}
	p, err := b.plan()
	if err != nil {
		Error(w, r, err)
		return
	}
	svc, err := s.lifecycles()
	if err != nil {
		Error(w, r, err)
		return
	}
	l, err := svc.UpdateLifecycle(r.Context(), id, p)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, l)
}

func (s *Server) handleDecommission(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "device")
	if err != nil {
		Error(w, r, err)
		return
	}
	var b DecommissionBody
	if err := decodeJSON(w, r, &b); err != nil {
		Error(w, r, err)
		return
	}
	on, err := cordon.ParseDate("on", b.On)
	if err != nil {
		Error(w, r, err)
		return
	}
	svc, err := s.lifecycles()
	if err != nil {
		Error(w, r, err)
		return
	}
	l, err := svc.Decommission(r.Context(), id, cordon.Decommissioning{On: on, Reason: b.Reason})
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, l)
}

func (s *Server) handleDispose(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "device")
	if err != nil {
		Error(w, r, err)
		return
	}
	var b DisposeBody
	if err := decodeJSON(w, r, &b); err != nil {
		Error(w, r, err)
		return
	}
	d, err := b.disposal()
	if err != nil {
		Error(w, r, err)
		return
	}
	svc, err := s.lifecycles()
	if err != nil {
		Error(w, r, err)
		return
	}
	l, err := svc.Dispose(r.Context(), id, d)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, l)
}

func (s *Server) lifecycles() (cordon.LifecycleService, error) {
	return configured(s.LifecycleService, "lifecycle")
}
