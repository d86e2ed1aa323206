package http

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/csvsafe"
)

func (s *Server) registerExceptionRoutes() {
	s.handle("GET /api/v1/exceptions", cordon.RoleViewer, s.handleExceptionIndex)
	s.handle("POST /api/v1/exceptions", cordon.RoleAnalyst, s.handleExceptionCreate)
	s.handle("GET /api/v1/exceptions/coverage", cordon.RoleViewer, s.handleExceptionCoverage)
	s.handle("GET /api/v1/exceptions/{id}", cordon.RoleViewer, s.handleExceptionView)
	s.handle("PUT /api/v1/exceptions/{id}", cordon.RoleAnalyst, s.handleExceptionUpdate)
	s.handle("POST /api/v1/exceptions/{id}/revoke", cordon.RoleAnalyst, s.handleExceptionRevoke)
	s.handle("GET /api/v1/devices/{id}/plan", cordon.RoleViewer, s.handleDevicePlan)
}

// ExceptionBody is the body of POST /exceptions and PUT /exceptions/{id}:
// an exception as a person writes it, dates as "2026-09-30". On PUT the
// device or model is the exception's own and may be left out.
type ExceptionBody struct {
	DeviceID   int64         `json:"device_id,omitempty"`
	ModelID    int64         `json:"model_id,omitempty"`
	Reason     string        `json:"reason"`
	ReasonText string        `json:"reason_text,omitempty"`
	CVEs       []string      `json:"cves,omitempty"` // none: all CVEs
	RiskRef    string        `json:"risk_ref"`
	Owner      string        `json:"owner"`
	Expires    string        `json:"expires"` // the last day it holds
	Controls   []ControlBody `json:"controls"`
}

// ControlBody is one compensating control in an ExceptionBody. Class may
// be left out for the kind's usual class.
type ControlBody struct {
	Kind       string `json:"kind"`
	Class      string `json:"class,omitempty"`
	Status     string `json:"status"`
	Evidence   string `json:"evidence,omitempty"`
	ReviewDate string `json:"review_date"`
}

// RevokeBody is the body of POST /exceptions/{id}/revoke.
type RevokeBody struct {
	Reason string `json:"reason"`
}

// exception turns a body into the domain's exception, naming the field at
// fault in any error.
func (b ExceptionBody) exception() (*cordon.Exception, error) {
	e := &cordon.Exception{DeviceID: b.DeviceID, ModelID: b.ModelID, Reason: b.Reason, ReasonText: b.ReasonText,
		RiskRef: b.RiskRef, Owner: b.Owner, CVEs: []string{}, Controls: []cordon.Control{}}
	var err error
	if b.Expires == "" {
		return nil, cordon.Errorf(cordon.EINVALID, "expires is required: the last day the exception holds, such as 2026-09-30.")
	}
	if e.Expires, err = cordon.ParseDate("expires", b.Expires); err != nil {
		return nil, err
	}
	if e.CVEs, err = cordon.ParseCVEList(strings.Join(b.CVEs, ",")); err != nil {
		return nil, err
	}
	if len(b.Controls) > cordon.MaxControls {
		return nil, cordon.Errorf(cordon.EINVALID, "An exception has at most %d controls, not %d.", cordon.MaxControls, len(b.Controls))
	}
	for i, c := range b.Controls {
		ctl := cordon.Control{Kind: c.Kind, Class: c.Class, Status: c.Status, Evidence: c.Evidence}
		if k := cordon.FindControlKind(c.Kind); k != nil && ctl.Class == "" {
			ctl.Class = k.Classes[0]
		}
		if ctl.ReviewDate, err = cordon.ParseDate("controls["+strconv.Itoa(i)+"].review_date", c.ReviewDate); err != nil {
			return nil, err
		}
		e.Controls = append(e.Controls, ctl)
	}
	return e, nil
}

func (s *Server) exceptions() (cordon.ExceptionService, error) {
	return configured(s.ExceptionService, "exception")
}

// exceptionFilter reads the query of GET /exceptions.
func exceptionFilter(q url.Values) (cordon.ExceptionFilter, error) {
	f := cordon.ExceptionFilter{State: q.Get("state")}
	var err error
	if f.Offset, f.Limit, err = page(q); err != nil {
		return f, err
	}
	for name, dst := range map[string]*int64{"device": &f.DeviceID, "model": &f.ModelID} {
		if v := q.Get(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1 {
				return f, cordon.Errorf(cordon.EINVALID, "%s must be an ID (1 or more), not %q.", name, v)
			}
			*dst = n
		}
	}
	if err := oneOf("state", f.State, cordon.ExceptionStates); err != nil {
		return f, err
	}
	due, err := boolParam(q, "due")
	if err != nil {
		return f, err
	}
	f.Due = due != nil && *due
	return f, oneOf("format", q.Get("format"), []string{"json", "csv"})
}

