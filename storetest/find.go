package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

func testFindDevices(t *testing.T, open func(tb testing.TB) *Store) {
	e := setup(t, open)
	at := func(first, last int) DeviceOpt {
		return WithSeen(Epoch.Add(time.Duration(first)*time.Minute), Epoch.Add(time.Duration(last)*time.Hour))
	}
	ct := NewDevice("00:09:02:aa:00:01", "10.1.0.5", cordon.CategoryImagingModality, at(0, 6),
		WithHost("CT-SCANNER-1"), WithMaker("Siemens Healthineers", "SOMATOM go.Up"))
	pump := NewDevice("00:40:9d:aa:00:02", "10.1.0.10", cordon.CategoryInfusionPump, at(1, 5),
		WithHost("pump-3"), WithMaker("BD", "Alaris 8015"))
	pump2 := NewDevice("00:40:9d:aa:00:03", "10.1.0.9", cordon.CategoryInfusionPump, at(2, 4),
		WithHost("PUMP-7"), WithMaker("BD", "Alaris 8015"))
	pc := NewDevice("3c:52:82:aa:00:04", "10.2.0.7", cordon.CategoryWorkstation, at(3, 3),
		WithHost("WS-0042"), WithMaker("HP", "EliteDesk 800"))
	printer := NewDevice("00:1b:a9:aa:00:05", "10.2.0.200", cordon.CategoryPrinter, at(4, 2),
		WithHost("prn-ward-2"), WithMaker("Brother", "HL-L6400DW"))
	monitor := NewDevice("00:09:fb:aa:00:06", "10.1.1.20", cordon.CategoryPatientMonitor, at(5, 1),
		WithHost("mx450-bed3"), WithMaker("Philips", "IntelliVue MX450"))
	e.ingest(t, "find.pcap", Devices(ct, pump, pump2, pc, printer, monitor), nil)
	for key, rec := range map[string]cordon.Recorded{
		Key(ct):   {Site: "St Elsewhere", AssetTag: "RAD-0001", Serial: "SN-CT-9"},
		Key(pump): {Site: "St Elsewhere"},
		Key(pc):   {Site: "Annex"},
	} {
		_, err := e.Devices.UpdateRecorded(e.ctx, e.deviceByKey(t, key).ID, rec)
		must(t, err)
	}

	yes, no := true, false
	all := []*cordon.Device{ct, pump, pump2, pc, printer, monitor}
	tests := []struct {
		name    string
		filter  cordon.DeviceFilter
		want    []*cordon.Device // in order when ordered, else as a set
		ordered bool
		total   int // when it differs from len(want)
		code    string
	}{
		{name: "All", want: all},
		{name: "Category", filter: cordon.DeviceFilter{Category: cordon.CategoryInfusionPump}, want: []*cordon.Device{pump, pump2}},
		{name: "ManufacturerAnyCase", filter: cordon.DeviceFilter{Manufacturer: "bd"}, want: []*cordon.Device{pump, pump2}},
		{name: "SiteRecorded", filter: cordon.DeviceFilter{Site: "st elsewhere"}, want: []*cordon.Device{ct, pump}},
		{name: "Medical", filter: cordon.DeviceFilter{Medical: &yes}, want: []*cordon.Device{ct, pump, pump2, monitor}},
		{name: "NotMedical", filter: cordon.DeviceFilter{Medical: &no}, want: []*cordon.Device{pc, printer}},
		{name: "Combined", filter: cordon.DeviceFilter{Medical: &yes, Site: "St Elsewhere", Category: cordon.CategoryInfusionPump}, want: []*cordon.Device{pump}},
		{name: "QueryHostname", filter: cordon.DeviceFilter{Query: "ct-scanner"}, want: []*cordon.Device{ct}},
		{name: "QueryHostnameCase", filter: cordon.DeviceFilter{Query: "Pump-7"}, want: []*cordon.Device{pump2}},
		{name: "QueryIP", filter: cordon.DeviceFilter{Query: "10.1.0.1"}, want: []*cordon.Device{pump}},
		{name: "QueryMAC", filter: cordon.DeviceFilter{Query: "00:40:9D"}, want: []*cordon.Device{pump, pump2}},
		{name: "QueryAssetTag", filter: cordon.DeviceFilter{Query: "rad-0001"}, want: []*cordon.Device{ct}},
		{name: "QuerySerial", filter: cordon.DeviceFilter{Query: "SN-CT-9"}, want: []*cordon.Device{ct}},
		{name: "QueryWords", filter: cordon.DeviceFilter{Query: "  siemens   SOMATOM "}, want: []*cordon.Device{ct}},
		{name: "QueryWordsAcrossFields", filter: cordon.DeviceFilter{Query: "philips bed3"}, want: []*cordon.Device{monitor}},
		{name: "QueryNoMatch", filter: cordon.DeviceFilter{Query: "siemens bed3"}, want: nil},
		{name: "QueryPercentLiteral", filter: cordon.DeviceFilter{Query: "%"}, want: nil},
		{name: "QueryUnderscoreLiteral", filter: cordon.DeviceFilter{Query: "10_1"}, want: nil},
		{name: "QuerySQL", filter: cordon.DeviceFilter{Query: "'; DROP TABLE devices; --"}, want: nil},
		{name: "QueryAndCategory", filter: cordon.DeviceFilter{Query: "alaris", Category: cordon.CategoryInfusionPump, Sort: "-last_seen"},
			want: []*cordon.Device{pump, pump2}, ordered: true},
		{name: "SortIP", filter: cordon.DeviceFilter{Sort: "ip"}, want: []*cordon.Device{ct, pump2, pump, monitor, pc, printer}, ordered: true},
		{name: "SortIPDesc", filter: cordon.DeviceFilter{Sort: "-ip"}, want: []*cordon.Device{printer, pc, monitor, pump, pump2, ct}, ordered: true},
		{name: "SortLastSeenDesc", filter: cordon.DeviceFilter{Sort: "-last_seen"}, want: []*cordon.Device{ct, pump, pump2, pc, printer, monitor}, ordered: true},
		{name: "SortLastSeen", filter: cordon.DeviceFilter{Sort: "last_seen"}, want: []*cordon.Device{monitor, printer, pc, pump2, pump, ct}, ordered: true},
		{name: "SortFirstSeen", filter: cordon.DeviceFilter{Sort: "first_seen"}, want: []*cordon.Device{ct, pump, pump2, pc, printer, monitor}, ordered: true},
		{name: "SortHostname", filter: cordon.DeviceFilter{Sort: "hostname"}, want: []*cordon.Device{ct, monitor, printer, pump, pump2, pc}, ordered: true},
		{name: "SortManufacturerDesc", filter: cordon.DeviceFilter{Sort: "-manufacturer", Site: "St Elsewhere"},
			want: []*cordon.Device{ct, pump}, ordered: true},
		{name: "SortCategory", filter: cordon.DeviceFilter{Sort: "category", Medical: &no}, want: []*cordon.Device{printer, pc}, ordered: true},
		{name: "Page", filter: cordon.DeviceFilter{Sort: "ip", Offset: 2, Limit: 2}, want: []*cordon.Device{pump, monitor}, ordered: true, total: 6},
		{name: "LastPage", filter: cordon.DeviceFilter{Sort: "ip", Offset: 4, Limit: 4}, want: []*cordon.Device{pc, printer}, ordered: true, total: 6},
		{name: "PastTheEnd", filter: cordon.DeviceFilter{Offset: 10}, want: nil, total: 6},
		{name: "HugeLimit", filter: cordon.DeviceFilter{Limit: 1 << 30}, want: all},
		{name: "ErrUnknownSort", filter: cordon.DeviceFilter{Sort: "password"}, code: cordon.EINVALID},
		{name: "ErrSortInjection", filter: cordon.DeviceFilter{Sort: "ip; DROP TABLE devices"}, code: cordon.EINVALID},
		{name: "ErrNegativeOffset", filter: cordon.DeviceFilter{Offset: -1}, code: cordon.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, n, err := e.Devices.FindDevices(e.sys, tt.filter)
			wantCode(t, err, tt.code)
			if err != nil {
				return
			}
			total := tt.total
			if total == 0 {
				total = len(tt.want)
			}
			if n != total {
				t.Errorf("total = %d, want %d", n, total)
			}
			got := make([]string, len(ds))
			for i, d := range ds {
				got[i] = d.Key
			}
			want := make([]string, len(tt.want))
			for i, d := range tt.want {
				want[i] = Key(d)
			}
			if !tt.ordered {
				slices.Sort(got)
				slices.Sort(want)
			}
			if !slices.Equal(got, want) {
				t.Errorf("keys = %q, want %q", got, want)
			}
		})
	}

	t.Run("DefaultPage", func(t *testing.T) {
		e := setup(t, open)
		m := map[string]*cordon.Device{}
		for i := range 60 {
			d := NewDevice("02:00:00:00:01:"+hex2(i), "10.9.0."+itoa(int64(i+1)), cordon.CategoryIoT)
			m[Key(d)] = d
		}
		e.ingest(t, "many.pcap", m, nil)
		ds, n, err := e.Devices.FindDevices(e.sys, cordon.DeviceFilter{})
		must(t, err)
		if n != 60 || len(ds) != 50 {
			t.Errorf("got %d of %d, want the default page of 50 of 60", len(ds), n)
		}
	})
}

func hex2(i int) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[i>>4&0xf], digits[i&0xf]})
}
