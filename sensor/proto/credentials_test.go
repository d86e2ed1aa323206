package proto

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"
)

// ftpLoginServer is the vsFTPd greeting of ftp_failed.pcap followed by the
// replies vsFTPd sends to USER and a good PASS (RFC 959 §4.2: 331, 230).
const ftpLoginServer = ftpGreeting + "331 Please specify the password.\r\n230 Login successful.\r\n"

func TestFTPDefaultCredentials(t *testing.T) {
	banner := streamFact{'s', "ftp.banner", "(vsFTPd 3.0.3)"}
	runStreamCases(t, FTP, []streamCase{
		{
			name:   "AdminAdmin",
			port:   21,
			client: []byte("USER admin\r\nPASS admin\r\n"),
			server: []byte(ftpLoginServer),
			status: Done,
			want:   []streamFact{banner, {'s', credentialFact, "ftp default account admin"}},
		},
		{
			// A client trying defaults one after another on the same
			// connection: the second attempt is caught.
			name:   "Retry",
			port:   21,
			client: []byte("USER root\r\nPASS toor\r\nUSER root\r\nPASS root\r\n"),
			server: []byte(ftpGreeting + "331 Please specify the password.\r\n530 Login incorrect.\r\n331 Please specify the password.\r\n230 Login successful.\r\n"),
			status: Done,
			want:   []streamFact{banner, {'s', credentialFact, "ftp default account root"}},
		},
		{
			// A documented medical-device service account names the
			// product, not the user.
			name:   "GELOGIQ",
			port:   21,
			client: []byte("USER GEService\r\nPASS SvcForward123$\r\n"),
			server: []byte(ftpLoginServer),
			status: Done,
			want:   []streamFact{banner, {'s', credentialFact, "GE LOGIQ ultrasound default account"}},
		},
		{
			// Only the greeting so far: the login is still to come.
			name:   "BeforeLogin",
			port:   21,
			client: []byte("SYST\r\n"),
			server: []byte(ftpGreeting + "215 UNIX Type: L8\r\n"),
			status: Mine,
			want:   []streamFact{banner},
		},
		{
			// A default user name with another password: followed, in
			// case the client tries a default next.
			name:   "DefaultUserOwnPassword",
			port:   21,
			client: []byte("USER admin\r\nPASS Kx9-long-local-secret\r\n"),
			server: []byte(ftpLoginServer),
			status: Mine,
			want:   []streamFact{banner},
		},
		{
			name:   "NoCase",
			port:   21,
			client: []byte("user admin\r\npass admin\r\n"),
			server: []byte(ftpLoginServer),
			status: Done,
			want:   []streamFact{banner, {'s', credentialFact, "ftp default account admin"}},
		},
		{
			// Passwords are case-sensitive: ADMIN is not admin's default.
			name:   "ErrPasswordCase",
			port:   21,
			client: []byte("USER admin\r\nPASS ADMIN\r\n"),
			server: []byte(ftpLoginServer),
			status: Mine,
			want:   []streamFact{banner},
		},
		{
			name:   "ErrOtherUser",
			port:   21,
			client: []byte("USER alice\r\nPASS admin\r\n"),
			server: []byte(ftpLoginServer),
			status: Done,
			want:   []streamFact{banner},
		},
		{
			name:   "ErrPassWithoutUser",
			port:   21,
			client: []byte("SYST\r\nPASS admin\r\n"),
			server: []byte(ftpLoginServer),
			status: Mine,
			want:   []streamFact{banner},
		},
		{
			// After AUTH TLS the login is encrypted; the bytes that
			// follow are not text.
			name:   "ErrAuthTLS",
			port:   21,
			client: []byte("AUTH TLS\r\nUSER admin\r\nPASS admin\r\n"),
			server: []byte(ftpGreeting + "234 Proceed with negotiation.\r\n"),
			status: Done,
			want:   []streamFact{banner},
		},
	})
}

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
		{
			// Cisco line password only: no user name to match.
			name:   "ErrPasswordOnly",
			port:   23,
			client: []byte("cisco\r\ncisco\r\n"),
			server: []byte("\r\n\r\nUser Access Verification\r\n\r\nPassword: "),
			status: Mine,
			want:   []streamFact{{'s', "telnet.banner", "User Access Verification"}},
		},
	}
	runStreamCases(t, Telnet, cases)
}

// httpBasicRequest is a browser's request to a device's web interface with
// HTTP Basic credentials (RFC 7617 §2: base64 of "user:password").
func httpBasicRequest(credentials string) []byte {
	return []byte("GET /config.html HTTP/1.1\r\nHost: 10.1.2.200\r\n" +
		"Authorization: " + credentials + "\r\n" +
		"User-Agent: Mozilla/5.0\r\n\r\n")
}

