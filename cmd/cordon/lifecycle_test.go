package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/forecast"
	"github.com/cordonsec/cordon/simulate"
)

// deviceIDByMAC opens dir's store and returns the ID of the device with mac.
func deviceIDByMAC(t *testing.T, dir, mac string) int64 {
	t.Helper()
	st, err := openStore(dir, slog.New(slog.DiscardHandler), "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	recs, _, err := st.devices.FindDevices(context.Background(), cordon.DeviceFilter{Keys: []string{"mac:" + mac}})
	if err != nil || len(recs) != 1 {
		t.Fatalf("device %s: %d found, %v", mac, len(recs), err)
	}
	return recs[0].ID
}

// openAlerts lists the open reappearance alerts through the CLI (other
// checks raise alerts of their own about the simulated hospital).
func openAlerts(t *testing.T, dir string) []cordon.Alert {
	t.Helper()
	var as []cordon.Alert
	if err := json.Unmarshal([]byte(runOK(t, "", "alerts", "list", "--data", dir, "--status", "open", "--kind", cordon.AlertDecommissionedReappeared, "--format", "json")), &as); err != nil {
		t.Fatal(err)
	}
	return as
}

// A decommissioned device seen in a later capture raises one alert, counted
// again on the next capture; an older capture raises nothing.
func TestReappearance(t *testing.T) {
	dir := t.TempDir()
	start := time.Date(2024, 1, 8, 8, 0, 0, 0, time.UTC)
	first, truth := simulateCapture(t, simulate.Config{Seed: 5, Devices: 40, Start: start})
	runOK(t, "", "ingest", "--data", dir, first)
	ct := findCT(t, truth)
	id := deviceIDByMAC(t, dir, ct.MAC)

	out := runOK(t, "", "lifecycle", "decommission", "--data", dir, "--device", fmt.Sprint(id), "--on", "2024-06-01", "--reason", "Replaced by a new CT")
	if !strings.Contains(out, "decommissioned") {
		t.Errorf("decommission: %s", out)
	}
	// A capture from before the decommissioning: the device was still in
	// service then.
	older, _ := simulateCapture(t, simulate.Config{Seed: 5, Devices: 40, Start: start.AddDate(0, 0, -7)})
	runOK(t, "", "ingest", "--data", dir, older)
	if as := openAlerts(t, dir); len(as) != 0 {
		t.Fatalf("alerts after an older capture: %+v", as)
	}

	later, _ := simulateCapture(t, simulate.Config{Seed: 5, Devices: 40, Start: time.Date(2024, 9, 2, 8, 0, 0, 0, time.UTC)})
	runOK(t, "", "ingest", "--data", dir, later)
	as := openAlerts(t, dir)
	if len(as) != 1 {
		t.Fatalf("open alerts = %+v, want one", as)
	}
	a := as[0]
	if a.Kind != cordon.AlertDecommissionedReappeared || a.Severity != cordon.AlertHigh || a.DeviceID != id || a.Count != 1 ||
		a.Device == nil || !strings.Contains(strings.Join(a.Evidence, "\n"), "Last seen 2024-09-02") ||
		!strings.Contains(strings.Join(a.Evidence, "\n"), ct.IPs[0]) {
		t.Errorf("alert = %+v", a)
	}

	// The same device again, later still: the open alert counts it again.
	again, _ := simulateCapture(t, simulate.Config{Seed: 5, Devices: 40, Start: time.Date(2024, 10, 7, 8, 0, 0, 0, time.UTC)})
	runOK(t, "", "ingest", "--data", dir, again)
	if as := openAlerts(t, dir); len(as) != 1 || as[0].Count != 2 || as[0].ID != a.ID {
		t.Errorf("after another capture = %+v", as)
	}
	table := runOK(t, "", "alerts", "list", "--data", dir)
	if !strings.HasPrefix(table, "ID") || !strings.Contains(table, cordon.AlertDecommissionedReappeared) {
		t.Errorf("table:\n%s", table)
	}
	csv := runOK(t, "", "alerts", "list", "--data", dir, "--kind", cordon.AlertDecommissionedReappeared, "--format", "csv")
	if !strings.HasPrefix(csv, "id,kind,severity") || strings.Count(csv, "\n") != 2 {
		t.Errorf("csv:\n%s", csv)
	}

	// Disposal needs the sanitisation: the register does not say whether
	// the CT stores patient data.
	if code, _, stderr := runCLI(t, "lifecycle", "dispose", "--data", dir, "--device", fmt.Sprint(id), "--on", "2024-06-02"); code == 0 ||
		!strings.Contains(stderr, "sanitisation") {
		t.Errorf("dispose without sanitisation: exit %d, %s", code, stderr)
	}
	runOK(t, "", "lifecycle", "dispose", "--data", dir, "--device", fmt.Sprint(id), "--on", "2024-06-02",
		"--method", "destroy", "--operator", "Shred-It Ltd", "--sanitised", "2024-06-02", "--certificate", "DST-1")

	for _, args := range [][]string{{"alerts"}, {"alerts", "list", "--status", "closed"}, {"alerts", "list", "--format", "xml"},
		{"lifecycle"}, {"lifecycle", "forecast", "--months", "0"}, {"lifecycle", "decommission", "--device", "1", "--on", "1 June"}} {
		if code, _, _ := runCLI(t, append(args, "--data", dir)...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}

func TestLifecycleForecastCLI(t *testing.T) {
	dir := t.TempDir()
	pcap, _ := simulateCapture(t, simulate.Config{Seed: 2, Devices: 30})
	runOK(t, "", "ingest", "--data", dir, pcap)
	var f forecast.Forecast
	if err := json.Unmarshal([]byte(runOK(t, "", "lifecycle", "forecast", "--data", dir, "--months", "24", "--format", "json")), &f); err != nil {
		t.Fatal(err)
	}
	// Nothing recorded: every device is an unknown, stated.
	if len(f.Months) != 24 || f.Devices == 0 || f.UnknownReplacement != f.Devices {
		t.Errorf("forecast = %+v", f)
	}
	table := runOK(t, "", "lifecycle", "forecast", "--data", dir, "--months", "3")
	if !strings.Contains(table, "END OF SUPPORT") || !strings.Contains(table, fmt.Sprintf("Unknown: replacement date for %d", f.Devices)) {
		t.Errorf("table:\n%s", table)
	}
	if csv := runOK(t, "", "lifecycle", "forecast", "--data", dir, "--format", "csv"); !strings.HasPrefix(csv, "month,date,event") {
		t.Errorf("csv:\n%s", csv)
	}
}

// The demo's lifecycle plans make a real forecast, and its disposed pump,
// seen in the capture after its decommissioning, raises the alert.
func TestDemoLifecycle(t *testing.T) {
	dir := t.TempDir()
	pcap, truth := simulateCapture(t, simulate.Config{Seed: 1, Devices: 120})
	runOK(t, "", "ingest", "--data", dir, pcap)
	st, err := openStore(dir, slog.New(slog.DiscardHandler), "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := cliContext(context.Background())
	var out strings.Builder
	if err := demoLifecycle(ctx, st, truth, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Decommissioned and disposed of infusion pump") {
		t.Errorf("demo output: %s", out.String())
	}
	ls, err := forecast.Load(ctx, st.lifecycles, cordon.LifecycleFilter{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := forecast.Build(ls, st.db.Now(), 36)
	if err != nil {
		t.Fatal(err)
	}
	if f.Replacements == 0 || f.Cost == 0 || len(f.ByCategory) < 3 {
		t.Errorf("demo forecast: %d replacements, £%d, %d categories", f.Replacements, f.Cost, len(f.ByCategory))
	}
	disposed := 0
	for _, l := range ls {
		if l.State == cordon.LifecycleDisposed {
			disposed++
			if l.Disposed.Sanitisation == nil || l.Plan.LifeYears < 7 || l.Plan.LifeYears > 10 {
				t.Errorf("disposed pump = %+v", l)
			}
		}
	}
	if disposed != 1 {
		t.Errorf("%d disposed devices, want 1", disposed)
	}
	as, n, err := st.alerts.FindAlerts(ctx, cordon.AlertFilter{Kind: cordon.AlertDecommissionedReappeared})
	if err != nil || n != 1 || as[0].Severity != cordon.AlertHigh {
		t.Errorf("reappearance alerts = %d, %v", n, err)
	}
}
