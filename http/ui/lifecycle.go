package ui

import (
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/chart"
	"github.com/cordonsec/cordon/forecast"
)

func (h *Handler) registerLifecycleRoutes(mux *http.ServeMux) {
	h.route(mux, "GET /lifecycle", cordon.RoleViewer, h.handleLifecycleForecast)
	h.route(mux, "GET /lifecycle.csv", cordon.RoleViewer, h.handleLifecycleCSV)
	h.route(mux, "POST /devices/{id}/lifecycle", cordon.RoleAnalyst, h.handleLifecycleUpdate)
	h.route(mux, "POST /devices/{id}/decommission", cordon.RoleAnalyst, h.handleLifecycleDecommission)
	h.route(mux, "POST /devices/{id}/dispose", cordon.RoleAnalyst, h.handleLifecycleDispose)
}

// lifecyclePage is the data of the replacement forecast.
type lifecyclePage struct {
	page
	Available bool
	Months    int
	Forecast  *forecast.Forecast
	// Charts: replacements and end-of-support events per month, and the
	// cost of the replacements per month.
	EventChart, CostChart template.HTML
	ExportCSV             string
	// Tables are the forecast by site and by category.
	Tables []lifecycleTable
}

// lifecycleTable is the forecast of a list of groups, with each group's
// name as people read it.
type lifecycleTable struct {
	Heading string
	Rows    []lifecycleGroupRow
}

type lifecycleGroupRow struct {
	forecast.Group
	Label string
}

// forecastMonths reads the look-ahead from the query, 36 by default.
func forecastMonths(r *http.Request) (int, error) {
	v := r.URL.Query().Get("months")
	if v == "" {
		return forecast.DefaultMonths, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > forecast.MaxMonths {
		return 0, cordon.Errorf(cordon.EINVALID, "months must be a whole number from 1 to %d, not %q.", forecast.MaxMonths, v)
	}
	return n, nil
}

// buildForecast forecasts the devices in service as of the handler's clock.
func (h *Handler) buildForecast(r *http.Request) (*forecast.Forecast, int, error) {
	months, err := forecastMonths(r)
	if err != nil {
		return nil, 0, err
	}
	ls, err := forecast.Load(r.Context(), h.cfg.Lifecycles, cordon.LifecycleFilter{State: cordon.LifecycleInService})
	if err != nil {
		return nil, 0, err
	}
	f, err := forecast.Build(ls, h.now(), months)
	return f, months, err
}

func (h *Handler) handleLifecycleForecast(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	p := &lifecyclePage{page: h.base(r, u, "Lifecycle and replacement", "lifecycle")}
	if h.cfg.Lifecycles == nil {
		h.render(w, r, http.StatusOK, "lifecycle", p)
		return
	}
	p.Available = true
	f, months, err := h.buildForecast(r)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	p.Forecast, p.Months = f, months
	// The chart package draws one series per chart, so the events and
	// their cost are two pictures: replacements and end-of-support events
	// side by side, month by month, and the money the replacements need.
	var events, cost []chart.Item
	for _, m := range f.Months {
		label := m.Start.Format("Jan 06")
		events = append(events,
			chart.Item{Label: label + " repl.", Value: float64(m.Replacements), Class: chart.ClassAccent},
			chart.Item{Label: label + " EoS", Value: float64(m.EndOfSupport), Class: chart.ClassWarning})
		cost = append(cost, chart.Item{Label: label, Value: float64(m.Cost), Class: chart.ClassMedical})
	}
	p.EventChart = chart.Columns("Replacements and end of support per month", events)
	p.CostChart = chart.Columns("Replacement cost per month (GBP)", cost)
	p.ExportCSV = "/lifecycle.csv?months=" + strconv.Itoa(months)
	sites, cats := lifecycleTable{Heading: "site"}, lifecycleTable{Heading: "category"}
	for _, g := range f.BySite {
		sites.Rows = append(sites.Rows, lifecycleGroupRow{Group: g, Label: g.Name})
	}
	for _, g := range f.ByCategory {
		cats.Rows = append(cats.Rows, lifecycleGroupRow{Group: g, Label: categoryLabel(g.Name)})
	}
	p.Tables = []lifecycleTable{sites, cats}
	h.render(w, r, http.StatusOK, "lifecycle", p)
}

func (h *Handler) handleLifecycleCSV(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	if h.cfg.Lifecycles == nil {
		h.renderError(w, r, cordon.Errorf(cordon.ENOTFOUND, "Lifecycles are not configured on this server."))
		return
	}
	f, _, err := h.buildForecast(r)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="lifecycle-forecast-`+h.now().UTC().Format("2006-01-02")+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	if err := forecast.WriteCSV(w, f); err != nil {
		h.log.Error("write lifecycle csv", slog.String("error", err.Error()))
	}
}

