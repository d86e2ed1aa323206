package capture

import (
	"bytes"
	"testing"
	"time"
)

// realPcapng is frame 7 of the namespace capture described at realNsecPcap,
// rewritten by `editcap -r frag_lo.pcap out 7` (which writes pcapng): an SHB
// with shb_userappl "Editcap (Wireshark) 4.0.17 …", an IDB for Ethernet with
// if_tsresol 9 and snaplen 262144, and one EPB. Wireshark: 74 bytes,
// 127.0.0.1:38850 → 127.0.0.1:8080 TCP SYN, frame.time_epoch
// 1795873162.674420658.
const realPcapng = `0a0d0d0a6c0000004d3c2b1a01000000ffffffffffffffff04004500456469746361702028
57697265736861726b2920342e302e313720284769742076342e302e3137207061636b6167656420617320342e30
2e31372d302b6465623132753329000000000000006c00000001000000200000000100000000000400090001000900
00000000000020000000060000006c000000000000002039ec18b2bbdd624a0000004a0000000000000000000000
0000000008004500003cbe86400040067e337f0000017f00000197c21f90ba290d0300000000a002fbe0fe3000000
20404d80402080abcd0a035000000000103030a00006c000000`

func TestPcapng(t *testing.T) {
	a, b, c := frame(60, 1), frame(98, 2), frame(41, 3)
	f := func() *ngFile { return new(ngFile) }
	secs := uint64(1700000000)

	// Several interfaces with different link types and resolutions.
	multi := f().shb(le)
	multi.idb(1, 65535)                               // 0: Ethernet, µs
	multi.idb(113, 0, multi.opt(optTSResol, 9))       // 1: SLL, ns
	multi.idb(101, 0, multi.opt(optTSResol, 0x80|10), // 2: raw IP, 2^-10 s, +16 s
		multi.opt(optTSOffset, 0x10, 0, 0, 0, 0, 0, 0, 0))
	multi.idb(147, 0) // 3: a link type Cordon cannot decode
	multi.epb(0, secs*1e6+123456, a, 60)
	multi.epb(1, secs*1e9+123456789, b, 98)
	multi.epb(2, secs<<10|512, c, 41)
	multi.epb(3, secs*1e6, c, 41)

	// Two sections, the second big-endian; the second redeclares its own
	// interface 0 as LINUX_SLL2.
	two := f().shb(le).idb(1, 0).epb(0, secs*1e6, a, 60)
	two.shb(be).idb(276, 0).epb(0, secs*1e6+1, b, 200)

	// Blocks Cordon skips, between packets.
	skip := f().shb(le).idb(1, 0)
	skip.block(4, []byte{1, 0, 4, 0, 10, 0, 0, 1, 0, 0, 0, 0}) // NRB
	skip.epb(0, secs*1e6, a, 60)
	skip.block(5, frame(20, 0))         // ISB
	skip.block(10, frame(16, 0))        // DSB
	skip.block(0x00000bad, frame(9, 0)) // custom
	skip.block(0x40000bad, nil)         // custom, not to be copied
	skip.block(0x12345678, frame(3, 0)) // unknown
	skip.epb(0, secs*1e6, b, 98)

	spb := f().shb(be).idb(1, 64)
	spb.spb(60, a).spb(200, frame(100, 4)) // second cut to the snaplen

	pb := f().shb(le).idb(1, 0).idb(105, 0).pb(1, secs*1e6, b)

	fcs := f().shb(le)
	fcsFrame := append(bytes.Clone(a), 1, 2, 3, 4)
	fcs.idb(1, 0, fcs.opt(optFCSLen, 4)).epb(0, 0, fcsFrame, 64)

	tEth := time.Unix(int64(secs), 123456000)
	ok := func(pk ...Packet) want { return want{packets: pk} }
	tests := []struct {
		name string
		data []byte
		want want
	}{
		{"Interfaces", multi.b, ok(
			Packet{Time: tEth, Link: LinkEthernet, Data: a, OrigLen: 60},
			Packet{Time: time.Unix(int64(secs), 123456789), Link: LinkLinuxSLL, Data: b, OrigLen: 98, Interface: 1},
			Packet{Time: time.Unix(int64(secs)+16, 5e8), Link: LinkRaw, Data: c, OrigLen: 41, Interface: 2},
			Packet{Time: time.Unix(int64(secs), 0), Link: 147, Data: c, OrigLen: 41, Interface: 3},
		)},
		{"Gzip", gz(t, multi.b), ok(
			Packet{Time: tEth, Link: LinkEthernet, Data: a, OrigLen: 60},
			Packet{Time: time.Unix(int64(secs), 123456789), Link: LinkLinuxSLL, Data: b, OrigLen: 98, Interface: 1},
			Packet{Time: time.Unix(int64(secs)+16, 5e8), Link: LinkRaw, Data: c, OrigLen: 41, Interface: 2},
			Packet{Time: time.Unix(int64(secs), 0), Link: 147, Data: c, OrigLen: 41, Interface: 3},
		)},
		{"TwoSectionsByteOrders", two.b, ok(
			Packet{Time: time.Unix(int64(secs), 0), Link: LinkEthernet, Data: a, OrigLen: 60},
			Packet{Time: time.Unix(int64(secs), 1000), Link: LinkLinuxSLL2, Data: b, OrigLen: 200},
		)},
		{"SkipsOtherBlocks", skip.b, ok(
			Packet{Time: time.Unix(int64(secs), 0), Link: LinkEthernet, Data: a, OrigLen: 60},
			Packet{Time: time.Unix(int64(secs), 0), Link: LinkEthernet, Data: b, OrigLen: 98},
		)},
		{"SimplePackets", spb.b, ok(
			Packet{Link: LinkEthernet, Data: a, OrigLen: 60},
			Packet{Link: LinkEthernet, Data: frame(64, 4), OrigLen: 200},
		)},
		{"ObsoletePacketBlock", pb.b, ok(
			Packet{Time: time.Unix(int64(secs), 0), Link: 105, Data: b, OrigLen: 98, Interface: 1},
		)},
		{"FCSLength", fcs.b, ok(Packet{Time: time.Unix(0, 0), Link: LinkEthernet, Data: a, OrigLen: 64})},
		{"Real", unhex(t, realPcapng), ok(Packet{Time: time.Unix(1795873162, 674420658), Link: LinkEthernet,
			Data: unhex(t, realPcapng)[0x6c+0x20+28 : 0x6c+0x20+28+74], OrigLen: 74})},
		{"OnlyHeader", f().shb(be).b, want{}},
		{"TruncatedBlock", two.b[:len(two.b)-3], want{
			packets: []Packet{{Time: time.Unix(int64(secs), 0), Link: LinkEthernet, Data: a, OrigLen: 60}},
			err:     "pcapng: block: file ends", trunc: true, offset: int64(len(two.b) - 132)}},
		{"TruncatedSectionHeader", two.b[:10], want{err: "section header", trunc: true}},
		{"BadByteOrderMagic", func() []byte { d := bytes.Clone(two.b); d[8] = 0; return d }(),
			want{err: "byte-order magic", offset: 8}},
		{"BadVersion", func() []byte { d := bytes.Clone(two.b); d[12] = 2; return d }(),
			want{err: "unsupported version 2.0", offset: 12}},
		{"LengthNotMultipleOf4", func() []byte { d := f().shb(le).idb(1, 0).b; d[28+4] = 21; return d }(),
			want{err: "length 21 is not a multiple of 4", offset: 28}},
		{"LengthTooSmall", func() []byte { d := f().shb(le).idb(1, 0).b; d[28+4] = 8; return d }(),
			want{err: "length 8 is less than 12", offset: 28}},
		{"LengthAbsurd", func() []byte { d := f().shb(le).idb(1, 0).b; d[28+7] = 0x7f; return d }(),
			want{err: "exceeds the limit", offset: 28}},
		{"TrailingLengthMismatch", func() []byte { d := f().shb(le).idb(1, 0).b; d[len(d)-4] = 24; return d }(),
			want{err: "trailing length 24 differs from leading length 20", offset: 28}},
		{"UnknownInterface", f().shb(le).idb(1, 0).epb(1, 0, a, 60).b,
			want{err: "refers to interface 1 but the section declares 1", offset: 48}},
		{"SPBWithoutInterface", f().shb(le).spb(60, a).b,
			want{err: "refers to interface 0 but the section declares 0", offset: 28}},
		{"InterfacesForgottenAtNewSection", f().shb(le).idb(1, 0).shb(le).epb(0, 0, a, 60).b,
			want{err: "refers to interface 0 but the section declares 0", offset: 76}},
		{"CapturedLengthOverrunsBlock", func() []byte {
			d := f().shb(le).idb(1, 0).epb(0, 0, a, 60).b
			d[48+20] = 200
			return d
		}(), want{err: "captured length 200 exceeds the block", offset: 48}},
		{"BadTSResol", func() []byte { n := f().shb(le); return n.idb(1, 0, n.opt(optTSResol, 40)).b }(),
			want{err: "unsupported if_tsresol 0x28", offset: 28}},
		{"OptionOverrun", func() []byte { n := f().shb(le); d := n.idb(1, 0, n.opt(optTSResol, 6)).b; d[28+16+2] = 99; return d }(),
			want{err: "option 9 of 99 bytes overruns", offset: 28}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, tt.data, tt.want) })
	}
}
