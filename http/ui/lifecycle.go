package ui

import (
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

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
	// EventChart stacks replacements and ends of support per month;
	// CostChart is the money the replacements need, on the same months.
	// The page repeats both as a table for those who cannot see them.
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
	p.EventChart, p.CostChart = lifecycleCharts(f)
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

// lifecycleLabelEvery is the spacing of the charts' month labels: January
// and July, as far apart as "Jan 2027" needs on 36 columns.
const lifecycleLabelEvery = 6

// lifecycleCharts draws the month-by-month charts of a forecast. Both
// label the same months, so the cost can be read against the events.
func lifecycleCharts(f *forecast.Forecast) (events, cost template.HTML) {
	// Count from the first January or July in the window.
	from := (13 - int(f.Start.Month())) % lifecycleLabelEvery
	ev := chart.Stacked{Title: "Replacements due and support ending, per month", LabelEvery: lifecycleLabelEvery, LabelFrom: from,
		Series: []chart.Series{
			{Name: "Replacements due", One: "replacement", Many: "replacements", Class: chart.ClassAccent},
			{Name: "Support ends", One: "support end", Many: "support ends", Class: chart.ClassWarning},
		}}
	money := chart.Stacked{Title: "Replacement cost per month, in pounds (GBP)", Prefix: "£", LabelEvery: lifecycleLabelEvery, LabelFrom: from,
		Series: []chart.Series{{Name: "Cost of the replacements due (GBP)", Class: chart.ClassMedical}}}
	for _, m := range f.Months {
		label := m.Start.Format("Jan 2006")
		ev.Stacks = append(ev.Stacks, chart.Stack{Label: label, Values: []float64{float64(m.Replacements), float64(m.EndOfSupport)}})
		money.Stacks = append(money.Stacks, chart.Stack{Label: label, Values: []float64{float64(m.Cost)}})
	}
	return chart.StackedColumns(ev), chart.StackedColumns(money)
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
