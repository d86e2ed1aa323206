package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/detect"
	"github.com/cordonsec/cordon/ingest"
	"github.com/cordonsec/cordon/inventory"
)

// A live capture's batches take one path into the register wherever the
// capture runs: the server's own interface writes each batch through
// store.IngestBatch, and a remote sensor ships the same batch to the
// central server, whose API calls the same method.

// maxClaimedMACs bounds the address claims a live loop remembers; past it
// the memory starts over.
const maxClaimedMACs = 1 << 16

// sensorBatch turns a batch's traffic into what is written or shipped:
// devices resolved and classified, conversations, and the detections
// settled against the classified devices.
func (l *liveLoop) sensorBatch(b *liveBatch) *cordon.SensorBatch {
	if l.claims == nil || len(l.claims) > maxClaimedMACs {
		l.claims = map[cordon.MAC]map[netip.Addr]bool{}
	}
	devs, convs := b.inv.Resolve(inventory.Options{Vendor: ouiVendor, Virtual: ouiVirtual, Claimed: l.claims})
	b.inv.Claims(l.claims)
	// One device a key, the last one resolved, as the register keeps them:
	// a batch must pass SensorBatch.Validate, or its minute is lost.
	at := map[string]int{}
	devices := make([]*cordon.Device, 0, len(devs))
	for _, d := range devs {
		l.classifier.Classify(d)
		k := cordon.DeviceKey(d)
		switch i, seen := at[k]; {
		case k == "":
		case seen:
			devices[i] = d
		default:
			at[k] = len(devices)
			devices = append(devices, d)
		}
	}
	var alerts []cordon.SensorAlert
	if b.det != nil {
		for _, a := range b.det.Finish(devs) { // after classification: severity and scope depend on it
			if _, ok := at[a.Key]; !ok {
				continue
			}
			alerts = append(alerts, cordon.SensorAlert{DeviceKey: a.Key, Kind: a.Kind, Severity: a.Severity,
				Subject: a.Subject, Title: a.Title, FirstSeen: a.FirstSeen, LastSeen: a.LastSeen, Count: a.Count, Evidence: a.Evidence})
		}
	}
	var id [16]byte
	rand.Read(id[:])
	sb := &cordon.SensorBatch{
		ID: hex.EncodeToString(id[:]), Interface: l.iface, Start: b.start, End: b.end,
		Stats: cordon.IngestStats{Packets: b.packets, Bytes: b.bytes, Flows: b.inv.Flows(),
			Devices: len(devices), Conversations: len(convs), Warnings: []string{}},
		Devices: devices, Conversations: convs, Alerts: alerts,
		Health: cordon.CaptureHealth{Drops: b.drops, LastPacket: b.lastTraffic, Started: b.captureStart,
			SilentAfter: l.silentAfter},
	}
	if b.drops > 0 {
		sb.Stats.Warnings = append(sb.Stats.Warnings, fmt.Sprintf("the kernel dropped %d packets on %s during this interval (capture ring full)", b.drops, l.iface))
	}
	if b.undecoded > 0 {
		sb.Stats.Warnings = append(sb.Stats.Warnings, fmt.Sprintf("%d packets could not be decoded", b.undecoded))
	}
	return sb
}

// IngestBatch writes a live capture's batch as a capture: "live:IFACE
// HH:MM" for the server's own capture (sensor ""), "sensor:NAME/IFACE
// HH:MM" for a remote sensor's. It then runs the checks a capture
// triggers, raises the batch's detections and judges the capture's
// health. A batch without devices is not written, but its health is
// judged: a silent interface sends exactly such batches.
func (s *store) IngestBatch(ctx context.Context, sensor string, b *cordon.SensorBatch) (*cordon.Capture, bool, error) {
	if err := b.Validate(); err != nil {
		return nil, false, err
	}
	if sensor != "" {
		// Heard from, whatever the batch holds: sensor_silent watches this.
		if err := s.sensorContacts.TouchSensor(ctx, sensor, b.Interface, b.Stats.Packets); err != nil {
			return nil, false, err
		}
	}
	var c *cordon.Capture
	if len(b.Devices) > 0 {
		var dup bool
		var err error
		if c, dup, err = s.writeBatch(ctx, sensor, b); err != nil || dup {
			return c, dup, err
		}
	}
	s.judgeHealth(ctx, sensor, b)
	return c, false, nil
}

