package cordon

import (
	"context"
	"strings"
	"time"
)

// Kinds of manufacturer document a device model may carry.
const (
	DocumentSBOM = "sbom" // software bill of materials: what the model runs
	DocumentMDS2 = "mds2" // manufacturer disclosure statement: what it declares
	DocumentVEX  = "vex"  // exploitability statements: which CVEs affect it
)

// DocumentKinds lists the kinds of document.
var DocumentKinds = []string{DocumentSBOM, DocumentMDS2, DocumentVEX}

// ModelDocument is one manufacturer document imported for a device model:
// the file as received (name, digest, size) and a summary of what it says.
// What it says in full is a DocumentContent.
type ModelDocument struct {
	ID          int64  `json:"id"`
	ModelID     int64  `json:"model_id"`
	Kind        string `json:"kind"`         // one of DocumentKinds
	Format      string `json:"format"`       // "cyclonedx", "spdx", "csaf", "openvex", "xlsx", "csv"
	SpecVersion string `json:"spec_version"` // "1.6", "2.3"; "" when the format has none
	FileName    string `json:"file_name"`
	SHA256      string `json:"sha256"` // hex digest of the bytes imported
	Size        int64  `json:"size"`
	// Title names the document as it names itself: the SBOM's subject,
	// the MDS2 document ID, the VEX document ID.
	Title string `json:"title"`
	// Summary counts, set by the store.
	Components  int `json:"components"`  // SBOM components
	Unsupported int `json:"unsupported"` // SBOM components whose support has ended or is unknown
	Answers     int `json:"answers"`     // MDS2 answers
	Statements  int `json:"statements"`  // VEX statements
	// Current is true for the newest SBOM of its model, whose components
	// are the model's software; older SBOMs stay listed, not applied.
	Current    bool      `json:"current"`
	Warnings   []string  `json:"warnings"` // problems that did not stop the import
	ImportedBy string    `json:"imported_by"`
	ImportedAt time.Time `json:"imported_at"`
}

// Validate reports the first problem of a document to import as EINVALID.
func (d *ModelDocument) Validate() error {
	switch {
	case d.ModelID < 1:
		return Errorf(EINVALID, "A document belongs to a device model; none was given.")
	case d.Kind != DocumentSBOM && d.Kind != DocumentMDS2 && d.Kind != DocumentVEX:
		return Errorf(EINVALID, "Unknown document kind %q (want sbom, mds2 or vex).", d.Kind)
	case d.FileName == "" || len(d.FileName) > 255:
		return Errorf(EINVALID, "A document needs a file name of 1 to 255 characters.")
	case len(d.SHA256) != 64:
		return Errorf(EINVALID, "A document needs the SHA-256 of its bytes.")
	case len(d.Title) > 512 || len(d.Format) > 32 || len(d.SpecVersion) > 32:
		return Errorf(EINVALID, "The document's title, format or version is too long.")
	case len(d.Warnings) > 1000:
		return Errorf(EINVALID, "More than 1000 warnings.")
	}
	return nil
}

// ModelComponent is one SBOM component: a part of the model's software.
// Components with a CPE are matched against vulnerabilities for every
// device of the model.
type ModelComponent struct {
	Ref      string `json:"ref"`  // bom-ref or SPDXID
	Type     string `json:"type"` // application, library, firmware, operating-system…
	Supplier string `json:"supplier"`
	Name     string `json:"name"`
	Version  string `json:"version"`
	CPE      string `json:"cpe"`
	PURL     string `json:"purl"`
	// EndOfSupport is the supplier's end of support, zero when the SBOM
	// gives no date (EndOfSupportRaw then says why: "Unknown", "Open
	// source"…, or is empty when the SBOM says nothing).
	EndOfSupport    time.Time `json:"end_of_support,omitzero"`
	EndOfSupportRaw string    `json:"end_of_support_raw"`
	LevelOfSupport  string    `json:"level_of_support"`
}

// MDS2Answer is a manufacturer's answer to one question of an MDS2 form.
type MDS2Answer struct {
	Section      string `json:"section"`       // "RMOT"
	SectionTitle string `json:"section_title"` // "Remote service"; "" for a code the form does not define
	QuestionID   string `json:"question_id"`   // "RMOT-1"
	Question     string `json:"question"`
	Answer       string `json:"answer"` // as written: "Yes", "No", "N/A", "See Note", free text
	Note         string `json:"note"`
}

// VEXStatement is what a VEX document says of one vulnerability for one
// product, as written.
type VEXStatement struct {
	CVE           string `json:"cve"`
	Status        string `json:"status"`        // not_affected, affected, fixed, under_investigation
	Justification string `json:"justification"` // for not_affected: one of VEXJustifications
	Detail        string `json:"detail"`
	Product       string `json:"product"` // the product or component named
	Version       string `json:"version"` // its version or version range as written; "" for any
	// File names the document the statement comes from; the store sets it
	// when reading.
	File string `json:"file,omitempty"`
}

// VEX statuses (the CISA minimum set).
const (
	VEXNotAffected        = "not_affected"
	VEXAffected           = "affected"
	VEXFixed              = "fixed"
	VEXUnderInvestigation = "under_investigation"
)

// DocumentContent is what a document says: its components, answers or
// statements, by kind.
type DocumentContent struct {
	Components []ModelComponent `json:"components,omitempty"`
	Answers    []MDS2Answer     `json:"answers,omitempty"`
	Statements []VEXStatement   `json:"statements,omitempty"`
}

