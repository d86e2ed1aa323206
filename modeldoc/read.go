package modeldoc

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"path/filepath"
	"strings"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/mds2"
	"github.com/cordonsec/cordon/sbom"
	"github.com/cordonsec/cordon/vex"
)

// MaxSize is the largest document read: the largest the sbom and vex
// readers accept (the mds2 reader stops at its own, smaller, limit).
const MaxSize = sbom.MaxSize

// probe holds the top-level keys that tell the JSON documents apart.
type probe struct {
	BOMFormat       string            `json:"bomFormat"`
	SPDXVersion     string            `json:"spdxVersion"`
	Context         json.RawMessage   `json:"@context"`
	Document        *struct{}         `json:"document"`
	Vulnerabilities []json.RawMessage `json:"vulnerabilities"`
	Statements      json.RawMessage   `json:"statements"`
}

// Detect tells which kind of document data is, from its content: a zip
// archive is an MDS2 workbook; CycloneDX JSON whose vulnerabilities carry
// an analysis is VEX, other CycloneDX (JSON or XML) and SPDX an SBOM;
// CSAF and OpenVEX are VEX; other text is read as an MDS2 CSV export.
// name is used in messages only.
func Detect(name string, data []byte) (string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	t := bytes.TrimLeft(data, " \t\r\n")
	switch {
	case len(t) == 0:
		return "", cordon.Errorf(cordon.EINVALID, "%s: the file is empty.", name)
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return cordon.DocumentMDS2, nil
	case t[0] == '<':
		return cordon.DocumentSBOM, nil // CycloneDX XML; the reader checks the namespace
	case t[0] != '{':
		if bytes.IndexByte(t[:min(len(t), 4096)], 0) >= 0 {
			return "", cordon.Errorf(cordon.EINVALID, "%s: the file is binary but not a workbook (.xlsx); it is not an SBOM, VEX or MDS2 form.", name)
		}
		return cordon.DocumentMDS2, nil
	}
	var p probe
	if err := json.Unmarshal(t, &p); err != nil {
		return "", cordon.Errorf(cordon.EINVALID, "%s: the file is not valid JSON: %s.", name, strings.TrimPrefix(err.Error(), "json: "))
	}
	switch {
	case p.SPDXVersion != "":
		return cordon.DocumentSBOM, nil
	case p.BOMFormat != "":
		for _, v := range p.Vulnerabilities {
			var a struct {
				Analysis json.RawMessage `json:"analysis"`
			}
			if json.Unmarshal(v, &a) == nil && len(a.Analysis) > 0 && string(a.Analysis) != "null" {
				return cordon.DocumentVEX, nil
			}
		}
		return cordon.DocumentSBOM, nil
	case p.Document != nil:
		return cordon.DocumentVEX, nil // CSAF; the reader refuses categories other than csaf_vex
	case len(p.Context) > 0 && bytes.Contains(p.Context, []byte("openvex")):
		return cordon.DocumentVEX, nil
	case len(p.Context) > 0:
		return cordon.DocumentSBOM, nil // SPDX 3 JSON-LD, which the SBOM reader refuses by name
	}
	return "", cordon.Errorf(cordon.EINVALID, "%s: the JSON is neither CycloneDX, SPDX, CSAF nor OpenVEX (no bomFormat, spdxVersion, document or @context key).", name)
}

// Read parses data as a document of kind (detected from the content when
// kind is "") for the model modelID, and returns the document's record and
// what it says, ready for DocumentService.ImportDocument. Errors are
// EINVALID with a message naming the file and the problem.
func Read(modelID int64, name, kind string, data []byte) (*cordon.ModelDocument, *cordon.DocumentContent, error) {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	if name == "" || name == "." || name == "/" {
		name = "document"
	}
	if len(name) > 255 {
		name = name[:255]
	}
	if len(data) > MaxSize {
		return nil, nil, cordon.Errorf(cordon.EINVALID, "%s: the file is %d bytes, more than the limit of %d MiB.", name, len(data), MaxSize>>20)
	}
	if kind == "" {
		var err error
		if kind, err = Detect(name, data); err != nil {
			return nil, nil, err
		}
	}
	sum := sha256.Sum256(data)
	d := &cordon.ModelDocument{ModelID: modelID, Kind: kind, FileName: name, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data))}
	var c *cordon.DocumentContent
	var err error
	switch kind {
	case cordon.DocumentSBOM:
		c, err = readSBOM(d, name, data)
	case cordon.DocumentVEX:
		c, err = readVEX(d, name, data)
	case cordon.DocumentMDS2:
		c, err = readMDS2(d, name, data)
	default:
		return nil, nil, cordon.Errorf(cordon.EINVALID, "Unknown document kind %q (want sbom, mds2 or vex).", kind)
	}
	if err != nil {
		return nil, nil, err
	}
	d.Title = clip(d.Title, 512)
	if len(d.Warnings) > 1000 {
		d.Warnings = append(d.Warnings[:999], "more warnings left out")
	}
	if d.Warnings == nil {
		d.Warnings = []string{}
	}
	return d, c, nil
}

