package simulate

// DHCPv4 (RFC 2131/2132) and DHCPv6 (RFC 8415) messages. The client
// options are where operating systems give themselves away: the vendor class
// (option 60) and the order of the parameter request list (option 55).

const (
	dhcpDiscover = 1
	dhcpOffer    = 2
	dhcpRequest  = 3
	dhcpAck      = 5
	dhcpInform   = 8
)

// dhcpStyle is how one DHCP client implementation fills its requests.
type dhcpStyle struct {
	vendorClass string // option 60; "" to omit
	params      []byte // option 55, in the client's order
	maxSize     uint16 // option 57; 0 to omit
	clientID    bool   // option 61 (type 1 + MAC)
	fqdn        bool   // option 81 (Windows)
	hostname    bool   // option 12
}

// dhcpMsg appends a BOOTP header and the magic cookie.
func dhcpMsg(b []byte, op byte, xid uint32, secs uint16, broadcast bool, ciaddr, yiaddr, giaddr [4]byte, chaddr [6]byte) []byte {
	b = append(b, op, 1, 6, 0)
	b = be32(b, xid)
	b = be16(b, secs)
	if broadcast {
		b = be16(b, 0x8000)
	} else {
		b = be16(b, 0)
	}
	b = append(b, ciaddr[:]...)
	b = append(b, yiaddr[:]...)
	b = append(b, 0, 0, 0, 0) // siaddr
	b = append(b, giaddr[:]...)
	b = append(b, chaddr[:]...)
	b = append(b, make([]byte, 10+64+128)...) // chaddr padding, sname, file
	return append(b, 99, 130, 83, 99)
}

func dhcpOpt(b []byte, code byte, v []byte) []byte {
	b = append(b, code, byte(len(v)))
	return append(b, v...)
}

// dhcpClientMsg builds a DISCOVER, REQUEST or INFORM from a client.
func dhcpClientMsg(b []byte, st *dhcpStyle, typ byte, xid uint32, secs uint16, mac [6]byte, ciaddr, requested [4]byte, server [4]byte, hostname string) []byte {
	b = dhcpMsg(b, 1, xid, secs, false, ciaddr, [4]byte{}, [4]byte{}, mac)
	b = dhcpOpt(b, 53, []byte{typ})
	if st.clientID {
		b = append(b, 61, 7, 1)
		b = append(b, mac[:]...)
	}
	if requested != ([4]byte{}) && ciaddr == ([4]byte{}) {
		b = dhcpOpt(b, 50, requested[:])
	}
	if server != ([4]byte{}) && typ == dhcpRequest && ciaddr == ([4]byte{}) {
		b = dhcpOpt(b, 54, server[:])
	}
	if st.maxSize != 0 {
		b = append(b, 57, 2, byte(st.maxSize>>8), byte(st.maxSize))
	}
	if st.hostname && hostname != "" {
		b = dhcpOpt(b, 12, []byte(hostname))
	}
	if st.fqdn && hostname != "" && typ != dhcpDiscover {
		// Flags S=0 (client updates its A record), RCODE1/2 = 0, ASCII name.
		v := append([]byte{0, 0, 0}, hostname...)
		v = append(v, ".nhs-trust.local"...)
		b = dhcpOpt(b, 81, v)
	}
	if st.vendorClass != "" {
		b = dhcpOpt(b, 60, []byte(st.vendorClass))
	}
	b = dhcpOpt(b, 55, st.params)
	return append(b, 255)
}

// dhcpServerMsg builds an OFFER or ACK as relayed by the gateway.
func dhcpServerMsg(b []byte, typ byte, xid uint32, mac [6]byte, ciaddr, yiaddr, giaddr, server, router, dns [4]byte, broadcast bool) []byte {
	b = dhcpMsg(b, 2, xid, 0, broadcast, ciaddr, yiaddr, giaddr, mac)
	b = dhcpOpt(b, 53, []byte{typ})
	b = dhcpOpt(b, 54, server[:])
	b = append(b, 51, 4, 0, 1, 0x51, 0x80) // lease 86400 s
	b = append(b, 58, 4, 0, 0, 0xa8, 0xc0) // T1 43200 s
	b = append(b, 59, 4, 0, 1, 0x27, 0x50) // T2 75600 s
	b = append(b, 1, 4, 255, 255, 255, 0)
	b = dhcpOpt(b, 3, router[:])
	b = dhcpOpt(b, 6, dns[:])
	b = dhcpOpt(b, 15, []byte("nhs-trust.local"))
	return append(b, 255)
}

// dhcpv6Solicit builds a Windows DHCPv6 SOLICIT: client DUID-LLT, IA_NA,
// elapsed time, FQDN, vendor class 311 "MSFT 5.0" and the option request
// list.
func dhcpv6Solicit(b []byte, xid uint32, mac [6]byte, duidTime uint32, iaid uint32, fqdn string) []byte {
	b = append(b, 1, byte(xid>>16), byte(xid>>8), byte(xid))
	b = be16(b, 8) // elapsed time
	b = be16(b, 2)
	b = be16(b, 0)
	b = be16(b, 1) // client identifier: DUID-LLT, Ethernet
	b = be16(b, 14)
	b = be16(b, 1)
	b = be16(b, 1)
	b = be32(b, duidTime)
	b = append(b, mac[:]...)
	b = be16(b, 3) // IA_NA
	b = be16(b, 12)
	b = be32(b, iaid)
	b = be32(b, 0)
	b = be32(b, 0)
	b = be16(b, 39) // client FQDN: flags S=1, DNS wire name
	name := appendDNSName(nil, fqdn)
	b = be16(b, uint16(1+len(name)))
	b = append(b, 0x01)
	b = append(b, name...)
	b = be16(b, 16) // vendor class: enterprise 311, one opaque "MSFT 5.0"
	b = be16(b, 4+2+8)
	b = be32(b, 311)
	b = be16(b, 8)
	b = append(b, "MSFT 5.0"...)
	b = be16(b, 6) // option request: 17 vendor opts, 23 DNS, 24 domain list
	b = be16(b, 6)
	b = be16(b, 17)
	b = be16(b, 23)
	b = be16(b, 24)
	return b
}
