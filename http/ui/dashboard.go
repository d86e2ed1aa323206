package ui

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/chart"
)

// Dashboard limits. The register may hold 50,000 devices; the dashboard
// reads counts from the store and walks only bounded pages of devices.
const (
	dashboardDays        = 28   // first-seen chart span
	dashboardScanMax     = 5000 // devices read for the first-seen chart
	dashboardDiffScan    = 2000 // most recently updated devices checked for differences
	dashboardDiffShown   = 10
	dashboardCaptures    = 5
	dashboardScanPageLen = 1000
)

func (h *Handler) registerDashboardRoutes(mux *http.ServeMux) {
	h.route(mux, "GET /{$}", cordon.RoleViewer, h.handleDashboard)
}

// deviceDiffs is a device with the fields where register and network
// disagree.
type deviceDiffs struct {
	Device *cordon.DeviceRecord
	Diffs  []cordon.Difference
}

// dashboardPage is the data of the dashboard.
type dashboardPage struct {
	page
	Total, Medical, IT, Unknown, NewThisWeek int
	// NewCapped is true when more devices were first seen in the chart's
	// span than the dashboard reads, so the counts are lower bounds.
	NewCapped     bool
	ByCategory    template.HTML
	MedicalVsIT   template.HTML
	FirstSeen     template.HTML
	Captures      []*cordon.Capture
	Differences   []deviceDiffs
	DiffsFound    int
	DiffsChecked  int
	DiffsAllFound bool // every device was checked
	// Exposure is nil when findings are not configured.
	Exposure *dashboardExposure
	// Coverage is nil when exceptions are not configured.
	Coverage *cordon.ExceptionCoverage
}

// dashboardExposure is the dashboard's vulnerability panels.
type dashboardExposure struct {
	*cordon.ExposureSummary
	OpenCritical int
	ByCategory   template.HTML
	BySite       template.HTML
	BySeverity   template.HTML
}

func (h *Handler) handleDashboard(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	ctx := r.Context()
	d := &dashboardPage{page: h.base(r, u, "Dashboard", "dashboard")}
	if err := h.dashboardCounts(ctx, d); err != nil {
		h.renderError(w, r, err)
		return
	}
	if err := h.dashboardFirstSeen(ctx, d); err != nil {
		h.renderError(w, r, err)
		return
	}
	if err := h.dashboardDifferences(ctx, d); err != nil {
		h.renderError(w, r, err)
		return
	}
	if h.cfg.Findings != nil {
		sum, err := h.cfg.Findings.ExposureSummary(ctx)
		if err != nil {
			h.renderError(w, r, err)
			return
		}
		d.Exposure = newDashboardExposure(sum)
	}
	if h.cfg.Exceptions != nil {
		cov, err := h.cfg.Exceptions.ExceptionCoverage(ctx)
		if err != nil {
			h.renderError(w, r, err)
			return
		}
		d.Coverage = cov
	}
	caps, _, err := h.cfg.Captures.FindCaptures(ctx, cordon.CaptureFilter{Limit: dashboardCaptures})
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	d.Captures = caps
	h.render(w, r, http.StatusOK, "dashboard", d)
}

// count returns how many devices match f.
func (h *Handler) count(ctx context.Context, f cordon.DeviceFilter) (int, error) {
	f.Limit = 1
	_, n, err := h.cfg.Devices.FindDevices(ctx, f)
	return n, err
}

// dashboardCounts fills the totals and the category and medical charts.
func (h *Handler) dashboardCounts(ctx context.Context, d *dashboardPage) error {
	var err error
	if d.Total, err = h.count(ctx, cordon.DeviceFilter{}); err != nil {
		return err
	}
	yes := true
	if d.Medical, err = h.count(ctx, cordon.DeviceFilter{Medical: &yes}); err != nil {
		return err
	}
	var bars []chart.Item
	categorised := 0
	for _, c := range cordon.Categories {
		n, err := h.count(ctx, cordon.DeviceFilter{Category: c})
		if err != nil {
			return err
		}
		if c == cordon.CategoryUnknown {
			d.Unknown += n
		} else {
			categorised += n
		}
		if n == 0 {
			continue
		}
		class := chart.ClassIT
		switch {
		case c == cordon.CategoryMedicalServer:
			class = chart.ClassClinicalServer
		case cordon.IsMedicalCategory(c):
			class = chart.ClassMedical
		case c == cordon.CategoryUnknown:
			class = chart.ClassMuted
		}
		bars = append(bars, chart.Item{Label: categoryLabel(c), Value: float64(n), Class: class, Href: "/devices?category=" + url.QueryEscape(c)})
	}
	// Devices only the register lists, without a recorded category, count
	// as unknown too.
	d.Unknown += max(d.Total-categorised-d.Unknown, 0)
	d.IT = max(d.Total-d.Medical-d.Unknown, 0)
	d.ByCategory = chart.Bars("Devices by category", bars)
	d.MedicalVsIT = chart.Donut("Medical devices and IT", []chart.Item{
		{Label: "Medical", Value: float64(d.Medical), Class: chart.ClassMedical, Href: "/devices?medical=yes"},
		{Label: "IT and other", Value: float64(d.IT), Class: chart.ClassIT, Href: "/devices?medical=no"},
		{Label: "Unknown", Value: float64(d.Unknown), Class: chart.ClassMuted, Href: "/devices?category=unknown"},
	})
	return nil
}

