package proto

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
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
	// Any Basic credentials, default or not, cross in the clear.
	basic := streamFact{'s', cleartextPasswordFact, passwordBasic}
	with := func(fs ...streamFact) []streamFact { return append(slices.Clone(base), fs...) }
	// The connection is HTTP/1.1 and kept alive: the dissector waits
	// for further requests (Mine) until it closes.
	runStreamCases(t, HTTP, []streamCase{
		{
			name:   "AdminAdmin",
			port:   80,
			client: httpBasicRequest("Basic YWRtaW46YWRtaW4="), // admin:admin
			server: []byte(httpBasicResponse),
			status: Mine,
			want:   with(basic, streamFact{'s', credentialFact, "http default account admin"}),
		},
		{
			name:   "SchemeCase",
			port:   8080,
			client: httpBasicRequest("basic  " + base64.StdEncoding.EncodeToString([]byte("apc:apc"))),
			server: []byte(httpBasicResponse),
			status: Mine,
			want:   with(basic, streamFact{'s', credentialFact, "http default account apc"}),
		},
		{
			name:   "ErrOwnPassword",
			port:   80,
			client: httpBasicRequest("Basic " + base64.StdEncoding.EncodeToString([]byte("admin:Kx9-long-local-secret"))),
			server: []byte(httpBasicResponse),
			status: Mine,
			want:   with(basic),
		},
		{
			// Not base64, yet Basic credentials all the same.
			name:   "ErrBadBase64",
			port:   80,
			client: httpBasicRequest("Basic YWRtaW46YWRtaW4"),
			server: []byte(httpBasicResponse),
			status: Mine,
			want:   with(basic),
		},
		{
			name:   "ErrNoColon",
			port:   80,
			client: httpBasicRequest("Basic " + base64.StdEncoding.EncodeToString([]byte("adminadmin"))),
			server: []byte(httpBasicResponse),
			status: Mine,
			want:   with(basic),
		},
		{
			name:   "ErrBearer",
			port:   80,
			client: httpBasicRequest("Bearer YWRtaW46YWRtaW4="),
			server: []byte(httpBasicResponse),
			status: Mine,
			want:   base,
		},
		{
			name:   "ErrEmptyBasic",
			port:   80,
			client: httpBasicRequest("Basic "),
			server: []byte(httpBasicResponse),
			status: Mine,
			want:   base,
		},
	})
}

