package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cordonsec/cordon/detect"
	"github.com/cordonsec/cordon/simulate"
)

// analyzeAlerts runs `cordon analyze --format json` with extra flags and
// counts the alerts by kind.
func analyzeAlerts(t *testing.T, capture string, flags ...string) map[string]int {
	t.Helper()
	var res struct {
		Alerts []detect.Alert `json:"alerts"`
	}
	out := runOK(t, "", append(append([]string{"analyze", "--format", "json"}, flags...), capture)...)
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, a := range res.Alerts {
		kinds[a.Kind]++
	}
	return kinds
}

// An allow-list approving every internet endpoint and file server for the
// medical categories silences internet_web and file_share; a bad file stops
// analyze with a usage error naming the file and the entry.
func TestAnalyzeDetectConfig(t *testing.T) {
	capture, _ := simulateCapture(t, simulate.Config{Seed: 1, Devices: 120})
	before := analyzeAlerts(t, capture)
	if before[detect.KindInternetWeb] == 0 {
		t.Skipf("the simulated hospital browses nothing: %v", before)
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "detect.json")
	var allow []string
	for _, c := range []string{"infusion_pump", "patient_monitor", "imaging_modality", "lab_analyzer", "medical_workstation", "medical_server", "other_medical"} {
		allow = append(allow, `{"match": "category:`+c+`", "hosts": ["0.0.0.0/0", "::/0"]}`)
	}
	if err := os.WriteFile(cfg, []byte(`{"internet": [`+strings.Join(allow, ",")+`], "file_servers": ["0.0.0.0/0"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	after := analyzeAlerts(t, capture, "--detect-config", cfg)
	if after[detect.KindInternetWeb] != 0 || after[detect.KindFileShare] != 0 {
		t.Errorf("with everything approved: %v (before %v)", after, before)
	}
	if after[detect.KindSMBv1] != before[detect.KindSMBv1] {
		t.Errorf("the allow-list changed smbv1: %d → %d", before[detect.KindSMBv1], after[detect.KindSMBv1])
	}

	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"jump_hosts": ["10.0.0.0/33"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"ErrAnalyzeBadEntry", []string{"analyze", "--detect-config", bad, capture}, "jump_hosts[0]"},
		{"ErrAnalyzeMissing", []string{"analyze", "--detect-config", filepath.Join(dir, "none.json"), capture}, "cannot read the detection config"},
		{"ErrSensorBadEntry", []string{"sensor", "--interface", "lo", "--detect-config", bad}, "bad.json"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.args...)
			if code != exitUsage || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d naming %q", code, stderr, exitUsage, tt.want)
			}
		})
	}
}
