package vex_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/cpe"
	"github.com/cordonsec/cordon/vex"
)

func FuzzParse(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds: %v", err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"@context":"https://openvex.dev/ns","statements":[{"vulnerability":"CVE-1","products":["cpe:2.3:a:b:c:1:*:*:*:*:*:*:*"],"status":"affected"}]}`))
	f.Add([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","vulnerabilities":[{"id":"X","analysis":{"state":"in_triage"},"affects":[{"ref":"urn:cdx:a/1#%zz"}]}]}`))
	f.Add([]byte(`{"document":{"category":"csaf_vex","csaf_version":"2.0","tracking":{"id":"x"}},"product_tree":{"product_groups":[{"group_id":"g","product_ids":["a","a"]}]},"vulnerabilities":[{"cve":"C","product_status":{"fixed":["a"]},"flags":[{"label":"component_not_present","group_ids":["g"]}]}]}`))
	statuses := []string{vex.StatusNotAffected, vex.StatusAffected, vex.StatusFixed, vex.StatusUnderInvestigation}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := vex.Parse("fuzz", data)
		if err != nil {
			if d != nil || cordon.ErrorCode(err) != cordon.EINVALID {
				t.Fatalf("document %v with error %v", d, err)
			}
			return
		}
		for _, s := range d.Statements {
			if !slices.Contains(statuses, s.Status) {
				t.Fatalf("status %q", s.Status)
			}
			if s.Justification != "" && !slices.Contains(vex.Justifications, s.Justification) {
				t.Fatalf("justification %q", s.Justification)
			}
			for _, p := range s.Products {
				if p.CPE != "" {
					if _, err := cpe.Parse(p.CPE); err != nil {
						t.Fatalf("invalid CPE kept: %v", err)
					}
				}
			}
		}
	})
}
