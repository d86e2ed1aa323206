package proto

import (
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
)

// Captured DHCPv4 messages (UDP payloads).
var (
	// tcpdump-tests/dhcp-mud.pcap frame 1: "DHCP Request", relayed by
	// 62.12.173.121; ciaddr 62.12.173.123, chaddr b8:27:eb:b8:53:c8; tshark
	// shows host name "raspberrypi", vendor class
	// "dhcpcd-6.11.5:Linux-4.1.18-v7+:armv7l:BCM2709", max message size 1472
	// and request list 1,121,33,3,6,12,15,28,42,51,54,58,59,100,101,119.
	dhcpMUDRequest = "01010601068c4847000000003e0cad7b00000000000000003e0cad79b827ebb8" +
		"53c8" +
		hexZeros(202) +
		"638253633501033d0701b827ebb853c8390205c0a13668747470733a2f2f6d75" +
		"6463746c2e6578616d706c652e636f6d2f2e77656c6c2d6b6e6f776e2f6d7564" +
		"2f76312f72617362703130313c2d6468637063642d362e31312e353a4c696e75" +
		"782d342e312e31382d76372b3a61726d76376c3a42434d323730390c0b726173" +
		"7062657272797069910101371001792103060c0f1c2a33363a3b646577ff"
	// tcpdump-tests/dhcp-mud.pcap frame 2: "DHCP ACK", your address
	// 62.12.173.123 for b8:27:eb:b8:53:c8.
	dhcpMUDAck = "02010601068c4847000000003e0cad7b3e0cad7b3e0cad723e0cad79b827ebb8" +
		"53c8" +
		hexZeros(202) +
		"6382536335010536043e0cad723304000002580104fffffff803043e0cad7906" +
		"043e0cad720f136f66636f75727365696d72696768742e636f6d650d4575726f" +
		"70652f4265726c696eff"
	// tcpdump-tests/dhcp-option-108.pcapng frame 1: "DHCP Discover" from
	// 0.0.0.0, chaddr 42:b4:44:b4:f0:ee; host name "MacBookPro", request
	// list 1,121,3,6,15,108,114,119,252,95,44,46, max size 1500, client
	// identifier type 1 with 42:b4:44:b4:f0:ee.
	dhcpMacDiscover = "010106009edf45b0000000000000000000000000000000000000000042b444b4" +
		"f0ee" +
		hexZeros(202) +
		"63825363350101370c017903060f6c7277fc5f2c2e390205dc3d070142b444b4" +
		"f0ee33040076a7000c0a4d6163426f6f6b50726fff0000000000000000000000"
	// packetgen/dhcp.pcapng frame 3: "DHCP Request" from 0.0.0.0, chaddr
	// 00:0b:82:01:fc:42, requested IP 192.168.0.10, request list 1,3,6,42.
	dhcpPacketgenRequest = "0101060000003d1e0000000000000000000000000000000000000000000b8201" +
		"fc42" +
		hexZeros(202) +
		"638253633501033d0701000b8201fc423204c0a8000a3604c0a8000137040103" +
		"062aff00"
	// packetgen/dhcp.pcapng frame 4: "DHCP ACK", your address 192.168.0.10.
	dhcpPacketgenAck = "0201060000003d1e0000000000000000c0a8000a0000000000000000000b8201" +
		"fc42" +
		hexZeros(202) +
		"638253633501053a04000007083b0400000c4e330400000e103604c0a8000101" +
		"04ffffff00ff0000000000000000000000000000000000000000000000000000"
	// tcpdump-tests/dhcpv4v6-rfc5970-rfc8572.pcap frame 6: "DHCP Discover"
	// from 00:00:44:01:00:00, vendor class "Arista", request list
	// 26,1,28,3,15,6,7,12,143,121.
	dhcpAristaDiscover = "01010600796a827d000000000000000000000000000000000000000000004401" +
		hexZeros(204) +
		"63825363350101370a1a011c030f06070c8f793c064172697374613d06000044" +
		"010000ff00000000000000000000000000000000000000000000000000000000"
	// tcpdump-tests/dhcp-rfc4388.pcap frame 1: "DHCP Discover" relayed by
	// 10.30.1.1 (the UDP source), chaddr 5a:4f:34:b1:af:66.
	dhcpRelayedDiscover = "010106013cd0af7e000000000000000000000000000000000a1e01015a4f34b1" +
		"af66" +
		hexZeros(202) +
		"63825363350101370d011c02790f060c28292a1a7703ff" +
		hexZeros(41)
	// tcpdump-tests/dhcp-rfc4388.pcap frame 9: "DHCP Lease query" from the
	// relay 10.30.1.1 about 5a:4f:34:b1:af:66.
	dhcpLeaseQuery = "0101060100000001000000000000000000000000000000000a1e01015a4f34b1" +
		"af66" +
		hexZeros(202) +
		"6382536335010aff" +
		hexZeros(38)
	// Hand-built: an INFORM from ciaddr 10.9.8.7 that overloads the file
	// field (option 52 = 1) to carry its host name, and sends option 81
	// in wire format ("mon.ward.example").
	dhcpOverloadInform = "010106000000abcd00000000" + "0a090807" + "000000000000000000000000" +
		"020000000001" + hexZeros(10) +
		hexZeros(64) +
		"0c046d6f6e31ff" + hexZeros(121) +
		"63825363" + "350108" + "340101" +
		"5115050000036d6f6e0477617264076578616d706c6500" + "ff"
)