const httpBasicResponse = "HTTP/1.1 200 OK\r\nServer: GoAhead-Webs\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"

func TestHTTPDefaultCredentials(t *testing.T) {
	base := []streamFact{
		{'s', "http.host", "10.1.2.200"},
		{'c', "http.user_agent", "Mozilla/5.0"},
		{'s', "http.server", "GoAhead-Webs"},
	}
	with := func(fs ...streamFact) []streamFact { return append(slices.Clone(base), fs...) }
	runStreamCases(t, HTTP, []streamCase{
		{
			name:   "AdminAdmin",
			port:   80,
			client: httpBasicRequest("Basic YWRtaW46YWRtaW4="), // admin:admin
			server: []byte(httpBasicResponse),
			status: Done,
			want:   with(streamFact{'s', credentialFact, "http default account admin"}),
		},
		{
			name:   "SchemeCase",
			port:   8080,
			client: httpBasicRequest("basic  " + base64.StdEncoding.EncodeToString([]byte("apc:apc"))),
			server: []byte(httpBasicResponse),
			status: Done,
			want:   with(streamFact{'s', credentialFact, "http default account apc"}),
		},
		{
			name:   "ErrOwnPassword",
			port:   80,
			client: httpBasicRequest("Basic " + base64.StdEncoding.EncodeToString([]byte("admin:Kx9-long-local-secret"))),
			server: []byte(httpBasicResponse),
			status: Done,
			want:   base,
		},
		{
			name:   "ErrBadBase64",
			port:   80,
			client: httpBasicRequest("Basic YWRtaW46YWRtaW4"),
			server: []byte(httpBasicResponse),
			status: Done,
			want:   base,
		},
		{
			name:   "ErrNoColon",
			port:   80,
			client: httpBasicRequest("Basic " + base64.StdEncoding.EncodeToString([]byte("adminadmin"))),
			server: []byte(httpBasicResponse),
			status: Done,
			want:   base,
		},
		{
			name:   "ErrBearer",
			port:   80,
			client: httpBasicRequest("Bearer YWRtaW46YWRtaW4="),
			server: []byte(httpBasicResponse),
			status: Done,
			want:   base,
		},
	})
}

// TestDefaultPairs checks the table: no duplicates, and no value built from
// it holds the pair's password (except where the password is the user name,
// which the value names anyway).
func TestDefaultPairs(t *testing.T) {
	seen := map[[2]string]bool{}
	for _, p := range defaultPairs {
		k := [2]string{p.user, p.pass}
		if seen[k] {
			t.Errorf("duplicate pair for %q", p.user)
		}
		seen[k] = true
		for _, svc := range []string{serviceFTP, serviceTelnet, serviceHTTP} {
			v, ok := defaultAccount(svc, []byte(p.user), []byte(p.pass))
			if !ok || v == "" {
				t.Fatalf("%s %q: not matched", svc, p.user)
			}
			// The format's own words ("default account") do not count.
			if p.pass != p.user && strings.Contains(strings.Replace(v, " default account", "", 1), p.pass) {
				t.Errorf("%s %q: value %q holds the password", svc, p.user, v)
			}
			if v != Clean([]byte(v)) {
				t.Errorf("value %q is not clean", v)
			}
		}
		if !isDefaultUser([]byte(p.user)) {
			t.Errorf("isDefaultUser(%q) = false", p.user)
		}
	}
	if _, ok := defaultAccount(serviceFTP, []byte("admin"), []byte("admin ")); ok {
		t.Error("matched a password with a trailing space")
	}
}

// credentialValues is every value credential.default can take: the closed
// set built from the table.
func credentialValues() map[string]bool {
	m := map[string]bool{}
	for _, p := range defaultPairs {
		for _, svc := range []string{serviceFTP, serviceTelnet, serviceHTTP} {
			v, _ := defaultAccount(svc, []byte(p.user), []byte(p.pass))
			m[v] = true
		}
	}
	return m
}

// loginSession is one login conversation for the fuzz property.
type loginSession struct {
	d              StreamDissector
	service        string
	port           uint16
	client, server []byte
}

