package ui

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

// exceptionsPerPage is the exception list's page length.
const exceptionsPerPage = 50

func (h *Handler) registerExceptionRoutes(mux *http.ServeMux) {
	h.route(mux, "GET /exceptions", cordon.RoleViewer, h.handleExceptionList)
	h.route(mux, "GET /exceptions.csv", cordon.RoleViewer, h.handleExceptionCSV)
	h.route(mux, "GET /exceptions/new", cordon.RoleAnalyst, h.handleExceptionNew)
	h.route(mux, "POST /exceptions", cordon.RoleAnalyst, h.handleExceptionCreate)
	h.route(mux, "GET /exceptions/{id}", cordon.RoleViewer, h.handleExceptionView)
	h.route(mux, "POST /exceptions/{id}", cordon.RoleAnalyst, h.handleExceptionUpdate)
	h.route(mux, "POST /exceptions/{id}/revoke", cordon.RoleAnalyst, h.handleExceptionRevoke)
}

// exceptionsPage is the data of the exception list.
type exceptionsPage struct {
	page
	Available bool
	State     string
	Due       bool
	States    []string
	Rows      []*cordon.Exception
	Coverage  *cordon.ExceptionCoverage
	Pager     *pager
	ExportCSV string
}

// exceptionFilterFrom reads the list's query: state and due.
func exceptionFilterFrom(q url.Values) (cordon.ExceptionFilter, error) {
	f := cordon.ExceptionFilter{State: q.Get("state"), Due: q.Get("due") == "yes"}
	if f.State != "" && !contains(cordon.ExceptionStates, f.State) {
		return f, cordon.Errorf(cordon.EINVALID, "The state must be one of %s, not %q.", strings.Join(cordon.ExceptionStates, ", "), f.State)
	}
	for name, dst := range map[string]*int64{"device": &f.DeviceID, "model": &f.ModelID} {
		if v := q.Get(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1 {
				return f, cordon.Errorf(cordon.EINVALID, "The %s must be an ID (1 or more), not %q.", name, v)
			}
			*dst = n
		}
	}
	return f, nil
}

func (h *Handler) handleExceptionList(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	p := &exceptionsPage{page: h.base(r, u, "Exceptions", "exceptions"), States: cordon.ExceptionStates}
	if h.cfg.Exceptions == nil {
		h.render(w, r, http.StatusOK, "exceptions", p)
		return
	}
	p.Available = true
	q := r.URL.Query()
	f, err := exceptionFilterFrom(q)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	p.State, p.Due = f.State, f.Due
	n := pageNumber(q)
	f.Offset, f.Limit = (n-1)*exceptionsPerPage, exceptionsPerPage
	rows, total, err := h.cfg.Exceptions.FindExceptions(r.Context(), f)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	p.Rows = rows
	if p.Coverage, err = h.cfg.Exceptions.ExceptionCoverage(r.Context()); err != nil {
		h.renderError(w, r, err)
		return
	}
	p.Pager = newPager("/exceptions", q, n, exceptionsPerPage, total)
	p.ExportCSV = "/exceptions.csv"
	if enc := withoutPage(q).Encode(); enc != "" {
		p.ExportCSV += "?" + enc
	}
	h.render(w, r, http.StatusOK, "exceptions", p)
}

// exceptionCSVHeader names the columns of the export; controls are
// "kind (class, status, review date)" joined by "; ".
var exceptionCSVHeader = []string{"id", "subject", "device_id", "model_id", "state", "reason", "reason_text", "cves",
	"risk_ref", "owner", "expires", "review_due", "due_for_review", "plan_complete", "plan_problems", "controls", "revoke_reason"}

func exceptionCSVRow(e *cordon.Exception) []string {
	var controls []string
	for _, c := range e.Controls {
		controls = append(controls, c.Kind+" ("+c.Class+", "+c.Status+", review "+c.ReviewDate.Format(time.DateOnly)+")")
	}
	cves := strings.Join(e.CVEs, " ")
	if cves == "" {
		cves = "all"
	}
	id := func(n int64) string {
		if n == 0 {
			return ""
		}
		return strconv.FormatInt(n, 10)
	}
	return csvsafe.Row([]string{id(e.ID), e.Subject, id(e.DeviceID), id(e.ModelID), e.State, e.Reason, e.ReasonText, cves,
		e.RiskRef, e.Owner, e.Expires.Format(time.DateOnly), e.ReviewDue.Format(time.DateOnly),
		strconv.FormatBool(e.DueForReview), strconv.FormatBool(e.Plan.Complete), strings.Join(e.Plan.Problems, " "),
		strings.Join(controls, "; "), e.RevokeReason})
}

