package csaf

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// MaxFileSize bounds what ParseFile and ParseReader read: the largest ICSMA
// advisory is under 200 KB, and CSAF's own limit is 15 MiB.
const MaxFileSize = 16 << 20

// Document is a parsed advisory with its flattened product tree, for
// callers that want the model numbers, PURLs and relationships that
// cordon.ProductStatus does not carry.
type Document struct {
	Advisory cordon.Advisory `json:"advisory"`
	Products []Product       `json:"products"` // in the order the tree defines them
}

// Parse reads one CSAF 2.0 advisory. file names it in errors, which are
// *ParseError values giving the JSON path of the problem.
func Parse(file string, data []byte) (*cordon.Advisory, error) {
	d, err := ParseDocument(file, data)
	if err != nil {
		return nil, err
	}
	return &d.Advisory, nil
}

// ParseFile reads the advisory in the file at path.
func ParseFile(path string) (*Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("csaf: parse file: %w", err)
	}
	defer f.Close()
	return ParseReader(filepath.Base(path), f)
}

// ParseReader reads an advisory of at most MaxFileSize bytes from r.
func ParseReader(file string, r io.Reader) (*Document, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("csaf: read %s: %w", file, err)
	}
	if len(data) > MaxFileSize {
		return nil, parseErr(file, "$", "the file is larger than %d bytes", MaxFileSize)
	}
	return ParseDocument(file, data)
}

var cvePattern = regexp.MustCompile(`^CVE-[0-9]{4}-[0-9]{4,}$`)

// ParseDocument reads one CSAF 2.0 advisory and its product tree.
//
// Product statuses become one cordon.ProductStatus per CVE and product, with
// CSAF's nine categories mapped onto Cordon's four:
//
//   - known_affected, first_affected and last_affected are StatusKnownAffected;
//     a first_affected (last_affected) product whose tree gives a single
//     version v gets Versions ">= v" ("<= v"), since every later (earlier)
//     version is affected too;
//   - fixed, first_fixed, last_fixed and recommended are StatusFixed; a
//     first_fixed product of a single version v gets ">= v"; recommended
//     versions are the ones the vendor tells users to run, so they are
//     treated as fixed for the CVEs that list them;
//   - known_not_affected and under_investigation keep their names.
//
// Scores keep, for each CVE, the CVSS v3 score with the highest base score,
// else the highest v2 one, attributed to the publisher. URL is the first
// "self" reference of the document (the JSON's canonical address in CISA's
// files).
func ParseDocument(file string, data []byte) (*Document, error) {
	var raw rawDoc
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&raw); err != nil {
		return nil, jsonError(file, data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, parseErr(file, "$", "unexpected data after the JSON object")
	}
	if raw.Document == nil {
		return nil, parseErr(file, "$.document", "document is missing")
	}
	d := &Document{}
	a := &d.Advisory
	if err := parseHeader(file, raw.Document, a); err != nil {
		return nil, err
	}
	t, err := flattenTree(file, raw.ProductTree)
	if err != nil {
		return nil, err
	}
	for i := range raw.Vulnerabilities {
		if err := parseVuln(file, i, &raw.Vulnerabilities[i], t, a); err != nil {
			return nil, err
		}
	}
	d.Products = make([]Product, 0, len(t.order))
	for _, id := range t.order {
		d.Products = append(d.Products, *t.products[id])
	}
	return d, nil
}

