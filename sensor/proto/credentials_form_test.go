package proto

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// httpFormRequest is a browser posting a device's login form: the head as
// Firefox sends it, then the body (HTML §4.10.21.8: an urlencoded form
// body; or a script's JSON).
func httpFormRequest(path, contentType, body string) []byte {
	return httpFormRequestLength(path, contentType, body, len(body))
}

// httpFormRequestLength is httpFormRequest with a Content-Length that may
// differ from the body sent (a client that stopped short).
func httpFormRequestLength(path, contentType, body string, length int) []byte {
	return []byte("POST " + path + " HTTP/1.1\r\nHost: 10.1.2.200\r\n" +
		"User-Agent: Mozilla/5.0\r\n" +
		"Content-Type: " + contentType + "\r\n" +
		"Content-Length: " + strconv.Itoa(length) + "\r\n" +
		"Origin: http://10.1.2.200\r\n\r\n" + body)
}

// httpFormResponse is the GoAhead web server's answer to a login form: a
// redirect to the device's home page.
const httpFormResponse = "HTTP/1.1 302 Redirect\r\nServer: GoAhead-Webs\r\nLocation: http://10.1.2.200/home.asp\r\nContent-Length: 0\r\n\r\n"

const (
	formType = "application/x-www-form-urlencoded"
	jsonType = "application/json;charset=UTF-8"
)

