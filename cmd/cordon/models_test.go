package main

import (
	"encoding/json"
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
