package assess

import (
	"slices"
	"strings"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/match"
)

// vulnInfo is what a finding takes from its vulnerability record, worked
// out once per CVE when the Engine is built: a device of a few thousand
// findings then copies values instead of choosing scores and cutting
// titles again.
type vulnInfo struct {
	kev      *cordon.KEVEntry
	epss     *cordon.EPSSScore // shared by every finding of the CVE: read-only
	cvss     *cordon.CVSS      // likewise
	severity string
	title    string
	sources  []string   // "nvd", then "kev" and "epss" when present; shared, len == cap
	fix      cordon.Fix // from NVD's patch references; zero when none
}

func newVulnInfo(v *cordon.Vulnerability) *vulnInfo {
	vi := &vulnInfo{kev: v.KEV, epss: v.EPSS, cvss: chooseCVSS(v.CVSS), title: title(v.Description), sources: []string{"nvd"}}
	if len(v.Patches) > 0 {
		// NVD does not date a reference; the vendor's fix of a CVE with a
		// patch reference is, as a rule, public when the CVE is.
		vi.fix = cordon.Fix{Available: true, Since: v.Published, Category: cordon.RemediationVendorFix, URL: v.Patches[0], Source: "nvd",
			Details: "NVD lists the vendor's patch; its date is taken as the CVE's publication."}
	}
	if v.KEV != nil {
		vi.sources = append(vi.sources, "kev")
	}
	if v.EPSS != nil {
		vi.sources = append(vi.sources, "epss")
	}
	vi.sources = slices.Clip(vi.sources)
	vi.severity = severity(vi.cvss)
	return vi
}

// findings merges NVD and CSAF matches per CVE and fills in what the feeds
// say about each: KEV, EPSS, the CVSS severity comes from, the title and
// the fix. The strongest match (confirmed over possible; NVD's on a tie)
// gives Match, Criteria and Software; the evidence of every match is kept,
// the strongest first. Both lists come sorted by CVE, so they merge
// without a map: a Windows device has thousands of NVD matches.
//
// The findings carry no device, status or dates: Device adds them to a
// copy. Findings of one CVE share their CVSS, EPSS and (without
// advisories) Sources values across devices: callers must not modify them
// in place.
func (e *Engine) findings(nvd []match.Match, adv []match.AdvisoryMatch) []cordon.Finding {
	out := make([]cordon.Finding, 0, len(nvd)+len(adv))
	i, j := 0, 0
	for i < len(nvd) || j < len(adv) {
		var f cordon.Finding
		var advs []match.AdvisoryMatch
		nvdMatched := j == len(adv) || i < len(nvd) && nvd[i].CVE <= adv[j].CVE
		if nvdMatched {
			m := &nvd[i]
			f = cordon.Finding{CVE: m.CVE, Match: m.Status, Criteria: m.Criteria, Software: m.Software, Evidence: m.Evidence}
			i++
		} else {
			am := &adv[j]
			f = cordon.Finding{CVE: am.CVE, Match: am.Status, Criteria: am.Criteria, Software: am.Software, Evidence: am.Evidence}
		}
		for first := true; j < len(adv) && adv[j].CVE == f.CVE; first = false {
			am := adv[j]
			switch {
			case !nvdMatched && first:
				// f is this match already.
			case am.Status == match.Confirmed && f.Match != match.Confirmed:
				f.Match, f.Criteria, f.Software = am.Status, am.Criteria, am.Software
				f.Evidence = append(slices.Clip(am.Evidence), f.Evidence...)
			default:
				f.Evidence = append(slices.Clip(f.Evidence), am.Evidence...)
			}
			advs = append(advs, am)
			j++
		}
		e.enrich(&f, nvdMatched, advs)
		out = append(out, f)
	}
	return out
}

