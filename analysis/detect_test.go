package analysis

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/cordonsec/cordon/simulate"
)

// TestAlertsJSON checks the "alerts" array of the analysis JSON on a
// simulated hospital: the names of docs/analyze-json.md, and that the
// detections can be switched off.
func TestAlertsJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.pcap")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := simulate.Generate(simulate.Config{Seed: 3, Devices: 80}, f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	res, err := Run(context.Background(), []string{path}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(res)
	var out struct {
		Alerts []map[string]any `json:"alerts"`
	}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Alerts) == 0 {
		t.Fatal("no alerts in a simulated hospital with SMB1 and default SNMP communities")
	}
	for _, a := range out.Alerts {
		for _, k := range []string{"kind", "device", "severity", "first_seen", "last_seen", "count", "evidence"} {
			if _, ok := a[k]; !ok {
				t.Fatalf("alert without %q: %v", k, a)
			}
		}
	}
	off, err := Run(context.Background(), []string{path}, Options{NoDetect: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(off.Alerts) != 0 || len(off.Devices) != len(res.Devices) {
		t.Fatalf("without detections: %d alerts, %d devices (with: %d)", len(off.Alerts), len(off.Devices), len(res.Devices))
	}
}