func TestHTTPFormDefaultCredentials(t *testing.T) {
	base := []streamFact{
		{'s', "http.host", "10.1.2.200"},
		{'c', "http.user_agent", "Mozilla/5.0"},
		{'s', "http.server", "GoAhead-Webs"},
	}
	// Every login body with a password field sends it in the clear,
	// default or not.
	sent := append(slices.Clone(base), streamFact{'s', cleartextPasswordFact, passwordForm})
	with := func(v string) []streamFact { return append(slices.Clone(sent), streamFact{'s', credentialFact, v}) }
	const (
		admin    = "http default account admin"
		passOnly = "http default account (password only)"
	)
	viewState := strings.Repeat("dDwtMTA4MzE0MjEwNTs7Pg", 1000) // 22 kB, as ASP.NET pages carry
	cases := []struct {
		name, path, ctype, body string
		length                  int // Content-Length when not len(body)
		want                    []streamFact
	}{
		{name: "Form", path: "/goform/formLogin", ctype: formType,
			body: "username=admin&password=admin&submit=Log+In", want: with(admin)},
		{name: "PercentEncoded", path: "/cgi-bin/service.cgi", ctype: formType,
			body: "user=GEService&pass=SvcForward123%24", want: with("GE LOGIQ ultrasound default account")},
		{name: "PlusIsSpace", path: "/j_security_check", ctype: formType,
			body: "j_username=biomed&j_password=Change+Me", want: with("GE CARESCAPE monitor default account")},
		{name: "PercentSpace", path: "/j_security_check", ctype: formType,
			body: "j_username=clinical&j_password=Change%20Me", want: with("GE CARESCAPE monitor default account")},
		{name: "NameCase", path: "/index.cgi", ctype: "Application/X-WWW-Form-Urlencoded; charset=UTF-8",
			body: "UserName=root&PassWord=calvin", want: with("http default account root")},
		{name: "StructuredNames", path: "/site/index", ctype: formType,
			body: "LoginForm%5Busername%5D=admin&LoginForm%5Bpassword%5D=1234", want: with(admin)},
		{name: "LoosePath", path: "/login.cgi", ctype: formType,
			body: "txtUser=admin&txtPwd=admin&btnLogin=OK", want: with(admin)},
		{name: "PasswordAlone", path: "/cgi-bin/login.cgi?lang=en", ctype: formType,
			body: "pwd=1234&lang=en", want: with(passOnly)},
		{name: "EmptyUser", path: "/cgi-bin/setup", ctype: formType,
			body: "username=&password=system", want: with(passOnly)},
		{name: "Untyped", path: "/login", ctype: "text/plain;charset=UTF-8",
			body: "username=root&password=root", want: with("http default account root")},
		{name: "LargeBody", path: "/Login.aspx", ctype: formType,
			body: "username=admin&password=admin&__VIEWSTATE=" + viewState, want: with(admin)},
		{name: "JSON", path: "/api/v1/session", ctype: jsonType,
			body: `{"username":"admin","password":"admin"}`, want: with(admin)},
		{name: "JSONNested", path: "/api/auth", ctype: "application/vnd.device+json",
			body: "{\n  \"data\": {\"remember\": true, \"user\": \"ad\\u006din\", \"password\": \"adm\\u0069n\"}\n}",
			want: with(admin)},
		{name: "JSONNumber", path: "/rpc", ctype: jsonType,
			body: `{"method":"login","params":{"username":"admin","password":1234}}`, want: with(admin)},
		{name: "JSONInTextPlain", path: "/login", ctype: "text/plain;charset=UTF-8",
			body: `{"user":"support","pass":"support"}`, want: with("http default account support")},
		{name: "JSONPasswordAlone", path: "/api/login", ctype: jsonType,
			body: `{"password":"0000","remember":false}`, want: with(passOnly)},
		{name: "ErrOwnPassword", path: "/goform/formLogin", ctype: formType,
			body: "username=admin&password=Kx9-long-local-secret", want: sent},
		{name: "ErrPasswordCase", path: "/goform/formLogin", ctype: formType,
			body: "username=admin&password=ADMIN", want: sent},
		{name: "ErrEmail", path: "/login", ctype: formType,
			body: "email=biomed%40example.org&password=admin", want: sent},
		// Loose names count only on a login path, for the password
		// sent too.
		{name: "ErrLooseNamesElsewhere", path: "/settings.cgi", ctype: formType,
			body: "txtUser=admin&txtPwd=admin", want: base},
		// A password field by its exact name is a password sent, on
		// any path: a device's settings form setting a new one.
		{name: "ErrPasswordAloneElsewhere", path: "/cgi-bin/setup", ctype: formType,
			body: "pwd=1234", want: sent},
		// Past httpFormMax nothing is read, not even a password
		// field's name.
		{name: "ErrPastFormMax", path: "/Login.aspx", ctype: formType,
			body: "__VIEWSTATE=" + viewState + "&username=admin&password=admin", want: base},
		{name: "ErrMultipart", path: "/login", ctype: "multipart/form-data; boundary=x",
			body: "--x\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nadmin\r\n--x--\r\n", want: base},
		{name: "ErrJSONBadEscape", path: "/api/login", ctype: jsonType,
			body: `{"username":"admin","password":"adm\qin"}`, want: sent},
	}
	var scs []streamCase
	for _, tc := range cases {
		scs = append(scs, streamCase{
			name:   tc.name,
			port:   80,
			client: httpFormRequest(tc.path, tc.ctype, tc.body),
			server: []byte(httpFormResponse),
			status: Mine, // HTTP/1.1 kept alive: another request may follow
			want:   tc.want,
		})
	}
	scs = append(scs,
		streamCase{
			// The client promised more than it sent and the
			// connection closed: the last field may be cut
			// ("admin" of "admin123"), so it is not matched.
			name:   "ErrCutShort",
			port:   80,
			client: httpFormRequestLength("/login", formType, "username=admin&password=admin", 32),
			status: Mine,
			want:   []streamFact{base[0], base[1]},
		},
		streamCase{
			name:   "ErrJSONCutShort",
			port:   80,
			client: httpFormRequestLength("/login", jsonType, `{"username":"admin","password":1234`, 40),
			status: Mine,
			want:   []streamFact{base[0], base[1]},
		})
	runStreamCases(t, HTTP, scs)
}

// TestHTTPFormSegments delivers a login the way a browser sends it: the
// head in one segment, the body in the next (Firefox and curl both write
// them separately), with the server's answer after.
func TestHTTPFormSegments(t *testing.T) {
	body := "username=admin&password=admin"
	client := httpFormRequest("/goform/formLogin", formType, body)
	head := len(client) - len(body)
	for _, tc := range []struct {
		name  string
		steps [][2]int
	}{
		{"HeadThenBody", [][2]int{{head, 0}, {len(client), 0}, {len(client), len(httpFormResponse)}}},
		{"BodySplit", [][2]int{{head, 0}, {head + 17, 0}, {len(client), 0}, {len(client), len(httpFormResponse)}}},
		// A server that answers before the body is all in (or a
		// capture that saw its answer first) must not end the
		// reading early.
		{"AnswerFirst", [][2]int{{head + 3, len(httpFormResponse)}, {len(client), len(httpFormResponse)}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, st := streamFeed(t, HTTP, 80, client, []byte(httpFormResponse), tc.steps)
			if st != Mine {
				t.Errorf("status = %s, want Mine (kept alive)", statusName(st))
			}
			c.has(t, credentialFact, "http default account admin")
			c.has(t, cleartextPasswordFact, passwordForm)
		})
	}
	// Before the body arrives the dissector waits for it.
	s := &Stream{Client: testClientEP, ClientData: client[:head]}
	s.Server.Port = 80
	col := &collector{}
	if st := HTTP.Parse(s, col); st != Mine {
		t.Errorf("head alone: status = %s, want Mine", statusName(st))
	}
	col.lacks(t, credentialFact)
}

