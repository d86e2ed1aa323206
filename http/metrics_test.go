package http

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/sqlite"
)

// metricsAccess returns the access table's row for /metrics: any role's
// bearer token may scrape.
func metricsAccess(t *testing.T, e *env) []accessCase {
	e.s.OutboxService = sqlite.NewOutboxService(e.db)
	return []accessCase{
		{"GET /metrics", get("/metrics"), [4]int{401, 200, 200, 200}},
	}
}

func TestMetrics(t *testing.T) {
	e := MustOpenEnv(t, nil)
	out := sqlite.NewOutboxService(e.db)
	e.s.OutboxService = out
	must(t, out.SetDestinations(context.Background(), []string{"siem"}))
	e.raiseAlert("smbv1", cordon.AlertHigh, e.device, "a")
	e.raiseAlert("smbv1", cordon.AlertHigh, e.device, "b")
	e.raiseAlert(`odd"kind\`, cordon.AlertLow, 0, "c")
	due, err := out.DueOutbox(context.Background(), 10)
	must(t, err)
	must(t, out.MarkDelivered(context.Background(), due[0].ID))

	resp := e.do(e.bearer(cordon.RoleViewer), req{method: "GET", path: "/metrics"})
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != metricsContentType {
		t.Fatalf("status %d, type %q: %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	text := string(body)
	for _, want := range []string{
		"# TYPE cordon_alerts gauge\n",
		`cordon_alerts{kind="smbv1",severity="high",status="new"} 2` + "\n",
		`cordon_alerts{kind="odd\"kind\\",severity="low",status="new"} 1` + "\n",
		`cordon_outbox_entries{status="pending"} 2` + "\n",
		`cordon_outbox_entries{status="delivered"} 1` + "\n",
		"cordon_outbox_depth 2\n",
		"# TYPE cordon_deliveries_total counter\n",
		`cordon_deliveries_total{destination="siem",result="ok"} 1` + "\n",
		`cordon_deliveries_total{destination="siem",result="failed"} 0` + "\n",
		"cordon_devices 1\n",
		"cordon_captures 1\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "cordon_capture_") {
		t.Errorf("metrics of live capture on a server that captures nothing live:\n%s", text)
	}
	if strings.Contains(text, "cordon_sensor_") {
		t.Errorf("metrics of remote sensors on a server that takes none:\n%s", text)
	}
	checkExposition(t, text)
}

// checkExposition checks that every sample line is "name{labels} value" or
// "name value", each family announced first with HELP and TYPE.
func checkExposition(t *testing.T, text string) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if strings.HasPrefix(line, "# ") {
			continue
		}
		name := line[:strings.IndexAny(line, "{ ")]
		if !strings.Contains(text, "# TYPE "+name+" ") || !strings.Contains(text, "# HELP "+name+" ") {
			t.Errorf("sample %q has no HELP or TYPE line", line)
		}
		if i := strings.Index(text, line); i < strings.Index(text, "# TYPE "+name+" ") {
			t.Errorf("sample %q comes before its TYPE line", line)
		}
	}
}

func TestMetricsLiveCapture(t *testing.T) {
	odd := cordon.LiveCapture{Interface: `we"ird\`, Started: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}
	e := MustOpenEnv(t, func(s *Server) {
		s.LiveCaptures = func() []cordon.LiveCapture { return append(testLiveCaptures(), odd) }
	})
	e.s.OutboxService = sqlite.NewOutboxService(e.db)

	resp := e.do(e.bearer(cordon.RoleViewer), req{method: "GET", path: "/metrics"})
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	text := string(body)
	// Families in a fixed order, interfaces sorted within each.
	want := `# HELP cordon_capture_packets_total Packets read by a live capture interface since it started.
# TYPE cordon_capture_packets_total counter
cordon_capture_packets_total{interface="eth2"} 5000000000
cordon_capture_packets_total{interface="span0"} 1200
cordon_capture_packets_total{interface="we\"ird\\"} 0
`
	if !strings.Contains(text, want) {
		t.Errorf("metrics lack\n%s\nin\n%s", want, text)
	}
	for _, want := range []string{
		"# TYPE cordon_capture_bytes_total counter\n",
		`cordon_capture_bytes_total{interface="eth2"} 3100000000000` + "\n",
		"# TYPE cordon_capture_drops_total counter\n",
		`cordon_capture_drops_total{interface="eth2"} 4096` + "\n",
		`cordon_capture_drops_total{interface="span0"} 0` + "\n",
		"# TYPE cordon_capture_batches_total counter\n",
		`cordon_capture_batches_total{interface="eth2",result="written"} 118` + "\n" +
			`cordon_capture_batches_total{interface="eth2",result="merged"} 2` + "\n" +
			`cordon_capture_batches_total{interface="eth2",result="failed"} 1` + "\n",
		`cordon_capture_batches_total{interface="span0",result="written"} 120` + "\n",
		"# TYPE cordon_capture_last_packet_timestamp_seconds gauge\n",
		`cordon_capture_last_packet_timestamp_seconds{interface="eth2"} 1772441999.25` + "\n",
		`cordon_capture_last_packet_timestamp_seconds{interface="span0"} 1772435550` + "\n",
		"# TYPE cordon_capture_silent gauge\n",
		`cordon_capture_silent{interface="eth2"} 0` + "\n",
		`cordon_capture_silent{interface="span0"} 1` + "\n",
		`cordon_capture_silent{interface="we\"ird\\"} 0` + "\n",
		"cordon_captures 1\n", // the stored captures are still there
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	// No packet yet: no timestamp rather than 1970.
	if strings.Contains(text, `cordon_capture_last_packet_timestamp_seconds{interface="we`) {
		t.Errorf("a timestamp for an interface that saw no packet:\n%s", text)
	}
	checkExposition(t, text)
}

func TestMetricsSensors(t *testing.T) {
	f := &fakeSensorContacts{}
	e := MustOpenEnv(t, withSensorContacts(f))
	e.s.OutboxService = sqlite.NewOutboxService(e.db)
	for _, c := range testSensorContacts(e.clock.Now()) {
		f.add(c)
	}
	f.add(cordon.SensorContact{Sensor: "sensor.site5", Interface: `we"ird\`, FirstSeen: e.clock.Now(), LastBatch: e.clock.Now(), Batches: 1})

	scrape := func() string {
		t.Helper()
		resp := e.do(e.bearer(cordon.RoleViewer), req{method: "GET", path: "/metrics"})
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("status %d: %s", resp.StatusCode, body)
		}
		return string(body)
	}
	text := scrape()
	// Families in a fixed order, sensors then interfaces sorted within each.
	want := `# HELP cordon_sensor_last_batch_timestamp_seconds When the server took the latest batch of a remote sensor interface, by the server's clock, in Unix seconds.
# TYPE cordon_sensor_last_batch_timestamp_seconds gauge
cordon_sensor_last_batch_timestamp_seconds{sensor="sensor.site2",interface="eth0.100"} 1772441100
cordon_sensor_last_batch_timestamp_seconds{sensor="sensor.site2",interface="eth1"} 1772441940.25
cordon_sensor_last_batch_timestamp_seconds{sensor="sensor.site3",interface="eth1"} 1772441101
cordon_sensor_last_batch_timestamp_seconds{sensor="sensor.site5",interface="we\"ird\\"} 1772442000
# HELP cordon_sensor_batches_total Batches taken from a remote sensor interface, empty ones included, since it first shipped.
# TYPE cordon_sensor_batches_total counter
cordon_sensor_batches_total{sensor="sensor.site2",interface="eth0.100"} 4300
cordon_sensor_batches_total{sensor="sensor.site2",interface="eth1"} 4319
cordon_sensor_batches_total{sensor="sensor.site3",interface="eth1"} 4200
cordon_sensor_batches_total{sensor="sensor.site5",interface="we\"ird\\"} 1
# HELP cordon_sensor_silent 1 while a remote sensor interface has sent no batch for longer than the server allows (sensor_silent), else 0.
# TYPE cordon_sensor_silent gauge
cordon_sensor_silent{sensor="sensor.site2",interface="eth0.100"} 1
cordon_sensor_silent{sensor="sensor.site2",interface="eth1"} 0
cordon_sensor_silent{sensor="sensor.site3",interface="eth1"} 0
cordon_sensor_silent{sensor="sensor.site5",interface="we\"ird\\"} 0
`
	if !strings.Contains(text, want) {
		t.Errorf("metrics lack\n%s\nin\n%s", want, text)
	}
	if !strings.Contains(text, "cordon_captures 1\n") || strings.Contains(text, "cordon_capture_") {
		t.Errorf("the other families changed:\n%s", text)
	}
	checkExposition(t, text)

	// Two minutes on, site 3 has gone silent too.
	e.clock.Add(2 * time.Minute)
	if text := scrape(); !strings.Contains(text, `cordon_sensor_silent{sensor="sensor.site3",interface="eth1"} 1`+"\n") {
		t.Errorf("site 3 not silent after 15 minutes:\n%s", text)
	}

	// A store that fails fails the scrape, rather than dropping the series.
	f.mu.Lock()
	f.err = cordon.Errorf(cordon.EINTERNAL, "disk on fire")
	f.mu.Unlock()
	wantError(t, e.do(e.bearer(cordon.RoleViewer), req{method: "GET", path: "/metrics"}), 500, cordon.EINTERNAL, "Internal error.")
}
