package decode

import (
	"encoding/binary"
	"net/netip"
	"time"
)

// IPv6 extension headers walked to the final next header.
const (
	ipv6HopByHop = 0
	ipv6Routing  = 43
	ipv6Fragment = 44
	ipv6AH       = 51
	ipv6NoNext   = 59
	ipv6DestOpts = 60
	ipv6Mobility = 135
	maxDatagram  = 65535 // largest IP payload a fragment may extend to
)

// ipv4 parses an IPv4 header and what follows.
func (d *Decoder) ipv4(ts time.Time, b []byte, p *Packet) error {
	if len(b) < 20 {
		return errf("ipv4", "packet of %d bytes is shorter than the 20-byte header", len(b))
	}
	if v := b[0] >> 4; v != 4 {
		return errf("ipv4", "version %d is not 4", v)
	}
	hl := int(b[0]&0x0f) * 4
	if hl < 20 {
		return errf("ipv4", "header length %d is less than 20", hl)
	}
	if hl > len(b) {
		return errf("ipv4", "header length %d exceeds the %d bytes captured", hl, len(b))
	}
	total := int(binary.BigEndian.Uint16(b[2:]))
	switch {
	case total == 0:
		// Captured before TCP segmentation offload filled it in.
		total = len(b)
	case total < hl:
		return errf("ipv4", "total length %d is less than header length %d", total, hl)
	case total <= len(b):
		b = b[:total] // drop Ethernet padding and trailers
	}
	p.L2Payload = b
	p.IPVersion = 4
	p.TTL = b[8]
	p.Proto = b[9]
	p.SrcIP = netip.AddrFrom4([4]byte(b[12:16]))
	p.DstIP = netip.AddrFrom4([4]byte(b[16:20]))
	p.IPLen = total
	frag := binary.BigEndian.Uint16(b[6:])
	more, off := frag&0x2000 != 0, int(frag&0x1fff)*8
	if !more && off == 0 {
		return d.transport(b[hl:], p)
	}
	key := fragKey{src: p.SrcIP, dst: p.DstIP, id: uint32(binary.BigEndian.Uint16(b[4:])), proto: p.Proto}
	data, ok, err := d.frag.add(ts, key, off, more, b[hl:], total > len(b), p)
	if err != nil || !ok {
		return err
	}
	p.IPLen = hl + len(data)
	return d.transport(data, p)
}

// ipv6 parses an IPv6 header, its extension headers and what follows.
func (d *Decoder) ipv6(ts time.Time, b []byte, p *Packet) error {
	if len(b) < 40 {
		return errf("ipv6", "packet of %d bytes is shorter than the 40-byte header", len(b))
	}
	if v := b[0] >> 4; v != 6 {
		return errf("ipv6", "version %d is not 6", v)
	}
	plen := int(binary.BigEndian.Uint16(b[4:]))
	cut := false
	switch {
	case plen == 0:
		// A jumbogram (hop-by-hop option) or a TSO capture: take all.
		plen = len(b) - 40
	case 40+plen <= len(b):
		b = b[:40+plen]
	default:
		cut = true
	}
	p.L2Payload = b
	p.IPVersion = 6
	p.TTL = b[7]
	p.SrcIP = netip.AddrFrom16([16]byte(b[8:24]))
	p.DstIP = netip.AddrFrom16([16]byte(b[24:40]))
	p.IPLen = 40 + plen
	nh, rest, fh, err := ipv6Ext(b[6], b[40:])
	if err != nil {
		return err
	}
	p.Proto = nh
	if fh == nil {
		return d.transport(rest, p)
	}
	// Fragment header: offset, M flag, 32-bit identification. The
	// fragmentable part that follows may hold more extension headers,
	// which only the reassembled datagram shows whole.
	frag := binary.BigEndian.Uint16(fh[2:])
	more, off := frag&0x0001 != 0, int(frag&0xfff8)
	if !more && off == 0 {
		// An atomic fragment (RFC 6946) is a whole packet.
		return d.ipv6Rest(fh[0], rest, p)
	}
	p.Proto = fh[0]
	key := fragKey{src: p.SrcIP, dst: p.DstIP, id: binary.BigEndian.Uint32(fh[4:]), proto: fh[0], v6: true}
	data, ok, err := d.frag.add(ts, key, off, more, rest, cut, p)
	if err != nil || !ok {
		return err
	}
	// The reassembled packet keeps the unfragmentable headers and loses
	// the 8-byte fragment header.
	p.IPLen = len(b) - len(rest) - 8 + len(data)
	return d.ipv6Rest(fh[0], data, p)
}

