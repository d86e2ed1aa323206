package ui

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/cordonsec/cordon"
)

// Bounds of the worklist and the device page's vulnerability section.
const (
	worklistPerPage = 50
	topFactors      = 3  // factors shown beside a device's score
	deviceFindings  = 20 // findings listed on a device's page
)

func (h *Handler) registerWorklistRoutes(mux *http.ServeMux) {
	h.route(mux, "GET /worklist", cordon.RoleViewer, h.handleWorklist)
}

// factorLabels are people's names of the risk factors.
var factorLabels = map[string]string{
	"kev": "Known exploited", "epss": "EPSS", "cvss": "CVSS", "fix_age": "Fix available for",
	"internet": "Internet traffic", "inbound_remote": "Remote access inbound", "flat_network": "Flat network",
	"category": "Device category", "criticality": "Clinical criticality", "patient_data": "Patient data",
	"unsupported": "Unsupported software", "mitigated": "Mitigations",
}

// factorView is a risk factor with its name for people.
type factorView struct {
	cordon.RiskFactor
	Label string
}

// factorViews labels factors, heaviest first within each part, likelihood
// before impact before controls: the order the score is explained in.
func factorViews(fs []cordon.RiskFactor) []factorView {
	parts := map[string]int{"likelihood": 0, "impact": 1, "controls": 2}
	out := make([]factorView, 0, len(fs))
	for _, f := range fs {
		l, ok := factorLabels[f.Name]
		if !ok {
			l = fieldLabel(f.Name)
		}
		out = append(out, factorView{RiskFactor: f, Label: l})
	}
	slices.SortStableFunc(out, func(a, b factorView) int {
		pa, oka := parts[a.Part]
		pb, okb := parts[b.Part]
		if !oka {
			pa = 3
		}
		if !okb {
			pb = 3
		}
		if pa != pb {
			return pa - pb
		}
		return cmp.Compare(b.Weight, a.Weight) // heaviest first
	})
	return out
}

// topFactorViews are the n factors that weigh most, whatever their part.
func topFactorViews(fs []cordon.RiskFactor, n int) []factorView {
	vs := factorViews(fs)
	slices.SortStableFunc(vs, func(a, b factorView) int {
		switch {
		case a.Weight > b.Weight:
			return -1
		case a.Weight < b.Weight:
			return 1
		}
		return 0
	})
	// Controls lower the score; the worklist explains what raises it.
	vs = slices.DeleteFunc(vs, func(f factorView) bool { return f.Part == "controls" || f.Weight <= 0 })
	return vs[:min(len(vs), n)]
}

// exposureRow is one device of the worklist.
type exposureRow struct {
	*cordon.Exposure
	Rank       int
	DeviceName string
	Place      string
	Top        []factorView
}

// worklistForm is the worklist's query as typed.
type worklistForm struct {
	Site, Category, Medical, Unsupported, KEV string
}

// worklistPage is the data of the worklist.
type worklistPage struct {
	page
	Available bool
	Form      worklistForm
	Filtered  bool
	Rows      []exposureRow
	Pager     *pager
}

func (h *Handler) handleWorklist(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	p := &worklistPage{page: h.base(r, u, "Worklist", "worklist")}
	if h.cfg.Findings == nil {
		h.render(w, r, http.StatusOK, "worklist", p)
		return
	}
	p.Available = true
	q := r.URL.Query()
	p.Form = worklistForm{Site: strings.TrimSpace(q.Get("site")), Category: q.Get("category"), Medical: q.Get("medical"),
		Unsupported: q.Get("unsupported"), KEV: q.Get("kev")}
	p.Filtered = p.Form != worklistForm{}
	f := cordon.ExposureFilter{Site: p.Form.Site, Category: p.Form.Category, Medical: parseBoolValue(p.Form.Medical),
		Unsupported: parseBoolValue(p.Form.Unsupported), KEV: parseBoolValue(p.Form.KEV)}
	if f.Category != "" && !contains(cordon.Categories, f.Category) {
		h.renderError(w, r, cordon.Errorf(cordon.EINVALID, "Unknown category %q.", f.Category))
		return
	}
	n := pageNumber(q)
	f.Offset, f.Limit = (n-1)*worklistPerPage, worklistPerPage
	es, total, err := h.cfg.Findings.FindExposures(r.Context(), f)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	for i, e := range es {
		p.Rows = append(p.Rows, exposureRow{Exposure: e, Rank: f.Offset + i + 1, DeviceName: findingDeviceName(e.Device),
			Place: place(e.Device), Top: topFactorViews(e.Risk.Factors, topFactors)})
	}
	p.Pager = newPager("/worklist", q, n, worklistPerPage, total)
	h.render(w, r, http.StatusOK, "worklist", p)
}

// supportView is a support state as the device page shows it: never blank,
// so an unknown says why it is unknown.
type supportView struct {
	cordon.SupportStatus
	SubjectLabel string
}

var subjectLabels = map[string]string{"os": "Operating system", "software": "Software", "model": "Device model"}

// supportViews labels support states and stands in for a missing one:
// the page must say "unknown, because" rather than show nothing.
func supportViews(ss []cordon.SupportStatus) []supportView {
	out := make([]supportView, 0, len(ss)+1)
	for _, s := range ss {
		v := supportView{SupportStatus: s, SubjectLabel: subjectLabels[s.Subject]}
		if v.SubjectLabel == "" {
			v.SubjectLabel = fieldLabel(s.Subject)
		}
		if v.State == "" {
			v.State = cordon.SupportUnknown
		}
		if v.Reason == "" && v.State == cordon.SupportUnknown {
			v.Reason = "No lifecycle data covers it."
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		out = append(out, supportView{SubjectLabel: "Operating system, software and model",
			SupportStatus: cordon.SupportStatus{State: cordon.SupportUnknown,
				Reason: "Traffic has not shown what the device runs, so its support cannot be checked."}})
	}
	return out
}

// deviceVulns is the device page's "Vulnerabilities and support" section.
type deviceVulns struct {
	DeviceID  int64
	Available bool
	// Exposure is nil when the device was never assessed.
	Exposure *cordon.Exposure
	Factors  []factorView
	Support  []supportView
	Findings []findingRow
	Total    int
}

// deviceVulns gathers a device's exposure and its most urgent findings.
func (h *Handler) deviceVulns(ctx context.Context, id int64) (*deviceVulns, error) {
	v := &deviceVulns{DeviceID: id}
	if h.cfg.Findings == nil {
		return v, nil
	}
	v.Available = true
	e, err := h.cfg.Findings.FindExposure(ctx, id)
	switch cordon.ErrorCode(err) {
	case "":
		v.Exposure = e
		v.Factors = factorViews(e.Risk.Factors)
		v.Support = supportViews(e.Support)
	case cordon.ENOTFOUND:
	default:
		return nil, err
	}
	fs, total, err := h.cfg.Findings.FindFindings(ctx, cordon.FindingFilter{DeviceID: id, Sort: "priority", Limit: deviceFindings})
	if err != nil {
		return nil, err
	}
	for _, f := range fs {
		v.Findings = append(v.Findings, newFindingRow(f))
	}
	v.Total = total
	return v, nil
}

// worklistLink is the worklist filtered by one parameter.
func worklistLink(key, value string) string {
	return "/worklist?" + url.Values{key: {value}}.Encode()
}
