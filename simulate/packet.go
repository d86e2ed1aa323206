package simulate

import (
	"encoding/binary"
	"slices"
)

// Frame building: Ethernet (with an optional 802.1Q tag), IPv4 with header
// checksum and fragmentation, IPv6, UDP and TCP with pseudo-header
// checksums. Frames are built in a scratch buffer and copied into the
// slice's arena, so building allocates only when the arena grows.

const (
	etherIPv4 = 0x0800
	etherARP  = 0x0806
	etherVLAN = 0x8100
	etherIPv6 = 0x86dd
	etherLLDP = 0x88cc

	ipProtoTCP = 6
	ipProtoUDP = 17

	mtu = 1500
)

// link is the Ethernet header of a frame as seen at the capture point.
type link struct {
	src, dst [6]byte
	vlan     uint16 // 0: untagged
}

// rec indexes one frame in the arena. seq breaks ties between frames with
// the same timestamp so that sorting is deterministic and stable.
type rec struct {
	t      int64 // microseconds since the Unix epoch
	seq    uint64
	off, n int
}

// out collects the frames of one time slice.
type out struct {
	arena   []byte
	recs    []rec
	seq     uint64
	scratch []byte
	frag    []byte
}

func (o *out) add(t int64, frame []byte) {
	off := len(o.arena)
	o.arena = append(o.arena, frame...)
	o.recs = append(o.recs, rec{t: t, seq: o.seq, off: off, n: len(frame)})
	o.seq++
}

// sort orders the collected frames by time, then by creation order.
func (o *out) sort() {
	slices.SortFunc(o.recs, func(a, b rec) int {
		switch {
		case a.t < b.t:
			return -1
		case a.t > b.t:
			return 1
		case a.seq < b.seq:
			return -1
		case a.seq > b.seq:
			return 1
		}
		return 0
	})
}

// ethHeader appends an Ethernet header (and 802.1Q tag) to b.
func ethHeader(b []byte, l link, etype uint16) []byte {
	b = append(b, l.dst[:]...)
	b = append(b, l.src[:]...)
	if l.vlan != 0 {
		b = binary.BigEndian.AppendUint16(b, etherVLAN)
		b = binary.BigEndian.AppendUint16(b, l.vlan&0x0fff)
	}
	return binary.BigEndian.AppendUint16(b, etype)
}

// pad brings a frame to the 60-byte Ethernet minimum (64 when tagged, as
// the tag is stripped on the access port and the frame must still be legal
// there).
func pad(b []byte, tagged bool) []byte {
	minLen := 60
	if tagged {
		minLen = 64
	}
	for len(b) < minLen {
		b = append(b, 0)
	}
	return b
}

// ether emits a non-IP frame with the given EtherType.
func (o *out) ether(t int64, l link, etype uint16, payload []byte) {
	b := ethHeader(o.scratch[:0], l, etype)
	b = append(b, payload...)
	b = pad(b, l.vlan != 0)
	o.scratch = b
	o.add(t, b)
}

// llc emits an IEEE 802.3 frame whose length field covers payload (which
// starts with its LLC header).
func (o *out) llc(t int64, l link, payload []byte) {
	b := ethHeader(o.scratch[:0], l, uint16(len(payload)))
	b = append(b, payload...)
	b = pad(b, l.vlan != 0)
	o.scratch = b
	o.add(t, b)
}

// csum folds a 32-bit one's-complement sum.
func csumAdd(sum uint32, b []byte) uint32 {
	n := len(b) &^ 1
	for i := 0; i < n; i += 2 {
		sum += uint32(b[i])<<8 | uint32(b[i+1])
	}
	if len(b)&1 == 1 {
		sum += uint32(b[len(b)-1]) << 8
	}
	return sum
}

