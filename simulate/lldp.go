package simulate

// LLDP (IEEE 802.1AB, with the TIA-1057 LLDP-MED extensions that IP phones
// send) and Cisco CDP v2.

var (
	lldpMAC = [6]byte{0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e}
	cdpMAC  = [6]byte{0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc}
)

// lldpSpec is what one device says about itself in LLDP.
type lldpSpec struct {
	sysDescr string
	caps     uint16 // capability bits: 0x04 bridge, 0x10 router, 0x20 telephone, 0x80 station
	med      *lldpMED
}

// lldpMED is the LLDP-MED inventory of an endpoint.
type lldpMED struct {
	hw, fw, sw, serial, mfr, model string
}

func lldpTLV(b []byte, typ int, v []byte) []byte {
	b = be16(b, uint16(typ<<9|len(v)&0x1ff))
	return append(b, v...)
}

func lldpMEDTLV(b []byte, sub byte, v []byte) []byte {
	x := append([]byte{0x00, 0x12, 0xbb, sub}, v...)
	return lldpTLV(b, 127, x)
}

// lldpFrame builds an LLDPDU.
func lldpFrame(b []byte, mac [6]byte, port, portDesc, sysName string, s *lldpSpec, mgmt [4]byte) []byte {
	b = lldpTLV(b, 1, append([]byte{4}, mac[:]...)) // chassis ID: MAC address
	b = lldpTLV(b, 2, append([]byte{5}, port...))   // port ID: interface name
	b = lldpTLV(b, 3, []byte{0, 120})
	b = lldpTLV(b, 4, []byte(portDesc))
	b = lldpTLV(b, 5, []byte(sysName))
	b = lldpTLV(b, 6, []byte(s.sysDescr))
	b = lldpTLV(b, 7, []byte{byte(s.caps >> 8), byte(s.caps), byte(s.caps >> 8), byte(s.caps)})
	m := []byte{5, 1}
	m = append(m, mgmt[:]...)
	m = append(m, 2, 0, 0, 0, 1, 0) // ifIndex subtype, interface 1, no OID
	b = lldpTLV(b, 8, m)
	if s.med != nil {
		b = lldpMEDTLV(b, 1, []byte{0x00, 0x33, 3}) // capabilities, class III endpoint
		// Network policy: voice, tagged VLAN 0 (untagged), DSCP 46.
		b = lldpMEDTLV(b, 2, []byte{1, 0x00, 0x00, 0x2e})
		b = lldpMEDTLV(b, 5, []byte(s.med.hw))
		b = lldpMEDTLV(b, 6, []byte(s.med.fw))
		b = lldpMEDTLV(b, 7, []byte(s.med.sw))
		b = lldpMEDTLV(b, 8, []byte(s.med.serial))
		b = lldpMEDTLV(b, 9, []byte(s.med.mfr))
		b = lldpMEDTLV(b, 10, []byte(s.med.model))
	}
	return lldpTLV(b, 0, nil)
}

// cdpSpec is what a Cisco device says in CDP.
type cdpSpec struct {
	platform string
	software string
	caps     uint32 // 0x01 router, 0x08 switch, 0x20 IGMP, 0x80 phone
}

func cdpTLV(b []byte, typ uint16, v []byte) []byte {
	b = be16(b, typ)
	b = be16(b, uint16(4+len(v)))
	return append(b, v...)
}

// cdpFrame builds the LLC/SNAP header and a CDP v2 PDU with a correct
// checksum.
func cdpFrame(b []byte, deviceID, port string, ip [4]byte, s *cdpSpec, nativeVLAN uint16) []byte {
	b = append(b, 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x20, 0x00)
	h := len(b)
	b = append(b, 2, 180, 0, 0) // version 2, holdtime 180 s, checksum
	b = cdpTLV(b, 0x0001, []byte(deviceID))
	addr := []byte{0, 0, 0, 1, 1, 1, 0xcc, 0, 4}
	addr = append(addr, ip[:]...)
	b = cdpTLV(b, 0x0002, addr)
	b = cdpTLV(b, 0x0003, []byte(port))
	b = cdpTLV(b, 0x0004, []byte{byte(s.caps >> 24), byte(s.caps >> 16), byte(s.caps >> 8), byte(s.caps)})
	b = cdpTLV(b, 0x0005, []byte(s.software))
	b = cdpTLV(b, 0x0006, []byte(s.platform))
	b = cdpTLV(b, 0x000a, []byte{byte(nativeVLAN >> 8), byte(nativeVLAN)})
	b = cdpTLV(b, 0x000b, []byte{1}) // full duplex
	if (len(b)-h)&1 == 1 {
		// Cisco's checksum treats an odd trailing byte as signed; keep the
		// PDU even so the plain Internet checksum applies unambiguously.
		b = cdpTLV(b, 0x0010, []byte{0, 0, 0, 0, 0}) // power available: 0
	}
	pdu := b[h:]
	c := csumFold(csumAdd(0, pdu))
	pdu[2], pdu[3] = byte(c>>8), byte(c)
	return b
}