func TestDHCP(t *testing.T) {
	bcast := udpEnd(t, "ff:ff:ff:ff:ff:ff", "255.255.255.255", 67)
	pi := cordon.Endpoint{MAC: mustMAC(t, "b8:27:eb:b8:53:c8"), IP: udpEnd(t, "", "62.12.173.123", 0).IP}
	mac := cordon.Endpoint{MAC: mustMAC(t, "42:b4:44:b4:f0:ee")}
	pg := cordon.Endpoint{MAC: mustMAC(t, "00:0b:82:01:fc:42"), IP: udpEnd(t, "", "192.168.0.10", 0).IP}
	arista := cordon.Endpoint{MAC: mustMAC(t, "00:00:44:01:00:00")}
	relayed := cordon.Endpoint{MAC: mustMAC(t, "5a:4f:34:b1:af:66")}
	mon := cordon.Endpoint{MAC: mustMAC(t, "02:00:00:00:00:01"), IP: udpEnd(t, "", "10.9.8.7", 0).IP}
	tests := []datagramCase{
		{"RelayedRequest", udpEnd(t, "00:23:eb:10:2c:29", "62.12.173.121", 67), bcast, dhcpMUDRequest, true, []emitted{
			{pi, "dhcp.message_type", "REQUEST"},
			{pi, "dhcp.client_id", "01b827ebb853c8"},
			{pi, "dhcp.max_msg_size", "1472"},
			{pi, "dhcp.vendor_class", "dhcpcd-6.11.5:Linux-4.1.18-v7+:armv7l:BCM2709"},
			{pi, "dhcp.hostname", "raspberrypi"},
			{pi, "dhcp.param_list", "1,121,33,3,6,12,15,28,42,51,54,58,59,100,101,119"},
		}},
		{"Ack", udpEnd(t, "00:23:54:c2:57:02", "62.12.173.114", 67), udpEnd(t, "", "62.12.173.121", 67), dhcpMUDAck, true, []emitted{
			{pi, "dhcp.assigned_ip", "62.12.173.123"},
		}},
		{"Discover", udpEnd(t, "42:b4:44:b4:f0:ee", "0.0.0.0", 68), bcast, dhcpMacDiscover, true, []emitted{
			{mac, "dhcp.message_type", "DISCOVER"},
			{mac, "dhcp.param_list", "1,121,3,6,15,108,114,119,252,95,44,46"},
			{mac, "dhcp.max_msg_size", "1500"},
			{mac, "dhcp.client_id", "0142b444b4f0ee"},
			{mac, "dhcp.hostname", "MacBookPro"},
		}},
		{"RequestedIP", udpEnd(t, "00:0b:82:01:fc:42", "0.0.0.0", 68), bcast, dhcpPacketgenRequest, true, []emitted{
			{pg, "dhcp.message_type", "REQUEST"},
			{pg, "dhcp.client_id", "01000b8201fc42"},
			{pg, "dhcp.requested_ip", "192.168.0.10"},
			{pg, "dhcp.param_list", "1,3,6,42"},
		}},
		{"PacketgenAck", udpEnd(t, "00:08:74:ad:f1:9b", "192.168.0.1", 67), udpEnd(t, "", "192.168.0.10", 68), dhcpPacketgenAck, true, []emitted{
			{pg, "dhcp.assigned_ip", "192.168.0.10"},
		}},
		{"VendorClass", udpEnd(t, "00:00:44:01:00:00", "0.0.0.0", 68), bcast, dhcpAristaDiscover, true, []emitted{
			{arista, "dhcp.message_type", "DISCOVER"},
			{arista, "dhcp.param_list", "26,1,28,3,15,6,7,12,143,121"},
			{arista, "dhcp.vendor_class", "Arista"},
			{arista, "dhcp.client_id", "000044010000"},
		}},
		{"RelaySourceNotClient", udpEnd(t, "74:83:ef:07:d0:a9", "10.30.1.1", 67), udpEnd(t, "", "10.40.2.3", 67), dhcpRelayedDiscover, true, []emitted{
			{relayed, "dhcp.message_type", "DISCOVER"},
			{relayed, "dhcp.param_list", "1,28,2,121,15,6,12,40,41,42,26,119,3"},
		}},
		{"LeaseQuerySkipped", udpEnd(t, "74:83:ef:07:d0:a9", "10.30.1.1", 67), udpEnd(t, "", "10.40.2.3", 67), dhcpLeaseQuery, true, nil},
		{"OverloadAndFQDN", udpEnd(t, "02:00:00:00:00:01", "10.9.8.7", 68), udpEnd(t, "", "10.9.8.1", 67), dhcpOverloadInform, true, []emitted{
			{mon, "dhcp.message_type", "INFORM"},
			{mon, "dhcp.hostname", "mon1"},
			{mon, "dhcp.fqdn", "mon.ward.example"},
		}},
		{"NoMagic", bcast, bcast, "0101060000003d1e" + hexZeros(232), false, nil},
		{"Short", bcast, bcast, "010106", false, nil},
	}
	runDatagramCases(t, DHCP, tests)
}

