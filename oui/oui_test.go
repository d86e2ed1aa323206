package oui

import (
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
)

func mustMAC(tb testing.TB, s string) cordon.MAC {
	tb.Helper()
	m, err := cordon.ParseMAC(s)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// The expected names are the registry's own spellings, copied from the
// ieee-data 20220827 CSV files (row: Registry,Assignment,Organization Name).
func TestLookup(t *testing.T) {
	tests := []struct {
		name   string
		mac    string
		want   string
		wantOK bool
	}{
		{"Dell", "98:e7:43:12:34:56", "Dell Inc.", true},
		{"Siemens", "ec:1c:5d:00:00:01", "Siemens AG", true},
		{"GEHealthcare", "44:4b:5d:aa:bb:cc", "GE Healthcare", true},
		{"PhilipsMedicalSystems", "00:09:5c:01:02:03", "Philips Medical Systems - Cardiac and Monitoring Systems (CM", true},
		{"Baxter", "58:46:e1:01:02:03", "Baxter International Inc", true},
		{"CareFusion", "f8:c6:78:01:02:03", "Carefusion", true},
		{"ICUMedicalQuotedName", "00:03:b1:01:02:03", "ICU Medical, Inc.", true},
		{"BBraun", "00:12:21:01:02:03", "B.Braun Melsungen AG", true},
		{"MindrayQuotedName", "00:0f:14:01:02:03", "Mindray Co., Ltd.", true},
		// 14:4f:d7 is an MA-L of the IEEE RA, split into MA-M blocks.
		{"MAMMoreSpecific", "14:4f:d7:e0:00:01", "Edan Instruments, Inc.", true},
		{"MAMFallsBackToMAL", "14:4f:d7:f0:00:01", "IEEE Registration Authority", true},
		// 70:b3:d5 is an MA-L of the IEEE RA, split into MA-S blocks.
		{"MASMoreSpecific", "70:b3:d5:b3:4f:ff", "Medtronic", true},
		{"IABMoreSpecific", "00:50:c2:de:a0:01", "Cerner Corporation", true},
		{"GroupBitIgnored", "01:80:c2:00:00:0e", "IEEE 802.1 Chair", true},
		{"Unknown", "fc:ff:ff:00:00:01", "", false},
		{"LocallyAdministered", "da:a1:19:12:34:56", "", false},
		{"Docker", "02:42:ac:11:00:02", "", false},
		{"Zero", "00:00:00:00:00:00", "", false},
		{"Broadcast", "ff:ff:ff:ff:ff:ff", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Lookup(mustMAC(t, tt.mac))
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Lookup(%s) = %q, %v; want %q, %v", tt.mac, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestKind(t *testing.T) {
	tests := []struct {
		name, mac, want string
	}{
		{"Global", "00:50:56:01:02:03", KindGlobal},
		{"LocalRandomised", "da:a1:19:12:34:56", KindLocal},
		{"LocalQEMU", "52:54:00:12:34:56", KindLocal},
		{"Multicast", "01:00:5e:00:00:fb", KindMulticast},
		{"Broadcast", "ff:ff:ff:ff:ff:ff", KindMulticast},
		{"LocalMulticast", "33:33:00:00:00:01", KindMulticast},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Kind(mustMAC(t, tt.mac)); got != tt.want {
				t.Errorf("Kind(%s) = %q, want %q", tt.mac, got, tt.want)
			}
		})
	}
}

func TestVirtual(t *testing.T) {
	tests := []struct {
		name, mac, want string
		wantOK          bool
	}{
		{"VMware", "00:50:56:9a:01:02", "VMware", true},
		{"VMwareGenerated", "00:0c:29:01:02:03", "VMware", true},
		{"HyperV", "00:15:5d:01:02:03", "Hyper-V", true},
		{"VirtualBox", "08:00:27:01:02:03", "VirtualBox", true},
		{"Xen", "00:16:3e:01:02:03", "Xen", true},
		{"QEMU", "52:54:00:12:34:56", "QEMU/KVM", true},
		{"Docker", "02:42:ac:11:00:02", "Docker", true},
		{"Physical", "98:e7:43:12:34:56", "", false},
		{"Randomised", "da:a1:19:12:34:56", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Virtual(mustMAC(t, tt.mac))
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Virtual(%s) = %q, %v; want %q, %v", tt.mac, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

// TestVirtualPrefixesRegistered checks the IEEE-registered virtual prefixes
// against the registry, so that a mistyped prefix cannot hide.
func TestVirtualPrefixesRegistered(t *testing.T) {
	owners := map[string]string{
		"VMware": "VMware", "Hyper-V": "Microsoft", "VirtualBox": "PCS Systemtechnik",
		"Xen": "Xensource", "Parallels": "Parallels",
	}
	for _, v := range virtualPrefixes {
		var m cordon.MAC
		copy(m[:], v.prefix)
		if m.IsLocal() {
			continue
		}
		org, ok := Lookup(m)
		if !ok || !strings.Contains(org, owners[v.platform]) {
			t.Errorf("prefix % x (%s) is registered to %q, want %q", v.prefix, v.platform, org, owners[v.platform])
		}
	}
}

// TestTableSorted guards the binary search: every table must be strictly
// increasing by prefix, and every id must name an organisation.
func TestTableSorted(t *testing.T) {
	for name, tab := range map[string][]uint64{"maL": maL[:], "maM": maM[:], "maS": maS[:]} {
		if len(tab) == 0 {
			t.Errorf("%s is empty", name)
		}
		for i, e := range tab {
			if i > 0 && tab[i-1]>>16 >= e>>16 {
				t.Fatalf("%s[%d] = %#x is not above %#x", name, i, e, tab[i-1])
			}
			if id := int(uint16(e)); id+1 >= len(orgOff) {
				t.Fatalf("%s[%d] names organisation %d of %d", name, i, id, len(orgOff)-1)
			}
		}
	}
	if int(orgOff[len(orgOff)-1]) != len(orgNames) {
		t.Errorf("last offset %d, want len(orgNames) %d", orgOff[len(orgOff)-1], len(orgNames))
	}
}

func TestLookupAllocs(t *testing.T) {
	m := mustMAC(t, "70:b3:d5:b3:4f:ff")
	if n := testing.AllocsPerRun(100, func() { Lookup(m) }); n != 0 {
		t.Errorf("Lookup allocates %v times per call, want 0", n)
	}
}

var sink string

func BenchmarkLookup(b *testing.B) {
	macs := []cordon.MAC{
		mustMAC(b, "98:e7:43:12:34:56"), // MA-L
		mustMAC(b, "14:4f:d7:e0:00:01"), // MA-M
		mustMAC(b, "70:b3:d5:b3:4f:ff"), // MA-S
		mustMAC(b, "fc:ff:ff:00:00:01"), // unknown
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		sink, _ = Lookup(macs[i%len(macs)])
	}
}

func FuzzLookup(f *testing.F) {
	f.Add([]byte{0x98, 0xe7, 0x43, 0x12, 0x34, 0x56})
	f.Add([]byte{0x70, 0xb3, 0xd5, 0xb3, 0x4f, 0xff})
	f.Add([]byte{0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e})
	f.Fuzz(func(t *testing.T, b []byte) {
		var m cordon.MAC
		copy(m[:], b)
		org, ok := Lookup(m)
		if ok != (org != "") {
			t.Errorf("Lookup(%s) = %q, %v", m, org, ok)
		}
		if ok && m.IsLocal() {
			t.Errorf("Lookup(%s) found %q for a local address", m, org)
		}
		Kind(m)
		Virtual(m)
	})
}
