package storetest

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// newSupplier returns a valid supplier serving the models given.
func newSupplier(name string, models ...int64) *cordon.Supplier {
	return &cordon.Supplier{
		Name: name, Contact: "Service desk", Email: "service@example.com", Phone: "+44 20 7946 0000",
		Contracts: []cordon.Contract{{Reference: name + "-1", Start: Epoch.AddDate(-1, 0, 0), End: Epoch.AddDate(2, 0, 0),
			AttendHours: 4, PatchDays: 30, Notes: "Full service."}},
		Access: []cordon.RemoteAccess{{Method: "rdp", Mode: cordon.AccessOnDemand, MFA: true,
			Sources: []string{"10.50.0.10", "198.51.100.0/24"}, Notes: "Through the trust's jump host."}},
		ModelIDs: models,
	}
}

func (e *env) createSupplier(tb testing.TB, s *cordon.Supplier) *cordon.Supplier {
	tb.Helper()
	must(tb, e.Suppliers.CreateSupplier(e.ctx, s))
	return s
}

func supplierNames(ss []*cordon.Supplier) []string {
	out := []string{}
	for _, s := range ss {
		out = append(out, s.Name)
	}
	return out
}

func testSuppliers(t *testing.T, open func(tb testing.TB) *Store) {
	t.Run("Create", func(t *testing.T) {
		e := setup(t, open)
		m := e.createModel(t, "Siemens Healthineers", "SOMATOM", "")
		s := newSupplier("Siemens Healthineers", m.ID)
		s.Access[0].Sources = []string{"10.50.0.10", "198.51.100.7/24"} // masked when stored
		e.createSupplier(t, s)
		if s.ID == 0 || !s.CreatedAt.Equal(Epoch) || !s.UpdatedAt.Equal(Epoch) || s.Access[0].Sources[1] != "198.51.100.0/24" {
			t.Fatalf("created = %+v", s)
		}
		got, err := e.Suppliers.FindSupplierByID(e.sys, s.ID)
		must(t, err)
		if !reflect.DeepEqual(got, s) {
			t.Errorf("FindSupplierByID = %+v\nwant %+v", got, s)
		}
		if len(got.Flags) != 0 || len(got.DeviceIDs) != 0 || got.DeviceIDs == nil {
			t.Errorf("flags %v, devices %v", got.Flags, got.DeviceIDs)
		}
		if a := e.audited(t, "supplier:"+strconv.FormatInt(s.ID, 10)); !reflect.DeepEqual(a, []string{"supplier.create"}) {
			t.Errorf("audit = %v", a)
		}
	})

	t.Run("CreateInvalid", func(t *testing.T) {
		e := setup(t, open)
		for name, change := range map[string]func(s *cordon.Supplier){
			"NoName":        func(s *cordon.Supplier) { s.Name = " " },
			"BadMethod":     func(s *cordon.Supplier) { s.Access[0].Method = "fax" },
			"BadMode":       func(s *cordon.Supplier) { s.Access[0].Mode = "" },
			"BadSource":     func(s *cordon.Supplier) { s.Access[0].Sources = []string{"10.0.0.300"} },
			"EndsEarly":     func(s *cordon.Supplier) { s.Contracts[0].End = s.Contracts[0].Start.Add(-time.Hour) },
			"UnknownModel":  func(s *cordon.Supplier) { s.ModelIDs = []int64{99} },
			"UnknownDevice": func(s *cordon.Supplier) { s.DeviceIDs = []int64{99} },
		} {
			s := newSupplier("Philips")
			change(s)
			err := e.Suppliers.CreateSupplier(e.ctx, s)
			if cordon.ErrorCode(err) != cordon.EINVALID {
				t.Errorf("%s: error %v, want EINVALID", name, err)
			}
			if s.ID != 0 {
				t.Errorf("%s: ID set to %d", name, s.ID)
			}
		}
		if _, n, err := e.Suppliers.FindSuppliers(e.sys, cordon.SupplierFilter{}); err != nil || n != 0 {
			t.Errorf("FindSuppliers = %d, %v; want none", n, err)
		}
		if a := e.audited(t, "supplier:1"); len(a) != 0 {
			t.Errorf("audit = %v", a)
		}
	})

	t.Run("CreateConflict", func(t *testing.T) {
		e := setup(t, open)
		e.createSupplier(t, newSupplier("GE HealthCare"))
		wantCode(t, e.Suppliers.CreateSupplier(e.ctx, newSupplier("ge  healthcare")), cordon.ECONFLICT)
	})

	t.Run("FindSuppliers", func(t *testing.T) {
		e := setup(t, open)
		ct := e.createModel(t, "Siemens Healthineers", "SOMATOM", "")
		mr := e.createModel(t, "Philips", "Ingenia", "")
		e.ingest(t, "a.pcap", Devices(NewDevice("00:09:02:00:00:01", "10.1.0.1", cordon.CategoryImagingModality),
			NewDevice("00:09:02:00:00:02", "10.1.0.2", cordon.CategoryImagingModality)), nil)
		d1, d2 := e.deviceByKey(t, "mac:00:09:02:00:00:01"), e.deviceByKey(t, "mac:00:09:02:00:00:02")
		must(t, e.Models.AssignDevices(e.ctx, mr.ID, []int64{d2.ID}))
		e.createSupplier(t, newSupplier("Siemens Healthineers", ct.ID))
		philips := newSupplier("Philips", mr.ID)
		philips.Contact = "Remote Service Network"
		e.createSupplier(t, philips)
		direct := newSupplier("Agfa")
		direct.DeviceIDs = []int64{d1.ID}
		e.createSupplier(t, direct)

		for _, tt := range []struct {
			name string
			f    cordon.SupplierFilter
			want []string
			n    int
		}{
			{"All", cordon.SupplierFilter{}, []string{"Agfa", "Philips", "Siemens Healthineers"}, 3},
			{"Query", cordon.SupplierFilter{Query: "SIEMENS health"}, []string{"Siemens Healthineers"}, 1},
			{"QueryContact", cordon.SupplierFilter{Query: "network"}, []string{"Philips"}, 1},
			{"QueryWildcard", cordon.SupplierFilter{Query: "%"}, []string{}, 0},
			{"Model", cordon.SupplierFilter{ModelID: ct.ID}, []string{"Siemens Healthineers"}, 1},
			{"DeviceDirect", cordon.SupplierFilter{DeviceID: d1.ID}, []string{"Agfa"}, 1},
			{"DeviceByModel", cordon.SupplierFilter{DeviceID: d2.ID}, []string{"Philips"}, 1},
			{"Page", cordon.SupplierFilter{Offset: 1, Limit: 1}, []string{"Philips"}, 3},
		} {
			ss, n, err := e.Suppliers.FindSuppliers(e.sys, tt.f)
			must(t, err)
			if n != tt.n || !reflect.DeepEqual(supplierNames(ss), tt.want) {
				t.Errorf("%s: %d %q, want %d %q", tt.name, n, supplierNames(ss), tt.n, tt.want)
			}
		}
		_, _, err := e.Suppliers.FindSuppliers(e.sys, cordon.SupplierFilter{Offset: -1})
		wantCode(t, err, cordon.EINVALID)
	})

	t.Run("Update", func(t *testing.T) {
		e := setup(t, open)
		m := e.createModel(t, "Canon Medical", "Aquilion", "")
		s := e.createSupplier(t, newSupplier("Canon Medical", m.ID))
		e.createSupplier(t, newSupplier("Hologic"))
		e.clock.Add(time.Hour)
		s.Contracts = append(s.Contracts, cordon.Contract{Reference: "C-2", PatchDays: 14})
		s.Access = []cordon.RemoteAccess{{Method: "teamviewer", Mode: cordon.AccessAlwaysOn, Sources: []string{"203.0.113.9"}}}
		s.ModelIDs = nil
		must(t, e.Suppliers.UpdateSupplier(e.ctx, s))
		if !s.UpdatedAt.Equal(Epoch.Add(time.Hour)) || !s.CreatedAt.Equal(Epoch) {
			t.Errorf("times = %v %v", s.CreatedAt, s.UpdatedAt)
		}
		got, err := e.Suppliers.FindSupplierByID(e.sys, s.ID)
		must(t, err)
		if !reflect.DeepEqual(got, s) {
			t.Errorf("after update = %+v\nwant %+v", got, s)
		}
		wantFlags := []string{cordon.FlagAlwaysOn, cordon.FlagNoMFA, cordon.FlagNoServiceLevels}
		if !reflect.DeepEqual(got.Flags, wantFlags) || len(got.ModelIDs) != 0 {
			t.Errorf("flags %v, models %v", got.Flags, got.ModelIDs)
		}
		if a := e.audited(t, "supplier:"+strconv.FormatInt(s.ID, 10)); !reflect.DeepEqual(a, []string{"supplier.create", "supplier.update"}) {
			t.Errorf("audit = %v", a)
		}
		s.Name = "HOLOGIC"
		wantCode(t, e.Suppliers.UpdateSupplier(e.ctx, s), cordon.ECONFLICT)
		s.Name, s.ID = "Nobody", 99
		wantCode(t, e.Suppliers.UpdateSupplier(e.ctx, s), cordon.ENOTFOUND)
	})

	t.Run("Delete", func(t *testing.T) {
		e := setup(t, open)
		m := e.createModel(t, "Siemens Healthineers", "SOMATOM", "")
		s := e.createSupplier(t, newSupplier("Siemens Healthineers", m.ID))
		must(t, e.Suppliers.DeleteSupplier(e.ctx, s.ID))
		_, err := e.Suppliers.FindSupplierByID(e.sys, s.ID)
		wantCode(t, err, cordon.ENOTFOUND)
		wantCode(t, e.Suppliers.DeleteSupplier(e.ctx, s.ID), cordon.ENOTFOUND)
		if a := e.audited(t, "supplier:"+strconv.FormatInt(s.ID, 10)); !reflect.DeepEqual(a, []string{"supplier.create", "supplier.delete"}) {
			t.Errorf("audit = %v", a)
		}
		// A deleted model leaves the supplier's list.
		s = e.createSupplier(t, newSupplier("Siemens Healthineers", m.ID))
		must(t, e.Models.DeleteModel(e.ctx, m.ID))
		got, err := e.Suppliers.FindSupplierByID(e.sys, s.ID)
		must(t, err)
		if len(got.ModelIDs) != 0 {
			t.Errorf("models after the model's deletion = %v", got.ModelIDs)
		}
	})

	t.Run("PatchServiceLevel", func(t *testing.T) {
		e := setup(t, open)
		m := e.createModel(t, "Philips", "IntelliVue MX800", "")
		_, _, _, err := e.Suppliers.PatchServiceLevel(e.sys, m.ID)
		wantCode(t, err, cordon.ENOTFOUND)

		day := 24 * time.Hour
		slow := newSupplier("Philips", m.ID)
		slow.Contracts = []cordon.Contract{
			{Reference: "P-OLD", Start: Epoch.Add(-400 * day), End: Epoch.Add(10 * day), PatchDays: 60, AttendHours: 8},
			{Reference: "P-NEW", Start: Epoch.Add(10 * day), PatchDays: 21, AttendHours: 4},
			{Reference: "P-NONE", AttendHours: 2}, // sets no time to patch
		}
		e.createSupplier(t, slow)
		other := newSupplier("Integrator")
		other.Contracts = []cordon.Contract{{Reference: "I-1", PatchDays: 1}} // serves another model
		e.createSupplier(t, other)

		check := func(name string, days int, contract string) {
			t.Helper()
			d, sup, c, err := e.Suppliers.PatchServiceLevel(e.sys, m.ID)
			if contract == "" {
				wantCode(t, err, cordon.ENOTFOUND)
				return
			}
			must(t, err)
			if d != days || sup != "Philips" || c != contract {
				t.Errorf("%s: %d %q %q, want %d %q", name, d, sup, c, days, contract)
			}
		}
		check("OldContract", 60, "P-OLD")
		e.clock.Add(10*day - time.Second)
		check("LastSecondOfOld", 60, "P-OLD")
		e.clock.Add(time.Second)
		check("NewContractStarts", 21, "P-NEW")
		fast := newSupplier("Fast", m.ID)
		fast.Contracts = []cordon.Contract{{Reference: "F-1", Start: Epoch, End: Epoch.Add(20 * day), PatchDays: 7, AttendHours: 1}}
		e.createSupplier(t, fast)
		d, sup, c, err := e.Suppliers.PatchServiceLevel(e.sys, m.ID)
		must(t, err)
		if d != 7 || sup != "Fast" || c != "F-1" {
			t.Errorf("shortest = %d %q %q", d, sup, c)
		}
		e.clock.Add(10 * day)
		check("FastEnded", 21, "P-NEW")
	})

	t.Run("RemoteSessions", func(t *testing.T) { testRemoteSessions(t, open) })
}

