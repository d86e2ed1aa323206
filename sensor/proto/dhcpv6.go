package proto

import (
	"encoding/binary"
	"net/netip"
	"strconv"

	"github.com/cordonsec/cordon"
)

// DHCPv6 reads DHCPv6 (RFC 8415) client messages: the DUID that names a
// client across addresses and reboots, and its FQDN, vendor class and
// option request list, which fingerprint its operating system.
var DHCPv6 = DatagramDissector{Name: "dhcpv6", Ports: []uint16{546, 547}, Parse: parseDHCPv6}

// DHCPv6 message types and option codes (RFC 8415 7.3, 21; RFC 4704, 6939).
const (
	dhcp6Solicit   = 1
	dhcp6Request   = 3
	dhcp6Confirm   = 4
	dhcp6Renew     = 5
	dhcp6Rebind    = 6
	dhcp6Release   = 8
	dhcp6Decline   = 9
	dhcp6InfoReq   = 11
	dhcp6RelayForw = 12
	dhcp6RelayRepl = 13
	dhcp6MaxType   = 36 // highest type assigned by IANA so far

	dhcp6OptClientID    = 1
	dhcp6OptORO         = 6
	dhcp6OptRelayMsg    = 9
	dhcp6OptVendorClass = 16
	dhcp6OptFQDN        = 39
	dhcp6OptClientLL    = 79 // client link-layer address, added by relays

	dhcp6RelayHeader = 34 // type, hop count, link and peer addresses
	dhcp6MaxRelays   = 8  // HOP_COUNT_LIMIT is 8 (RFC 8415 7.6)
)

// dhcp6Option splits the first option off b; ok is false at the end or at
// a truncated option.
func dhcp6Option(b []byte) (code uint16, val, rest []byte, ok bool) {
	if len(b) < 4 {
		return 0, nil, nil, false
	}
	n := int(binary.BigEndian.Uint16(b[2:]))
	if 4+n > len(b) {
		return 0, nil, nil, false
	}
	return binary.BigEndian.Uint16(b), b[4 : 4+n], b[4+n:], true
}

// parseDHCPv6 emits facts from client messages, about the sender or, for a
// message a relay forwarded, about the peer address (and link-layer
// address, when the relay added it) the relay names.
func parseDHCPv6(d *Datagram, e Emitter) bool {
	b := d.Payload
	if len(b) < 4 || b[0] == 0 || b[0] > dhcp6MaxType {
		return false
	}
	about := d.Src
	for depth := 0; b[0] == dhcp6RelayForw || b[0] == dhcp6RelayRepl; depth++ {
		if b[0] == dhcp6RelayRepl {
			return true // the server's answer, relayed back
		}
		if depth >= dhcp6MaxRelays || len(b) < dhcp6RelayHeader {
			return depth > 0
		}
		about = cordon.Endpoint{IP: netip.AddrFrom16([16]byte(b[18:34])).Unmap()}
		var inner []byte
		for opts := b[dhcp6RelayHeader:]; ; {
			code, val, rest, ok := dhcp6Option(opts)
			if !ok {
				break
			}
			opts = rest
			switch {
			case code == dhcp6OptRelayMsg:
				inner = val
			case code == dhcp6OptClientLL && len(val) == 8 && binary.BigEndian.Uint16(val) == 1:
				about.MAC = cordon.MAC(val[2:8])
			}
		}
		if len(inner) < 4 {
			return true
		}
		b = inner
	}
	switch b[0] {
	case dhcp6Solicit, dhcp6Request, dhcp6Confirm, dhcp6Renew, dhcp6Rebind,
		dhcp6Release, dhcp6Decline, dhcp6InfoReq:
	default:
		return true // server messages carry nothing about the client we keep
	}
	var buf [MaxValue + 8]byte
	for opts := b[4:]; ; {
		code, val, rest, ok := dhcp6Option(opts)
		if !ok {
			break
		}
		opts = rest
		switch code {
		case dhcp6OptClientID:
			if len(val) > 0 {
				e.Emit(about, "dhcpv6.duid", hexValue(buf[:0], val))
			}
		case dhcp6OptORO:
			if v := codeList(buf[:0], val, 2); v != "" {
				e.Emit(about, "dhcpv6.option_request", v)
			}
		case dhcp6OptFQDN:
			// One flags byte, then the name in DNS wire format; a
			// partial name (no root label) is allowed (RFC 4704 4.2).
			if len(val) > 1 {
				if name, ok := dhcp6Name(val[1:], buf[:]); ok && len(name) > 0 {
					e.Emit(about, "dhcpv6.fqdn", cleanValue(name))
				}
			}
		case dhcp6OptVendorClass:
			dhcp6VendorClass(e, about, val, buf[:0])
		}
	}
	return true
}

// dhcp6Name decodes an uncompressed wire-format name that may lack its
// terminating root label.
func dhcp6Name(b, dst []byte) ([]byte, bool) {
	dst = dst[:0]
	for len(b) > 0 && b[0] != 0 {
		l := int(b[0])
		if l > 63 || 1+l > len(b) || len(dst)+1+l > dnsMaxName {
			return nil, false
		}
		if len(dst) > 0 {
			dst = append(dst, '.')
		}
		dst = append(dst, b[1:1+l]...)
		b = b[1+l:]
	}
	return dst, true
}

// dhcp6VendorClass emits "enterprise:data" for each vendor-class-data item
// of option 16 (RFC 8415 21.16).
func dhcp6VendorClass(e Emitter, about cordon.Endpoint, val, dst []byte) {
	if len(val) < 4 {
		return
	}
	dst = strconv.AppendUint(dst, uint64(binary.BigEndian.Uint32(val)), 10)
	dst = append(dst, ':')
	prefix := len(dst)
	for data := val[4:]; len(data) >= 2; {
		n := int(binary.BigEndian.Uint16(data))
		if 2+n > len(data) {
			return
		}
		item := data[2 : 2+n]
		data = data[2+n:]
		if len(item) > MaxValue-prefix {
			item = item[:MaxValue-prefix]
		}
		if v := cleanValue(append(dst[:prefix], item...)); len(v) > prefix {
			e.Emit(about, "dhcpv6.vendor_class", v)
		}
	}
}
