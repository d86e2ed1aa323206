package ui

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/sqlite"
)

// fakeSensorContacts stands in for the store's SensorContactService (the
// real one is SQLite's, wired in cmd/cordon). It lists in the order the
// contacts were added, not sorted, so that the page's order is tested,
// and remembers who forgot what.
type fakeSensorContacts struct {
	mu        sync.Mutex
	contacts  []cordon.SensorContact
	forgotten []string // "actor sensor/iface", in order
}

var _ cordon.SensorContactService = (*fakeSensorContacts)(nil)

func (f *fakeSensorContacts) TouchSensor(ctx context.Context, sensor, iface string, packets uint64) error {
	return cordon.Errorf(cordon.EINTERNAL, "fake: the pages never touch sensors")
}

func (f *fakeSensorContacts) FindSensors(ctx context.Context) ([]cordon.SensorContact, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]cordon.SensorContact(nil), f.contacts...), nil
}

func (f *fakeSensorContacts) ForgetSensor(ctx context.Context, sensor, iface string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, c := range f.contacts {
		if c.Sensor == sensor && c.Interface == iface {
			f.contacts = append(f.contacts[:i], f.contacts[i+1:]...)
			actor := ""
			if u := cordon.UserFromContext(ctx); u != nil {
				actor = u.Name
			}
			f.forgotten = append(f.forgotten, actor+" "+sensor+"/"+iface)
			return nil
		}
	}
	return cordon.Errorf(cordon.ENOTFOUND, "Sensor %s/%s not found.", sensor, iface)
}

func (f *fakeSensorContacts) forgets() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.forgotten...)
}

// testSensors are three remote sensor interfaces at testNow, listed out of
// order: site 2's eth1 ships every minute; its VLAN interface eth0.100
// last shipped exactly 15 minutes ago, which is silent; site 3 ships, but
// its interface saw nothing in its latest batch.
func testSensors() []cordon.SensorContact {
	first := testNow.Add(-72 * time.Hour)
	return []cordon.SensorContact{
		{Sensor: "sensor.site3", Interface: "eth1", FirstSeen: first.Add(time.Hour), LastBatch: testNow.Add(-30 * time.Second), Batches: 4200, LastPackets: 0},
		{Sensor: "sensor.site2", Interface: "eth1", FirstSeen: first, LastBatch: testNow.Add(-50 * time.Second), Batches: 4319, LastPackets: 1200},
		{Sensor: "sensor.site2", Interface: "eth0.100", FirstSeen: first, LastBatch: testNow.Add(-15 * time.Minute), Batches: 4300, LastPackets: 98},
	}
}

// newSensorEnv is newTestEnv whose server tracks the remote sensors of
// svc (nil for none) and captures live on live (nil for nothing), with the
// alert store for the status links.
func newSensorEnv(t *testing.T, opt envOptions, svc cordon.SensorContactService, live func() []cordon.LiveCapture) *testEnv {
	t.Helper()
	e := newTestEnv(t, opt)
	cfg := Config{
		Devices: e.devices, Captures: e.captures, Users: e.users, Audit: sqlite.NewAuditService(e.db),
		Queue: e.queue, CaptureDir: filepath.Join(t.TempDir(), "captures"), MaxUpload: 1 << 20,
		Alerts: sqlite.NewAlertService(e.db), LiveCaptures: live,
		CSRFToken: func(*http.Request) string { return testCSRF },
		Now:       func() time.Time { return testNow },
	}
	if svc != nil {
		cfg.SensorContacts = svc
	}
	h, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	var handler http.Handler = e.csrf.wrap(withTestUser(e.users, mux))
	if opt.csp {
		inner := handler
		handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Security-Policy", testCSP)
			inner.ServeHTTP(w, r)
		})
	}
	e.srv.Close()
	e.srv = httptest.NewServer(handler)
	t.Cleanup(e.srv.Close)
	return e
}