// loginSessions builds an FTP, a Telnet and an HTTP Basic login with user
// and pass, as the protocols send them.
func loginSessions(user, pass string) []loginSession {
	tc, ts := telnetLoginBytes(user, pass)
	return []loginSession{
		{FTP, serviceFTP, 21, []byte("USER " + user + "\r\nPASS " + pass + "\r\n"), []byte(ftpLoginServer)},
		{Telnet, serviceTelnet, 23, tc, ts},
		{HTTP, serviceHTTP, 80,
			httpBasicRequest("Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))),
			[]byte(httpBasicResponse)},
	}
}

// loginText keeps the bytes of s a user can type into a login: no line
// ends, NUL, Telnet IAC or other control characters, no colon (the Basic
// separator), and at most 64 bytes.
func loginText(s string) string {
	b := []byte(s)
	b = slices.DeleteFunc(b, func(c byte) bool { return c < 0x20 || c == 0x7f || c == 0xff || c == ':' })
	return string(b[:min(len(b), 64)])
}

// neutralPass is a password in no default pair.
const neutralPass = "n0t-a-factory-default"

// FuzzCredentials checks two things. Over arbitrary conversations (see
// fuzzStreamInput) the FTP, Telnet and HTTP dissectors never panic and
// credential.default only ever takes a value from the table. Over login
// conversations with an arbitrary user and password, the password changes
// nothing but whether credential.default is emitted: every other fact is
// the same as with a neutral password, so no password (default or not) can
// appear in any fact; and a default pair is always caught.
func FuzzCredentials(f *testing.F) {
	f.Add(fuzzStreamSeed(0, []byte("USER admin\r\nPASS admin\r\n"), []byte(ftpLoginServer)), "admin", "admin")
	f.Add(fuzzStreamSeed(0, []byte("USER root\r\nPASS x\r\nUSER root\r\nPASS root\r\n"), []byte(ftpLoginServer)), "root", "secret")
	c, s := telnetLoginBytes("root", "xc3511")
	f.Add(fuzzStreamSeed(0, c, s), "root", "xc3511")
	f.Add(fuzzStreamSeed(0, httpBasicRequest("Basic YWRtaW46YWRtaW4="), []byte(httpBasicResponse)), "biomed", "Change Me")
	f.Add([]byte{}, "GEService", "SvcForward123$")
	f.Add([]byte{}, "alice", "vsFTPd")
	allowed := credentialValues()
	f.Fuzz(func(t *testing.T, data []byte, user, pass string) {
		for _, d := range []StreamDissector{FTP, Telnet, HTTP} {
			col := &collector{}
			fuzzStreamCollect(t, d, data, col)
			for _, fc := range col.facts {
				if fc.Fact == credentialFact && !allowed[fc.Value] {
					t.Fatalf("%s: credential.default = %q, not from the table", d.Name, fc.Value)
				}
			}
		}

		user, pass = loginText(user), loginText(pass)
		if pass == neutralPass {
			return
		}
		neutral := loginSessions(user, neutralPass)
		for i, ls := range loginSessions(user, pass) {
			got := sessionFacts(t, ls)
			base := sessionFacts(t, neutral[i])
			var cred []string
			for k := range got {
				if k.fact == credentialFact {
					cred = append(cred, k.value)
					delete(got, k)
				}
			}
			for k := range base {
				if k.fact == credentialFact {
					t.Fatalf("%s: credential.default %q with a neutral password", ls.service, k.value)
				}
			}
			if !mapsEqual(got, base) {
				t.Fatalf("%s: the password changed the facts:\n got %v\nwant %v", ls.service, got, base)
			}
			want, isDefault := defaultAccount(ls.service, []byte(user), []byte(pass))
			switch {
			case len(cred) > 1 || len(cred) == 1 && (!isDefault || cred[0] != want):
				t.Fatalf("%s: credential.default %q for a pair that is not default (or %q)", ls.service, cred, want)
			case isDefault && len(cred) == 0:
				t.Fatalf("%s: default pair for %q missed", ls.service, user)
			}
		}
	})
}

// factKey is a fact without its endpoint, for the fuzz property.
type factKey struct{ fact, value string }

// sessionFacts runs one login session delivered whole and returns its
// facts.
func sessionFacts(t *testing.T, ls loginSession) map[factKey]bool {
	c, _ := streamFeed(t, ls.d, ls.port, ls.client, ls.server, stepsWhole(len(ls.client), len(ls.server)))
	c.checkValues(t)
	m := map[factKey]bool{}
	for _, f := range c.facts {
		m[factKey{f.Fact, f.Value}] = true
	}
	return m
}

func mapsEqual(a, b map[factKey]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

// fuzzStreamCollect is fuzzStreamInput keeping the facts in col.
func fuzzStreamCollect(t *testing.T, d StreamDissector, data []byte, col *collector) {
	if len(data) < 3 {
		return
	}
	port := uint16(40000)
	if i := int(data[0]); i < len(d.Ports) {
		port = d.Ports[i]
	}
	body := data[3:]
	cut := min(int(data[1])<<8|int(data[2]), len(body))
	client, server := body[:cut], body[cut:]
	for _, steps := range [][][2]int{
		stepsWhole(len(client), len(server)),
		stepsSplit(len(body)/2, len(client), len(server)),
	} {
		c, _ := streamFeed(t, d, port, client, server, steps)
		c.checkValues(t)
		col.facts = append(col.facts, c.facts...)
	}
}
