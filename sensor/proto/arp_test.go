package proto

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
)

// ARP packets: frame payloads after the Ethernet header.
const (
	// ndpi/ipp.pcap frame 1: "Who has 10.10.10.251? Tell 10.10.10.49"
	// from Apple_98:bf:36 (00:1b:63:98:bf:36).
	arpRequest = "0001080006040001001b6398bf360a0a0a310000000000000a0a0afb"
	// ndpi/ipp.pcap frame 2: "10.10.10.251 is at 00:12:79:80:69:60",
	// with Ethernet padding.
	arpReply = "00010800060400020012798069600a0a0afb001b6398bf360a0a0a31" +
		"000000000000000000000000000000000000"
	// tcpdump-tests/dhcp-rfc4388.pcap frame 7: "Who has 10.40.1.1? Tell
	// 10.40.2.3" from a6:82:4b:c9:a1:a7, padded.
	arpLocalMAC = "0001080006040001a6824bc9a1a70a2802030000000000000a280101" +
		"000000000000000000000000000000000000"
	// Hand-built after RFC 5227: a probe for 10.10.10.77 (sender IP
	// 0.0.0.0) from 00:1b:63:98:bf:36.
	arpProbe = "0001080006040001001b6398bf36000000000000000000000a0a0a4d"
)

// arpTooLongTHA is tcpdump-tests/arp-too-long-tha.pcap frame 1, cut short:
// "Gratuitous ARP for 48.48.48.48 (Request)" with hardware type 12336 and
// hardware size 14.
var arpTooLongTHA = "303008000e040001" + strings.Repeat("30", 44)

func TestARP(t *testing.T) {
	apple := mustMAC(t, "00:1b:63:98:bf:36")
	hp := mustMAC(t, "00:12:79:80:69:60")
	local := mustMAC(t, "a6:82:4b:c9:a1:a7")
	ip := netip.MustParseAddr
	tests := []struct {
		name    string
		src     cordon.MAC
		payload string
		ok      bool
		want    []emitted
	}{
		{"Request", apple, arpRequest, true, []emitted{
			{cordon.Endpoint{MAC: apple, IP: ip("10.10.10.49")}, "arp.ip", "10.10.10.49"},
		}},
		{"Reply", hp, arpReply, true, []emitted{
			{cordon.Endpoint{MAC: hp, IP: ip("10.10.10.251")}, "arp.ip", "10.10.10.251"},
		}},
		{"LocalMAC", local, arpLocalMAC, true, []emitted{
			{cordon.Endpoint{MAC: local, IP: ip("10.40.2.3")}, "arp.ip", "10.40.2.3"},
		}},
		{"Probe", apple, arpProbe, true, []emitted{
			{cordon.Endpoint{MAC: apple}, "arp.probe", "10.10.10.77"},
		}},
		{"TooLongTHA", apple, arpTooLongTHA, false, nil},
		{"RARP", apple, "0001080006040003001b6398bf360a0a0a310000000000000a0a0afb", false, nil},
		{"ZeroSender", apple, "0001080006040001000000000000" + "0a0a0a31000000000000" + "0a0a0afb", true, nil},
		{"Short", apple, "000108000604", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Frame{Src: tt.src, Payload: unhex(t, tt.payload)}
			var c collector
			if got := ARP.Parse(&f, &c); got != tt.ok {
				t.Errorf("Parse = %v, want %v", got, tt.ok)
			}
			c.checkValues(t)
			sameFacts(t, c.facts, tt.want)
		})
	}
}

func FuzzARP(f *testing.F) {
	fuzzFrame(f, ARP, arpRequest, arpReply, arpLocalMAC, arpProbe, arpTooLongTHA)
}
