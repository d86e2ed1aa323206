package cordon

import (
	"context"
	"strconv"
	"time"
)

// SensorBatch is one flush interval of a live capture: the traffic already
// dissected, resolved into devices and conversations, and checked. The
// server's own capture writes its batches to the register directly; a
// remote sensor ships them to the central server (POST
// /api/v1/sensor/batches), so that no packet, and so no patient data,
// leaves the site, and a site's link carries kilobytes a minute rather
// than its capture.
type SensorBatch struct {
	// ID is 32 lowercase hex digits drawn at random. A batch shipped twice
	// (the answer to the first was lost) is recognised by it and not
	// counted again.
	ID        string    `json:"id"`
	Interface string    `json:"interface"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	// Stats are the batch's counts; the server recounts the devices new
	// to its register.
	Stats         IngestStats    `json:"stats"`
	Devices       []*Device      `json:"devices"` // resolved and classified
	Conversations []Conversation `json:"conversations"`
	Alerts        []SensorAlert  `json:"alerts"`
	// Health is how the capture itself fared, for capture_silent and
	// capture_drops.
	Health CaptureHealth `json:"health"`
}

// CaptureHealth is what a batch says of the capture that made it.
type CaptureHealth struct {
	// Drops counts the packets the kernel dropped during the batch.
	Drops uint64 `json:"drops"`
	// LastPacket is when the interface last saw a packet, in this batch or
	// before, to within a flush (by the sensor's clock, as End is); zero
	// if it has seen none since the capture started.
	LastPacket time.Time `json:"last_packet,omitzero"`
	// Started is when the capture started.
	Started time.Time `json:"started"`
	// SilentAfter is how long the interface may see no packet before
	// capture_silent is raised; zero never raises it.
	SilentAfter time.Duration `json:"silent_after"`
}

// SensorAlert is a detection of a sensor batch about one of its devices.
type SensorAlert struct {
	DeviceKey string    `json:"device_key"` // DeviceKey of one of the batch's devices
	Kind      string    `json:"kind"`
	Severity  string    `json:"severity"`
	Subject   string    `json:"subject"`
	Title     string    `json:"title"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	Count     int       `json:"count"`
	Evidence  []string  `json:"evidence"`
}

// Bounds on a sensor batch: a minute of a busy site is well inside them,
// and a batch past them is refused whole rather than stored in part.
const (
	MaxBatchDevices       = 100_000
	MaxBatchConversations = 1_000_000
	MaxBatchAlerts        = 100_000
	maxBatchSpan          = 24 * time.Hour
)

// Validate reports the first problem of a batch as an EINVALID error
// naming the field at fault ("devices[3]", "alerts[0].device_key").
func (b *SensorBatch) Validate() error {
	switch {
	case !isHexID(b.ID):
		return Invalidf("id", "A batch ID is 32 lowercase hex digits, not %q.", clipped(b.ID))
	case !isInterfaceName(b.Interface):
		return Invalidf("interface", "An interface name has 1 to 64 letters, digits and . _ - @ :, not %q.", clipped(b.Interface))
	case b.Start.IsZero() || b.End.Before(b.Start) || b.End.Sub(b.Start) > maxBatchSpan:
		return Invalidf("end", "A batch runs from its start to its end, at most a day; %s to %s is not that.",
			b.Start.UTC().Format(time.RFC3339), b.End.UTC().Format(time.RFC3339))
	case b.Health.SilentAfter < 0:
		return Invalidf("health.silent_after", "The silence allowed is not negative.")
	case len(b.Devices) > MaxBatchDevices:
		return Invalidf("devices", "A batch holds at most %d devices, not %d.", MaxBatchDevices, len(b.Devices))
	case len(b.Conversations) > MaxBatchConversations:
		return Invalidf("conversations", "A batch holds at most %d conversations, not %d.", MaxBatchConversations, len(b.Conversations))
	case len(b.Alerts) > MaxBatchAlerts:
		return Invalidf("alerts", "A batch holds at most %d alerts, not %d.", MaxBatchAlerts, len(b.Alerts))
	}
	keys := make(map[string]bool, len(b.Devices))
	for i, d := range b.Devices {
		field := "devices[" + strconv.Itoa(i) + "]"
		if d == nil {
			return Invalidf(field, "Device %d of the batch is empty.", i)
		}
		k := DeviceKey(d)
		switch {
		case k == "":
			return Invalidf(field, "Device %d of the batch has no MAC or address to know it by.", i)
		case keys[k]:
			return Invalidf(field, "Device %d of the batch repeats %s.", i, k)
		}
		keys[k] = true
	}
	for i, c := range b.Conversations {
		field := "conversations[" + strconv.Itoa(i) + "]"
		switch {
		case c.Client == "" || len(c.Client) > 128 || c.Server == "" || len(c.Server) > 128:
			return Invalidf(field, "Conversation %d needs a client and a server of 1 to 128 characters.", i)
		case c.Proto != "tcp" && c.Proto != "udp":
			return Invalidf(field+".proto", "Conversation %d's protocol is tcp or udp, not %q.", i, clipped(c.Proto))
		case len(c.App) > 32:
			return Invalidf(field+".app", "Conversation %d's application name is longer than 32 characters.", i)
		case c.Hour.IsZero() || !c.Hour.Equal(c.Hour.Truncate(time.Hour)):
			return Invalidf(field+".hour", "Conversation %d's hour is not the start of an hour.", i)
		}
	}
	for i, a := range b.Alerts {
		field := "alerts[" + strconv.Itoa(i) + "]"
		if !keys[a.DeviceKey] {
			return Invalidf(field+".device_key", "Alert %d is about %q, which is not a device of the batch.", i, clipped(a.DeviceKey))
		}
		al := Alert{Kind: a.Kind, Severity: a.Severity, Subject: a.Subject, Title: a.Title, Evidence: a.Evidence}
		if err := al.Validate(); err != nil {
			return Invalidf(field, "Alert %d: %s", i, ErrorMessage(err))
		}
	}
	return nil
}

