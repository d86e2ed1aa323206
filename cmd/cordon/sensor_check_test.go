package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// TestCheckSensors: a remote sensor that ships, then falls silent past the
// allowance (sensor_silent raised), ships again (resolved), falls silent
// again and is forgotten as retired (resolved).
func TestCheckSensors(t *testing.T) {
	st, err := openStore(filepath.Join(t.TempDir(), "data"), slog.New(slog.DiscardHandler), "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	clock := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	st.db.Now = func() time.Time { return clock }
	ctx := cliContext(context.Background())
	open := func() []*cordon.Alert {
		as, _, err := st.alerts.FindAlerts(ctx, cordon.AlertFilter{Kind: cordon.AlertSensorSilent, Status: "open", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		return as
	}
	check := func() {
		t.Helper()
		if err := checkSensors(ctx, st, cordon.DefaultSensorSilentAfter); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := st.IngestBatch(ctx, "ward7", remoteBatch("00000000000000000000000000000011")); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(14 * time.Minute)
	if check(); len(open()) != 0 {
		t.Fatal("sensor_silent within the allowance")
	}
	clock = clock.Add(2 * time.Minute)
	check()
	as := open()
	if len(as) != 1 || as[0].Subject != "sensor:ward7/eth1" || as[0].DeviceID != 0 ||
		as[0].Title != "Remote sensor ward7/eth1 has sent nothing for 16 minutes" {
		t.Fatalf("sensor_silent: %+v", as)
	}
	if _, _, err := st.IngestBatch(ctx, "ward7", remoteBatch("00000000000000000000000000000012")); err != nil {
		t.Fatal(err)
	}
	if check(); len(open()) != 0 {
		t.Fatal("sensor_silent still open after a batch")
	}
	clock = clock.Add(time.Hour)
	if check(); len(open()) != 1 {
		t.Fatal("no sensor_silent after an hour")
	}
	if err := st.sensorContacts.ForgetSensor(ctx, "ward7", "eth1"); err != nil {
		t.Fatal(err)
	}
	if check(); len(open()) != 0 {
		t.Fatal("sensor_silent still open for a forgotten sensor")
	}
}
