package storetest

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// testSensorContacts covers the server's record of when each remote
// sensor's interface last shipped. Stores without the service skip it.
func testSensorContacts(t *testing.T, open func(tb testing.TB) *Store) {
	sensors := func(t *testing.T) *env {
		e := setup(t, open)
		if e.Sensors == nil {
			t.Skip("store has no sensor contact service")
		}
		return e
	}
	find := func(t *testing.T, e *env) []cordon.SensorContact {
		t.Helper()
		cs, err := e.Sensors.FindSensors(e.sys)
		must(t, err)
		return cs
	}

	t.Run("Empty", func(t *testing.T) {
		e := sensors(t)
		if cs := find(t, e); cs == nil || len(cs) != 0 {
			t.Errorf("FindSensors on an empty store = %#v, want an empty list", cs)
		}
	})

	t.Run("Touch", func(t *testing.T) {
		e := sensors(t)
		must(t, e.Sensors.TouchSensor(e.sys, "sensor.site2", "eth0", 1200))
		want := cordon.SensorContact{Sensor: "sensor.site2", Interface: "eth0", FirstSeen: Epoch, LastBatch: Epoch,
			Batches: 1, LastPackets: 1200}
		if cs := find(t, e); len(cs) != 1 || !sameContact(cs[0], want) {
			t.Fatalf("after the first batch = %+v, want [%+v]", cs, want)
		}

		// A minute on, an empty batch: the sensor ships, its interface
		// sees nothing.
		e.clock.Add(time.Minute)
		must(t, e.Sensors.TouchSensor(e.sys, "sensor.site2", "eth0", 0))
		want.LastBatch, want.Batches, want.LastPackets = Epoch.Add(time.Minute), 2, 0
		if cs := find(t, e); len(cs) != 1 || !sameContact(cs[0], want) {
			t.Fatalf("after the second batch = %+v, want [%+v]", cs, want)
		}

		// More packets than 32 bits hold.
		e.clock.Add(time.Minute)
		must(t, e.Sensors.TouchSensor(e.sys, "sensor.site2", "eth0", 5_000_000_000))
		want.LastBatch, want.Batches, want.LastPackets = Epoch.Add(2*time.Minute), 3, 5_000_000_000
		if cs := find(t, e); len(cs) != 1 || !sameContact(cs[0], want) {
			t.Fatalf("after the third batch = %+v, want [%+v]", cs, want)
		}

		// Traffic, not a change a person made: nothing audited.
		if got := e.audited(t, "sensor:sensor.site2/eth0"); len(got) != 0 {
			t.Errorf("touches audited: %v", got)
		}
	})

	t.Run("Order", func(t *testing.T) {
		e := sensors(t)
		// Touched out of order, each at its own time.
		for _, c := range [][2]string{{"sensor.b", "eth1"}, {"sensor.a", "eth1"}, {"sensor.b", "eth0"}, {"sensor.a", "eth0"}} {
			must(t, e.Sensors.TouchSensor(e.sys, c[0], c[1], 10))
			e.clock.Add(time.Second)
		}
		cs := find(t, e)
		var got []string
		for _, c := range cs {
			got = append(got, c.Sensor+"/"+c.Interface)
		}
		if want := "sensor.a/eth0 sensor.a/eth1 sensor.b/eth0 sensor.b/eth1"; strings.Join(got, " ") != want {
			t.Fatalf("FindSensors = %v, want %s", got, want)
		}
		// Each kept its own first batch: sensor.a/eth0 was touched last.
		if !cs[0].FirstSeen.Equal(Epoch.Add(3*time.Second)) || !cs[3].FirstSeen.Equal(Epoch) || cs[0].Batches != 1 {
			t.Errorf("contacts = %+v", cs)
		}
	})

	t.Run("Concurrent", func(t *testing.T) {
		e := sensors(t)
		// Batches of one sensor handled at once must all be counted.
		const n = 16
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- e.Sensors.TouchSensor(e.sys, "sensor.site2", "eth0", uint64(i))
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			must(t, err)
		}
		if cs := find(t, e); len(cs) != 1 || cs[0].Batches != n {
			t.Fatalf("after %d concurrent batches = %+v", n, cs)
		}
	})

	t.Run("Invalid", func(t *testing.T) {
		e := sensors(t)
		long := strings.Repeat("s", 64)
		wide := strings.Repeat("é", 64) // 64 characters, 128 bytes
		for _, tt := range []struct {
			name, sensor, iface, field string
		}{
			{"ErrNoSensor", "", "eth0", "sensor"},
			{"ErrNoInterface", "sensor.site2", "", "interface"},
			{"ErrLongSensor", long + "s", "eth0", "sensor"},
			{"ErrLongInterface", "sensor.site2", long + "0", "interface"},
			{"ErrWideSensor", wide + "é", "eth0", "sensor"},
			{"ErrNotUTF8", "sensor\xff", "eth0", "sensor"},
			{"ErrNewline", "sensor.site2", "eth0\nforged line", "interface"},
			{"ErrNUL", "sensor\x00site2", "eth0", "sensor"},
			{"ErrSlash", "sensor/site2", "eth0", "sensor"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				err := e.Sensors.TouchSensor(e.sys, tt.sensor, tt.iface, 1)
				wantCode(t, err, cordon.EINVALID)
				if f := cordon.ErrorField(err); f != tt.field {
					t.Errorf("refused with field %q, want %q", f, tt.field)
				}
			})
		}
		if cs := find(t, e); len(cs) != 0 {
			t.Fatalf("refused names stored: %+v", cs)
		}
		// The longest names allowed are kept as given.
		must(t, e.Sensors.TouchSensor(e.sys, long, wide, 1))
		if cs := find(t, e); len(cs) != 1 || cs[0].Sensor != long || cs[0].Interface != wide {
			t.Errorf("FindSensors = %+v, want the 64-character names", cs)
		}
	})

	t.Run("Forget", func(t *testing.T) {
		e := sensors(t)
		must(t, e.Sensors.TouchSensor(e.sys, "sensor.site2", "eth0", 1200))
		must(t, e.Sensors.TouchSensor(e.sys, "sensor.site2", "eth1", 30))
		e.clock.Add(time.Hour)
		must(t, e.Sensors.ForgetSensor(e.ctx, "sensor.site2", "eth0"))
		if cs := find(t, e); len(cs) != 1 || cs[0].Interface != "eth1" {
			t.Fatalf("after forgetting eth0 = %+v, want eth1 alone", cs)
		}
		es, _, err := e.Audit.FindAuditEntries(e.sys, cordon.AuditFilter{Object: "sensor:sensor.site2/eth0"})
		must(t, err)
		if len(es) != 1 || es[0].Action != "sensor.forget" || es[0].Actor != "alice" || !es[0].At.Equal(Epoch.Add(time.Hour)) {
			t.Fatalf("audit = %+v, want one sensor.forget by alice", es)
		}
		var before cordon.SensorContact
		if err := json.Unmarshal(es[0].Before, &before); err != nil || before.Sensor != "sensor.site2" ||
			before.Interface != "eth0" || before.LastPackets != 1200 || es[0].After != nil {
			t.Errorf("audited before %s (%v), after %s; want the contact, then nothing", es[0].Before, err, es[0].After)
		}

		wantCode(t, e.Sensors.ForgetSensor(e.ctx, "sensor.site2", "eth0"), cordon.ENOTFOUND)
		wantCode(t, e.Sensors.ForgetSensor(e.ctx, "sensor.site3", "eth1"), cordon.ENOTFOUND)
		if got := e.audited(t, "sensor:sensor.site2/eth0"); len(got) != 1 {
			t.Errorf("audit after a second forget = %v, want one entry", got)
		}

		// A forgotten sensor that ships again starts afresh.
		must(t, e.Sensors.TouchSensor(e.sys, "sensor.site2", "eth0", 5))
		cs := find(t, e)
		if len(cs) != 2 || cs[0].Interface != "eth0" || cs[0].Batches != 1 || !cs[0].FirstSeen.Equal(Epoch.Add(time.Hour)) {
			t.Errorf("after shipping again = %+v", cs)
		}
	})
}

// sameContact compares contacts with times compared as instants.
func sameContact(a, b cordon.SensorContact) bool {
	return a.Sensor == b.Sensor && a.Interface == b.Interface && a.FirstSeen.Equal(b.FirstSeen) &&
		a.LastBatch.Equal(b.LastBatch) && a.Batches == b.Batches && a.LastPackets == b.LastPackets
}
