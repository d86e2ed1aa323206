package http

import (
	"bytes"
	"fmt"
	"net/http"
	"sort"
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
	w.Header().Set("Content-Type", metricsContentType)
	w.Write(writeMetrics(m))
}

// writeMetrics renders m in the text exposition format, every family with
// its HELP and TYPE lines and series in a stable order.
func writeMetrics(m *cordon.DeliveryMetrics) []byte {
	var b bytes.Buffer
	family := func(name, typ, help string) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
	}
	sample := func(name string, value int64, labels ...string) {
		b.WriteString(name)
		for i := 0; i < len(labels); i += 2 {
			if i == 0 {
				b.WriteByte('{')
			} else {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `%s="%s"`, labels[i], labelEscaper.Replace(labels[i+1]))
			if i+2 == len(labels) {
				b.WriteByte('}')
			}
		}
		fmt.Fprintf(&b, " %d\n", value)
	}
	family("cordon_alerts", "gauge", "Alerts stored, by kind, severity and status (suppressed alerts included).")
	for _, t := range m.Alerts {
		sample("cordon_alerts", int64(t.Count), "kind", t.Kind, "severity", t.Severity, "status", t.Status)
	}
	family("cordon_outbox_entries", "gauge", "Outbox entries by status: pending is the delivery backlog, failed were given up on.")
	for _, st := range []string{cordon.OutboxPending, cordon.OutboxDelivered, cordon.OutboxFailed} {
		sample("cordon_outbox_entries", int64(m.Outbox[st]), "status", st)
	}
	family("cordon_outbox_depth", "gauge", "Alert deliveries waiting in the outbox.")
	sample("cordon_outbox_depth", int64(m.Outbox[cordon.OutboxPending]))
	family("cordon_deliveries_total", "counter", "Delivery attempts by destination and result.")
	ds := append([]cordon.DeliveryCount(nil), m.Deliveries...)
	sort.Slice(ds, func(i, j int) bool { return ds[i].Destination < ds[j].Destination })
	for _, d := range ds {
		sample("cordon_deliveries_total", d.OK, "destination", d.Destination, "result", "ok")
		sample("cordon_deliveries_total", d.Failed, "destination", d.Destination, "result", "failed")
	}
	family("cordon_devices", "gauge", "Devices in the register.")
	sample("cordon_devices", int64(m.Devices))
	family("cordon_captures", "gauge", "Captures stored.")
	sample("cordon_captures", int64(m.Captures))
	return b.Bytes()
}
