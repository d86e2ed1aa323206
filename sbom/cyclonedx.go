package sbom

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/cordonsec/cordon/internal/docerr"
)

// cdxVersions are the CycloneDX specification versions Parse reads. 1.4 to
// 1.6 are what manufacturers ship today; 1.2 and 1.3 differ from them only
// in fields Cordon does not read, so they are read the same way.
var cdxVersions = map[string]bool{"1.2": true, "1.3": true, "1.4": true, "1.5": true, "1.6": true}

// cdxBOM is the part of a CycloneDX BOM that Cordon reads. The XML reader
// fills the same structure, so both encodings share one conversion.
type cdxBOM struct {
	BOMFormat    string          `json:"bomFormat"`
	SpecVersion  string          `json:"specVersion"`
	SerialNumber string          `json:"serialNumber"`
	Version      int             `json:"version"`
	Metadata     *cdxMetadata    `json:"metadata"`
	Components   []cdxComponent  `json:"components"`
	Dependencies []cdxDependency `json:"dependencies"`
}

type cdxMetadata struct {
	Timestamp    string        `json:"timestamp"`
	Authors      []cdxContact  `json:"authors"`
	Component    *cdxComponent `json:"component"`
	Manufacture  *cdxContact   `json:"manufacture"`  // 1.2 to 1.5
	Manufacturer *cdxContact   `json:"manufacturer"` // 1.6
	Supplier     *cdxContact   `json:"supplier"`
}

// cdxContact is an organizational entity or contact; only the name is used.
type cdxContact struct {
	Name string `json:"name" xml:"name"`
}

type cdxComponent struct {
	Type         string         `json:"type"`
	BOMRef       string         `json:"bom-ref"`
	Supplier     *cdxContact    `json:"supplier"`
	Manufacturer *cdxContact    `json:"manufacturer"` // 1.6
	Author       string         `json:"author"`
	Publisher    string         `json:"publisher"`
	Group        string         `json:"group"`
	Name         string         `json:"name"`
	Version      string         `json:"version"`
	Description  string         `json:"description"`
	Licenses     []cdxLicense   `json:"licenses"`
	Hashes       []cdxHash      `json:"hashes"`
	CPE          string         `json:"cpe"`
	PURL         string         `json:"purl"`
	Properties   []cdxProperty  `json:"properties"`
	Components   []cdxComponent `json:"components"`
}

// cdxLicense is one license choice: a license by SPDX id or name, or an
// SPDX expression.
type cdxLicense struct {
	License    *cdxLicenseID `json:"license"`
	Expression string        `json:"expression"`
}

type cdxLicenseID struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type cdxHash struct {
	Alg     string `json:"alg"`
	Content string `json:"content"`
}

type cdxProperty struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type cdxDependency struct {
	Ref       string   `json:"ref"`
	DependsOn []string `json:"dependsOn"`
}

func parseCycloneDXJSON(name string, data []byte) (*SBOM, error) {
	var b cdxBOM
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, jsonError(name, data, err)
	}
	if !cdxVersions[b.SpecVersion] {
		return nil, invalidf(name, "CycloneDX specVersion %q is not supported; Cordon reads 1.2 to 1.6", b.SpecVersion)
	}
	return convertCycloneDX(name, &b)
}

