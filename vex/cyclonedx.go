package vex

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/cordonsec/cordon/internal/docerr"
)

// cdxStates maps CycloneDX analysis.state to a status (see doc.go).
var cdxStates = map[string]string{
	"not_affected":           StatusNotAffected,
	"false_positive":         StatusNotAffected,
	"exploitable":            StatusAffected,
	"resolved":               StatusFixed,
	"resolved_with_pedigree": StatusFixed,
	"in_triage":              StatusUnderInvestigation,
}

// cdxJustifications maps CycloneDX analysis.justification to the closest
// CISA justification; the table in doc.go gives the reasons.
var cdxJustifications = map[string]string{
	"code_not_present":                VulnerableCodeNotPresent,
	"code_not_reachable":              VulnerableCodeNotInExecutePath,
	"requires_configuration":          VulnerableCodeNotInExecutePath,
	"requires_dependency":             VulnerableCodeNotInExecutePath,
	"requires_environment":            VulnerableCodeCannotBeControlled,
	"protected_by_compiler":           InlineMitigationsAlreadyExist,
	"protected_at_runtime":            InlineMitigationsAlreadyExist,
	"protected_at_perimeter":          VulnerableCodeCannotBeControlled,
	"protected_by_mitigating_control": InlineMitigationsAlreadyExist,
}

type cdxDoc struct {
	SpecVersion  string `json:"specVersion"`
	SerialNumber string `json:"serialNumber"`
	Version      int    `json:"version"`
	Metadata     *struct {
		Timestamp string `json:"timestamp"`
		Authors   []struct {
			Name string `json:"name"`
		} `json:"authors"`
		Supplier     *cdxContact   `json:"supplier"`
		Manufacturer *cdxContact   `json:"manufacturer"`
		Manufacture  *cdxContact   `json:"manufacture"`
		Component    *cdxComponent `json:"component"`
	} `json:"metadata"`
	Components      []cdxComponent `json:"components"`
	Vulnerabilities []struct {
		ID             string `json:"id"`
		Recommendation string `json:"recommendation"`
		Workaround     string `json:"workaround"`
		References     []struct {
			ID string `json:"id"`
		} `json:"references"`
		Analysis *struct {
			State         string   `json:"state"`
			Justification string   `json:"justification"`
			Response      []string `json:"response"`
			Detail        string   `json:"detail"`
			LastUpdated   string   `json:"lastUpdated"`
		} `json:"analysis"`
		Affects []struct {
			Ref      string `json:"ref"`
			Versions []struct {
				Version string `json:"version"`
				Range   string `json:"range"`
				Status  string `json:"status"`
			} `json:"versions"`
		} `json:"affects"`
	} `json:"vulnerabilities"`
}

type cdxContact struct {
	Name string `json:"name"`
}

type cdxComponent struct {
	BOMRef     string         `json:"bom-ref"`
	Supplier   *cdxContact    `json:"supplier"`
	Publisher  string         `json:"publisher"`
	Name       string         `json:"name"`
	Version    string         `json:"version"`
	CPE        string         `json:"cpe"`
	PURL       string         `json:"purl"`
	Components []cdxComponent `json:"components"`
}

