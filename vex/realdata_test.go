package vex_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/cordonsec/cordon/vex"
)

// examples is the VEX folder of github.com/CycloneDX/bom-examples in the
// project's shared data; see /work/shared/data/PROVENANCE.md.
const examples = "/work/shared/data/sbom/cyclonedx-bom-examples/VEX"

func readExample(tb testing.TB, rel string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(examples, rel))
	if os.IsNotExist(err) {
		tb.Skipf("shared data absent: %v", err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// TestParse_CycloneDXExamples parses every VEX document of the CISA use
// cases and the CycloneDX use cases, each into one statement per
// vulnerability that has an analysis (counted independently).
func TestParse_CycloneDXExamples(t *testing.T) {
	var files []string
	for _, pattern := range []string{"vex.json", "*/*/vex*.json"} {
		m, err := filepath.Glob(filepath.Join(examples, pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Skip("shared data absent")
	}
	if len(files) != 25 { // CISA cases 1–8 (case 1 has four files) + use cases 1–13 + the top-level one
		t.Errorf("%d VEX example files, want 25", len(files))
	}
	for _, f := range files {
		rel, _ := filepath.Rel(examples, f)
		t.Run(rel, func(t *testing.T) {
			data := readExample(t, rel)
			var raw struct {
				Vulnerabilities []struct {
					Analysis *struct{ State string } `json:"analysis"`
				} `json:"vulnerabilities"`
			}
			if err := json.Unmarshal(data, &raw); err != nil {
				t.Fatal(err)
			}
			want := 0
			for _, v := range raw.Vulnerabilities {
				if v.Analysis != nil && v.Analysis.State != "" {
					want++
				}
			}
			d, err := vex.Parse(rel, data)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Statements) != want || want == 0 {
				t.Errorf("%d statements, want %d", len(d.Statements), want)
			}
			for i, s := range d.Statements {
				if s.CVE == "" || s.Status == "" {
					t.Errorf("statement %d: %+v", i, s)
				}
			}
		})
	}
}

// TestParse_CISAUseCases checks statements of the CISA use cases field by
// field.
func TestParse_CISAUseCases(t *testing.T) {
	parse := func(rel string) *vex.Document {
		t.Helper()
		d, err := vex.Parse(rel, readExample(t, rel))
		if err != nil {
			t.Fatal(err)
		}
		return d
	}

	// Case 1: product ABC 4.2 is not affected by Log4Shell: the class was
	// removed before shipping.
	d := parse("CISA-Use-Cases/Case-1/vex-not_affected.json")
	s := d.Statements[0]
	if s.CVE != "CVE-2021-44228" || s.Status != vex.StatusNotAffected || s.Justification != vex.VulnerableCodeNotPresent || s.RawJustification != "code_not_present" {
		t.Errorf("case 1: %+v", s)
	}
	if len(s.Products) != 1 || s.Products[0].Ref != "product-ABC" || s.Products[0].Name != "ABC" || s.Products[0].Version != "4.2" {
		t.Errorf("case 1 products: %+v", s.Products)
	}
	for file, want := range map[string]string{
		"vex-affected.json":            vex.StatusAffected,
		"vex-fixed.json":               vex.StatusFixed,
		"vex-under_investigation.json": vex.StatusUnderInvestigation,
	} {
		if got := parse("CISA-Use-Cases/Case-1/" + file).Statements[0].Status; got != want {
			t.Errorf("%s: status %q, want %q", file, got, want)
		}
	}

	// Case 7: one statement covers two products in two other BOMs, with
	// versions and vers: ranges.
	d = parse("CISA-Use-Cases/Case-7/vex.json")
	s = d.Statements[0]
	if s.Status != vex.StatusAffected || len(s.Products) != 4 {
		t.Fatalf("case 7: %+v", s)
	}
	p := s.Products[2]
	if p.Ref != "product-ABC" || p.BOMLink != "urn:cdx:cbb2cd68-2857-43b8-a10b-e8c03d277d18/1#product-ABC" || p.Range != "vers:generic/>=2.9|<=4.1" {
		t.Errorf("case 7 product 2: %+v", p)
	}
	if p := s.Products[3]; p.Ref != "product-JKL" || p.Range != "vers:generic/>=4.5|<=5.0" {
		t.Errorf("case 7 product 3: %+v", p)
	}

	// Use case 12: protected_by_mitigating_control maps to inline
	// mitigations.
	d = parse("Use-Cases/Case-12/vex.json")
	if s := d.Statements[2]; s.CVE != "CVE-2020-14195" || s.Justification != vex.InlineMitigationsAlreadyExist {
		t.Errorf("use case 12: %+v", s)
	}

	// The top-level example points at a purl bom-ref in another BOM.
	d = parse("vex.json")
	if p := d.Statements[0].Products[0]; p.PURL != "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar" {
		t.Errorf("vex.json product: %+v", p)
	}
}
