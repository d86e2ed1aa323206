package sbom

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cordonsec/cordon/internal/docerr"
)

// spdxVersions are the SPDX versions read. 2.2 JSON has the same shape as
// 2.3 for every field used here.
var spdxVersions = map[string]bool{"SPDX-2.2": true, "SPDX-2.3": true}

type spdxDoc struct {
	SPDXID            string `json:"SPDXID"`
	SPDXVersion       string `json:"spdxVersion"`
	Name              string `json:"name"`
	DocumentNamespace string `json:"documentNamespace"`
	CreationInfo      struct {
		Created  string   `json:"created"`
		Creators []string `json:"creators"`
	} `json:"creationInfo"`
	DocumentDescribes []string           `json:"documentDescribes"`
	Packages          []spdxPackage      `json:"packages"`
	Relationships     []spdxRelationship `json:"relationships"`
}

type spdxPackage struct {
	SPDXID                string `json:"SPDXID"`
	Name                  string `json:"name"`
	VersionInfo           string `json:"versionInfo"`
	Supplier              string `json:"supplier"`
	Originator            string `json:"originator"`
	PrimaryPackagePurpose string `json:"primaryPackagePurpose"`
	Description           string `json:"description"`
	Summary               string `json:"summary"`
	LicenseConcluded      string `json:"licenseConcluded"`
	LicenseDeclared       string `json:"licenseDeclared"`
	ValidUntilDate        string `json:"validUntilDate"`
	Checksums             []struct {
		Algorithm     string `json:"algorithm"`
		ChecksumValue string `json:"checksumValue"`
	} `json:"checksums"`
	ExternalRefs []struct {
		ReferenceCategory string `json:"referenceCategory"`
		ReferenceType     string `json:"referenceType"`
		ReferenceLocator  string `json:"referenceLocator"`
	} `json:"externalRefs"`
}

type spdxRelationship struct {
	Element string `json:"spdxElementId"`
	Type    string `json:"relationshipType"`
	Related string `json:"relatedSpdxElement"`
}

func parseSPDX(name string, data []byte) (*SBOM, error) {
	var doc spdxDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, jsonError(name, data, err)
	}
	if !spdxVersions[doc.SPDXVersion] {
		return nil, invalidf(name, "spdxVersion %q is not supported; Cordon reads SPDX 2.3 (and 2.2) JSON", doc.SPDXVersion)
	}
	if len(doc.Packages) > MaxComponents {
		return nil, invalidf(name, "%d packages, more than the limit of %d", len(doc.Packages), MaxComponents)
	}
	var w warnings
	s := &SBOM{
		Format:      FormatSPDX,
		SpecVersion: strings.TrimPrefix(doc.SPDXVersion, "SPDX-"),
		Serial:      doc.DocumentNamespace,
		Name:        doc.Name,
		Created:     docerr.ParseTime(&w, "creationInfo.created", doc.CreationInfo.Created),
	}
	for _, c := range doc.CreationInfo.Creators {
		// "Tool:" creators made the file; people and organizations wrote it.
		kind, who, _ := strings.Cut(c, ":")
		if kind == "Person" || kind == "Organization" {
			if n := spdxName(who); n != "" {
				s.Authors = append(s.Authors, n)
			}
		}
	}

	index := make(map[string]int, len(doc.Packages))
	comps := make([]Component, len(doc.Packages))
	for i := range doc.Packages {
		p := &doc.Packages[i]
		path := fmt.Sprintf("packages[%d]", i)
		if p.SPDXID == "" {
			return nil, invalidf(name, "%s: package has no SPDXID", path)
		}
		if strings.TrimSpace(p.Name) == "" {
			return nil, invalidf(name, "%s (%s): package has no name", path, p.SPDXID)
		}
		if _, dup := index[p.SPDXID]; dup {
			return nil, invalidf(name, "%s: SPDXID %q is used twice; SPDXIDs must be unique", path, p.SPDXID)
		}
		index[p.SPDXID] = i
		comps[i] = spdxConvert(&w, path, p)
	}

	// Relationships: the subject is what the document DESCRIBES; CONTAINS
	// sets Parent; DEPENDS_ON fills DependsOn. Their inverses are read too.
	described := append([]string(nil), doc.DocumentDescribes...)
	for i, r := range doc.Relationships {
		a, b := r.Element, r.Related
		switch strings.ToUpper(r.Type) {
		case "DESCRIBES":
			if a == doc.SPDXID || a == "SPDXRef-DOCUMENT" {
				described = append(described, b)
			}
		case "DESCRIBED_BY":
			if b == doc.SPDXID || b == "SPDXRef-DOCUMENT" {
				described = append(described, a)
			}
		case "CONTAINS":
			setParent(&w, comps, index, i, b, a)
		case "CONTAINED_BY":
			setParent(&w, comps, index, i, a, b)
		case "DEPENDS_ON":
			addDependency(comps, index, a, b)
		case "DEPENDENCY_OF":
			addDependency(comps, index, b, a)
		}
	}

	// One described package is the product; it leaves the component list
	// so that both formats give Components as the parts of the Subject.
	subject := -1
	seen := make(map[string]bool)
	var describedPkgs []int
	for _, id := range described {
		if j, ok := index[id]; ok && !seen[id] {
			seen[id] = true
			describedPkgs = append(describedPkgs, j)
		}
	}
	if len(describedPkgs) == 1 {
		subject = describedPkgs[0]
		s.Subject = comps[subject]
		s.Supplier = s.Subject.Supplier
	}
	s.Components = make([]Component, 0, len(comps))
	for i, c := range comps {
		if i == subject {
			continue
		}
		if subject >= 0 && c.Parent == s.Subject.Ref {
			c.Parent = ""
		}
		s.Components = append(s.Components, c)
	}
	s.Warnings = w.List()
	return s, nil
}

