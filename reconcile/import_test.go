package reconcile

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/sqlite"
	"github.com/cordonsec/cordon/storetest"
)

// store is a real SQLite register with the services an import touches.
type store struct {
	t        *testing.T
	db       *sqlite.DB
	devices  *sqlite.DeviceService
	captures *sqlite.CaptureService
	audit    *sqlite.AuditService
	ctx      context.Context // acts as the analyst who imports
	n        int
}

func mustOpenStore(t *testing.T) *store {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.Now = func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }
	return &store{t: t, db: db, devices: sqlite.NewDeviceService(db), captures: sqlite.NewCaptureService(db),
		audit: sqlite.NewAuditService(db), ctx: cordon.NewContextWithUser(context.Background(), &cordon.User{Name: "ebme-lead", Role: cordon.RoleAnalyst})}
}

// ingest commits devices as one capture, as the ingest worker does.
func (s *store) ingest(devs ...*cordon.Device) {
	s.t.Helper()
	s.n++
	sys := context.Background()
	c := &cordon.Capture{Name: fmt.Sprintf("span-%d.pcap", s.n), SHA256: storetest.Hash(fmt.Sprint("capture ", s.n)), Size: 1000}
	must(s.t, s.captures.CreateCapture(sys, c))
	must(s.t, s.captures.StartCapture(sys, c.ID))
	must(s.t, sqlite.NewIngestService(s.db).CommitIngest(sys, c.ID, storetest.Devices(devs...), nil, cordon.IngestStats{Devices: len(devs)}))
}

// byKey returns every device by register key.
func (s *store) byKey() map[string]*cordon.DeviceRecord {
	s.t.Helper()
	all, err := LoadDevices(s.ctx, s.devices)
	must(s.t, err)
	m := map[string]*cordon.DeviceRecord{}
	for _, d := range all {
		m[d.Key] = d
	}
	return m
}

