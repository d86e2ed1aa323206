package bpf

import (
	"bytes"
	"encoding/binary"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden programs")

// goldens are expressions whose programs are kept in testdata/golden; the
// first ones were checked by hand against the Ethernet, IPv4, IPv6 and ARP
// header layouts.
var goldens = map[string]string{
	"ip":                      "ip",
	"arp":                     "arp",
	"tcp":                     "tcp",
	"icmp":                    "icmp",
	"host_v4":                 "host 10.20.1.5",
	"src_host_v4":             "src host 10.20.1.5",
	"host_v6":                 "host fd00::1",
	"net_v4":                  "net 10.20.0.0/16",
	"dst_net_v6":              "dst net fd00:1::/36",
	"port":                    "port 104",
	"tcp_dst_port":            "tcp dst port 2575",
	"portrange":               "udp portrange 161-162",
	"vlan":                    "vlan 20 and tcp port 104",
	"combined":                "tcp port 104 or 11112 and not net 10.99.0.0/16",
	"parens":                  "not (arp or (udp and port 53))",
	"dicom_hl7_only_modality": "host 10.20.1.5 and (tcp port 104 or tcp port 2575)",
}

func TestGolden(t *testing.T) {
	for name, expr := range goldens {
		t.Run(name, func(t *testing.T) {
			prog, err := Compile(expr, 0)
			if err != nil {
				t.Fatal(err)
			}
			got := "# " + expr + "\n" + FormatRaw(prog)
			path := filepath.Join("testdata", "golden", name+".bpf")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create)", err)
			}
			if got != string(want) {
				t.Errorf("program for %q changed:\n%s\nwant:\n%s", expr, got, want)
			}
			// The golden text is itself a raw program once its comment is gone.
			raw := string(want)[strings.IndexByte(string(want), '\n')+1:]
			if _, err := ParseRaw(raw); err != nil {
				t.Errorf("golden does not parse back: %v", err)
			}
		})
	}
}

