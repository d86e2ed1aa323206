package ui

import (
	"context"
	"encoding/csv"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/csvsafe"
)

// findingsPerPage is the finding list's page length.
const findingsPerPage = 50

func (h *Handler) registerFindingRoutes(mux *http.ServeMux) {
	h.route(mux, "GET /findings", cordon.RoleViewer, h.handleFindingList)
	h.route(mux, "GET /findings.csv", cordon.RoleViewer, h.handleFindingCSV)
	h.route(mux, "GET /findings/{id}", cordon.RoleViewer, h.handleFindingView)
	// Changing a finding's status is a change to what is known about a
	// device, so it takes the role that edits devices.
	h.route(mux, "POST /findings/{id}", cordon.RoleAnalyst, h.handleFindingStatus)
}

// findingSorts are the list's orders, by the store's sort name.
var findingSorts = []struct{ Key, Label string }{
	{"priority", "Priority (KEV, EPSS, CVSS)"}, {"cve", "CVE"}, {"device", "Device"}, {"-first_found", "Newest first"},
}

// severities lists the severities, most severe first.
var severities = []string{cordon.SeverityCritical, cordon.SeverityHigh, cordon.SeverityMedium, cordon.SeverityLow, cordon.SeverityNone, cordon.SeverityUnknown}

// findingFilterForm is the finding list's query as typed, for the form.
type findingFilterForm struct {
	Device, CVE, Status, Severity, KEV, Match, Site, Category, Sort string
	Gone                                                            bool
}