func parseHeader(file string, doc *rawDocument, a *cordon.Advisory) error {
	if !strings.HasPrefix(doc.CSAFVersion, "2.") {
		return parseErr(file, "$.document.csaf_version", "version %q is not CSAF 2", doc.CSAFVersion)
	}
	a.ID = strings.TrimSpace(doc.Tracking.ID)
	if a.ID == "" {
		return parseErr(file, "$.document.tracking.id", "the tracking id is missing")
	}
	a.Title = strings.Join(strings.Fields(doc.Title), " ")
	if a.Title == "" {
		return parseErr(file, "$.document.title", "the title is missing")
	}
	a.Publisher = strings.TrimSpace(doc.Publisher.Name)
	var err error
	if a.Released, err = parseTime(doc.Tracking.InitialReleaseDate); err != nil {
		return parseErr(file, "$.document.tracking.initial_release_date", "%v", err)
	}
	if a.Updated, err = parseTime(doc.Tracking.CurrentReleaseDate); err != nil {
		return parseErr(file, "$.document.tracking.current_release_date", "%v", err)
	}
	for _, r := range doc.References {
		if r.Category == "self" && r.URL != "" {
			a.URL = r.URL
			break
		}
	}
	return nil
}

// parseTime reads a CSAF date-time (RFC 3339, fractional seconds allowed).
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, fmt.Errorf("the date is missing")
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q is not RFC 3339", s)
	}
	return t.UTC(), nil
}

// statusCategories are CSAF's product status categories in the order rows
// are emitted, with Cordon's status and, for first/last categories, the
// comparator a single version takes.
var statusCategories = []struct {
	name, status, op string
}{
	{"known_affected", cordon.StatusKnownAffected, ""},
	{"first_affected", cordon.StatusKnownAffected, ">="},
	{"last_affected", cordon.StatusKnownAffected, "<="},
	{"fixed", cordon.StatusFixed, ""},
	{"first_fixed", cordon.StatusFixed, ">="},
	{"last_fixed", cordon.StatusFixed, ""},
	{"recommended", cordon.StatusFixed, ""},
	{"known_not_affected", cordon.StatusKnownNotAffected, ""},
	{"under_investigation", cordon.StatusUnderInvestigation, ""},
}

var remediationCategories = map[string]bool{
	cordon.RemediationVendorFix:     true,
	cordon.RemediationMitigation:    true,
	cordon.RemediationWorkaround:    true,
	cordon.RemediationNoFixPlanned:  true,
	cordon.RemediationNoneAvailable: true,
}

func parseVuln(file string, i int, v *rawVuln, t *tree, a *cordon.Advisory) error {
	path := fmt.Sprintf("$.vulnerabilities[%d]", i)
	cve := strings.TrimSpace(v.CVE)
	switch {
	case cve != "" && !cvePattern.MatchString(cve):
		return parseErr(file, path+".cve", "%q is not a CVE id", cve)
	case cve == "" && len(v.IDs) > 0:
		// No CVE assigned: the vendor's or coordinator's id stands in.
		cve = strings.TrimSpace(v.IDs[0].Text)
	}
	if cve != "" && !contains(a.CVEs, cve) {
		a.CVEs = append(a.CVEs, cve)
	}
	for k := range v.ProductStatus {
		if !knownStatus(k) {
			return parseErr(file, path+".product_status."+k, "unknown product status category")
		}
	}
	for _, sc := range statusCategories {
		seen := map[string]bool{}
		for j, id := range v.ProductStatus[sc.name] {
			p := t.products[id]
			if p == nil {
				return parseErr(file, fmt.Sprintf("%s.product_status.%s[%d]", path, sc.name, j), "product id %q is not in the product tree", id)
			}
			if seen[id] {
				continue
			}
			seen[id] = true
			versions := p.Versions
			if sc.op != "" && !p.VersionRange && versions != "" {
				if r, ok := ParseVersions(versions); ok && len(r.Intervals) == 1 && r.Intervals[0].Exact() {
					versions = sc.op + " " + versions
				}
			}
			a.Products = append(a.Products, cordon.ProductStatus{
				ProductID: id,
				CVE:       cve,
				Vendor:    p.Vendor,
				Product:   p.Product,
				Versions:  versions,
				Status:    sc.status,
				CPE:       p.CPE,
			})
		}
	}
	for j, r := range v.Remediations {
		rp := fmt.Sprintf("%s.remediations[%d]", path, j)
		rem, err := parseRemediation(file, rp, &r, t)
		if err != nil {
			return err
		}
		if cve != "" {
			rem.CVEs = []string{cve}
		}
		a.Remediations = append(a.Remediations, rem)
	}
	for j, s := range v.Scores {
		if err := parseScore(file, fmt.Sprintf("%s.scores[%d]", path, j), &s, t, cve, a); err != nil {
			return err
		}
	}
	return nil
}

