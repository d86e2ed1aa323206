package detect

import (
	"net/netip"
	"strconv"
)

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
