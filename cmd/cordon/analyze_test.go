package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cordonsec/cordon/simulate"
)

// simulateCLI writes a small simulated hospital through the CLI and returns
// the capture path and its ground truth.
func simulateCLI(t *testing.T, devices string) (string, *simulate.Truth) {
	t.Helper()
	dir := t.TempDir()
	pcap, truthPath := filepath.Join(dir, "h.pcap"), filepath.Join(dir, "truth.json")
	if code, _, stderr := runCLI(t, "simulate", "--seed", "11", "--devices", devices, "--out", pcap, "--truth", truthPath); code != exitOK {
		t.Fatalf("simulate: exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(truthPath)
	if err != nil {
		t.Fatal(err)
	}
	var truth simulate.Truth
	if err := json.Unmarshal(b, &truth); err != nil {
		t.Fatal(err)
	}
	return pcap, &truth
}

// TestAnalyzeJSONContract checks the field names that docs/analyze-json.md
// promises, on real output.
func TestAnalyzeJSONContract(t *testing.T) {
	pcap, _ := simulateCLI(t, "60")
	code, stdout, stderr := runCLI(t, "analyze", "--format", "json", pcap)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var out struct {
		Devices []map[string]json.RawMessage `json:"devices"`
		Stats   map[string]json.RawMessage   `json:"stats"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Devices) < 50 {
		t.Fatalf("only %d devices", len(out.Devices))
	}
	for _, k := range []string{"packets", "bytes", "flows", "warnings"} {
		if _, ok := out.Stats[k]; !ok {
			t.Errorf("stats lacks %q", k)
		}
	}
	fields := []string{"mac", "ips", "hostnames", "vendor", "manufacturer", "model", "category", "modality",
		"medical", "os", "software", "services", "dicom", "hl7", "patient_data", "confidence", "evidence",
		"first_seen", "last_seen"}
	nested := map[string][]string{
		"os":    {"name", "version"},
		"dicom": {"ae_titles", "implementation_class_uid", "implementation_version", "sop_classes"},
		"hl7":   {"applications", "facilities", "message_types", "versions"},
	}
	for _, d := range out.Devices {
		for _, f := range fields {
			if _, ok := d[f]; !ok {
				t.Fatalf("device lacks %q: %v", f, d)
			}
		}
		for f, keys := range nested {
			var m map[string]json.RawMessage
			if err := json.Unmarshal(d[f], &m); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			for _, k := range keys {
				if _, ok := m[k]; !ok {
					t.Errorf("%s lacks %q", f, k)
				}
			}
		}
	}
}

// TestAnalyzeNeverPrintsPatientData runs every output format over traffic
// carrying planted patient names and NHS numbers.
func TestAnalyzeNeverPrintsPatientData(t *testing.T) {
	pcap, truth := simulateCLI(t, "120")
	if len(truth.PatientStrings) == 0 {
		t.Fatal("nothing planted")
	}
	for _, format := range []string{"table", "json", "csv"} {
		code, stdout, stderr := runCLI(t, "analyze", "--format", format, pcap)
		if code != exitOK {
			t.Fatalf("%s: exit %d: %s", format, code, stderr)
		}
		for _, s := range truth.PatientStrings {
			if strings.Contains(stdout, s) || strings.Contains(stderr, s) {
				t.Errorf("%s output contains patient data %q", format, s)
			}
		}
	}
}