// enrich fills a finding from the vulnerability record and the advisories.
func (e *Engine) enrich(f *cordon.Finding, nvdMatched bool, advs []match.AdvisoryMatch) {
	vi := e.vulns[f.CVE]
	if vi != nil {
		if vi.kev != nil {
			f.KEV, f.KEVDateAdded, f.KEVDueDate, f.KEVRansomware = true, vi.kev.DateAdded, vi.kev.DueDate, vi.kev.Ransomware
		}
		f.EPSS, f.CVSS, f.Severity, f.Title = vi.epss, vi.cvss, vi.severity, vi.title
	}
	switch {
	case vi != nil && len(advs) == 0:
		f.Sources = vi.sources
	case vi != nil && nvdMatched:
		f.Sources = append(make([]string, 0, len(vi.sources)+len(advs)), vi.sources...)
	case vi != nil:
		// Only an advisory named the device: NVD describes the CVE
		// (scores, KEV, EPSS) but did not match it.
		f.Sources = append(make([]string, 0, len(vi.sources)+len(advs)), vi.sources[1:]...)
	default:
		f.Sources = make([]string, 0, len(advs))
	}
	for _, am := range advs {
		if src := "csaf:" + am.Advisory.ID; !slices.Contains(f.Sources, src) {
			f.Sources = append(f.Sources, src)
		}
		if f.CVSS == nil {
			if s, ok := am.Advisory.Scores[f.CVE]; ok {
				f.CVSS = &s
				f.Severity = severity(f.CVSS)
			}
		}
		if f.Title == "" {
			f.Title = am.Advisory.Title
		}
	}
	if f.Severity == "" {
		f.Severity = severity(f.CVSS)
	}
	if len(advs) > 0 {
		f.Fix = fix(f.CVE, advs)
	}
	if f.Fix.Category == "" && vi != nil {
		// The advisories, which speak of the product itself, said nothing.
		f.Fix = vi.fix
	}
}

// chooseCVSS picks the score severity comes from: a primary score (NVD's
// own) of the newest CVSS version, else the newest version of any source.
func chooseCVSS(scores []cordon.CVSS) *cordon.CVSS {
	var best *cordon.CVSS
	for i := range scores {
		s := &scores[i]
		switch {
		case best == nil,
			s.Primary && !best.Primary,
			s.Primary == best.Primary && s.Version > best.Version:
			best = s
		}
	}
	if best == nil {
		return nil
	}
	c := *best
	return &c
}

// severity is the rating its source gave a score, or failing that (or
// when it is not one of the ratings) the one NVD would give it.
func severity(c *cordon.CVSS) string {
	if c == nil {
		return cordon.SeverityUnknown
	}
	switch s := strings.ToLower(c.Severity); s {
	case cordon.SeverityCritical, cordon.SeverityHigh, cordon.SeverityMedium, cordon.SeverityLow, cordon.SeverityNone:
		return s
	}
	return strings.ToLower(cordon.Rating(c.Version, c.BaseScore))
}

// title is the first sentence or line of a description, at most 200
// bytes.
func title(desc string) string {
	t, _, _ := strings.Cut(strings.TrimSpace(desc), "\n")
	if i := strings.Index(t, ". "); i > 0 {
		t = t[:i+1]
	}
	if len(t) > 200 {
		t = clip(t, 197)
	}
	return t
}

// fix reads the advisories' remediations for the matched products and the
// CVE: a vendor fix (the earliest, with its date and details) makes the fix
// available; "none available" or "no fix planned" say it is not. NVD
// When no advisory says anything, enrich falls back on NVD's patch
// references.
func fix(cve string, advs []match.AdvisoryMatch) cordon.Fix {
	var best, none *cordon.Fix
	for _, am := range advs {
		for _, r := range am.Advisory.Remediations {
			if !slices.Contains(r.ProductIDs, am.Product.ProductID) || len(r.CVEs) > 0 && !slices.Contains(r.CVEs, cve) {
				continue
			}
			fx := cordon.Fix{Category: r.Category, Details: clip(r.Details, 1000), URL: r.URL, Source: "csaf:" + am.Advisory.ID}
			switch r.Category {
			case cordon.RemediationVendorFix:
				fx.Available = true
				fx.Since = r.Date
				if fx.Since.IsZero() {
					// An advisory publishes the fix it names.
					fx.Since = am.Advisory.Released
				}
				if best == nil || fx.Since.Before(best.Since) {
					best = &fx
				}
			case cordon.RemediationNoneAvailable, cordon.RemediationNoFixPlanned:
				if none == nil {
					none = &fx
				}
			}
		}
	}
	switch {
	case best != nil:
		return *best
	case none != nil:
		return *none
	}
	return cordon.Fix{}
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && s[len(s)-1]&0xc0 == 0x80 {
		s = s[:len(s)-1]
	}
	if len(s) > 0 && s[len(s)-1] >= 0xc0 {
		s = s[:len(s)-1]
	}
	return s + "..."
}
