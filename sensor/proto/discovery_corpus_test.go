package proto

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/capture"
	"github.com/cordonsec/cordon/sensor/decode"
)

// corpusDir is where the shared captures live when the repository is
// checked out beside them (see shared/data/PROVENANCE.md). They are never
// copied into the repository.
const corpusDir = "../../../shared/data/pcaps"

// discoveryFrames and discoveryDatagrams are the dissectors of this corpus
// test: the link-layer and UDP discovery protocols.
var (
	discoveryFrames    = []FrameDissector{ARP, LLDP, CDP}
	discoveryDatagrams = []DatagramDissector{DHCP, DHCPv6, DNS, MDNS, LLMNR, NBNS, SSDP, SNMP}
)

// TestDiscoveryCorpus runs the discovery dissectors over the shared captures
// the way the sensor would (package capture reads, package decode decodes)
// and checks that the values keep the contract and that facts Wireshark
// shows for those captures come out. Malformed captures (the *_asan and
// fuzz files) must simply not panic.
func TestDiscoveryCorpus(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("shared captures not found at %s: %v", corpusDir, err)
	}
	tests := []struct {
		file string
		want []string // "fact=value", about anyone
	}{
		{"packetgen/dhcp.pcapng", []string{"dhcp.requested_ip=192.168.0.10", "dhcp.assigned_ip=192.168.0.10"}},
		{"packetgen/dhcpv6.pcapng", []string{"dhcpv6.duid=000100011c39cf88080027fe8f95"}},
		{"packetgen/dns.pcapng", []string{"dns.query=www.google.com"}},
		{"packetgen/mdns.pcapng", []string{"mdns.hostname=Host-002", "mdns.txt.ty=Officejet 6500 E710n-z"}},
		{"packetgen/snmp.pcapng", []string{"snmp.sys_name=B6300"}},
		{"ndpi/dhcp-fuzz.pcapng", nil},
		{"ndpi/dns.pcap", []string{"dns.query=www.example.com"}},
		{"ndpi/dos_win98_smb_netbeui.pcap", []string{"nbns.name=MDJR98<00>", "nbns.group=WORKGROUP"}},
		{"ndpi/ipp.pcap", []string{"arp.ip=10.10.10.49"}},
		{"ndpi/netbios.pcap", []string{"nbns.name=GUNNAR<20>", "nbns.group=VIGILANT_GROUP"}},
		{"ndpi/snmp.pcap", []string{"snmp.sys_name=R1.lab.local", "snmp.community_default=public"}},
		{"ndpi/ssdp-m-search-ua.pcap", []string{"ssdp.user_agent=Google Chrome/99.0.4844.74 Mac OS X"}},
		{"tcpdump-tests/3560_CDP.pcap", []string{"cdp.platform=cisco WS-C3560G-24PS", "cdp.address=192.168.0.1"}},
		{"tcpdump-tests/LLDP_and_CDP.pcap", []string{"cdp.device_id=S2", "lldp.system_name=S1.cisco.com"}},
		{"tcpdump-tests/arp-too-long-tha.pcap", nil},
		{"tcpdump-tests/bootp_asan.pcap", nil},
		{"tcpdump-tests/bootp_asan-2.pcap", nil},
		{"tcpdump-tests/dhcp-mud.pcap", []string{"dhcp.hostname=raspberrypi"}},
		{"tcpdump-tests/dhcp-option-108.pcapng", []string{"dhcp.hostname=MacBookPro"}},
		{"tcpdump-tests/dhcp-rfc4388.pcap", []string{"dhcp.assigned_ip=10.30.4.4"}},
		{"tcpdump-tests/dhcpv4v6-rfc5970-rfc8572.pcap", []string{"dhcp.vendor_class=Arista"}},
		{"tcpdump-tests/dhcpv6-mud.pcap", []string{"dhcpv6.fqdn=raspberrypi"}},
		{"tcpdump-tests/dhcpv6-vendor-specific-information.pcap", []string{"dhcpv6.vendor_class=4491:docsis3.0"}},
		{"tcpdump-tests/dns_udp.pcap", []string{"dns.query=www.tcpdump.org"}},
		{"tcpdump-tests/lldp-app-priority.pcap", []string{"lldp.system_name=leaf0b"}},
		{"tcpdump-tests/lldp_asan.pcap", nil},
		{"tcpdump-tests/lldp_mudurl.pcap", []string{"lldp.mgmt_ip=62.12.173.114"}},
		{"tcpdump-tests/nbns-valgrind.pcap", nil},
		{"tcpdump-tests/snmp-heapoverflow-1.pcap", nil},
		{"tcpdump-tests/snmp-heapoverflow-2.pcap", nil},
		{"tcpdump-tests/ip-snmp-leftshift-unsigned.pcap", nil},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			c := dissectCapture(t, filepath.Join(corpusDir, tt.file))
			c.checkValues(t)
			got := make([]string, len(c.facts))
			for i, f := range c.facts {
				got[i] = f.Fact + "=" + f.Value
			}
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("%s not emitted; got %q", w, got)
				}
			}
		})
	}
}

// dissectCapture runs every discovery dissector over one capture file.
func dissectCapture(tb testing.TB, path string) *collector {
	tb.Helper()
	f, err := capture.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	dec := decode.NewDecoder(decode.Config{})
	var (
		c   collector
		pkt capture.Packet
		p   decode.Packet
	)
	for {
		err := f.Next(&pkt)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// Fuzzed captures may end badly; what was read still counts.
			tb.Logf("read: %v", err)
			break
		}
		if dec.Decode(pkt.Link, pkt.Time, pkt.Data, &p) != nil {
			continue
		}
		dispatch(&p, &c)
	}
	return &c
}

// dispatch hands one decoded packet to the dissectors that want it, as the
// sensor does: frames by EtherType or SNAP, datagrams by either port.
func dispatch(p *decode.Packet, e Emitter) {
	if p.IPVersion == 0 {
		fr := Frame{Src: p.SrcMAC, Dst: p.DstMAC, Payload: p.L2Payload}
		for _, d := range discoveryFrames {
			if (d.EtherType != 0 && d.EtherType == p.EtherType) || (d.SNAP != 0 && d.SNAP == p.SNAP) {
				d.Parse(&fr, e)
			}
		}
		return
	}
	if p.Proto != decode.ProtoUDP || p.Incomplete {
		return
	}
	dg := Datagram{
		Src:     cordon.Endpoint{MAC: p.SrcMAC, IP: p.SrcIP, Port: p.SrcPort},
		Dst:     cordon.Endpoint{MAC: p.DstMAC, IP: p.DstIP, Port: p.DstPort},
		Payload: p.Payload,
	}
	for _, d := range discoveryDatagrams {
		if slices.Contains(d.Ports, p.SrcPort) || slices.Contains(d.Ports, p.DstPort) {
			d.Parse(&dg, e)
		}
	}
}
