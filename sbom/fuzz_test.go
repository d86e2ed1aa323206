package sbom_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/cpe"
	"github.com/cordonsec/cordon/sbom"
)

// addSeeds adds the testdata fixtures whose names end with suffix, and
// extra, to f's corpus.
func addSeeds(f *testing.F, suffix string, extra ...string) {
	files, err := filepath.Glob(filepath.Join("testdata", "*"+suffix))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds *%s: %v", suffix, err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, e := range extra {
		f.Add([]byte(e))
	}
}

// checkParse runs Parse and checks what must hold for any input: an
// EINVALID error and no SBOM, or an SBOM whose identifiers are valid and
// whose parent links point at components.
func checkParse(t *testing.T, data []byte) {
	s, err := sbom.Parse("fuzz", data)
	if err != nil {
		if s != nil {
			t.Fatal("SBOM returned with an error")
		}
		if cordon.ErrorCode(err) != cordon.EINVALID {
			t.Fatalf("error %v is not EINVALID", err)
		}
		return
	}
	if len(s.Components) > sbom.MaxComponents {
		t.Fatalf("%d components", len(s.Components))
	}
	refs := make(map[string]bool)
	for _, c := range s.Components {
		if c.Ref != "" {
			refs[c.Ref] = true
		}
	}
	for _, c := range append([]sbom.Component{s.Subject}, s.Components...) {
		if c.CPE != "" {
			if _, err := cpe.Parse(c.CPE); err != nil {
				t.Fatalf("invalid CPE kept: %v", err)
			}
		}
		if c.PURL != "" && !strings.HasPrefix(c.PURL, "pkg:") {
			t.Fatalf("invalid purl kept: %q", c.PURL)
		}
		if c.Parent != "" && !refs[c.Parent] {
			t.Fatalf("%q has parent %q, which is no component", c.Name, c.Parent)
		}
	}
}

func FuzzParseJSON(f *testing.F) {
	addSeeds(f, ".json",
		`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"name":"a","bom-ref":"a","components":[{"name":"b"}]}]}`,
		`{"spdxVersion":"SPDX-2.3","packages":[{"SPDXID":"SPDXRef-a","name":"a"},{"SPDXID":"SPDXRef-b","name":"b"}],"relationships":[{"spdxElementId":"SPDXRef-a","relationshipType":"CONTAINS","relatedSpdxElement":"SPDXRef-b"},{"spdxElementId":"SPDXRef-b","relationshipType":"CONTAINS","relatedSpdxElement":"SPDXRef-a"}]}`,
		`{"@context":"https://spdx.org/rdf/3.0.1/spdx-context.jsonld"}`,
		"{\n\"bomFormat\":",
	)
	f.Fuzz(checkParse)
}

func FuzzParseXML(f *testing.F) {
	addSeeds(f, ".xml",
		`<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components><component bom-ref="a"><name>a</name><components><component><name>b</name></component></components></component></components></bom>`,
		`<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY a "aaaa">]><bom xmlns="http://cyclonedx.org/schema/bom/1.4">&a;</bom>`,
		`<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><metadata><component><name>x</name></component></metadata>`,
	)
	f.Fuzz(checkParse)
}