// TestCredentialFactsHoldNoPassword runs every kind of login with a
// default from each table and checks that no fact emitted holds the
// password, except where the password is also the user name, which the
// fact names on purpose, or one of the format's own words ("default").
func TestCredentialFactsHoldNoPassword(t *testing.T) {
	check := func(t *testing.T, ls loginSession, user, pass string) {
		t.Helper()
		c, _ := streamFeed(t, ls.d, ls.port, ls.client, ls.server, stepsWhole(len(ls.client), len(ls.server)))
		found := false
		for _, f := range c.facts {
			v := strings.Replace(strings.Replace(f.Value, passwordOnly, "", 1), " default account", "", 1)
			if strings.Contains(v, pass) && pass != user {
				t.Errorf("%s: %s=%q holds the password", ls.name, f.Fact, f.Value)
			}
			found = found || f.Fact == credentialFact
		}
		if !found {
			t.Errorf("%s: default not found", ls.name)
		}
	}
	for _, p := range defaultPairs {
		for _, ls := range loginSessions(p.user, p.pass) {
			if ls.name != "telnet password only" {
				check(t, ls, p.user, p.pass)
			}
		}
	}
	for _, pass := range defaultPasswords {
		for _, ls := range loginSessions("", pass) {
			if ls.name != "ftp" && ls.name != "telnet" {
				check(t, ls, "", pass)
			}
		}
	}
}

// loginBodyPair is what httpFormLogin makes of a login body: the decoded
// pair, and whether a password field was sent.
func loginBodyPair(kind bodyKind, b []byte, whole, loose bool, ubuf, pbuf []byte) (user, pass []byte, ok, sent bool) {
	uf, pf := loginFields(kind, b, whole, loose)
	user, pass, ok = loginPair(kind, uf, pf, loose, ubuf, pbuf)
	return user, pass, ok, pf.sent()
}