func readSBOM(d *cordon.ModelDocument, name string, data []byte) (*cordon.DocumentContent, error) {
	s, err := sbom.Parse(name, data)
	if err != nil {
		return nil, err
	}
	d.Format, d.SpecVersion, d.Warnings = s.Format, s.SpecVersion, s.Warnings
	d.Title = strings.TrimSpace(s.Subject.Name + " " + s.Subject.Version)
	if d.Title == "" {
		d.Title = s.Name
	}
	c := &cordon.DocumentContent{Components: make([]cordon.ModelComponent, 0, len(s.Components))}
	for _, x := range s.Components {
		c.Components = append(c.Components, cordon.ModelComponent{
			Ref: clip(x.Ref, 1000), Type: x.Type, Supplier: clip(x.Supplier, 1000), Name: clip(joinGroup(x.Group, x.Name), 1000), Version: clip(x.Version, 1000),
			CPE: clip(x.CPE, 1000), PURL: clip(x.PURL, 2000), EndOfSupport: x.EndOfSupport, EndOfSupportRaw: clip(x.EndOfSupportRaw, 1000),
			LevelOfSupport: clip(x.LevelOfSupport, 1000),
		})
	}
	return c, nil
}

func joinGroup(group, name string) string {
	if group == "" {
		return name
	}
	return group + "/" + name
}

func readVEX(d *cordon.ModelDocument, name string, data []byte) (*cordon.DocumentContent, error) {
	v, err := vex.Parse(name, data)
	if err != nil {
		return nil, err
	}
	d.Format, d.Warnings, d.Title = v.Format, v.Warnings, v.ID
	if v.Author != "" {
		d.Title = strings.TrimSpace(v.Author + " " + v.ID)
	}
	c := &cordon.DocumentContent{}
	for _, s := range v.Statements {
		base := cordon.VEXStatement{CVE: strings.ToUpper(s.CVE), Status: s.Status, Justification: s.Justification,
			Detail: clip(statementDetail(s), 4000)}
		if len(s.Products) == 0 {
			c.Statements = append(c.Statements, base)
			continue
		}
		for _, p := range s.Products {
			x := base
			x.Product = productName(p)
			x.Version = p.Version
			if x.Version == "" {
				x.Version = p.Range
			}
			if p.VersionStatus == "unaffected" && x.Status == cordon.VEXAffected {
				// CycloneDX lists the versions a fix leaves unaffected
				// beside the affected ones: for those the statement is
				// that they are fixed.
				x.Status = cordon.VEXFixed
			}
			c.Statements = append(c.Statements, x)
		}
	}
	if len(c.Statements) == 0 {
		return nil, cordon.Errorf(cordon.EINVALID, "%s: the VEX document makes no statement (no vulnerability has a status).", name)
	}
	return c, nil
}

// statementDetail joins what a statement says in words: the detail, the
// impact and the action, each once.
func statementDetail(s vex.Statement) string {
	var parts []string
	for _, p := range []string{s.Detail, s.Impact, s.Action} {
		if p = strings.TrimSpace(p); p != "" && !containsString(parts, p) {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " ")
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// productName names a VEX product as the document does: its name, else
// its reference, CPE or purl.
func productName(p vex.Product) string {
	for _, s := range []string{p.Name, p.Ref, p.CPE, p.PURL} {
		if s != "" {
			return clip(s, 1000)
		}
	}
	return ""
}

func readMDS2(d *cordon.ModelDocument, name string, data []byte) (*cordon.DocumentContent, error) {
	f, err := mds2.Parse(name, data)
	if err != nil {
		return nil, err
	}
	if len(f.Answers) == 0 {
		return nil, cordon.Errorf(cordon.EINVALID, "%s: the MDS2 form has a header row but no answers.", name)
	}
	d.Format, d.Warnings = f.Format, f.Warnings
	d.Title = f.DocumentID
	if d.Title == "" {
		d.Title = strings.TrimSpace(f.Manufacturer + " " + f.Model)
	}
	c := &cordon.DocumentContent{Answers: make([]cordon.MDS2Answer, 0, len(f.Answers))}
	for _, a := range f.Answers {
		c.Answers = append(c.Answers, cordon.MDS2Answer{Section: a.Section, SectionTitle: mds2.SectionTitle(a.Section),
			QuestionID: a.ID, Question: clip(a.Question, 4000), Answer: clip(a.Raw, 4000), Note: clip(a.Note, 4000)})
	}
	return c, nil
}

// clip cuts s to at most n bytes on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
