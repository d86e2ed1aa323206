package ui

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/remediation"
)

func (h *Handler) registerRemediationRoutes(mux *http.ServeMux) {
	h.route(mux, "GET /remediations", cordon.RoleViewer, h.handleRemediationBoard)
	h.route(mux, "GET /remediations.csv", cordon.RoleViewer, h.handleRemediationCSV)
	h.route(mux, "GET /remediations/scorecard", cordon.RoleViewer, h.handleRemediationScorecard)
	h.route(mux, "GET /remediations/new", cordon.RoleAnalyst, h.handleRemediationNew)
	h.route(mux, "POST /remediations", cordon.RoleAnalyst, h.handleRemediationCreate)
	h.route(mux, "GET /remediations/{id}", cordon.RoleViewer, h.handleRemediationView)
	h.route(mux, "POST /remediations/{id}/transition", cordon.RoleAnalyst, h.handleRemediationTransition)
	h.route(mux, "POST /remediations/{id}/devices", cordon.RoleAnalyst, h.handleRemediationDevices)
}

// errNoRemediations answers remediation pages on a server without the
// store.
var errNoRemediations = cordon.Errorf(cordon.ENOTFOUND, "Remediation tracking is not configured on this server.")

// remediationViewer builds views with the suppliers' service levels.
func (h *Handler) remediationViewer() *remediation.Viewer {
	v := &remediation.Viewer{Limits: remediation.DefaultLimits()}
	if h.cfg.Suppliers != nil {
		v.Suppliers = h.cfg.Suppliers
	}
	return v
}

// remediationFilterForm is the board's filter as typed.
type remediationFilterForm struct {
	Manufacturer, CVE, Overdue string
}

