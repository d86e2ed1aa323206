package simulate

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// A minimal classic-pcap reader and frame checker for the tests, kept
// independent of package capture so that the simulator is checked by code
// that shares nothing with it.

type testPacket struct {
	usec  int64
	frame []byte
}

// readPcap parses a little-endian microsecond pcap.
func readPcap(b []byte) ([]testPacket, error) {
	if len(b) < 24 {
		return nil, errors.New("pcap: short global header")
	}
	if binary.LittleEndian.Uint32(b) != pcapMagicMicro {
		return nil, errors.New("pcap: bad magic")
	}
	if lt := binary.LittleEndian.Uint32(b[20:]); lt != linkEthernet {
		return nil, fmt.Errorf("pcap: link type %d", lt)
	}
	var out []testPacket
	for off := 24; off < len(b); {
		if len(b)-off < 16 {
			return out, fmt.Errorf("pcap: short record header at %d", off)
		}
		sec := binary.LittleEndian.Uint32(b[off:])
		usec := binary.LittleEndian.Uint32(b[off+4:])
		incl := int(binary.LittleEndian.Uint32(b[off+8:]))
		orig := int(binary.LittleEndian.Uint32(b[off+12:]))
		if usec >= 1e6 || incl != orig || incl > pcapSnapLen || incl < 14 {
			return out, fmt.Errorf("pcap: bad record header at %d", off)
		}
		off += 16
		if len(b)-off < incl {
			return out, fmt.Errorf("pcap: truncated record at %d", off)
		}
		out = append(out, testPacket{usec: int64(sec)*1e6 + int64(usec), frame: b[off : off+incl]})
		off += incl
	}
	return out, nil
}

// frameInfo is what checkFrame learned about one frame.
type frameInfo struct {
	src, dst  [6]byte
	vlan      uint16
	etype     uint16 // 0 for 802.3 length frames
	ipv       int
	srcIP     [4]byte
	proto     uint8
	fragment  bool
	tcpFlags  uint8
	sport     uint16
	dport     uint16
	l4payload []byte
}

// checkFrame decodes a frame and verifies every checksum it can.
func checkFrame(f []byte) (frameInfo, error) {
	var fi frameInfo
	copy(fi.dst[:], f[0:6])
	copy(fi.src[:], f[6:12])
	p := f[12:]
	et := binary.BigEndian.Uint16(p)
	if et == etherVLAN {
		if len(p) < 6 {
			return fi, errors.New("short vlan tag")
		}
		fi.vlan = binary.BigEndian.Uint16(p[2:]) & 0x0fff
		p = p[4:]
		et = binary.BigEndian.Uint16(p)
	}
	p = p[2:]
	if et < 0x0600 {
		if int(et) > len(p) {
			return fi, fmt.Errorf("802.3 length %d beyond frame", et)
		}
		return fi, nil
	}
	fi.etype = et
	switch et {
	case etherARP:
		if len(p) < 28 {
			return fi, errors.New("short arp")
		}
		copy(fi.srcIP[:], p[14:18]) // sender protocol address
		fi.ipv = 4
	case etherIPv4:
		if len(p) < 20 || p[0] != 0x45 {
			return fi, errors.New("bad ipv4 header")
		}
		fi.ipv = 4
		tl := int(binary.BigEndian.Uint16(p[2:]))
		if tl > len(p) || tl < 20 {
			return fi, fmt.Errorf("ipv4 total length %d, have %d", tl, len(p))
		}
		if csumFold(csumAdd(0, p[:20])) != 0 {
			return fi, errors.New("bad ipv4 header checksum")
		}
		copy(fi.srcIP[:], p[12:16])
		var src, dst [4]byte
		copy(src[:], p[12:16])
		copy(dst[:], p[16:20])
		fi.proto = p[9]
		ff := binary.BigEndian.Uint16(p[6:])
		seg := p[20:tl]
		if ff&0x3fff != 0 {
			fi.fragment = true
			return fi, nil
		}
		return fi, checkL4(&fi, seg, pseudo4(src, dst, fi.proto, len(seg)))
	case etherIPv6:
		if len(p) < 40 {
			return fi, errors.New("short ipv6 header")
		}
		fi.ipv = 6
		n := int(binary.BigEndian.Uint16(p[4:]))
		if 40+n > len(p) {
			return fi, errors.New("ipv6 payload beyond frame")
		}
		var src, dst [16]byte
		copy(src[:], p[8:24])
		copy(dst[:], p[24:40])
		fi.proto = p[6]
		return fi, checkL4(&fi, p[40:40+n], pseudo6(src, dst, fi.proto, n))
	}
	return fi, nil
}

func checkL4(fi *frameInfo, seg []byte, pseudo uint32) error {
	switch fi.proto {
	case ipProtoUDP:
		if len(seg) < 8 || int(binary.BigEndian.Uint16(seg[4:])) != len(seg) {
			return errors.New("bad udp length")
		}
		fi.sport, fi.dport = binary.BigEndian.Uint16(seg), binary.BigEndian.Uint16(seg[2:])
		fi.l4payload = seg[8:]
	case ipProtoTCP:
		if len(seg) < 20 || int(seg[12]>>4)*4 > len(seg) {
			return errors.New("bad tcp header")
		}
		fi.sport, fi.dport = binary.BigEndian.Uint16(seg), binary.BigEndian.Uint16(seg[2:])
		fi.tcpFlags = seg[13]
		fi.l4payload = seg[int(seg[12]>>4)*4:]
	default:
		return nil
	}
	if csumFold(csumAdd(pseudo, seg)) != 0 {
		return fmt.Errorf("bad %d checksum", fi.proto)
	}
	return nil
}
