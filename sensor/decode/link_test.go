package decode

import (
	"errors"
	"strings"
	"testing"

	"github.com/cordonsec/cordon/capture"
)

// TestDecodeBuilt covers link types and headers the shared captures lack.
func TestDecodeBuilt(t *testing.T) {
	udpPkt := ipv4(ProtoUDP, 1, 0, false, udp(1000, 53, pattern(10, 0)))
	udpWant := summary{EtherType: 0x0800, L2Len: 38, IPVersion: 4, SrcIP: v4A, DstIP: v4B, TTL: 64,
		Proto: ProtoUDP, IPLen: 38, SrcPort: 1000, DstPort: 53, PayloadLen: 10}
	withMAC := func(s summary) summary { s.Src, s.Dst, s.HasMAC = macA, macB, true; return s }
	withVLAN := func(s summary, v uint16) summary { s = withMAC(s); s.VLAN = v; return s }
	srcOnly := func(s summary) summary { s.Src, s.HasMAC = macA, true; return s }
	v6 := func(nh uint8, rest []byte, proto uint8, sport uint16, payload int) summary {
		return summary{EtherType: 0x86dd, L2Len: 40 + len(rest), IPVersion: 6, SrcIP: v6A, DstIP: v6B, TTL: 64,
			Proto: proto, IPLen: 40 + len(rest), SrcPort: sport, DstPort: map[bool]uint16{true: 80}[sport != 0],
			TCPFlags: map[bool]uint8{true: TCPSyn}[proto == ProtoTCP], Seq: map[bool]uint32{true: 1000}[proto == ProtoTCP],
			Ack: map[bool]uint32{true: 2000}[proto == ProtoTCP], Window: map[bool]uint16{true: 8192}[proto == ProtoTCP],
			PayloadLen: payload}
	}
	tcpSeg := tcp(40000, 80, TCPSyn, []byte{2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, []byte("hi"))
	sll := func(hatype uint16, alen uint16, proto uint16) []byte {
		return cat(be16(0), be16(hatype), be16(alen), macA[:], []byte{0, 0}, be16(proto))
	}
	sll2 := func(proto uint16, hatype uint16, ptype, alen byte) []byte {
		return cat(be16(proto), be16(0), []byte{0, 0, 0, 3}, be16(hatype), []byte{ptype, alen}, macA[:], []byte{0, 0})
	}
	tests := []struct {
		name string
		link capture.LinkType
		data []byte
		want summary
	}{
		{"QinQ88a8", capture.LinkEthernet, cat(eth(0x0800, 0x88a8, 100, 0x8100, 0x2000|200), udpPkt), withVLAN(udpWant, 200)},
		{"QinQ9100", capture.LinkEthernet, cat(eth(0x0800, 0x9100, 7, 0x8100, 4095), udpPkt), withVLAN(udpWant, 4095)},
		{"TripleTag", capture.LinkEthernet, cat(eth(0x0800, 0x88a8, 1, 0x8100, 2, 0x8100, 3), udpPkt), withVLAN(udpWant, 3)},
		{"VLANThen8023", capture.LinkEthernet, cat(eth(6, 0x8100, 9), []byte{0x42, 0x42, 0x03, 0, 0, 0, 0xff, 0xff}),
			summary{Src: macA, Dst: macB, HasMAC: true, VLAN: 9, L2Len: 3, PayloadLen: -1}},
		{"SNAPRFC1042IPv4", capture.LinkEthernet, cat(eth(uint16(8+len(udpPkt))), []byte{0xaa, 0xaa, 3, 0, 0, 0, 8, 0}, udpPkt),
			func() summary { s := withMAC(udpWant); s.SNAP = 0x0800; return s }()},
		{"EthernetPaddingAfterUDP", capture.LinkEthernet, cat(eth(0x0800), udpPkt, make([]byte, 8)), withMAC(udpWant)},
		{"SLLEthernetOutgoing", capture.LinkLinuxSLL, cat(sll(1, 6, 0x0800), udpPkt), srcOnly(udpWant)},
		{"SLLLLC", capture.LinkLinuxSLL, cat(sll(1, 6, 4), []byte{0x42, 0x42, 3, 1, 2, 3}),
			summary{Src: macA, HasMAC: true, L2Len: 3, PayloadLen: -1}},
		{"SLLNetlink", capture.LinkLinuxSLL, cat(sll(824, 0, 0), pattern(20, 0)), summary{L2Len: 20, PayloadLen: -1}},
		{"SLLShortAddress", capture.LinkLinuxSLL, cat(sll(512, 0, 0x0800), udpPkt), udpWant},
		{"SLL2Ethernet", capture.LinkLinuxSLL2, cat(sll2(0x0800, 1, 4, 6), udpPkt), srcOnly(udpWant)},
		{"SLL2ARP", capture.LinkLinuxSLL2, cat(sll2(0x0806, 1, 1, 6), pattern(28, 0)),
			summary{Src: macA, HasMAC: true, EtherType: 0x0806, L2Len: 28, PayloadLen: -1}},
		{"SLL2VLAN", capture.LinkLinuxSLL2, cat(sll2(0x8100, 1, 0, 6), be16(33), be16(0x0800), udpPkt),
			func() summary { s := srcOnly(udpWant); s.VLAN = 33; return s }()},
		{"NullLittleEndianIPv4", capture.LinkNull, cat([]byte{2, 0, 0, 0}, udpPkt), udpWant},
		{"NullBigEndianIPv4", capture.LinkNull, cat([]byte{0, 0, 0, 2}, udpPkt), udpWant},
		{"NullLittleEndianIPv6_24", capture.LinkNull, cat([]byte{24, 0, 0, 0}, ipv6(ProtoTCP, tcpSeg)), v6(ProtoTCP, tcpSeg, ProtoTCP, 40000, 2)},
		{"NullBigEndianIPv6_28", capture.LinkNull, cat([]byte{0, 0, 0, 28}, ipv6(ProtoTCP, tcpSeg)), v6(ProtoTCP, tcpSeg, ProtoTCP, 40000, 2)},
		{"NullIPv6_30", capture.LinkNull, cat([]byte{30, 0, 0, 0}, ipv6(ProtoTCP, tcpSeg)), v6(ProtoTCP, tcpSeg, ProtoTCP, 40000, 2)},
		{"NullOtherFamily", capture.LinkNull, cat([]byte{7, 0, 0, 0}, pattern(10, 0)), summary{L2Len: 10, PayloadLen: -1}},
		{"Loop", capture.LinkLoop, cat([]byte{0, 0, 0, 2}, udpPkt), udpWant},
		{"Raw4", capture.LinkRaw, udpPkt, udpWant},
		{"Raw12", 12, udpPkt, udpWant},
		{"Raw14", 14, udpPkt, udpWant},
		{"IPv4Link", capture.LinkIPv4, udpPkt, udpWant},
		{"IPv6Link", capture.LinkIPv6, ipv6(ProtoTCP, tcpSeg), v6(ProtoTCP, tcpSeg, ProtoTCP, 40000, 2)},
		{"IPv6ExtHeaders", capture.LinkRaw, ipv6(0, cat(ext(43, 2), ext(60, 1), ext(ProtoTCP, 3), tcpSeg)),
			v6(0, cat(ext(43, 2), ext(60, 1), ext(ProtoTCP, 3), tcpSeg), ProtoTCP, 40000, 2)},
		{"IPv6AH", capture.LinkRaw, ipv6(51, cat([]byte{ProtoTCP, 4, 0, 0}, make([]byte, 20), tcpSeg)),
			v6(51, cat([]byte{ProtoTCP, 4, 0, 0}, make([]byte, 20), tcpSeg), ProtoTCP, 40000, 2)},
		{"IPv6NoNextHeader", capture.LinkRaw, ipv6(0, ext(59, 1)), v6(0, ext(59, 1), 59, 0, 0)},
		{"IPv6AtomicFragment", capture.LinkRaw, ipv6(44, cat(frag6(ProtoTCP, 0, false, 9), tcpSeg)),
			v6(44, cat(frag6(ProtoTCP, 0, false, 9), tcpSeg), ProtoTCP, 40000, 2)},
		{"TSOZeroTotalLength", capture.LinkRaw, func() []byte {
			b := ipv4(ProtoUDP, 1, 0, false, udp(1000, 53, pattern(10, 0)))
			b[2], b[3] = 0, 0
			return b
		}(),
			func() summary { s := udpWant; s.IPLen = 38; return s }()},
		{"CutBySnaplen", capture.LinkRaw, udpPkt[:30],
			func() summary { s := udpWant; s.L2Len = 30; s.PayloadLen = 2; return s }()},
		{"UDPLengthBoundsPayload", capture.LinkRaw, ipv4(ProtoUDP, 1, 0, false, cat(udp(1, 2, pattern(4, 0)), pattern(6, 0))),
			summary{EtherType: 0x0800, L2Len: 38, IPVersion: 4, SrcIP: v4A, DstIP: v4B, TTL: 64, Proto: ProtoUDP,
				IPLen: 38, SrcPort: 1, DstPort: 2, PayloadLen: 4}},
		{"OtherProtocol", capture.LinkRaw, ipv4(47, 1, 0, false, pattern(12, 0)),
			summary{EtherType: 0x0800, L2Len: 32, IPVersion: 4, SrcIP: v4A, DstIP: v4B, TTL: 64, Proto: 47,
				IPLen: 32, PayloadLen: 12}},
		{"IPv4Options", capture.LinkRaw, func() []byte {
			b := ipv4(ProtoUDP, 1, 0, false, nil)
			b = cat(b, []byte{0x94, 4, 0, 0}, udp(1000, 53, pattern(10, 0))) // router alert
			b[0] = 0x46
			b[3] += 4 + 18
			return b
		}(), func() summary { s := udpWant; s.L2Len, s.IPLen = 42, 42; return s }()},
		{"PPPoENonIP", capture.LinkEthernet, cat(eth(0x8864), []byte{0x11, 0, 0, 1, 0, 4, 0xc0, 0x21, 1, 2}),
			summary{Src: macA, Dst: macB, HasMAC: true, EtherType: 0x8864, L2Len: 10, PayloadLen: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDecoder(Config{})
			var p Packet
			if err := d.Decode(tt.link, tNow, tt.data, &p); err != nil {
				t.Fatal(err)
			}
			if got := summarize(&p); got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	good := ipv4(ProtoTCP, 1, 0, false, tcp(1, 2, TCPSyn, nil, nil))
	mod := func(b []byte, i int, v byte) []byte { c := append([]byte(nil), b...); c[i] = v; return c }
	tests := []struct {
		name  string
		link  capture.LinkType
		data  []byte
		layer string
		want  string
	}{
		{"UnknownLink", 147, good, "link", "link: unsupported link type 147"},
		{"ShortEthernet", capture.LinkEthernet, make([]byte, 13), "ethernet", "ethernet: frame of 13 bytes is shorter than the 14-byte header"},
		{"BadTypeLength", capture.LinkEthernet, cat(eth(0x05f0), good), "ethernet", "ethernet: type/length field 0x05f0 is neither"},
		{"ShortVLAN", capture.LinkEthernet, cat(eth(0x8100), []byte{0, 1}), "vlan", "vlan: tag of 2 bytes"},
		{"ShortLLC", capture.LinkEthernet, cat(eth(2), []byte{0x42, 0x42}), "llc", "llc: header of 2 bytes"},
		{"ShortSNAP", capture.LinkEthernet, cat(eth(5), []byte{0xaa, 0xaa, 3, 0, 0}), "llc", "llc: SNAP header of 5 bytes"},
		{"ShortSLL", capture.LinkLinuxSLL, make([]byte, 15), "sll", "sll: header of 15 bytes is shorter than 16"},
		{"ShortSLL2", capture.LinkLinuxSLL2, make([]byte, 19), "sll2", "sll2: header of 19 bytes is shorter than 20"},
		{"ShortNull", capture.LinkNull, []byte{2, 0}, "null", "null: header of 2 bytes"},
		{"RawBadVersion", capture.LinkRaw, mod(good, 0, 0x55), "raw", "raw: IP version 5 is neither 4 nor 6"},
		{"RawEmpty", capture.LinkRaw, nil, "raw", "raw: empty packet"},
		{"IPv4LinkWithIPv6", capture.LinkIPv4, ipv6(59, nil), "ipv4", "ipv4: version 6 is not 4"},
		{"IPv6LinkWithIPv4", capture.LinkIPv6, good, "ipv6", "ipv6: version 4 is not 6"},
		{"IPv4HeaderLength4", capture.LinkRaw, mod(good, 0, 0x41), "ipv4", "ipv4: header length 4 is less than 20"},
		{"IPv4HeaderBeyondData", capture.LinkRaw, mod(good, 0, 0x4f), "ipv4", "ipv4: header length 60 exceeds the 40 bytes captured"},
		{"IPv4TotalBelowHeader", capture.LinkRaw, mod(good, 3, 10), "ipv4", "ipv4: total length 10 is less than header length 20"},
		{"IPv4Short", capture.LinkRaw, good[:19], "ipv4", "ipv4: packet of 19 bytes"},
		{"IPv6Short", capture.LinkRaw, ipv6(59, nil)[:39], "ipv6", "ipv6: packet of 39 bytes"},
		{"IPv6ExtOverrun", capture.LinkRaw, ipv6(0, []byte{6, 5, 0, 0, 0, 0, 0, 0}), "ipv6", "ipv6: extension header 0 of 48 bytes exceeds the 8 left"},
		{"IPv6ExtCut", capture.LinkRaw, ipv6(60, []byte{6}), "ipv6", "ipv6: extension header 60 cut short"},
		{"IPv6FragCut", capture.LinkRaw, ipv6(44, []byte{6, 0, 0}), "ipv6", "ipv6: fragment header cut short"},
		{"TCPDataOffset", capture.LinkRaw, mod(good, 20+12, 0x40), "tcp", "tcp: data offset 16 is less than 20"},
		{"TCPHeaderBeyondData", capture.LinkRaw, mod(good, 20+12, 0xf0), "tcp", "tcp: header length 60 exceeds the 20 bytes captured"},
		{"TCPShort", capture.LinkRaw, ipv4(ProtoTCP, 1, 0, false, make([]byte, 19)), "tcp", "tcp: segment of 19 bytes"},
		{"UDPShort", capture.LinkRaw, ipv4(ProtoUDP, 1, 0, false, make([]byte, 7)), "udp", "udp: datagram of 7 bytes"},
		{"UDPLengthBelow8", capture.LinkRaw, ipv4(ProtoUDP, 1, 0, false, []byte{0, 1, 0, 2, 0, 5, 0, 0}), "udp", "udp: length 5 is less than 8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDecoder(Config{})
			var p Packet
			err := d.Decode(tt.link, tNow, tt.data, &p)
			var e *Error
			if !errors.As(err, &e) || e.Layer != tt.layer || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("error = %#v (%v), want layer %q and %q", err, err, tt.layer, tt.want)
			}
			if n := d.Stats().Errors[tt.layer]; n != 1 {
				t.Errorf("Stats().Errors[%q] = %d, want 1", tt.layer, n)
			}
		})
	}
}