// ModelContradiction is a declaration of a model's MDS2 that its devices'
// traffic shows to be untrue.
type ModelContradiction struct {
	ModelID     int64     `json:"model_id"`
	DocumentID  int64     `json:"document_id"` // the MDS2 form
	QuestionID  string    `json:"question_id"`
	Declared    string    `json:"declared"`
	Observed    string    `json:"observed"`
	Severity    string    `json:"severity"` // high, medium, low
	Explanation string    `json:"explanation"`
	Devices     []int64   `json:"devices"` // the devices whose traffic shows it
	FoundAt     time.Time `json:"found_at"`
}

// DocumentFilter selects documents, newest first.
type DocumentFilter struct {
	ModelID int64
	Kind    string
	Offset  int
	Limit   int // 0 means the store's default page
}

// ModelEvidence is what a model's documents add to the assessment of its
// devices: the current SBOM's components and every VEX statement.
type ModelEvidence struct {
	Model      DeviceModel
	Devices    []int64
	SBOM       *ModelDocument // the current SBOM, nil when none
	Software   []ModelComponent
	Statements []VEXStatement // File set
}

// VEXFinding is a finding status a VEX statement sets: the assessor works
// it out, the store applies it.
type VEXFinding struct {
	DeviceID int64
	CVE      string
	Status   FindingStatus // By is "vex:<file>"
}

// DocumentService keeps the manufacturer documents of device models (SBOM,
// MDS2, VEX) and what each says.
type DocumentService interface {
	// ImportDocument stores a document and its content in one transaction,
	// setting d's ID, counts, Current, ImportedBy and ImportedAt. A newer
	// SBOM becomes its model's current one. ENOTFOUND for an unknown model;
	// ECONFLICT, with d set to the earlier import, when the model already
	// has a document with the same SHA-256 (the file is unchanged);
	// EINVALID for a bad document. Audited as "document.import".
	ImportDocument(ctx context.Context, d *ModelDocument, c *DocumentContent) error
	// FindDocumentByID returns a document, or ENOTFOUND.
	FindDocumentByID(ctx context.Context, id int64) (*ModelDocument, error)
	// FindDocuments returns a page of documents, newest first, and the
	// total that match.
	FindDocuments(ctx context.Context, f DocumentFilter) ([]*ModelDocument, int, error)
	// FindDocumentContent returns what a document says, or ENOTFOUND.
	FindDocumentContent(ctx context.Context, id int64) (*DocumentContent, error)
	// DeleteDocument removes a document and what it says; an older SBOM
	// of the model becomes current when the current one goes. Deleting a
	// VEX document sets back to open, in the same transaction, the
	// findings of the model's devices whose status it set ("vex:<file>")
	// and that no person changed since, each audited as "finding.status";
	// callers then re-assess the model's devices so that the remaining
	// documents apply. Audited as "document.delete". ENOTFOUND.
	DeleteDocument(ctx context.Context, id int64) error
	// FindModelEvidence returns the evidence of every model that has an
	// SBOM or a VEX document and at least one device.
	FindModelEvidence(ctx context.Context) ([]ModelEvidence, error)
	// ApplyVEX sets the status of each finding named (device and CVE, not
	// gone) unless a person set its status: a status set by nobody or by
	// a VEX document is replaced. It returns how many findings changed;
	// each change is audited as "finding.status" by Status.By.
	ApplyVEX(ctx context.Context, fs []VEXFinding) (int, error)
	// ReplaceContradictions sets the contradictions found for a model,
	// replacing those found before. Not audited: it is the system's
	// reading of the traffic. ENOTFOUND for an unknown model.
	ReplaceContradictions(ctx context.Context, modelID int64, cs []ModelContradiction) error
	// FindContradictions returns a model's contradictions, most severe
	// first.
	FindContradictions(ctx context.Context, modelID int64) ([]ModelContradiction, error)
}

// SupportEndingWindow is how long before its end of support a component
// counts as "ending": six months, as for operating systems and software in
// the lifecycle data, about the time a manufacturer needs to validate a
// replacement.
const SupportEndingWindow = 183 * 24 * time.Hour

// SupportState is the component's support state at now from what its SBOM
// says: unsupported once the end-of-support date has passed (or the level
// of support says it has none), ending within SupportEndingWindow of it,
// supported before, unknown when the SBOM gives no date ("Unknown", "Open
// source"), and "" when the SBOM says nothing about its support.
func (c *ModelComponent) SupportState(now time.Time) string {
	level := strings.ToLower(c.LevelOfSupport)
	switch {
	case !c.EndOfSupport.IsZero() && !now.Before(c.EndOfSupport):
		return SupportUnsupported
	case strings.Contains(level, "no support") || strings.Contains(level, "not supported") ||
		strings.Contains(level, "unsupported") || strings.Contains(level, "end of life") || level == "eol":
		return SupportUnsupported
	case !c.EndOfSupport.IsZero() && now.Add(SupportEndingWindow).After(c.EndOfSupport):
		return SupportEnding
	case !c.EndOfSupport.IsZero():
		return SupportSupported
	case c.EndOfSupportRaw != "" || c.LevelOfSupport != "":
		return SupportUnknown
	}
	return ""
}
