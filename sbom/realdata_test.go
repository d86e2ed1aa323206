package sbom_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cordonsec/cordon/cpe"
	"github.com/cordonsec/cordon/sbom"
)

// sharedData is the project's shared copy of real SBOMs; see
// /work/shared/data/PROVENANCE.md for their sources.
const sharedData = "/work/shared/data/sbom"

// readShared returns a shared file, skipping the test when the data is
// absent.
func readShared(tb testing.TB, rel string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(sharedData, rel))
	if os.IsNotExist(err) {
		tb.Skipf("shared data absent: %v", err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// countComponents counts CycloneDX components, nested ones included, with
// a walk over the generic JSON that shares no code with the parser.
func countComponents(tb testing.TB, data []byte) int {
	tb.Helper()
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		tb.Fatal(err)
	}
	var walk func(v any) int
	walk = func(v any) int {
		list, _ := v.([]any)
		n := 0
		for _, c := range list {
			n++
			if m, ok := c.(map[string]any); ok {
				n += walk(m["components"])
			}
		}
		return n
	}
	return walk(doc["components"])
}

// TestParse_MedicalDeviceSBOMs loads the two real medical-device SBOMs of
// github.com/spacelab-ccny/sbom-completeness (CycloneDX 1.4, 55 and 65
// components according to PROVENANCE.md), each with CPE, purl and the
// FDA-style support properties on every component.
func TestParse_MedicalDeviceSBOMs(t *testing.T) {
	for _, tt := range []struct {
		File string
		Want int
	}{
		{"narrow.sbom.json", 55},
		{"extended.sbom.json", 65},
	} {
		t.Run(tt.File, func(t *testing.T) {
			data := readShared(t, filepath.Join("sbom-completeness", tt.File))
			if n := countComponents(t, data); n != tt.Want {
				t.Fatalf("independent count %d, PROVENANCE says %d", n, tt.Want)
			}
			s, err := sbom.Parse(tt.File, data)
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Components) != tt.Want || len(s.Warnings) != 0 {
				t.Fatalf("%d components, want %d; warnings %q", len(s.Components), tt.Want, s.Warnings)
			}
			if s.SpecVersion != "1.4" || s.Subject.Type != "device" || s.Created.IsZero() {
				t.Errorf("header %q subject %+v created %v", s.SpecVersion, s.Subject, s.Created)
			}
			for _, c := range s.Components {
				if _, err := cpe.Parse(c.CPE); err != nil {
					t.Errorf("%s: CPE: %v", c.Name, err)
				}
				if c.PURL == "" || c.Ref == "" || c.Type == "" || c.Supplier == "" {
					t.Errorf("%s: missing purl, ref, type or supplier: %+v", c.Name, c)
				}
				if c.EndOfSupportRaw == "" || c.LevelOfSupport == "" {
					t.Errorf("%s: no support properties: %v", c.Name, c.Properties)
				}
				if c.Properties["End-of-Support"] != c.EndOfSupportRaw || c.Properties["Level of Support"] != c.LevelOfSupport {
					t.Errorf("%s: support fields %q %q disagree with properties %v", c.Name, c.EndOfSupportRaw, c.LevelOfSupport, c.Properties)
				}
			}
		})
	}

	// One component checked field by field (narrow.sbom.json, the second
	// entry of "components").
	s, err := sbom.Parse("narrow.sbom.json", readShared(t, "sbom-completeness/narrow.sbom.json"))
	if err != nil {
		t.Fatal(err)
	}
	c := component(t, s, "BomRef.9490803276624489.60065773832442")
	if c.Name != "NXP SDK" || c.Version != "2.9.0" || c.Type != "firmware" || c.Supplier != "NXP" ||
		c.CPE != "cpe:2.3:a:nxp:nxp_sdk:2.9.0:*:*:*:*:*:*:*" || c.PURL != "pkg:github/nxp-mcuxpresso/mcux-sdk" ||
		c.EndOfSupportRaw != "Open source" || !c.EndOfSupport.IsZero() || c.LevelOfSupport != "Actively maintained" ||
		len(c.Licenses) != 1 || c.Licenses[0] != "NXP" {
		t.Errorf("NXP SDK: %+v", c)
	}
}

// TestParse_CycloneDXExamples loads every SBOM and HBOM of
// github.com/CycloneDX/bom-examples (specVersion 1.2 to 1.4), and the
// product BOMs that its VEX use cases point at, with every component.
func TestParse_CycloneDXExamples(t *testing.T) {
	root := filepath.Join(sharedData, "cyclonedx-bom-examples")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("shared data absent: %v", err)
	}
	var files []string
	for _, pattern := range []string{"SBOM/*/*.json", "HBOM/*/*.json", "VEX/bom.json", "VEX/*/*/bom-*.json"} {
		m, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 19 {
		t.Fatalf("only %d example files found", len(files))
	}
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		t.Run(rel, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			s, err := sbom.Parse(rel, data)
			if err != nil {
				t.Fatal(err)
			}
			if want := countComponents(t, data); len(s.Components) != want {
				t.Errorf("%d components, want %d", len(s.Components), want)
			}
			if s.Subject.Name == "" {
				t.Errorf("no subject")
			}
		})
	}
}

// TestParse_SPDXExamples loads the SPDX 2.3 examples of
// github.com/spdx/spdx-examples and refuses the SPDX 3.0 one by name.
func TestParse_SPDXExamples(t *testing.T) {
	for _, tt := range []struct {
		File          string
		Subject       string
		Components    int
		WithPURL      int
		ErrorContains string
	}{
		{File: "04-SBOMwSecurity.spdx23.json", Subject: "tools-java", Components: 1, WithPURL: 1},
		{File: "ACME-v2.3.spdx.json", Subject: "Acme Applcation", Components: 3, WithPURL: 2},
		{File: "example11-sbom.spdx23.json", Subject: "hello-server-src", Components: 3, WithPURL: 3},
		{File: "example11-sbom.spdx3.json", ErrorContains: "SPDX 3.0.1 JSON-LD is not supported yet"},
	} {
		t.Run(tt.File, func(t *testing.T) {
			s, err := sbom.Parse(tt.File, readShared(t, filepath.Join("spdx-examples", tt.File)))
			if tt.ErrorContains != "" {
				if err == nil || !strings.Contains(err.Error(), tt.ErrorContains) {
					t.Fatalf("err %v, want one containing %q", err, tt.ErrorContains)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			purls := 0
			for _, c := range s.Components {
				if c.PURL != "" {
					purls++
				}
			}
			if s.Subject.Name != tt.Subject || len(s.Components) != tt.Components || purls != tt.WithPURL {
				t.Errorf("subject %q, %d components, %d with purl; want %q, %d, %d", s.Subject.Name, len(s.Components), purls, tt.Subject, tt.Components, tt.WithPURL)
			}
		})
	}
}
