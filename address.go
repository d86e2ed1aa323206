package cordon

import "net/netip"

// internalPrefixes are the address ranges that never route on the
// internet: RFC 1918, shared address space (RFC 6598, 100.64/10),
// link-local, loopback and IPv6 unique-local.
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

var broadcast = netip.AddrFrom4([4]byte{255, 255, 255, 255})

// unicast reports whether a is a valid unicast address, the only kind that
// is on one side or the other of the trust's boundary.
func unicast(a netip.Addr) bool {
	return a.IsValid() && !a.IsUnspecified() && !a.IsMulticast() && a != broadcast
}

// PublicAddr reports whether a is a unicast address on the internet: the
// one test of "outside the trust" that detections, guidance checks, risk
// factors, MDS2 contradictions and the policy share. Multicast, broadcast
// and unspecified addresses are on neither side.
func PublicAddr(a netip.Addr) bool {
	a = a.Unmap()
	if !unicast(a) {
		return false
	}
	for _, p := range internalPrefixes {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// InternalAddr reports whether a is a unicast address of the trust's own
// network: private, shared, link-local, loopback or unique-local.
func InternalAddr(a netip.Addr) bool {
	a = a.Unmap()
	return unicast(a) && !PublicAddr(a)
}
