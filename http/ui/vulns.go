package ui

import (
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/chart"
)

// Bounds of the vulnerability pages.
const (
	maxCVEsAtOnce   = 100 // CVE IDs in one affected-devices question
	affectedShown   = 200 // devices listed per CVE; the CSV has them all
	vulnDevices     = 50  // affected devices listed on a vulnerability's page
	vulnCriteria    = 50  // NVD criteria listed
	vulnReferences  = 30
	epssHistoryDays = 90 // newest scores drawn
)

func (h *Handler) registerVulnRoutes(mux *http.ServeMux) {
	h.route(mux, "GET /search", cordon.RoleViewer, h.handleSearch)
	h.route(mux, "GET /affected", cordon.RoleViewer, h.handleAffected)
	h.route(mux, "GET /affected.csv", cordon.RoleViewer, h.handleAffectedCSV)
	h.route(mux, "GET /vulnerabilities/{id}", cordon.RoleViewer, h.handleVulnerability)
}

// cvePattern is the shape of a CVE ID (the sequence has four or more
// digits since 2014).
var cvePattern = regexp.MustCompile(`^CVE-[0-9]{4}-[0-9]{4,19}$`)

// parseCVE upper-cases s and reports whether it is a CVE ID.
func parseCVE(s string) (string, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	return s, cvePattern.MatchString(s)
}

