package proto

import (
	"testing"

	"github.com/cordonsec/cordon"
)

// CDP messages: frame payloads after the 802.3, LLC and SNAP headers.
const (
	// tcpdump-tests/LLDP_and_CDP.pcap frame 1, from 00:18:ba:98:68:8f:
	// "Device ID: S1  Port ID: FastEthernet0/13", version 2, platform
	// "cisco WS-C3560-24TS", address 0.0.0.0, capabilities 0x00000028.
	cdpS1 = "02b40bea000100065331000500c2436973636f20494f5320536f667477617265" +
		"2c20433335363020536f667477617265202843333536302d4144564950534552" +
		"56494345534b392d4d292c2056657273696f6e2031322e322834342953452c20" +
		"52454c4541534520534f4654574152452028666331290a436f70797269676874" +
		"2028632920313938362d3230303820627920436973636f2053797374656d732c" +
		"20496e632e0a436f6d70696c6564205361742030352d4a616e2d30382030303a" +
		"3135206279207765696c697500060017636973636f2057532d43333536302d32" +
		"34545300020011000000010101cc000400000000000300144661737445746865" +
		"726e6574302f313300040008000000280008002400000c011200000000ffffff" +
		"ff010220ff0000000000000018ba986880ff000000090004000a00060001000b" +
		"0005010012000500001300050000160011000000010101cc000400000000001a" +
		"00100000000100000000ffffffff"
	// tcpdump-tests/3560_CDP.pcap frame 1, from 00:19:06:ea:b8:85: "Device
	// ID: Switch  Port ID: GigabitEthernet0/5", platform "cisco
	// WS-C3560G-24PS", IP address 192.168.0.1, software "Cisco IOS
	// Software, C3560 Software (C3560-ADVIPSERVICESK9-M), Version
	// 12.2(25)SEB4, RELEASE SOFTWARE (fc1)" on its first line.
	cdp3560 = "02b4b0bd0001000a537769746368000500c4436973636f20494f5320536f6674" +
		"776172652c20433335363020536f667477617265202843333536302d41445649" +
		"5053455256494345534b392d4d292c2056657273696f6e2031322e3228323529" +
		"534542342c2052454c4541534520534f4654574152452028666331290a436f70" +
		"7972696768742028632920313938362d3230303520627920436973636f205379" +
		"7374656d732c20496e632e0a436f6d70696c6564205475652033302d4175672d" +
		"30352031373a35362062792079656e616e6800060018636973636f2057532d43" +
		"33353630472d3234505300020011000000010101cc0004c0a800010003001647" +
		"69676162697445746865726e6574302f3500040008000000280008002400000c" +
		"011200000000ffffffff010221ff000000000000001906eab880ff0000000900" +
		"074c6162000a00060001000b0005010012000500001300050000160011000000" +
		"010101cc0004c0a80001001a00100000000100000000ffffffff"
)

func TestCDP(t *testing.T) {
	s1 := cordon.Endpoint{MAC: mustMAC(t, "00:18:ba:98:68:8f")}
	sw := cordon.Endpoint{MAC: mustMAC(t, "00:19:06:ea:b8:85")}
	tests := []struct {
		name    string
		src     cordon.MAC
		payload string
		ok      bool
		want    []emitted
	}{
		{"UnsetAddress", s1.MAC, cdpS1, true, []emitted{
			{s1, "cdp.device_id", "S1"},
			{s1, "cdp.software_version", "Cisco IOS Software, C3560 Software (C3560-ADVIPSERVICESK9-M), Version 12.2(44)SE, RELEASE SOFTWARE (fc1)"},
			{s1, "cdp.platform", "cisco WS-C3560-24TS"},
			{s1, "cdp.capabilities", "switch,igmp"},
		}},
		{"Address", sw.MAC, cdp3560, true, []emitted{
			{sw, "cdp.device_id", "Switch"},
			{sw, "cdp.software_version", "Cisco IOS Software, C3560 Software (C3560-ADVIPSERVICESK9-M), Version 12.2(25)SEB4, RELEASE SOFTWARE (fc1)"},
			{sw, "cdp.platform", "cisco WS-C3560G-24PS"},
			{sw, "cdp.capabilities", "switch,igmp"},
			{sw, "cdp.address", "192.168.0.1"},
		}},
		{"BadVersion", sw.MAC, "07b4b0bd0001000a53776974636800", false, nil},
		{"BadLength", sw.MAC, "02b4b0bd00010002", false, nil},
		{"Short", sw.MAC, "02b4", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Frame{Src: tt.src, Payload: unhex(t, tt.payload)}
			var c collector
			if got := CDP.Parse(&f, &c); got != tt.ok {
				t.Errorf("Parse = %v, want %v", got, tt.ok)
			}
			c.checkValues(t)
			sameFacts(t, c.facts, tt.want)
		})
	}
}

func FuzzCDP(f *testing.F) {
	fuzzFrame(f, CDP, cdpS1, cdp3560)
}