func knownStatus(k string) bool {
	for _, sc := range statusCategories {
		if sc.name == k {
			return true
		}
	}
	return false
}

func parseRemediation(file, path string, r *rawRemediation, t *tree) (cordon.Remediation, error) {
	if !remediationCategories[r.Category] {
		return cordon.Remediation{}, parseErr(file, path+".category", "unknown remediation category %q", r.Category)
	}
	for k, id := range r.ProductIDs {
		if t.products[id] == nil {
			return cordon.Remediation{}, parseErr(file, fmt.Sprintf("%s.product_ids[%d]", path, k), "product id %q is not in the product tree", id)
		}
	}
	for k, g := range r.GroupIDs {
		if _, ok := t.groups[g]; !ok {
			return cordon.Remediation{}, parseErr(file, fmt.Sprintf("%s.group_ids[%d]", path, k), "group id %q is not in the product tree", g)
		}
	}
	rem := cordon.Remediation{
		Category:   r.Category,
		Details:    strings.TrimSpace(r.Details),
		URL:        strings.TrimSpace(r.URL),
		ProductIDs: t.expand(r.ProductIDs, r.GroupIDs),
	}
	if r.Date != "" {
		d, err := parseTime(r.Date)
		if err != nil {
			return cordon.Remediation{}, parseErr(file, path+".date", "%v", err)
		}
		rem.Date = d
	}
	return rem, nil
}

func parseScore(file, path string, s *rawScore, t *tree, cve string, a *cordon.Advisory) error {
	for k, id := range s.Products {
		if t.products[id] == nil {
			return parseErr(file, fmt.Sprintf("%s.products[%d]", path, k), "product id %q is not in the product tree", id)
		}
	}
	var c *cordon.CVSS
	var err error
	switch {
	case s.CVSSv3 != nil:
		c, err = cvss(file, path+".cvss_v3", s.CVSSv3, "3")
	case s.CVSSv2 != nil:
		c, err = cvss(file, path+".cvss_v2", s.CVSSv2, "2")
	}
	if err != nil || c == nil || cve == "" {
		return err
	}
	c.Source, c.Primary = a.Publisher, true
	if a.Scores == nil {
		a.Scores = map[string]cordon.CVSS{}
	}
	old, ok := a.Scores[cve]
	if !ok || better(*c, old) {
		a.Scores[cve] = *c
	}
	return nil
}

// better prefers v3 to v2, then the higher base score: an advisory that
// scores products differently is answered with its worst case.
func better(c, old cordon.CVSS) bool {
	cv3, ov3 := strings.HasPrefix(c.Version, "3"), strings.HasPrefix(old.Version, "3")
	if cv3 != ov3 {
		return cv3
	}
	return c.BaseScore > old.BaseScore
}

func cvss(file, path string, r *rawCVSS, major string) (*cordon.CVSS, error) {
	if r.BaseScore == nil {
		return nil, parseErr(file, path+".baseScore", "the base score is missing")
	}
	score := *r.BaseScore
	if score < 0 || score > 10 {
		return nil, parseErr(file, path+".baseScore", "base score %v is outside 0 to 10", score)
	}
	version := strings.TrimSpace(r.Version)
	if !strings.HasPrefix(version, major) {
		return nil, parseErr(file, path+".version", "version %q is not CVSS v%s", version, major)
	}
	sev := strings.ToUpper(strings.TrimSpace(r.BaseSeverity))
	if sev == "" || major == "2" {
		sev = cordon.Rating(major, score)
	}
	return &cordon.CVSS{Version: version, Vector: strings.TrimSpace(r.VectorString), BaseScore: score, Severity: sev}, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
