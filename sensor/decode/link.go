package decode

import (
	"encoding/binary"
	"time"

	"github.com/cordonsec/cordon/capture"
)

// EtherTypes the decoder looks through or dispatches on.
const (
	EtherTypeIPv4      = 0x0800
	EtherTypeARP       = 0x0806
	EtherTypeVLAN      = 0x8100 // 802.1Q customer tag
	EtherTypeIPv6      = 0x86dd
	EtherTypePPPoE     = 0x8864 // PPPoE session stage
	EtherTypeQinQ      = 0x88a8 // 802.1ad service tag
	EtherTypeLLDP      = 0x88cc
	etherTypeQinQOld   = 0x9100 // pre-standard QinQ
	etherTypeQinQOld2  = 0x9200
	maxLengthField     = 1500 // type/length values up to this are 802.3 lengths
	minEtherType       = 0x0600
	linuxProtoNovell   = 0x0001 // SLL protocol: raw 802.3 (Novell IPX)
	linuxProtoLLC      = 0x0004 // SLL protocol: 802.2 LLC frame follows
	arphrdLoopback     = 772
	arphrdIEEE80211    = 801
	arphrdRadiotap     = 803
	arphrdNetlink      = 824
	pppIPv4, pppIPv6   = 0x0021, 0x0057
	afINET             = 2
	llcSNAP, llcUI     = 0xaa, 0x03
	dltRawBSD, dltRawO = 12, 14 // historical DLT_RAW values
)

// decodeLink parses the link header and hands the rest to the network
// layer.
func (d *Decoder) decodeLink(link capture.LinkType, ts time.Time, b []byte, p *Packet) error {
	switch link {
	case capture.LinkEthernet:
		return d.ethernet(ts, b, p)
	case capture.LinkRaw, dltRawBSD, dltRawO:
		return d.rawIP("raw", ts, b, p)
	case capture.LinkIPv4:
		if len(b) > 0 && b[0]>>4 != 4 {
			return errf("ipv4", "version %d is not 4", b[0]>>4)
		}
		return d.rawIP("ipv4", ts, b, p)
	case capture.LinkIPv6:
		if len(b) > 0 && b[0]>>4 != 6 {
			return errf("ipv6", "version %d is not 6", b[0]>>4)
		}
		return d.rawIP("ipv6", ts, b, p)
	case capture.LinkNull, capture.LinkLoop:
		return d.loopback(link, ts, b, p)
	case capture.LinkLinuxSLL:
		return d.sll(ts, b, p)
	case capture.LinkLinuxSLL2:
		return d.sll2(ts, b, p)
	}
	return errf("link", "unsupported link type %d", uint32(link))
}

// ethernet parses Ethernet II and 802.3 frames.
func (d *Decoder) ethernet(ts time.Time, b []byte, p *Packet) error {
	if len(b) < 14 {
		return errf("ethernet", "frame of %d bytes is shorter than the 14-byte header", len(b))
	}
	copy(p.DstMAC[:], b[0:6])
	copy(p.SrcMAC[:], b[6:12])
	p.HasMAC = true
	return d.etherType("ethernet", ts, binary.BigEndian.Uint16(b[12:]), b[14:], p)
}

// etherType dispatches on a type/length field, looking through VLAN tags,
// 802.2 LLC/SNAP and PPPoE.
func (d *Decoder) etherType(layer string, ts time.Time, et uint16, b []byte, p *Packet) error {
	for {
		switch et {
		case EtherTypeVLAN, EtherTypeQinQ, etherTypeQinQOld, etherTypeQinQOld2:
			if len(b) < 4 {
				return errf("vlan", "tag of %d bytes is shorter than 4", len(b))
			}
			p.VLAN = binary.BigEndian.Uint16(b) & 0x0fff
			et, b = binary.BigEndian.Uint16(b[2:]), b[4:]
			layer = "vlan"
			continue
		case EtherTypePPPoE:
			// PPPoE session: 6-byte header, then the PPP protocol.
			if len(b) < 8 {
				return errf("pppoe", "session header of %d bytes is shorter than 8", len(b))
			}
			n := int(binary.BigEndian.Uint16(b[4:]))
			proto, body := binary.BigEndian.Uint16(b[6:]), b[8:]
			if n >= 2 && n-2 < len(body) {
				body = body[:n-2]
			}
			switch proto {
			case pppIPv4:
				et, b = EtherTypeIPv4, body
				continue
			case pppIPv6:
				et, b = EtherTypeIPv6, body
				continue
			}
		}
		break
	}
	if et <= maxLengthField {
		// 802.3: the field is the length of the LLC payload; anything
		// beyond it is padding.
		if int(et) < len(b) {
			b = b[:et]
		}
		return d.llc(ts, b, p)
	}
	if et < minEtherType {
		return errf(layer, "type/length field %#04x is neither a length nor an EtherType", et)
	}
	p.EtherType = et
	p.L2Payload = b
	switch et {
	case EtherTypeIPv4:
		return d.ipv4(ts, b, p)
	case EtherTypeIPv6:
		return d.ipv6(ts, b, p)
	}
	return nil
}