func (s *Server) handleExceptionIndex(w http.ResponseWriter, r *http.Request) {
	q, err := query(r, "device", "model", "state", "due", "format", "offset", "limit")
	if err != nil {
		Error(w, r, err)
		return
	}
	f, err := exceptionFilter(q)
	if err != nil {
		Error(w, r, err)
		return
	}
	svc, err := s.exceptions()
	if err != nil {
		Error(w, r, err)
		return
	}
	if q.Get("format") == "csv" {
		s.writeExceptionsCSV(w, r, svc, f)
		return
	}
	es, total, err := svc.FindExceptions(r.Context(), f)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list("exceptions", es, total, f.Offset, f.Limit))
}

// writeExceptionsCSV writes every exception f selects (paging through
// them), formula-safe.
func (s *Server) writeExceptionsCSV(w http.ResponseWriter, r *http.Request, svc cordon.ExceptionService, f cordon.ExceptionFilter) {
	f.Offset, f.Limit = 0, MaxPageLimit
	var all []*cordon.Exception
	for {
		es, total, err := svc.FindExceptions(r.Context(), f)
		if err != nil {
			Error(w, r, err)
			return
		}
		all = append(all, es...)
		f.Offset += len(es)
		if len(es) == 0 || f.Offset >= total {
			break
		}
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="exceptions.csv"`)
	cw := csv.NewWriter(w)
	cw.Write(ExceptionCSVHeader)
	for _, e := range all {
		cw.Write(ExceptionCSVRow(e))
	}
	cw.Flush()
}

// ExceptionCSVHeader names the columns of ExceptionCSVRow.
var ExceptionCSVHeader = []string{"id", "subject", "device_id", "model_id", "state", "reason", "reason_text", "cves",
	"risk_ref", "owner", "expires", "review_due", "due_for_review", "plan_complete", "plan_problems", "controls", "revoke_reason"}

// ExceptionCSVRow is one exception as formula-safe CSV cells; controls are
// "kind (class, status, review date)" joined by "; ".
func ExceptionCSVRow(e *cordon.Exception) []string {
	var controls []string
	for _, c := range e.Controls {
		controls = append(controls, c.Kind+" ("+c.Class+", "+c.Status+", review "+c.ReviewDate.Format(time.DateOnly)+")")
	}
	cves := strings.Join(e.CVEs, " ")
	if cves == "" {
		cves = "all"
	}
	return csvsafe.Row([]string{strconv.FormatInt(e.ID, 10), e.Subject, idCell(e.DeviceID), idCell(e.ModelID), e.State,
		e.Reason, e.ReasonText, cves, e.RiskRef, e.Owner, e.Expires.Format(time.DateOnly), e.ReviewDue.Format(time.DateOnly),
		strconv.FormatBool(e.DueForReview), strconv.FormatBool(e.Plan.Complete), strings.Join(e.Plan.Problems, " "),
		strings.Join(controls, "; "), e.RevokeReason})
}

func idCell(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

func (s *Server) handleExceptionCreate(w http.ResponseWriter, r *http.Request) {
	var b ExceptionBody
	if err := decodeJSON(w, r, &b); err != nil {
		Error(w, r, err)
		return
	}
	e, err := b.exception()
	if err != nil {
		Error(w, r, err)
		return
	}
	svc, err := s.exceptions()
	if err != nil {
		Error(w, r, err)
		return
	}
	if err := svc.CreateException(r.Context(), e); err != nil {
		Error(w, r, err)
		return
	}
	s.reassessException(r, e)
	writeJSON(w, http.StatusCreated, e)
}

func (s *Server) handleExceptionView(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "exception")
	if err != nil {
		Error(w, r, err)
		return
	}
	svc, err := s.exceptions()
	if err != nil {
		Error(w, r, err)
		return
	}
	e, err := svc.FindExceptionByID(r.Context(), id)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

func (s *Server) handleExceptionUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "exception")
	if err != nil {
		Error(w, r, err)
		return
	}
	var b ExceptionBody
	if err := decodeJSON(w, r, &b); err != nil {
		Error(w, r, err)
		return
	}
	svc, err := s.exceptions()
	if err != nil {
		Error(w, r, err)
		return
	}
	// The subject cannot change; a body naming another is a mistake to
	// report, not to ignore.
	cur, err := svc.FindExceptionByID(r.Context(), id)
	if err != nil {
		Error(w, r, err)
		return
	}
	if (b.DeviceID != 0 && b.DeviceID != cur.DeviceID) || (b.ModelID != 0 && b.ModelID != cur.ModelID) {
		Error(w, r, cordon.Errorf(cordon.EINVALID, "An exception's device or model cannot change; revoke it and record a new one."))
		return
	}
	b.DeviceID, b.ModelID = cur.DeviceID, cur.ModelID
	e, err := b.exception()
	if err != nil {
		Error(w, r, err)
		return
	}
	e.ID = id
	if err := svc.UpdateException(r.Context(), e); err != nil {
		Error(w, r, err)
		return
	}
	s.reassessException(r, e)
	writeJSON(w, http.StatusOK, e)
}

func (s *Server) handleExceptionRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "exception")
	if err != nil {
		Error(w, r, err)
		return
	}
	var b RevokeBody
	if err := decodeJSON(w, r, &b); err != nil {
		Error(w, r, err)
		return
	}
	svc, err := s.exceptions()
	if err != nil {
		Error(w, r, err)
		return
	}
	e, err := svc.RevokeException(r.Context(), id, b.Reason)
	if err != nil {
		Error(w, r, err)
		return
	}
	s.reassessException(r, e)
	writeJSON(w, http.StatusOK, e)
}

func (s *Server) handleExceptionCoverage(w http.ResponseWriter, r *http.Request) {
	svc, err := s.exceptions()
	if err != nil {
		Error(w, r, err)
		return
	}
	cov, err := svc.ExceptionCoverage(r.Context())
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, cov)
}

func (s *Server) handleDevicePlan(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "device")
	if err != nil {
		Error(w, r, err)
		return
	}
	svc, err := s.exceptions()
	if err != nil {
		Error(w, r, err)
		return
	}
	p, err := svc.DevicePlan(r.Context(), id)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// exceptionList is the list envelope, for the document only.
type exceptionList struct {
	Exceptions []cordon.Exception `json:"exceptions"`
	pageInfo
}

var exceptionOps = []apiOp{
	{"GET /api/v1/exceptions", "List exceptions (devices or models that cannot be fixed), soonest review first; ?format=csv for a spreadsheet of all that match.", cordon.RoleViewer,
		[]string{"device:exception", "model:exception", "state:exception", "due:exception", "format:exception", "offset", "limit"}, nil, 200, exceptionList{}},
	{"POST /api/v1/exceptions", "Record an exception for a device or a model, with its compensating controls (audited).", cordon.RoleAnalyst, nil, ExceptionBody{}, 201, cordon.Exception{}},
	{"GET /api/v1/exceptions/coverage", "Exposed devices without an exception, devices whose exception expired, exceptions due for review.", cordon.RoleViewer, nil, nil, 200, cordon.ExceptionCoverage{}},
	{"GET /api/v1/exceptions/{id}", "One exception with its controls, state, review date and plan check.", cordon.RoleViewer, nil, nil, 200, cordon.Exception{}},
	{"PUT /api/v1/exceptions/{id}", "Replace an exception's fields and controls (audited); its device or model stays. A revoked exception cannot change (409).", cordon.RoleAnalyst, nil, ExceptionBody{}, 200, cordon.Exception{}},
	{"POST /api/v1/exceptions/{id}/revoke", "Revoke an exception with a reason (audited); 409 if revoked already.", cordon.RoleAnalyst, nil, RevokeBody{}, 200, cordon.Exception{}},
	{"GET /api/v1/devices/{id}/plan", "A device's mitigation plan: the controls of its own and its model's active exceptions, and whether the plan is complete.", cordon.RoleViewer, nil, nil, 200, cordon.MitigationPlan{}},
}

var exceptionParams = map[string]map[string]any{
	"device:exception": {"description": "Device ID: its own exceptions and its model's.", "schema": map[string]any{"type": "integer", "format": "int64", "minimum": 1}},
	"model:exception":  {"description": "Device model ID.", "schema": map[string]any{"type": "integer", "format": "int64", "minimum": 1}},
	"state:exception":  {"description": "Exception state at the server's today; expired follows the expiry date.", "schema": map[string]any{"type": "string", "enum": cordon.ExceptionStates}},
	"due:exception":    {"description": "Only exceptions due for review: expiry or a control's review date within 30 days, or past.", "schema": map[string]any{"type": "boolean"}},
	"format:exception": {"description": "json (a page) or csv (every exception that matches).", "schema": map[string]any{"type": "string", "enum": []string{"json", "csv"}, "default": "json"}},
}
