package proto

import (
	"bytes"
	"encoding/binary"
	"net/netip"

	"github.com/cordonsec/cordon"
)

// CDP reads the Cisco Discovery Protocol, which Cisco switches, routers,
// access points and IP phones send: device name, platform, software
// version, capabilities and address.
var CDP = FrameDissector{Name: "cdp", SNAP: 0x00000c2000, Parse: parseCDP}

// CDP TLV types.
const (
	cdpDeviceID     = 0x01
	cdpAddresses    = 0x02
	cdpCapabilities = 0x04
	cdpSoftware     = 0x05
	cdpPlatform     = 0x06

	cdpHeaderLen = 4 // version, TTL, checksum
	cdpMaxTLVs   = 128
)

// cdpCapNames names the capability bits, lowest bit first, after Cisco's
// documentation of the TLV.
var cdpCapNames = [...]string{
	"router", "trans_bridge", "source_route_bridge", "switch", "host", "igmp",
	"repeater", "phone", "remote", "cvta", "mac_relay",
}

// cdpIPv6Proto is the 802.2 protocol field that marks an IPv6 address.
var cdpIPv6Proto = []byte{0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x86, 0xdd}

// parseCDP emits facts about the frame's source.
func parseCDP(f *Frame, e Emitter) bool {
	b := f.Payload
	if len(b) < cdpHeaderLen || (b[0] != 1 && b[0] != 2) {
		return false
	}
	about := cordon.Endpoint{MAC: f.Src}
	b = b[cdpHeaderLen:]
	for i := 0; i < cdpMaxTLVs && len(b) >= 4; i++ {
		typ := binary.BigEndian.Uint16(b)
		n := int(binary.BigEndian.Uint16(b[2:]))
		if n < 4 || n > len(b) {
			return i > 0
		}
		v := b[4:n]
		b = b[n:]
		switch typ {
		case cdpDeviceID:
			emitClean(e, about, "cdp.device_id", v)
		case cdpPlatform:
			emitClean(e, about, "cdp.platform", v)
		case cdpSoftware:
			if j := bytes.IndexByte(v, '\n'); j >= 0 {
				v = v[:j]
			}
			emitClean(e, about, "cdp.software_version", v)
		case cdpCapabilities:
			if len(v) == 4 {
				var buf [MaxValue]byte
				if s := capNames(buf[:0], binary.BigEndian.Uint32(v), cdpCapNames[:]); s != "" {
					e.Emit(about, "cdp.capabilities", s)
				}
			}
		case cdpAddresses:
			// Switches without an address configured send 0.0.0.0.
			if a, ok := cdpFirstAddr(v); ok && !a.IsUnspecified() {
				e.Emit(about, "cdp.address", a.String())
			}
		}
	}
	return true
}

// cdpFirstAddr returns the first IPv4 or IPv6 address of an addresses TLV:
// a count, then entries of protocol type, protocol length, protocol,
// address length and address.
func cdpFirstAddr(v []byte) (netip.Addr, bool) {
	if len(v) < 4 {
		return netip.Addr{}, false
	}
	count := binary.BigEndian.Uint32(v)
	v = v[4:]
	for i := uint32(0); i < count && len(v) >= 2; i++ {
		ptype, plen := v[0], int(v[1])
		if 2+plen+2 > len(v) {
			break
		}
		proto := v[2 : 2+plen]
		alen := int(binary.BigEndian.Uint16(v[2+plen:]))
		v = v[2+plen+2:]
		if alen > len(v) {
			break
		}
		addr := v[:alen]
		v = v[alen:]
		switch {
		case ptype == 1 && plen == 1 && proto[0] == 0xcc && alen == 4:
			return netip.AddrFrom4([4]byte(addr)), true
		case ptype == 2 && bytes.Equal(proto, cdpIPv6Proto) && alen == 16:
			return netip.AddrFrom16([16]byte(addr)), true
		}
	}
	return netip.Addr{}, false
}
