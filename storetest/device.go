package storetest

import (
	"encoding/json"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

func testDevices(t *testing.T, open func(tb testing.TB) *Store) {
	ct := NewDevice("00:09:02:aa:00:01", "10.1.0.5", cordon.CategoryImagingModality,
		WithHost("CT-SCANNER-1"), WithMaker("Siemens Healthineers", "SOMATOM go.Up"))
	pump := NewDevice("00:40:9d:aa:00:02", "10.1.0.6", cordon.CategoryInfusionPump, WithMaker("BD", "Alaris 8015"))
	pc := NewDevice("3c:52:82:aa:00:03", "10.2.0.7", cordon.CategoryWorkstation, WithHost("WS-0042"))

	t.Run("IngestCreates", func(t *testing.T) {
		e := setup(t, open)
		c := e.ingest(t, "ward.pcap", Devices(ct, pump, pc), []cordon.Conversation{
			{Client: Key(pc), Server: Key(ct), Proto: "tcp", Port: 104, App: "dicom", Hour: Epoch, Flows: 2, Packets: 20, Bytes: 2000},
		})
		ds, n, err := e.Devices.FindDevices(e.sys, cordon.DeviceFilter{})
		must(t, err)
		if n != 3 || len(ds) != 3 {
			t.Fatalf("got %d devices (total %d), want 3", len(ds), n)
		}
		for _, want := range []*cordon.Device{ct, pump, pc} {
			got := e.deviceByKey(t, Key(want))
			if got.ID == 0 || got.Observed == nil {
				t.Fatalf("%s: ID %d, observed %v", Key(want), got.ID, got.Observed)
			}
			sameDevice(t, got.Observed, want)
			if !got.CreatedAt.Equal(Epoch) || !got.UpdatedAt.Equal(Epoch) {
				t.Errorf("%s: created %v updated %v, want %v", Key(want), got.CreatedAt, got.UpdatedAt, Epoch)
			}
			if got.Recorded != (cordon.Recorded{}) {
				t.Errorf("%s: recorded %+v, want none", Key(want), got.Recorded)
			}
			byID, err := e.Devices.FindDeviceByID(e.sys, got.ID)
			must(t, err)
			if byID.Key != got.Key {
				t.Errorf("FindDeviceByID(%d).Key = %q, want %q", got.ID, byID.Key, got.Key)
			}
		}

		got, err := e.Captures.FindCaptureByID(e.sys, c.ID)
		must(t, err)
		if got.Status != cordon.CaptureDone || got.Progress != 1 || got.FinishedAt == nil || got.Stats.Devices != 3 || got.Stats.Packets != 100 {
			t.Errorf("capture after ingest = %+v", got)
		}
		// One audit entry for the ingest, not one per device.
		es, n, err := e.Audit.FindAuditEntries(e.sys, cordon.AuditFilter{Object: "capture:" + itoa(c.ID)})
		must(t, err)
		if n != 2 || es[0].Action != "capture.ingest" || es[1].Action != "capture.create" {
			t.Fatalf("audit of the capture = %s", actions(es))
		}
		var stats cordon.IngestStats
		must(t, json.Unmarshal(es[0].After, &stats))
		if stats.Devices != 3 {
			t.Errorf("ingest audit after = %s", es[0].After)
		}
		if _, n, _ := e.Audit.FindAuditEntries(e.sys, cordon.AuditFilter{}); n != 2 {
			t.Errorf("audit holds %d entries, want 2", n)
		}
	})

	t.Run("ReingestMerges", func(t *testing.T) {
		e := setup(t, open)
		e.ingest(t, "day1.pcap", Devices(ct, pump), nil)
		before := e.deviceByKey(t, Key(ct))
		rec := cordon.Recorded{AssetTag: "RAD-0001", Ward: "Radiology 2", Criticality: cordon.CriticalityHigh}
		_, err := e.Devices.UpdateRecorded(e.ctx, before.ID, rec)
		must(t, err)

		// A day later the CT scanner has a new address from DHCP and a new
		// device appears.
		e.clock.Add(24 * time.Hour)
		ct2 := NewDevice("00:09:02:aa:00:01", "10.1.0.99", cordon.CategoryImagingModality,
			WithIPs("10.1.0.99", "10.1.0.5"), WithHost("CT-SCANNER-1"), WithSeen(Epoch, Epoch.Add(25*time.Hour)))
		e.ingest(t, "day2.pcap", Devices(ct2, pc), nil)

		_, n, err := e.Devices.FindDevices(e.sys, cordon.DeviceFilter{})
		must(t, err)
		if n != 3 {
			t.Fatalf("total = %d, want 3 (no duplicate for the new address)", n)
		}
		after := e.deviceByKey(t, Key(ct))
		if after.ID != before.ID {
			t.Errorf("ID changed from %d to %d", before.ID, after.ID)
		}
		if after.Recorded != rec {
			t.Errorf("recorded = %+v, want %+v", after.Recorded, rec)
		}
		sameDevice(t, after.Observed, ct2)
		if !after.CreatedAt.Equal(Epoch) || !after.UpdatedAt.Equal(Epoch.Add(24*time.Hour)) {
			t.Errorf("created %v updated %v", after.CreatedAt, after.UpdatedAt)
		}
		if p := e.deviceByKey(t, Key(pump)); p.Observed == nil || p.Observed.IPs[0] != "10.1.0.6" {
			t.Errorf("pump, absent from day 2, changed: %+v", p.Observed)
		}

		m, err := e.Ingest.ObservedByKeys(e.sys, []string{Key(ct), Key(pc), "mac:00:00:5e:00:53:01"})
		must(t, err)
		if len(m) != 2 || m[Key(ct)] == nil || m[Key(pc)] == nil {
			t.Fatalf("ObservedByKeys = %v", m)
		}
		sameDevice(t, m[Key(ct)], ct2)
	})

	t.Run("CommitTwiceConflict", func(t *testing.T) {
		e := setup(t, open)
		c := e.ingest(t, "once.pcap", Devices(ct), nil)
		other := NewDevice("00:09:02:aa:00:01", "10.9.9.9", cordon.CategoryServer)
		err := e.Ingest.CommitIngest(e.sys, c.ID, Devices(other, pc), nil, cordon.IngestStats{Devices: 2})
		wantCode(t, err, cordon.ECONFLICT)
		ds, n, err := e.Devices.FindDevices(e.sys, cordon.DeviceFilter{})
		must(t, err)
		if n != 1 {
			t.Fatalf("total = %d, want 1", n)
		}
		sameDevice(t, ds[0].Observed, ct)
		got, err := e.Captures.FindCaptureByID(e.sys, c.ID)
		must(t, err)
		if got.Stats.Devices != 1 {
			t.Errorf("stats changed: %+v", got.Stats)
		}
		if _, n, _ := e.Audit.FindAuditEntries(e.sys, cordon.AuditFilter{}); n != 2 {
			t.Errorf("audit holds %d entries, want 2", n)
		}
	})

	t.Run("CommitNotRunning", func(t *testing.T) {
		e := setup(t, open)
		c := &cordon.Capture{Name: "queued.pcap", SHA256: Hash("queued"), Size: 1}
		must(t, e.Captures.CreateCapture(e.ctx, c))
		wantCode(t, e.Ingest.CommitIngest(e.sys, c.ID, Devices(ct), nil, cordon.IngestStats{}), cordon.ECONFLICT)
		wantCode(t, e.Ingest.CommitIngest(e.sys, c.ID+100, Devices(ct), nil, cordon.IngestStats{}), cordon.ENOTFOUND)
		if _, n, _ := e.Devices.FindDevices(e.sys, cordon.DeviceFilter{}); n != 0 {
			t.Errorf("total = %d, want 0", n)
		}
	})

	t.Run("FindDeviceByIDNotFound", func(t *testing.T) {
		e := setup(t, open)
		_, err := e.Devices.FindDeviceByID(e.sys, 12345)
		wantCode(t, err, cordon.ENOTFOUND)
	})

	t.Run("UpdateRecorded", func(t *testing.T) {
		e := setup(t, open)
		e.ingest(t, "ward.pcap", Devices(ct), nil)
		d := e.deviceByKey(t, Key(ct))
		yes := true
		tests := []struct {
			name string
			id   int64
			rec  cordon.Recorded
			code string
		}{
			{"OK", d.ID, cordon.Recorded{Ward: "Radiology 2", Criticality: cordon.CriticalityHigh, PatientData: &yes, Serial: "SN-123"}, ""},
			{"ErrCriticality", d.ID, cordon.Recorded{Criticality: "very"}, cordon.EINVALID},
			{"ErrAccessMode", d.ID, cordon.Recorded{SupplierAccessMode: "sometimes"}, cordon.EINVALID},
			{"ErrMAC", d.ID, cordon.Recorded{MAC: "not-a-mac"}, cordon.EINVALID},
			{"ErrNotFound", d.ID + 1000, cordon.Recorded{Ward: "X"}, cordon.ENOTFOUND},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e.clock.Add(time.Minute)
				got, err := e.Devices.UpdateRecorded(e.ctx, tt.id, tt.rec)
				wantCode(t, err, tt.code)
				if err != nil {
					return
				}
				if !reflect.DeepEqual(got.Recorded, tt.rec) || !got.UpdatedAt.Equal(e.clock.Now()) {
					t.Errorf("returned %+v at %v", got.Recorded, got.UpdatedAt)
				}
			})
		}
		got, err := e.Devices.FindDeviceByID(e.sys, d.ID)
		must(t, err)
		if got.Recorded.Ward != "Radiology 2" || got.Recorded.PatientData == nil || !*got.Recorded.PatientData {
			t.Errorf("stored recorded = %+v", got.Recorded)
		}
		sameDevice(t, got.Observed, ct)

		// One audit entry, for the valid update, by the acting user.
		es, n, err := e.Audit.FindAuditEntries(e.sys, cordon.AuditFilter{Object: "device:" + itoa(d.ID)})
		must(t, err)
		if n != 1 || es[0].Action != "device.update" || es[0].Actor != "alice" {
			t.Fatalf("audit = %s", actions(es))
		}
		var before, after cordon.Recorded
		must(t, json.Unmarshal(es[0].Before, &before))
		must(t, json.Unmarshal(es[0].After, &after))
		if before.Ward != "" || after.Ward != "Radiology 2" || after.Serial != "SN-123" {
			t.Errorf("audit before %s after %s", es[0].Before, es[0].After)
		}
	})
}

