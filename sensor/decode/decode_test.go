package decode

import (
	"encoding/hex"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/capture"
)

// unhex decodes hex that may contain white space.
func unhex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		tb.Fatalf("unhex: %v", err)
	}
	return b
}

// summary is the part of a Packet the tests compare: slices by length.
type summary struct {
	Src, Dst         cordon.MAC
	HasMAC           bool
	VLAN, EtherType  uint16
	SNAP             uint64
	L2Len            int
	IPVersion        uint8
	SrcIP, DstIP     netip.Addr
	TTL, Proto       uint8
	IPLen            int
	Fragment         bool
	Incomplete       bool
	SrcPort, DstPort uint16
	TCPFlags         uint8
	Seq, Ack         uint32
	Window           uint16
	PayloadLen       int // -1 for a nil Payload
}

func summarize(p *Packet) summary {
	s := summary{
		Src: p.SrcMAC, Dst: p.DstMAC, HasMAC: p.HasMAC, VLAN: p.VLAN, EtherType: p.EtherType, SNAP: p.SNAP,
		L2Len: len(p.L2Payload), IPVersion: p.IPVersion, SrcIP: p.SrcIP, DstIP: p.DstIP, TTL: p.TTL,
		Proto: p.Proto, IPLen: p.IPLen, Fragment: p.Fragment, Incomplete: p.Incomplete,
		SrcPort: p.SrcPort, DstPort: p.DstPort, TCPFlags: p.TCPFlags, Seq: p.Seq, Ack: p.Ack,
		Window: p.Window, PayloadLen: len(p.Payload),
	}
	if p.Payload == nil {
		s.PayloadLen = -1
	}
	return s
}

func mac(s string) cordon.MAC {
	m, err := cordon.ParseMAC(s)
	if err != nil {
		panic(err)
	}
	return m
}

var (
	ip   = netip.MustParseAddr
	lo4  = ip("127.0.0.1")
	lo6  = ip("::1")
	tNow = time.Unix(1795873162, 0)
)