// sensorRowOf returns the table row of one sensor interface.
func sensorRowOf(t *testing.T, body, name string) string {
	t.Helper()
	i := strings.Index(body, `<tr id="sensor-`+name+`">`)
	if i < 0 {
		t.Fatalf("no row for %s", name)
	}
	row := body[i:]
	return row[:strings.Index(row, "</tr>")]
}

func TestCapturesSensors(t *testing.T) {
	t.Run("NotTracked", func(t *testing.T) {
		for name, svc := range map[string]cordon.SensorContactService{
			"Nil":  nil,
			"None": &fakeSensorContacts{},
		} {
			e := newSensorEnv(t, envOptions{}, svc, nil)
			page := e.get("admin1", "/captures")
			if page.status != 200 || strings.Contains(page.body, `id="sensors"`) || strings.Contains(page.body, "Remote sensors") {
				t.Errorf("%s: the page shows a sensors card: %d", name, page.status)
			}
		}
	})

	e := newSensorEnv(t, envOptions{}, &fakeSensorContacts{contacts: testSensors()}, testLive)
	page := e.get("analyst1", "/captures")
	if page.status != 200 {
		t.Fatalf("captures: %d\n%s", page.status, page.body)
	}
	checkNoInline(t, "captures", page.body)
	// After the live capture card, before the upload form and the list.
	live, card := strings.Index(page.body, `id="live-h"`), strings.Index(page.body, `<h2 id="sensors-h">Remote sensors</h2>`)
	upload, list := strings.Index(page.body, `id="up-h"`), strings.Index(page.body, `id="list-h"`)
	if live < 0 || card < live || upload < card || list < upload {
		t.Fatalf("cards out of place: live %d, sensors %d, upload %d, list %d", live, card, upload, list)
	}
	order := []int{
		strings.Index(page.body, `id="sensor-sensor.site2/eth0.100"`),
		strings.Index(page.body, `id="sensor-sensor.site2/eth1"`),
		strings.Index(page.body, `id="sensor-sensor.site3/eth1"`),
	}
	if order[0] < 0 || order[0] > order[1] || order[1] > order[2] {
		t.Errorf("rows not by sensor, then interface: %v", order)
	}

	eth1 := sensorRowOf(t, page.body, "sensor.site2/eth1")
	for _, want := range []string{"sensor.site2 / eth1", "badge-support-supported", "Shipping", "just now", "4,319", "1,200", "3 days ago"} {
		if !strings.Contains(eth1, want) {
			t.Errorf("eth1's row lacks %q:\n%s", want, eth1)
		}
	}
	vlan := sensorRowOf(t, page.body, "sensor.site2/eth0.100")
	for _, want := range []string{"badge-sev-high", `Silent since <time datetime="2026-11-02T08:45:00Z">2026-11-02 08:45 UTC</time>`,
		`href="/alerts?kind=sensor_silent"`, "15 minutes ago", "4,300", "98"} {
		if !strings.Contains(vlan, want) {
			t.Errorf("eth0.100's row lacks %q:\n%s", want, vlan)
		}
	}
	site3 := sensorRowOf(t, page.body, "sensor.site3/eth1")
	for _, want := range []string{"Shipping", "No traffic on the interface", `href="/alerts?kind=capture_silent"`, "4,200", "2 days ago"} {
		if !strings.Contains(site3, want) {
			t.Errorf("site 3's row lacks %q:\n%s", want, site3)
		}
	}
	for _, row := range []string{eth1, vlan} {
		if strings.Contains(row, "No traffic on the interface") {
			t.Errorf("a row with packets reads as no traffic:\n%s", row)
		}
	}
	for _, row := range []string{eth1, site3} {
		if strings.Contains(row, "Silent") || strings.Contains(row, "sensor_silent") {
			t.Errorf("a shipping row reads as silent:\n%s", row)
		}
	}
	if !strings.Contains(page.body, "No batch from sensor.site2/eth0.100.") {
		t.Errorf("no banner for the silent sensor")
	}
	// Only an admin forgets.
	if strings.Contains(page.body, `action="/captures/sensors/forget"`) || strings.Contains(page.body, "can be forgotten") {
		t.Errorf("an analyst sees the forget form")
	}
	if viewer := e.get("viewer1", "/captures").body; strings.Contains(viewer, `action="/captures/sensors/forget"`) || !strings.Contains(viewer, `id="sensors"`) {
		t.Errorf("the viewer's page: forget form or no card")
	}
	admin := e.get("admin1", "/captures").body
	checkNoInline(t, "captures (admin)", admin)
	row := sensorRowOf(t, admin, "sensor.site2/eth0.100")
	for _, want := range []string{`action="/captures/sensors/forget"`, `name="csrf" value="` + testCSRF + `"`,
		`name="sensor" value="sensor.site2"`, `name="interface" value="eth0.100"`, `aria-label="Forget sensor.site2/eth0.100"`} {
		if !strings.Contains(row, want) {
			t.Errorf("the admin's row lacks %q:\n%s", want, row)
		}
	}

	// The status link finds the silent sensor's alert on the alerts page.
	alerts := sqlite.NewAlertService(e.db)
	for _, a := range []*cordon.Alert{
		{Kind: cordon.AlertSensorSilent, Severity: cordon.AlertHigh, Subject: "sensor:sensor.site2/eth0.100", Title: "Remote sensor sensor.site2/eth0.100 has sent nothing for 15 minutes"},
		{Kind: cordon.AlertCaptureSilent, Severity: cordon.AlertHigh, Subject: "interface:sensor.site3/eth1", Title: "Live capture on sensor.site3/eth1 has seen no traffic"},
	} {
		if err := alerts.RaiseAlert(context.Background(), a); err != nil {
			t.Fatal(err)
		}
	}
	found := e.get("viewer1", "/alerts?kind=sensor_silent")
	if found.status != 200 || !strings.Contains(found.body, "has sent nothing for 15 minutes") || strings.Contains(found.body, "has seen no traffic") {
		t.Errorf("the alerts the card links to: %d\n%s", found.status, found.body)
	}
}