// sameDevice compares what a store returns with what went in, on the
// fields the register shows.
func sameDevice(tb testing.TB, got, want *cordon.Device) {
	tb.Helper()
	if got == nil {
		tb.Fatalf("no observed device, want %s", want.MAC)
	}
	if got.MAC != want.MAC || !reflect.DeepEqual(got.IPs, want.IPs) || !reflect.DeepEqual(got.Hostnames, want.Hostnames) ||
		got.Category != want.Category || got.Manufacturer != want.Manufacturer || got.Model != want.Model ||
		got.Medical != want.Medical || got.OS != want.OS || got.Confidence != want.Confidence ||
		!reflect.DeepEqual(got.Services, want.Services) || !reflect.DeepEqual(got.Reasons, want.Reasons) ||
		len(got.Evidence) != len(want.Evidence) ||
		!got.FirstSeen.Equal(want.FirstSeen) || !got.LastSeen.Equal(want.LastSeen) {
		tb.Errorf("observed device:\n got %+v\nwant %+v", got, want)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// actions lists entries' actions for failure messages.
func actions(es []*cordon.AuditEntry) []string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.Action + " " + e.Object + " by " + e.Actor
	}
	return s
}

func testRegisterOnly(t *testing.T, open func(tb testing.TB) *Store) {
	e := setup(t, open)
	rec, err := e.Devices.CreateDevice(e.ctx, cordon.Recorded{AssetTag: "EQ-1001", MAC: "98-E7-43-01-02-03", Ward: "Radiology"})
	must(t, err)
	if rec.Observed != nil || rec.Key != "rec:"+itoa(rec.ID) {
		t.Fatalf("created %+v", rec)
	}
	if _, err := e.Devices.CreateDevice(e.ctx, cordon.Recorded{Criticality: "extreme"}); cordon.ErrorCode(err) != cordon.EINVALID {
		t.Errorf("invalid record: err = %v", err)
	}
	es, _, err := e.Audit.FindAuditEntries(e.sys, cordon.AuditFilter{Object: "device:" + itoa(rec.ID)})
	must(t, err)
	if len(es) != 1 || es[0].Action != "device.create" || es[0].Actor != "alice" {
		t.Errorf("audit = %s", actions(es))
	}
	// The network then shows the device: the record is adopted, not doubled.
	ct := NewDevice("98:e7:43:01:02:03", "10.30.1.11", cordon.CategoryImagingModality)
	e.ingest(t, "ct.pcap", Devices(ct), nil)
	_, n, err := e.Devices.FindDevices(e.sys, cordon.DeviceFilter{})
	must(t, err)
	got := e.deviceByKey(t, Key(ct))
	if n != 1 || got.ID != rec.ID || got.Recorded.Ward != "Radiology" || got.Observed == nil {
		t.Errorf("after ingest: %d devices, %+v", n, got)
	}
}