// TestDefaultPairs checks the tables: no duplicates, and no value built
// from them holds the password (except where the password is the user
// name, which the value names anyway).
func TestDefaultPairs(t *testing.T) {
	services := []string{serviceFTP, serviceTelnet, serviceHTTP}
	// The format's own words do not count.
	formatFree := func(v string) string {
		v = strings.Replace(v, passwordOnly, "", 1)
		return strings.Replace(v, " default account", "", 1)
	}
	seen := map[[2]string]bool{}
	for _, p := range defaultPairs {
		k := [2]string{p.user, p.pass}
		if seen[k] {
			t.Errorf("duplicate pair for %q", p.user)
		}
		seen[k] = true
		for _, svc := range services {
			v, ok := defaultAccount(svc, []byte(p.user), []byte(p.pass))
			if !ok || v == "" {
				t.Fatalf("%s %q: not matched", svc, p.user)
			}
			if p.pass != p.user && strings.Contains(formatFree(v), p.pass) {
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
	for i, p := range defaultPasswords {
		if slices.Contains(defaultPasswords[:i], p) {
			t.Errorf("duplicate password-only default %d", i)
		}
		for _, svc := range services {
			v, ok := defaultPasswordAccount(svc, []byte(p))
			if !ok || v != Clean([]byte(v)) {
				t.Fatalf("%s password-only default %d: %q, %t", svc, i, v, ok)
			}
			if strings.Contains(v, p) {
				t.Errorf("%s: value %q holds the password", svc, v)
			}
		}
	}
	if _, ok := defaultAccount(serviceFTP, []byte("admin"), []byte("admin ")); ok {
		t.Error("matched a password with a trailing space")
	}
	if _, ok := defaultPasswordAccount(serviceTelnet, []byte("cisco\x00")); ok {
		t.Error("matched a password with a trailing NUL")
	}
}

// credentialValues is every value credential.default can take: the closed
// set built from the tables.
func credentialValues() map[string]bool {
	m := map[string]bool{}
	for _, svc := range []string{serviceFTP, serviceTelnet, serviceHTTP} {
		for _, p := range defaultPairs {
			v, _ := defaultAccount(svc, []byte(p.user), []byte(p.pass))
			m[v] = true
		}
		for _, p := range defaultPasswords {
			v, _ := defaultPasswordAccount(svc, []byte(p))
			m[v] = true
		}
	}
	return m
}

// loginSession is one login conversation for the fuzz property.
type loginSession struct {
	name           string
	d              StreamDissector
	port           uint16
	client, server []byte
	// want is the credential.default the login must raise, if any.
	want func(user, pass []byte) (string, bool)
}

// pairOrPassword is what an HTTP login raises: with no user name, the
// password alone is matched.
func pairOrPassword(user, pass []byte) (string, bool) {
	if len(user) == 0 {
		return defaultPasswordAccount(serviceHTTP, pass)
	}
	return defaultAccount(serviceHTTP, user, pass)
}

// loginSessions builds every login the dissectors read with user and pass,
// as the protocols send them: FTP, Telnet by user name and by password
// alone (user unused), HTTP Basic, an HTML form and a script's JSON.
func loginSessions(user, pass string) []loginSession {
	tc, ts := telnetLoginBytes(user, pass)
	pc, ps := telnetPasswordOnlyBytes("User Access Verification", pass)
	form := url.Values{"username": {user}, "password": {pass}}.Encode()
	js, _ := json.Marshal(map[string]string{"username": user, "password": pass})
	service := func(svc string) func(user, pass []byte) (string, bool) {
		return func(user, pass []byte) (string, bool) { return defaultAccount(svc, user, pass) }
	}
	return []loginSession{
		{"ftp", FTP, 21, []byte("USER " + user + "\r\nPASS " + pass + "\r\n"), []byte(ftpLoginServer), service(serviceFTP)},
		{"telnet", Telnet, 23, tc, ts, service(serviceTelnet)},
		{"telnet password only", Telnet, 23, pc, ps, func(_, pass []byte) (string, bool) {
			return defaultPasswordAccount(serviceTelnet, pass)
		}},
		{"http basic", HTTP, 80,
			httpBasicRequest("Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))),
			[]byte(httpBasicResponse), pairOrPassword},
		{"http form", HTTP, 80, httpFormRequest("/goform/formLogin", formType, form), []byte(httpFormResponse), pairOrPassword},
		{"http json", HTTP, 8080, httpFormRequest("/api/v1/session", jsonType, string(js)), []byte(httpFormResponse), pairOrPassword},
	}
}

// loginText keeps the bytes of s a user can type into a login: no line
// ends, NUL, Telnet IAC or other control characters, no colon (the Basic
// separator), and at most 64 bytes. It keeps valid UTF-8 only, as a
// browser sends it (and encoding/json would change the rest).
func loginText(s string) string {
	b := []byte(strings.ToValidUTF8(s, ""))
	b = slices.DeleteFunc(b, func(c byte) bool { return c < 0x20 || c == 0x7f || c == 0xff || c == ':' })
	for len(b) > 64 || !utf8.Valid(b) {
		b = b[:len(b)-1]
	}
	return string(b)
}

// neutralPass is a password in no default table.
const neutralPass = "n0t-a-factory-default"

// FuzzCredentials checks two things. Over arbitrary conversations (see
// fuzzStreamInput) the FTP, Telnet and HTTP dissectors never panic and
// credential.default only ever takes a value from the tables. Over login
// conversations of every kind (loginSessions) with an arbitrary user and
// password, the password changes nothing but whether credential.default is
// emitted: every other fact is the same as with a neutral password, so no
// password (default or not) can appear in any fact; and a default is
// always caught.
func FuzzCredentials(f *testing.F) {
	f.Add(fuzzStreamSeed(0, []byte("USER admin\r\nPASS admin\r\n"), []byte(ftpLoginServer)), "admin", "admin")
	f.Add(fuzzStreamSeed(0, []byte("USER root\r\nPASS x\r\nUSER root\r\nPASS root\r\n"), []byte(ftpLoginServer)), "root", "secret")
	c, s := telnetLoginBytes("root", "xc3511")
	f.Add(fuzzStreamSeed(0, c, s), "root", "xc3511")
	c, s = telnetPasswordOnlyBytes("User Access Verification", "x", "cisco")
	f.Add(fuzzStreamSeed(0, c, s), "", "cisco")
	f.Add(fuzzStreamSeed(0, httpBasicRequest("Basic YWRtaW46YWRtaW4="), []byte(httpBasicResponse)), "biomed", "Change Me")
	f.Add(fuzzStreamSeed(0, httpFormRequest("/login", formType, "user=admin&pwd=admin"), []byte(httpFormResponse)), "", "access")
	f.Add(fuzzStreamSeed(0, httpFormRequest("/api/login", jsonType, `{"username":"admin","password":1234}`), []byte(httpFormResponse)), "a&b=c", "%41")
	f.Add([]byte{}, "GEService", "SvcForward123$")
	f.Add([]byte{}, "alice", "vsFTPd")
	allowed := credentialValues()
	f.Fuzz(func(t *testing.T, data []byte, user, pass string) {
		for _, d := range []StreamDissector{FTP, Telnet, HTTP} {
			col := &collector{}
			fuzzStreamCollect(t, d, data, col)
			for _, fc := range col.facts {
				if fc.Fact == credentialFact && !allowed[fc.Value] {
					t.Fatalf("%s: credential.default = %q, not from the tables", d.Name, fc.Value)
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
					t.Fatalf("%s: credential.default %q with a neutral password", ls.name, k.value)
				}
			}
			if !mapsEqual(got, base) {
				t.Fatalf("%s: the password changed the facts:\n got %v\nwant %v", ls.name, got, base)
			}
			want, isDefault := ls.want([]byte(user), []byte(pass))
			switch {
			case len(cred) > 1 || len(cred) == 1 && (!isDefault || cred[0] != want):
				t.Fatalf("%s: credential.default %q for a login that is not default (or %q)", ls.name, cred, want)
			case isDefault && len(cred) == 0:
				t.Fatalf("%s: default login for %q missed", ls.name, user)
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
