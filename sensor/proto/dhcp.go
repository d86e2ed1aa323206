package proto

import (
	"encoding/binary"
	"encoding/hex"
	"net/netip"
	"strconv"

	"github.com/cordonsec/cordon"
)

// DHCP reads DHCPv4 (RFC 2131, 2132): the host name, vendor class and
// parameter request list a client sends are among the best fingerprints of
// its operating system and firmware, and the server's ACK binds its MAC to
// an address.
var DHCP = DatagramDissector{Name: "dhcp", Ports: []uint16{67, 68}, Parse: parseDHCP}

// DHCP message layout (RFC 2131 2) and option codes (RFC 2132).
const (
	dhcpOptionsOff = 240
	dhcpMagic      = 0x63825363

	dhcpOptPad          = 0
	dhcpOptHostname     = 12
	dhcpOptRequestedIP  = 50
	dhcpOptOverload     = 52
	dhcpOptMessageType  = 53
	dhcpOptParamList    = 55
	dhcpOptMaxMsgSize   = 57
	dhcpOptVendorClass  = 60
	dhcpOptClientID     = 61
	dhcpOptFQDN         = 81
	dhcpOptEnd          = 255
	dhcpTypeDecline     = 4
	dhcpTypeACK         = 5
	dhcpFQDNWireEncoded = 0x04 // E flag of option 81 (RFC 4702 2.1)
)

// dhcpTypes names the message types of option 53 (RFC 2132 9.6, RFC 4388,
// RFC 6926).
var dhcpTypes = [...]string{
	1: "DISCOVER", 2: "OFFER", 3: "REQUEST", 4: "DECLINE", 5: "ACK", 6: "NAK",
	7: "RELEASE", 8: "INFORM", 9: "FORCERENEW", 10: "LEASEQUERY",
	11: "LEASEUNASSIGNED", 12: "LEASEUNKNOWN", 13: "LEASEACTIVE",
	14: "BULKLEASEQUERY", 15: "LEASEQUERYDONE", 16: "ACTIVELEASEQUERY",
	17: "LEASEQUERYSTATUS", 18: "TLS",
}

// dhcpOpts walks the options of a message: the options field, then the
// file and sname fields when option 52 says they are overloaded.
type dhcpOpts struct {
	areas [3][]byte
	n     int // areas in use
	i     int // current area
	rest  []byte
}

func newDHCPOpts(b []byte, overload byte) dhcpOpts {
	o := dhcpOpts{n: 1}
	o.areas[0] = b[dhcpOptionsOff:]
	if overload&1 != 0 {
		o.areas[o.n] = b[108:236]
		o.n++
	}
	if overload&2 != 0 {
		o.areas[o.n] = b[44:108]
		o.n++
	}
	o.rest = o.areas[0]
	return o
}

// next returns the next option. A truncated option ends its area.
func (o *dhcpOpts) next() (code byte, val []byte, ok bool) {
	for {
		if len(o.rest) == 0 {
			o.i++
			if o.i >= o.n {
				return 0, nil, false
			}
			o.rest = o.areas[o.i]
			continue
		}
		code = o.rest[0]
		switch {
		case code == dhcpOptPad:
			o.rest = o.rest[1:]
			continue
		case code == dhcpOptEnd, len(o.rest) < 2 || 2+int(o.rest[1]) > len(o.rest):
			o.rest = nil
			continue
		}
		n := int(o.rest[1])
		val = o.rest[2 : 2+n]
		o.rest = o.rest[2+n:]
		return code, val, true
	}
}

