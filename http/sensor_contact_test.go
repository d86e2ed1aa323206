package http

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// fakeSensorContacts stands in for the store's SensorContactService (the
// real one is SQLite's, wired in cmd/cordon). It lists in the order the
// contacts were added, not sorted, so that the handlers' own order is
// tested, and remembers who forgot what.
type fakeSensorContacts struct {
	mu        sync.Mutex
	contacts  []cordon.SensorContact
	forgotten []string // "actor sensor/iface", in order
	err       error    // FindSensors fails with it when set
}

var _ cordon.SensorContactService = (*fakeSensorContacts)(nil)

func (f *fakeSensorContacts) TouchSensor(ctx context.Context, sensor, iface string, packets uint64) error {
	return cordon.Errorf(cordon.EINTERNAL, "fake: the HTTP layer never touches sensors")
}

func (f *fakeSensorContacts) FindSensors(ctx context.Context) ([]cordon.SensorContact, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
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

func (f *fakeSensorContacts) add(c cordon.SensorContact) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.contacts = append(f.contacts, c)
}

func (f *fakeSensorContacts) forgets() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.forgotten...)
}

// testSensorContacts are three remote sensor interfaces as the server
// knows them at now (the test clock), listed out of order: site 2's eth1
// ships every minute; its VLAN interface eth0.100 last shipped exactly 15
// minutes ago, which is silent; site 3 shipped a second short of that,
// and its interface saw nothing in its latest batch.
func testSensorContacts(now time.Time) []cordon.SensorContact {
	first := now.Add(-72 * time.Hour)
	return []cordon.SensorContact{
		{Sensor: "sensor.site3", Interface: "eth1", FirstSeen: first.Add(time.Hour), LastBatch: now.Add(-15*time.Minute + time.Second), Batches: 4200, LastPackets: 0},
		{Sensor: "sensor.site2", Interface: "eth1", FirstSeen: first, LastBatch: now.Add(-time.Minute + 250*time.Millisecond), Batches: 4319, LastPackets: 1200},
		{Sensor: "sensor.site2", Interface: "eth0.100", FirstSeen: first, LastBatch: now.Add(-15 * time.Minute), Batches: 4300, LastPackets: 98},
	}
}

// withSensorContacts gives the server a fake store holding contacts.
func withSensorContacts(f *fakeSensorContacts) func(*Server) {
	return func(s *Server) { s.SensorContactService = f }
}

// sensorContactAccess returns the access table's rows: any role lists the
// sensors, only an admin forgets one.
func sensorContactAccess(t *testing.T, e *env) []accessCase {
	f := &fakeSensorContacts{}
	for _, c := range testSensorContacts(e.clock.Now()) {
		f.add(c)
	}
	e.s.SensorContactService = f
	return []accessCase{
		{"GET /api/v1/sensors", get("/api/v1/sensors"), [4]int{401, 200, 200, 200}},
		{"DELETE /api/v1/sensors/{sensor}/{interface}", func(string) req {
			return req{method: "DELETE", path: "/api/v1/sensors/sensor.site2/eth0.100"}
		}, [4]int{401, 403, 403, 204}},
	}
}

