package proto

import (
	"encoding/binary"
	"net/netip"

	"github.com/cordonsec/cordon"
)

// ARP reads Ethernet/IPv4 ARP (RFC 826), which binds each sender's MAC to
// the IPv4 address it claims, even for devices that send nothing else.
var ARP = FrameDissector{Name: "arp", EtherType: 0x0806, Parse: parseARP}

// arpLen is the size of an Ethernet/IPv4 ARP packet without padding.
const arpLen = 28

// parseARP emits arp.ip about the sender. An ARP probe (RFC 5227) has
// sender IP 0.0.0.0 and only asks whether the target address is free: it
// binds nothing, so it yields arp.probe with the address asked about,
// about the sender's MAC alone.
func parseARP(f *Frame, e Emitter) bool {
	b := f.Payload
	// Hardware Ethernet (1), protocol IPv4, 6-byte and 4-byte addresses.
	if len(b) < arpLen || binary.BigEndian.Uint16(b[0:]) != 1 ||
		binary.BigEndian.Uint16(b[2:]) != 0x0800 || b[4] != 6 || b[5] != 4 {
		return false
	}
	op := binary.BigEndian.Uint16(b[6:])
	if op != 1 && op != 2 {
		return false // RARP and InARP use other opcodes
	}
	sha := cordon.MAC(b[8:14])
	spa := netip.AddrFrom4([4]byte(b[14:18]))
	tpa := netip.AddrFrom4([4]byte(b[24:28]))
	if sha.IsZero() || sha.IsMulticast() {
		return true // forged or broken: no device has this address
	}
	if spa.IsUnspecified() {
		if !tpa.IsUnspecified() {
			e.Emit(cordon.Endpoint{MAC: sha}, "arp.probe", tpa.String())
		}
		return true
	}
	if spa.IsMulticast() || spa == netip.AddrFrom4([4]byte{255, 255, 255, 255}) {
		return true
	}
	e.Emit(cordon.Endpoint{MAC: sha, IP: spa}, "arp.ip", spa.String())
	return true
}
