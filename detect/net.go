package detect

import (
	"net/netip"
	"strconv"
)

// internalPrefixes are the address ranges that never route on the public
// internet: RFC 1918, CGNAT (RFC 6598), link-local, loopback, ULA and the
// benchmarking, documentation-free private blocks. Anything else unicast is
// public.
var internalPrefixes = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("fc00::/7"),
	netip.MustParsePrefix("fe80::/10"),
	netip.MustParsePrefix("::1/128"),
}

// Public reports whether a is a unicast address on the public internet.
// Multicast, broadcast and unspecified addresses are neither side.
func Public(a netip.Addr) bool {
	if !a.IsValid() || a.IsUnspecified() || a.IsMulticast() || a == broadcast {
		return false
	}
	a = a.Unmap()
	for _, p := range internalPrefixes {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// Internal reports whether a is a private, CGNAT, link-local or ULA unicast
// address: a host of the hospital's own network.
func Internal(a netip.Addr) bool {
	if !a.IsValid() || a.IsUnspecified() || a.IsMulticast() || a == broadcast {
		return false
	}
	return !Public(a)
}

var broadcast = netip.AddrFrom4([4]byte{255, 255, 255, 255})

// subnet is the zone of an address when no zones are configured: its /24
// (IPv4) or /64 (IPv6).
func subnet(a netip.Addr) netip.Prefix {
	a = a.Unmap()
	bits := 64
	if a.Is4() {
		bits = 24
	}
	p, _ := a.Prefix(bits)
	return p
}

func itoa(n int) string { return strconv.Itoa(n) }

func hostPort(a netip.Addr, port uint16) string {
	return netip.AddrPortFrom(a, port).String()
}