func TestSensorIndex(t *testing.T) {
	t.Run("NotConfigured", func(t *testing.T) {
		e := MustOpenEnv(t, nil)
		resp := e.do(e.bearer(cordon.RoleViewer), req{method: "GET", path: "/api/v1/sensors"})
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || strings.TrimSpace(string(body)) != `{"sensors":[]}` {
			t.Errorf("without the store: %d %s", resp.StatusCode, body)
		}
	})
	t.Run("NoneYet", func(t *testing.T) {
		e := MustOpenEnv(t, withSensorContacts(&fakeSensorContacts{}))
		resp := e.do(e.bearer(cordon.RoleViewer), req{method: "GET", path: "/api/v1/sensors"})
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || strings.TrimSpace(string(body)) != `{"sensors":[]}` {
			t.Errorf("with none: %d %s", resp.StatusCode, body)
		}
	})
	t.Run("ThreeInterfaces", func(t *testing.T) {
		f := &fakeSensorContacts{}
		e := MustOpenEnv(t, withSensorContacts(f))
		for _, c := range testSensorContacts(e.clock.Now()) {
			f.add(c)
		}
		var got struct{ Sensors []map[string]any }
		resp := e.do(e.bearer(cordon.RoleViewer), req{method: "GET", path: "/api/v1/sensors"})
		decode(t, resp, &got)
		if resp.StatusCode != 200 || len(got.Sensors) != 3 {
			t.Fatalf("sensors: %d %+v", resp.StatusCode, got)
		}
		var order []string
		for _, s := range got.Sensors {
			order = append(order, s["sensor"].(string)+"/"+s["interface"].(string))
		}
		if strings.Join(order, " ") != "sensor.site2/eth0.100 sensor.site2/eth1 sensor.site3/eth1" {
			t.Errorf("order %v: want by sensor, then interface", order)
		}
		vlan, eth1, site3 := got.Sensors[0], got.Sensors[1], got.Sensors[2]
		for k, want := range map[string]any{
			"first_seen": "2026-02-27T09:00:00Z", "last_batch": "2026-03-02T08:59:00.25Z",
			"batches": 4319.0, "last_packets": 1200.0, "silent": false,
		} {
			if eth1[k] != want {
				t.Errorf("eth1 %s = %v (%T), want %v", k, eth1[k], eth1[k], want)
			}
		}
		// Fifteen minutes to the second is silent, as the alert's check
		// counts it; a second less is not.
		if vlan["silent"] != true || site3["silent"] != false || site3["last_packets"] != 0.0 {
			t.Errorf("eth0.100: %v\nsite 3: %v", vlan, site3)
		}

		// The server allows an hour: nothing is silent yet.
		e.s.SensorSilentAfter = time.Hour
		decode(t, e.do(e.bearer(cordon.RoleViewer), req{method: "GET", path: "/api/v1/sensors"}), &got)
		for _, s := range got.Sensors {
			if s["silent"] != false {
				t.Errorf("silent within the hour allowed: %v", s)
			}
		}
		// Time passes: now every interface is.
		e.clock.Add(2 * time.Hour)
		decode(t, e.do(e.bearer(cordon.RoleViewer), req{method: "GET", path: "/api/v1/sensors"}), &got)
		for _, s := range got.Sensors {
			if s["silent"] != true {
				t.Errorf("not silent after an hour and more: %v", s)
			}
		}
	})
	t.Run("Errors", func(t *testing.T) {
		f := &fakeSensorContacts{err: cordon.Errorf(cordon.EINTERNAL, "disk on fire")}
		e := MustOpenEnv(t, withSensorContacts(f))
		wantError(t, e.do(e.bearer(cordon.RoleViewer), req{method: "GET", path: "/api/v1/sensors"}), 500, cordon.EINTERNAL, "Internal error.")
		if !strings.Contains(e.logText(), "disk on fire") {
			t.Errorf("the store's failure is not logged:\n%s", e.logText())
		}
		wantError(t, e.do(e.bearer(cordon.RoleViewer), req{method: "GET", path: "/api/v1/sensors?sensor=x"}), 400, cordon.EINVALID, "Unknown query parameter")
	})
}

func TestSensorForget(t *testing.T) {
	f := &fakeSensorContacts{}
	e := MustOpenEnv(t, withSensorContacts(f))
	for _, c := range testSensorContacts(e.clock.Now()) {
		f.add(c)
	}
	f.add(cordon.SensorContact{Sensor: "sensor@site4", Interface: "eth0:1", LastBatch: e.clock.Now()})
	admin := e.bearer(cordon.RoleAdmin)

	tests := []struct {
		name   string
		who    as
		path   string
		status int
		code   string
		field  string
	}{
		{"ErrViewer", e.bearer(cordon.RoleViewer), "/api/v1/sensors/sensor.site2/eth1", 403, cordon.EFORBIDDEN, ""},
		{"ErrAnalyst", e.bearer(cordon.RoleAnalyst), "/api/v1/sensors/sensor.site2/eth1", 403, cordon.EFORBIDDEN, ""},
		{"ErrAnonymous", anonymous, "/api/v1/sensors/sensor.site2/eth1", 401, cordon.EUNAUTHORIZED, ""},
		// A sensor's own token may not forget sensors, even an admin's.
		{"ErrSensorToken", as{token: e.scopedToken(cordon.RoleAdmin, cordon.TokenScopeSensor)}, "/api/v1/sensors/sensor.site2/eth1", 403, cordon.EFORBIDDEN, ""},
		// Names with a dot, whole and escaped, and the VLAN interface.
		{"OK", admin, "/api/v1/sensors/sensor.site2/eth0.100", 204, "", ""},
		{"OKEscaped", admin, "/api/v1/sensors/sensor%2Esite3/eth1", 204, "", ""},
		{"OKColonAt", admin, "/api/v1/sensors/sensor%40site4/eth0%3A1", 204, "", ""},
		{"ErrForgotten", admin, "/api/v1/sensors/sensor.site2/eth0.100", 404, cordon.ENOTFOUND, ""},
		{"ErrUnknown", admin, "/api/v1/sensors/sensor.site9/eth1", 404, cordon.ENOTFOUND, ""},
		// An escaped slash stays inside its segment and names no sensor.
		{"ErrSlash", admin, "/api/v1/sensors/sensor.site2%2Feth1/eth1", 404, cordon.ENOTFOUND, ""},
		{"ErrLong", admin, "/api/v1/sensors/" + strings.Repeat("s", 65) + "/eth1", 400, cordon.EINVALID, "sensor"},
		{"ErrLongInterface", admin, "/api/v1/sensors/sensor.site2/" + strings.Repeat("e", 65), 400, cordon.EINVALID, "interface"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := e.do(tt.who, req{method: "DELETE", path: tt.path})
			if tt.status == 204 {
				if body, _ := io.ReadAll(resp.Body); resp.StatusCode != 204 || len(body) != 0 {
					t.Errorf("got %d %s, want 204 and no body", resp.StatusCode, body)
				}
				return
			}
			var er ErrorResponse
			decode(t, resp, &er)
			if resp.StatusCode != tt.status || er.Error.Code != tt.code || er.Error.Field != tt.field {
				t.Errorf("got %d %+v; want %d %s field %q", resp.StatusCode, er.Error, tt.status, tt.code, tt.field)
			}
		})
	}
	want := "admin1 sensor.site2/eth0.100,admin1 sensor.site3/eth1,admin1 sensor@site4/eth0:1"
	if got := strings.Join(f.forgets(), ","); got != want {
		t.Errorf("forgotten: %s\nwant %s", got, want)
	}
	var list SensorList
	decode(t, e.do(admin, req{method: "GET", path: "/api/v1/sensors"}), &list)
	if len(list.Sensors) != 1 || list.Sensors[0].Sensor != "sensor.site2" || list.Sensors[0].Interface != "eth1" {
		t.Errorf("left: %+v", list.Sensors)
	}
}