func setParent(w *warnings, comps []Component, index map[string]int, rel int, child, parent string) {
	j, ok := index[child]
	if !ok {
		return // files and snippets are not components
	}
	if _, ok := index[parent]; !ok {
		return
	}
	if comps[j].Parent != "" && comps[j].Parent != parent {
		w.Addf("relationships[%d]: %s is contained in both %s and %s; the first is kept", rel, child, comps[j].Parent, parent)
		return
	}
	comps[j].Parent = parent
}

func addDependency(comps []Component, index map[string]int, from, to string) {
	if j, ok := index[from]; ok {
		comps[j].DependsOn = append(comps[j].DependsOn, to)
	}
}

// spdxConvert converts one package.
func spdxConvert(w *warnings, path string, p *spdxPackage) Component {
	c := Component{
		Ref:         p.SPDXID,
		Type:        strings.ToLower(strings.ReplaceAll(p.PrimaryPackagePurpose, "_", "-")),
		Name:        p.Name,
		Version:     spdxValue(p.VersionInfo),
		Supplier:    spdxName(strings.TrimPrefix(strings.TrimPrefix(p.Supplier, "Organization:"), "Person:")),
		Description: p.Description,
	}
	if c.Supplier == "" {
		c.Supplier = spdxName(strings.TrimPrefix(strings.TrimPrefix(p.Originator, "Organization:"), "Person:"))
	}
	if c.Description == "" {
		c.Description = p.Summary
	}
	for _, l := range []string{p.LicenseConcluded, p.LicenseDeclared} {
		if v := spdxValue(l); v != "" && (len(c.Licenses) == 0 || c.Licenses[0] != v) {
			c.Licenses = append(c.Licenses, v)
		}
	}
	for _, h := range p.Checksums {
		c.Hashes = append(c.Hashes, Hash{Algorithm: h.Algorithm, Value: h.ChecksumValue})
	}
	for i, r := range p.ExternalRefs {
		rp := fmt.Sprintf("%s.externalRefs[%d]", path, i)
		category := strings.ReplaceAll(strings.ToUpper(r.ReferenceCategory), "_", "-")
		switch {
		case category == "SECURITY" && r.ReferenceType == "cpe23Type":
			v := checkCPE(w, rp, r.ReferenceLocator)
			switch {
			case v == "":
			case c.CPE == "":
				c.CPE = v
			default:
				w.Addf("%s: %s has a second CPE %.80q; only the first is kept", rp, p.SPDXID, v)
			}
		case category == "PACKAGE-MANAGER" && r.ReferenceType == "purl":
			if v := checkPURL(w, rp, r.ReferenceLocator); v != "" && c.PURL == "" {
				c.PURL = v
			}
		}
	}
	// SPDX 2.3 defines validUntilDate as the end of the supplier's support.
	if p.ValidUntilDate != "" {
		c.EndOfSupportRaw = p.ValidUntilDate
		c.EndOfSupport = parseSupportDate(p.ValidUntilDate)
		if c.EndOfSupport.IsZero() {
			w.Addf("%s.validUntilDate: %q is not a date", path, p.ValidUntilDate)
		}
	}
	return c
}

// spdxValue maps SPDX's NOASSERTION and NONE to "".
func spdxValue(v string) string {
	v = strings.TrimSpace(v)
	if v == "NOASSERTION" || v == "NONE" {
		return ""
	}
	return v
}

// spdxName extracts the name from "Name (email)".
func spdxName(v string) string {
	v = spdxValue(v)
	if i := strings.LastIndex(v, " ("); i >= 0 && strings.HasSuffix(v, ")") {
		v = v[:i]
	}
	return strings.TrimSpace(v)
}
