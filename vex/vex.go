package vex

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"github.com/cordonsec/cordon/cpe"
	"github.com/cordonsec/cordon/internal/docerr"
)

// Formats of a VEX document, as reported in Document.Format.
const (
	FormatCycloneDX = "cyclonedx"
	FormatCSAF      = "csaf"
	FormatOpenVEX   = "openvex"
)

// Statuses, normalised to the CISA minimum-requirements set that OpenVEX
// and CSAF also use.
const (
	StatusNotAffected        = "not_affected"
	StatusAffected           = "affected"
	StatusFixed              = "fixed"
	StatusUnderInvestigation = "under_investigation"
)

// Justifications for StatusNotAffected, from the CISA set.
const (
	ComponentNotPresent              = "component_not_present"
	VulnerableCodeNotPresent         = "vulnerable_code_not_present"
	VulnerableCodeNotInExecutePath   = "vulnerable_code_not_in_execute_path"
	VulnerableCodeCannotBeControlled = "vulnerable_code_cannot_be_controlled_by_adversary"
	InlineMitigationsAlreadyExist    = "inline_mitigations_already_exist"
)

// Justifications lists the valid justifications.
var Justifications = []string{
	ComponentNotPresent,
	VulnerableCodeNotPresent,
	VulnerableCodeNotInExecutePath,
	VulnerableCodeCannotBeControlled,
	InlineMitigationsAlreadyExist,
}

// Limits that bound the work one document can cost.
const (
	MaxSize       = 64 << 20  // bytes in one document
	MaxStatements = 100_000   // statements in one document
	MaxProducts   = 1_000_000 // products summed over all statements
)

// Document is a VEX document: statements by a supplier on whether its
// products are affected by vulnerabilities.
type Document struct {
	Format     string // FormatCycloneDX, FormatCSAF or FormatOpenVEX
	ID         string // CycloneDX serialNumber, CSAF tracking id, OpenVEX @id
	Author     string // who makes the statements
	Timestamp  time.Time
	Statements []Statement
	Warnings   []string // problems that did not stop the parse
}

// Statement says what one vulnerability means for some products.
type Statement struct {
	CVE     string   // the vulnerability's ID: a CVE where there is one, else the ID given
	Aliases []string // other IDs of the same vulnerability

	Status        string // one of the Status constants
	Justification string // one of Justifications, or "" (normally set only for not_affected)

	// RawStatus and RawJustification are the values as the document wrote
	// them, kept because normalising CycloneDX's values loses detail.
	RawStatus        string
	RawJustification string

	Detail    string   // free text on the status (CycloneDX analysis.detail, OpenVEX status_notes, CSAF notes)
	Impact    string   // why the products are not affected (OpenVEX impact_statement, CSAF impact threat)
	Action    string   // what to do (OpenVEX action_statement, CSAF remediations, CycloneDX recommendation)
	Responses []string // CycloneDX analysis.response: can_not_fix, will_not_fix, update, rollback, workaround_available

	Timestamp time.Time // when the statement was made, when the format says
	Products  []Product
}

// Product is one product or component a statement applies to, resolved
// against the document's own product tree or components where it has one.
type Product struct {
	Ref      string // bom-ref, CSAF product_id or OpenVEX @id
	BOMLink  string // CycloneDX BOM-Link "urn:cdx:serial/version#ref" when the ref was one
	Supplier string
	Name     string
	Version  string // one version
	Range    string // a version range (vers: or CSAF product_version_range) instead of Version
	CPE      string
	PURL     string

	// VersionStatus is CycloneDX affects[].versions[].status (affected,
	// unaffected, unknown), "" elsewhere.
	VersionStatus string
	// Subcomponents are the OpenVEX subcomponents of the product the
	// statement is about, by @id.
	Subcomponents []string
}

// Parse detects the format of data and reads it. name identifies the
// document in error messages. Errors are *cordon.Error with code EINVALID
// and a message naming the problem and where it is.
func Parse(name string, data []byte) (*Document, error) {
	if len(data) > MaxSize {
		return nil, invalidf(name, "the file is %d bytes, more than the limit of %d MiB", len(data), MaxSize>>20)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	switch {
	case len(trimmed) == 0:
		return nil, invalidf(name, "the file is empty")
	case trimmed[0] == '<':
		return nil, invalidf(name, "XML VEX documents are not supported; use CycloneDX JSON, CSAF or OpenVEX")
	case trimmed[0] != '{':
		return nil, invalidf(name, "the file is not JSON, so it is not a CycloneDX, CSAF or OpenVEX document")
	}
	var p struct {
		BOMFormat string          `json:"bomFormat"`
		Context   json.RawMessage `json:"@context"`
		Document  *struct {
			Category    string `json:"category"`
			CSAFVersion string `json:"csaf_version"`
		} `json:"document"`
	}
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, jsonError(name, data, err)
	}
	var doc *Document
	var err error
	switch {
	case p.BOMFormat != "":
		if p.BOMFormat != "CycloneDX" {
			return nil, invalidf(name, "bomFormat is %q, want \"CycloneDX\"", p.BOMFormat)
		}
		doc, err = parseCycloneDX(name, data)
	case p.Document != nil && p.Document.CSAFVersion != "":
		if p.Document.Category != "csaf_vex" {
			return nil, invalidf(name, "document.category is %q; only \"csaf_vex\" CSAF documents are VEX (import advisories as intelligence feeds)", p.Document.Category)
		}
		doc, err = parseCSAF(name, data)
	case strings.Contains(string(p.Context), "openvex.dev/ns"):
		doc, err = parseOpenVEX(name, data)
	default:
		return nil, invalidf(name, "the JSON is neither CycloneDX (bomFormat), CSAF (document.csaf_version) nor OpenVEX (@context https://openvex.dev/ns/...)")
	}
	if err != nil {
		return nil, err
	}
	n := 0
	for _, s := range doc.Statements {
		n += len(s.Products)
	}
	if n > MaxProducts {
		return nil, invalidf(name, "statements name %d products in all, more than the limit of %d", n, MaxProducts)
	}
	return doc, nil
}

// invalidf returns an EINVALID error naming the document ("VEX" when
// it has no name).
func invalidf(name, format string, args ...any) error {
	if name == "" {
		name = "VEX"
	}
	return docerr.Invalidf(name, format, args...)
}

// jsonError words a JSON decoding error with its line and column.
func jsonError(name string, data []byte, err error) error {
	if name == "" {
		name = "VEX"
	}
	return docerr.JSON(name, data, err)
}

// warnings collects non-fatal problems.
type warnings = docerr.Warnings

// identify fills p.CPE or p.PURL from id when it is one. A string that
// looks like a CPE but does not parse is left out with a warning, so that
// a bad identifier never reaches the matcher.
func identify(w *warnings, where string, p *Product, id string) {
	id = strings.TrimSpace(id)
	switch {
	case id == "":
	case strings.HasPrefix(id, "pkg:"):
		if p.PURL == "" {
			p.PURL = id
		}
	case strings.HasPrefix(strings.ToLower(id), "cpe:"):
		if _, err := cpe.Parse(id); err != nil {
			w.Addf("%s: CPE %.80q is not a valid CPE 2.3 formatted string and was left out", where, id)
			return
		}
		if p.CPE == "" {
			p.CPE = id
		}
	}
}
