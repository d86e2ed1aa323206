package proto

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
)

// Helpers shared by the tests of the frame and datagram dissectors (ARP,
// DHCP, DHCPv6, DNS, mDNS, LLMNR, NBNS, SSDP, LLDP, CDP, SNMP).

// udpEnd builds a datagram endpoint; mac may be "".
func udpEnd(tb testing.TB, mac, ip string, port uint16) cordon.Endpoint {
	tb.Helper()
	var e cordon.Endpoint
	if mac != "" {
		m, err := cordon.ParseMAC(mac)
		if err != nil {
			tb.Fatal(err)
		}
		e.MAC = m
	}
	if ip != "" {
		e.IP = netip.MustParseAddr(ip)
	}
	e.Port = port
	return e
}

// mustMAC parses a MAC address or fails the test.
func mustMAC(tb testing.TB, s string) cordon.MAC {
	tb.Helper()
	m, err := cordon.ParseMAC(s)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// hexZeros returns n zero bytes in hex, for the long empty stretches of
// real packets (BOOTP's sname and file fields).
func hexZeros(n int) string { return strings.Repeat("00", n) }

// factString formats an emitted fact for comparison and failure messages.
func factString(f emitted) string {
	return fmt.Sprintf("%s=%q about {%s %s %d}", f.Fact, f.Value, f.About.MAC, f.About.IP, f.About.Port)
}

// sameFacts fails unless got and want hold the same facts, in any order.
func sameFacts(tb testing.TB, got, want []emitted) {
	tb.Helper()
	g := make([]string, len(got))
	for i, f := range got {
		g[i] = factString(f)
	}
	w := make([]string, len(want))
	for i, f := range want {
		w[i] = factString(f)
	}
	slices.Sort(g)
	slices.Sort(w)
	if !slices.Equal(g, w) {
		tb.Errorf("facts differ\ngot:\n  %s\nwant:\n  %s", strings.Join(g, "\n  "), strings.Join(w, "\n  "))
	}
}

// datagramCase is one datagram dissector test on captured bytes.
type datagramCase struct {
	name     string
	src, dst cordon.Endpoint
	payload  string // hex
	ok       bool
	want     []emitted
}

// runDatagramCases runs the cases through dis, checking the result and the
// exact set of facts emitted.
func runDatagramCases(t *testing.T, dis DatagramDissector, tests []datagramCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Datagram{Src: tt.src, Dst: tt.dst, Payload: unhex(t, tt.payload)}
			var c collector
			if got := dis.Parse(&d, &c); got != tt.ok {
				t.Errorf("Parse = %v, want %v", got, tt.ok)
			}
			c.checkValues(t)
			sameFacts(t, c.facts, tt.want)
		})
	}
}

// fuzzDatagram runs dis on arbitrary payloads in both directions of each of
// its ports and checks that emitted values keep the contract.
func fuzzDatagram(f *testing.F, dis DatagramDissector, seeds ...string) {
	for _, s := range seeds {
		f.Add(unhex(f, s))
	}
	client := cordon.Endpoint{MAC: cordon.MAC{0x02, 0, 0, 0, 0, 1}, IP: netip.MustParseAddr("10.0.0.1"), Port: 49152}
	server := cordon.Endpoint{MAC: cordon.MAC{0x02, 0, 0, 0, 0, 2}, IP: netip.MustParseAddr("10.0.0.2")}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, port := range dis.Ports {
			srv := server
			srv.Port = port
			for _, d := range []Datagram{{Src: client, Dst: srv, Payload: b}, {Src: srv, Dst: client, Payload: b}} {
				var c collector
				dis.Parse(&d, &c)
				c.checkValues(t)
			}
		}
	})
}

