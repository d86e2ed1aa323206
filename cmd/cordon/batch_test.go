package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// remoteBatch is a minute of a remote sensor: an infusion pump talking to
// its server, with one detection.
func remoteBatch(id string) *cordon.SensorBatch {
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	pump := &cordon.Device{MAC: cordon.MAC{0x00, 0x1b, 0x21, 0, 0, 7}, IPs: []string{"10.30.1.17"},
		Category: cordon.CategoryInfusionPump, Medical: true, FirstSeen: t0, LastSeen: t0.Add(time.Minute)}
	key := cordon.DeviceKey(pump)
	return &cordon.SensorBatch{
		ID: id, Interface: "eth1", Start: t0, End: t0.Add(time.Minute),
		Stats:         cordon.IngestStats{Packets: 40, Bytes: 4000, Flows: 1},
		Devices:       []*cordon.Device{pump},
		Conversations: []cordon.Conversation{{Client: key, Server: "ip:10.40.0.5", Proto: "tcp", Port: 443, App: "tls", Hour: t0, Flows: 1, Packets: 40, Bytes: 4000}},
		Alerts: []cordon.SensorAlert{{DeviceKey: key, Kind: "smbv1", Severity: cordon.AlertMedium, Subject: "smb1",
			Title: "Speaks SMB1", FirstSeen: t0, LastSeen: t0, Count: 1, Evidence: []string{"speaks SMB1 (smb.version=1)"}}},
		Health: cordon.CaptureHealth{Started: t0, LastPacket: t0.Add(time.Minute), SilentAfter: 10 * time.Minute},
	}
}

func TestIngestBatch(t *testing.T) {
	st, err := openStore(filepath.Join(t.TempDir(), "data"), slog.New(slog.DiscardHandler), "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	b := remoteBatch("00000000000000000000000000000001")
	c, dup, err := st.IngestBatch(ctx, "ward7", b)
	if err != nil || dup || c == nil || c.Name != "sensor:ward7/eth1 09:00" || c.Status != cordon.CaptureDone || c.Stats.NewDevices != 1 {
		t.Fatalf("IngestBatch = %+v, %v, %v", c, dup, err)
	}
	recs, _, err := st.devices.FindDevices(ctx, cordon.DeviceFilter{Limit: 10})
	if err != nil || len(recs) != 1 || recs[0].Observed.IPs[0] != "10.30.1.17" {
		t.Fatalf("register after one batch: %+v, %v", recs, err)
	}
	if as, _, _ := st.alerts.FindAlerts(ctx, cordon.AlertFilter{Kind: "smbv1", Limit: 10}); len(as) != 1 || as[0].DeviceID != recs[0].ID {
		t.Errorf("the batch's alert was not raised on its device: %+v", as)
	}

	// Shipped again (the answer was lost): the same capture, nothing new.
	again, dup, err := st.IngestBatch(ctx, "ward7", remoteBatch(b.ID))
	if err != nil || !dup || again.ID != c.ID {
		t.Errorf("the same batch again = %+v, %v, %v; want the first capture, duplicate", again, dup, err)
	}
	if cs := liveCaptures(t, st); len(cs) != 1 {
		t.Errorf("%d captures after a duplicate, want 1", len(cs))
	}

	// An earlier try that failed part-way does not block the batch.
	failedID := "00000000000000000000000000000002"
	failed := &cordon.Capture{Name: "sensor:ward7/eth1 09:00", SHA256: batchSHA(failedID, 0), CreatedBy: "sensor:ward7"}
	if err := st.captures.CreateCapture(ctx, failed); err != nil {
		t.Fatal(err)
	}
	if err := st.captures.FailCapture(ctx, failed.ID, "disk full"); err != nil {
		t.Fatal(err)
	}
	if c, dup, err := st.IngestBatch(ctx, "ward7", remoteBatch(failedID)); err != nil || dup || c.Status != cordon.CaptureDone {
		t.Errorf("a batch whose first try failed: %+v, %v, %v", c, dup, err)
	}

	// A bad batch changes nothing.
	bad := remoteBatch("00000000000000000000000000000003")
	bad.Conversations[0].Proto = "icmp"
	if _, _, err := st.IngestBatch(ctx, "ward7", bad); cordon.ErrorField(err) != "conversations[0].proto" {
		t.Errorf("bad batch: %v", err)
	}
	if cs := liveCaptures(t, st); len(cs) != 3 {
		t.Errorf("%d captures, want the 3 above", len(cs))
	}
}

// TestIngestBatchSilent: a remote sensor's empty batches after a long
// quiet raise capture_silent under the sensor's name, without a capture,
// and its first batch with traffic resolves it.
func TestIngestBatchSilent(t *testing.T) {
	st, err := openStore(filepath.Join(t.TempDir(), "data"), slog.New(slog.DiscardHandler), "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	quiet := remoteBatch("00000000000000000000000000000004")
	quiet.Devices, quiet.Conversations, quiet.Alerts, quiet.Stats = nil, nil, nil, cordon.IngestStats{}
	quiet.Start, quiet.End = quiet.Health.LastPacket.Add(11*time.Minute), quiet.Health.LastPacket.Add(12*time.Minute)
	if c, _, err := st.IngestBatch(ctx, "ward7", quiet); err != nil || c != nil {
		t.Fatalf("empty batch: %+v, %v", c, err)
	}
	as, _, _ := st.alerts.FindAlerts(ctx, cordon.AlertFilter{Kind: cordon.AlertCaptureSilent, Status: "open", Limit: 10})
	if len(as) != 1 || as[0].Subject != "interface:ward7/eth1" || as[0].Title != "Live capture on ward7/eth1 has seen no traffic for 12 minutes" {
		t.Fatalf("capture_silent: %+v", as)
	}
	if _, _, err := st.IngestBatch(ctx, "ward7", remoteBatch("00000000000000000000000000000005")); err != nil {
		t.Fatal(err)
	}
	if as, _, _ := st.alerts.FindAlerts(ctx, cordon.AlertFilter{Kind: cordon.AlertCaptureSilent, Status: "open", Limit: 10}); len(as) != 0 {
		t.Errorf("capture_silent still open after traffic: %+v", as)
	}
}