// auditCount is how many audit entries the import's actor has written.
func (s *store) auditCount() int {
	s.t.Helper()
	_, n, err := s.audit.FindAuditEntries(s.ctx, cordon.AuditFilter{Actor: "ebme-lead", Limit: 1})
	must(s.t, err)
	return n
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// ward is a small hospital segment: each device is matched by a different
// key of the register below.
func ward() []*cordon.Device {
	return []*cordon.Device{
		storetest.NewDevice("00:1b:63:84:45:e6", "10.1.2.15", cordon.CategoryImagingModality,
			storetest.WithHost("CT-SCAN-01"), storetest.WithMaker("Siemens Healthineers", "SOMATOM go.Up")),
		storetest.NewDevice("00:09:fb:12:34:56", "10.1.3.20", cordon.CategoryInfusionPump, storetest.WithHost("alaris-ward7-03")),
		storetest.NewDevice("00:80:f4:00:00:40", "10.1.5.40", cordon.CategoryPatientMonitor),
		storetest.NewDevice("00:1e:c0:00:00:09", "10.1.6.9", cordon.CategoryPatientMonitor),
		storetest.NewDevice("f8:bc:12:aa:bb:cc", "10.1.4.30", cordon.CategoryWorkstation, storetest.WithHost("WS-RECEPTION")),
		// Two workstations answer to one name (a re-imaged PC): a row
		// naming it is ambiguous.
		storetest.NewDevice("f8:bc:12:00:00:01", "10.1.4.41", cordon.CategoryWorkstation, storetest.WithHost("RAD-WS")),
		storetest.NewDevice("f8:bc:12:00:00:02", "10.1.4.42", cordon.CategoryWorkstation, storetest.WithHost("rad-ws.trust.nhs.uk")),
	}
}

// ebmeExport is a register as an EBME department's CMMS exports it.
const ebmeExport = `Asset No,Serial Number,Make,Model,MAC Address,Network Name,IP Address,Location,Risk Class,Comments
EQ-1001,SN-CT-77,Siemens Healthineers,SOMATOM go.Up,00-1B-63-84-45-E6,,,Radiology CT1,High,
EQ-1002,SN-PMP-1,BD,Alaris 8015,,ALARIS-WARD7-03.trust.nhs.uk,,Ward 7,Life Sustaining,
EQ-1003,SN-MON-40,Philips,IntelliVue MX450,,,10.1.5.40,ICU bed 4,High,
EQ-1004,SN-VENT-9,Draeger,Evita V500,,,,ICU bed 9,Life Sustaining,
EQ-1005,SN-ECG-5,GE HealthCare,MAC 5500,00:1a:2b:3c:4d:5e,,,Cardiology,Medium,not on the network yet
EQ-1006,SN-SPARE,Welch Allyn,Connex,,,,EBME store,Low,=HYPERLINK("http://evil.example/")
EQ-1006,SN-SPARE-2,Welch Allyn,Connex,,,,EBME store,Low,duplicate asset number
,,,,,,,Day surgery,Low,no identity at all
EQ-1009,SN-WS,Dell,OptiPlex,,RAD-WS,,Radiology,Low,
EQ-1010,SN-X,Philips,IntelliVue MX450,,,,ICU,extreme,
`

func TestImport(t *testing.T) {
	s := mustOpenStore(t)
	s.ingest(ward()...)
	keys := s.byKey()
	// Someone recorded the ventilator's serial number by hand before.
	vent := keys["mac:00:1e:c0:00:00:09"]
	if _, err := s.devices.UpdateRecorded(s.ctx, vent.ID, cordon.Recorded{Serial: "SN-VENT-9"}); err != nil {
		t.Fatal(err)
	}
	headers, _, m, err := Headers(strings.NewReader(ebmeExport), 3)
	must(t, err)
	if m["Network Name"] != "hostname" || m["IP Address"] != "ip" || m["Location"] != "ward" {
		t.Fatalf("mapping for %v: %v", headers, m)
	}
	rows, bad, err := Parse(strings.NewReader(ebmeExport), m)
	must(t, err)
	if len(bad) != 1 || bad[0].Line != 11 {
		t.Fatalf("parse errors %+v", bad)
	}

	run := func(apply bool) *Report {
		t.Helper()
		rep, err := Import(s.ctx, s.devices, rows, apply)
		must(t, err)
		rep.AddErrors(bad)
		return rep
	}
	auditBefore := s.auditCount()

	t.Run("DryRun", func(t *testing.T) {
		rep := run(false)
		want := Counts{Rows: 10, Matched: 4, Changed: 4, RegisterOnly: 2, NetworkOnly: 3, Ambiguous: 1, Duplicates: 1, Errors: 2}
		if rep.Counts != want || !rep.DryRun {
			t.Errorf("counts %+v, want %+v", rep.Counts, want)
		}
		by := map[string]string{}
		for _, mr := range rep.Matched {
			by[mr.AssetTag] = mr.By + " " + mr.Device.Key
		}
		wantBy := map[string]string{
			"EQ-1001": "mac mac:00:1b:63:84:45:e6", "EQ-1002": "hostname mac:00:09:fb:12:34:56",
			"EQ-1003": "ip mac:00:80:f4:00:00:40", "EQ-1004": "serial mac:00:1e:c0:00:00:09",
		}
		for tag, w := range wantBy {
			if by[tag] != w {
				t.Errorf("%s matched %q, want %q", tag, by[tag], w)
			}
		}
		if got := rep.Ambiguous[0].AssetTag; got != "EQ-1009" {
			t.Errorf("ambiguous %q", got)
		}
		if rep.Duplicates[0].Line != 8 {
			t.Errorf("duplicate %+v", rep.Duplicates)
		}
		if rep.Errors[0].Line != 9 || !strings.Contains(rep.Errors[0].Message, "no asset tag") {
			t.Errorf("errors %+v", rep.Errors)
		}
		if s.auditCount() != auditBefore || len(s.byKey()) != 7 {
			t.Errorf("a dry run changed the register")
		}
	})

	t.Run("Apply", func(t *testing.T) {
		rep := run(true)
		if rep.Counts.Created != 2 || rep.Counts.Changed != 4 || rep.DryRun {
			t.Fatalf("counts %+v", rep.Counts)
		}
		if got := s.auditCount() - auditBefore; got != 6 {
			t.Errorf("%d audit entries, want 4 updates and 2 creations", got)
		}
		keys := s.byKey()
		ct := keys["mac:00:1b:63:84:45:e6"].Recorded
		if ct.AssetTag != "EQ-1001" || ct.Ward != "Radiology CT1" || ct.Criticality != cordon.CriticalityHigh || ct.MAC != "00:1b:63:84:45:e6" {
			t.Errorf("CT recorded %+v", ct)
		}
		if v := keys["mac:00:1e:c0:00:00:09"].Recorded; v.Serial != "SN-VENT-9" || v.AssetTag != "EQ-1004" {
			t.Errorf("ventilator recorded %+v", v)
		}
		if len(keys) != 9 {
			t.Errorf("%d devices, want 7 observed and 2 register-only", len(keys))
		}
		spare := keys[rep.Created[1].Device.Key]
		if spare.Observed != nil || spare.Recorded.Notes != `=HYPERLINK("http://evil.example/")` {
			t.Errorf("register-only device %+v", spare)
		}
	})

	t.Run("ReimportChangesNothing", func(t *testing.T) {
		n := s.auditCount()
		rep := run(true)
		want := Counts{Rows: 10, Matched: 6, Unchanged: 6, NetworkOnly: 3, Ambiguous: 1, Duplicates: 1, Errors: 2}
		if rep.Counts != want {
			t.Errorf("counts %+v, want %+v", rep.Counts, want)
		}
		if s.auditCount() != n || len(s.byKey()) != 9 {
			t.Errorf("re-import wrote %d audit entries", s.auditCount()-n)
		}
	})

	t.Run("IngestAdoptsRegisterOnly", func(t *testing.T) {
		ecg := storetest.NewDevice("00:1a:2b:3c:4d:5e", "10.1.7.5", cordon.CategoryPatientMonitor, storetest.WithHost("ECG-CARDIO-1"))
		s.ingest(ecg)
		keys := s.byKey()
		if len(keys) != 9 {
			t.Fatalf("%d devices after ingest, want 9: the record must be adopted", len(keys))
		}
		d := keys["mac:00:1a:2b:3c:4d:5e"]
		if d == nil || d.Observed == nil || d.Recorded.AssetTag != "EQ-1005" {
			t.Fatalf("adopted device %+v", d)
		}
		// The adopted device is now observed and matched by its MAC.
		rep := run(false)
		if rep.Counts.Matched != 6 || rep.Counts.Changed != 0 || rep.Counts.RegisterOnly != 0 {
			t.Errorf("counts after adoption %+v", rep.Counts)
		}
	})

	t.Run("ChangesNamed", func(t *testing.T) {
		edited := strings.Replace(ebmeExport, "Radiology CT1,High", "Radiology CT2,Medium", 1)
		rows, bad, err := Parse(strings.NewReader(edited), m)
		must(t, err)
		rep, err := Import(s.ctx, s.devices, rows, false)
		must(t, err)
		rep.AddErrors(bad)
		for _, mr := range rep.Matched {
			want := []string{}
			if mr.AssetTag == "EQ-1001" {
				want = []string{"ward", "criticality"}
			}
			if !slices.Equal(mr.Changes, want) {
				t.Errorf("%s changes %v, want %v", mr.AssetTag, mr.Changes, want)
			}
		}
	})
}

func TestImportEmptyRegister(t *testing.T) {
	s := mustOpenStore(t)
	rep, err := Import(s.ctx, s.devices, nil, true)
	must(t, err)
	if rep.Counts != (Counts{}) || rep.Matched == nil || rep.Errors == nil {
		t.Errorf("report %+v", rep)
	}
}

func TestImportUnknownKey(t *testing.T) {
	s := mustOpenStore(t)
	s.ingest(ward()[0])
	rows := []Row{
		{Line: 2, Key: "MAC:00:1B:63:84:45:E6", Recorded: cordon.Recorded{Ward: "Radiology"}},
		{Line: 3, Key: "rec:999", Recorded: cordon.Recorded{Ward: "Nowhere"}},
	}
	rep, err := Import(s.ctx, s.devices, rows, true)
	must(t, err)
	if rep.Counts.Matched != 1 || rep.Matched[0].By != "key" || rep.Counts.Errors != 1 || rep.Counts.Created != 0 {
		t.Errorf("report %+v", rep)
	}
}

// TestImportLargeRegister imports more rows than one page of devices holds,
// so that loading pages through the register is exercised.
func TestImportLargeRegister(t *testing.T) {
	if testing.Short() {
		t.Skip("large register skipped in -short mode")
	}
	s := mustOpenStore(t)
	var devs []*cordon.Device
	for i := range 1500 {
		devs = append(devs, storetest.NewDevice(fmt.Sprintf("02:00:00:00:%02x:%02x", i>>8, i&0xff),
			fmt.Sprintf("10.9.%d.%d", i>>8, i&0xff), cordon.CategoryWorkstation))
	}
	s.ingest(devs...)
	var b strings.Builder
	b.WriteString("MAC Address,Location\n")
	for i := range 1500 {
		fmt.Fprintf(&b, "02:00:00:00:%02x:%02x,Ward %d\n", i>>8, i&0xff, i%30)
	}
	rows, bad, err := Parse(strings.NewReader(b.String()), Mapping{"MAC Address": "mac", "Location": "ward"})
	must(t, err)
	rep, err := Import(s.ctx, s.devices, rows, false)
	must(t, err)
	if len(bad) != 0 || rep.Counts.Matched != 1500 || rep.Counts.NetworkOnly != 0 {
		t.Errorf("counts %+v", rep.Counts)
	}
}
