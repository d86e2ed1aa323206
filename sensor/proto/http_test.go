package proto

import (
	"strings"
	"testing"
)

// httpGoogleRequest: pcaps/ndpi/http.pcapng frame 4 (74 bytes), 192.168.1.128:42170 → 216.58.208.142:80.
// tshark: HTTP GET / HTTP/1.1, http.host=google.com, http.user_agent=curl/7.68.0.
const httpGoogleRequest = "GET / HTTP/1.1\r\nHost: google.com\r\nUser-Agent: curl/7.68.0\r\nAccept: */*\r\n\r\n"

// httpGoogleResponse: pcaps/ndpi/http.pcapng frame 6 (528 bytes), the reply.
// tshark: HTTP/1.1 301 Moved Permanently (text/html), http.server=gws, http.content_length=219;
// the body's <TITLE>301 Moved</TITLE>.
const httpGoogleResponse = `
485454502f312e3120333031204d6f766564205065726d616e656e746c790d0a
4c6f636174696f6e3a20687474703a2f2f7777772e676f6f676c652e636f6d2f
0d0a436f6e74656e742d547970653a20746578742f68746d6c3b206368617273
65743d5554462d380d0a446174653a205475652c203235204a616e2032303232
2031363a35303a343120474d540d0a457870697265733a205468752c20323420
46656220323032322031363a35303a343120474d540d0a43616368652d436f6e
74726f6c3a207075626c69632c206d61782d6167653d323539323030300d0a53
65727665723a206777730d0a436f6e74656e742d4c656e6774683a203231390d
0a582d5853532d50726f74656374696f6e3a20300d0a582d4672616d652d4f70
74696f6e733a2053414d454f524947494e0d0a0d0a3c48544d4c3e3c48454144
3e3c6d65746120687474702d65717569763d22636f6e74656e742d7479706522
20636f6e74656e743d22746578742f68746d6c3b636861727365743d7574662d
38223e0a3c5449544c453e333031204d6f7665643c2f5449544c453e3c2f4845
41443e3c424f44593e0a3c48313e333031204d6f7665643c2f48313e0a546865
20646f63756d656e7420686173206d6f7665640a3c4120485245463d22687474
703a2f2f7777772e676f6f676c652e636f6d2f223e686572653c2f413e2e0d0a
3c2f424f44593e3c2f48544d4c3e0d0a`

// httpIPPRequest: pcaps/ndpi/ipp.pcap frames 6 and 7 (430 bytes), 10.10.10.49:55341 → 10.10.10.251:631.
// tshark: POST /ipp/ HTTP/1.1 with Expect: 100-continue, http.user_agent=CUPS/1.3.4,
// http.host=10.10.10.251, then IPP Request (Get-Printer-Attributes), Content-Length 289.
const httpIPPRequest = `
504f5354202f6970702f20485454502f312e310d0a436f6e74656e742d4c656e
6774683a203238390d0a436f6e74656e742d547970653a206170706c69636174
696f6e2f6970700d0a486f73743a2031302e31302e31302e3235310d0a557365
722d4167656e743a20435550532f312e332e340d0a4578706563743a20313030
2d636f6e74696e75650d0a0d0a0101000b000000010147001261747472696275
7465732d6368617273657400057574662d3848001b617474726962757465732d
6e61747572616c2d6c616e67756167650005656e2d757345000b7072696e7465
722d757269001b6970703a2f2f31302e31302e31302e3235313a3633312f6970
702f4400147265717565737465642d617474726962757465730010636f706965
732d737570706f727465644400000019646f63756d656e742d666f726d61742d
737570706f7274656444000000197072696e7465722d69732d61636365707469
6e672d6a6f6273440000000d7072696e7465722d737461746544000000157072
696e7465722d73746174652d6d65737361676544000000157072696e7465722d
73746174652d726561736f6e7303`

// httpIPPResponse: pcaps/ndpi/ipp.pcap frames 9, 11, 13 and 15 (501 bytes), the printer's replies.
// tshark: HTTP/1.1 100 Continue; HTTP/1.1 200 OK, http.server=Virata-EmWeb/R6_2_1,
// Transfer-Encoding: chunked, then IPP Response (successful-ok) in a 0x13b-byte chunk and the last chunk.
const httpIPPResponse = `
485454502f312e312031303020436f6e74696e75650d0a0d0a485454502f312e
3120323030204f4b0d0a5365727665723a205669726174612d456d5765622f52
365f325f310d0a5472616e736665722d456e636f64696e673a206368756e6b65
640d0a436f6e74656e742d547970653a206170706c69636174696f6e2f697070
0d0a43616368652d436f6e74726f6c3a206d61782d6167653d333630302c2070
75626c69630d0a0d0a30303030303133620d0a01010000000000010147001261
7474726962757465732d6368617273657400057574662d3848001b6174747269
62757465732d6e61747572616c2d6c616e67756167650005656e2d7573042300
0d7072696e7465722d73746174650004000000034400157072696e7465722d73
746174652d726561736f6e7300046e6f6e65490019646f63756d656e742d666f
726d61742d737570706f72746564000a746578742f706c61696e490000001c74
6578742f706c61696e3b20636861727365743d55532d41534349494900000016
6170706c69636174696f6e2f706f737473637269707449000000166170706c69
636174696f6e2f766e642e68702d50434c49000000186170706c69636174696f
6e2f6f637465742d73747265616d2200197072696e7465722d69732d61636365
7074696e672d6a6f6273000101030d0a300d0a0d0a`