func parseCycloneDX(name string, data []byte) (*Document, error) {
	var d cdxDoc
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, jsonError(name, data, err)
	}
	switch d.SpecVersion {
	case "1.4", "1.5", "1.6":
	default:
		return nil, invalidf(name, "CycloneDX specVersion %q has no VEX; Cordon reads 1.4 to 1.6", d.SpecVersion)
	}
	if len(d.Vulnerabilities) == 0 {
		return nil, invalidf(name, "the CycloneDX document has no vulnerabilities, so it is an SBOM rather than a VEX document")
	}
	if len(d.Vulnerabilities) > MaxStatements {
		return nil, invalidf(name, "%d vulnerabilities, more than the limit of %d", len(d.Vulnerabilities), MaxStatements)
	}
	var w warnings
	doc := &Document{Format: FormatCycloneDX, ID: d.SerialNumber}

	// The document's own components resolve affects[].ref.
	products := make(map[string]Product)
	var index func(cs []cdxComponent)
	index = func(cs []cdxComponent) {
		for i := range cs {
			c := &cs[i]
			if c.BOMRef != "" {
				p := Product{Ref: c.BOMRef, Name: c.Name, Version: c.Version, Supplier: c.Publisher}
				if c.Supplier != nil && c.Supplier.Name != "" {
					p.Supplier = c.Supplier.Name
				}
				identify(&w, "component "+c.BOMRef, &p, c.CPE)
				identify(&w, "component "+c.BOMRef, &p, c.PURL)
				products[c.BOMRef] = p
			}
			index(c.Components)
		}
	}
	if m := d.Metadata; m != nil {
		doc.Timestamp = docerr.ParseTime(&w, "metadata.timestamp", m.Timestamp)
		for _, c := range []*cdxContact{m.Manufacturer, m.Manufacture, m.Supplier} {
			if c != nil && c.Name != "" && doc.Author == "" {
				doc.Author = c.Name
			}
		}
		if doc.Author == "" && len(m.Authors) > 0 {
			doc.Author = m.Authors[0].Name
		}
		if m.Component != nil {
			index([]cdxComponent{*m.Component})
		}
	}
	index(d.Components)

	for i, v := range d.Vulnerabilities {
		path := fmt.Sprintf("vulnerabilities[%d]", i)
		if strings.TrimSpace(v.ID) == "" {
			return nil, invalidf(name, "%s: vulnerability has no id", path)
		}
		if v.Analysis == nil || v.Analysis.State == "" {
			// A vulnerability without an analysis is a scanner's report,
			// not a statement; treating it as one would invent a status.
			w.Addf("%s (%s): no analysis.state; not a VEX statement, skipped", path, v.ID)
			continue
		}
		a := v.Analysis
		st := Statement{
			CVE:              v.ID,
			RawStatus:        a.State,
			RawJustification: a.Justification,
			Detail:           a.Detail,
			Responses:        a.Response,
			Timestamp:        docerr.ParseTime(&w, path+".analysis.lastUpdated", a.LastUpdated),
		}
		var ok bool
		if st.Status, ok = cdxStates[a.State]; !ok {
			return nil, invalidf(name, "%s.analysis.state: %q is not a CycloneDX analysis state", path, a.State)
		}
		if a.Justification != "" {
			if st.Justification, ok = cdxJustifications[a.Justification]; !ok {
				return nil, invalidf(name, "%s.analysis.justification: %q is not a CycloneDX justification", path, a.Justification)
			}
		} else if a.State == "false_positive" {
			// A false positive is a vulnerability wrongly tied to the
			// component: as far as the product is concerned, the
			// vulnerable component is not there.
			st.Justification = ComponentNotPresent
		}
		st.Action = joinNonEmpty("; ", v.Recommendation, v.Workaround)
		for _, r := range v.References {
			if r.ID != "" && r.ID != v.ID {
				st.Aliases = append(st.Aliases, r.ID)
			}
		}
		for j, af := range v.Affects {
			if af.Ref == "" {
				return nil, invalidf(name, "%s.affects[%d]: no ref", path, j)
			}
			p := resolveRef(&w, fmt.Sprintf("%s.affects[%d]", path, j), products, d.SerialNumber, af.Ref)
			if len(af.Versions) == 0 {
				st.Products = append(st.Products, p)
				continue
			}
			for _, ver := range af.Versions {
				pv := p
				pv.Version, pv.Range, pv.VersionStatus = ver.Version, ver.Range, ver.Status
				st.Products = append(st.Products, pv)
			}
		}
		if len(st.Products) == 0 {
			w.Addf("%s (%s): affects names no product; the statement applies to the document's subject", path, v.ID)
		}
		doc.Statements = append(doc.Statements, st)
	}
	doc.Warnings = w.List()
	return doc, nil
}

// resolveRef turns an affects ref into a Product. A BOM-Link
// ("urn:cdx:serial/version#bom-ref") into this document resolves like a
// plain ref; one into another BOM keeps the link so that the caller can
// resolve it against that BOM. A ref that is itself a purl or CPE (as
// some tools write) fills that identifier.
func resolveRef(w *warnings, where string, products map[string]Product, serial, ref string) Product {
	p := Product{Ref: ref}
	local := ref
	if strings.HasPrefix(ref, "urn:cdx:") {
		p.BOMLink = ref
		bom, frag, ok := strings.Cut(strings.TrimPrefix(ref, "urn:cdx:"), "#")
		if ok {
			if f, err := url.PathUnescape(frag); err == nil {
				frag = f
			}
			p.Ref = frag
			bomSerial, _, _ := strings.Cut(bom, "/")
			if "urn:uuid:"+bomSerial == serial {
				local = frag
			} else {
				local = ""
			}
		}
	}
	if q, ok := products[local]; ok && local != "" {
		q.BOMLink = p.BOMLink
		return q
	}
	identify(w, where, &p, p.Ref)
	return p
}

func joinNonEmpty(sep string, vs ...string) string {
	var out []string
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return strings.Join(out, sep)
}