func csumFold(sum uint32) uint16 {
	for sum > 0xffff {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}

func pseudo4(src, dst [4]byte, proto uint8, n int) uint32 {
	var s uint32
	s = csumAdd(s, src[:])
	s = csumAdd(s, dst[:])
	return s + uint32(proto) + uint32(n)
}

func pseudo6(src, dst [16]byte, proto uint8, n int) uint32 {
	var s uint32
	s = csumAdd(s, src[:])
	s = csumAdd(s, dst[:])
	return s + uint32(n>>16) + uint32(n&0xffff) + uint32(proto)
}

// ipv4Header appends a 20-byte IPv4 header with its checksum.
func ipv4Header(b []byte, src, dst [4]byte, ttl, proto uint8, id uint16, totalLen int, fragOff int, more bool, df bool) []byte {
	h := len(b)
	b = append(b, 0x45, 0)
	b = binary.BigEndian.AppendUint16(b, uint16(totalLen))
	b = binary.BigEndian.AppendUint16(b, id)
	ff := uint16(fragOff / 8)
	if more {
		ff |= 0x2000
	}
	if df {
		ff |= 0x4000
	}
	b = binary.BigEndian.AppendUint16(b, ff)
	b = append(b, ttl, proto, 0, 0)
	b = append(b, src[:]...)
	b = append(b, dst[:]...)
	binary.BigEndian.PutUint16(b[h+10:], csumFold(csumAdd(0, b[h:h+20])))
	return b
}

// udp4 emits a UDP datagram over IPv4, fragmenting it when it does not fit
// the MTU (large DNS and SNMP answers do this on real networks).
func (o *out) udp4(t int64, l link, src, dst [4]byte, ttl uint8, id uint16, sport, dport uint16, payload []byte) {
	// Build the whole UDP datagram first: its checksum covers all of it.
	d := o.frag[:0]
	d = binary.BigEndian.AppendUint16(d, sport)
	d = binary.BigEndian.AppendUint16(d, dport)
	d = binary.BigEndian.AppendUint16(d, uint16(8+len(payload)))
	d = append(d, 0, 0)
	d = append(d, payload...)
	c := csumFold(csumAdd(pseudo4(src, dst, ipProtoUDP, len(d)), d))
	if c == 0 {
		c = 0xffff
	}
	binary.BigEndian.PutUint16(d[6:], c)
	o.frag = d
	if 20+len(d) <= mtu {
		b := ethHeader(o.scratch[:0], l, etherIPv4)
		b = ipv4Header(b, src, dst, ttl, ipProtoUDP, id, 20+len(d), 0, false, false)
		b = append(b, d...)
		b = pad(b, l.vlan != 0)
		o.scratch = b
		o.add(t, b)
		return
	}
	const chunk = (mtu - 20) &^ 7
	for off := 0; off < len(d); off += chunk {
		end := min(off+chunk, len(d))
		b := ethHeader(o.scratch[:0], l, etherIPv4)
		b = ipv4Header(b, src, dst, ttl, ipProtoUDP, id, 20+end-off, off, end < len(d), false)
		b = append(b, d[off:end]...)
		b = pad(b, l.vlan != 0)
		o.scratch = b
		o.add(t, b)
		t += 3 // fragments leave the sender back to back
	}
}

// tcp4 emits one TCP segment over IPv4 with the DF bit set, as every modern
// stack sends TCP.
func (o *out) tcp4(t int64, l link, src, dst [4]byte, ttl uint8, id uint16, sport, dport uint16, seq, ack uint32, flags uint8, win uint16, opts, payload []byte) {
	b := ethHeader(o.scratch[:0], l, etherIPv4)
	tl := 20 + len(opts)
	b = ipv4Header(b, src, dst, ttl, ipProtoTCP, id, 20+tl+len(payload), 0, false, true)
	h := len(b)
	b = binary.BigEndian.AppendUint16(b, sport)
	b = binary.BigEndian.AppendUint16(b, dport)
	b = binary.BigEndian.AppendUint32(b, seq)
	b = binary.BigEndian.AppendUint32(b, ack)
	b = append(b, byte(tl/4)<<4, flags)
	b = binary.BigEndian.AppendUint16(b, win)
	b = append(b, 0, 0, 0, 0) // checksum, urgent pointer
	b = append(b, opts...)
	b = append(b, payload...)
	seg := b[h:]
	binary.BigEndian.PutUint16(seg[16:], csumFold(csumAdd(pseudo4(src, dst, ipProtoTCP, len(seg)), seg)))
	b = pad(b, l.vlan != 0)
	o.scratch = b
	o.add(t, b)
}

// udp6 emits a UDP datagram over IPv6 (link-local multicast only, so it is
// never fragmented).
func (o *out) udp6(t int64, l link, src, dst [16]byte, hop uint8, sport, dport uint16, payload []byte) {
	b := ethHeader(o.scratch[:0], l, etherIPv6)
	n := 8 + len(payload)
	b = append(b, 0x60, 0, 0, 0)
	b = binary.BigEndian.AppendUint16(b, uint16(n))
	b = append(b, ipProtoUDP, hop)
	b = append(b, src[:]...)
	b = append(b, dst[:]...)
	h := len(b)
	b = binary.BigEndian.AppendUint16(b, sport)
	b = binary.BigEndian.AppendUint16(b, dport)
	b = binary.BigEndian.AppendUint16(b, uint16(n))
	b = append(b, 0, 0)
	b = append(b, payload...)
	c := csumFold(csumAdd(pseudo6(src, dst, ipProtoUDP, n), b[h:]))
	if c == 0 {
		c = 0xffff
	}
	binary.BigEndian.PutUint16(b[h+6:], c)
	b = pad(b, l.vlan != 0)
	o.scratch = b
	o.add(t, b)
}

// multicastMAC4 maps an IPv4 group address to its Ethernet address.
func multicastMAC4(ip [4]byte) [6]byte {
	return [6]byte{0x01, 0x00, 0x5e, ip[1] & 0x7f, ip[2], ip[3]}
}

// multicastMAC6 maps an IPv6 group address to its Ethernet address.
func multicastMAC6(ip [16]byte) [6]byte {
	return [6]byte{0x33, 0x33, ip[12], ip[13], ip[14], ip[15]}
}

// linkLocal6 derives the modified EUI-64 link-local address of mac.
func linkLocal6(mac [6]byte) [16]byte {
	var a [16]byte
	a[0], a[1] = 0xfe, 0x80
	a[8] = mac[0] ^ 0x02
	a[9], a[10] = mac[1], mac[2]
	a[11], a[12] = 0xff, 0xfe
	a[13], a[14], a[15] = mac[3], mac[4], mac[5]
	return a
}

var (
	broadcastMAC = [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	broadcastIP  = [4]byte{255, 255, 255, 255}
)