// Captured DNS messages (UDP payloads).
const (
	// packetgen/dns.pcapng frame 1: "Standard query 0x0d10 ANY
	// www.google.com OPT" from 2a01:e35:8b7f:9c10:128b:3c32:c3e4:c01b.32773.
	dnsGoogleQuery = "0d10012000010000000000010377777706676f6f676c6503636f6d0000ff0001" +
		"0000291000000000000000"
	// packetgen/dns.pcapng frame 2: "Standard query response 0x0d10 ANY
	// www.google.com A 216.58.212.132 AAAA 2a00:1450:400e:800::2004 OPT".
	dnsGoogleResponse = "0d10818000010002000000010377777706676f6f676c6503636f6d0000ff0001" +
		"c00c00010001000000bd0004d83ad484c00c001c0001000000cc00102a001450" +
		"400e080000000000000020040000291000000000000000"
	// tcpdump-tests/dns_udp.pcap frame 2: "Standard query response 0x5934
	// A www.tcpdump.org A 192.139.46.66 A 198.199.88.104 NS
	// sns.cooperix.net NS nic.sandelman.ca A 209.87.249.18 AAAA
	// 2607:f0b0:f::babe:f00d A 97.107.133.15 AAAA 2600:3c03::f03c:91ff:fe96:e8ef OPT"
	// (the last four in the additional section).
	dnsTcpdumpResponse = "593485000001000200020005037777770774637064756d70036f726700000100" +
		"01c00c000100010000003c0004c08b2e42c00c000100010000003c0004c6c758" +
		"68c0100002000100015180001203736e7308636f6f7065726978036e657400c0" +
		"1000020001000151800012036e69630973616e64656c6d616e02636100c06b00" +
		"0100010000012c0004d157f912c06b001c00010000012c00102607f0b0000f00" +
		"0000000000babef00dc04d0001000100001c200004616b850fc04d001c000100" +
		"001c20001026003c0300000000f03c91fffe96e8ef0000291000000000000000"
	// ndpi/dns.pcap frame 5: "Standard query response 0x7843 A
	// e7.whatsapp.net" with eight A answers 169.45.219.235 … 169.45.219.232.
	dnsWhatsappResponse = "784381800001000800000000026537087768617473617070036e657400000100" +
		"01c00c00010001000001eb0004a92ddbebc00c00010001000001eb0004a92f28" +
		"8ec00c00010001000001eb0004a92df879c00c00010001000001eb00046ca8b0" +
		"eac00c00010001000001eb0004a92df8bdc00c00010001000001eb0004a92df8" +
		"b4c00c00010001000001eb0004a935514fc00c00010001000001eb0004a92ddb" +
		"e8"
	// ndpi/dns.pcap frame 2: "Standard query 0xbc1f AAAA www.example.com"
	// from 192.168.170.8.32795.
	dnsExampleQuery = "bc1f0100000100000000000003777777076578616d706c6503636f6d00001c00" +
		"01"
	// Hand-built: a PTR query for 4.3.2.1.in-addr.arpa (no reverse
	// lookup in the shared captures).
	dnsReverseQuery = "12340100000100000000000001340133013201310769" +
		"6e2d61646472046172706100000c0001"
)

func TestDNS(t *testing.T) {
	v6Client := udpEnd(t, "", "2a01:e35:8b7f:9c10:128b:3c32:c3e4:c01b", 32773)
	v6Server := udpEnd(t, "", "2620:0:ccc::2", 53)
	tdClient := udpEnd(t, "", "192.168.1.11", 43966)
	tdServer := udpEnd(t, "", "209.87.249.18", 53)
	waClient := udpEnd(t, "", "82.178.113.245", 47255)
	waServer := udpEnd(t, "", "82.178.158.181", 53)
	exClient := udpEnd(t, "", "192.168.170.8", 32795)
	exServer := udpEnd(t, "", "192.168.170.20", 53)
	tests := []datagramCase{
		{"Query", v6Client, v6Server, dnsGoogleQuery, true, []emitted{
			{v6Client, "dns.query", "www.google.com"},
		}},
		{"QueryAAAA", exClient, exServer, dnsExampleQuery, true, []emitted{
			{exClient, "dns.query", "www.example.com"},
		}},
		{"ResponseAAndAAAA", v6Server, v6Client, dnsGoogleResponse, true, []emitted{
			{v6Client, "dns.answer", "www.google.com=216.58.212.132"},
			{v6Client, "dns.answer", "www.google.com=2a00:1450:400e:800::2004"},
		}},
		{"ResponseSkipsAdditional", tdServer, tdClient, dnsTcpdumpResponse, true, []emitted{
			{tdClient, "dns.answer", "www.tcpdump.org=192.139.46.66"},
			{tdClient, "dns.answer", "www.tcpdump.org=198.199.88.104"},
		}},
		{"ResponseCapped", waServer, waClient, dnsWhatsappResponse, true, []emitted{
			{waClient, "dns.answer", "e7.whatsapp.net=169.45.219.235"},
			{waClient, "dns.answer", "e7.whatsapp.net=169.47.40.142"},
			{waClient, "dns.answer", "e7.whatsapp.net=169.45.248.121"},
			{waClient, "dns.answer", "e7.whatsapp.net=108.168.176.234"},
		}},
		{"ReverseLookupSkipped", exClient, exServer, dnsReverseQuery, true, nil},
		{"ResponseToPort53Ignored", v6Server, udpEnd(t, "", "2620:0:ccc::3", 53), dnsGoogleResponse, true, nil},
		{"NotDNS", exClient, exServer, "474554202f20485454502f312e310d0a", false, nil},
		{"Short", exClient, exServer, "bc1f01", false, nil},
	}
	runDatagramCases(t, DNS, tests)
}

