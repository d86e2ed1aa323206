package proto

import "testing"

// telnetLoginBytes returns a Telnet login as BusyBox
// telnetd runs it: option negotiation, the banner and "login: ", the user
// name typed (CR NUL, RFC 854) and echoed by the server, the server taking
// over echo (IAC WILL ECHO) for "Password: ", and the password typed
// without echo.
func telnetLoginBytes(user, pass string) (client, server []byte) {
	client = []byte("\xff\xfd\x03\xff\xfb\x18\xff\xfb\x1f" + // DO SGA, WILL TTYPE, WILL NAWS
		"\xff\xfa\x18\x00xterm\xff\xf0" + // SB TTYPE IS xterm SE
		user + "\r\x00" +
		"\xff\xfd\x01" + // DO ECHO
		pass + "\r\x00")
	server = []byte("\xff\xfd\x18\xff\xfd\x1f\xff\xfb\x03" + // DO TTYPE, DO NAWS, WILL SGA
		"\r\nBusyBox v1.36.1 (infusion-gw) built-in shell\r\n\r\ninfusion-gw login: " +
		user + "\r\n" +
		"\xff\xfb\x01" + // WILL ECHO
		"Password: \r\n")
	return client, server
}

func TestTelnetDefaultCredentials(t *testing.T) {
	banner := streamFact{'s', "telnet.banner", "BusyBox v1.36.1 (infusion-gw) built-in shell"}
	rootClient, rootServer := telnetLoginBytes("root", "root")
	ownClient, ownServer := telnetLoginBytes("admin", "Kx9-long-local-secret")
	otherClient, otherServer := telnetLoginBytes("nurse", "admin")
	b850Client, b850Server := telnetLoginBytes("biomed", "Change Me")
	pcapClient := append(unhex(t, telnetClient), "fake\r\n\xff\xfd\x01user\r\n"...)
	pcapServer := append(unhex(t, telnetServer), "fake\r\nPassword:"...)
	cases := []streamCase{
		{
			name:   "RootRoot",
			port:   23,
			client: rootClient,
			server: rootServer,
			status: Done,
			want:   []streamFact{banner, {'s', credentialFact, "telnet default account root"}},
		},
		{
			name:   "GECarescape",
			port:   23,
			client: b850Client,
			server: b850Server,
			status: Done,
			want:   []streamFact{banner, {'s', credentialFact, "GE CARESCAPE monitor default account"}},
		},
		{
			// Typed ahead: no password prompt yet, so nothing is
			// matched until the server asks.
			name:   "TypedAhead",
			port:   23,
			client: rootClient,
			server: rootServer[:len(rootServer)-len("\xff\xfb\x01Password: \r\n")],
			status: Mine,
			want:   []streamFact{banner},
		},
		{
			// Enter pressed at the prompt, then a second login prompt.
			name:   "EmptyLineFirst",
			port:   23,
			client: append([]byte("\r\x00"), rootClient...),
			server: append(append([]byte(nil), rootServer[:len(rootServer)-len("root\r\n\xff\xfb\x01Password: \r\n")]...), "\r\ninfusion-gw login: root\r\n\xff\xfb\x01Password: \r\n"...),
			status: Done,
			want:   []streamFact{banner, {'s', credentialFact, "telnet default account root"}},
		},
		{
			name:   "DefaultUserOwnPassword",
			port:   23,
			client: ownClient,
			server: ownServer,
			status: Mine,
			want:   []streamFact{banner},
		},
		{
			name:   "ErrOtherUser",
			port:   23,
			client: otherClient,
			server: otherServer,
			status: Done,
			want:   []streamFact{banner},
		},
		{
			// pcaps/ndpi/telnet.pcap: user "fake", password "user".
			name:   "ErrPcapLogin",
			port:   23,
			client: pcapClient,
			server: pcapServer,
			status: Done,
			want:   []streamFact{{'s', "telnet.banner", "OpenBSD/i386 (oof) (ttyp2)"}},
		},
	}
	runStreamCases(t, Telnet, cases)
}

// telnetPasswordOnlyBytes returns a Telnet login by password alone, as
// Cisco IOS runs a line (vty) with "login" and a line password: it offers
// to echo and suppress go-ahead and asks for the terminal type and window
// size, prints banner and "Password: " with no user prompt before it, and
// prompts again after each wrong password. The client agrees and types
// each password with CR LF (PuTTY's Telnet New Line). The server has
// prompted for every password typed.
func telnetPasswordOnlyBytes(banner string, passwords ...string) (client, server []byte) {
	client = []byte("\xff\xfd\x01\xff\xfd\x03\xff\xfb\x18\xff\xfb\x1f" + // DO ECHO, DO SGA, WILL TTYPE, WILL NAWS
		"\xff\xfa\x1f\x00\x50\x00\x18\xff\xf0") // SB NAWS 80x24 SE
	server = []byte("\xff\xfb\x01\xff\xfb\x03\xff\xfd\x18\xff\xfd\x1f" + // WILL ECHO, WILL SGA, DO TTYPE, DO NAWS
		"\r\n\r\n" + banner + "\r\n\r\nPassword: ")
	for i, p := range passwords {
		client = append(client, p+"\r\n"...)
		if i < len(passwords)-1 {
			server = append(server, "\r\nPassword: "...)
		}
	}
	return client, server
}

