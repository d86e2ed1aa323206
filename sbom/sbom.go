package sbom

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"github.com/cordonsec/cordon/internal/docerr"
)

// Formats of an SBOM, as reported in SBOM.Format.
const (
	FormatCycloneDX = "cyclonedx"
	FormatSPDX      = "spdx"
)

// Limits that bound the work and memory one document can cost. A device
// SBOM has tens to a few thousand components; these leave room for a whole
// operating system image while refusing a file built to exhaust the server.
const (
	MaxSize       = 64 << 20 // bytes in one document
	MaxComponents = 100_000  // components after nested ones are flattened
)

// SBOM is a software bill of materials read from CycloneDX or SPDX: the
// product it describes (Subject) and the components it is made of.
type SBOM struct {
	Format       string // FormatCycloneDX or FormatSPDX
	SpecVersion  string // "1.6", "2.3"
	Serial       string // CycloneDX serialNumber or SPDX documentNamespace
	Name         string // SPDX document name; CycloneDX: the subject's name
	Version      string // CycloneDX BOM version (revision of the document); "" for SPDX
	Supplier     string // who supplies the product (CycloneDX metadata.supplier, SPDX subject supplier)
	Manufacturer string // who makes the product (CycloneDX metadata.manufacturer/manufacture)
	Authors      []string
	Created      time.Time // zero when the document has no valid timestamp
	Subject      Component // the described product; Ref is "" when none is named
	Components   []Component
	Warnings     []string // problems that did not stop the parse (bad CPE, bad date)
}

// Component is one item of an SBOM: software, firmware, an operating system
// or a hardware part.
type Component struct {
	Ref         string // bom-ref or SPDXID, unique in the document
	Type        string // application, library, firmware, operating-system, device, ...
	Supplier    string
	Group       string // CycloneDX group (namespace, such as a Maven groupId)
	Name        string
	Version     string
	Description string
	CPE         string // a CPE 2.3 formatted string that cpe.Parse accepts, or ""
	PURL        string // a package URL, or ""
	Licenses    []string
	Hashes      []Hash
	Properties  map[string]string // CycloneDX properties by name (duplicates joined by "; ")

	// EndOfSupport is the date the supplier stops supporting the component,
	// zero when EndOfSupportRaw is empty or not a date ("Unknown", "Open
	// source", "Until hardware support ends" in the FDA-style SBOMs).
	EndOfSupport    time.Time
	EndOfSupportRaw string
	LevelOfSupport  string // "Actively maintained", "Inactive", "Deprecated", ...

	Parent    string   // Ref of the component this one is nested in; "" at top level
	DependsOn []string // Refs this component depends on
}

// Hash is a checksum of a component.
type Hash struct {
	Algorithm string // as written: "SHA-256", "SHA1"
	Value     string
}

// Parse detects the format of data and reads it. name identifies the
// document in error messages (usually its file name). Errors are
// *cordon.Error with code EINVALID and a message naming the problem and,
// where the format allows, the line and column or the field.
func Parse(name string, data []byte) (*SBOM, error) {
	if len(data) > MaxSize {
		return nil, invalidf(name, "the file is %d bytes, more than the limit of %d MiB", len(data), MaxSize>>20)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	switch {
	case len(trimmed) == 0:
		return nil, invalidf(name, "the file is empty")
	case trimmed[0] == '<':
		return parseCycloneDXXML(name, data)
	case trimmed[0] == '{':
		return parseJSON(name, data)
	case bytes.HasPrefix(trimmed, []byte("SPDXVersion:")):
		return nil, invalidf(name, "SPDX tag-value documents are not supported; export the SBOM as SPDX 2.3 JSON or CycloneDX")
	}
	return nil, invalidf(name, "the file is neither JSON nor XML, so it is not a CycloneDX or SPDX SBOM")
}

// probe holds the keys that tell the JSON formats apart.
type probe struct {
	BOMFormat   string          `json:"bomFormat"`
	SPDXVersion string          `json:"spdxVersion"`
	Context     json.RawMessage `json:"@context"`
	Graph       []struct {
		Type        string `json:"type"`
		SpecVersion string `json:"specVersion"`
	} `json:"@graph"`
}

func parseJSON(name string, data []byte) (*SBOM, error) {
	var p probe
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, jsonError(name, data, err)
	}
	switch {
	case p.BOMFormat != "":
		if p.BOMFormat != "CycloneDX" {
			return nil, invalidf(name, "bomFormat is %q, want \"CycloneDX\"", p.BOMFormat)
		}
		return parseCycloneDXJSON(name, data)
	case p.SPDXVersion != "":
		return parseSPDX(name, data)
	case len(p.Context) > 0:
		v := "3"
		for _, g := range p.Graph {
			if g.SpecVersion != "" {
				v = g.SpecVersion
				break
			}
		}
		if strings.Contains(string(p.Context), "spdx") {
			return nil, invalidf(name, "SPDX %s JSON-LD is not supported yet; export the SBOM as SPDX 2.3 JSON or CycloneDX", v)
		}
		return nil, invalidf(name, "JSON-LD documents other than SPDX are not SBOMs Cordon reads")
	}
	return nil, invalidf(name, "the JSON has neither \"bomFormat\" (CycloneDX) nor \"spdxVersion\" (SPDX), so it is not an SBOM Cordon reads")
}

// invalidf returns an EINVALID error naming the document ("SBOM" when
// it has no name).
func invalidf(name, format string, args ...any) error {
	if name == "" {
		name = "SBOM"
	}
	return docerr.Invalidf(name, format, args...)
}

// jsonError words a JSON decoding error with its line and column.
func jsonError(name string, data []byte, err error) error {
	if name == "" {
		name = "SBOM"
	}
	return docerr.JSON(name, data, err)
}

// warnings collects non-fatal problems.
type warnings = docerr.Warnings
