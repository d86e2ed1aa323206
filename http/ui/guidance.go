package ui

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/guidance"
)

// guidancePerPage is the guidance table's page length.
const guidancePerPage = 50

func (h *Handler) registerGuidanceRoutes(mux *http.ServeMux) {
	h.route(mux, "GET /guidance", cordon.RoleViewer, h.handleGuidanceList)
	h.route(mux, "GET /guidance.csv", cordon.RoleViewer, h.handleGuidanceCSV)
}

// guidanceService returns the checks over the configured services, nil
// when there is no conversation store to check traffic against.
func (h *Handler) guidanceService() *guidance.Service {
	if h.cfg.Conversations == nil {
		return nil
	}
	return &guidance.Service{Devices: h.cfg.Devices, Conversations: h.cfg.Conversations,
		Exceptions: h.cfg.Exceptions, Models: h.cfg.Models, Options: h.cfg.Guidance, Now: h.now}
}

// guidanceForm is the table's query as typed, for the filter form.
type guidanceForm struct{ Site, Category, State, Check string }

// guidanceFilterFrom reads the table's query; a bad value is reported
// naming the parameter.
func guidanceFilterFrom(q url.Values) (guidance.Filter, guidanceForm, error) {
	form := guidanceForm{Site: strings.TrimSpace(q.Get("site")), Category: q.Get("category"), State: q.Get("state"), Check: q.Get("check")}
	f := guidance.Filter{Site: form.Site, Category: form.Category, State: form.State, Check: form.Check}
	return f, form, f.Validate()
}

// guidancePage is the data of the trust-wide table.
type guidancePage struct {
	page
	Available bool
	Form      guidanceForm
	Filtered  bool
	Checks    []guidance.CheckInfo
	States    []string
	Rows      []guidance.DeviceReport
	Pager     *pager
	ExportCSV string
	Window    guidance.TrafficWindow
}

func (h *Handler) handleGuidanceList(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	p := &guidancePage{page: h.base(r, u, "Guidance checks", "guidance"), Checks: guidance.Checks, States: guidance.States}
	svc := h.guidanceService()
	if svc == nil {
		h.render(w, r, http.StatusOK, "guidance", p)
		return
	}
	p.Available = true
	q := r.URL.Query()
	f, form, err := guidanceFilterFrom(q)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	p.Form = form
	p.Filtered = form != guidanceForm{}
	n := pageNumber(q)
	f.Offset, f.Limit = (n-1)*guidancePerPage, guidancePerPage
	rows, total, err := svc.Table(r.Context(), f)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	p.Rows, p.Pager = rows, newPager("/guidance", q, n, guidancePerPage, total)
	now := h.now()
	p.Window = guidance.TrafficWindow{Since: now.Add(-guidance.DefaultWindow), Until: now}
	csvQ := url.Values{}
	for k, v := range q {
		if k != "page" {
			csvQ[k] = v
		}
	}
	p.ExportCSV = "/guidance.csv"
	if enc := csvQ.Encode(); enc != "" {
		p.ExportCSV += "?" + enc
	}
	h.render(w, r, http.StatusOK, "guidance", p)
}

// handleGuidanceCSV writes every device the filters select, one column per
// check, formula-safe.
func (h *Handler) handleGuidanceCSV(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	svc := h.guidanceService()
	if svc == nil {
		h.renderError(w, r, cordon.Errorf(cordon.ENOTFOUND, "Guidance checks need the conversation store, which this server lacks."))
		return
	}
	f, _, err := guidanceFilterFrom(r.URL.Query())
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	rows, _, err := svc.Table(r.Context(), f)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="guidance.csv"`)
	cw := csv.NewWriter(w)
	cw.Write(guidance.CSVHeader())
	for i := range rows {
		cw.Write(guidance.CSVRow(&rows[i]))
	}
	cw.Flush()
}

// deviceGuidance is the device page's guidance section, nil without a
// conversation store.
func (h *Handler) deviceGuidance(ctx context.Context, id int64) (*guidance.DeviceReport, error) {
	svc := h.guidanceService()
	if svc == nil {
		return nil, nil
	}
	return svc.Device(ctx, id)
}

// deviceGuidanceSection is the device page's guidance section: one
// device's report.
type deviceGuidanceSection = guidance.DeviceReport
