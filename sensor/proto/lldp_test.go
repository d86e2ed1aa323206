package proto

import (
	"testing"

	"github.com/cordonsec/cordon"
)

// LLDPDUs: frame payloads after the Ethernet header (padding included).
const (
	// tcpdump-tests/LLDP_and_CDP.pcap frame 3, from 00:19:2f:a7:b2:8d:
	// "MA/00:19:2f:a7:b2:8d IA/Uplink to S1 120 SysN=S2.cisco.com SysD=Cisco
	// IOS Software, C3560 Software …", port description
	// GigabitEthernet0/13, enabled capabilities 0x0004 (Bridge).
	lldpCisco = "02070400192fa7b28d040d0155706c696e6b20746f205331060200780a0c5332" +
		"2e636973636f2e636f6d0cbe436973636f20494f5320536f6674776172652c20" +
		"433335363020536f667477617265202843333536302d41445649505345525649" +
		"4345534b392d4d292c2056657273696f6e2031322e322834342953452c205245" +
		"4c4541534520534f4654574152452028666331290a436f707972696768742028" +
		"632920313938362d3230303820627920436973636f2053797374656d732c2049" +
		"6e632e0a436f6d70696c6564205361742030352d4a616e2d30382030303a3135" +
		"206279207765696c697508134769676162697445746865726e6574302f31330e" +
		"0400140004fe060080c2010001fe0900120f0103c03600100000"
	// tcpdump-tests/lldp_mudurl.pcap frame 1, from 00:23:54:c2:57:02:
	// "MA/00:23:54:c2:57:02 MA/00:23:54:c2:57:02 120
	// SysN=upstairs.ofcourseimright.com SysD=Ubuntu 14.04.5 LTS …",
	// enabled capabilities 0x0008 (WLAN access point), management
	// addresses 62.12.173.114 and 2001:8a8:1006:4:223:54ff:fec2:5702, port
	// description eth0, MUD URL.
	lldpMUD = "020704002354c25702040703002354c25702060200780a1c7570737461697273" +
		"2e6f66636f75727365696d72696768742e636f6d0c5c5562756e74752031342e" +
		"30342e35204c5453204c696e757820332e31332e302d3130362d67656e657269" +
		"6320233135332d5562756e747520534d50205475652044656320362031353a34" +
		"353a313320555443203230313620693638360e04009c0008100c05013e0cad72" +
		"02000000020010181102200108a810060004022354fffec25702020000000200" +
		"080465746830fe0900120f030100000000fe0900120f0103ecc30010fe400000" +
		"5e0168747470733a2f2f696d72696768742e6d75642e6578616d706c652e636f" +
		"6d2f2e77656c6c2d6b6e6f776e2f6d75642f76312f766f6d697476322e300000"
	// tcpdump-tests/lldp-app-priority.pcap frame 1, from 00:00:00:00:00:00:
	// "MA/00:00:00:02:00:02 IN/leaf0b-eth10 120 SysN=leaf0b
	// SysD=5c:16:c7:00:00:01", port description "Big Cloud Fabric Switch
	// Port leaf0b-eth10".
	lldpZeroSource = "020704000000020002040d056c65616630622d65746831300602007808294269" +
		"6720436c6f7564204661627269632053776974636820506f7274206c65616630" +
		"622d65746831300a066c65616630620c1135633a31363a63373a30303a30303a" +
		"3031fe050026e10101fe090026e1026c65616630fe050026e10301fe100026e1" +
		"0400005c16c70bba1b00000000fe060080c20b0110fe080080c20c00840cbc00" +
		"00"
	// tcpdump-tests/lldp_asan.pcap frame 1: malformed ("Invalid Port ID
	// (0x7F), expected (0x02)"); chassis ID network address 0.0.32.0.
	lldpASAN = "0206050100002000fe0900120f0100ffff2000fe0900120f010000fe0f000000" +
		"fe06ef7f55557675"
	// Hand-built (no LLDP-MED in the shared captures) after TIA-1057: a
	// phone with chassis ID network address 10.20.0.9, system name
	// SEP0004F2A1B2C3, capabilities bridge+telephone, management address
	// 10.20.0.9, MED class III and inventory TLVs; tshark shows "Class
	// Type: Endpoint Class III (3)", "Hardware Revision: B", "Firmware
	// Revision: 1.4.2", "Software Revision: 5.0.1", "Serial Number:
	// SN12345", "Manufacturer Name: Polycom", "Model Name: VVX 410".
	lldpMEDPhone = "020605010a1400090407030004f2a1b2c3060200780a0f534550303030344632" +
		"4131423243330e0400240024100c05010a140009020000000100fe070012bb01" +
		"003303fe050012bb0542fe090012bb06312e342e32fe090012bb07352e302e31" +
		"fe0b0012bb08534e3132333435fe0b0012bb09506f6c79636f6dfe0b0012bb0a" +
		"565658203431300000"
)