func TestTelnetLoginPrompts(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		n          int
		alone      bool
	}{
		{"UserThenPassword", "gw login: root\r\nPassword: ", 1, false},
		{"UserOnly", "gw login: ", 0, false},
		{"Retry", "login: root\r\nPassword: \r\nLogin incorrect\r\nlogin: root\r\nPassword: ", 2, false},
		{"PasswordOnly", "\r\nUser Access Verification\r\n\r\nPassword: ", 1, true},
		{"PasswordOnlyNoSpace", "Password:", 1, true},
		{"EchoedStars", "Password: ****\r\n\r\nPassword: ", 2, true},
		{"PasswordOnlyMax", "Password: \r\nPassword: \r\nPassword: \r\nPassword: ", telnetMaxLogin, true},
		// After a good password, a shell's "Last login:" starts the
		// session: prompts after it are not the login's.
		{"LastLogin", "Password: \r\nLast login: Mon Jan 6 from 10.1.2.3\r\n$ sudo -s\r\nPassword: ", 1, true},
		// A banner line that mentions a password is no prompt: the
		// login is still by user name.
		{"PasswordInBanner", "Default password: see the service manual\r\nlogin: ", 0, false},
		{"Nothing", "Welcome\r\n", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, alone := telnetLoginPrompts([]byte(tc.text))
			if n != tc.n || alone != tc.alone {
				t.Errorf("telnetLoginPrompts = %d, %t; want %d, %t", n, alone, tc.n, tc.alone)
			}
		})
	}
}

func TestTelnetDefaultPasswordOnly(t *testing.T) {
	const cisco = "User Access Verification"
	banner := streamFact{'s', "telnet.banner", cisco}
	passOnly := streamFact{'s', credentialFact, "telnet default account (password only)"}
	ciscoClient, ciscoServer := telnetPasswordOnlyBytes(cisco, "cisco")
	retryClient, retryServer := telnetPasswordOnlyBytes(cisco, "Kx9-long-local-secret", "", "access")
	ownClient, ownServer := telnetPasswordOnlyBytes(cisco, "Kx9-long-local-secret")
	failClient, failServer := telnetPasswordOnlyBytes(cisco, "one", "two", "three")
	failServer = append(failServer, "\r\n% Bad passwords\r\n"...)
	failClient = append(failClient, "cisco\r\n"...)
	aheadClient, aheadServer := telnetPasswordOnlyBytes(cisco, "Kx9-long-local-secret")
	aheadClient = append(aheadClient, "system\r\n"...)
	// A serial-to-Ethernet bridge that negotiates nothing and greets in
	// plain text on port 23, asking for its password at once.
	bridgeServer := []byte("\r\nSerial device server, port 1\r\nPassword:")
	runStreamCases(t, Telnet, []streamCase{
		{
			name:   "CiscoLine",
			port:   23,
			client: ciscoClient,
			server: ciscoServer,
			status: Done,
			want:   []streamFact{banner, passOnly},
		},
		{
			// A wrong password, Enter on its own, then a default:
			// each line answers one prompt.
			name:   "ThirdAttempt",
			port:   23,
			client: retryClient,
			server: retryServer,
			status: Done,
			want:   []streamFact{banner, passOnly},
		},
		{
			name:   "SerialBridge",
			port:   23,
			client: []byte("lantronix\r"),
			server: bridgeServer,
			status: Done,
			want:   []streamFact{{'s', "telnet.banner", "Serial device server, port 1"}, passOnly},
		},
		{
			// A password that is no default: followed, in case the
			// client tries a default next.
			name:   "ErrOwnPassword",
			port:   23,
			client: ownClient,
			server: ownServer,
			status: Mine,
			want:   []streamFact{banner},
		},
		{
			// The second line comes before the server's second
			// prompt: it is not yet an answer to one.
			name:   "ErrTypedAhead",
			port:   23,
			client: aheadClient,
			server: aheadServer,
			status: Mine,
			want:   []streamFact{banner},
		},
		{
			// Three wrong passwords end the login (IOS hangs up);
			// what is typed after them is not a password.
			name:   "ErrAfterThreeFailures",
			port:   23,
			client: failClient,
			server: failServer,
			status: Done,
			want:   []streamFact{banner},
		},
		{
			// The password-only defaults are never matched against a
			// named account's password.
			name:   "ErrNamedAccount",
			port:   23,
			client: []byte("nurse\r\n1234\r\n"),
			server: []byte("\xff\xfb\x01Pump gateway\r\nlogin: nurse\r\nPassword: "),
			status: Done,
			want:   []streamFact{{'s', "telnet.banner", "Pump gateway"}},
		},
	})
}
