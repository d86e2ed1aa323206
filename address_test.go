package cordon

import (
	"net/netip"
	"testing"
)

func TestPublicInternalAddr(t *testing.T) {
	for _, tt := range []struct {
		addr             string
		public, internal bool
	}{
		{"8.8.8.8", true, false},
		{"2001:4860:4860::8888", true, false},
		{"::ffff:93.184.216.34", true, false},
		{"10.1.2.3", false, true},
		{"172.31.255.255", false, true},
		{"172.32.0.1", true, false},
		{"192.168.0.10", false, true},
		{"100.64.0.1", false, true},
		{"100.128.0.1", true, false},
		{"169.254.1.1", false, true},
		{"127.0.0.1", false, true},
		{"::1", false, true},
		{"fd00::1", false, true},
		{"fe80::1", false, true},
		{"::ffff:10.0.0.1", false, true},
		{"224.0.0.251", false, false},
		{"ff02::1", false, false},
		{"255.255.255.255", false, false},
		{"0.0.0.0", false, false},
		{"::", false, false},
	} {
		a := netip.MustParseAddr(tt.addr)
		if got := PublicAddr(a); got != tt.public {
			t.Errorf("PublicAddr(%s) = %v", tt.addr, got)
		}
		if got := InternalAddr(a); got != tt.internal {
			t.Errorf("InternalAddr(%s) = %v", tt.addr, got)
		}
	}
	if PublicAddr(netip.Addr{}) || InternalAddr(netip.Addr{}) {
		t.Error("the zero address is on a side")
	}
}