// remediationViews reads the filter of q and returns every matching
// record's view, the overdue filter applied.
func (h *Handler) remediationViews(r *http.Request, q url.Values) ([]*remediation.View, remediationFilterForm, error) {
	form := remediationFilterForm{Manufacturer: strings.TrimSpace(q.Get("manufacturer")), CVE: strings.TrimSpace(q.Get("cve")), Overdue: q.Get("overdue")}
	f := cordon.RemediationFilter{Manufacturer: form.Manufacturer}
	if form.CVE != "" {
		id, err := cordon.NormalizeRemediationSubject(form.CVE)
		if err != nil {
			return nil, form, err
		}
		f.CVE = id
	}
	if v := q.Get("model"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 {
			return nil, form, cordon.Errorf(cordon.EINVALID, "The model filter must be a model number, not %q.", v)
		}
		f.ModelID = id
	}
	overdue := parseBoolValue(form.Overdue)
	if form.Overdue != "" && overdue == nil {
		return nil, form, cordon.Errorf(cordon.EINVALID, "The overdue filter must be yes or no, not %q.", form.Overdue)
	}
	rs, err := remediation.All(r.Context(), h.cfg.Remediations, f)
	if err != nil {
		return nil, form, err
	}
	views, err := h.remediationViewer().Views(r.Context(), rs, h.now())
	if err != nil {
		return nil, form, err
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
	return views, form, nil
}

// boardColumn is one state's column of the board.
type boardColumn struct {
	State string
	Cards []*remediation.View
}

type remediationBoardPage struct {
	page
	remHelpers
	Available bool
	Form      remediationFilterForm
	Filtered  bool
	Columns   []boardColumn
	Total     int
	Overdue   int
	ExportCSV string
}

func (h *Handler) handleRemediationBoard(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	p := &remediationBoardPage{page: h.base(r, u, "Remediation board", "remediations")}
	if h.cfg.Remediations == nil {
		h.render(w, r, http.StatusOK, "remediations", p)
		return
	}
	p.Available = true
	q := r.URL.Query()
	views, form, err := h.remediationViews(r, q)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	p.Form, p.Total = form, len(views)
	p.Filtered = form.Manufacturer != "" || form.CVE != "" || form.Overdue != "" || q.Get("model") != ""
	for _, s := range cordon.RemediationStates {
		col := boardColumn{State: s}
		for _, v := range views {
			if v.State == s {
				col.Cards = append(col.Cards, v)
			}
		}
		p.Columns = append(p.Columns, col)
	}
	for _, v := range views {
		if v.Overdue {
			p.Overdue++
		}
	}
	p.ExportCSV = "/remediations.csv"
	if enc := q.Encode(); enc != "" {
		p.ExportCSV += "?" + enc
	}
	h.render(w, r, http.StatusOK, "remediations", p)
}

func (h *Handler) handleRemediationCSV(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	if h.cfg.Remediations == nil {
		h.renderError(w, r, errNoRemediations)
		return
	}
	views, _, err := h.remediationViews(r, r.URL.Query())
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="cordon-remediations-`+h.now().UTC().Format("2006-01-02")+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	cw.Write(remediation.CSVHeader)
	for _, v := range views {
		cw.Write(remediation.CSVRow(v))
	}
	cw.Flush()
}

type scorecardPage struct {
	page
	remHelpers
	Available bool
	Scores    []remediation.ManufacturerScore
	Limits    remediation.Limits
}

func (h *Handler) handleRemediationScorecard(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	p := &scorecardPage{page: h.base(r, u, "Manufacturer scorecard", "remediations"), Limits: remediation.DefaultLimits()}
	if h.cfg.Remediations != nil {
		p.Available = true
		views, _, err := h.remediationViews(r, url.Values{})
		if err != nil {
			h.renderError(w, r, err)
			return
		}
		p.Scores = remediation.Scorecard(remediation.Scores(views))
	}
	h.render(w, r, http.StatusOK, "scorecard", p)
}

// clockClass is a clock's badge class on the pages: overdue is the alarm,
// late (ended past its limit) a warning.
func clockClass(c remediation.Clock) string {
	switch {
	case c.Overdue:
		return "badge badge-sev-critical"
	case c.Late:
		return "badge badge-warn"
	case c.Started:
		return "badge badge-support-supported"
	}
	return "badge badge-unknown"
}

// stateLabel is a remediation state in words.
func stateLabel(s string) string {
	switch s {
	case cordon.RemediationFixPublished:
		return "Fix published"
	case cordon.RemediationAwaitingValidation:
		return "Awaiting manufacturer validation"
	case cordon.RemediationApproved:
		return "Approved by the manufacturer"
	case cordon.RemediationRejected:
		return "Rejected by the manufacturer"
	case cordon.RemediationNotApplicable:
		return "Not applicable"
	case cordon.RemediationScheduled:
		return "Deployment scheduled"
	case cordon.RemediationApplied:
		return "Applied to every device"
	case "device":
		return "Device"
	}
	return s
}

// networkLabel says what the network shows of a device's deployment.
func networkLabel(s string) string {
	switch s {
	case remediation.Confirmed:
		return "confirmed by the network"
	case remediation.NotYetSeen:
		return "not yet seen since it was applied"
	case remediation.NotConfirmed:
		return "seen since, still not showing the approved version"
	case remediation.SeenUnrecorded:
		return "shows the approved version, not recorded as applied"
	}
	return "no evidence either way"
}

// remHelpers gives the remediation pages their wording and badge classes
// as methods, since the shared template functions are not theirs to extend.
type remHelpers struct{}

// ClockClass is a clock's badge class.
func (remHelpers) ClockClass(c remediation.Clock) string { return clockClass(c) }

// StateLabel is a state in words.
func (remHelpers) StateLabel(s string) string { return stateLabel(s) }

// NetworkLabel is a device's confirmation in words.
func (remHelpers) NetworkLabel(s string) string { return networkLabel(s) }

// IsCVE reports whether a record is about a CVE (not an advisory), which
// has a vulnerability page.
func (remHelpers) IsCVE(s string) bool { return strings.HasPrefix(s, "CVE-") }
