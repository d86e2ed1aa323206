package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/detect"
	"github.com/cordonsec/cordon/simulate"
)

// TestSilentDevices ingests three days of a simulated hospital, then runs
// the check with an injected clock: nothing is silent the next morning;
// after 30 hours the medical devices seen on all three days are, except a
// decommissioned one and those seen on one day only; a capture showing them
// again resolves the alerts.
func TestSilentDevices(t *testing.T) {
	dir := t.TempDir()
	day := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	var truth *simulate.Truth
	for i := range 3 {
		path, tr := simulateCapture(t, simulate.Config{Seed: 7, Devices: 30, Start: day.AddDate(0, 0, i), Duration: 20 * time.Minute})
		runOK(t, "", "ingest", "--data", dir, path)
		truth = tr
	}
	// A bigger capture on the last day: its extra devices are seen once.
	bigger, _ := simulateCapture(t, simulate.Config{Seed: 7, Devices: 45, Start: day.AddDate(0, 0, 2), Duration: 20 * time.Minute})
	runOK(t, "", "ingest", "--data", dir, bigger)
	ct := findCT(t, truth)
	ctID := deviceIDByMAC(t, dir, ct.MAC)
	runOK(t, "", "lifecycle", "decommission", "--data", dir, "--device", fmt.Sprint(ctID), "--on", "2026-03-04", "--reason", "Replaced")

	st, err := openStore(dir, slog.New(slog.DiscardHandler), "")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { st.Close() }()
	ctx := context.Background()
	lastDay := day.AddDate(0, 0, 2)
	now := lastDay.Add(4 * time.Hour)
	st.db.Now = func() time.Time { return now }
	silentAlerts := func() []*cordon.Alert {
		t.Helper()
		as, _, err := st.alerts.FindAlerts(ctx, cordon.AlertFilter{Kind: detect.KindDeviceSilent, Status: "open", Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		return as
	}

	if err := checkSilent(ctx, st, defaultSilence); err != nil {
		t.Fatal(err)
	}
	if as := silentAlerts(); len(as) != 0 {
		t.Fatalf("silent the morning after: %d alerts", len(as))
	}

	now = lastDay.Add(30 * time.Hour)
	if err := checkSilent(ctx, st, defaultSilence); err != nil {
		t.Fatal(err)
	}
	as := silentAlerts()
	if len(as) == 0 {
		t.Fatal("no device_silent alert 30 hours after the last capture")
	}
	medical := true
	recs, _, err := st.devices.FindDevices(ctx, cordon.DeviceFilter{Medical: &medical, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]*cordon.DeviceRecord{}
	for _, r := range recs {
		byID[r.ID] = r
	}
	for _, a := range as {
		r := byID[a.DeviceID]
		switch {
		case r == nil:
			t.Errorf("alert about a device that is not medical: %+v", a)
		case a.DeviceID == ctID:
			t.Errorf("alert about the decommissioned CT")
		case r.Observed.FirstSeen.After(lastDay):
			t.Errorf("alert about %s, seen on one day only", r.Key)
		case a.Severity != cordon.AlertHigh || !strings.Contains(strings.Join(a.Evidence, "\n"), "Seen on 3 of the 7 days"):
			t.Errorf("alert = %+v", a)
		}
	}
	// Each silent device once: the next hour counts again, no new alerts.
	now = now.Add(time.Hour)
	if err := checkSilent(ctx, st, defaultSilence); err != nil {
		t.Fatal(err)
	}
	if again := silentAlerts(); len(again) != len(as) || again[0].Count != 2 {
		t.Errorf("an hour later: %d alerts (was %d), count %d", len(again), len(as), again[0].Count)
	}
	// A longer threshold: not silent yet, so the alerts resolve.
	if err := checkSilent(ctx, st, silentConfig{After: 48 * time.Hour, Window: 7, MinDays: 3}); err != nil {
		t.Fatal(err)
	}
	if left := silentAlerts(); len(left) != 0 {
		t.Errorf("with a 48h threshold, %d alerts stay open", len(left))
	}
	if err := checkSilent(ctx, st, silentConfig{After: time.Minute, Window: 7, MinDays: 3}); cordon.ErrorCode(err) != cordon.EINVALID {
		t.Errorf("threshold of a minute: %v", err)
	}

	// Raised again, then the devices talk: resolved.
	if err := checkSilent(ctx, st, defaultSilence); err != nil || len(silentAlerts()) == 0 {
		t.Fatalf("raise again: %v", err)
	}
	st.Close()
	back, _ := simulateCapture(t, simulate.Config{Seed: 7, Devices: 30, Start: lastDay.AddDate(0, 0, 1).Add(5 * time.Hour), Duration: 20 * time.Minute})
	runOK(t, "", "ingest", "--data", dir, back)
	st, err = openStore(dir, slog.New(slog.DiscardHandler), "")
	if err != nil {
		t.Fatal(err)
	}
	st.db.Now = func() time.Time { return now }
	if err := checkSilent(ctx, st, defaultSilence); err != nil {
		t.Fatal(err)
	}
	if left := silentAlerts(); len(left) != 0 {
		t.Errorf("after the devices talked again, %d alerts stay open: %+v", len(left), left[0])
	}
}
