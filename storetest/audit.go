package storetest

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

func testAudit(t *testing.T, open func(tb testing.TB) *Store) {
	e := setup(t, open)
	bob := cordon.NewContextWithUser(e.sys, &cordon.User{ID: 2, Name: "bob", Role: cordon.RoleAnalyst})

	c := &cordon.Capture{Name: "audit.pcap", SHA256: Hash("audit"), Size: 1}
	must(t, e.Captures.CreateCapture(e.ctx, c)) // 0: alice, capture.create
	e.clock.Add(time.Minute)
	must(t, e.Captures.StartCapture(e.sys, c.ID))
	d := NewDevice("00:09:02:aa:00:01", "10.1.0.5", cordon.CategoryImagingModality)
	must(t, e.Ingest.CommitIngest(e.sys, c.ID, Devices(d), nil, cordon.IngestStats{Devices: 1})) // 1: system
	id := e.deviceByKey(t, Key(d)).ID
	e.clock.Add(time.Minute)
	_, err := e.Devices.UpdateRecorded(bob, id, cordon.Recorded{Ward: "W1"}) // 2: bob
	must(t, err)
	e.clock.Add(time.Minute)
	_, err = e.Devices.UpdateRecorded(e.ctx, id, cordon.Recorded{Ward: "W2"}) // 3: alice
	must(t, err)
	// Same instant: insertion order breaks the tie.
	_, err = e.Devices.UpdateRecorded(e.ctx, id, cordon.Recorded{Ward: "W3"}) // 4: alice
	must(t, err)

	type entry struct {
		actor, action, ward string
		at                  time.Time
	}
	e0 := entry{"alice", "capture.create", "", Epoch}
	e1 := entry{"system", "capture.ingest", "", Epoch.Add(time.Minute)}
	e2 := entry{"bob", "device.update", "W1", Epoch.Add(2 * time.Minute)}
	e3 := entry{"alice", "device.update", "W2", Epoch.Add(3 * time.Minute)}
	e4 := entry{"alice", "device.update", "W3", Epoch.Add(3 * time.Minute)}
	dev := "device:" + itoa(id)
	tests := []struct {
		name   string
		filter cordon.AuditFilter
		want   []entry
		total  int
		code   string
	}{
		{name: "AllNewestFirst", want: []entry{e4, e3, e2, e1, e0}},
		{name: "Object", filter: cordon.AuditFilter{Object: dev}, want: []entry{e4, e3, e2}},
		{name: "Actor", filter: cordon.AuditFilter{Actor: "alice"}, want: []entry{e4, e3, e0}},
		{name: "System", filter: cordon.AuditFilter{Actor: "system"}, want: []entry{e1}},
		{name: "ObjectAndActor", filter: cordon.AuditFilter{Object: dev, Actor: "bob"}, want: []entry{e2}},
		{name: "Page", filter: cordon.AuditFilter{Offset: 1, Limit: 2}, want: []entry{e3, e2}, total: 5},
		{name: "None", filter: cordon.AuditFilter{Actor: "mallory"}, want: []entry{}},
		{name: "ErrNegativeOffset", filter: cordon.AuditFilter{Offset: -5}, code: cordon.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es, n, err := e.Audit.FindAuditEntries(e.sys, tt.filter)
			wantCode(t, err, tt.code)
			if err != nil {
				return
			}
			total := tt.total
			if total == 0 {
				total = len(tt.want)
			}
			got := []entry{}
			for _, a := range es {
				var rec cordon.Recorded
				if a.Action == "device.update" {
					must(t, json.Unmarshal(a.After, &rec))
				}
				got = append(got, entry{a.Actor, a.Action, rec.Ward, a.At})
			}
			if n != total || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %d: %v\nwant %d: %v", n, got, total, tt.want)
			}
		})
	}
}

// testVerbatim stores text that looks like SQL, HTML or escapes and checks
// that it comes back byte for byte and breaks nothing.
func testVerbatim(t *testing.T, open func(tb testing.TB) *Store) {
	const (
		sqlText    = `'; DROP TABLE devices; --`
		quotes     = `O'Brien "Bob" \ back\slash`
		script     = `<script>alert("x")</script>`
		unicode    = "Ward 7 – Côté ☤ 病棟 \U0001F489"
		likeChars  = `100% _done_ \%`
		model      = `Robert'); DROP TABLE devices;--`
		hostQuoted = `bad'host"<b>`
	)
	e := setup(t, open)
	d := NewDevice("00:09:02:aa:00:01", "10.1.0.5", cordon.CategoryImagingModality,
		WithMaker(script, model), WithHost(hostQuoted))
	c := &cordon.Capture{Name: sqlText + ".pcap", SHA256: Hash("v"), Size: 1}
	must(t, e.Captures.CreateCapture(e.ctx, c))
	must(t, e.Captures.StartCapture(e.sys, c.ID))
	must(t, e.Ingest.CommitIngest(e.sys, c.ID, Devices(d), nil, cordon.IngestStats{Warnings: []string{script, sqlText}}))

	rec := cordon.Recorded{
		AssetTag: quotes, Notes: sqlText, Ward: script, Room: unicode, Contact: likeChars,
		Owner: "Dr. " + quotes, Department: "\t tabs and\nnew lines \r\n",
	}
	id := e.deviceByKey(t, Key(d)).ID
	_, err := e.Devices.UpdateRecorded(e.ctx, id, rec)
	must(t, err)

	got, err := e.Devices.FindDeviceByID(e.sys, id)
	must(t, err)
	if got.Recorded != rec {
		t.Errorf("recorded:\n got %+v\nwant %+v", got.Recorded, rec)
	}
	sameDevice(t, got.Observed, d)

	for _, q := range []string{quotes, `o'brien`, model, hostQuoted, `<script>`} {
		ds, n, err := e.Devices.FindDevices(e.sys, cordon.DeviceFilter{Query: q})
		must(t, err)
		if n != 1 || len(ds) != 1 || ds[0].ID != id {
			t.Errorf("query %q found %d", q, n)
		}
	}
	if _, n, err := e.Devices.FindDevices(e.sys, cordon.DeviceFilter{Query: likeChars}); err != nil || n != 0 {
		t.Errorf("query %q: %d, %v; want none (contact is not searched)", likeChars, n, err)
	}

	gc, err := e.Captures.FindCaptureByID(e.sys, c.ID)
	must(t, err)
	if gc.Name != sqlText+".pcap" || !reflect.DeepEqual(gc.Stats.Warnings, []string{script, sqlText}) {
		t.Errorf("capture = %+v", gc)
	}

	es, _, err := e.Audit.FindAuditEntries(e.sys, cordon.AuditFilter{Object: "device:" + itoa(id)})
	must(t, err)
	var after cordon.Recorded
	if len(es) != 1 || json.Unmarshal(es[0].After, &after) != nil || after != rec {
		t.Errorf("audit after = %s", es[0].After)
	}

	// The tables are all still there.
	if _, n, err := e.Devices.FindDevices(e.sys, cordon.DeviceFilter{}); err != nil || n != 1 {
		t.Errorf("devices after the SQL-looking text: %d, %v", n, err)
	}
}
