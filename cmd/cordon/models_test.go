package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/simulate"
)

// Ingesting a capture makes the models its devices show; models sync is
// then idempotent, and list shows them with their devices.
func TestModels(t *testing.T) {
	dir := t.TempDir()
	pcap, _ := simulateCapture(t, simulate.Config{Seed: 1, Devices: 120})
	runOK(t, "", "ingest", "--data", dir, pcap)

	var models []cordon.DeviceModel
	if err := json.Unmarshal([]byte(runOK(t, "", "models", "list", "--data", dir, "--format", "json")), &models); err != nil {
		t.Fatal(err)
	}
	if len(models) == 0 {
		t.Fatal("ingest made no device models")
	}
	devices := 0
	for _, m := range models {
		if m.Manufacturer == "" || m.Model == "" || m.Devices == 0 {
			t.Errorf("model %+v", m)
		}
		devices += m.Devices
	}
	if out := runOK(t, "", "models", "sync", "--data", dir); !strings.HasPrefix(out, "0 models created, 0 devices assigned") {
		t.Errorf("a second sync changed something: %s", out)
	}
	table := runOK(t, "", "models", "list", "--data", dir, "--manufacturer", models[0].Manufacturer)
	if !strings.HasPrefix(table, "ID") || !strings.Contains(table, models[0].Model) {
		t.Errorf("list --manufacturer %s:\n%s", models[0].Manufacturer, table)
	}
	for _, args := range [][]string{{"models"}, {"models", "drop"}, {"models", "list", "--format", "xml"}, {"models", "sync", "extra"}} {
		if code, _, _ := runCLI(t, append(args, "--data", dir)...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}

// The import commands create the model, store the document and say what
// changed; the same file again is unchanged; show lists the documents; a
// malformed file is refused naming it.
func TestModelsImport(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// A CycloneDX 1.4 excerpt in the shape of the FDA-era device SBOMs of
	// github.com/spacelab-ccny/sbom-completeness, written for this test.
	sbom := write("flowmax.cdx.json", `{"bomFormat": "CycloneDX", "specVersion": "1.4", "version": 1,
 "metadata": {"component": {"type": "device", "name": "FlowMax", "version": "3.2"}},
 "components": [{"bom-ref": "zlib", "type": "library", "publisher": "zlib", "name": "zlib", "version": "1.2.11",
   "cpe": "cpe:2.3:a:zlib:zlib:1.2.11:*:*:*:*:*:*:*", "properties": [{"name": "End-of-Support", "value": "Unknown"}]}]}`)
	vexDoc := write("flowmax.vex.json", `{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://acme.example/vex/1", "author": "Acme",
 "timestamp": "2025-01-01T00:00:00Z", "version": 1, "statements": [{"vulnerability": {"name": "CVE-2022-37434"},
 "products": [{"@id": "pkg:generic/flowmax@3.2"}], "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"}]}`)
	mds2 := write("flowmax-mds2.csv", "Question ID,Question,Answer,Note\nDOC-1,Manufacturer,Acme,\nRMOT-1,Remote service?,No,\n")
	bad := write("broken.json", `{"bomFormat": "CycloneDX", "specVersion": "1.4", "components": [`)
	model := []string{"--data", dir, "--manufacturer", "Acme", "--model", "FlowMax", "--version", "3.2"}

	out := runOK(t, "", append(append([]string{"models", "import-sbom"}, model...), sbom)...)
	if !strings.Contains(out, "Created model 1") || !strings.Contains(out, "1 components (1 unsupported or of unknown support)") {
		t.Errorf("import-sbom:\n%s", out)
	}
	if out := runOK(t, "", append(append([]string{"models", "import-sbom"}, model...), sbom)...); !strings.HasPrefix(out, "Unchanged") {
		t.Errorf("import-sbom again:\n%s", out)
	}
	if out := runOK(t, "", append(append([]string{"models", "import-vex"}, model...), vexDoc)...); !strings.Contains(out, "1 statements") || strings.Contains(out, "Created") {
		t.Errorf("import-vex:\n%s", out)
	}
	if out := runOK(t, "", append(append([]string{"models", "import-mds2"}, model...), mds2)...); !strings.Contains(out, "2 answers") || !strings.Contains(out, "0 contradictions") {
		t.Errorf("import-mds2:\n%s", out)
	}
	show := runOK(t, "", "models", "show", "--data", dir, "1")
	for _, want := range []string{"Acme FlowMax 3.2", "Software (current SBOM): 1 components", "sbom (current)", "flowmax.vex.json", "mds2", "Contradictions with traffic: 0"} {
		if !strings.Contains(show, want) {
			t.Errorf("show lacks %q:\n%s", want, show)
		}
	}
	code, _, stderr := runCLI(t, append(append([]string{"models", "import-sbom"}, model...), bad)...)
	if code == exitOK || !strings.Contains(stderr, "broken.json") {
		t.Errorf("malformed SBOM: exit %d, %s", code, stderr)
	}
	if !strings.Contains(runOK(t, "", "models", "show", "--data", dir, "1"), "flowmax-mds2.csv") {
		t.Error("show after a refused import lost a document")
	}
	for _, args := range [][]string{{"models", "import-sbom", sbom}, {"models", "show"}, {"models", "show", "x"}} {
		if code, _, _ := runCLI(t, append(args, "--data", dir)...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}
