package proto

import (
	"net/netip"
	"testing"

	"github.com/cordonsec/cordon"
)

// Captured DHCPv6 messages (UDP payloads).
const (
	// packetgen/dhcpv6.pcapng frame 1: "Solicit XID: 0x100874 CID:
	// 000100011c39cf88080027fe8f95" from fe80::a00:27ff:fefe:8f95, option
	// request 23,24.
	dhcp6Solicit1 = "011008740001000e000100011c39cf88080027fe8f9500060004001700180008" +
		"000200000019000c27fe8f9500000e1000001518"
	// packetgen/dhcpv6.pcapng frame 2: "Advertise XID: 0x100874" from the
	// server.
	dhcp6Advertise = "021008740019002927fe8f950000000000000000001a00190000119400001c20" +
		"40200100000000fe0000000000000000000001000e000100011c39cf88080027" +
		"fe8f950002000e000100011c3825e8080027d410bb"
	// tcpdump-tests/dhcpv6-mud.pcap frame 1: "Relay-forw" from
	// 2001:8a8:1006:4:223:ebff:fe10:2c29, peer fe80::ba27:ebff:feb8:53c8,
	// relaying a Solicit with DUID 000100011e62770bb827ebb853c8, vendor
	// class 40712 (DHCPCD Project)
	// "dhcpcd-6.11.5:Linux-4.1.18-v7+:armv7l:BCM2709", client FQDN
	// "raspberrypi" (partial) and option request 23,24,31,39,82,83.
	dhcp6RelayedSolicit = "0c00200108a810060003022584fffedb2380fe80000000000000ba27ebfffeb8" +
		"53c8000900c60178244b0001000e000100011e62770bb827ebb853c800080002" +
		"00000010003300009f08002d6468637063642d362e31312e353a4c696e75782d" +
		"342e312e31382d76372b3a61726d76376c3a42434d32373039000e0000000300" +
		"0cebb853c800000000000000000027000d010b72617370626572727970690070" +
		"003668747470733a2f2f6d756463746c2e6578616d706c652e636f6d2f2e7765" +
		"6c6c2d6b6e6f776e2f6d75642f76312f7261736270313031001400000006000c" +
		"00170018001f0027005200530012000400000008"
	// tcpdump-tests/dhcpv6-rfc8415-duid-type2.pcap frame 1: "Request" from
	// fe80::200:1ff:fe01:0 with DUID-EN 0002000075714853483134343235313438
	// and option request 59,136,24,23.
	dhcp6RequestDUIDEN = "03e4a4a30011001a00007571000100124172697374613b485348313434323531" +
		"34380001001100020000757148534831343432353134380002000e000100012a" +
		"fbf5c4828662a1defd00060008003b008800180017000800020000000f000800" +
		"06417269737461000300280101000000000e1000001518000500181234567800" +
		"000000000000000000000400001c2000001d4c"
)

func TestDHCPv6(t *testing.T) {
	server := udpEnd(t, "", "ff02::1:2", 547)
	client := udpEnd(t, "08:00:27:fe:8f:95", "fe80::a00:27ff:fefe:8f95", 546)
	pi := cordon.Endpoint{IP: netip.MustParseAddr("fe80::ba27:ebff:feb8:53c8")}
	arista := udpEnd(t, "00:00:01:01:00:00", "fe80::200:1ff:fe01:0", 546)
	tests := []datagramCase{
		{"Solicit", client, server, dhcp6Solicit1, true, []emitted{
			{client, "dhcpv6.duid", "000100011c39cf88080027fe8f95"},
			{client, "dhcpv6.option_request", "23,24"},
		}},
		{"Advertise", udpEnd(t, "", "fe80::a00:27ff:fed4:10bb", 547), client, dhcp6Advertise, true, nil},
		{"RelayForward", udpEnd(t, "00:23:eb:10:2c:29", "2001:8a8:1006:4:223:ebff:fe10:2c29", 547), udpEnd(t, "", "2001:8a8:1006:4:223:54ff:fec2:5702", 547), dhcp6RelayedSolicit, true, []emitted{
			{pi, "dhcpv6.duid", "000100011e62770bb827ebb853c8"},
			{pi, "dhcpv6.vendor_class", "40712:dhcpcd-6.11.5:Linux-4.1.18-v7+:armv7l:BCM2709"},
			{pi, "dhcpv6.fqdn", "raspberrypi"},
			{pi, "dhcpv6.option_request", "23,24,31,39,82,83"},
		}},
		{"DUIDEnterprise", arista, server, dhcp6RequestDUIDEN, true, []emitted{
			{arista, "dhcpv6.duid", "0002000075714853483134343235313438"},
			{arista, "dhcpv6.option_request", "59,136,24,23"},
		}},
		{"RelayedMACOption", udpEnd(t, "", "2001:db8::1", 547), server,
			// Hand-built: Relay-forw whose option 79 names the client's
			// link-layer address, around an Information-request.
			"0c00" + "20010db8000000000000000000000001" + "fe800000000000000000000000000042" +
				"004f000800010200000000420009000a" + "0b000001" + "00060002" + "0017", true, []emitted{
				{cordon.Endpoint{MAC: mustMAC(t, "02:00:00:00:00:42"), IP: netip.MustParseAddr("fe80::42")}, "dhcpv6.option_request", "23"},
			}},
		{"NotDHCPv6", client, server, "ff00", false, nil},
		{"Short", client, server, "01", false, nil},
	}
	runDatagramCases(t, DHCPv6, tests)
}

func FuzzDHCPv6(f *testing.F) {
	fuzzDatagram(f, DHCPv6, dhcp6Solicit1, dhcp6Advertise, dhcp6RelayedSolicit, dhcp6RequestDUIDEN)
}
