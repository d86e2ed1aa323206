package proto

import "testing"

// Captured mDNS messages (UDP payloads), both from packetgen/mdns.pcapng,
// sent by 192.168.0.96 (2c:76:8a:b2:5d:97), an HP Officejet.
const (
	// Frame 1: "Standard query 0x0000 ANY Host-002.local, "QU" question
	// ANY Officejet 6500 E710n-z [B25D97]._pdl-datastream._tcp.local, "QU"
	// question A 192.168.0.96 SRV 0 0 9100 Host-002.local": a probe, with
	// the proposed A and SRV records in the authority section.
	mdnsProbe = "00000000000200000002000008486f73742d303032056c6f63616c0000ff8001" +
		"1f4f66666963656a6574203635303020453731306e2d7a205b4232354439375d" +
		"0f5f70646c2d6461746173747265616d045f746370c01500ff8001c00c000100" +
		"01000000780004c0a80060c0200021000100000078000800000000238cc00c"
	// Frame 2: "Standard query response 0x0000 A, cache flush 192.168.0.96
	// PTR, cache flush Host-002.local SRV, cache flush 0 0 9100
	// Host-002.local TXT, cache flush PTR Officejet 6500 E710n-z
	// [B25D97]._pdl-datastream._tcp.local"; the TXT strings include
	// ty=Officejet 6500 E710n-z and product=(HP Officejet 6500 E710n-z).
	mdnsResponse = "00008400000000050000000008486f73742d303032056c6f63616c0000018001" +
		"000000780004c0a800600239360130033136380331393207696e2d6164647204" +
		"6172706100000c8001000000780002c00c1f4f66666963656a65742036353030" +
		"20453731306e2d7a205b4232354439375d0f5f70646c2d646174617374726561" +
		"6d045f746370c0150021800100000078000800000000238cc00cc05100108001" +
		"0000119400cb09747874766572733d310871746f74616c3d312f70646c3d6170" +
		"706c69636174696f6e2f766e642e68702d50434c2c696d6167652f7572662c69" +
		"6d6167652f6a7065671974793d4f66666963656a657420363530302045373130" +
		"6e2d7a2370726f647563743d284850204f66666963656a657420363530302045" +
		"3731306e2d7a290b7072696f726974793d33301f61646d696e75726c3d687474" +
		"703a2f2f486f73742d3030322e6c6f63616c2e056e6f74653d07436f6c6f723d" +
		"54084475706c65783d54065363616e3d54c071000c0001000011940002c051"
	// Hand-built (no such message in the shared captures): a response
	// to a DNS-SD service type enumeration, PTR
	// _services._dns-sd._udp.local → _ipp._tcp.local.
	mdnsEnumeration = "000084000000000100000000095f7365727669636573075f646e732d7364045f" +
		"756470056c6f63616c00000c000100001194000c045f697070045f746370c023"
	// Hand-built: a query whose answer section lists a record the
	// querier has cached from another host (known-answer suppression).
	mdnsKnownAnswer = "000000000001000100000000045f697070045f746370056c6f63616c00000c0001" +
		"c00c000c000100001194000a0750524e2d303031c00c"
)

func TestMDNS(t *testing.T) {
	printer := udpEnd(t, "2c:76:8a:b2:5d:97", "192.168.0.96", 5353)
	group := udpEnd(t, "01:00:5e:00:00:fb", "224.0.0.251", 5353)
	const instance = "Officejet 6500 E710n-z [B25D97]"
	tests := []datagramCase{
		{"Probe", printer, group, mdnsProbe, true, []emitted{
			{printer, "mdns.hostname", "Host-002"},
			{printer, "mdns.service", "_pdl-datastream._tcp"},
			{printer, "mdns.instance", instance},
		}},
		{"Response", printer, group, mdnsResponse, true, []emitted{
			{printer, "mdns.hostname", "Host-002"},
			{printer, "mdns.service", "_pdl-datastream._tcp"},
			{printer, "mdns.instance", instance},
			{printer, "mdns.txt.ty", "Officejet 6500 E710n-z"},
			{printer, "mdns.txt.product", "(HP Officejet 6500 E710n-z)"},
		}},
		{"ServiceEnumeration", printer, group, mdnsEnumeration, true, []emitted{
			{printer, "mdns.service", "_ipp._tcp"},
		}},
		{"KnownAnswerIgnored", printer, group, mdnsKnownAnswer, true, nil},
		{"NotDNS", printer, group, "4d2d534541524348202a20485454502f312e310d0a", false, nil},
	}
	runDatagramCases(t, MDNS, tests)
}

func TestServiceType(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"OK", "_ipp._tcp.local", "_ipp._tcp"},
		{"UDP", "_sleep-proxy._udp.local", "_sleep-proxy._udp"},
		{"Subtype", "_universal._sub._ipp._tcp.local", "_ipp._tcp"},
		{"UpperCase", "_IPP._TCP.LOCAL", "_IPP._TCP"},
		{"Instance", "Printer._ipp._tcp.local", ""},
		{"NotLocal", "_ipp._tcp.example.com", ""},
		{"Reverse", "96.0.168.192.in-addr.arpa", ""},
		{"Short", "._tcp.local", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := serviceType([]byte(tt.in))
			if string(got) != tt.want || ok != (tt.want != "") {
				t.Errorf("serviceType(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
			}
		})
	}
}