// httpDeviceLogin is a device web server asking for credentials, with the
// challenge of RFC 7617 §2 and a client that sends what must never be
// emitted: a query string, a cookie and credentials.
const (
	httpDeviceLoginRequest = "GET /cgi-bin/status?patient=12345&bed=7 HTTP/1.1\r\n" +
		"Host: pump-gw-3.ward7.example:8080\r\n" +
		"User-Agent: Mozilla/5.0 (Windows NT 6.1; Trident/7.0; rv:11.0) like Gecko\r\n" +
		"Cookie: session=4f2a9c\r\n" +
		"Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n\r\n"
	httpDeviceLoginResponse = "HTTP/1.1 401 Unauthorized\r\n" +
		"Server: GoAhead-Webs\r\n" +
		"X-Powered-By: PHP/5.2.17\r\n" +
		"WWW-Authenticate: Basic realm=\"WallyWorld\"\r\n" +
		"Content-Type: text/html\r\n" +
		"Content-Length: 77\r\n\r\n" +
		"<html><head><title>401 Unauthorized</title></head><body>Denied</body></html>\n"
)

// httpDigestResponse carries the Digest challenge of RFC 7616 §3.9.1.
const httpDigestResponse = "HTTP/1.1 401 Unauthorized\r\n" +
	"WWW-Authenticate: Digest\r\n" +
	"    realm=\"http-auth@example.org\",\r\n" +
	"    qop=\"auth, auth-int\",\r\n" +
	"    algorithm=SHA-256\r\n" +
	"WWW-Authenticate: Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=MD5, " +
	"nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"\r\n" +
	"Content-Length: 0\r\n\r\n"

func TestHTTP(t *testing.T) {
	// An HTTP/1.1 connection is kept alive unless a side says otherwise,
	// so the dissector waits (Mine) for further requests until it
	// closes; an HTTP/1.0 one ends with its exchange (Done).
	longTitle := "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n" +
		"400\r\n<!DOCTYPE html>\n<html><head>" + strings.Repeat("<meta name=\"x\" content=\"y\">\n", 20) +
		"<TITLE>Philips IntelliVue Information Center &amp; Gateway</TITLE>"
	runStreamCases(t, HTTP, []streamCase{
		{
			name:   "Google",
			port:   80,
			client: []byte(httpGoogleRequest),
			server: unhex(t, httpGoogleResponse),
			status: Mine,
			want: []streamFact{
				{'c', "http.user_agent", "curl/7.68.0"},
				{'s', "http.host", "google.com"},
				{'s', "http.server", "gws"},
				{'s', "http.title", "301 Moved"},
			},
		},
		{
			// 100 Continue, then a chunked response.
			name:   "IPP",
			port:   631,
			client: unhex(t, httpIPPRequest),
			server: unhex(t, httpIPPResponse),
			status: Mine,
			want: []streamFact{
				{'c', "http.user_agent", "CUPS/1.3.4"},
				{'s', "http.host", "10.10.10.251"},
				{'s', "http.server", "Virata-EmWeb/R6_2_1"},
			},
		},
		{
			name:   "DeviceLogin",
			port:   8080,
			client: []byte(httpDeviceLoginRequest),
			server: []byte(httpDeviceLoginResponse),
			status: Mine,
			want: []streamFact{
				{'c', "http.user_agent", "Mozilla/5.0 (Windows NT 6.1; Trident/7.0; rv:11.0) like Gecko"},
				{'s', "http.host", "pump-gw-3.ward7.example"},
				{'s', "http.server", "GoAhead-Webs"},
				{'s', "http.powered_by", "PHP/5.2.17"},
				{'s', "http.auth_realm", "WallyWorld"},
				{'s', "http.title", "401 Unauthorized"},
				{'s', cleartextPasswordFact, passwordBasic},
			},
		},
		{
			name:   "Digest",
			port:   80,
			client: []byte("GET /dir/index.html HTTP/1.1\r\nHost: [fe80::1]:80\r\n\r\n"),
			server: []byte(httpDigestResponse),
			status: Mine,
			want: []streamFact{
				{'s', "http.host", "fe80::1"},
				{'s', "http.auth_realm", "http-auth@example.org"},
			},
		},
		{
			// The title comes from the chunked body, past the first
			// segment, and is unescaped.
			name:   "LongHead",
			port:   80,
			client: []byte("GET / HTTP/1.0\r\n\r\n"),
			server: []byte(longTitle),
			status: Done,
			want:   []streamFact{{'s', "http.title", "Philips IntelliVue Information Center & Gateway"}},
		},
		{
			// A compressed body is not read.
			name:   "Gzip",
			port:   80,
			client: []byte("GET / HTTP/1.1\r\nHost: b\r\n\r\n"),
			server: []byte("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\n\x1f\x8b\x08\x00"),
			status: Mine,
			want:   []streamFact{{'s', "http.host", "b"}},
		},
		{
			// The body runs to the end of the connection: the title
			// is waited for until it comes.
			name:   "UntilClose",
			port:   80,
			client: []byte("GET / HTTP/1.0\r\n\r\n"),
			server: []byte("HTTP/1.0 200 OK\r\nServer: Boa/0.94.13\r\n\r\n<html><head><title>Web Image Monitor</title>"),
			status: Done,
			want: []streamFact{
				{'s', "http.server", "Boa/0.94.13"},
				{'s', "http.title", "Web Image Monitor"},
			},
		},
		{
			name:   "ServerOnly",
			port:   8000,
			server: []byte("HTTP/1.1 204 No Content\r\nServer: nginx/1.18.0\r\n\r\n"),
			status: Mine,
			want:   []streamFact{{'s', "http.server", "nginx/1.18.0"}},
		},
		{
			name:   "ErrRTSP",
			port:   554,
			client: []byte("OPTIONS rtsp://cam/stream RTSP/1.0\r\nCSeq: 1\r\n\r\n"),
			status: NotMine,
		},
		{
			name:   "ErrSIP",
			port:   5060,
			client: []byte("OPTIONS sip:alice@example.com SIP/2.0\r\n\r\n"),
			status: NotMine,
		},
		{
			name:   "ErrTLS",
			port:   80,
			client: unhex(t, openssl13Client),
			status: NotMine,
		},
		{
			name:   "ErrFTP",
			port:   80,
			client: []byte(ftpUser),
			server: []byte(ftpGreeting),
			status: NotMine,
		},
	})
}

