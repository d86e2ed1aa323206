package main

import (
	"encoding/json"
	"testing"

	"github.com/cordonsec/cordon"

	"github.com/cordonsec/cordon/detect"
	"github.com/cordonsec/cordon/simulate"
)

// TestIngestRaisesDetections ingests simulated hospitals end to end and
// checks the capture's detections became alerts on register devices, and
// that a later capture with more devices announces only those.
func TestIngestRaisesDetections(t *testing.T) {
	dir := t.TempDir()
	first, _ := simulateCapture(t, simulate.Config{Seed: 1, Devices: 120})
	runOK(t, "", "ingest", "--data", dir, first)
	kinds := map[string]int{}
	for _, a := range allAlerts(t, dir) {
		kinds[a.Kind]++
		if a.Kind == detect.KindSMBv1 && (a.DeviceID == 0 || a.Count < 1 || len(a.Evidence) < 2) {
			t.Errorf("smbv1 alert without device or evidence: %+v", a)
		}
	}
	if kinds[detect.KindSMBv1] == 0 || kinds[detect.KindDefaultCredentials] == 0 {
		t.Fatalf("alerts by kind after the first capture: %v", kinds)
	}
	if kinds[detect.KindNewDevice] != 0 {
		t.Errorf("a first capture is the baseline, yet %d new_device alerts", kinds[detect.KindNewDevice])
	}

	bigger, _ := simulateCapture(t, simulate.Config{Seed: 1, Devices: 160})
	runOK(t, "", "ingest", "--data", dir, bigger)
	again := map[string]int{}
	for _, a := range allAlerts(t, dir) {
		again[a.Kind]++
	}
	if again[detect.KindNewDevice] == 0 || again[detect.KindNewDevice] > 80 {
		t.Errorf("new_device alerts after a capture with 40 more devices: %d", again[detect.KindNewDevice])
	}
	if again[detect.KindSMBv1] < kinds[detect.KindSMBv1] {
		t.Errorf("smbv1 alerts went from %d to %d", kinds[detect.KindSMBv1], again[detect.KindSMBv1])
	}
	t.Logf("alerts by kind: first %v, after the second capture %v", kinds, again)
}

// allAlerts lists every open alert through the CLI.
func allAlerts(t *testing.T, dir string) []cordon.Alert {
	t.Helper()
	var as []cordon.Alert
	if err := json.Unmarshal([]byte(runOK(t, "", "alerts", "list", "--data", dir, "--status", "open", "--format", "json")), &as); err != nil {
		t.Fatal(err)
	}
	return as
}