// findingFilterFrom reads the finding list's query parameters. A value the
// store would reject anyway is reported here, naming the parameter, so the
// message says what to fix.
func findingFilterFrom(q url.Values) (cordon.FindingFilter, findingFilterForm, error) {
	form := findingFilterForm{
		Device: strings.TrimSpace(q.Get("device")), CVE: strings.TrimSpace(q.Get("cve")),
		Status: q.Get("status"), Severity: q.Get("severity"), KEV: q.Get("kev"), Match: q.Get("match"),
		Site: strings.TrimSpace(q.Get("site")), Category: q.Get("category"), Sort: q.Get("sort"),
		Gone: q.Get("gone") == "yes",
	}
	f := cordon.FindingFilter{Status: form.Status, Severity: form.Severity, Match: form.Match, Site: form.Site,
		Category: form.Category, Sort: form.Sort, Gone: form.Gone, KEV: parseBoolValue(form.KEV)}
	if f.Sort == "" {
		f.Sort, form.Sort = "priority", "priority"
	}
	if form.Device != "" {
		id, err := strconv.ParseInt(form.Device, 10, 64)
		if err != nil || id <= 0 {
			return f, form, cordon.Errorf(cordon.EINVALID, "The device filter must be a device number, not %q.", form.Device)
		}
		f.DeviceID = id
	}
	if form.CVE != "" {
		cves, err := parseCVEList(form.CVE)
		if err != nil {
			return f, form, err
		}
		f.CVEs = cves
	}
	if f.Status != "" && !contains(cordon.FindingStatuses, f.Status) {
		return f, form, cordon.Errorf(cordon.EINVALID, "Unknown status %q: use one of %s.", f.Status, strings.Join(cordon.FindingStatuses, ", "))
	}
	if f.Severity != "" && !contains(severities, f.Severity) {
		return f, form, cordon.Errorf(cordon.EINVALID, "Unknown severity %q: use one of %s.", f.Severity, strings.Join(severities, ", "))
	}
	if f.Match != "" && f.Match != "confirmed" && f.Match != "possible" {
		return f, form, cordon.Errorf(cordon.EINVALID, "Unknown match %q: use confirmed or possible.", f.Match)
	}
	return f, form, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// findingRow is one finding of a list, with what the templates show
// formatted once here.
type findingRow struct {
	*cordon.Finding
	DeviceName string
	Place      string // site and location
	Rank       int    // place in the list's order, from 1
}

func newFindingRow(f *cordon.Finding) findingRow {
	return findingRow{Finding: f, DeviceName: findingDeviceName(f.Device), Place: place(f.Device)}
}

// CVSSScore is the score severity comes from, "–" when nothing scored it.
func (r findingRow) CVSSScore() string { return cvssScore(r.CVSS) }

// EPSSText is the EPSS probability as a percentage, "–" when not scored.
func (r findingRow) EPSSText() string { return epssText(r.EPSS) }

// EPSSPercentile is the EPSS percentile with one decimal: the scores that
// matter crowd the top percent.
func (r findingRow) EPSSPercentile() string { return percentileText(r.EPSS) }

func percentileText(e *cordon.EPSSScore) string {
	if e == nil {
		return "–"
	}
	return strconv.FormatFloat(e.Percentile*100, 'f', 1, 64) + "%"
}

// findingDeviceName is what people call a finding's device, as deviceName
// does for a register entry.
func findingDeviceName(d cordon.FindingDevice) string {
	switch {
	case d.Hostname != "":
		return d.Hostname
	case d.IP != "":
		return d.IP
	case d.MAC != "":
		return d.MAC
	}
	return "Device " + formatInt(d.ID)
}

// place joins where a device is: "St Elsewhere · Radiology 2".
func place(d cordon.FindingDevice) string {
	var parts []string
	for _, s := range []string{d.Site, d.Location} {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " · ")
}

func cvssScore(c *cordon.CVSS) string {
	if c == nil {
		return "–"
	}
	return strconv.FormatFloat(c.BaseScore, 'f', 1, 64)
}

// epssText shows a probability with the precision it needs: most are
// small, and "0%" would hide the difference between 0.04% and 0.4%.
func epssText(e *cordon.EPSSScore) string {
	if e == nil {
		return "–"
	}
	p := e.Score * 100
	switch {
	case p >= 10:
		return strconv.FormatFloat(p, 'f', 1, 64) + "%"
	case p >= 0.1:
		return strconv.FormatFloat(p, 'f', 2, 64) + "%"
	}
	return strconv.FormatFloat(p, 'f', 3, 64) + "%"
}

// findingsPage is the data of the finding list.
type findingsPage struct {
	page
	Available bool
	Form      findingFilterForm
	Filtered  bool
	// DeviceName names the device filtered on, for the heading.
	DeviceName string
	Rows       []findingRow
	Pager      *pager
	ExportCSV  string
	Sorts      []struct{ Key, Label string }
	Statuses   []string
	Severities []string
}

func (h *Handler) handleFindingList(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	p := &findingsPage{page: h.base(r, u, "Findings", "findings"), Sorts: findingSorts,
		Statuses: cordon.FindingStatuses, Severities: severities}
	if h.cfg.Findings == nil {
		h.render(w, r, http.StatusOK, "findings", p)
		return
	}
	p.Available = true
	q := r.URL.Query()
	f, form, err := findingFilterFrom(q)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	p.Form = form
	p.Filtered = form.Device != "" || form.CVE != "" || form.Status != "" || form.Severity != "" || form.KEV != "" ||
		form.Match != "" || form.Site != "" || form.Category != "" || form.Gone
	n := pageNumber(q)
	f.Offset, f.Limit = (n-1)*findingsPerPage, findingsPerPage
	fs, total, err := h.cfg.Findings.FindFindings(r.Context(), f)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	for i, x := range fs {
		row := newFindingRow(x)
		row.Rank = f.Offset + i + 1
		p.Rows = append(p.Rows, row)
	}
	if f.DeviceID != 0 {
		p.DeviceName = "device " + formatInt(f.DeviceID)
		if len(fs) > 0 {
			p.DeviceName = findingDeviceName(fs[0].Device)
		} else if d, err := h.cfg.Devices.FindDeviceByID(r.Context(), f.DeviceID); err == nil {
			p.DeviceName = deviceName(d)
		}
	}
	p.Pager = newPager("/findings", q, n, findingsPerPage, total)
	p.ExportCSV = "/findings.csv"
	if enc := withoutPage(q).Encode(); enc != "" {
		p.ExportCSV += "?" + enc
	}
	h.render(w, r, http.StatusOK, "findings", p)
}

// withoutPage copies q without its page number, for export links.
func withoutPage(q url.Values) url.Values {
	v := url.Values{}
	for k, vs := range q {
		if k != "page" {
			v[k] = vs
		}
	}
	return v
}

// findingCSVHeader is the column order of a finding export: the finding,
// its device with where it is and who answers for it, then what makes it
// urgent and where its remediation stands.
var findingCSVHeader = []string{
	"id", "cve", "title", "device_id", "device_key", "hostname", "ip", "mac", "manufacturer", "model",
	"category", "site", "location", "owner", "match", "severity", "cvss_score", "cvss_vector",
	"kev", "kev_date_added", "kev_due_date", "kev_ransomware", "epss", "epss_percentile",
	"fix_available", "fix", "status", "status_reason", "status_expires", "status_by",
	"first_found", "last_found", "gone",
}

// findingCSVRow returns a finding's cells in findingCSVHeader order, made
// safe for spreadsheets: titles and host names come from feeds and the
// network.
func findingCSVRow(f *cordon.Finding) []string {
	d := f.Device
	score, vector := "", ""
	if f.CVSS != nil {
		score, vector = strconv.FormatFloat(f.CVSS.BaseScore, 'f', 1, 64), f.CVSS.Vector
	}
	epss, pct := "", ""
	if f.EPSS != nil {
		epss, pct = strconv.FormatFloat(f.EPSS.Score, 'f', -1, 64), strconv.FormatFloat(f.EPSS.Percentile, 'f', -1, 64)
	}
	return csvsafe.Row([]string{
		strconv.FormatInt(f.ID, 10), f.CVE, f.Title, strconv.FormatInt(d.ID, 10), d.Key, d.Hostname, d.IP, d.MAC,
		d.Manufacturer, d.Model, d.Category, d.Site, d.Location, d.Owner, f.Match, f.Severity, score, vector,
		strconv.FormatBool(f.KEV), csvDate(f.KEVDateAdded), csvDate(f.KEVDueDate), strconv.FormatBool(f.KEVRansomware),
		epss, pct, strconv.FormatBool(f.Fix.Available), f.Fix.Details, f.Status.Status, f.Status.Reason,
		csvDate(f.Status.Expires), f.Status.By, csvTime(f.FirstFound), csvTime(f.LastFound), csvTime(f.Gone),
	})
}

func csvDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// eachFinding calls fn for every finding matching f, a page at a time, so
// that an export of every finding stays bounded in memory.
func (h *Handler) eachFinding(ctx context.Context, f cordon.FindingFilter, fn func(*cordon.Finding) error) error {
	f.Limit = exportPageLen
	for f.Offset = 0; ; f.Offset += exportPageLen {
		fs, total, err := h.cfg.Findings.FindFindings(ctx, f)
		if err != nil {
			return err
		}
		for _, x := range fs {
			if err := fn(x); err != nil {
				return err
			}
		}
		if len(fs) < exportPageLen || f.Offset+len(fs) >= total {
			return nil
		}
	}
}

// writeFindingsCSV streams the findings matching f as a CSV download. The
// filter is tried on one finding first, so that a bad one still gets an
// error page rather than a truncated file.
func (h *Handler) writeFindingsCSV(w http.ResponseWriter, r *http.Request, f cordon.FindingFilter, name string) {
	probe := f
	probe.Limit = 1
	if _, _, err := h.cfg.Findings.FindFindings(r.Context(), probe); err != nil {
		h.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="cordon-`+name+`-`+h.now().UTC().Format("2006-01-02")+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	if err := cw.Write(findingCSVHeader); err != nil {
		return
	}
	err := h.eachFinding(r.Context(), f, func(x *cordon.Finding) error { return cw.Write(findingCSVRow(x)) })
	cw.Flush()
	if err == nil {
		err = cw.Error()
	}
	if err != nil {
		// Headers are gone: log, and let the client see a cut download.
		h.log.Error("finding csv export", slog.String("error", err.Error()))
	}
}

func (h *Handler) handleFindingCSV(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	if h.cfg.Findings == nil {
		h.renderError(w, r, errUnconfigured)
		return
	}
	f, _, err := findingFilterFrom(r.URL.Query())
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	h.writeFindingsCSV(w, r, f, "findings")
}

// errUnconfigured answers requests that need the findings or intelligence
// stores on a server started without them.
var errUnconfigured = cordon.Errorf(cordon.ENOTFOUND, "Vulnerability findings are not configured on this server.")
