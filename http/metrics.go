package http

import (
	"bytes"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/cordonsec/cordon"
)

// registerMetricsRoutes serves Prometheus metrics. The scraper
// authenticates like any API client, with a bearer token; the viewer role
// is enough, so a trust gives Prometheus a viewer's token that reads but
// cannot change anything, and no second kind of secret needs managing.
func (s *Server) registerMetricsRoutes() {
	s.handle("GET /metrics", cordon.RoleViewer, s.handleMetrics)
}

// metricsContentType is the Prometheus text exposition format, version
// 0.0.4.
const metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

// labelEscaper escapes a label value: backslash, double quote and line
// feed, as the exposition format requires.
var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	outbox, err := configured(s.OutboxService, "outbox")
	if err != nil {
		Error(w, r, err)
		return
	}
	m, err := outbox.DeliveryMetrics(r.Context())
	if err != nil {
		Error(w, r, err)
		return
	}
	out := writeMetrics(m)
	if s.LiveCaptures != nil {
		// Without live capture the families are left out altogether, so
		// that a server fed by uploads does not look like a blind sensor.
		out = append(out, writeLiveMetrics(s.liveCaptures())...)
	}
	if s.SensorContactService != nil {
		// Likewise left out on a server that takes no remote batches. A
		// store that fails fails the scrape, so that Prometheus's up
		// shows it, rather than the sensors vanishing from the graphs.
		sensors, err := s.sensorStatuses(r)
		if err != nil {
			Error(w, r, err)
			return
		}
		out = append(out, writeSensorMetrics(sensors)...)
	}
	w.Header().Set("Content-Type", metricsContentType)
	w.Write(out)
}

// metricsWriter writes the text exposition format.
type metricsWriter struct{ b bytes.Buffer }