func testHistory(t *testing.T, open func(tb testing.TB) *Store) {
	e := setup(t, open)
	// DHCP renumbers the pump between two captures.
	mon := NewDevice("00:40:9d:aa:00:02", "10.1.0.6", cordon.CategoryInfusionPump, WithHost("PUMP-7"), WithSeen(Epoch, Epoch.Add(time.Hour)))
	tue := NewDevice("00:40:9d:aa:00:02", "10.1.0.9", cordon.CategoryInfusionPump, WithHost("PUMP-7"), WithSeen(Epoch.Add(24*time.Hour), Epoch.Add(25*time.Hour)))
	e.ingest(t, "mon.pcap", Devices(mon), nil)
	e.ingest(t, "tue.pcap", Devices(tue), nil)
	d := e.deviceByKey(t, Key(mon))
	h, err := e.Devices.FindDeviceHistory(e.sys, d.ID)
	must(t, err)
	if len(h.IPs) != 2 || h.IPs[0].Value != "10.1.0.9" || !h.IPs[1].LastSeen.Equal(Epoch.Add(time.Hour)) {
		t.Errorf("IP history = %+v", h.IPs)
	}
	if len(h.Hostnames) != 1 || !h.Hostnames[0].FirstSeen.Equal(Epoch) || !h.Hostnames[0].LastSeen.Equal(Epoch.Add(25*time.Hour)) {
		t.Errorf("host name history = %+v", h.Hostnames)
	}
	if _, err := e.Devices.FindDeviceHistory(e.sys, 999999); cordon.ErrorCode(err) != cordon.ENOTFOUND {
		t.Errorf("unknown device: err = %v", err)
	}
}