func TestCapturesSensorsAllowed(t *testing.T) {
	f := &fakeSensorContacts{contacts: testSensors()}
	e := newTestEnv(t)
	// An hour allowed: nothing is silent yet.
	h, err := New(Config{Devices: e.devices, Captures: e.captures, Users: e.users, Audit: sqlite.NewAuditService(e.db),
		Queue: e.queue, CaptureDir: t.TempDir(), SensorContacts: f, SensorSilentAfter: time.Hour,
		CSRFToken: func(*http.Request) string { return testCSRF }, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	rows, silent, err := h.sensorRows(context.Background())
	if err != nil || len(rows) != 3 || len(silent) != 0 {
		t.Errorf("rows %+v, silent %v, err %v", rows, silent, err)
	}
	h.cfg.SensorSilentAfter = 0 // the default, 15 minutes
	if _, silent, _ := h.sensorRows(context.Background()); strings.Join(silent, ",") != "sensor.site2/eth0.100" {
		t.Errorf("silent %v at the default", silent)
	}
}

func TestCapturesSensorsEscape(t *testing.T) {
	f := &fakeSensorContacts{contacts: []cordon.SensorContact{{Sensor: hostile, Interface: `eth0"><b>`, FirstSeen: testNow, LastBatch: testNow.Add(-time.Hour)}}}
	e := newSensorEnv(t, envOptions{}, f, nil)
	page := e.get("admin1", "/captures").body
	if strings.Contains(page, hostile) || strings.Contains(page, `"><b>`) || !strings.Contains(page, "&lt;script&gt;") {
		t.Errorf("the sensor's names are not escaped")
	}
	checkNoInline(t, "captures", page)
}

func TestSensorForget(t *testing.T) {
	f := &fakeSensorContacts{contacts: testSensors()}
	e := newSensorEnv(t, envOptions{}, f, nil)
	form := func(sensor, iface string) url.Values { return url.Values{"sensor": {sensor}, "interface": {iface}} }

	for _, user := range []string{"viewer1", "analyst1"} {
		if r := e.post(user, "/captures/sensors/forget", form("sensor.site2", "eth0.100")); r.status != http.StatusForbidden || !strings.Contains(r.body, `class="error-page`) {
			t.Errorf("%s forgets: %d", user, r.status)
		}
	}
	if r := e.post("", "/captures/sensors/forget", form("sensor.site2", "eth0.100")); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Errorf("anonymous forgets: %d %s", r.status, r.header.Get("Location"))
	}
	if got := f.forgets(); len(got) != 0 {
		t.Fatalf("forgotten without an admin: %v", got)
	}

	r := e.post("admin1", "/captures/sensors/forget", form("sensor.site2", "eth0.100"))
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/captures?done=sensor-forgotten" {
		t.Fatalf("forget: %d %q\n%s", r.status, r.header.Get("Location"), r.body)
	}
	if got := f.forgets(); len(got) != 1 || got[0] != "admin1 sensor.site2/eth0.100" {
		t.Errorf("forgotten: %v", got)
	}
	page := e.get("admin1", "/captures?done=sensor-forgotten").body
	if !strings.Contains(page, `role="status"`) || !strings.Contains(page, "its silence no longer raises an alert") {
		t.Errorf("no notice after the forget")
	}
	if strings.Contains(page, `id="sensor-sensor.site2/eth0.100"`) || strings.Contains(page, `id="sensors-silent"`) {
		t.Errorf("the forgotten interface is still listed")
	}
	// A second click: the interface is gone already, which is what was asked.
	r = e.post("admin1", "/captures/sensors/forget", form("sensor.site2", "eth0.100"))
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/captures?done=sensor-gone" {
		t.Errorf("forget again: %d %q", r.status, r.header.Get("Location"))
	}
	if !strings.Contains(e.get("admin1", "/captures?done=sensor-gone").body, "forgotten already") {
		t.Errorf("no notice after the second forget")
	}
	// An unknown notice shows nothing.
	if strings.Contains(e.get("admin1", "/captures?done=whatever").body, `banner-ok`) {
		t.Errorf("a notice for an unknown done")
	}

	for name, v := range map[string]url.Values{
		"NoSensor":    form("", "eth1"),
		"NoInterface": form("sensor.site2", ""),
		"Long":        form(strings.Repeat("s", 65), "eth1"),
	} {
		if r := e.post("admin1", "/captures/sensors/forget", v); r.status != http.StatusBadRequest || !strings.Contains(r.body, "Name the sensor and its interface") {
			t.Errorf("%s: %d", name, r.status)
		}
	}
	if got := f.forgets(); len(got) != 1 {
		t.Errorf("forgotten: %v", got)
	}

	// A server that tracks no sensors has nothing to forget.
	none := newSensorEnv(t, envOptions{}, nil, nil)
	if r := none.post("admin1", "/captures/sensors/forget", form("sensor.site2", "eth1")); r.status != http.StatusNotFound || !strings.Contains(r.body, "not tracked") {
		t.Errorf("without the store: %d", r.status)
	}
}

// TestCapturesNoticeNotPaged checks that the pager's links do not carry a
// forget's notice on to the next page.
func TestCapturesNoticeNotPaged(t *testing.T) {
	e := newSensorEnv(t, envOptions{}, &fakeSensorContacts{contacts: testSensors()}, nil)
	for i := range capturesPerPage {
		sum := sha256.Sum256([]byte(fmt.Sprint("capture ", i)))
		if err := e.captures.CreateCapture(context.Background(), &cordon.Capture{Name: fmt.Sprintf("ward-%d.pcap", i), SHA256: hex.EncodeToString(sum[:]), Size: 1}); err != nil {
			t.Fatal(err)
		}
	}
	page := e.get("admin1", "/captures?done=sensor-forgotten").body
	if !strings.Contains(page, "its silence no longer raises an alert") {
		t.Fatalf("no notice")
	}
	if !strings.Contains(page, `href="/captures?page=2"`) || strings.Contains(page, "done=sensor-forgotten&amp;page") || strings.Contains(page, "page=2&amp;done") {
		t.Errorf("the pager's next link is not /captures?page=2")
	}
}
