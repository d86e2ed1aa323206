package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/remoteaccess"
	"github.com/cordonsec/cordon/simulate"
)

// A simulated hospital's capture shows suppliers' engineers reaching
// modalities over RDP from the jump host: unexplained until a supplier
// record lists the jump host for the models reached, and raised as alerts
// after ingest.
func TestSuppliersEndToEnd(t *testing.T) {
	dir := t.TempDir()
	pcap, _ := simulateCapture(t, simulate.Config{Seed: 1, Devices: 300})
	runOK(t, "", "ingest", "--data", dir, pcap)

	var ds []remoteaccess.Decision
	mustOK(t, json.Unmarshal([]byte(runOK(t, "", "suppliers", "unexplained", "--data", dir, "--format", "json")), &ds))
	var rdp *cordon.RemoteSession
	for _, d := range ds {
		if d.Explained || d.Session.Device.ID == 0 || len(d.Session.Sources) == 0 {
			t.Errorf("decision %+v", d)
		}
		if d.Session.Method == "rdp" && rdp == nil {
			rdp = d.Session
		}
	}
	if rdp == nil {
		t.Fatalf("no unexplained RDP session in the simulated capture: %+v", ds)
	}
	table := runOK(t, "", "suppliers", "unexplained", "--data", dir)
	if !strings.HasPrefix(table, "DEVICE") || !strings.Contains(table, rdp.Sources[0]) {
		t.Errorf("unexplained table:\n%s", table)
	}

	// A supplier serving the reached device's model from the jump host
	// explains its sessions.
	if rdp.ModelID == 0 {
		t.Fatalf("the reached device %+v belongs to no model", rdp.Device)
	}
	file := filepath.Join(t.TempDir(), "suppliers.json")
	body, _ := json.Marshal([]cordon.Supplier{{Name: rdp.Device.Manufacturer, ModelIDs: []int64{rdp.ModelID},
		Contracts: []cordon.Contract{{Reference: "C-1", AttendHours: 4, PatchDays: 30}},
		Access:    []cordon.RemoteAccess{{Method: "jump_host", Mode: cordon.AccessOnDemand, MFA: true, Sources: rdp.Sources}}}})
	mustOK(t, os.WriteFile(file, body, 0o600))
	if out := runOK(t, "", "suppliers", "import", "--data", dir, file); !strings.HasPrefix(out, "1 suppliers created, 0 skipped") {
		t.Errorf("import: %s", out)
	}
	if out := runOK(t, "", "suppliers", "import", "--data", dir, file); !strings.HasPrefix(out, "0 suppliers created, 1 skipped") {
		t.Errorf("second import: %s", out)
	}
	var after []remoteaccess.Decision
	mustOK(t, json.Unmarshal([]byte(runOK(t, "", "suppliers", "unexplained", "--data", dir, "--format", "json")), &after))
	for _, d := range after {
		if d.Session.ModelID == rdp.ModelID && d.Session.Method == "rdp" && d.Session.Sources[0] == rdp.Sources[0] {
			t.Errorf("still unexplained: %+v", d)
		}
	}
	if len(after) >= len(ds) {
		t.Errorf("%d unexplained after the supplier, %d before", len(after), len(ds))
	}
	list := runOK(t, "", "suppliers", "list", "--data", dir)
	if !strings.Contains(list, rdp.Device.Manufacturer) || !strings.HasPrefix(list, "ID") {
		t.Errorf("list:\n%s", list)
	}
	if csv := runOK(t, "", "suppliers", "list", "--data", dir, "--format", "csv"); !strings.HasPrefix(csv, "id,name,") {
		t.Errorf("csv:\n%s", csv)
	}

	// The ingest raised one alert per unexplained device and source; the
	// supplier record explains some, and the next check resolves theirs.
	st, err := openStore(dir, slog.New(slog.DiscardHandler), "")
	mustOK(t, err)
	defer st.Close()
	ctx := context.Background()
	open := func() map[cordon.AlertKey]*cordon.Alert {
		t.Helper()
		as, _, err := st.alerts.FindAlerts(ctx, cordon.AlertFilter{Kind: cordon.AlertUnexplainedRemoteAccess, Status: "open", Limit: 1000})
		mustOK(t, err)
		out := map[cordon.AlertKey]*cordon.Alert{}
		for _, a := range as {
			out[a.Key()] = a
		}
		return out
	}
	keysOf := func(ds []remoteaccess.Decision) map[cordon.AlertKey]bool {
		out := map[cordon.AlertKey]bool{}
		for _, d := range ds {
			out[cordon.AlertKey{DeviceID: d.Session.Device.ID, Subject: "source:" + remoteaccess.Source(d.Session)}] = true
		}
		return out
	}
	if got, want := open(), keysOf(ds); len(got) != len(want) {
		t.Errorf("after ingest: %d open alerts, want one per unexplained device and source (%d)", len(got), len(want))
	}
	for _, a := range open() {
		if len(a.Evidence) != 2 || a.DeviceID == 0 {
			t.Errorf("alert %+v", a)
		}
	}
	recs, _, err := st.devices.FindDevices(ctx, cordon.DeviceFilter{Limit: 1000})
	mustOK(t, err)
	var keys []string
	for _, r := range recs {
		keys = append(keys, r.Key)
	}
	mustOK(t, checkRemoteAccess(ctx, st, keys))
	got, want := open(), keysOf(after)
	if len(got) != len(want) {
		t.Errorf("after the supplier record: %d open alerts, want %d", len(got), len(want))
	}
	for k := range want {
		if got[k] == nil || got[k].Count != 2 {
			t.Errorf("alert %+v = %+v, want it open and counted again", k, got[k])
		}
	}
	// No alert service, or no keys: nothing to do.
	st.alerts = nil
	mustOK(t, checkRemoteAccess(ctx, st, keys))

	for _, args := range [][]string{{"suppliers"}, {"suppliers", "drop"}, {"suppliers", "list", "--format", "xml"},
		{"suppliers", "unexplained", "--format", "csv"}, {"suppliers", "import"}, {"suppliers", "unexplained", "--since", "soon"}} {
		if code, _, _ := runCLI(t, append(args, "--data", dir)...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}

// mustOK fails tb on err.
func mustOK(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// The demo's suppliers explain most of the simulated remote access, flag
// GE's always-on access without MFA, and leave one maker's sessions
// unexplained so the page shows them.
func TestDemoSuppliers(t *testing.T) {
	dir := t.TempDir()
	pcap, truth := simulateCapture(t, simulate.Config{Seed: 1, Devices: 300})
	runOK(t, "", "ingest", "--data", dir, pcap)
	st, err := openStore(dir, slog.New(slog.DiscardHandler), "")
	mustOK(t, err)
	defer st.Close()
	ctx := cliContext(context.Background())
	before, err := remoteaccess.FindUnexplained(ctx, st.suppliers, cordon.RemoteSessionFilter{})
	mustOK(t, err)
	var out strings.Builder
	mustOK(t, demoSuppliers(ctx, st, truth, &out))
	after, err := remoteaccess.FindUnexplained(ctx, st.suppliers, cordon.RemoteSessionFilter{})
	mustOK(t, err)
	if len(after) == 0 || len(after) >= len(before) {
		t.Errorf("unexplained: %d before the demo's suppliers, %d after; want fewer but some", len(before), len(after))
	}
	ss, err := remoteaccess.AllSuppliers(ctx, st.suppliers)
	mustOK(t, err)
	flagged := map[string][]string{}
	for _, s := range ss {
		flagged[s.Name] = s.Flags
	}
	if f := flagged["GE HealthCare"]; !strings.Contains(strings.Join(f, ","), "always_on,no_mfa") {
		t.Errorf("GE flags = %v (suppliers %v)", f, flagged)
	}
	if !strings.Contains(out.String(), "suppliers with contracts and remote access") {
		t.Errorf("output: %s", out.String())
	}
}