func testRemoteSessions(t *testing.T, open func(tb testing.TB) *Store) {
	e := setup(t, open)
	jump := NewDevice("00:50:56:00:00:10", "10.50.0.10", cordon.CategoryServer)
	ct := NewDevice("00:09:02:00:00:01", "10.1.0.1", cordon.CategoryImagingModality)
	pc := NewDevice("00:09:02:00:00:02", "10.1.0.2", cordon.CategoryWorkstation)
	hour := Epoch.Truncate(time.Hour)
	conv := func(client string, server *cordon.Device, port uint16, app string, h int) cordon.Conversation {
		return cordon.Conversation{Client: client, Server: Key(server), Proto: "tcp", Port: port, App: app,
			Hour: hour.Add(time.Duration(h) * time.Hour), Flows: 1, Packets: 10, Bytes: 1000}
	}
	e.ingest(t, "a.pcap", Devices(jump, ct, pc), []cordon.Conversation{
		conv(Key(jump), ct, 3389, "rdp", 0),
		conv(Key(jump), ct, 3389, "rdp", 2),          // the same session two hours later
		conv("ip:203.0.113.9", ct, 22, "ssh", 1),     // from outside
		conv(Key(jump), ct, 5901, "", 1),             // unlabelled VNC
		conv(Key(jump), ct, 22, "http", 1),           // a label that is not remote access
		conv(Key(jump), ct, 104, "dicom", 1),         // not remote access
		conv(Key(jump), pc, 3389, "rdp", 1),          // a workstation no supplier serves
		conv(Key(ct), jump, 3389, "rdp", 1),          // to a server no supplier serves
		conv("ip:10.50.0.99", ct, 5938, "tls", 3),    // TeamViewer wrapped in TLS
		conv(Key(jump), ct, 3389, "rdp-typo", 3),     // unknown label: not by port
		conv("ip:198.51.100.1", ct, 23, "telnet", 0), // Telnet
	})
	ctDev := e.deviceByKey(t, Key(ct))
	m := e.createModel(t, "Siemens Healthineers", "SOMATOM", "")
	must(t, e.Models.AssignDevices(e.ctx, m.ID, []int64{ctDev.ID}))

	got, err := e.Suppliers.FindRemoteSessions(e.sys, cordon.RemoteSessionFilter{})
	must(t, err)
	type row struct {
		source, method string
		port           uint16
		first, last    int // hours after the first
	}
	var rows []row
	for _, r := range got {
		if r.Device.ID != ctDev.ID || r.ModelID != m.ID || r.Device.IP != "10.1.0.1" {
			t.Errorf("session %+v: device %+v model %d", r, r.Device, r.ModelID)
		}
		rows = append(rows, row{strings.Join(r.Sources, ","), r.Method, r.Port,
			int(r.FirstSeen.Sub(hour) / time.Hour), int(r.LastSeen.Sub(hour) / time.Hour)})
	}
	want := []row{
		{"10.50.0.99", "teamviewer", 5938, 3, 4},
		{"10.50.0.10", "rdp", 3389, 0, 3},
		{"203.0.113.9", "ssh", 22, 1, 2},
		{"10.50.0.10", "vnc", 5901, 1, 2},
		{"198.51.100.1", "telnet", 23, 0, 1},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("sessions =\n%+v\nwant\n%+v", rows, want)
	}
	if len(got) > 1 && (got[1].SourceKey != Key(jump) || got[1].Flows != 2 || got[1].Bytes != 2000) {
		t.Errorf("rdp session = %+v", got[1])
	}

	// Since, Keys and Limit select.
	got, err = e.Suppliers.FindRemoteSessions(e.sys, cordon.RemoteSessionFilter{Since: hour.Add(3 * time.Hour)})
	must(t, err)
	if len(got) != 1 || got[0].Method != "teamviewer" {
		t.Errorf("since = %d sessions", len(got))
	}
	got, err = e.Suppliers.FindRemoteSessions(e.sys, cordon.RemoteSessionFilter{Keys: []string{Key(pc)}})
	must(t, err)
	if len(got) != 0 {
		t.Errorf("keys of an unserved workstation = %d sessions", len(got))
	}
	got, err = e.Suppliers.FindRemoteSessions(e.sys, cordon.RemoteSessionFilter{Limit: 2})
	must(t, err)
	if len(got) != 2 {
		t.Errorf("limit 2 = %d sessions", len(got))
	}

	// Once a supplier serves the workstation, access to it counts.
	pcDev := e.deviceByKey(t, Key(pc))
	s := newSupplier("Desktop support")
	s.DeviceIDs = []int64{pcDev.ID}
	e.createSupplier(t, s)
	got, err = e.Suppliers.FindRemoteSessions(e.sys, cordon.RemoteSessionFilter{Keys: []string{Key(pc)}})
	must(t, err)
	if len(got) != 1 || got[0].Device.ID != pcDev.ID || got[0].ModelID != 0 || got[0].Method != "rdp" {
		t.Errorf("served workstation = %+v", got)
	}
	_, err = e.Suppliers.FindRemoteSessions(e.sys, cordon.RemoteSessionFilter{Limit: -1})
	wantCode(t, err, cordon.EINVALID)
}