func testKeysFilter(t *testing.T, open func(tb testing.TB) *Store) {
	e := setup(t, open)
	a := NewDevice("00:09:02:aa:00:01", "10.1.0.5", cordon.CategoryImagingModality)
	b := NewDevice("00:40:9d:aa:00:02", "10.1.0.6", cordon.CategoryInfusionPump)
	c := NewDevice("3c:52:82:aa:00:03", "10.2.0.7", cordon.CategoryWorkstation)
	e.ingest(t, "keys.pcap", Devices(a, b, c), nil)
	ds, n, err := e.Devices.FindDevices(e.sys, cordon.DeviceFilter{Keys: []string{Key(a), Key(c), "ip:10.9.9.9"}})
	must(t, err)
	if n != 2 || len(ds) != 2 {
		t.Fatalf("got %d devices (total %d), want 2", len(ds), n)
	}
	for _, d := range ds {
		if d.Key != Key(a) && d.Key != Key(c) {
			t.Errorf("unexpected device %s", d.Key)
		}
	}
	many := make([]string, 1001)
	for i := range many {
		many[i] = "ip:10.0.0." + itoa(int64(i))
	}
	_, _, err = e.Devices.FindDevices(e.sys, cordon.DeviceFilter{Keys: many})
	wantCode(t, err, cordon.EINVALID)
}