// TestHTTPPipelined checks that the dissector reads the requests and
// responses that are already there when it first sees a complete exchange,
// and that a response to HEAD has no body.
func TestHTTPPipelined(t *testing.T) {
	client := "HEAD / HTTP/1.1\r\nHost: a\r\nUser-Agent: probe/1\r\n\r\n" +
		"GET / HTTP/1.1\r\nHost: a\r\nUser-Agent: probe/2\r\n\r\n"
	server := "HTTP/1.1 200 OK\r\nServer: one\r\nContent-Length: 5\r\n\r\n" +
		"HTTP/1.1 200 OK\r\nServer: two\r\nContent-Length: 5\r\n\r\nhello"
	c, st := streamFeed(t, HTTP, 80, []byte(client), []byte(server), stepsWhole(len(client), len(server)))
	if st != Mine {
		t.Errorf("status = %s, want Mine (kept alive)", statusName(st))
	}
	checkStreamFacts(t, "whole", c, streamCase{port: 80, want: []streamFact{
		{'c', "http.user_agent", "probe/1"},
		{'c', "http.user_agent", "probe/2"},
		{'s', "http.host", "a"},
		{'s', "http.server", "one"},
		{'s', "http.server", "two"},
	}})
}

func TestHTTPRealm(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"Basic", `Basic realm="WallyWorld"`, "WallyWorld"},
		{"BasicCharset", `Basic realm="foo", charset="UTF-8"`, "foo"},
		{"DigestLater", `Digest qop="auth", realm="r1"`, "r1"},
		{"Token", `Basic realm=simple`, "simple"},
		{"NotARealm", `Digest xrealm="no", realm="yes"`, "yes"},
		{"Negotiate", `Negotiate`, ""},
		{"Bearer", `Bearer realm="example"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(httpRealm([]byte(tt.in))); got != tt.want {
				t.Errorf("httpRealm(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzHTTP runs HTTP over arbitrary conversations; see fuzzStreamInput.
func FuzzHTTP(f *testing.F) {
	f.Add(fuzzStreamSeed(0, []byte(httpGoogleRequest), unhex(f, httpGoogleResponse)))
	f.Add(fuzzStreamSeed(0, unhex(f, httpIPPRequest), unhex(f, httpIPPResponse)))
	f.Add(fuzzStreamSeed(1, []byte(httpDeviceLoginRequest), []byte(httpDeviceLoginResponse)))
	f.Add(fuzzStreamSeed(0, []byte("GET / HTTP/1.1\r\n\r\n"), []byte(httpDigestResponse)))
	f.Add(fuzzStreamSeed(0, nil, []byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n<titl\r\n0\r\n\r\n")))
	// Kept alive: a page, then a login on the same connection.
	f.Add(fuzzStreamSeed(0, []byte(httpPageRequest+string(httpFormRequest("/login.cgi", formType, "user=a&pwd=b"))),
		[]byte(httpPageResponse("")+httpFormResponse)))
	f.Add(fuzzStreamSeed(0, []byte(httpPageRequest+string(httpBasicRequest("Basic YTpi"))), []byte(http401+httpBasicResponse)))
	f.Add(fuzzStreamSeed(0, httpChunkedRequest(jsonType, `{"username":"admin","password":"admin"}`, 9, 9, 100), []byte(httpFormResponse)))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzStreamInput(t, HTTP, data)
	})
}