func (h *Handler) handleExceptionCSV(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	if h.cfg.Exceptions == nil {
		h.renderError(w, r, cordon.Errorf(cordon.ENOTFOUND, "Exceptions are not configured on this server."))
		return
	}
	f, err := exceptionFilterFrom(r.URL.Query())
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	var all []*cordon.Exception
	for f.Limit = 1000; ; {
		es, total, err := h.cfg.Exceptions.FindExceptions(r.Context(), f)
		if err != nil {
			h.renderError(w, r, err)
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
	cw.Write(exceptionCSVHeader)
	for _, e := range all {
		cw.Write(exceptionCSVRow(e))
	}
	cw.Flush()
}

// exceptionControlRow is one row of the controls table in the form, as typed.
type exceptionControlRow struct {
	Kind, Class, Status, Evidence, Review string
}

// exceptionForm is the exception form as typed, so that a rejected form
// comes back with what the user entered.
type exceptionForm struct {
	DeviceID, ModelID                 int64
	Reason, ReasonText, CVEs, RiskRef string
	Owner, Expires                    string
	Controls                          []exceptionControlRow
}

// exceptionPage is the data of the new-exception page and of an
// exception's page.
type exceptionPage struct {
	page
	Exception *cordon.Exception // nil on the new page
	Subject   string
	Form      exceptionForm
	FormError string
	Saved     bool
	Reasons   []string
	Kinds     []cordon.ControlKind
	Statuses  []string
}

// emptyControlRows is how many blank control rows the form offers; "Add a
// control" adds one more, without script.
const emptyControlRows = 2

func (h *Handler) exceptionPage(r *http.Request, u *cordon.User, title string) *exceptionPage {
	return &exceptionPage{page: h.base(r, u, title, "exceptions"), Reasons: cordon.ExceptionReasons,
		Kinds: cordon.ControlKinds, Statuses: cordon.ControlStatuses}
}

// exceptionFormOf fills the form from a stored exception.
func exceptionFormOf(e *cordon.Exception) exceptionForm {
	f := exceptionForm{DeviceID: e.DeviceID, ModelID: e.ModelID, Reason: e.Reason, ReasonText: e.ReasonText,
		CVEs: strings.Join(e.CVEs, ", "), RiskRef: e.RiskRef, Owner: e.Owner, Expires: e.Expires.Format(time.DateOnly)}
	for _, c := range e.Controls {
		f.Controls = append(f.Controls, exceptionControlRow{c.Kind, c.Class, c.Status, c.Evidence, c.ReviewDate.Format(time.DateOnly)})
	}
	return f
}

// readExceptionForm reads the posted form; rows without a kind, or ticked
// for removal, are dropped.
func readExceptionForm(r *http.Request) exceptionForm {
	f := exceptionForm{Reason: r.PostFormValue("reason"), ReasonText: strings.TrimSpace(r.PostFormValue("reason_text")),
		CVEs: r.PostFormValue("cves"), RiskRef: strings.TrimSpace(r.PostFormValue("risk_ref")),
		Owner: strings.TrimSpace(r.PostFormValue("owner")), Expires: strings.TrimSpace(r.PostFormValue("expires"))}
	f.DeviceID, _ = strconv.ParseInt(r.PostFormValue("device_id"), 10, 64)
	f.ModelID, _ = strconv.ParseInt(r.PostFormValue("model_id"), 10, 64)
	rows, _ := strconv.Atoi(r.PostFormValue("rows"))
	for i := range min(max(rows, 0), cordon.MaxControls+emptyControlRows) {
		n := strconv.Itoa(i)
		c := exceptionControlRow{Kind: r.PostFormValue("kind_" + n), Class: r.PostFormValue("class_" + n), Status: r.PostFormValue("status_" + n),
			Evidence: strings.TrimSpace(r.PostFormValue("evidence_" + n)), Review: strings.TrimSpace(r.PostFormValue("review_" + n))}
		if c.Kind == "" || r.PostFormValue("remove_"+n) == "yes" {
			continue
		}
		f.Controls = append(f.Controls, c)
	}
	return f
}

// exception turns the form into an exception, naming the field at fault.
func (f exceptionForm) exception() (*cordon.Exception, error) {
	e := &cordon.Exception{DeviceID: f.DeviceID, ModelID: f.ModelID, Reason: f.Reason, ReasonText: f.ReasonText,
		RiskRef: f.RiskRef, Owner: f.Owner, Controls: []cordon.Control{}}
	var err error
	if e.CVEs, err = cordon.ParseCVEList(f.CVEs); err != nil {
		return nil, err
	}
	if f.Expires == "" {
		return nil, cordon.Errorf(cordon.EINVALID, "Give an expiry date: the last day the exception holds.")
	}
	if e.Expires, err = cordon.ParseDate("The expiry", f.Expires); err != nil {
		return nil, err
	}
	for i, c := range f.Controls {
		ctl := cordon.Control{Kind: c.Kind, Class: c.Class, Status: c.Status, Evidence: c.Evidence}
		if k := cordon.FindControlKind(c.Kind); k != nil && ctl.Class == "" {
			ctl.Class = k.Classes[0]
		}
		if ctl.ReviewDate, err = cordon.ParseDate("Control "+strconv.Itoa(i+1)+"'s review date", c.Review); err != nil {
			return nil, err
		}
		e.Controls = append(e.Controls, ctl)
	}
	return e, nil
}

// withEmptyRows returns f with blank control rows to fill in.
func (f exceptionForm) withEmptyRows(n int) exceptionForm {
	for range n {
		if len(f.Controls) >= cordon.MaxControls {
			break
		}
		f.Controls = append(f.Controls, exceptionControlRow{Status: cordon.ControlPlanned})
	}
	return f
}

// subjectName names the device or model of the form, checking it exists.
func (h *Handler) subjectName(r *http.Request, f exceptionForm) (string, error) {
	switch {
	case f.DeviceID > 0:
		d, err := h.cfg.Devices.FindDeviceByID(r.Context(), f.DeviceID)
		if err != nil {
			return "", err
		}
		return "device " + deviceName(d), nil
	case f.ModelID > 0 && h.cfg.Models != nil:
		m, err := h.cfg.Models.FindModelByID(r.Context(), f.ModelID)
		if err != nil {
			return "", err
		}
		return "model " + strings.TrimSpace(m.Manufacturer+" "+m.Model+" "+m.Version), nil
	case f.ModelID > 0:
		return "model " + strconv.FormatInt(f.ModelID, 10), nil
	}
	return "", cordon.Errorf(cordon.EINVALID, "Open this form from a device's page or a model's page (?device=ID or ?model=ID).")
}

func (h *Handler) handleExceptionNew(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	if h.cfg.Exceptions == nil {
		h.renderError(w, r, cordon.Errorf(cordon.ENOTFOUND, "Exceptions are not configured on this server."))
		return
	}
	p := h.exceptionPage(r, u, "New exception")
	q := r.URL.Query()
	p.Form.DeviceID, _ = strconv.ParseInt(q.Get("device"), 10, 64)
	p.Form.ModelID, _ = strconv.ParseInt(q.Get("model"), 10, 64)
	p.Form.Reason = cordon.ExceptionNoValidatedPatch
	p.Form.Expires = cordon.Day(h.now()).AddDate(0, 6, 0).Format(time.DateOnly)
	var err error
	if p.Subject, err = h.subjectName(r, p.Form); err != nil {
		h.renderError(w, r, err)
		return
	}
	p.Form = p.Form.withEmptyRows(emptyControlRows + 1)
	h.render(w, r, http.StatusOK, "exception", p)
}

func (h *Handler) handleExceptionCreate(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	if h.cfg.Exceptions == nil {
		h.renderError(w, r, cordon.Errorf(cordon.ENOTFOUND, "Exceptions are not configured on this server."))
		return
	}
	p := h.exceptionPage(r, u, "New exception")
	p.Form = readExceptionForm(r)
	var err error
	if p.Subject, err = h.subjectName(r, p.Form); err != nil {
		h.renderError(w, r, err)
		return
	}
	if r.PostFormValue("action") == "add" {
		p.Form = p.Form.withEmptyRows(1)
		h.render(w, r, http.StatusOK, "exception", p)
		return
	}
	e, err := p.Form.exception()
	if err == nil {
		err = h.cfg.Exceptions.CreateException(r.Context(), e)
	}
	if cordon.ErrorCode(err) == cordon.EINVALID {
		p.FormError = cordon.ErrorMessage(err)
		p.Form = p.Form.withEmptyRows(1)
		h.render(w, r, http.StatusBadRequest, "exception", p)
		return
	}
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	h.reassessException(r, e)
	http.Redirect(w, r, "/exceptions/"+strconv.FormatInt(e.ID, 10)+"?saved=1", http.StatusSeeOther)
}

// findException reads the exception of the {id} path value; a malformed
// ID is a missing exception.
func (h *Handler) findException(r *http.Request) (*cordon.Exception, error) {
	if h.cfg.Exceptions == nil {
		return nil, cordon.Errorf(cordon.ENOTFOUND, "Exceptions are not configured on this server.")
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, notFound("exception")
	}
	e, err := h.cfg.Exceptions.FindExceptionByID(r.Context(), id)
	if cordon.ErrorCode(err) == cordon.ENOTFOUND {
		return nil, notFound("exception")
	}
	return e, err
}

func (h *Handler) handleExceptionView(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	e, err := h.findException(r)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	p := h.exceptionPage(r, u, "Exception "+strconv.FormatInt(e.ID, 10))
	p.Exception, p.Subject, p.Saved = e, e.Subject, r.URL.Query().Get("saved") == "1"
	p.Form = exceptionFormOf(e).withEmptyRows(emptyControlRows)
	h.render(w, r, http.StatusOK, "exception", p)
}

func (h *Handler) handleExceptionUpdate(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	cur, err := h.findException(r)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	p := h.exceptionPage(r, u, "Exception "+strconv.FormatInt(cur.ID, 10))
	p.Exception, p.Subject = cur, cur.Subject
	p.Form = readExceptionForm(r)
	p.Form.DeviceID, p.Form.ModelID = cur.DeviceID, cur.ModelID
	if r.PostFormValue("action") == "add" {
		p.Form = p.Form.withEmptyRows(1)
		h.render(w, r, http.StatusOK, "exception", p)
		return
	}
	e, err := p.Form.exception()
	if err == nil {
		e.ID = cur.ID
		err = h.cfg.Exceptions.UpdateException(r.Context(), e)
	}
	if code := cordon.ErrorCode(err); code == cordon.EINVALID || code == cordon.ECONFLICT {
		p.FormError = cordon.ErrorMessage(err)
		p.Form = p.Form.withEmptyRows(1)
		h.render(w, r, statuses[code], "exception", p)
		return
	}
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	h.reassessException(r, cur)
	http.Redirect(w, r, "/exceptions/"+strconv.FormatInt(cur.ID, 10)+"?saved=1", http.StatusSeeOther)
}

func (h *Handler) handleExceptionRevoke(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	cur, err := h.findException(r)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	if _, err := h.cfg.Exceptions.RevokeException(r.Context(), cur.ID, r.PostFormValue("revoke_reason")); err != nil {
		if code := cordon.ErrorCode(err); code == cordon.EINVALID || code == cordon.ECONFLICT {
			p := h.exceptionPage(r, u, "Exception "+strconv.FormatInt(cur.ID, 10))
			p.Exception, p.Subject, p.FormError = cur, cur.Subject, cordon.ErrorMessage(err)
			p.Form = exceptionFormOf(cur).withEmptyRows(emptyControlRows)
			h.render(w, r, statuses[code], "exception", p)
			return
		}
		h.renderError(w, r, err)
		return
	}
	h.reassessException(r, cur)
	http.Redirect(w, r, "/exceptions/"+strconv.FormatInt(cur.ID, 10)+"?saved=1", http.StatusSeeOther)
}

// deviceExceptions is the device page's section: the device's mitigation
// plan and every exception of it or its model.
type deviceExceptions struct {
	DeviceID int64
	CanEdit  bool
	Plan     *cordon.MitigationPlan
	All      []*cordon.Exception
}

// deviceExceptions returns the section, or nil when exceptions are not
// configured.
func (h *Handler) deviceExceptions(r *http.Request, u *cordon.User, deviceID int64) (*deviceExceptions, error) {
	if h.cfg.Exceptions == nil {
		return nil, nil
	}
	plan, err := h.cfg.Exceptions.DevicePlan(r.Context(), deviceID)
	if err != nil {
		return nil, err
	}
	all, _, err := h.cfg.Exceptions.FindExceptions(r.Context(), cordon.ExceptionFilter{DeviceID: deviceID, Limit: 100})
	if err != nil {
		return nil, err
	}
	return &deviceExceptions{DeviceID: deviceID, CanEdit: h.base(r, u, "", "").CanEdit, Plan: plan, All: all}, nil
}
