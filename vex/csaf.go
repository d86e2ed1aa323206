package vex

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/cordonsec/cordon/internal/docerr"
)

// csafStatuses lists the product_status lists read, in the order their
// statements are emitted, with the status each means. "recommended" names
// versions the vendor advises moving to and says nothing on their own
// status, so it is not read.
var csafStatuses = []struct{ list, status string }{
	{"known_not_affected", StatusNotAffected},
	{"known_affected", StatusAffected},
	{"first_affected", StatusAffected},
	{"last_affected", StatusAffected},
	{"fixed", StatusFixed},
	{"first_fixed", StatusFixed},
	{"under_investigation", StatusUnderInvestigation},
}

type csafDoc struct {
	Document struct {
		Category    string `json:"category"`
		CSAFVersion string `json:"csaf_version"`
		Publisher   struct {
			Name string `json:"name"`
		} `json:"publisher"`
		Tracking struct {
			ID                 string `json:"id"`
			CurrentReleaseDate string `json:"current_release_date"`
		} `json:"tracking"`
	} `json:"document"`
	ProductTree *struct {
		Branches         []csafBranch      `json:"branches"`
		FullProductNames []csafProductName `json:"full_product_names"`
		Relationships    []struct {
			Category                  string          `json:"category"`
			FullProductName           csafProductName `json:"full_product_name"`
			ProductReference          string          `json:"product_reference"`
			RelatesToProductReference string          `json:"relates_to_product_reference"`
		} `json:"relationships"`
		ProductGroups []struct {
			GroupID    string   `json:"group_id"`
			ProductIDs []string `json:"product_ids"`
		} `json:"product_groups"`
	} `json:"product_tree"`
	Vulnerabilities []csafVulnerability `json:"vulnerabilities"`
}

type csafBranch struct {
	Category string           `json:"category"`
	Name     string           `json:"name"`
	Product  *csafProductName `json:"product"`
	Branches []csafBranch     `json:"branches"`
}

type csafProductName struct {
	ProductID string `json:"product_id"`
	Name      string `json:"name"`
	Helper    *struct {
		CPE   string   `json:"cpe"`
		PURL  string   `json:"purl"`  // CSAF 2.0
		PURLs []string `json:"purls"` // CSAF 2.1
	} `json:"product_identification_helper"`
}

// csafRef names products directly or through product groups.
type csafRef struct {
	ProductIDs []string `json:"product_ids"`
	GroupIDs   []string `json:"group_ids"`
}

type csafVulnerability struct {
	CVE string `json:"cve"`
	IDs []struct {
		SystemName string `json:"system_name"`
		Text       string `json:"text"`
	} `json:"ids"`
	Notes []struct {
		Category string `json:"category"`
		Text     string `json:"text"`
	} `json:"notes"`
	ProductStatus map[string][]string `json:"product_status"`
	Flags         []struct {
		csafRef
		Label string `json:"label"`
		Date  string `json:"date"`
	} `json:"flags"`
	Threats []struct {
		csafRef
		Category string `json:"category"`
		Details  string `json:"details"`
	} `json:"threats"`
	Remediations []struct {
		csafRef
		Category string `json:"category"`
		Details  string `json:"details"`
		URL      string `json:"url"`
	} `json:"remediations"`
}

func parseCSAF(name string, data []byte) (*Document, error) {
	var d csafDoc
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, jsonError(name, data, err)
	}
	if !strings.HasPrefix(d.Document.CSAFVersion, "2.") {
		return nil, invalidf(name, "document.csaf_version %q is not supported; Cordon reads CSAF 2.0", d.Document.CSAFVersion)
	}
	if d.Document.Tracking.ID == "" {
		return nil, invalidf(name, "document.tracking.id is missing")
	}
	var w warnings
	doc := &Document{
		Format:    FormatCSAF,
		ID:        d.Document.Tracking.ID,
		Author:    d.Document.Publisher.Name,
		Timestamp: docerr.ParseTime(&w, "document.tracking.current_release_date", d.Document.Tracking.CurrentReleaseDate),
	}

	products := make(map[string]Product)
	groups := make(map[string][]string)
	if t := d.ProductTree; t != nil {
		add := func(path string, pn *csafProductName, base Product) error {
			if pn.ProductID == "" {
				return invalidf(name, "%s: product has no product_id", path)
			}
			p := base
			p.Ref, p.Name = pn.ProductID, pn.Name
			if h := pn.Helper; h != nil {
				identify(&w, path, &p, h.CPE)
				identify(&w, path, &p, h.PURL)
				for _, u := range h.PURLs {
					identify(&w, path, &p, u)
				}
			}
			products[pn.ProductID] = p
			return nil
		}
		// Branches carry the vendor, product name and version down to
		// the product at their leaf.
		var walk func(path string, bs []csafBranch, base Product) error
		walk = func(path string, bs []csafBranch, base Product) error {
			for i := range bs {
				b := &bs[i]
				bp := fmt.Sprintf("%s[%d]", path, i)
				p := base
				switch b.Category {
				case "vendor":
					p.Supplier = b.Name
				case "product_version":
					p.Version = b.Name
				case "product_version_range":
					p.Range = b.Name
				}
				if b.Product != nil {
					if err := add(bp+".product", b.Product, p); err != nil {
						return err
					}
				}
				if err := walk(bp+".branches", b.Branches, p); err != nil {
					return err
				}
			}
			return nil
		}
		if err := walk("product_tree.branches", t.Branches, Product{}); err != nil {
			return nil, err
		}
		for i := range t.FullProductNames {
			if err := add(fmt.Sprintf("product_tree.full_product_names[%d]", i), &t.FullProductNames[i], Product{}); err != nil {
				return nil, err
			}
		}
		// A relationship names a component as installed on (or part of)
		// a platform; the component's identifiers are what a device's
		// software matches, so they are taken from the product_reference.
		for i, r := range t.Relationships {
			path := fmt.Sprintf("product_tree.relationships[%d]", i)
			base, ok := products[r.ProductReference]
			if !ok {
				w.Addf("%s: product_reference %q names no product", path, r.ProductReference)
			}
			if err := add(path+".full_product_name", &r.FullProductName, base); err != nil {
				return nil, err
			}
		}
		for _, g := range t.ProductGroups {
			groups[g.GroupID] = g.ProductIDs
		}
	}

	if len(d.Vulnerabilities) == 0 {
		return nil, invalidf(name, "the CSAF VEX document has no vulnerabilities")
	}
	for i := range d.Vulnerabilities {
		v := &d.Vulnerabilities[i]
		path := fmt.Sprintf("vulnerabilities[%d]", i)
		sts, err := csafStatements(name, &w, path, v, products, groups)
		if err != nil {
			return nil, err
		}
		if len(doc.Statements)+len(sts) > MaxStatements {
			return nil, invalidf(name, "more than %d statements", MaxStatements)
		}
		doc.Statements = append(doc.Statements, sts...)
	}
	doc.Warnings = w.List()
	return doc, nil
}