// TestSensorForgetNotConfigured checks that forgetting on a server without
// the store is the usual internal error, logged with why.
func TestSensorForgetNotConfigured(t *testing.T) {
	e := MustOpenEnv(t, nil)
	resp := e.do(e.bearer(cordon.RoleAdmin), req{method: "DELETE", path: "/api/v1/sensors/sensor.site2/eth1"})
	wantError(t, resp, 500, cordon.EINTERNAL, "Internal error.")
	if !strings.Contains(e.logText(), "sensor contact service not configured") {
		t.Errorf("log does not say why:\n%s", e.logText())
	}
}

// TestSensorRoutesClosedToSensorTokens checks that a sensor's token, which
// ships batches, cannot list the other sensors either.
func TestSensorRoutesClosedToSensorTokens(t *testing.T) {
	e := MustOpenEnv(t, withSensorContacts(&fakeSensorContacts{}))
	sensor := as{token: e.scopedToken(cordon.RoleAnalyst, cordon.TokenScopeSensor)}
	wantError(t, e.do(sensor, req{method: "GET", path: "/api/v1/sensors"}), 403, cordon.EFORBIDDEN, "This is a sensor token")
	for _, rt := range e.s.routes {
		if strings.HasPrefix(rt.Pattern, "GET /api/v1/sensors") || strings.HasPrefix(rt.Pattern, "DELETE /api/v1/sensors") {
			if len(rt.Scopes) != 0 {
				t.Errorf("%s is open to scopes %v", rt.Pattern, rt.Scopes)
			}
		}
	}
}

// TestSensorOpenAPI checks the document's sensor operations: names in the
// path are strings (not the numeric {id}), and a listed sensor carries the
// contact's fields and silent.
func TestSensorOpenAPI(t *testing.T) {
	doc := OpenAPI()
	del := doc["paths"].(map[string]any)["/api/v1/sensors/{sensor}/{interface}"].(map[string]any)["delete"].(map[string]any)
	params := del["parameters"].([]any)
	if len(params) != 2 {
		t.Fatalf("parameters %v", params)
	}
	for i, name := range []string{"sensor", "interface"} {
		p := params[i].(map[string]any)
		if p["name"] != name || p["in"] != "path" || p["schema"].(map[string]any)["type"] != "string" {
			t.Errorf("parameter %d: %v", i, p)
		}
	}
	if _, ok := del["responses"].(map[string]any)["404"]; !ok {
		t.Errorf("no 404 for an unknown sensor")
	}
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	props := schemas["SensorStatus"].(map[string]any)["properties"].(map[string]any)
	for _, k := range []string{"sensor", "interface", "first_seen", "last_batch", "batches", "last_packets", "silent"} {
		if props[k] == nil {
			t.Errorf("SensorStatus schema lacks %s", k)
		}
	}
}
