package sbom

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
)

// cdxNamespace is the XML namespace of CycloneDX; the version follows it.
const cdxNamespace = "http://cyclonedx.org/schema/bom/"

// XML elements of CycloneDX. Tags carry no namespace so that they match the
// elements of every version; the root's namespace is checked separately.
type xmlBOM struct {
	XMLName      xml.Name        `xml:"bom"`
	SerialNumber string          `xml:"serialNumber,attr"`
	Version      string          `xml:"version,attr"`
	Metadata     *xmlMetadata    `xml:"metadata"`
	Components   []xmlComponent  `xml:"components>component"`
	Dependencies []xmlDependency `xml:"dependencies>dependency"`
}

type xmlMetadata struct {
	Timestamp    string        `xml:"timestamp"`
	Authors      []cdxContact  `xml:"authors>author"`
	Component    *xmlComponent `xml:"component"`
	Manufacture  *cdxContact   `xml:"manufacture"`
	Manufacturer *cdxContact   `xml:"manufacturer"`
	Supplier     *cdxContact   `xml:"supplier"`
}

type xmlComponent struct {
	Type         string         `xml:"type,attr"`
	BOMRef       string         `xml:"bom-ref,attr"`
	Supplier     *cdxContact    `xml:"supplier"`
	Manufacturer *cdxContact    `xml:"manufacturer"`
	Author       string         `xml:"author"`
	Publisher    string         `xml:"publisher"`
	Group        string         `xml:"group"`
	Name         string         `xml:"name"`
	Version      string         `xml:"version"`
	Description  string         `xml:"description"`
	Licenses     xmlLicenses    `xml:"licenses"`
	Hashes       []xmlHash      `xml:"hashes>hash"`
	CPE          string         `xml:"cpe"`
	PURL         string         `xml:"purl"`
	Properties   []xmlProperty  `xml:"properties>property"`
	Components   []xmlComponent `xml:"components>component"`
}

type xmlLicenses struct {
	Licenses []struct {
		ID   string `xml:"id"`
		Name string `xml:"name"`
	} `xml:"license"`
	Expressions []string `xml:"expression"`
}

type xmlHash struct {
	Alg     string `xml:"alg,attr"`
	Content string `xml:",chardata"`
}

type xmlProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:",chardata"`
}

type xmlDependency struct {
	Ref       string `xml:"ref,attr"`
	DependsOn []struct {
		Ref string `xml:"ref,attr"`
	} `xml:"dependency"`
}

// parseCycloneDXXML reads a CycloneDX XML BOM. encoding/xml expands no
// external entities and no DTD-defined ones, so the classic XML bombs do
// not apply; its nesting limit bounds recursion.
func parseCycloneDXXML(name string, data []byte) (*SBOM, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	// Find the root element first, to report a wrong document by name
	// rather than as a missing field.
	var root xml.StartElement
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, xmlError(name, d, err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			root = se
			break
		}
	}
	if root.Name.Local != "bom" || !strings.HasPrefix(root.Name.Space, cdxNamespace) {
		return nil, invalidf(name, "the XML root element is <%s xmlns=%q>, want a CycloneDX <bom> in namespace %s1.x", root.Name.Local, root.Name.Space, cdxNamespace)
	}
	version := strings.TrimPrefix(root.Name.Space, cdxNamespace)
	if !cdxVersions[version] {
		return nil, invalidf(name, "CycloneDX XML version %q is not supported; Cordon reads 1.2 to 1.6", version)
	}
	var x xmlBOM
	if err := d.DecodeElement(&x, &root); err != nil {
		return nil, xmlError(name, d, err)
	}
	// Anything but whitespace, comments and processing instructions after
	// the root is malformed XML.
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, xmlError(name, d, err)
		}
		if _, ok := tok.(xml.StartElement); ok {
			line, col := d.InputPos()
			return nil, invalidf(name, "line %d, column %d: invalid XML: a second root element", line, col)
		}
	}
	b := &cdxBOM{
		BOMFormat:    "CycloneDX",
		SpecVersion:  version,
		SerialNumber: x.SerialNumber,
		Components:   xmlComponents(x.Components),
	}
	if x.Version != "" {
		v, err := strconv.Atoi(x.Version)
		if err != nil || v < 0 {
			return nil, invalidf(name, "the version attribute of <bom> is %q, want a whole number", x.Version)
		}
		b.Version = v
	}
	if m := x.Metadata; m != nil {
		b.Metadata = &cdxMetadata{
			Timestamp:    strings.TrimSpace(m.Timestamp),
			Authors:      m.Authors,
			Manufacture:  m.Manufacture,
			Manufacturer: m.Manufacturer,
			Supplier:     m.Supplier,
		}
		if m.Component != nil {
			c := xmlComponents([]xmlComponent{*m.Component})[0]
			b.Metadata.Component = &c
		}
	}
	for _, dep := range x.Dependencies {
		cd := cdxDependency{Ref: dep.Ref}
		for _, on := range dep.DependsOn {
			cd.DependsOn = append(cd.DependsOn, on.Ref)
		}
		b.Dependencies = append(b.Dependencies, cd)
	}
	return convertCycloneDX(name, b)
}

// xmlComponents maps XML components onto the JSON structure.
func xmlComponents(xs []xmlComponent) []cdxComponent {
	if len(xs) == 0 {
		return nil
	}
	out := make([]cdxComponent, len(xs))
	for i := range xs {
		x := &xs[i]
		c := cdxComponent{
			Type:         x.Type,
			BOMRef:       x.BOMRef,
			Supplier:     x.Supplier,
			Manufacturer: x.Manufacturer,
			Author:       strings.TrimSpace(x.Author),
			Publisher:    strings.TrimSpace(x.Publisher),
			Group:        strings.TrimSpace(x.Group),
			Name:         strings.TrimSpace(x.Name),
			Version:      strings.TrimSpace(x.Version),
			Description:  strings.TrimSpace(x.Description),
			CPE:          x.CPE,
			PURL:         x.PURL,
			Components:   xmlComponents(x.Components),
		}
		for _, l := range x.Licenses.Licenses {
			id := &cdxLicenseID{ID: strings.TrimSpace(l.ID), Name: strings.TrimSpace(l.Name)}
			c.Licenses = append(c.Licenses, cdxLicense{License: id})
		}
		for _, e := range x.Licenses.Expressions {
			c.Licenses = append(c.Licenses, cdxLicense{Expression: strings.TrimSpace(e)})
		}
		for _, h := range x.Hashes {
			c.Hashes = append(c.Hashes, cdxHash{Alg: h.Alg, Content: strings.TrimSpace(h.Content)})
		}
		for _, p := range x.Properties {
			c.Properties = append(c.Properties, cdxProperty(p))
		}
		out[i] = c
	}
	return out
}

// xmlError reports a decoding error with the decoder's position.
func xmlError(name string, d *xml.Decoder, err error) error {
	if errors.Is(err, io.EOF) {
		return invalidf(name, "invalid XML: the document ends before its root element")
	}
	// InputPos is where the decoder stopped, which for a syntax error is
	// where the error is.
	line, col := d.InputPos()
	var syn *xml.SyntaxError
	if errors.As(err, &syn) {
		return invalidf(name, "line %d, column %d: invalid XML: %s", line, col, syn.Msg)
	}
	return invalidf(name, "line %d, column %d: invalid XML: %v", line, col, err)
}