// csafStatements makes the statements of one vulnerability: for each status
// list, the products are grouped by their justification, impact and
// action, so that a statement's text applies to each of its products.
func csafStatements(name string, w *warnings, path string, v *csafVulnerability, products map[string]Product, groups map[string][]string) ([]Statement, error) {
	id := v.CVE
	var aliases []string
	for _, x := range v.IDs {
		if id == "" {
			id = x.Text
		} else if x.Text != "" {
			aliases = append(aliases, x.Text)
		}
	}
	if id == "" {
		return nil, invalidf(name, "%s: vulnerability has neither cve nor ids", path)
	}
	for list := range v.ProductStatus {
		if !slices.ContainsFunc(csafStatuses, func(s struct{ list, status string }) bool { return s.list == list }) && list != "recommended" {
			return nil, invalidf(name, "%s.product_status.%s is not a CSAF product status", path, list)
		}
	}
	// Groups referenced by many flags could multiply into more work than
	// the file's size suggests, so expansions share one budget.
	budget := MaxProducts
	members := func(r csafRef) map[string]bool {
		m := make(map[string]bool)
		for _, p := range r.ProductIDs {
			m[p] = true
		}
		for _, g := range r.GroupIDs {
			budget -= len(groups[g])
			if budget < 0 {
				return m
			}
			for _, p := range groups[g] {
				m[p] = true
			}
		}
		return m
	}
	justification := make(map[string]string)
	for j, f := range v.Flags {
		if !slices.Contains(Justifications, f.Label) {
			return nil, invalidf(name, "%s.flags[%d].label: %q is not a CSAF VEX justification", path, j, f.Label)
		}
		for p := range members(f.csafRef) {
			justification[p] = f.Label
		}
	}
	impact := make(map[string][]string)
	for _, t := range v.Threats {
		if t.Category != "impact" {
			continue
		}
		for p := range members(t.csafRef) {
			impact[p] = append(impact[p], t.Details)
		}
	}
	action := make(map[string][]string)
	for _, r := range v.Remediations {
		text := joinNonEmpty(" ", r.Details, r.URL)
		if r.Category != "" {
			text = r.Category + ": " + text
		}
		for p := range members(r.csafRef) {
			action[p] = append(action[p], text)
		}
	}
	if budget < 0 {
		return nil, invalidf(name, "%s: flags, threats and remediations name more than %d products through groups", path, MaxProducts)
	}
	var detail []string
	for _, n := range v.Notes {
		if n.Text != "" {
			detail = append(detail, n.Text)
		}
	}

	var out []Statement
	for _, s := range csafStatuses {
		ids := v.ProductStatus[s.list]
		byKey := make(map[[3]string]int) // justification, impact, action → index in out
		for j, pid := range ids {
			p, ok := products[pid]
			if !ok {
				w.Addf("%s.product_status.%s[%d]: product_id %q is not in the product tree", path, s.list, j, pid)
				p = Product{Ref: pid}
			}
			key := [3]string{justification[pid], strings.Join(impact[pid], "\n"), strings.Join(action[pid], "\n")}
			if s.status != StatusNotAffected {
				key[0] = ""
			}
			k, ok := byKey[key]
			if !ok {
				k = len(out)
				byKey[key] = k
				out = append(out, Statement{
					CVE: id, Aliases: aliases, Status: s.status, RawStatus: s.list,
					Justification: key[0], RawJustification: key[0],
					Impact: key[1], Action: key[2], Detail: strings.Join(detail, "\n"),
				})
			}
			out[k].Products = append(out[k].Products, p)
		}
	}
	if len(out) == 0 {
		w.Addf("%s (%s): no product_status; no statement made", path, id)
	}
	return out, nil
}