// llc parses an 802.2 LLC header and, for SNAP, its OUI and protocol ID.
// SNAP with OUI 0 (RFC 1042) carries an EtherType and is decoded on.
func (d *Decoder) llc(ts time.Time, b []byte, p *Packet) error {
	if len(b) < 3 {
		return errf("llc", "header of %d bytes is shorter than 3", len(b))
	}
	if b[0] == llcSNAP && b[1] == llcSNAP && b[2] == llcUI {
		if len(b) < 8 {
			return errf("llc", "SNAP header of %d bytes is shorter than 8", len(b))
		}
		oui := uint64(b[3])<<16 | uint64(b[4])<<8 | uint64(b[5])
		pid := binary.BigEndian.Uint16(b[6:])
		p.SNAP = oui<<16 | uint64(pid)
		if oui == 0 && pid >= minEtherType {
			p.EtherType = pid
			p.L2Payload = b[8:]
			switch pid {
			case EtherTypeIPv4:
				return d.ipv4(ts, b[8:], p)
			case EtherTypeIPv6:
				return d.ipv6(ts, b[8:], p)
			}
			return nil
		}
		p.L2Payload = b[8:]
		return nil
	}
	// U-format PDUs have a 1-byte control field; I- and S-format ones
	// (connection-mode LLC, e.g. NetBEUI sessions) have 2.
	n := 3
	if b[2]&0x03 != 0x03 {
		n = 4
		if len(b) < n {
			return errf("llc", "header of %d bytes is shorter than 4", len(b))
		}
	}
	p.L2Payload = b[n:]
	return nil
}

// rawIP decodes a packet that starts with the IP header.
func (d *Decoder) rawIP(layer string, ts time.Time, b []byte, p *Packet) error {
	if len(b) == 0 {
		return errf(layer, "empty packet")
	}
	p.L2Payload = b
	switch b[0] >> 4 {
	case 4:
		p.EtherType = EtherTypeIPv4
		return d.ipv4(ts, b, p)
	case 6:
		p.EtherType = EtherTypeIPv6
		return d.ipv6(ts, b, p)
	}
	return errf(layer, "IP version %d is neither 4 nor 6", b[0]>>4)
}

// loopback parses BSD NULL (host-order family) and OpenBSD LOOP
// (network-order family) headers.
func (d *Decoder) loopback(link capture.LinkType, ts time.Time, b []byte, p *Packet) error {
	layer := "null"
	if link == capture.LinkLoop {
		layer = "loop"
	}
	if len(b) < 4 {
		return errf(layer, "header of %d bytes is shorter than 4", len(b))
	}
	family := binary.BigEndian.Uint32(b)
	if link == capture.LinkNull && family > 0xffff {
		// Host order of the capturing machine, usually little-endian:
		// a family number never needs the upper bytes.
		family = binary.LittleEndian.Uint32(b)
	}
	b = b[4:]
	p.L2Payload = b
	switch family {
	case afINET:
		p.EtherType = EtherTypeIPv4
		return d.ipv4(ts, b, p)
	case 10, 23, 24, 28, 30: // AF_INET6: Linux, Windows, NetBSD/OpenBSD, FreeBSD, macOS
		p.EtherType = EtherTypeIPv6
		return d.ipv6(ts, b, p)
	}
	return nil
}

// sll parses a Linux cooked capture v1 header.
func (d *Decoder) sll(ts time.Time, b []byte, p *Packet) error {
	if len(b) < 16 {
		return errf("sll", "header of %d bytes is shorter than 16", len(b))
	}
	hatype := binary.BigEndian.Uint16(b[2:])
	d.cookedAddr(hatype, int(binary.BigEndian.Uint16(b[4:])), b[6:14], p)
	return d.cooked("sll", ts, hatype, binary.BigEndian.Uint16(b[14:]), b[16:], p)
}

// sll2 parses a Linux cooked capture v2 header.
func (d *Decoder) sll2(ts time.Time, b []byte, p *Packet) error {
	if len(b) < 20 {
		return errf("sll2", "header of %d bytes is shorter than 20", len(b))
	}
	hatype := binary.BigEndian.Uint16(b[8:])
	d.cookedAddr(hatype, int(b[11]), b[12:20], p)
	return d.cooked("sll2", ts, hatype, binary.BigEndian.Uint16(b), b[20:], p)
}

// cookedAddr takes the sender's address from a cooked header. Whatever the
// packet type (to us, broadcast, outgoing …) the address is the sender's.
// Loopback devices report an all-zero 6-byte address, which is no
// hardware address at all.
func (d *Decoder) cookedAddr(hatype uint16, n int, addr []byte, p *Packet) {
	if n == 6 && hatype != arphrdLoopback {
		copy(p.SrcMAC[:], addr[:6])
		p.HasMAC = true
	}
}

// cooked dispatches on the protocol field of a cooked header.
func (d *Decoder) cooked(layer string, ts time.Time, hatype, proto uint16, b []byte, p *Packet) error {
	switch {
	case hatype == arphrdNetlink || hatype == arphrdIEEE80211 || hatype == arphrdRadiotap:
		// The protocol field is a netlink family or the payload is an
		// 802.11 frame: nothing for an IP decoder.
		p.L2Payload = b
		return nil
	case proto == linuxProtoLLC:
		return d.llc(ts, b, p)
	case proto < minEtherType:
		// Novell raw 802.3 and other Linux-internal protocol numbers.
		p.L2Payload = b
		return nil
	}
	return d.etherType(layer, ts, proto, b, p)
}