// family announces a family with its HELP and TYPE lines.
func (w *metricsWriter) family(name, typ, help string) {
	fmt.Fprintf(&w.b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
}

// sample writes one series: labels are name, value pairs.
func (w *metricsWriter) sample(name string, value int64, labels ...string) {
	w.line(name, strconv.FormatInt(value, 10), labels)
}

func (w *metricsWriter) sampleUint(name string, value uint64, labels ...string) {
	w.line(name, strconv.FormatUint(value, 10), labels)
}

func (w *metricsWriter) sampleFloat(name string, value float64, labels ...string) {
	w.line(name, strconv.FormatFloat(value, 'f', -1, 64), labels)
}

func (w *metricsWriter) line(name, value string, labels []string) {
	w.b.WriteString(name)
	for i := 0; i < len(labels); i += 2 {
		if i == 0 {
			w.b.WriteByte('{')
		} else {
			w.b.WriteByte(',')
		}
		fmt.Fprintf(&w.b, `%s="%s"`, labels[i], labelEscaper.Replace(labels[i+1]))
		if i+2 == len(labels) {
			w.b.WriteByte('}')
		}
	}
	w.b.WriteByte(' ')
	w.b.WriteString(value)
	w.b.WriteByte('\n')
}

// writeMetrics renders m in the text exposition format, every family with
// its HELP and TYPE lines and series in a stable order.
func writeMetrics(m *cordon.DeliveryMetrics) []byte {
	var w metricsWriter
	w.family("cordon_alerts", "gauge", "Alerts stored, by kind, severity and status (suppressed alerts included).")
	for _, t := range m.Alerts {
		w.sample("cordon_alerts", int64(t.Count), "kind", t.Kind, "severity", t.Severity, "status", t.Status)
	}
	w.family("cordon_outbox_entries", "gauge", "Outbox entries by status: pending is the delivery backlog, failed were given up on.")
	for _, st := range []string{cordon.OutboxPending, cordon.OutboxDelivered, cordon.OutboxFailed} {
		w.sample("cordon_outbox_entries", int64(m.Outbox[st]), "status", st)
	}
	w.family("cordon_outbox_depth", "gauge", "Alert deliveries waiting in the outbox.")
	w.sample("cordon_outbox_depth", int64(m.Outbox[cordon.OutboxPending]))
	w.family("cordon_deliveries_total", "counter", "Delivery attempts by destination and result.")
	ds := append([]cordon.DeliveryCount(nil), m.Deliveries...)
	sort.Slice(ds, func(i, j int) bool { return ds[i].Destination < ds[j].Destination })
	for _, d := range ds {
		w.sample("cordon_deliveries_total", d.OK, "destination", d.Destination, "result", "ok")
		w.sample("cordon_deliveries_total", d.Failed, "destination", d.Destination, "result", "failed")
	}
	w.family("cordon_devices", "gauge", "Devices in the register.")
	w.sample("cordon_devices", int64(m.Devices))
	w.family("cordon_captures", "gauge", "Captures stored.")
	w.sample("cordon_captures", int64(m.Captures))
	return w.b.Bytes()
}

// writeLiveMetrics renders the live capture interfaces' health, one series
// per interface in the order given (sorted by liveCaptures). Counters count
// since the capture started; a restart resets them, which Prometheus's
// rate() takes in its stride.
func writeLiveMetrics(live []cordon.LiveCapture) []byte {
	var w metricsWriter
	counter := func(name, help string, value func(cordon.LiveCapture) uint64) {
		w.family(name, "counter", help)
		for _, c := range live {
			w.sampleUint(name, value(c), "interface", c.Interface)
		}
	}
	counter("cordon_capture_packets_total", "Packets read by a live capture interface since it started.",
		func(c cordon.LiveCapture) uint64 { return c.Packets })
	counter("cordon_capture_bytes_total", "Bytes read by a live capture interface since it started.",
		func(c cordon.LiveCapture) uint64 { return c.Bytes })
	counter("cordon_capture_drops_total", "Packets the kernel dropped on a live capture interface because its capture ring was full.",
		func(c cordon.LiveCapture) uint64 { return c.Drops })
	w.family("cordon_capture_batches_total", "counter", "Flushes of a live capture by result: written to the register, merged into the next because the writer was busy, or failed.")
	for _, c := range live {
		w.sample("cordon_capture_batches_total", int64(c.Batches), "interface", c.Interface, "result", "written")
		w.sample("cordon_capture_batches_total", int64(c.Merged), "interface", c.Interface, "result", "merged")
		w.sample("cordon_capture_batches_total", int64(c.Failed), "interface", c.Interface, "result", "failed")
	}
	w.family("cordon_capture_last_packet_timestamp_seconds", "gauge", "Capture time of the latest packet on a live capture interface, in Unix seconds; absent before the first.")
	for _, c := range live {
		if !c.LastPacket.IsZero() {
			w.sampleFloat("cordon_capture_last_packet_timestamp_seconds", float64(c.LastPacket.UnixMilli())/1000, "interface", c.Interface)
		}
	}
	w.family("cordon_capture_silent", "gauge", "1 while a live capture interface has seen no packet for longer than allowed (a capture_silent alert is open), else 0.")
	for _, c := range live {
		silent := int64(0)
		if c.Silent {
			silent = 1
		}
		w.sample("cordon_capture_silent", silent, "interface", c.Interface)
	}
	return w.b.Bytes()
}

// writeSensorMetrics renders the remote sensor interfaces' last contact,
// one series per sensor and interface in the order given (sorted by
// sensorStatuses). The batch counter is the store's, so it survives a
// restart of the server.
func writeSensorMetrics(sensors []SensorStatus) []byte {
	var w metricsWriter
	w.family("cordon_sensor_last_batch_timestamp_seconds", "gauge", "When the server took the latest batch of a remote sensor interface, by the server's clock, in Unix seconds.")
	for _, c := range sensors {
		if !c.LastBatch.IsZero() {
			w.sampleFloat("cordon_sensor_last_batch_timestamp_seconds", float64(c.LastBatch.UnixMilli())/1000, "sensor", c.Sensor, "interface", c.Interface)
		}
	}
	w.family("cordon_sensor_batches_total", "counter", "Batches taken from a remote sensor interface, empty ones included, since it first shipped.")
	for _, c := range sensors {
		w.sample("cordon_sensor_batches_total", c.Batches, "sensor", c.Sensor, "interface", c.Interface)
	}
	w.family("cordon_sensor_silent", "gauge", "1 while a remote sensor interface has sent no batch for longer than the server allows (sensor_silent), else 0.")
	for _, c := range sensors {
		silent := int64(0)
		if c.Silent {
			silent = 1
		}
		w.sample("cordon_sensor_silent", silent, "sensor", c.Sensor, "interface", c.Interface)
	}
	return w.b.Bytes()
}