// SensorBatchService takes live capture batches into the register.
type SensorBatchService interface {
	// IngestBatch validates b and writes it as a capture, with the checks
	// an ingest triggers, its alerts raised and the capture's health
	// judged. sensor names who sent it (a remote sensor's user; "" for
	// the server's own capture), which names the capture: "sensor:NAME/
	// IFACE HH:MM", or "live:IFACE HH:MM". A batch whose ID was ingested
	// before returns that capture and duplicate true, and changes
	// nothing. EINVALID.
	IngestBatch(ctx context.Context, sensor string, b *SensorBatch) (c *Capture, duplicate bool, err error)
}

// SensorContact is a remote sensor's interface as the server last heard
// from it: a sensor that stops shipping (powered off, its link down, its
// token revoked) leaves its site unmonitored without a sound, so the
// server watches for the silence itself (sensor_silent).
type SensorContact struct {
	Sensor    string    `json:"sensor"` // the user its token acts as
	Interface string    `json:"interface"`
	FirstSeen time.Time `json:"first_seen"` // the server's clock, at its first batch
	LastBatch time.Time `json:"last_batch"` // the server's clock, at its latest batch
	Batches   int64     `json:"batches"`    // batches received, empty ones included
	// LastPackets is the packet count of the latest batch: 0 while the
	// sensor ships but its interface sees nothing (capture_silent).
	LastPackets uint64 `json:"last_packets"`
}

// SilentAt reports whether, at now, the sensor has sent nothing for
// after or longer (DefaultSensorSilentAfter when after is 0): the one
// test the sensor_silent check, the API and the pages share.
func (c SensorContact) SilentAt(now time.Time, after time.Duration) bool {
	if after <= 0 {
		after = DefaultSensorSilentAfter
	}
	return !c.LastBatch.IsZero() && now.Sub(c.LastBatch) >= after
}

// SensorContactService remembers when each remote sensor last shipped.
type SensorContactService interface {
	// TouchSensor records a batch of packets packets from sensor's iface,
	// at the store's clock. EINVALID for an empty name.
	TouchSensor(ctx context.Context, sensor, iface string, packets uint64) error
	// FindSensors returns every sensor interface heard from, by sensor and
	// interface name.
	FindSensors(ctx context.Context) ([]SensorContact, error)
	// ForgetSensor removes a retired sensor's interface, so that its
	// silence is no longer an alarm; audited as "sensor.forget" by the
	// actor in ctx. ENOTFOUND.
	ForgetSensor(ctx context.Context, sensor, iface string) error
}

// DefaultSensorSilentAfter is how long a remote sensor may send nothing
// before it counts as silent: it ships every minute, and its spool rides
// out a short outage without loss.
const DefaultSensorSilentAfter = 15 * time.Minute

// AlertSensorSilent is raised (no device; subject "sensor:NAME/IFACE")
// when a remote sensor that has shipped before sends nothing for longer
// than the server allows.
const AlertSensorSilent = "sensor_silent"

func isHexID(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func isInterfaceName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' || r == '@' || r == ':') {
			return false
		}
	}
	return true
}

// clipped shortens s for an error message.
func clipped(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
