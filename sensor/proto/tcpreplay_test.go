package proto

import (
	"encoding/binary"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
)

// This file replays the TCP connections of a shared capture through a
// stream dissector the way the sensor does: in packet order, calling Parse
// each time a direction grows, until the dissector says NotMine or Done,
// with a last Closed call. It reads only classic pcap of Ethernet, IPv4 and
// TCP, enough for the shared corpus, and keeps the tests of this package
// independent of the capture and decode packages.

// sharedPcap returns the path of a file under the shared data directory
// (the repository's parent directory + /shared/data/pcaps), skipping the
// test when it is absent.
func sharedPcap(tb testing.TB, rel string) string {
	tb.Helper()
	p := filepath.Join("..", "..", "..", "shared", "data", "pcaps", rel)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("shared capture %s not available: %v", rel, err)
	}
	return p
}

// replayConn is one TCP connection being replayed.
type replayConn struct {
	s        Stream
	base     [2]uint32 // sequence number of the first payload byte per direction
	started  [2]bool
	status   Status
	finished bool
}

// replayTCP replays every TCP connection of the pcap at path through d and
// returns the final status of each, in order of first packet.
func replayTCP(tb testing.TB, path string, d StreamDissector, e Emitter) []Status {
	tb.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("replay: %v", err)
	}
	if len(raw) < 24 {
		tb.Fatalf("replay: %s: short file", path)
	}
	var bo binary.ByteOrder = binary.LittleEndian
	switch binary.LittleEndian.Uint32(raw) {
	case 0xa1b2c3d4, 0xa1b23c4d:
	case 0xd4c3b2a1, 0x4d3cb2a1:
		bo = binary.BigEndian
	default:
		tb.Fatalf("replay: %s: not a classic pcap file", path)
	}
	if bo.Uint32(raw[20:]) != 1 {
		tb.Skipf("replay: %s: link type %d is not Ethernet", path, bo.Uint32(raw[20:]))
	}
	type key struct {
		a, b netip.AddrPort
	}
	conns := map[key]*replayConn{}
	var order []*replayConn
	for off := 24; off+16 <= len(raw); {
		n := int(bo.Uint32(raw[off+8:]))
		if off+16+n > len(raw) {
			break
		}
		pkt := raw[off+16 : off+16+n]
		off += 16 + n
		src, dst, seq, flags, payload, ok := replayDecode(pkt)
		if !ok {
			continue
		}
		c := conns[key{src, dst}]
		dir := 0
		if c == nil {
			if c = conns[key{dst, src}]; c != nil {
				dir = 1
			}
		}
		if c == nil {
			c = &replayConn{status: Undecided}
			c.s.Client = cordon.Endpoint{IP: src.Addr(), Port: src.Port()}
			c.s.Server = cordon.Endpoint{IP: dst.Addr(), Port: dst.Port()}
			conns[key{src, dst}] = c
			order = append(order, c)
		}
		if flags&0x02 != 0 { // SYN: the first payload byte is seq+1
			c.base[dir], c.started[dir] = seq+1, true
			continue
		}
		if len(payload) == 0 {
			continue
		}
		if !c.started[dir] {
			c.base[dir], c.started[dir] = seq, true
		}
		data := &c.s.ClientData
		if dir == 1 {
			data = &c.s.ServerData
		}
		// Only in-order new bytes extend the stream: retransmissions
		// and anything after a hole are dropped, as the sensor would.
		if int(seq-c.base[dir]) != len(*data) || len(*data) >= MaxStream {
			continue
		}
		*data = append(*data, payload[:min(len(payload), MaxStream-len(*data))]...)
		if !c.finished {
			c.status = d.Parse(&c.s, e)
			c.finished = c.status == NotMine || c.status == Done
		}
	}
	out := make([]Status, 0, len(order))
	for _, c := range order {
		if !c.finished && (len(c.s.ClientData) > 0 || len(c.s.ServerData) > 0) {
			c.s.Closed = true
			c.status = d.Parse(&c.s, e)
		}
		out = append(out, c.status)
	}
	return out
}

// replayDecode reads an Ethernet, IPv4, TCP packet.
func replayDecode(p []byte) (src, dst netip.AddrPort, seq uint32, flags byte, payload []byte, ok bool) {
	if len(p) < 14 {
		return
	}
	et, l3 := binary.BigEndian.Uint16(p[12:]), p[14:]
	if et == 0x8100 && len(p) >= 18 {
		et, l3 = binary.BigEndian.Uint16(p[16:]), p[18:]
	}
	if et != 0x0800 || len(l3) < 20 || l3[9] != 6 {
		return
	}
	ihl := int(l3[0]&0x0f) * 4
	total := int(binary.BigEndian.Uint16(l3[2:]))
	if ihl < 20 || total < ihl || total > len(l3) {
		return
	}
	tcp := l3[ihl:total]
	if len(tcp) < 20 || int(tcp[12]>>4)*4 > len(tcp) || tcp[12]>>4 < 5 {
		return
	}
	sa, _ := netip.AddrFromSlice(l3[12:16])
	da, _ := netip.AddrFromSlice(l3[16:20])
	src = netip.AddrPortFrom(sa, binary.BigEndian.Uint16(tcp[0:]))
	dst = netip.AddrPortFrom(da, binary.BigEndian.Uint16(tcp[2:]))
	return src, dst, binary.BigEndian.Uint32(tcp[4:]), tcp[13], tcp[int(tcp[12]>>4)*4:], true
}

