package decode

import (
	"encoding/binary"
	"net/netip"
)

// Builders for hand-made packets. Checksums are left zero: the decoder
// does not check them, as captures with offloaded checksums carry garbage.

var (
	macA = [6]byte{0x02, 0, 0, 0, 0, 0x0a}
	macB = [6]byte{0x02, 0, 0, 0, 0, 0x0b}
	v4A  = netip.MustParseAddr("10.0.0.1")
	v4B  = netip.MustParseAddr("10.0.0.2")
	v6A  = netip.MustParseAddr("2001:db8::1")
	v6B  = netip.MustParseAddr("2001:db8::2")
)

func be16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// eth builds an Ethernet II header with optional tags (TPID, TCI pairs).
func eth(et uint16, tags ...uint16) []byte {
	b := cat(macB[:], macA[:])
	for i := 0; i+1 < len(tags); i += 2 {
		b = cat(b, be16(tags[i]), be16(tags[i+1]))
	}
	return cat(b, be16(et))
}

// ipv4 builds an IPv4 header with fragment fields; total length covers the
// header and payload.
func ipv4(proto uint8, id uint16, off int, more bool, payload []byte) []byte {
	h := make([]byte, 20)
	h[0] = 0x45
	binary.BigEndian.PutUint16(h[2:], uint16(20+len(payload)))
	binary.BigEndian.PutUint16(h[4:], id)
	f := uint16(off / 8)
	if more {
		f |= 0x2000
	}
	binary.BigEndian.PutUint16(h[6:], f)
	h[8], h[9] = 64, proto
	copy(h[12:], v4A.AsSlice())
	copy(h[16:], v4B.AsSlice())
	return cat(h, payload)
}

// ipv6 builds an IPv6 header followed by rest (extension headers and
// payload), nh being the first next header.
func ipv6(nh uint8, rest []byte) []byte {
	h := make([]byte, 40)
	h[0] = 0x60
	binary.BigEndian.PutUint16(h[4:], uint16(len(rest)))
	h[6], h[7] = nh, 64
	copy(h[8:], v6A.AsSlice())
	copy(h[24:], v6B.AsSlice())
	return cat(h, rest)
}

// ext builds an 8-byte-unit extension header (hop-by-hop, routing,
// destination options) of n units with next header nh.
func ext(nh uint8, units int) []byte {
	b := make([]byte, units*8)
	b[0], b[1] = nh, byte(units-1)
	return b
}

// frag6 builds an IPv6 fragment header.
func frag6(nh uint8, off int, more bool, id uint32) []byte {
	b := []byte{nh, 0}
	f := uint16(off) &^ 7
	if more {
		f |= 1
	}
	b = append(b, be16(f)...)
	return binary.BigEndian.AppendUint32(b, id)
}

func udp(sport, dport uint16, payload []byte) []byte {
	return cat(be16(sport), be16(dport), be16(uint16(8+len(payload))), be16(0), payload)
}

// tcp builds a TCP header with optional options (padded to 32 bits).
func tcp(sport, dport uint16, flags uint8, opts, payload []byte) []byte {
	for len(opts)%4 != 0 {
		opts = append(opts, 1) // NOP
	}
	h := make([]byte, 20)
	binary.BigEndian.PutUint16(h, sport)
	binary.BigEndian.PutUint16(h[2:], dport)
	binary.BigEndian.PutUint32(h[4:], 1000)
	binary.BigEndian.PutUint32(h[8:], 2000)
	h[12] = byte((20+len(opts))/4) << 4
	h[13] = flags
	binary.BigEndian.PutUint16(h[14:], 8192)
	return cat(h, opts, payload)
}

// pattern returns n bytes counting up from seed.
func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = seed + byte(i)
	}
	return b
}