func TestDNSName(t *testing.T) {
	tests := []struct {
		name string
		msg  string
		off  int
		want string
		ok   bool
	}{
		{"Plain", "03777777076578616d706c6503636f6d00", 0, "www.example.com", true},
		{"Root", "00", 0, "", true},
		{"Pointer", "076578616d706c6500" + "03777777c000", 9, "www.example", true},
		{"SelfLoop", "c000", 0, "", false},
		{"ForwardPointer", "c002" + "0161" + "00", 0, "", false},
		{"MutualLoop", "0161c004" + "0162c000", 4, "", false},
		{"Truncated", "07777777", 0, "", false},
		{"BadLabelType", "4061", 0, "", false},
		{"TooLong", strings.Repeat("3f"+strings.Repeat("61", 63), 5) + "00", 0, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf [dnsMaxName]byte
			got, ok := dnsName(unhex(t, tt.msg), tt.off, buf[:])
			if ok != tt.ok || string(got) != tt.want {
				t.Errorf("dnsName = %q, %v; want %q, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestCleanValue(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"OK", "R1.lab.local", "R1.lab.local"},
		// Clean keeps the folded space when the rune after it no
		// longer fits (found by FuzzSSDP).
		{"SpaceBeforeCut", strings.Repeat("0", MaxValue-2) + "\x00\u4883", strings.Repeat("0", MaxValue-2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cleanValue([]byte(tt.in)); got != tt.want {
				t.Errorf("cleanValue = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDNSAllocs(t *testing.T) {
	d := Datagram{
		Src:     udpEnd(t, "", "192.168.170.8", 32795),
		Dst:     udpEnd(t, "", "192.168.170.20", 53),
		Payload: unhex(t, dnsReverseQuery),
	}
	var c collector
	// A reverse lookup emits nothing, so parsing must not allocate.
	if n := testing.AllocsPerRun(100, func() { parseDNS(&d, &c) }); n != 0 {
		t.Errorf("parseDNS allocates %v times per message, want 0", n)
	}
}

func FuzzDNS(f *testing.F) {
	seeds := []string{dnsGoogleQuery, dnsGoogleResponse, dnsTcpdumpResponse, dnsWhatsappResponse,
		dnsReverseQuery, mdnsProbe, mdnsResponse, llmnrQuery}
	for _, s := range seeds {
		f.Add(unhex(f, s))
	}
	client := udpEnd(f, "02:00:00:00:00:01", "10.0.0.1", 5353)
	server := udpEnd(f, "02:00:00:00:00:02", "10.0.0.2", 53)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, dis := range []DatagramDissector{DNS, MDNS, LLMNR} {
			for _, d := range []Datagram{{Src: client, Dst: server, Payload: b}, {Src: server, Dst: client, Payload: b}} {
				var c collector
				dis.Parse(&d, &c)
				c.checkValues(t)
			}
		}
	})
}
