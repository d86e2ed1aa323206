package reconcile

import (
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
)

// FuzzReconcile reads any CSV through its suggested mapping and reconciles
// it with a fixed ward: every row lands in exactly one list, no device is
// matched twice, and the export of the result never starts a cell with a
// formula character.
func FuzzReconcile(f *testing.F) {
	f.Add([]byte(ebmeExport))
	f.Add([]byte("key,mac,serial\nmac:00:1b:63:84:45:e6,,\nrec:9,00:1b:63:84:45:e6,SN-1\n,,SN-1\n"))
	f.Add([]byte("Network Name,IP Address\nct-scan-01.trust.nhs.uk,\n,10.1.2.15\nRAD-WS,\n"))
	mac := func(s string) cordon.MAC { m, _ := cordon.ParseMAC(s); return m }
	devices := []*cordon.DeviceRecord{
		{ID: 1, Key: "mac:00:1b:63:84:45:e6", Observed: &cordon.Device{MAC: mac("00:1b:63:84:45:e6"), IPs: []string{"10.1.2.15"}, Hostnames: []string{"CT-SCAN-01"}}},
		{ID: 2, Key: "mac:f8:bc:12:00:00:01", Observed: &cordon.Device{MAC: mac("f8:bc:12:00:00:01"), Hostnames: []string{"RAD-WS"}}},
		{ID: 3, Key: "mac:f8:bc:12:00:00:02", Observed: &cordon.Device{MAC: mac("f8:bc:12:00:00:02"), Hostnames: []string{"rad-ws"}}},
		{ID: 9, Key: "rec:9", Recorded: cordon.Recorded{Serial: "SN-1", AssetTag: "=1"}},
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _, m, err := Headers(strings.NewReader(string(data)), 0)
		if err != nil {
			return
		}
		rows, _, err := Parse(strings.NewReader(string(data)), m)
		if err != nil {
			return
		}
		res := Reconcile(rows, devices)
		if n := len(res.Matched) + len(res.RegisterOnly) + len(res.Ambiguous); n != len(rows) {
			t.Fatalf("%d rows, %d in the lists", len(rows), n)
		}
		taken := map[int64]bool{}
		for _, mt := range res.Matched {
			if taken[mt.Device.ID] {
				t.Fatalf("device %d matched twice", mt.Device.ID)
			}
			taken[mt.Device.ID] = true
			after := Apply(mt.Device.Recorded, mt.Row.Recorded)
			for _, c := range ExportRow(&cordon.DeviceRecord{ID: mt.Device.ID, Key: mt.Device.Key, Recorded: after, Observed: mt.Device.Observed}) {
				if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
					t.Fatalf("formula cell %q", c)
				}
			}
		}
	})
}