// Endpoints of the hand-fed conversations in the stream dissector tests.
var (
	replayClient = cordon.Endpoint{IP: netip.MustParseAddr("10.20.0.15"), Port: 50123}
	replayServer = cordon.Endpoint{IP: netip.MustParseAddr("10.20.0.2"), Port: 445}
)

// convSeg is one TCP segment of a hand-fed conversation: hex from a
// capture (see the *_samples_test.go files) and the direction it went.
type convSeg struct {
	server bool
	hex    string
}

// conversation turns segments into the client and server byte streams.
func conversation(tb testing.TB, segs []convSeg) (client, server []byte) {
	tb.Helper()
	for _, s := range segs {
		if s.server {
			server = append(server, unhex(tb, s.hex)...)
		} else {
			client = append(client, unhex(tb, s.hex)...)
		}
	}
	return client, server
}

// parseWhole hands d the whole conversation in one call.
func parseWhole(tb testing.TB, d StreamDissector, segs []convSeg) (*collector, Status) {
	tb.Helper()
	client, server := conversation(tb, segs)
	c := &collector{}
	s := Stream{Client: replayClient, Server: replayServer, ClientData: client, ServerData: server}
	st := d.Parse(&s, c)
	c.checkValues(tb)
	return c, st
}

// parseChunked hands d the conversation in order, cut into pieces of at
// most chunk bytes whatever the segment boundaries, calling Parse after
// each piece as the sensor does when a direction grows, until the dissector
// says NotMine or Done. The streams are copied into buffers the test then
// overwrites, to catch a dissector keeping references to them.
func parseChunked(tb testing.TB, d StreamDissector, segs []convSeg, chunk int) (*collector, Status) {
	tb.Helper()
	c := &collector{}
	s := Stream{Client: replayClient, Server: replayServer}
	st := Undecided
	for _, seg := range segs {
		b := unhex(tb, seg.hex)
		for len(b) > 0 {
			n := min(chunk, len(b))
			if seg.server {
				s.ServerData = append(s.ServerData, b[:n]...)
			} else {
				s.ClientData = append(s.ClientData, b[:n]...)
			}
			b = b[n:]
			st = d.Parse(&s, c)
			if st == NotMine || st == Done {
				c.checkValues(tb)
				return c, st
			}
		}
	}
	s.Closed = true
	st = d.Parse(&s, c)
	clear(s.ClientData)
	clear(s.ServerData)
	c.checkValues(tb)
	return c, st
}

// none fails the test if any emitted value contains one of words (checked
// case-insensitively): the patient data planted in or carried by a sample.
func (c *collector) none(tb testing.TB, words ...string) {
	tb.Helper()
	for _, f := range c.facts {
		for _, w := range words {
			if strings.Contains(strings.ToUpper(f.Value), strings.ToUpper(w)) {
				tb.Errorf("fact %s=%q contains %q", f.Fact, f.Value, w)
			}
		}
	}
}

// fuzzSplitTCP turns fuzz input into a stream: the first byte says where the
// rest splits into client and server data.
func fuzzSplitTCP(data []byte) *Stream {
	s := &Stream{Client: replayClient, Server: replayServer}
	if len(data) == 0 {
		return s
	}
	rest := data[1:]
	cut := int(data[0]) * len(rest) / 255
	s.ClientData, s.ServerData = rest[:cut], rest[cut:]
	return s
}

// fuzzStream runs d over the input whole, then over growing prefixes of it,
// checking that every value it emits keeps the contract of Clean.
func fuzzStream(t *testing.T, d StreamDissector, data []byte) {
	full := fuzzSplitTCP(data)
	c := &collector{}
	d.Parse(full, c)
	for _, cut := range []int{1, 2, 3} {
		s := *full
		s.ClientData = s.ClientData[:len(s.ClientData)*cut/4]
		s.ServerData = s.ServerData[:len(s.ServerData)*cut/4]
		d.Parse(&s, c)
	}
	full.Closed = true
	d.Parse(full, c)
	c.checkValues(t)
}

// fuzzSeed builds a fuzz input from conversation segments: split byte,
// client bytes, server bytes.
func fuzzSeed(tb testing.TB, segs []convSeg) []byte {
	tb.Helper()
	client, server := conversation(tb, segs)
	cut := 0
	if n := len(client) + len(server); n > 0 {
		cut = (len(client)*255 + n - 1) / n
	}
	return append(append([]byte{byte(cut)}, client...), server...)
}

// benchDiscard is an Emitter that drops facts, so benchmarks measure the
// dissector alone (its allocations are the fact values it builds).
type benchDiscard struct{}

func (benchDiscard) Emit(cordon.Endpoint, string, string) {}

// benchStream measures one Parse call over a whole conversation, the cost
// the sensor pays each time a direction of the connection grows.
func benchStream(b *testing.B, d StreamDissector, segs []convSeg) {
	client, server := conversation(b, segs)
	s := Stream{Client: replayClient, Server: replayServer, ClientData: client, ServerData: server}
	b.ReportAllocs()
	b.SetBytes(int64(len(client) + len(server)))
	for b.Loop() {
		d.Parse(&s, benchDiscard{})
	}
}
