package csaf

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

func mustRead(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// TestParse_ICSMA2318001 checks the parse of a real advisory, ICSMA-23-180-01
// (Medtronic Paceart Optima), shortened in testdata (see testdata/README.md).
func TestParse_ICSMA2318001(t *testing.T) {
	a, err := Parse("icsma-23-180-01-excerpt.json", mustRead(t, "testdata/icsma-23-180-01-excerpt.json"))
	if err != nil {
		t.Fatal(err)
	}
	released := time.Date(2023, 6, 29, 6, 0, 0, 0, time.UTC)
	if a.ID != "ICSMA-23-180-01" || a.Title != "Medtronic Paceart Optima System" || a.Publisher != "CISA" ||
		!a.Released.Equal(released) || !a.Updated.Equal(released) ||
		a.URL != "https://raw.githubusercontent.com/cisagov/CSAF/develop/csaf_files/OT/white/2023/icsma-23-180-01.json" {
		t.Errorf("header = %q %q %q %v %v %q", a.ID, a.Title, a.Publisher, a.Released, a.Updated, a.URL)
	}
	if !reflect.DeepEqual(a.CVEs, []string{"CVE-2023-31222"}) {
		t.Errorf("CVEs = %v", a.CVEs)
	}
	want := []cordon.ProductStatus{{
		ProductID: "CSAFPID-0001", CVE: "CVE-2023-31222", Vendor: "Medtronic",
		Product: "Paceart Optima", Versions: "<= 1.11", Status: cordon.StatusKnownAffected,
	}}
	if !reflect.DeepEqual(a.Products, want) {
		t.Errorf("Products = %+v, want %+v", a.Products, want)
	}
	if len(a.Remediations) != 3 {
		t.Fatalf("%d remediations, want 3", len(a.Remediations))
	}
	fix := a.Remediations[0]
	if fix.Category != cordon.RemediationVendorFix || !strings.Contains(fix.Details, "to v1.12") ||
		!reflect.DeepEqual(fix.ProductIDs, []string{"CSAFPID-0001"}) || !reflect.DeepEqual(fix.CVEs, []string{"CVE-2023-31222"}) {
		t.Errorf("vendor fix = %+v", fix)
	}
	if last := a.Remediations[2]; last.Category != cordon.RemediationMitigation ||
		last.URL != "https://www.medtronic.com/xg-en/product-security/security-bulletins/paceart-optima-system.html" {
		t.Errorf("mitigation = %+v", last)
	}
	wantScore := cordon.CVSS{Version: "3.0", Vector: "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		BaseScore: 9.8, Severity: "CRITICAL", Source: "CISA", Primary: true}
	if got := a.Scores["CVE-2023-31222"]; got != wantScore {
		t.Errorf("score = %+v, want %+v", got, wantScore)
	}
}

// synthetic is a hand-written CSAF 2.0 document (not from any advisory)
// using what the ICSMA corpus does not: families, full_product_names with
// CPE and PURL helpers, relationships, groups, every status category,
// dated remediations with group ids, CVSS v2 only.
const synthetic = `{
 "document": {"category": "csaf_security_advisory", "csaf_version": "2.0", "title": "Example  Pump",
  "publisher": {"category": "vendor", "name": "Example Vendor", "namespace": "https://example.com"},
  "references": [{"category": "external", "url": "https://example.com/x"}, {"category": "self", "url": "https://example.com/sa-1.json"}],
  "tracking": {"id": "EX-SA-1", "initial_release_date": "2024-01-02T03:04:05Z", "current_release_date": "2024-02-01T00:00:00+01:00", "status": "final", "version": "2"}},
 "product_tree": {
  "branches": [{"category": "vendor", "name": "Phillips", "branches": [
   {"category": "product_family", "name": "IntelliVue", "branches": [
    {"category": "product_name", "name": "MX40", "branches": [
     {"category": "product_version", "name": "B.06.18", "product": {"name": "MX40 B.06.18", "product_id": "P1",
       "product_identification_helper": {"model_numbers": ["865350"], "purl": "pkg:generic/philips/mx40@B.06.18"}}},
     {"category": "product_version", "name": "B.06.20", "product": {"name": "MX40 B.06.20", "product_id": "P2"}},
     {"category": "product_version_range", "name": "vers:generic/>=B.05|<B.06.18", "product": {"name": "MX40 older", "product_id": "P3"}}]}]}]}],
  "full_product_names": [{"name": "Windows 7 SP1", "product_id": "W7",
   "product_identification_helper": {"cpe": "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*"}}],
  "relationships": [{"category": "installed_on", "product_reference": "P1", "relates_to_product_reference": "W7",
   "full_product_name": {"name": "MX40 B.06.18 on Windows 7", "product_id": "R1"}}],
  "product_groups": [{"group_id": "G1", "product_ids": ["P1", "R1"]}]},
 "vulnerabilities": [{"cve": "CVE-2024-0001",
   "product_status": {"first_affected": ["P1"], "fixed": ["P2"], "known_affected": ["P3", "R1", "P3"],
    "recommended": ["P2"], "known_not_affected": ["W7"]},
   "remediations": [{"category": "vendor_fix", "details": "Update to B.06.20.", "date": "2024-01-10T00:00:00Z", "group_ids": ["G1"], "product_ids": ["P3"]}],
   "scores": [{"cvss_v2": {"version": "2.0", "vectorString": "AV:N/AC:L/Au:N/C:P/I:P/A:P", "baseScore": 7.5}, "products": ["P1"]}]},
  {"ids": [{"system_name": "Example", "text": "EX-2024-7"}],
   "product_status": {"under_investigation": ["P2"], "last_affected": ["P1"], "first_fixed": ["P2"], "last_fixed": ["P2"]},
   "scores": [{"cvss_v3": {"version": "3.1", "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", "baseScore": 5.3}, "products": ["P2"]},
              {"cvss_v3": {"version": "3.1", "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", "baseScore": 7.5, "baseSeverity": "high"}, "products": ["P1"]}]}]
}`

func TestParseDocument_Tree(t *testing.T) {
	d, err := ParseDocument("synthetic.json", []byte(synthetic))
	if err != nil {
		t.Fatal(err)
	}
	a := d.Advisory
	if a.Title != "Example Pump" || a.URL != "https://example.com/sa-1.json" || !a.Updated.Equal(time.Date(2024, 1, 31, 23, 0, 0, 0, time.UTC)) {
		t.Errorf("header = %q %q %v", a.Title, a.URL, a.Updated)
	}
	if !reflect.DeepEqual(a.CVEs, []string{"CVE-2024-0001", "EX-2024-7"}) {
		t.Errorf("CVEs = %v", a.CVEs)
	}
	var ids []string
	for _, p := range d.Products {
		ids = append(ids, p.ID)
	}
	if !reflect.DeepEqual(ids, []string{"P1", "P2", "P3", "W7", "R1"}) {
		t.Errorf("product order = %v", ids)
	}
	p1 := d.Products[0]
	if p1.Vendor != "Phillips" || p1.Family != "IntelliVue" || p1.Product != "MX40" || p1.Versions != "B.06.18" ||
		p1.PURL != "pkg:generic/philips/mx40@B.06.18" || !reflect.DeepEqual(p1.ModelNumbers, []string{"865350"}) {
		t.Errorf("P1 = %+v", p1)
	}
	if w7 := d.Products[3]; w7.Vendor != "microsoft" || w7.Product != "windows 7" || w7.Versions != "" || w7.CPE == "" {
		t.Errorf("W7 = %+v", w7)
	}
	if r1 := d.Products[4]; r1.Relationship != "installed_on" || r1.Platform != "W7" || r1.Product != "MX40" || r1.Versions != "B.06.18" || r1.FullName != "MX40 B.06.18 on Windows 7" {
		t.Errorf("R1 = %+v", r1)
	}
	type row struct{ cve, id, versions, status string }
	var got []row
	for _, s := range a.Products {
		got = append(got, row{s.CVE, s.ProductID, s.Versions, s.Status})
	}
	want := []row{
		{"CVE-2024-0001", "P3", "vers:generic/>=B.05|<B.06.18", cordon.StatusKnownAffected},
		{"CVE-2024-0001", "R1", "B.06.18", cordon.StatusKnownAffected},
		{"CVE-2024-0001", "P1", ">= B.06.18", cordon.StatusKnownAffected},
		{"CVE-2024-0001", "P2", "B.06.20", cordon.StatusFixed},
		{"CVE-2024-0001", "P2", "B.06.20", cordon.StatusFixed},
		{"CVE-2024-0001", "W7", "", cordon.StatusKnownNotAffected},
		{"EX-2024-7", "P1", "<= B.06.18", cordon.StatusKnownAffected},
		{"EX-2024-7", "P2", ">= B.06.20", cordon.StatusFixed},
		{"EX-2024-7", "P2", "B.06.20", cordon.StatusFixed},
		{"EX-2024-7", "P2", "B.06.20", cordon.StatusUnderInvestigation},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("statuses:\n got %v\nwant %v", got, want)
	}
	if len(a.Remediations) != 1 {
		t.Fatalf("remediations = %+v", a.Remediations)
	}
	r := a.Remediations[0]
	if !reflect.DeepEqual(r.ProductIDs, []string{"P3", "P1", "R1"}) || !r.Date.Equal(time.Date(2024, 1, 10, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("remediation = %+v", r)
	}
	if s := a.Scores["CVE-2024-0001"]; s.Version != "2.0" || s.Severity != "HIGH" || s.Source != "Example Vendor" {
		t.Errorf("v2 score = %+v", s)
	}
	if s := a.Scores["EX-2024-7"]; s.BaseScore != 7.5 || s.Severity != "HIGH" {
		t.Errorf("worst v3 score = %+v", s)
	}
}

// TestParseErrors checks that malformed advisories are rejected with the
// file and the JSON path of the problem.
func TestParseErrors(t *testing.T) {
	base := string(mustRead(t, "testdata/icsma-23-180-01-excerpt.json"))
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"ErrSyntax", `"category": "csaf_security_advisory",`, `"category": "csaf_security_advisory"`, "icsma.json: line 10, column 3: invalid JSON"},
		{"ErrType", `"id": "ICSMA-23-180-01"`, `"id": 7`, "$.document.tracking.id: number where the schema wants a string"},
		{"ErrNoID", `"id": "ICSMA-23-180-01"`, `"id": ""`, "$.document.tracking.id: the tracking id is missing"},
		{"ErrVersion", `"csaf_version": "2.0"`, `"csaf_version": "1.2"`, "$.document.csaf_version"},
		{"ErrDate", `"initial_release_date": "2023-06-29T06:00:00.000000Z"`, `"initial_release_date": "29/06/2023"`, "$.document.tracking.initial_release_date: date \"29/06/2023\" is not RFC 3339"},
		{"ErrUnknownProduct", `"known_affected": [
     "CSAFPID-0001"`, `"known_affected": [
     "CSAFPID-0009"`, "$.vulnerabilities[0].product_status.known_affected[0]: product id \"CSAFPID-0009\" is not in the product tree"},
		{"ErrStatusCategory", `"known_affected": [`, `"affected": [`, "$.vulnerabilities[0].product_status.affected: unknown product status category"},
		{"ErrBranchCategory", `"category": "product_name"`, `"category": "model"`, "$.product_tree.branches[0].branches[0].category: unknown branch category"},
		{"ErrRemediation", `"category": "vendor_fix"`, `"category": "fix_it"`, "$.vulnerabilities[0].remediations[0].category"},
		{"ErrCVE", `"cve": "CVE-2023-31222"`, `"cve": "2023-31222"`, "$.vulnerabilities[0].cve"},
		{"ErrScore", `"baseScore": 9.8`, `"baseScore": 98`, "$.vulnerabilities[0].scores[0].cvss_v3.baseScore"},
		{"ErrTrailing", `"vulnerabilities": [`, `"vulnerabilities": [`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(base, tc.old) {
				t.Fatalf("excerpt does not contain %q", tc.old)
			}
			doc := strings.Replace(base, tc.old, tc.new, 1)
			if tc.name == "ErrTrailing" {
				doc += "{}"
				tc.want = "$: unexpected data after the JSON object"
			}
			_, err := Parse("icsma.json", []byte(doc))
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			var ce *cordon.Error
			if !errors.As(err, &ce) || ce.Code != cordon.EINVALID || !strings.Contains(ce.Message, "icsma.json") {
				t.Errorf("error %v does not unwrap to an EINVALID cordon.Error naming the file", err)
			}
		})
	}
	for _, tc := range []struct{ name, doc, want string }{
		{"ErrEmpty", ``, "invalid JSON"},
		{"ErrArray", `[]`, "$: array where the schema wants an object"},
		{"ErrNoDocument", `{}`, "$.document: document is missing"},
		{"ErrGroup", strings.Replace(synthetic, `"group_ids": ["G1"]`, `"group_ids": ["G2"]`, 1), "$.vulnerabilities[0].remediations[0].group_ids[0]"},
		{"ErrRelationship", strings.Replace(synthetic, `"product_reference": "P1"`, `"product_reference": "P9"`, 1), "$.product_tree.relationships[0].product_reference"},
		{"ErrDuplicate", strings.Replace(synthetic, `"product_id": "P2"`, `"product_id": "P1"`, 1), "$.product_tree.branches[0].branches[0].branches[0].branches[1].product.product_id: product id \"P1\" is defined twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("x.json", []byte(tc.doc))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestParseFile(t *testing.T) {
	d, err := ParseFile(filepath.Join("testdata", "icsma-23-180-01-excerpt.json"))
	if err != nil || d.Advisory.ID != "ICSMA-23-180-01" {
		t.Fatalf("ParseFile = %v, %v", d, err)
	}
	if _, err := ParseFile(filepath.Join("testdata", "missing.json")); err == nil || !strings.HasPrefix(err.Error(), "csaf: parse file: ") {
		t.Errorf("missing file: %v", err)
	}
}
