package proto

import (
	"encoding/binary"
	"net/netip"

	"github.com/cordonsec/cordon"
)

// LLDP reads the Link Layer Discovery Protocol (IEEE 802.1AB) and its
// LLDP-MED extension (ANSI/TIA-1057): switches, phones and many medical
// devices announce their name, description, capabilities and, with MED,
// their hardware, firmware and software revisions, serial number, maker
// and model.
var LLDP = FrameDissector{Name: "lldp", EtherType: 0x88cc, Parse: parseLLDP}

// LLDP TLV types (802.1AB-2016 8.4) and the TIA organisationally specific
// subtypes (TIA-1057 10.2).
const (
	lldpEnd          = 0
	lldpChassisID    = 1
	lldpPortDesc     = 4
	lldpSystemName   = 5
	lldpSystemDesc   = 6
	lldpCapabilities = 7
	lldpMgmtAddr     = 8
	lldpOrgSpecific  = 127

	lldpChassisMAC     = 4 // chassis ID subtype: MAC address
	lldpChassisNetAddr = 5 // chassis ID subtype: network address

	lldpMEDCapabilities = 1
	lldpMEDHardwareRev  = 5
	lldpMEDModel        = 10

	ianaIPv4 = 1 // IANA address family numbers
	ianaIPv6 = 2

	lldpMaxTLVs = 128
)

// lldpTIA is the OUI of TIA TR-41 (LLDP-MED).
var lldpTIA = [3]byte{0x00, 0x12, 0xbb}

// lldpCapNames names the system capability bits, lowest bit first
// (802.1AB-2016 8.5.8.1).
var lldpCapNames = [...]string{
	"other", "repeater", "bridge", "wlan_access_point", "router", "telephone",
	"docsis", "station", "c_vlan", "s_vlan", "tpmr",
}

// lldpMEDFacts are the fact names of the LLDP-MED inventory subtypes 5..10.
var lldpMEDFacts = [...]string{
	"lldp.med.hardware_revision", "lldp.med.firmware_revision",
	"lldp.med.software_revision", "lldp.med.serial_number",
	"lldp.med.manufacturer", "lldp.med.model",
}

// lldpMEDClasses names the LLDP-MED device types (TIA-1057 10.2.2.2), as
// Wireshark does.
var lldpMEDClasses = [...]string{
	1: "Endpoint Class I", 2: "Endpoint Class II", 3: "Endpoint Class III",
	4: "Network Connectivity",
}

// parseLLDP emits facts about the frame's source. An LLDPDU must start with
// a chassis ID TLV; anything else is not LLDP.
func parseLLDP(f *Frame, e Emitter) bool {
	about := cordon.Endpoint{MAC: f.Src}
	b := f.Payload
	if len(b) < 4 {
		return false // not even a chassis ID TLV
	}
	for i := 0; i < lldpMaxTLVs && len(b) >= 2; i++ {
		h := binary.BigEndian.Uint16(b)
		typ, n := int(h>>9), int(h&0x1ff)
		if 2+n > len(b) {
			return i > 0
		}
		v := b[2 : 2+n]
		b = b[2+n:]
		if i == 0 && (typ != lldpChassisID || n < 2) {
			return false
		}
		switch typ {
		case lldpEnd:
			return true
		case lldpChassisID:
			if m := lldpChassis(e, about, v); about.MAC.IsZero() {
				// Some stacks send from 00:00:00:00:00:00; the
				// chassis MAC is the next best name for the sender.
				about.MAC = m
			}
		case lldpPortDesc:
			emitClean(e, about, "lldp.port_description", v)
		case lldpSystemName:
			emitClean(e, about, "lldp.system_name", v)
		case lldpSystemDesc:
			emitClean(e, about, "lldp.system_description", v)
		case lldpCapabilities:
			if len(v) == 4 {
				var buf [MaxValue]byte
				if s := capNames(buf[:0], uint32(binary.BigEndian.Uint16(v[2:])), lldpCapNames[:]); s != "" {
					e.Emit(about, "lldp.capabilities", s)
				}
			}
		case lldpMgmtAddr:
			// Address string length (subtype included), subtype, address.
			if len(v) >= 2 && int(v[0]) >= 1 && 1+int(v[0]) <= len(v) {
				if a, ok := familyAddr(v[1], v[2:1+int(v[0])]); ok {
					e.Emit(about, "lldp.mgmt_ip", a.String())
				}
			}
		case lldpOrgSpecific:
			if len(v) >= 4 && [3]byte(v[:3]) == lldpTIA {
				lldpMED(e, about, v[3], v[4:])
			}
		}
	}
	return true
}

// lldpChassis emits the chassis ID: a MAC or IP address formatted, any other
// subtype as text. It returns the MAC when the ID is one.
func lldpChassis(e Emitter, about cordon.Endpoint, v []byte) (m cordon.MAC) {
	if len(v) < 2 {
		return m
	}
	sub, id := v[0], v[1:]
	switch {
	case sub == lldpChassisMAC && len(id) == 6:
		if m = cordon.MAC(id); !m.IsZero() && !m.IsMulticast() {
			if about.MAC.IsZero() {
				about.MAC = m
			}
			e.Emit(about, "lldp.chassis_id", m.String())
		} else {
			m = cordon.MAC{}
		}
	case sub == lldpChassisNetAddr:
		if a, ok := familyAddr(id[0], id[1:]); ok {
			e.Emit(about, "lldp.chassis_id", a.String())
		}
	default:
		emitClean(e, about, "lldp.chassis_id", id)
	}
	return m
}

// lldpMED emits the LLDP-MED device class and inventory TLVs.
func lldpMED(e Emitter, about cordon.Endpoint, sub byte, v []byte) {
	switch {
	case sub == lldpMEDCapabilities && len(v) == 3:
		if c := int(v[2]); c < len(lldpMEDClasses) && lldpMEDClasses[c] != "" {
			e.Emit(about, "lldp.med.device_class", lldpMEDClasses[c])
		}
	case sub >= lldpMEDHardwareRev && sub <= lldpMEDModel:
		emitClean(e, about, lldpMEDFacts[sub-lldpMEDHardwareRev], v)
	}
}

// familyAddr reads an IPv4 or IPv6 address given its IANA family number.
func familyAddr(family byte, b []byte) (netip.Addr, bool) {
	switch {
	case family == ianaIPv4 && len(b) == 4:
		return netip.AddrFrom4([4]byte(b)), true
	case family == ianaIPv6 && len(b) == 16:
		return netip.AddrFrom16([16]byte(b)), true
	}
	return netip.Addr{}, false
}

// capNames formats the set bits of caps as comma-separated names.
func capNames(dst []byte, caps uint32, names []string) string {
	for i, name := range names {
		if caps&(1<<i) == 0 {
			continue
		}
		if len(dst) > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, name...)
	}
	return string(dst)
}

// emitClean emits fact with the cleaned value v unless it is empty.
func emitClean(e Emitter, about cordon.Endpoint, fact string, v []byte) {
	if s := cleanValue(v); s != "" {
		e.Emit(about, fact, s)
	}
}