// convertCycloneDX turns a decoded BOM into an SBOM: nested components are
// flattened depth first with Parent set, properties are kept and the
// FDA-style support properties parsed, and dependencies are attached to
// their components.
func convertCycloneDX(name string, b *cdxBOM) (*SBOM, error) {
	var w warnings
	s := &SBOM{
		Format:      FormatCycloneDX,
		SpecVersion: b.SpecVersion,
		Serial:      b.SerialNumber,
	}
	if b.Version != 0 {
		s.Version = strconv.Itoa(b.Version)
	}
	refs := make(map[string]int) // bom-ref → index in s.Components, -1 for the subject
	if m := b.Metadata; m != nil {
		s.Created = docerr.ParseTime(&w, "metadata.timestamp", m.Timestamp)
		for _, a := range m.Authors {
			if a.Name != "" {
				s.Authors = append(s.Authors, a.Name)
			}
		}
		if m.Supplier != nil {
			s.Supplier = m.Supplier.Name
		}
		switch {
		case m.Manufacturer != nil && m.Manufacturer.Name != "":
			s.Manufacturer = m.Manufacturer.Name
		case m.Manufacture != nil:
			s.Manufacturer = m.Manufacture.Name
		}
		if c := m.Component; c != nil {
			s.Subject = cdxConvert(&w, "metadata.component", c, "")
			if s.Subject.Ref != "" {
				refs[s.Subject.Ref] = -1
			}
			if s.Supplier == "" {
				s.Supplier = s.Subject.Supplier
			}
			if s.Manufacturer == "" && c.Manufacturer != nil {
				s.Manufacturer = c.Manufacturer.Name
			}
			s.Name = s.Subject.Name
			// Components nested in the subject are parts of the product, so
			// they are listed like top-level ones.
			if err := cdxFlatten(name, &w, s, refs, "metadata.component.components", c.Components, ""); err != nil {
				return nil, err
			}
		}
	}
	if err := cdxFlatten(name, &w, s, refs, "components", b.Components, ""); err != nil {
		return nil, err
	}
	for i, d := range b.Dependencies {
		j, ok := refs[d.Ref]
		if !ok {
			w.Addf("dependencies[%d]: ref %q names no component", i, d.Ref)
			continue
		}
		deps := append([]string(nil), d.DependsOn...)
		if j == -1 {
			s.Subject.DependsOn = append(s.Subject.DependsOn, deps...)
		} else {
			s.Components[j].DependsOn = append(s.Components[j].DependsOn, deps...)
		}
	}
	s.Warnings = w.List()
	return s, nil
}

// cdxFlatten appends cs and their nested components to s.Components. The
// recursion is bounded by the decoder's own nesting limit.
func cdxFlatten(name string, w *warnings, s *SBOM, refs map[string]int, path string, cs []cdxComponent, parent string) error {
	for i := range cs {
		c := &cs[i]
		p := fmt.Sprintf("%s[%d]", path, i)
		if len(s.Components) >= MaxComponents {
			return invalidf(name, "more than %d components; Cordon does not read SBOMs this large", MaxComponents)
		}
		if strings.TrimSpace(c.Name) == "" {
			return invalidf(name, "%s: component has no name", p)
		}
		comp := cdxConvert(w, p, c, parent)
		if comp.Ref != "" {
			if _, dup := refs[comp.Ref]; dup {
				return invalidf(name, "%s: bom-ref %q is used twice; bom-refs must be unique", p, comp.Ref)
			}
			refs[comp.Ref] = len(s.Components)
		}
		s.Components = append(s.Components, comp)
		if err := cdxFlatten(name, w, s, refs, p+".components", c.Components, comp.Ref); err != nil {
			return err
		}
	}
	return nil
}

// cdxConvert converts one component without its children.
func cdxConvert(w *warnings, path string, c *cdxComponent, parent string) Component {
	comp := Component{
		Ref:         c.BOMRef,
		Type:        strings.ToLower(c.Type),
		Group:       c.Group,
		Name:        c.Name,
		Version:     c.Version,
		Description: c.Description,
		Parent:      parent,
	}
	// Whoever supplies the component answers for its vulnerabilities.
	// Older and hand-written SBOMs (the FDA-style ones among them) name
	// only a publisher or an author, so fall back on those.
	switch {
	case c.Supplier != nil && c.Supplier.Name != "":
		comp.Supplier = c.Supplier.Name
	case c.Manufacturer != nil && c.Manufacturer.Name != "":
		comp.Supplier = c.Manufacturer.Name
	case c.Publisher != "":
		comp.Supplier = c.Publisher
	default:
		comp.Supplier = c.Author
	}
	comp.CPE = checkCPE(w, path, c.CPE)
	comp.PURL = checkPURL(w, path, c.PURL)
	for _, l := range c.Licenses {
		switch {
		case l.Expression != "":
			comp.Licenses = append(comp.Licenses, l.Expression)
		case l.License != nil && l.License.ID != "":
			comp.Licenses = append(comp.Licenses, l.License.ID)
		case l.License != nil && l.License.Name != "":
			comp.Licenses = append(comp.Licenses, l.License.Name)
		}
	}
	for _, h := range c.Hashes {
		comp.Hashes = append(comp.Hashes, Hash{Algorithm: h.Alg, Value: h.Content})
	}
	if len(c.Properties) > 0 {
		comp.Properties = make(map[string]string, len(c.Properties))
		for _, p := range c.Properties {
			if old, ok := comp.Properties[p.Name]; ok {
				comp.Properties[p.Name] = old + "; " + p.Value
			} else {
				comp.Properties[p.Name] = p.Value
			}
		}
		applySupport(&comp)
	}
	return comp
}