// lifecyclePounds formats whole pounds: "£1,250,000".
func lifecyclePounds(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	b.WriteString("£")
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// deviceLifecycle is the device page's lifecycle section.
type deviceLifecycle struct {
	*cordon.DeviceLifecycle
	CSRF    string
	CanEdit bool
	// NeedsSanitisation says the dispose form must carry a sanitisation
	// record (the device stores patient data, or the register does not say).
	NeedsSanitisation bool
	Methods           []string
	Today             string
}

// Cost is the replacement cost in pounds, "" when not recorded.
func (d *deviceLifecycle) Cost() string {
	if d.Plan.ReplacementCost == 0 {
		return ""
	}
	return lifecyclePounds(d.Plan.ReplacementCost)
}

// Date formats a lifecycle date for a form field, "" for none.
func (d *deviceLifecycle) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// deviceLifecycleOf returns the lifecycle section of device id, nil when
// lifecycles are not configured.
func (h *Handler) deviceLifecycleOf(r *http.Request, u *cordon.User, id int64) (*deviceLifecycle, error) {
	if h.cfg.Lifecycles == nil {
		return nil, nil
	}
	l, err := h.cfg.Lifecycles.FindLifecycle(r.Context(), id)
	if err != nil {
		return nil, err
	}
	p := h.base(r, u, "", "")
	return &deviceLifecycle{DeviceLifecycle: l, CSRF: p.CSRF, CanEdit: p.CanEdit, NeedsSanitisation: cordon.NeedsSanitisation(l.PatientData),
		Methods: cordon.SanitisationMethods, Today: h.now().UTC().Format(time.DateOnly)}, nil
}

// lifecycleForm reads a posted form for a lifecycle change of device id;
// a missing service or device is an error page.
func (h *Handler) lifecycleForm(w http.ResponseWriter, r *http.Request) (int64, bool) {
	if h.cfg.Lifecycles == nil {
		h.renderError(w, r, cordon.Errorf(cordon.ENOTFOUND, "Lifecycles are not configured on this server."))
		return 0, false
	}
	id, err := deviceID(r)
	if err != nil {
		h.renderError(w, r, err)
		return 0, false
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		h.renderError(w, r, cordon.Errorf(cordon.EINVALID, "The form could not be read."))
		return 0, false
	}
	return id, true
}

// lifecycleDate reads an optional date field of a form.
func lifecycleDate(r *http.Request, field, label string) (time.Time, error) {
	v := strings.TrimSpace(r.PostForm.Get(field))
	if v == "" {
		return time.Time{}, nil
	}
	return cordon.ParseDate(label, v)
}

// lifecycleInt reads an optional whole number field of a form; "" is 0.
func lifecycleInt(r *http.Request, field, label string) (int64, error) {
	v := strings.ReplaceAll(strings.TrimPrefix(strings.TrimSpace(r.PostForm.Get(field)), "£"), ",", "")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, cordon.Errorf(cordon.EINVALID, "%s must be a whole number, not %q.", label, r.PostForm.Get(field))
	}
	return n, nil
}

// lifecycleDone finishes a lifecycle form: back to the device's section,
// or the error page that names the problem.
func (h *Handler) lifecycleDone(w http.ResponseWriter, r *http.Request, id int64, err error) {
	if cordon.ErrorCode(err) == cordon.ENOTFOUND {
		err = notFound("device")
	}
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/devices/"+strconv.FormatInt(id, 10)+"?lifecycle=saved#lifecycle", http.StatusSeeOther)
}

func (h *Handler) handleLifecycleUpdate(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	id, ok := h.lifecycleForm(w, r)
	if !ok {
		return
	}
	var p cordon.LifecyclePlan
	var life int64
	err := lifecycleFirstErr(
		func() (err error) {
			p.CommissionedOn, err = lifecycleDate(r, "commissioned_on", "The commissioning date")
			return
		},
		func() (err error) { life, err = lifecycleInt(r, "life_years", "The expected life"); return },
		func() (err error) {
			p.ReplaceOn, err = lifecycleDate(r, "replace_on", "The planned replacement date")
			return
		},
		func() (err error) {
			p.ReplacementCost, err = lifecycleInt(r, "replacement_cost", "The replacement cost")
			return
		},
		func() (err error) {
			p.EndOfSupportOn, err = lifecycleDate(r, "end_of_support_on", "The end of support")
			return
		},
	)
	if err == nil {
		if life < 0 || life > 50 {
			err = cordon.Errorf(cordon.EINVALID, "The expected life must be 0 to 50 years, not %d.", life)
		}
		p.LifeYears, p.FundingNote, p.EndOfSupportSource = int(life), r.PostForm.Get("funding_note"), r.PostForm.Get("end_of_support_source")
	}
	if err == nil {
		_, err = h.cfg.Lifecycles.UpdateLifecycle(r.Context(), id, p)
	}
	h.lifecycleDone(w, r, id, err)
}

func (h *Handler) handleLifecycleDecommission(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	id, ok := h.lifecycleForm(w, r)
	if !ok {
		return
	}
	on, err := cordon.ParseDate("The decommissioning date", r.PostForm.Get("on"))
	if err == nil {
		_, err = h.cfg.Lifecycles.Decommission(r.Context(), id, cordon.Decommissioning{On: on, Reason: r.PostForm.Get("reason")})
	}
	h.lifecycleDone(w, r, id, err)
}

func (h *Handler) handleLifecycleDispose(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	id, ok := h.lifecycleForm(w, r)
	if !ok {
		return
	}
	d := cordon.Disposal{}
	var err error
	d.On, err = cordon.ParseDate("The disposal date", r.PostForm.Get("on"))
	f := r.PostForm
	if err == nil && (f.Get("method") != "" || f.Get("operator") != "" || f.Get("sanitised_on") != "" || f.Get("certificate") != "") {
		s := &cordon.Sanitisation{Method: f.Get("method"), Operator: f.Get("operator"), Certificate: f.Get("certificate")}
		s.On, err = cordon.ParseDate("The sanitisation date", f.Get("sanitised_on"))
		d.Sanitisation = s
	}
	if err == nil {
		_, err = h.cfg.Lifecycles.Dispose(r.Context(), id, d)
	}
	h.lifecycleDone(w, r, id, err)
}

// lifecycleFirstErr runs fns in order and returns the first error.
func lifecycleFirstErr(fns ...func() error) error {
	for _, fn := range fns {
		if err := fn(); err != nil {
			return err
		}
	}
	return nil
}
