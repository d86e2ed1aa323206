package proto

import "testing"

// telnetServer: pcaps/ndpi/telnet.pcap, the server's first 139 bytes (frames 5-29),
// 192.168.0.1:23 → 192.168.0.2:1550.
// tshark: Telnet option negotiation (Do/Will Terminal Type, Window Size, Linemode …, then
// Suboption Linemode), telnet.data "\r\n", "OpenBSD/i386 (oof) (ttyp2)\r\n", "\r\n" (frame 27),
// "login: " (frame 29).
const telnetServer = `
fffd25fffb03fffd18fffd1ffffd20fffd21fffd22fffa22010bfff0fffd27ff
fb05fffd23fffb26fffd26fffd24fffa2001fff0fffa2301fff0fffa2701fff0
fffa1801fff0fffd01fffb01fffa2102fff0fffc01fffa220305800011800012
8000fff00d0a4f70656e4253442f6933383620286f6f66292028747479703229
0d0a0d0a6c6f67696e3a20
`

// telnetClient: pcaps/ndpi/telnet.pcap frame 4 (27 bytes), the client's first segment.
// tshark: Telnet Do Suppress Go Ahead, Will Terminal Type, Will Window Size, Will Terminal Speed,
// Will Remote Flow Control, Will Linemode, Will New Environment Option, Do Status, Will X Display Location.
const telnetClient = "fffd03fffb18fffb1ffffb20fffb21fffb22fffb27fffd05fffb23"

func TestTelnet(t *testing.T) {
	server := unhex(t, telnetServer)
	client := unhex(t, telnetClient)
	runStreamCases(t, Telnet, []streamCase{
		{
			name:   "OpenBSD",
			port:   23,
			client: client,
			server: server,
			status: Mine,
			want:   []streamFact{{'s', "telnet.banner", "OpenBSD/i386 (oof) (ttyp2)"}},
		},
		{
			// Recognised by negotiation on any port.
			name:   "OtherPort",
			port:   2323,
			client: client,
			server: server,
			status: Mine,
			want:   []streamFact{{'s', "telnet.banner", "OpenBSD/i386 (oof) (ttyp2)"}},
		},
		{
			// Cisco IOS greets without negotiating first.
			name:   "PlainCisco",
			port:   23,
			server: []byte("\r\n\r\nUser Access Verification\r\n\r\nUsername: "),
			status: Mine,
			want:   []streamFact{{'s', "telnet.banner", "User Access Verification"}},
		},
		{
			name:   "PromptOnly",
			port:   23,
			server: []byte("\xff\xfb\x01\xff\xfb\x03\r\nBusyBox on infusion-gw login: "),
			status: Mine,
			want:   []streamFact{{'s', "telnet.banner", "BusyBox on infusion-gw login:"}},
		},
		{
			name:   "ANSI",
			port:   23,
			server: []byte("\xff\xfd\x18\x1b[2J\x1b[1;1HVentilator Service Console v2.1\r\nPassword: "),
			status: Mine,
			want:   []streamFact{{'s', "telnet.banner", "Ventilator Service Console v2.1"}},
		},
		{
			// Without a prompt the dissector waits, and settles for
			// the first line when the connection closes.
			name:   "NoPrompt",
			port:   23,
			server: []byte("\xff\xfb\x01Welcome to the lab analyser\r\nMenu:\r\n"),
			status: Mine,
			want:   []streamFact{{'s', "telnet.banner", "Welcome to the lab analyser"}},
		},
		{
			name:   "ErrPlainOtherPort",
			port:   4000,
			server: []byte("Welcome\r\nlogin: "),
			status: NotMine,
		},
		{
			name:   "ErrSSHOnTelnetPort",
			port:   23,
			client: []byte(sshClientIdent),
			server: []byte(sshServerIdent),
			status: NotMine,
		},
	})
}

func TestTelnetBannerStopsAtPrompt(t *testing.T) {
	// What the server prints after the login prompt belongs to a session
	// and must never be emitted. The dissector stays (Mine) only to match
	// the login against the default pairs (credentials.go).
	server := append(unhex(t, telnetServer), "fake\r\nPassword:\r\nLast login: Sat Nov 27 20:11:43 on ttyp2 from bam.zing.org\r\n"...)
	c := &collector{}
	s := &Stream{Client: testClientEP, ServerData: server}
	s.Server.Port = 23
	if st := Telnet.Parse(s, c); st != Mine {
		t.Fatalf("status = %s, want Mine", statusName(st))
	}
	c.has(t, "telnet.banner", "OpenBSD/i386 (oof) (ttyp2)")
	if len(c.facts) != 1 {
		t.Errorf("facts = %v, want only the banner", c.facts)
	}
}