// dashboardFirstSeen reads devices newest first until they are older than
// the chart's span, for "new this week" and the first-seen chart.
func (h *Handler) dashboardFirstSeen(ctx context.Context, d *dashboardPage) error {
	now := h.now().UTC()
	since := now.AddDate(0, 0, -dashboardDays)
	week := now.AddDate(0, 0, -7)
	var times []time.Time
scan:
	for off := 0; off < dashboardScanMax; off += dashboardScanPageLen {
		ds, _, err := h.cfg.Devices.FindDevices(ctx, cordon.DeviceFilter{Sort: "-first_seen", Offset: off, Limit: dashboardScanPageLen})
		if err != nil {
			return err
		}
		for _, dev := range ds {
			if dev.Observed == nil || dev.Observed.FirstSeen.IsZero() || dev.Observed.FirstSeen.Before(since) {
				break scan
			}
			times = append(times, dev.Observed.FirstSeen)
			if !dev.Observed.FirstSeen.Before(week) {
				d.NewThisWeek++
			}
		}
		if len(ds) < dashboardScanPageLen {
			break
		}
		if off+dashboardScanPageLen >= dashboardScanMax {
			d.NewCapped = true
		}
	}
	d.FirstSeen = chart.Columns("Devices first seen per day, last 4 weeks", chart.Daily(times, now, dashboardDays))
	return nil
}

// dashboardDifferences checks the most recently updated devices for
// disagreements between register and network.
func (h *Handler) dashboardDifferences(ctx context.Context, d *dashboardPage) error {
	for off := 0; off < dashboardDiffScan; off += dashboardScanPageLen {
		ds, total, err := h.cfg.Devices.FindDevices(ctx, cordon.DeviceFilter{Sort: "-updated_at", Offset: off, Limit: dashboardScanPageLen})
		if err != nil {
			return err
		}
		d.DiffsChecked += len(ds)
		for _, dev := range ds {
			diffs := cordon.Differences(dev)
			if len(diffs) == 0 {
				continue
			}
			d.DiffsFound++
			if len(d.Differences) < dashboardDiffShown {
				d.Differences = append(d.Differences, deviceDiffs{Device: dev, Diffs: diffs})
			}
		}
		if len(ds) < dashboardScanPageLen || d.DiffsChecked >= total {
			d.DiffsAllFound = true
			break
		}
	}
	return nil
}

// newDashboardExposure draws the exposure panels: exposed devices by
// category and by site, open findings by severity, each bar a link to the
// list behind it.
func newDashboardExposure(sum *cordon.ExposureSummary) *dashboardExposure {
	d := &dashboardExposure{ExposureSummary: sum, OpenCritical: sum.BySeverity[cordon.SeverityCritical]}
	var cats, sites, sev []chart.Item
	for _, b := range sum.ByCategory {
		class := chart.ClassIT
		if cordon.IsMedicalCategory(b.Name) {
			class = chart.ClassMedical
		}
		cats = append(cats, chart.Item{Label: categoryLabel(b.Name), Value: float64(b.Exposed), Class: class, Href: worklistLink("category", b.Name)})
	}
	for _, b := range sum.BySite {
		label, href := b.Name, worklistLink("site", b.Name)
		if label == "" {
			// Devices without a recorded site cannot be filtered to; the
			// bar still counts them.
			label, href = "No site recorded", ""
		}
		sites = append(sites, chart.Item{Label: label, Value: float64(b.Exposed), Class: chart.ClassAccent, Href: href})
	}
	sevClass := map[string]string{cordon.SeverityCritical: chart.ClassDanger, cordon.SeverityHigh: chart.ClassWarning,
		cordon.SeverityMedium: chart.ClassAccent, cordon.SeverityLow: chart.ClassIT}
	for _, s := range severities {
		n, ok := sum.BySeverity[s]
		if !ok {
			continue
		}
		class, ok := sevClass[s]
		if !ok {
			class = chart.ClassMuted
		}
		sev = append(sev, chart.Item{Label: s, Value: float64(n), Class: class, Href: "/findings?status=open&severity=" + s})
	}
	d.ByCategory = chart.Bars("Exposed devices by category", cats)
	d.BySite = chart.Bars("Exposed devices by site", sites)
	d.BySeverity = chart.Bars("Open findings by severity", sev)
	return d
}