// TestGoldenByHand pins the simplest programs instruction by instruction.
func TestGoldenByHand(t *testing.T) {
	prog, err := Compile("ip", 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []Instruction{
		{Op: 0x28, K: 12},                  // ldh [12]
		{Op: 0x15, Jt: 0, Jf: 1, K: 0x800}, // jeq #0x800
		{Op: 0x06, K: DefaultSnapLen},      // ret #262144
		{Op: 0x06, K: 0},                   // ret #0
	}
	if len(prog) != len(want) {
		t.Fatalf("got %v", prog)
	}
	for i := range want {
		if prog[i] != want[i] {
			t.Errorf("instruction %d: got %+v, want %+v", i, prog[i], want[i])
		}
	}
}

// frame builds an Ethernet frame for verdict tests.
func frame(etherType uint16, payload []byte) []byte {
	b := make([]byte, 14, 14+len(payload))
	copy(b, []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
	binary.BigEndian.PutUint16(b[12:], etherType)
	return append(b, payload...)
}

func ipv4(proto byte, src, dst [4]byte, frag uint16, l4 []byte) []byte {
	h := make([]byte, 20)
	h[0] = 0x45
	binary.BigEndian.PutUint16(h[2:], uint16(20+len(l4)))
	binary.BigEndian.PutUint16(h[6:], frag)
	h[8], h[9] = 64, proto
	copy(h[12:], src[:])
	copy(h[16:], dst[:])
	return append(h, l4...)
}

func l4ports(sport, dport uint16) []byte {
	b := make([]byte, 20)
	binary.BigEndian.PutUint16(b, sport)
	binary.BigEndian.PutUint16(b[2:], dport)
	return b
}

func TestVerdicts(t *testing.T) {
	a, b := [4]byte{10, 20, 1, 5}, [4]byte{10, 30, 0, 9}
	dicom := frame(0x800, ipv4(6, a, b, 0, l4ports(40000, 104)))
	hl7 := frame(0x800, ipv4(6, b, a, 0, l4ports(2575, 50000)))
	dns := frame(0x800, ipv4(17, a, b, 0, l4ports(5353, 53)))
	frag := frame(0x800, ipv4(6, a, b, 100, l4ports(40000, 104)))
	arpPkt := frame(0x806, append([]byte{0, 1, 8, 0, 6, 4, 0, 1, 0, 1, 2, 3, 4, 5}, append(a[:], make([]byte, 10)...)...))
	tagged := append(append(append([]byte{}, dicom[:12]...), 0x81, 0, 0, 20), dicom[12:]...)
	cases := []struct {
		expr string
		pkt  []byte
		want bool
	}{
		{"tcp port 104", dicom, true},
		{"tcp port 104", hl7, false},
		{"port 2575", hl7, true},
		{"udp port 104", dicom, false},
		{"src port 40000", dicom, true},
		{"dst port 40000", dicom, false},
		{"portrange 100-110", dicom, true},
		{"portrange 110-100", dicom, true},
		{"portrange 105-110", dicom, false},
		{"port 104", frag, false}, // a later fragment has no ports
		{"host 10.20.1.5", dicom, true},
		{"host 10.20.1.5", arpPkt, true},
		{"ip host 10.20.1.5", arpPkt, false},
		{"src host 10.20.1.5", hl7, false},
		{"dst host 10.20.1.5", hl7, true},
		{"net 10.20.0.0/16", hl7, true},
		{"src net 10.20.0.0/16", hl7, false},
		{"net 10.0.0.0/8 and udp", dns, true},
		{"not udp", dns, false},
		{"! udp", dicom, true},
		{"tcp && port 104 || udp", dns, true},
		{"udp or tcp and port 53", dicom, false}, // (udp or tcp) and port 53
		{"port 80 or 104", dicom, true},
		{"arp", arpPkt, true},
		{"vlan 20 and tcp port 104", tagged, true},
		{"vlan 21", tagged, false},
		{"vlan", dicom, false},
		{"tcp port 104", tagged, false},
		{"host fd00::1", dicom, false},
		{"net 0.0.0.0/0", dicom, true},
	}
	for _, c := range cases {
		prog, err := Compile(c.expr, 0)
		if err != nil {
			t.Errorf("%q: %v", c.expr, err)
			continue
		}
		n, err := Run(prog, c.pkt)
		if err != nil {
			t.Fatal(err)
		}
		if (n != 0) != c.want {
			t.Errorf("%q: verdict %d, want match=%v", c.expr, n, c.want)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	for expr, want := range map[string]string{
		"host":              "host needs a value",
		"host example.org":  `"example.org" is not an IPv4 or IPv6 address`,
		"port 70000":        `"70000" is not a port number`,
		"portrange 10":      "LOW-HIGH",
		"net 10.20.1.0/16":  "host bits set",
		"tcp port 80 and":   "ends where a primitive was expected",
		"(tcp":              "expected )",
		"tcp)":              `character 4: unexpected ")"`,
		"frobnicate":        `unknown primitive "frobnicate"`,
		"tcp & udp":         "needs to be doubled",
		"icmp port 1":       "icmp has no ports",
		"ip6 host 10.0.0.1": "IPv4 address but ip6",
		"vlan 5000":         "VLAN ID",
		"src tcp":           "expected host, net, port or portrange after src",
		"tcp host 10.0.0.1": "tcp cannot qualify host",
	} {
		_, err := Compile(expr, 0)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one containing %q", expr, err, want)
		}
	}
}

func TestParseRaw(t *testing.T) {
	// `tcpdump -ddd -y EN10MB ip` from tcpdump 4.99.
	const lines = "4\n40 0 0 12\n21 0 1 2048\n6 0 0 262144\n6 0 0 0\n"
	a, err := ParseRaw(lines)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse(strings.ReplaceAll(strings.TrimSpace(lines), "\n", ","), 0)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := Compile("ip", 0)
	if FormatRaw(a) != FormatRaw(c) || FormatRaw(b) != FormatRaw(c) {
		t.Errorf("raw programs differ from the compiled one:\n%s%s%s", FormatRaw(a), FormatRaw(b), FormatRaw(c))
	}
	for text, want := range map[string]string{
		"3\n6 0 0 1\n":            "the count says 3 instructions but 1 follow",
		"1\n6 0 0\n":              "not four numbers",
		"1\n6 0 0 x\n":            `"x" is not a 32-bit unsigned number`,
		"1\n40 0 0 12\n":          "last instruction must be a return",
		"2\n21 5 0 1\n6 0 0 0\n":  "jump past the end",
		"2\n52 0 0 0\n6 0 0 0\n":  "division by zero",
		"2\n96 0 0 16\n6 0 0 0\n": "scratch memory index out of range",
		"2\n255 0 0 0\n6 0 0 0\n": "unknown",
	} {
		_, err := ParseRaw(text)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one containing %q", text, err, want)
		}
	}
}

func TestEmptyFilter(t *testing.T) {
	prog, err := Parse("  ", 0)
	if err != nil || prog != nil {
		t.Fatalf("got %v, %v", prog, err)
	}
}

func FuzzCompile(f *testing.F) {
	for _, e := range goldens {
		f.Add(e)
	}
	f.Add("1\n6 0 0 0")
	f.Add("((((not !tcp)))) or vlan 1 and vlan port 1 or 2")
	pkt := frame(0x800, ipv4(6, [4]byte{10, 0, 0, 1}, [4]byte{10, 0, 0, 2}, 0, l4ports(1, 2)))
	f.Fuzz(func(t *testing.T, expr string) {
		prog, err := Parse(expr, 0)
		if err != nil {
			if prog != nil {
				t.Fatal("program returned with an error")
			}
			return
		}
		if prog == nil {
			return
		}
		if err := Validate(prog); err != nil {
			t.Fatalf("%q compiled to an invalid program: %v", expr, err)
		}
		back, err := ParseRaw(FormatRaw(prog))
		if err != nil || !bytes.Equal([]byte(FormatRaw(back)), []byte(FormatRaw(prog))) {
			t.Fatalf("%q: program does not survive the raw format: %v", expr, err)
		}
		Run(prog, pkt) // must not panic; ancillary loads in raw input may error
	})
}