func TestCodeList(t *testing.T) {
	tests := []struct {
		name  string
		val   []byte
		width int
		want  string
	}{
		{"Bytes", []byte{1, 3, 6, 15}, 1, "1,3,6,15"},
		{"Pairs", []byte{0, 23, 0, 24}, 2, "23,24"},
		{"OddTail", []byte{0, 23, 0}, 2, "23"},
		{"Empty", nil, 1, ""},
		{"CutAtCode", []byte(strings.Repeat("\xff", 255)), 1, strings.TrimSuffix(strings.Repeat("255,", 64), ",")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf [4 * 255]byte
			if got := codeList(buf[:0], tt.val, tt.width); got != tt.want {
				t.Errorf("codeList = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDHCPAllocs(t *testing.T) {
	d := Datagram{Src: udpEnd(t, "", "0.0.0.0", 68), Payload: unhex(t, dhcpMacDiscover)}
	var e discard
	// One string per fact (six facts), nothing else.
	if n := testing.AllocsPerRun(100, func() { parseDHCP(&d, e) }); n > 5 {
		t.Errorf("parseDHCP allocates %v times per message, want at most 5", n)
	}
}

// discard is an Emitter that keeps nothing.
type discard struct{}

func (discard) Emit(cordon.Endpoint, string, string) {}

func FuzzDHCP(f *testing.F) {
	fuzzDatagram(f, DHCP, dhcpMUDRequest, dhcpMUDAck, dhcpMacDiscover, dhcpPacketgenRequest,
		dhcpAristaDiscover, dhcpRelayedDiscover, dhcpOverloadInform, dhcpLeaseQuery)
}
