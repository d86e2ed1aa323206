package proto

import (
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// A browser using a device's web interface over one kept-alive connection,
// as Firefox does: it fetches the login page, then posts the login (or, for
// HTTP Basic, retries after the 401 with credentials).
const (
	httpPageRequest = "GET /login.html HTTP/1.1\r\nHost: 10.1.2.200\r\n" +
		"User-Agent: Mozilla/5.0\r\nAccept: text/html\r\n\r\n"
	httpPageBody = "<html><head><title>Device Login</title></head>" +
		"<body><form method=\"post\" action=\"/goform/formLogin\"></form></body></html>"
	http401 = "HTTP/1.1 401 Unauthorized\r\nServer: GoAhead-Webs\r\n" +
		"WWW-Authenticate: Basic realm=\"Pump Gateway\"\r\nContent-Length: 0\r\n\r\n"
)

// httpPageResponse is the device's answer with its login page; extra
// headers go before the framing.
func httpPageResponse(extra string) string {
	return "HTTP/1.1 200 OK\r\nServer: GoAhead-Webs\r\n" + extra +
		"Content-Type: text/html\r\nContent-Length: " + strconv.Itoa(len(httpPageBody)) + "\r\n\r\n" + httpPageBody
}

func TestHTTPKeepAlive(t *testing.T) {
	host := streamFact{'s', "http.host", "10.1.2.200"}
	agent := streamFact{'c', "http.user_agent", "Mozilla/5.0"}
	server := streamFact{'s', "http.server", "GoAhead-Webs"}
	title := streamFact{'s', "http.title", "Device Login"}
	page := []streamFact{host, agent, server, title}
	form := streamFact{'s', cleartextPasswordFact, passwordForm}
	basic := streamFact{'s', cleartextPasswordFact, passwordBasic}
	realm := streamFact{'s', "http.auth_realm", "Pump Gateway"}
	with := func(fs []streamFact, more ...streamFact) []streamFact { return append(slices.Clone(fs), more...) }
	own := func(user, pass string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
	}
	gets := strings.Repeat("GET /img/logo.png HTTP/1.1\r\nHost: 10.1.2.200\r\n\r\n", httpMaxRequests-1)
	notModified := strings.Repeat("HTTP/1.1 304 Not Modified\r\n\r\n", httpMaxRequests-1)
	upload := strings.Repeat("\x00\x01", 1000)
	cases := []streamCase{
		{
			// The login comes in the second request: split at any
			// point after the first exchange, it is still read.
			name:   "LoginAfterPage",
			port:   80,
			client: []byte(httpPageRequest + string(httpFormRequest("/goform/formLogin", formType, "username=admin&password=admin"))),
			server: []byte(httpPageResponse("") + httpFormResponse),
			status: Mine,
			want:   with(page, form, streamFact{'s', credentialFact, "http default account admin"}),
		},
		{
			// A password of the user's own: sent in the clear all the
			// same, and no default.
			name:   "OwnFormLogin",
			port:   80,
			client: []byte(httpPageRequest + string(httpFormRequest("/goform/formLogin", formType, "username=biomed&password=Kx9-long-local-secret"))),
			server: []byte(httpPageResponse("") + httpFormResponse),
			status: Mine,
			want:   with(page, form),
		},
		{
			name:   "OwnJSONLogin",
			port:   8080,
			client: []byte(httpPageRequest + string(httpFormRequest("/api/v1/session", jsonType, `{"username":"biomed","password":"Kx9-long-local-secret"}`))),
			server: []byte(httpPageResponse("") + httpFormResponse),
			status: Mine,
			want:   with(page, form),
		},
		{
			// The browser asks for the page, is challenged, and
			// retries with the user's own Basic credentials.
			name:   "OwnBasicAfter401",
			port:   80,
			client: []byte(httpPageRequest + string(httpBasicRequest(own("biomed", "Kx9-long-local-secret")))),
			server: []byte(http401 + httpBasicResponse),
			status: Mine,
			want:   []streamFact{host, agent, server, realm, basic},
		},
		{
			name:   "DefaultBasicAfter401",
			port:   80,
			client: []byte(httpPageRequest + string(httpBasicRequest(own("admin", "admin")))),
			server: []byte(http401 + httpBasicResponse),
			status: Mine,
			want:   []streamFact{host, agent, server, realm, basic, {'s', credentialFact, "http default account admin"}},
		},
		{
			// Pages and images, no credentials: neither fact.
			name:   "NoCredentials",
			port:   80,
			client: []byte(httpPageRequest + gets[:len(gets)/(httpMaxRequests-1)]),
			server: []byte(httpPageResponse("") + notModified[:len(notModified)/(httpMaxRequests-1)]),
			status: Mine,
			want:   page,
		},
		{
			// A login after a large upload on the same connection:
			// the upload's body is skipped to reach it.
			name: "LoginAfterUpload",
			port: 80,
			client: []byte(string(httpFormRequest("/upload.cgi", "application/octet-stream", upload)) +
				string(httpFormRequest("/login.cgi", formType, "txtUser=root&txtPwd=calvin"))),
			server: []byte(httpFormResponse + httpFormResponse),
			status: Mine,
			want:   []streamFact{host, agent, server, form, {'s', credentialFact, "http default account root"}},
		},
		{
			// The client says it will close after this request: no
			// later request to wait for.
			name:   "ClientCloses",
			port:   80,
			client: []byte(strings.Replace(httpPageRequest, "Accept:", "Connection: close\r\nAccept:", 1)),
			server: []byte(httpPageResponse("")),
			status: Done,
			want:   page,
		},
		{
			name:   "ServerCloses",
			port:   80,
			client: []byte(httpPageRequest),
			server: []byte(httpPageResponse("Connection: close\r\n")),
			status: Done,
			want:   page,
		},
		{
			// HTTP/1.0 kept alive on request (RFC 9112 §9.3): followed
			// to the login.
			name: "HTTP10KeepAlive",
			port: 80,
			client: []byte("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" +
				"POST /login.cgi HTTP/1.0\r\nConnection: keep-alive\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
				"Content-Length: 24\r\n\r\nusername=root&password=x"),
			server: []byte("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok" +
				"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok"),
			status: Mine,
			want:   []streamFact{form},
		},
		{
			// The connection turns to WebSocket: what the client sends
			// next is not HTTP.
			name: "Upgrade",
			port: 80,
			client: []byte("GET /ws HTTP/1.1\r\nHost: 10.1.2.200\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n" +
				"\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58"),
			server: []byte("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"),
			status: Done,
			want:   []streamFact{host},
		},
		{
			// Only the first httpMaxRequests requests are read: a
			// login after them is not.
			name: "ErrPastRequestBound",
			port: 80,
			client: []byte(httpPageRequest + gets +
				string(httpFormRequest("/goform/formLogin", formType, "username=admin&password=admin"))),
			server: []byte(httpPageResponse("") + notModified + httpFormResponse),
			status: Done,
			want:   page,
		},
	}
	runStreamCases(t, HTTP, cases)
}

// TestHTTPLoginAfterFirstExchange delivers a session the way the sensor
// sees it: the page's request and answer, then, after a pause, the login
// on the same connection. The dissector must not be Done in between.
func TestHTTPLoginAfterFirstExchange(t *testing.T) {
	client := []byte(httpPageRequest + string(httpFormRequest("/goform/formLogin", formType, "username=admin&password=admin")))
	server := []byte(httpPageResponse("") + httpFormResponse)
	first, firstAnswer := len(httpPageRequest), len(httpPageResponse(""))
	c, st := streamFeed(t, HTTP, 80, client, server, [][2]int{
		{first, 0}, {first, firstAnswer}, {len(client), firstAnswer}, {len(client), len(server)},
	})
	if st != Mine {
		t.Errorf("status = %s, want Mine", statusName(st))
	}
	c.has(t, "http.title", "Device Login")
	c.has(t, cleartextPasswordFact, passwordForm)
	c.has(t, credentialFact, "http default account admin")
}

// TestHTTPKeepAliveEnds checks what ends the wait for later requests
// before the connection closes: the client's side can no longer grow, or a
// gap in it.
func TestHTTPKeepAliveEnds(t *testing.T) {
	page := httpPageRequest
	full := page + "POST /upload.cgi HTTP/1.1\r\nContent-Type: application/octet-stream\r\nContent-Length: " +
		strconv.Itoa(MaxStream) + "\r\n\r\n"
	full += strings.Repeat("x", MaxStream-len(full))
	for _, tc := range []struct {
		name   string
		client string
		gap    bool
		want   Status
	}{
		{"Idle", page, false, Mine},
		{"Gap", page, true, Done},
		{"BodyPastMaxStream", full, false, Done},
		// A later request's head still arriving is waited for.
		{"HeadArriving", page + "GET /a HTTP/1.1\r\nHost:", false, Mine},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &Stream{Client: testClientEP, ClientData: []byte(tc.client), ServerData: []byte(httpPageResponse("")), Gap: tc.gap}
			s.Server.Port = 80
			if st := HTTP.Parse(s, &collector{}); st != tc.want {
				t.Errorf("status = %s, want %s", statusName(st), statusName(tc.want))
			}
		})
	}
}

// TestHTTPCleartextPasswordOnce checks that a pass over a connection
// emits each kind of password once, however many requests carry it: a
// browser sends Basic credentials with every request.
func TestHTTPCleartextPasswordOnce(t *testing.T) {
	req := string(httpBasicRequest("Basic " + base64.StdEncoding.EncodeToString([]byte("biomed:Kx9-long-local-secret"))))
	login := string(httpFormRequest("/login.cgi", formType, "username=biomed&password=Kx9-long-local-secret"))
	s := &Stream{
		Client:     testClientEP,
		ClientData: []byte(req + login + req + login + req),
		ServerData: []byte(strings.Repeat(httpBasicResponse, 5)),
	}
	s.Server.Port = 80
	c := &collector{}
	HTTP.Parse(s, c)
	n := map[string]int{}
	for _, f := range c.facts {
		if f.Fact == cleartextPasswordFact {
			n[f.Value]++
			if f.About != s.Server {
				t.Errorf("%s about %v, want the server", f.Fact, f.About)
			}
		}
	}
	if n[passwordBasic] != 1 || n[passwordForm] != 1 || len(n) != 2 {
		t.Errorf("emitted %v, want basic and form once each", n)
	}
}