// batchSHA is the content hash a batch's capture is filed under: captures
// are unique by hash, which makes a batch shipped twice a duplicate.
func batchSHA(id string, retry int64) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "sensor-batch\x00%s\x00%d", id, retry))
	return hex.EncodeToString(sum[:])
}

// writeBatch commits the batch's devices, conversations and alerts.
func (s *store) writeBatch(ctx context.Context, sensor string, b *cordon.SensorBatch) (*cordon.Capture, bool, error) {
	name, by := "live:"+b.Interface, "sensor:"+b.Interface
	if sensor != "" {
		name, by = "sensor:"+sensor+"/"+b.Interface, "sensor:"+sensor
	}
	name += " " + b.Start.Format("15:04")
	c := &cordon.Capture{Name: name, SHA256: batchSHA(b.ID, 0), Size: int64(b.Stats.Bytes), CreatedBy: by}
	err := s.captures.CreateCapture(ctx, c)
	// An earlier try that failed part-way left a failed capture: this one
	// is filed beside it, under a hash that names it.
	for tries := 0; cordon.ErrorCode(err) == cordon.ECONFLICT && c.Status == cordon.CaptureFailed && tries < 8; tries++ {
		failed := c.ID
		*c = cordon.Capture{Name: name, SHA256: batchSHA(b.ID, failed), Size: int64(b.Stats.Bytes), CreatedBy: by}
		err = s.captures.CreateCapture(ctx, c)
	}
	switch {
	case cordon.ErrorCode(err) == cordon.ECONFLICT && c.Status == cordon.CaptureDone:
		return c, true, nil
	case cordon.ErrorCode(err) == cordon.ECONFLICT:
		return nil, false, cordon.Errorf(cordon.ECONFLICT, "Batch %s is being written; send it again later.", b.ID)
	case err != nil:
		return nil, false, err
	}
	if err := s.captures.StartCapture(ctx, c.ID); err != nil {
		return nil, false, err
	}
	fail := func(err error) (*cordon.Capture, bool, error) {
		return nil, false, errors.Join(err, s.captures.FailCapture(ctx, c.ID, "The batch could not be written: "+err.Error()))
	}
	keys := make([]string, len(b.Devices))
	for i, d := range b.Devices {
		keys[i] = cordon.DeviceKey(d)
	}
	old, err := s.ingests.ObservedByKeys(ctx, keys)
	if err != nil {
		return fail(err)
	}
	cl := s.worker.Classifier
	devices := make(map[string]*cordon.Device, len(keys))
	stats := b.Stats
	stats.Devices, stats.NewDevices, stats.Conversations = len(keys), 0, len(b.Conversations)
	var newKeys []string
	for i, d := range b.Devices {
		k := keys[i]
		if old[k] == nil {
			stats.NewDevices++
			newKeys = append(newKeys, k)
		}
		devices[k] = ingest.Merge(old[k], d, cl)
	}
	if err := s.ingests.CommitIngest(ctx, c.ID, devices, b.Conversations, stats); err != nil {
		return fail(err)
	}
	c.Stats, c.Status = stats, cordon.CaptureDone
	s.logger.Info("live batch written", slog.String("capture", c.Name), slog.Int("devices", stats.Devices),
		slog.Int("new_devices", stats.NewDevices), slog.Uint64("packets", stats.Packets), slog.Uint64("drops", b.Health.Drops))
	if err := s.afterIngest(ctx, keys); err != nil {
		s.logger.Error("checks after the live batch failed", slog.String("error", err.Error()))
	}
	// As ingest does: the batch's detections become alerts, and devices
	// the register did not know are announced.
	alerts := make([]detect.Alert, len(b.Alerts))
	for i, a := range b.Alerts {
		alerts[i] = detect.Alert{Kind: a.Kind, Key: a.DeviceKey, Severity: a.Severity, Subject: a.Subject, Title: a.Title,
			FirstSeen: a.FirstSeen, LastSeen: a.LastSeen, Count: a.Count, Evidence: a.Evidence}
	}
	if err := s.raiseDetections(ctx, alerts, newKeys, keys); err != nil {
		s.logger.Error("detections of the live batch not raised", slog.String("error", err.Error()))
	}
	return c, false, nil
}
