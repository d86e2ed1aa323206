package vex

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/cordonsec/cordon/internal/docerr"
)

var openvexStatuses = []string{StatusNotAffected, StatusAffected, StatusFixed, StatusUnderInvestigation}

type openvexDoc struct {
	ID         string             `json:"@id"`
	Author     string             `json:"author"`
	Timestamp  string             `json:"timestamp"`
	Statements []openvexStatement `json:"statements"`
}

type openvexStatement struct {
	// Vulnerability is an object in v0.2.0 and a plain ID in v0.0.1.
	Vulnerability   json.RawMessage   `json:"vulnerability"`
	Products        []json.RawMessage `json:"products"`
	Status          string            `json:"status"`
	Justification   string            `json:"justification"`
	ImpactStatement string            `json:"impact_statement"`
	ActionStatement string            `json:"action_statement"`
	StatusNotes     string            `json:"status_notes"`
	Timestamp       string            `json:"timestamp"`
}

type openvexVulnerability struct {
	ID      string   `json:"@id"`
	Name    string   `json:"name"`
	Aliases []string `json:"aliases"`
}

type openvexProduct struct {
	ID          string `json:"@id"`
	Identifiers struct {
		PURL  string `json:"purl"`
		CPE23 string `json:"cpe23"`
	} `json:"identifiers"`
	// Subcomponents are objects in v0.2.0 and plain IDs in v0.0.1.
	Subcomponents []json.RawMessage `json:"subcomponents"`
}

func parseOpenVEX(name string, data []byte) (*Document, error) {
	var d openvexDoc
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, jsonError(name, data, err)
	}
	if len(d.Statements) == 0 {
		return nil, invalidf(name, "the OpenVEX document has no statements")
	}
	if len(d.Statements) > MaxStatements {
		return nil, invalidf(name, "%d statements, more than the limit of %d", len(d.Statements), MaxStatements)
	}
	var w warnings
	doc := &Document{
		Format:    FormatOpenVEX,
		ID:        d.ID,
		Author:    d.Author,
		Timestamp: docerr.ParseTime(&w, "timestamp", d.Timestamp),
	}
	for i, s := range d.Statements {
		path := fmt.Sprintf("statements[%d]", i)
		st := Statement{
			Status:           s.Status,
			RawStatus:        s.Status,
			Justification:    s.Justification,
			RawJustification: s.Justification,
			Impact:           s.ImpactStatement,
			Action:           s.ActionStatement,
			Detail:           s.StatusNotes,
			Timestamp:        doc.Timestamp,
		}
		if s.Timestamp != "" {
			st.Timestamp = docerr.ParseTime(&w, path+".timestamp", s.Timestamp)
		}
		if !slices.Contains(openvexStatuses, s.Status) {
			return nil, invalidf(name, "%s.status: %q is not an OpenVEX status (%s)", path, s.Status, strings.Join(openvexStatuses, ", "))
		}
		if s.Justification != "" && !slices.Contains(Justifications, s.Justification) {
			return nil, invalidf(name, "%s.justification: %q is not an OpenVEX justification", path, s.Justification)
		}
		var v openvexVulnerability
		if err := oneOrObject(s.Vulnerability, &v.Name, &v); err != nil {
			return nil, invalidf(name, "%s.vulnerability: %v", path, err)
		}
		st.CVE = v.Name
		if st.CVE == "" {
			st.CVE = v.ID
		}
		if st.CVE == "" {
			return nil, invalidf(name, "%s.vulnerability: no name", path)
		}
		st.Aliases = v.Aliases
		for j, raw := range s.Products {
			pp := fmt.Sprintf("%s.products[%d]", path, j)
			var op openvexProduct
			if err := oneOrObject(raw, &op.ID, &op); err != nil {
				return nil, invalidf(name, "%s: %v", pp, err)
			}
			if op.ID == "" {
				return nil, invalidf(name, "%s: product has no @id", pp)
			}
			p := Product{Ref: op.ID}
			identify(&w, pp, &p, op.Identifiers.PURL)
			identify(&w, pp, &p, op.Identifiers.CPE23)
			identify(&w, pp, &p, op.ID)
			for k, rs := range op.Subcomponents {
				var sc openvexProduct
				if err := oneOrObject(rs, &sc.ID, &sc); err != nil || sc.ID == "" {
					return nil, invalidf(name, "%s.subcomponents[%d]: want an @id", pp, k)
				}
				p.Subcomponents = append(p.Subcomponents, sc.ID)
			}
			st.Products = append(st.Products, p)
		}
		if len(st.Products) == 0 {
			return nil, invalidf(name, "%s.products: the statement names no product", path)
		}
		doc.Statements = append(doc.Statements, st)
	}
	doc.Warnings = w.List()
	return doc, nil
}

// oneOrObject decodes raw into *s when it is a JSON string and into obj
// when it is an object: OpenVEX v0.0.1 wrote plain IDs where v0.2.0 has
// objects.
func oneOrObject(raw json.RawMessage, s *string, obj any) error {
	if len(raw) > 0 && raw[0] == '"' {
		return json.Unmarshal(raw, s)
	}
	if len(raw) == 0 || raw[0] != '{' {
		return fmt.Errorf("want a string or an object")
	}
	return json.Unmarshal(raw, obj)
}