// parseCVEList reads CVE IDs separated by commas, semicolons or white
// space, as they arrive pasted from an alert, without repeats and in the
// order given.
func parseCVEList(s string) ([]string, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
	})
	var out []string
	for _, f := range fields {
		id, ok := parseCVE(f)
		if !ok {
			if len(f) > 40 {
				f = f[:40] + "…"
			}
			return nil, cordon.Errorf(cordon.EINVALID, "%q is not a CVE ID: they read like CVE-2017-0144.", f)
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	if len(out) > maxCVEsAtOnce {
		return nil, cordon.Errorf(cordon.EINVALID, "Ask about at most %d CVE IDs at once, not %d.", maxCVEsAtOnce, len(out))
	}
	return out, nil
}

// handleSearch serves the search box of every page: CVE IDs go to the
// devices they affect, anything else to the device search.
func (h *Handler) handleSearch(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" {
		http.Redirect(w, r, "/devices", http.StatusSeeOther)
		return
	}
	if cves, err := parseCVEList(q); err == nil && len(cves) > 0 {
		http.Redirect(w, r, "/affected?cve="+url.QueryEscape(strings.Join(cves, ",")), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/devices?q="+url.QueryEscape(q), http.StatusSeeOther)
}

// affectedCVE answers the alert question for one CVE: does Cordon know it,
// is it exploited, and which devices does it affect.
type affectedCVE struct {
	ID    string
	Known bool
	Vuln  *cordon.Vulnerability
	Rows  []findingRow
	Total int
}

// More reports that the CVE affects more devices than the page lists.
func (a affectedCVE) More() bool { return a.Total > len(a.Rows) }

// affectedPage is the data of the affected-devices page.
type affectedPage struct {
	page
	Available bool
	Query     string
	Error     string
	CVEs      []affectedCVE
	Affected  int // devices affected by any of the CVEs, counted per CVE
	Unknown   int // CVEs no feed mentions
	ExportCSV string
}

func (h *Handler) handleAffected(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	p := &affectedPage{page: h.base(r, u, "Affected devices", "findings"), Query: strings.TrimSpace(r.URL.Query().Get("cve"))}
	if h.cfg.Intel == nil || h.cfg.Findings == nil {
		h.render(w, r, http.StatusOK, "affected", p)
		return
	}
	p.Available = true
	cves, err := parseCVEList(p.Query)
	if err != nil {
		// The message stands next to the box with what was typed.
		p.Error = cordon.ErrorMessage(err)
		h.render(w, r, http.StatusBadRequest, "affected", p)
		return
	}
	ctx := r.Context()
	for _, id := range cves {
		a := affectedCVE{ID: id, Known: true}
		a.Vuln, err = h.cfg.Intel.FindVulnerability(ctx, id)
		switch cordon.ErrorCode(err) {
		case "":
		case cordon.ENOTFOUND:
			a.Known = false
			p.Unknown++
		default:
			h.renderError(w, r, err)
			return
		}
		fs, total, err := h.cfg.Findings.FindFindings(ctx, cordon.FindingFilter{CVEs: []string{id}, Sort: "device", Limit: affectedShown})
		if err != nil {
			h.renderError(w, r, err)
			return
		}
		for _, f := range fs {
			a.Rows = append(a.Rows, newFindingRow(f))
		}
		a.Total = total
		p.Affected += total
		p.CVEs = append(p.CVEs, a)
	}
	if len(cves) > 0 {
		p.Title = "Devices affected by " + strings.Join(cves, ", ")
		if len(cves) > 3 {
			p.Title = "Devices affected by " + strconv.Itoa(len(cves)) + " CVEs"
		}
		p.ExportCSV = "/affected.csv?cve=" + url.QueryEscape(strings.Join(cves, ","))
	}
	h.render(w, r, http.StatusOK, "affected", p)
}

func (h *Handler) handleAffectedCSV(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	if h.cfg.Findings == nil {
		h.renderError(w, r, errUnconfigured)
		return
	}
	cves, err := parseCVEList(r.URL.Query().Get("cve"))
	if err == nil && len(cves) == 0 {
		err = cordon.Errorf(cordon.EINVALID, "Name at least one CVE ID, such as CVE-2017-0144.")
	}
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	h.writeFindingsCSV(w, r, cordon.FindingFilter{CVEs: cves, Sort: "cve"}, "affected")
}

// advisoryView is an advisory cut down to what it says about one CVE.
type advisoryView struct {
	*cordon.Advisory
	Products     []cordon.ProductStatus
	Remediations []cordon.Remediation
}

// criterionView is one vulnerable NVD criterion with its version range.
type criterionView struct {
	Criteria, Range string
}

// vulnPage is the data of a vulnerability's page.
type vulnPage struct {
	page
	Vuln           *cordon.Vulnerability
	EPSSText       string
	EPSSPercentile string
	EPSSHistory    template.HTML // nil with fewer than two scores
	Advisories     []advisoryView
	Criteria       []criterionView
	MoreCrit       int
	References     []string
	Rows           []findingRow
	Total          int
}

func (h *Handler) handleVulnerability(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	if h.cfg.Intel == nil || h.cfg.Findings == nil {
		h.renderError(w, r, errUnconfigured)
		return
	}
	id, ok := parseCVE(r.PathValue("id"))
	if !ok {
		h.renderError(w, r, notFound("vulnerability"))
		return
	}
	ctx := r.Context()
	v, err := h.cfg.Intel.FindVulnerability(ctx, id)
	if cordon.ErrorCode(err) == cordon.ENOTFOUND {
		err = cordon.Errorf(cordon.ENOTFOUND, "Cordon knows nothing about %s: no loaded feed mentions it. Check the feeds page for what is loaded.", id)
	}
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	p := &vulnPage{page: h.base(r, u, id, "findings"), Vuln: v,
		EPSSText: epssText(v.EPSS), EPSSPercentile: percentileText(v.EPSS)}
	hist, err := h.cfg.Intel.EPSSHistory(ctx, id)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	p.EPSSHistory = epssChart(id, hist)
	advs, err := h.cfg.Intel.FindAdvisories(ctx)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	p.Advisories = advisoriesOf(advs, id)
	p.Criteria, p.MoreCrit = vulnerableCriteria(v.Configurations, vulnCriteria)
	p.References = webLinks(v.References, vulnReferences)
	fs, total, err := h.cfg.Findings.FindFindings(ctx, cordon.FindingFilter{CVEs: []string{id}, Sort: "device", Limit: vulnDevices})
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	for _, f := range fs {
		p.Rows = append(p.Rows, newFindingRow(f))
	}
	p.Total = total
	h.render(w, r, http.StatusOK, "vulnerability", p)
}

// webLinks keeps up to n references that are http or https URLs: the
// template would defuse any other scheme, but a dead "#ZgotmplZ" link helps
// no one.
func webLinks(refs []string, n int) []string {
	var out []string
	for _, r := range refs {
		u, err := url.Parse(r)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			continue
		}
		if out = append(out, r); len(out) == n {
			break
		}
	}
	return out
}

// epssChart draws the newest EPSS scores as columns of percentages, or
// nothing when there is no history to see.
func epssChart(id string, hist []cordon.EPSSScore) template.HTML {
	if len(hist) < 2 {
		return ""
	}
	hist = hist[max(len(hist)-epssHistoryDays, 0):]
	items := make([]chart.Item, 0, len(hist))
	for _, s := range hist {
		items = append(items, chart.Item{Label: s.Date.UTC().Format(time.DateOnly), Value: s.Score * 100, Class: chart.ClassWarning})
	}
	return chart.Columns("EPSS score of "+id+" over time, in percent", items)
}

// advisoriesOf keeps the advisories that name cve, each with only its
// products and remediations for cve.
func advisoriesOf(advs []*cordon.Advisory, cve string) []advisoryView {
	var out []advisoryView
	for _, a := range advs {
		if !slices.Contains(a.CVEs, cve) {
			continue
		}
		av := advisoryView{Advisory: a}
		for _, ps := range a.Products {
			if ps.CVE == cve {
				av.Products = append(av.Products, ps)
			}
		}
		for _, rm := range a.Remediations {
			if len(rm.CVEs) == 0 || slices.Contains(rm.CVEs, cve) {
				av.Remediations = append(av.Remediations, rm)
			}
		}
		out = append(out, av)
	}
	return out
}

// vulnerableCriteria lists up to n of the CPE criteria that make a device
// vulnerable (not the platforms they must run on), and how many more there
// are.
func vulnerableCriteria(cfgs []cordon.Configuration, n int) ([]criterionView, int) {
	var out []criterionView
	more := 0
	for _, c := range cfgs {
		for _, node := range c.Nodes {
			for _, m := range node.CPEMatch {
				if !m.Vulnerable {
					continue
				}
				if len(out) == n {
					more++
					continue
				}
				out = append(out, criterionView{Criteria: m.Criteria, Range: versionRange(m)})
			}
		}
	}
	return out, more
}

// versionRange writes a criterion's range as people read it: "≥ 1.0, < 2.3".
func versionRange(m cordon.CPEMatch) string {
	var parts []string
	for _, b := range []struct{ op, v string }{
		{"≥ ", m.VersionStartIncluding}, {"> ", m.VersionStartExcluding},
		{"≤ ", m.VersionEndIncluding}, {"< ", m.VersionEndExcluding},
	} {
		if b.v != "" {
			parts = append(parts, b.op+b.v)
		}
	}
	return strings.Join(parts, ", ")
}