// FuzzLoginBody checks the login body decoders two ways. Over arbitrary
// bodies of every kind, loginFields and loginPair never panic, and a pair
// with a password always comes with a password field sent. Over a user and password
// encoded as a browser (url.Values) or a script (encoding/json) would, the
// decoded pair is the one encoded, so no escaping hides a default, and the
// password field counts as sent whatever its value.
func FuzzLoginBody(f *testing.F) {
	f.Add([]byte("username=admin&password=admin"), "admin", "admin")
	f.Add([]byte("LoginForm%5Bpassword%5D=%E2%82%AC+%zz&user=a"), "GEService", "SvcForward123$")
	f.Add([]byte(`{"data":{"user":"\ud83d\ude00\u0041","password":"a\"b\\c"}}`), "biomed", "Change Me")
	f.Add([]byte(`{"username":"admin","password":1234,"x":[1,{"pass":null}]}`), "root", `"&=+%\`)
	f.Add([]byte(`{"pwd":"\ud800","user":`), "<script>", "\x80\xfe")
	f.Fuzz(func(t *testing.T, body []byte, user, pass string) {
		var ub, pb [httpBasicMax]byte
		for _, kind := range []bodyKind{bodyForm, bodyJSON} {
			for _, whole := range []bool{true, false} {
				for _, loose := range []bool{true, false} {
					u, p, ok, sent := loginBodyPair(kind, body, whole, loose, ub[:], pb[:])
					if !ok && (u != nil || p != nil) {
						t.Fatalf("loginPair = %q, %q, false", u, p)
					}
					if ok && !sent && len(p) > 0 {
						// Only a JSON null is a password field not sent.
						t.Fatalf("loginPair = %q, %q, true, with no password field sent", u, p)
					}
				}
			}
		}

		if len(user) > 40 || len(pass) > 40 {
			return // past httpBasicMax once escaped
		}
		form := url.Values{"username": {user}, "password": {pass}, "submit": {"Log In"}}.Encode()
		js, err := json.Marshal(map[string]any{"data": map[string]string{"user": user, "password": pass}})
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range []struct {
			kind bodyKind
			body []byte
		}{{bodyForm, []byte(form)}, {bodyJSON, js}} {
			wantUser, wantPass := user, pass
			if b.kind == bodyJSON {
				// encoding/json stores invalid UTF-8 as U+FFFD:
				// what it reads back is what was sent.
				var back struct {
					Data struct{ User, Password string }
				}
				if err := json.Unmarshal(b.body, &back); err != nil {
					t.Fatal(err)
				}
				wantUser, wantPass = back.Data.User, back.Data.Password
			}
			u, p, ok, sent := loginBodyPair(b.kind, b.body, true, false, ub[:], pb[:])
			if !ok || !sent || string(u) != wantUser || string(p) != wantPass {
				t.Fatalf("%s: got %q, %q, %t, %t; want %q, %q", b.body, u, p, ok, sent, wantUser, wantPass)
			}
		}
	})
}

// httpChunkedRequest is a script's streamed fetch of a login: the body in
// chunks of the given sizes (RFC 9112 §7.1), with a chunk extension on
// the first and a trailer field, as the grammar allows.
func httpChunkedRequest(contentType, body string, sizes ...int) []byte {
	var b strings.Builder
	b.WriteString("POST /api/login HTTP/1.1\r\nHost: 10.1.2.200\r\nUser-Agent: Mozilla/5.0\r\n" +
		"Content-Type: " + contentType + "\r\nTransfer-Encoding: chunked\r\n\r\n")
	for i, n := range sizes {
		n = min(n, len(body))
		b.WriteString(strconv.FormatInt(int64(n), 16))
		if i == 0 {
			b.WriteString(";name=first")
		}
		b.WriteString("\r\n" + body[:n] + "\r\n")
		body = body[n:]
	}
	b.WriteString("0\r\nX-Trace: 1\r\n\r\n")
	return []byte(b.String())
}

// TestHTTPChunkedLogin reads logins sent with a chunked body: the fields
// split across chunks, and the body split across segments, where the
// dissector waits for the last chunk.
func TestHTTPChunkedLogin(t *testing.T) {
	for _, tc := range []struct {
		name, ctype, body string
		sizes             []int
		want              string // credential fact, "" for none
	}{
		{"JSONOneChunk", jsonType, `{"username":"admin","password":"admin"}`, []int{100}, "http default account admin"},
		{"JSONFieldSplit", jsonType, `{"username":"admin","password":"admin"}`, []int{7, 19, 3, 100}, "http default account admin"},
		{"FormSplit", formType, "username=admin&password=admin", []int{12, 12, 12}, "http default account admin"},
		{"NotDefault", formType, "username=admin&password=Zq8!t0pS", []int{10, 40}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client := httpChunkedRequest(tc.ctype, tc.body, tc.sizes...)
			mid := len(client) - 20
			c, _ := streamFeed(t, HTTP, 80, client, []byte(httpFormResponse),
				[][2]int{{mid, 0}, {len(client), 0}, {len(client), len(httpFormResponse)}})
			c.has(t, cleartextPasswordFact, passwordForm)
			if tc.want == "" {
				c.lacks(t, credentialFact)
			} else {
				c.has(t, credentialFact, tc.want)
			}
		})
	}
	// Before the last chunk the dissector waits: the password may be in it.
	client := httpChunkedRequest(formType, "username=admin&password=admin", 15, 100)
	s := &Stream{Client: testClientEP, ClientData: client[:len(client)-30]}
	s.Server.Port = 80
	col := &collector{}
	if st := HTTP.Parse(s, col); st != Mine {
		t.Errorf("body half in: status = %s, want Mine", statusName(st))
	}
	col.lacks(t, cleartextPasswordFact)
}

func TestHTTPDechunk(t *testing.T) {
	body := []byte("4\r\nuser\r\n1;x=y\r\n=\r\n5\r\nadmin\r\n0\r\n\r\n")
	var dst [16]byte
	if n, trunc := httpDechunk(dst[:], body); string(dst[:n]) != "user=admin" || trunc {
		t.Errorf("dechunk = %q, truncated %v", dst[:n], trunc)
	}
	if n, trunc := httpDechunk(dst[:6], body); string(dst[:n]) != "user=a" || !trunc {
		t.Errorf("into 6 bytes: %q, truncated %v", dst[:n], trunc)
	}
	if n, _ := httpDechunk(dst[:], body[:17]); string(dst[:n]) != "user=" {
		t.Errorf("partial body: %q", dst[:n])
	}
	if n, _ := httpDechunk(dst[:], []byte("zz\r\nabc")); n != 0 {
		t.Errorf("bad framing copied %d bytes", n)
	}
}