// parseDHCP emits the client's options from BOOTREQUESTs and the granted
// address from ACKs. Facts are about the client named by chaddr and, when
// known, the address it uses: ciaddr, else the requested address, else the
// packet's source when it came straight from the client.
func parseDHCP(d *Datagram, e Emitter) bool {
	b := d.Payload
	if len(b) < dhcpOptionsOff || binary.BigEndian.Uint32(b[236:]) != dhcpMagic {
		return false
	}
	op := b[0]
	if op != 1 && op != 2 {
		return false
	}
	var about cordon.Endpoint
	if b[1] == 1 && b[2] == 6 { // Ethernet chaddr
		about.MAC = cordon.MAC(b[28:34])
	}

	// First pass: the facts that decide how to read the rest.
	var (
		msgType, overload byte
		requested         netip.Addr
	)
	o := newDHCPOpts(b, 0)
	for code, val, ok := o.next(); ok; code, val, ok = o.next() {
		switch {
		case code == dhcpOptMessageType && len(val) == 1:
			msgType = val[0]
		case code == dhcpOptRequestedIP && len(val) == 4:
			requested = netip.AddrFrom4([4]byte(val))
		case code == dhcpOptOverload && len(val) == 1:
			overload = val[0]
		}
	}

	if op == 2 {
		yiaddr := netip.AddrFrom4([4]byte(b[16:20]))
		if msgType == dhcpTypeACK && !yiaddr.IsUnspecified() && !about.MAC.IsZero() {
			about.IP = yiaddr
			e.Emit(about, "dhcp.assigned_ip", yiaddr.String())
		}
		return true
	}

	switch msgType {
	case 0, 1, 3, dhcpTypeDecline, 7, 8:
		// BOOTP (no type), DISCOVER, REQUEST, DECLINE, RELEASE, INFORM.
	default:
		// Leasequeries and the like come from relays and servers and
		// are about a client, not by it: their options are not its own.
		return true
	}
	ciaddr := netip.AddrFrom4([4]byte(b[12:16]))
	giaddr := netip.AddrFrom4([4]byte(b[24:28]))
	switch {
	case !ciaddr.IsUnspecified():
		about.IP = ciaddr
	case requested.IsValid() && !requested.IsUnspecified() && msgType != dhcpTypeDecline:
		// A DECLINE names an address the client found in use by another.
		about.IP = requested
	case giaddr.IsUnspecified() && d.Src.IP.Is4() && !d.Src.IP.IsUnspecified():
		// Relayed messages come from the relay, not the client.
		about.IP = d.Src.IP
	}
	if about.MAC.IsZero() && !about.IP.IsValid() {
		return true
	}

	if int(msgType) < len(dhcpTypes) && dhcpTypes[msgType] != "" {
		e.Emit(about, "dhcp.message_type", dhcpTypes[msgType])
	}
	o = newDHCPOpts(b, overload)
	for code, val, ok := o.next(); ok; code, val, ok = o.next() {
		dhcpOption(e, about, code, val)
	}
	return true
}

// dhcpOption emits the fact of one client option, if it is one we keep.
func dhcpOption(e Emitter, about cordon.Endpoint, code byte, val []byte) {
	var buf [4 * 255]byte
	var v string
	fact := ""
	switch code {
	case dhcpOptHostname:
		fact, v = "dhcp.hostname", cleanValue(val)
	case dhcpOptRequestedIP:
		if len(val) == 4 {
			fact, v = "dhcp.requested_ip", netip.AddrFrom4([4]byte(val)).String()
		}
	case dhcpOptParamList:
		fact, v = "dhcp.param_list", codeList(buf[:0], val, 1)
	case dhcpOptMaxMsgSize:
		if len(val) == 2 {
			fact, v = "dhcp.max_msg_size", strconv.Itoa(int(binary.BigEndian.Uint16(val)))
		}
	case dhcpOptVendorClass:
		fact, v = "dhcp.vendor_class", cleanValue(val)
	case dhcpOptClientID:
		fact, v = "dhcp.client_id", hexValue(buf[:0], val)
	case dhcpOptFQDN:
		// Flags, two obsolete RCODE bytes, then the name: in DNS wire
		// format when E is set, else (deprecated) ASCII.
		if len(val) > 3 {
			name := val[3:]
			if val[0]&dhcpFQDNWireEncoded != 0 {
				var ok bool
				if name, ok = dnsName(name, 0, buf[:dnsMaxName]); !ok {
					return
				}
			}
			fact, v = "dhcp.fqdn", cleanValue(name)
		}
	}
	if fact != "" && v != "" {
		e.Emit(about, fact, v)
	}
}

// codeList formats a list of option codes, each width bytes wide, as
// comma-separated decimal, cut after the last whole code that fits in
// MaxValue.
func codeList(dst, val []byte, width int) string {
	for i := 0; i+width <= len(val); i += width {
		n := len(dst)
		if n > 0 {
			dst = append(dst, ',')
		}
		var c uint64
		for _, x := range val[i : i+width] {
			c = c<<8 | uint64(x)
		}
		dst = strconv.AppendUint(dst, c, 10)
		if len(dst) > MaxValue {
			dst = dst[:n]
			break
		}
	}
	return string(dst)
}

// hexValue formats b as lower-case hex, cut to fit in MaxValue.
func hexValue(dst, b []byte) string {
	if len(b) > MaxValue/2 {
		b = b[:MaxValue/2]
	}
	return string(hex.AppendEncode(dst, b))
}