func TestLLDP(t *testing.T) {
	s2 := mustMAC(t, "00:19:2f:a7:b2:8d")
	pc := mustMAC(t, "00:23:54:c2:57:02")
	phone := mustMAC(t, "00:04:f2:a1:b2:c3")
	leaf := mustMAC(t, "00:00:00:02:00:02")
	tests := []struct {
		name    string
		src     cordon.MAC
		payload string
		ok      bool
		want    []emitted
	}{
		{"Cisco", s2, lldpCisco, true, []emitted{
			{cordon.Endpoint{MAC: s2}, "lldp.chassis_id", "00:19:2f:a7:b2:8d"},
			{cordon.Endpoint{MAC: s2}, "lldp.system_name", "S2.cisco.com"},
			{cordon.Endpoint{MAC: s2}, "lldp.system_description", "Cisco IOS Software, C3560 Software (C3560-ADVIPSERVICESK9-M), " +
				"Version 12.2(44)SE, RELEASE SOFTWARE (fc1) Copyright (c) 1986-2008 by Cisco Systems, Inc. " +
				"Compiled Sat 05-Jan-08 00:15 by weiliu"},
			{cordon.Endpoint{MAC: s2}, "lldp.port_description", "GigabitEthernet0/13"},
			{cordon.Endpoint{MAC: s2}, "lldp.capabilities", "bridge"},
		}},
		{"ManagementAddresses", pc, lldpMUD, true, []emitted{
			{cordon.Endpoint{MAC: pc}, "lldp.chassis_id", "00:23:54:c2:57:02"},
			{cordon.Endpoint{MAC: pc}, "lldp.system_name", "upstairs.ofcourseimright.com"},
			{cordon.Endpoint{MAC: pc}, "lldp.system_description", "Ubuntu 14.04.5 LTS Linux 3.13.0-106-generic #153-Ubuntu SMP Tue Dec 6 15:45:13 UTC 2016 i686"},
			{cordon.Endpoint{MAC: pc}, "lldp.capabilities", "wlan_access_point"},
			{cordon.Endpoint{MAC: pc}, "lldp.mgmt_ip", "62.12.173.114"},
			{cordon.Endpoint{MAC: pc}, "lldp.mgmt_ip", "2001:8a8:1006:4:223:54ff:fec2:5702"},
			{cordon.Endpoint{MAC: pc}, "lldp.port_description", "eth0"},
		}},
		{"MED", phone, lldpMEDPhone, true, []emitted{
			{cordon.Endpoint{MAC: phone}, "lldp.chassis_id", "10.20.0.9"},
			{cordon.Endpoint{MAC: phone}, "lldp.system_name", "SEP0004F2A1B2C3"},
			{cordon.Endpoint{MAC: phone}, "lldp.capabilities", "bridge,telephone"},
			{cordon.Endpoint{MAC: phone}, "lldp.mgmt_ip", "10.20.0.9"},
			{cordon.Endpoint{MAC: phone}, "lldp.med.device_class", "Endpoint Class III"},
			{cordon.Endpoint{MAC: phone}, "lldp.med.hardware_revision", "B"},
			{cordon.Endpoint{MAC: phone}, "lldp.med.firmware_revision", "1.4.2"},
			{cordon.Endpoint{MAC: phone}, "lldp.med.software_revision", "5.0.1"},
			{cordon.Endpoint{MAC: phone}, "lldp.med.serial_number", "SN12345"},
			{cordon.Endpoint{MAC: phone}, "lldp.med.manufacturer", "Polycom"},
			{cordon.Endpoint{MAC: phone}, "lldp.med.model", "VVX 410"},
		}},
		{"ZeroSourceUsesChassis", cordon.MAC{}, lldpZeroSource, true, []emitted{
			{cordon.Endpoint{MAC: leaf}, "lldp.chassis_id", "00:00:00:02:00:02"},
			{cordon.Endpoint{MAC: leaf}, "lldp.port_description", "Big Cloud Fabric Switch Port leaf0b-eth10"},
			{cordon.Endpoint{MAC: leaf}, "lldp.system_name", "leaf0b"},
			{cordon.Endpoint{MAC: leaf}, "lldp.system_description", "5c:16:c7:00:00:01"},
		}},
		{"Malformed", pc, lldpASAN, true, []emitted{
			{cordon.Endpoint{MAC: pc}, "lldp.chassis_id", "0.0.32.0"},
		}},
		{"NotChassisFirst", pc, "0407030023", false, nil},
		{"Empty", pc, "", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Frame{Src: tt.src, Payload: unhex(t, tt.payload)}
			var c collector
			if got := LLDP.Parse(&f, &c); got != tt.ok {
				t.Errorf("Parse = %v, want %v", got, tt.ok)
			}
			c.checkValues(t)
			sameFacts(t, c.facts, tt.want)
		})
	}
}

// fuzzFrame runs dis on arbitrary frame payloads and checks that emitted
// values keep the contract.
func fuzzFrame(f *testing.F, dis FrameDissector, seeds ...string) {
	for _, s := range seeds {
		f.Add(unhex(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fr := Frame{Src: cordon.MAC{0x02, 0, 0, 0, 0, 1}, Dst: cordon.MAC{0x01, 0x80, 0xc2, 0, 0, 0x0e}, Payload: b}
		var c collector
		dis.Parse(&fr, &c)
		c.checkValues(t)
	})
}

func FuzzLLDP(f *testing.F) {
	fuzzFrame(f, LLDP, lldpCisco, lldpMUD, lldpZeroSource, lldpASAN, lldpMEDPhone)
}