// ipv6Rest walks the extension headers of an unfragmented part and decodes
// the transport layer.
func (d *Decoder) ipv6Rest(nh uint8, b []byte, p *Packet) error {
	nh, rest, fh, err := ipv6Ext(nh, b)
	if err != nil {
		return err
	}
	if fh != nil {
		return errf("ipv6", "second fragment header inside a fragmented datagram")
	}
	p.Proto = nh
	return d.transport(rest, p)
}

// ipv6Ext walks extension headers starting with next header nh over b. It
// stops at the first fragment header, returning it (8 bytes) with the
// fragment's next header in its first byte and the bytes after it.
func ipv6Ext(nh uint8, b []byte) (uint8, []byte, []byte, error) {
	for {
		var n int
		switch nh {
		case ipv6HopByHop, ipv6Routing, ipv6DestOpts, ipv6Mobility:
			if len(b) < 2 {
				return 0, nil, nil, errf("ipv6", "extension header %d cut short at %d bytes", nh, len(b))
			}
			n = (int(b[1]) + 1) * 8
		case ipv6AH:
			if len(b) < 2 {
				return 0, nil, nil, errf("ipv6", "authentication header cut short at %d bytes", len(b))
			}
			n = (int(b[1]) + 2) * 4
		case ipv6Fragment:
			if len(b) < 8 {
				return 0, nil, nil, errf("ipv6", "fragment header cut short at %d bytes", len(b))
			}
			return nh, b[8:], b[:8], nil
		default:
			return nh, b, nil, nil
		}
		if n > len(b) {
			return 0, nil, nil, errf("ipv6", "extension header %d of %d bytes exceeds the %d left", nh, n, len(b))
		}
		nh, b = b[0], b[n:]
	}
}

// transport decodes TCP and UDP headers; other protocols get the IP payload.
func (d *Decoder) transport(b []byte, p *Packet) error {
	switch p.Proto {
	case ProtoTCP:
		if len(b) < 20 {
			return errf("tcp", "segment of %d bytes is shorter than the 20-byte header", len(b))
		}
		hl := int(b[12]>>4) * 4
		if hl < 20 {
			return errf("tcp", "data offset %d is less than 20", hl)
		}
		if hl > len(b) {
			return errf("tcp", "header length %d exceeds the %d bytes captured", hl, len(b))
		}
		p.SrcPort = binary.BigEndian.Uint16(b)
		p.DstPort = binary.BigEndian.Uint16(b[2:])
		p.Seq = binary.BigEndian.Uint32(b[4:])
		p.Ack = binary.BigEndian.Uint32(b[8:])
		p.TCPFlags = b[13]
		p.Window = binary.BigEndian.Uint16(b[14:])
		p.Payload = b[hl:]
	case ProtoUDP:
		if len(b) < 8 {
			return errf("udp", "datagram of %d bytes is shorter than the 8-byte header", len(b))
		}
		n := int(binary.BigEndian.Uint16(b[4:]))
		switch {
		case n == 0:
			// IPv6 jumbogram: the IP length rules.
		case n < 8:
			return errf("udp", "length %d is less than 8", n)
		case n <= len(b):
			b = b[:n]
		}
		p.SrcPort = binary.BigEndian.Uint16(b)
		p.DstPort = binary.BigEndian.Uint16(b[2:])
		p.Payload = b[8:]
	default:
		p.Payload = b
	}
	return nil
}
