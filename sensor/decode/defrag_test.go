package decode

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/cordonsec/cordon/capture"
)

// fragIn is one fragment fed to the decoder at a time offset.
type fragIn struct {
	at   time.Duration
	data []byte
}

// v4frag cuts an IPv4 fragment [off, off+n) of payload.
func v4frag(id uint16, payload []byte, off, n int, more bool) []byte {
	return ipv4(ProtoUDP, id, off, more, payload[off:off+n])
}

// v6frag cuts an IPv6 fragment [off, off+n) of payload.
func v6frag(id uint32, payload []byte, off, n int, more bool) []byte {
	return ipv6(44, cat(frag6(ProtoUDP, off, more, id), payload[off:off+n]))
}

func TestReassemble(t *testing.T) {
	body := pattern(3000-8, 1)
	dgram := udp(5000, 6000, body) // 3000 bytes
	other := udp(5000, 6000, bytes.Repeat([]byte{0xee}, 3000-8))
	tests := []struct {
		name      string
		cfg       Config
		frags     []fragIn
		complete  int // index of the fragment that completes, -1 for none
		wantStats DecodeStats
	}{
		{"IPv4OutOfOrder", Config{}, []fragIn{
			{0, v4frag(7, dgram, 2000, 1000, false)},
			{0, v4frag(7, dgram, 0, 1000, true)},
			{0, v4frag(7, dgram, 1000, 1000, true)},
		}, 2, DecodeStats{Fragments: 3, Reassembled: 1}},
		{"IPv4OtherIDDoesNotMix", Config{}, []fragIn{
			{0, v4frag(7, dgram, 0, 1000, true)},
			{0, v4frag(8, dgram, 1000, 2000, false)},
		}, -1, DecodeStats{Fragments: 2, PendingDatagrams: 2}},
		{"IPv4OverlapFirstWins", Config{}, []fragIn{
			{0, v4frag(7, dgram, 0, 1600, true)},
			{0, v4frag(7, other, 800, 800, true)}, // same range, other bytes: ignored
			{0, v4frag(7, dgram, 1600, 1400, false)},
		}, 2, DecodeStats{Fragments: 3, Reassembled: 1}},
		{"IPv4Duplicate", Config{}, []fragIn{
			{0, v4frag(7, dgram, 0, 1000, true)},
			{0, v4frag(7, dgram, 0, 1000, true)},
			{0, v4frag(7, dgram, 1000, 2000, false)},
		}, 2, DecodeStats{Fragments: 3, Reassembled: 1}},
		{"IPv6InOrder", Config{}, []fragIn{
			{0, v6frag(9, dgram, 0, 1496, true)},
			{0, v6frag(9, dgram, 1496, 1504, false)},
		}, 1, DecodeStats{Fragments: 2, Reassembled: 1}},
		{"IPv6OverlapDropsDatagram", Config{}, []fragIn{
			{0, v6frag(9, dgram, 0, 1496, true)},
			{0, v6frag(9, dgram, 1488, 8, true)}, // overlaps: RFC 5722
			{0, v6frag(9, dgram, 1496, 1504, false)},
		}, -1, DecodeStats{Fragments: 3, DroppedOverlap: 3, PendingDatagrams: 1}},
		{"IPv4InconsistentEnds", Config{}, []fragIn{
			{0, v4frag(7, dgram, 2000, 1000, false)},
			{0, v4frag(7, dgram, 1000, 800, false)},
			{0, v4frag(7, dgram, 0, 1000, true)},
		}, -1, DecodeStats{Fragments: 3, DroppedOverlap: 3, PendingDatagrams: 1}},
		{"Timeout", Config{FragmentTimeout: 10 * time.Second}, []fragIn{
			{0, v4frag(7, dgram, 0, 1000, true)},
			{5 * time.Second, v4frag(7, dgram, 1000, 1000, true)},
			{11 * time.Second, v4frag(7, dgram, 2000, 1000, false)},
		}, -1, DecodeStats{Fragments: 3, DroppedTimeout: 2, PendingDatagrams: 1}},
		{"WithinTimeout", Config{FragmentTimeout: 10 * time.Second}, []fragIn{
			{0, v4frag(7, dgram, 0, 1000, true)},
			{10 * time.Second, v4frag(7, dgram, 1000, 2000, false)},
		}, 1, DecodeStats{Fragments: 2, Reassembled: 1}},
		{"MemoryBoundEvictsOldest", Config{MaxFragmentBytes: 2 * (datagramOverhead + 1000)}, []fragIn{
			{0, v4frag(1, dgram, 0, 1000, true)},
			{0, v4frag(2, dgram, 0, 1000, true)},
			{0, v4frag(3, dgram, 0, 1000, true)},     // evicts ID 1
			{0, v4frag(4, dgram, 0, 1000, true)},     // evicts ID 2
			{0, v4frag(1, dgram, 1000, 2000, false)}, // evicts 3 and 4, waits for the rest
		}, -1, DecodeStats{Fragments: 5, DroppedEvicted: 4, PendingDatagrams: 1}},
		{"DatagramLargerThanBound", Config{MaxFragmentBytes: datagramOverhead + 1500}, []fragIn{
			{0, v4frag(1, dgram, 0, 1000, true)},
			{0, v4frag(1, dgram, 1000, 1000, true)},
		}, -1, DecodeStats{Fragments: 2, DroppedEvicted: 2}},
		{"Oversize", Config{}, []fragIn{
			{0, v4frag(7, dgram, 0, 1000, true)},
			{0, ipv4(ProtoUDP, 7, 65528, false, make([]byte, 100))},
		}, -1, DecodeStats{Fragments: 2, DroppedOversize: 2}},
		{"CutBySnaplen", Config{}, []fragIn{
			{0, v4frag(7, dgram, 0, 1000, true)[:500]},
		}, -1, DecodeStats{Fragments: 1, DroppedTruncated: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDecoder(tt.cfg)
			var p Packet
			for i, f := range tt.frags {
				if err := d.Decode(capture.LinkRaw, tNow.Add(f.at), f.data, &p); err != nil {
					t.Fatalf("fragment %d: %v", i, err)
				}
				if !p.Fragment || p.Proto != ProtoUDP {
					t.Fatalf("fragment %d: Fragment %v Proto %d", i, p.Fragment, p.Proto)
				}
				if i != tt.complete {
					if !p.Incomplete || p.Payload != nil || p.SrcPort != 0 {
						t.Fatalf("fragment %d: want incomplete, got %+v", i, summarize(&p))
					}
					continue
				}
				if p.Incomplete || p.SrcPort != 5000 || p.DstPort != 6000 || !bytes.Equal(p.Payload, body) {
					t.Fatalf("fragment %d: want the reassembled datagram, got %+v", i, summarize(&p))
				}
				if want := map[uint8]int{4: 20, 6: 40}[p.IPVersion] + len(dgram); p.IPLen != want {
					t.Errorf("IPLen = %d, want %d", p.IPLen, want)
				}
			}
			s := d.Stats()
			s.Packets, s.NonIP, s.PendingBytes, s.Errors = 0, 0, 0, nil
			if !reflect.DeepEqual(s, tt.wantStats) {
				t.Errorf("stats = %+v\nwant    %+v", s, tt.wantStats)
			}
		})
	}
}