// TestDecodeReal decodes real frames and compares with Wireshark's fields
// (see the comments on the constants in frames_test.go).
func TestDecodeReal(t *testing.T) {
	tests := []struct {
		name string
		link capture.LinkType
		hex  string
		want summary
	}{
		{"VLAN", capture.LinkEthernet, snmpVLAN, summary{
			Src: mac("00:05:00:00:00:08"), HasMAC: true, VLAN: 1308, EtherType: 0x0800,
			L2Len: 57, IPVersion: 4, SrcIP: ip("10.100.253.146"), DstIP: ip("10.99.8.88"), TTL: 62, Proto: 17,
			IPLen: 57, SrcPort: 161, DstPort: 43242, PayloadLen: 37 - 8}},
		{"DoubleVLANPPPoE", capture.LinkEthernet, dnsQinQPPPoE, summary{
			Src: mac("d4:94:e8:0e:ad:c1"), Dst: mac("00:00:00:00:00:01"), HasMAC: true, VLAN: 785, EtherType: 0x0800,
			L2Len: 61, IPVersion: 4, SrcIP: ip("82.178.113.245"), DstIP: ip("82.178.158.181"), TTL: 64, Proto: 17,
			IPLen: 61, SrcPort: 47255, DstPort: 53, PayloadLen: 41 - 8}},
		{"Null", capture.LinkNull, opcuaNull, summary{
			EtherType: 0x0800, L2Len: 64, IPVersion: 4, SrcIP: lo4, DstIP: lo4, TTL: 64, Proto: 6, IPLen: 64,
			SrcPort: 57420, DstPort: 4840, TCPFlags: TCPSyn, Seq: 1632635543, Window: 65535, PayloadLen: 0}},
		{"LLC", capture.LinkEthernet, ipxLLC, summary{
			Src: mac("00:03:47:1b:c1:a8"), Dst: mac("ff:ff:ff:ff:ff:ff"), HasMAC: true, L2Len: 81, PayloadLen: -1}},
		{"LLCTwoByteControl", capture.LinkEthernet, netbeuiIFrame, summary{
			Src: mac("00:0c:29:d4:79:b2"), Dst: mac("00:50:56:33:78:9e"), HasMAC: true, L2Len: 0, PayloadLen: -1}},
		{"SNAP", capture.LinkEthernet, cdpSNAP, summary{
			Src: mac("00:19:06:ea:b8:85"), Dst: mac("01:00:0c:cc:cc:cc"), HasMAC: true, SNAP: 0x00000c2000,
			L2Len: 386 - 8, PayloadLen: -1}},
		{"ARP", capture.LinkEthernet, arpRequest, summary{
			Src: mac("00:1b:63:98:bf:36"), Dst: mac("ff:ff:ff:ff:ff:ff"), HasMAC: true, EtherType: 0x0806,
			L2Len: 28, PayloadLen: -1}},
		{"PaddingTrimmedICMP", capture.LinkEthernet, icmpPadded, summary{
			Src: mac("00:50:56:33:78:9e"), Dst: mac("01:00:5e:00:00:02"), HasMAC: true, EtherType: 0x0800,
			L2Len: 28, IPVersion: 4, SrcIP: ip("192.168.239.129"), DstIP: ip("224.0.0.2"), TTL: 128, Proto: 1,
			IPLen: 28, PayloadLen: 8}},
		{"PaddingTrimmedTCP", capture.LinkEthernet, iec104Padded, summary{
			Src: mac("00:12:00:c6:4a:c0"), Dst: mac("78:2b:cb:2b:b9:56"), HasMAC: true, EtherType: 0x0800,
			L2Len: 40, IPVersion: 4, SrcIP: ip("10.175.211.1"), DstIP: ip("10.119.105.26"), TTL: 125, Proto: 6,
			IPLen: 40, SrcPort: 2404, DstPort: 54768, TCPFlags: TCPAck, Seq: 1218493303, Ack: 5837653,
			Window: 65001, PayloadLen: 0}},
		{"IPv6UDP", capture.LinkEthernet, dhcpv6, summary{
			Src: mac("00:01:02:03:04:05"), Dst: mac("33:33:00:01:00:02"), HasMAC: true, EtherType: 0x86dd,
			L2Len: 96, IPVersion: 6, SrcIP: ip("fe80::201:2ff:fe03:405"), DstIP: ip("ff02::1:2"), TTL: 64,
			Proto: 17, IPLen: 96, SrcPort: 546, DstPort: 547, PayloadLen: 56 - 8}},
		{"SLLLoopback", capture.LinkLinuxSLL, synSLL, summary{
			EtherType: 0x0800, L2Len: 60, IPVersion: 4, SrcIP: lo4, DstIP: lo4, TTL: 64, Proto: 6, IPLen: 60,
			SrcPort: 38850, DstPort: 8080, TCPFlags: TCPSyn, Seq: 3123252483, Window: 64480, PayloadLen: 0}},
		{"SLL2FirstFragment", capture.LinkLinuxSLL2, fragSLL2v4a, summary{
			EtherType: 0x0800, L2Len: 1276, IPVersion: 4, SrcIP: lo4, DstIP: lo4, TTL: 64, Proto: 17, IPLen: 1276,
			Fragment: true, Incomplete: true, PayloadLen: -1}},
		{"SLL2IPv6FirstFragment", capture.LinkLinuxSLL2, fragSLL2v6a, summary{
			EtherType: 0x86dd, L2Len: 1280, IPVersion: 6, SrcIP: lo6, DstIP: lo6, TTL: 64, Proto: 17, IPLen: 1280,
			Fragment: true, Incomplete: true, PayloadLen: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDecoder(Config{})
			var p Packet
			if err := d.Decode(tt.link, tNow, unhex(t, tt.hex), &p); err != nil {
				t.Fatal(err)
			}
			if got := summarize(&p); got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// TestReassembleReal feeds the real fragment pairs in both orders and
// checks the reassembled UDP datagram against Wireshark's reassembly.
func TestReassembleReal(t *testing.T) {
	payload := strings.Repeat("cordon-fragment-test-", 100)[:1300]
	tests := []struct {
		name       string
		frames     []string
		ipv        uint8
		src        netip.Addr
		sport      uint16
		ipLen      int
		l2LastFrag int
	}{
		{"IPv4InOrder", []string{fragSLL2v4a, fragSLL2v4b}, 4, lo4, 42469, 20 + 1308, 72},
		{"IPv4Reversed", []string{fragSLL2v4b, fragSLL2v4a}, 4, lo4, 42469, 20 + 1308, 1276},
		{"IPv6InOrder", []string{fragSLL2v6a, fragSLL2v6b}, 6, lo6, 55102, 40 + 1308, 124},
		{"IPv6Reversed", []string{fragSLL2v6b, fragSLL2v6a}, 6, lo6, 55102, 40 + 1308, 1280},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDecoder(Config{})
			var p Packet
			if err := d.Decode(capture.LinkLinuxSLL2, tNow, unhex(t, tt.frames[0]), &p); err != nil {
				t.Fatal(err)
			}
			if !p.Fragment || !p.Incomplete || p.Payload != nil || p.SrcPort != 0 || p.Proto != ProtoUDP {
				t.Fatalf("first fragment: %+v", summarize(&p))
			}
			if err := d.Decode(capture.LinkLinuxSLL2, tNow, unhex(t, tt.frames[1]), &p); err != nil {
				t.Fatal(err)
			}
			want := summary{EtherType: map[uint8]uint16{4: 0x0800, 6: 0x86dd}[tt.ipv], L2Len: tt.l2LastFrag,
				IPVersion: tt.ipv, SrcIP: tt.src, DstIP: tt.src, TTL: 64, Proto: ProtoUDP, IPLen: tt.ipLen,
				Fragment: true, SrcPort: tt.sport, DstPort: 5514, PayloadLen: 1300}
			if got := summarize(&p); got != want {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
			if string(p.Payload) != payload {
				t.Errorf("payload = %q…, want %q…", p.Payload[:40], payload[:40])
			}
			s := d.Stats()
			if s.Fragments != 2 || s.Reassembled != 1 || s.PendingDatagrams != 0 || s.PendingBytes != 0 {
				t.Errorf("stats = %+v", s)
			}
		})
	}
}
