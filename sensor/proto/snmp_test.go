package proto

import "testing"

// SNMP messages (UDP payloads).
const (
	// packetgen/snmp.pcapng frame 2: "get-response 1.3.6.1.2.1.1.5.0
	// 1.3.6.1.2.1.1.6.0", v1, community public, from 172.31.19.73.161;
	// sysName "B6300", sysLocation "Chandra's cube".
	snmpResponse = "304702010004067075626c6963a23a020127020100020100302f301106082b06" +
		"01020101050004054236333030301a06082b06010201010600040e4368616e64" +
		"726127732063756265"
	// packetgen/snmp.pcapng frame 1: the "get-request" for it.
	snmpRequest = "303402010004067075626c6963a027020127020100020100301c300c06082b06" +
		"0102010105000500300c06082b060102010106000500"
	// ndpi/snmp.pcap frame 4: "get-response 1.3.6.1.2.1.1.5.0", sysName
	// "R1.lab.local", from 97.0.115.163.161.
	snmpResponseR1 = "303502010004067075626c6963a22802044b781a6f020100020100301a301806" +
		"082b06010201010500040c52312e6c61622e6c6f63616c"
	// ndpi/snmp.pcap frame 55: "trap iso.3.6.1.6.3.1.1.5.4" (SNMPv1
	// linkUp, enterprise 1.3.6.1.6.3.1.1.5, agent 10.1.30.1), community
	// public, from 200.76.132.137.
	snmpTrapV1Msg = "30818f02010004067075626c6963a4818106082b0601060301010540040a011e" +
		"01020102020100430303a68c3064300f060a2b06010201020201010202010230" +
		"19060a2b060102010202010202040b45746865726e6574302f31300f060a2b06" +
		"01020102020103020201063025060c2b0601040109020201011402041561646d" +
		"696e6973747261746976656c7920646f776e"
	// ndpi/snmp.pcap frame 53: "snmpV2-trap", v2c, community "public2c"
	// (not a default), from 92.135.15.240.
	snmpTrapV2Msg = "3081aa02010104087075626c69633263a7819a02011702010002010030818e30" +
		"0f06082b060102010103004303033fc53017060a2b0601060301010401000609" +
		"2b0601060301010503300f060a2b0601020102020101020201023019060a2b06" +
		"0102010202010202040b45746865726e6574302f31300f060a2b060102010202" +
		"0103020201063025060c2b0601040109020201011402041561646d696e697374" +
		"7261746976656c7920646f776e"
	// ndpi/snmp.pcap frame 18: an SNMPv3 "report" from 250.58.112.87.
	snmpV3Report = "3067020103301002046c9af56e020205dc040100020103041d301b040c800000" +
		"090300aabbcc00010002010c020202cd0400040004003031040c800000090300" +
		"aabbcc0001000400a81f0204750558880201000201003011300f060a2b060106" +
		"030f01010400410101"
	// Hand-built (no system group poll in the shared captures): v2c
	// get-response, community private, sysDescr "Cisco IOS Software,
	// C2960 Software (C2960-LANBASEK9-M), Version 12.2(55)SE7", sysObjectID
	// 1.3.6.1.4.1.9.1.1208, sysName "ward7-sw1"; tshark decodes it so.
	snmpSystemGroup = "3081a3020101040770726976617465a281940202123402010002010030818730" +
		"5706082b06010201010100044b436973636f20494f5320536f6674776172652c" +
		"20433239363020536f667477617265202843323936302d4c414e424153454b39" +
		"2d4d292c2056657273696f6e2031322e3228353529534537301506082b060102" +
		"0101020006092b0601040109018938301506082b060102010105000409776172" +
		"64372d737731"
)

func TestSNMP(t *testing.T) {
	agent := udpEnd(t, "08:00:37:15:e6:bc", "172.31.19.73", 161)
	manager := udpEnd(t, "00:12:3f:4a:33:d2", "172.31.19.54", 15917)
	r1 := udpEnd(t, "00:00:00:99:da:71", "97.0.115.163", 161)
	trapper := udpEnd(t, "00:00:00:42:88:22", "200.76.132.137", 54318)
	trapper2 := udpEnd(t, "00:00:00:4b:02:8d", "92.135.15.240", 54318)
	sink := udpEnd(t, "", "189.111.255.214", 162)
	sw := udpEnd(t, "", "10.1.1.5", 161)
	tests := []datagramCase{
		{"GetResponse", agent, manager, snmpResponse, true, []emitted{
			{agent, "snmp.community_default", "public"},
			{agent, "snmp.sys_name", "B6300"},
		}},
		{"GetRequest", manager, agent, snmpRequest, true, nil},
		{"GetResponseR1", r1, manager, snmpResponseR1, true, []emitted{
			{r1, "snmp.community_default", "public"},
			{r1, "snmp.sys_name", "R1.lab.local"},
		}},
		{"TrapV1", trapper, sink, snmpTrapV1Msg, true, []emitted{
			{trapper, "snmp.community_default", "public"},
		}},
		{"TrapV2", trapper2, sink, snmpTrapV2Msg, true, nil},
		{"V3", udpEnd(t, "", "250.58.112.87", 161), manager, snmpV3Report, true, nil},
		{"SystemGroup", sw, manager, snmpSystemGroup, true, []emitted{
			{sw, "snmp.community_default", "private"},
			{sw, "snmp.sys_descr", "Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 12.2(55)SE7"},
			{sw, "snmp.sys_object_id", "1.3.6.1.4.1.9.1.1208"},
			{sw, "snmp.sys_name", "ward7-sw1"},
		}},
		{"NotSNMP", agent, manager, dnsExampleQuery, false, nil},
		{"IndefiniteLength", agent, manager, "3080020100", false, nil},
	}
	runDatagramCases(t, SNMP, tests)
}

func TestBEROID(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"SysObjectID", "2b0601040109018938", "1.3.6.1.4.1.9.1.1208"},
		{"JointISO", "883703", "2.999.3"},
		{"Zero", "00", "0.0"},
		{"Unterminated", "2b86", ""},
		{"Overflow", "2bffffffffffffffffff01", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf [MaxValue + 24]byte
			got, ok := berOIDString(buf[:0], unhex(t, tt.in))
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("berOIDString(%s) = %q, %v; want %q", tt.in, got, ok, tt.want)
			}
		})
	}
}

func FuzzSNMP(f *testing.F) {
	fuzzDatagram(f, SNMP, snmpResponse, snmpRequest, snmpTrapV1Msg, snmpTrapV2Msg, snmpV3Report, snmpSystemGroup)
}