// TestReassembleIPv6ExtInFragmentablePart checks that extension headers
// after the fragment header are walked once the datagram is whole.
func TestReassembleIPv6ExtInFragmentablePart(t *testing.T) {
	body := pattern(100, 0)
	inner := cat(ext(ProtoUDP, 1), udp(1, 2, body)) // destination options, then UDP
	first := ipv6(0, cat(ext(44, 1), frag6(60, 0, true, 5), inner[:64]))
	second := ipv6(0, cat(ext(44, 1), frag6(60, 64, false, 5), inner[64:]))
	d := NewDecoder(Config{})
	var p Packet
	if err := d.Decode(capture.LinkIPv6, tNow, second, &p); err != nil || !p.Incomplete || p.Proto != 60 {
		t.Fatalf("second fragment: err %v, %+v", err, summarize(&p))
	}
	if err := d.Decode(capture.LinkIPv6, tNow, first, &p); err != nil {
		t.Fatal(err)
	}
	if p.Incomplete || p.Proto != ProtoUDP || p.SrcPort != 1 || !bytes.Equal(p.Payload, body) {
		t.Fatalf("got %+v", summarize(&p))
	}
	if want := 40 + 8 + len(inner); p.IPLen != want {
		t.Errorf("IPLen = %d, want %d", p.IPLen, want)
	}
}

func TestFragmentNotMultipleOf8(t *testing.T) {
	d := NewDecoder(Config{})
	var p Packet
	err := d.Decode(capture.LinkRaw, tNow, ipv4(ProtoUDP, 1, 0, true, make([]byte, 100)), &p)
	if err == nil || err.Error() != "ipv4: fragment of 100 bytes with more to follow is not a multiple of 8" {
		t.Fatalf("error = %v", err)
	}
	if !p.Fragment || !p.Incomplete {
		t.Errorf("Fragment %v Incomplete %v", p.Fragment, p.Incomplete)
	}
}
