package decode

import (
	"testing"

	"github.com/cordonsec/cordon/capture"
)

// mixFrame is one frame of the benchmark mix.
type mixFrame struct {
	link capture.LinkType
	data []byte
}

// benchMix is a hospital-like mix: mostly Ethernet TCP (small ACKs and
// full-size data from image transfers), some UDP (DNS, SNMP, DHCPv6), a
// VLAN-tagged share, ARP and LLC chatter. Every frame is unfragmented.
func benchMix(tb testing.TB) []mixFrame {
	big := cat(eth(0x0800), ipv4(ProtoTCP, 1, 0, false, tcp(104, 40000, TCPAck|TCPPsh, nil, pattern(1460, 0))))
	m := []mixFrame{
		{capture.LinkEthernet, unhex(tb, iec104Padded)},
		{capture.LinkEthernet, big},
		{capture.LinkEthernet, big},
		{capture.LinkEthernet, unhex(tb, iec104Padded)},
		{capture.LinkEthernet, big},
		{capture.LinkEthernet, unhex(tb, snmpVLAN)},
		{capture.LinkEthernet, unhex(tb, dhcpv6)},
		{capture.LinkEthernet, unhex(tb, arpRequest)},
		{capture.LinkEthernet, unhex(tb, dnsQinQPPPoE)},
		{capture.LinkEthernet, unhex(tb, cdpSNAP)},
		{capture.LinkLinuxSLL, unhex(tb, synSLL)},
		{capture.LinkNull, unhex(tb, opcuaNull)},
	}
	return m
}

// BenchmarkDecode decodes the mix; one op is one packet.
func BenchmarkDecode(b *testing.B) {
	mix := benchMix(b)
	d := NewDecoder(Config{})
	var p Packet
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		f := mix[i%len(mix)]
		if err := d.Decode(f.link, tNow, f.data, &p); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// TestDecodeAllocs checks that unfragmented packets decode without
// allocating.
func TestDecodeAllocs(t *testing.T) {
	mix := benchMix(t)
	d := NewDecoder(Config{})
	var p Packet
	i := 0
	allocs := testing.AllocsPerRun(1000, func() {
		f := mix[i%len(mix)]
		if err := d.Decode(f.link, tNow, f.data, &p); err != nil {
			t.Fatal(err)
		}
		i++
	})
	if allocs != 0 {
		t.Errorf("Decode allocates %v times per packet, want 0", allocs)
	}
}
