package proto

import (
	"bytes"
	"html"

	"github.com/cordonsec/cordon"
)

// HTTP recognises HTTP/1.x by its request line ("GET /x HTTP/1.1") or, when
// only the server's side was captured, its status line. From the first
// requests it emits http.user_agent about the client and http.host about the
// server; from the first responses http.server, http.powered_by,
// http.auth_realm (WWW-Authenticate Basic or Digest) and http.title (the
// <title> near the start of an HTML body) about the server.
//
// Requests and responses may hold patient data or secrets, so the dissector
// never emits a target URL or query string, a Cookie, an Authorization
// value or any body other than an HTML title. A Basic Authorization, and
// the user and password fields of a login form's body, are only matched
// against the known defaults for credential.default (httpBasicLogin,
// credentials.go; httpFormLogin, credentials_form.go), and their presence
// alone is told by http.cleartext_password (httprequests.go).
//
// A connection kept alive is followed past its first exchange, for up to
// httpMaxRequests requests, because the login a page asks for comes in a
// later request on the same connection (httprequests.go).
var HTTP = StreamDissector{
	Name:  "http",
	Ports: []uint16{80, 8080, 8000, 8008, 8888, 591},
	Parse: parseHTTP,
}

const (
	// httpMaxHead bounds a request or response head (start line and
	// headers); servers commonly refuse larger ones.
	httpMaxHead = 16 << 10
	// httpMaxResponses is how many final responses are read from the
	// start of a connection: what the server says about itself is in the
	// first ones.
	httpMaxResponses = 4
	// httpTitleWindow is how far into an HTML body a <title> is looked
	// for.
	httpTitleWindow = 4 << 10
	httpMaxMethod   = 20
)

func parseHTTP(s *Stream, e Emitter) Status {
	var st Status
	if len(s.ClientData) > 0 {
		st = httpRequestStart(s.ClientData, s.Closed)
	} else {
		st = httpResponseStart(s.ServerData, s.Closed)
	}
	if st != Mine {
		return st
	}
	var heads [httpMaxResponses]bool
	var pw httpPasswords
	client := httpRequests(s, e, &heads, &pw)
	read, last := httpResponses(s, e, &heads)
	pw.emit(e, s.Server)
	switch {
	case s.Closed:
		return Done
	case client == clientReading || !read:
		return Mine
	case client == clientIdle && !last:
		// Kept alive: the client may still post a login.
		return Mine
	}
	return Done
}

// httpRequestStart checks the request line at the start of b: a method
// token, a target, "HTTP/1.x". It returns Undecided while the line is
// incomplete and could still be one.
func httpRequestStart(b []byte, closed bool) Status {
	more := Undecided
	if closed {
		more = NotMine
	}
	i := 0
	for ; i < len(b) && b[i] != ' '; i++ {
		if c := b[i]; !(c >= 'A' && c <= 'Z' || c == '-' || c == '_') || i == httpMaxMethod {
			return NotMine
		}
	}
	if i == len(b) {
		return more
	}
	if i == 0 {
		return NotMine
	}
	j := i + 1
	for ; j < len(b) && b[j] != ' '; j++ {
		if c := b[j]; c <= ' ' || c == 0x7f || j-i > httpMaxHead {
			return NotMine
		}
	}
	if j == len(b) {
		return more
	}
	if j == i+1 {
		return NotMine
	}
	v := b[j+1:]
	const version = "HTTP/1.x\r\n"
	for k := 0; k < len(version); k++ {
		if k == len(v) {
			return more
		}
		switch c := v[k]; {
		case k == 7:
			if !isDigitByte(c) {
				return NotMine
			}
		case k == 8 && c == '\n':
			return Mine
		case c != version[k]:
			return NotMine
		}
	}
	return Mine
}

// httpResponseStart checks the status line at the start of b as far as
// "HTTP/1.x ddd".
func httpResponseStart(b []byte, closed bool) Status {
	const prefix = "HTTP/1."
	if !prefixOf(b, prefix) {
		return NotMine
	}
	for k := len(prefix); k < min(len(b), 12); k++ {
		c := b[k]
		switch {
		case k == 8 && c != ' ':
			return NotMine
		case k != 8 && !isDigitByte(c):
			return NotMine
		}
	}
	if len(b) < 12 {
		if closed {
			return NotMine
		}
		return Undecided
	}
	return Mine
}

// httpHead splits off the head of the message at the start of b. It
// returns the start line, the header lines and the offset of the body, or
// ok false while the head is incomplete. A head longer than httpMaxHead is
// cut there, its last partial line dropped.
func httpHead(b []byte) (start, headers []byte, body int, ok bool) {
	w := b[:min(len(b), httpMaxHead)]
	end, n := bytes.Index(w, []byte("\r\n\r\n")), 4
	if i := bytes.Index(w, []byte("\n\n")); i >= 0 && (end < 0 || i < end) {
		end, n = i, 2
	}
	if end < 0 {
		if len(b) < httpMaxHead {
			return nil, nil, 0, false
		}
		end, n = bytes.LastIndexByte(w, '\n'), 1
		if end < 0 {
			return nil, nil, 0, false
		}
	}
	head := w[:end]
	line, rest, _ := bytes.Cut(head, []byte("\n"))
	return bytes.TrimSuffix(line, []byte("\r")), rest, end + n, true
}

// httpHeader splits the first header line off h, skipping obsolete folded
// continuation lines. name is empty for a line without a colon.
func httpHeader(h []byte) (name, value, rest []byte) {
	line, rest, _ := bytes.Cut(h, []byte("\n"))
	for len(rest) > 0 && (rest[0] == ' ' || rest[0] == '\t') {
		_, rest, _ = bytes.Cut(rest, []byte("\n"))
	}
	name, value, ok := bytes.Cut(line, []byte(":"))
	if !ok {
		return nil, nil, rest
	}
	return name, bytes.TrimSpace(value), rest
}

// httpFields holds what the dissector reads from a message head. The
// slices point into the stream's bytes and live only for one call.
type httpFields struct {
	contentLength    []byte
	transferEncoding []byte
	contentType      []byte
	contentEncoding  []byte
	connection       []byte
	// basic is set when a request carries Basic credentials, in an
	// Authorization or a Proxy-Authorization header.
	basic bool
}

// httpScan walks the headers of a request or a response, emits the facts
// they hold and returns the headers that frame the body and the
// connection.
func httpScan(h []byte, e Emitter, s *Stream, response bool) httpFields {
	var f httpFields
	for len(h) > 0 {
		var name, value []byte
		name, value, h = httpHeader(h)
		switch {
		case len(name) == 0:
		case bytes.EqualFold(name, []byte("Content-Length")):
			f.contentLength = value
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			f.transferEncoding = value
		case bytes.EqualFold(name, []byte("Content-Type")):
			f.contentType = value
		case bytes.EqualFold(name, []byte("Content-Encoding")):
			f.contentEncoding = value
		case bytes.EqualFold(name, []byte("Connection")):
			f.connection = value
		case !response && bytes.EqualFold(name, []byte("User-Agent")):
			httpEmit(e, s.Client, "http.user_agent", value)
		case !response && bytes.EqualFold(name, []byte("Authorization")):
			f.basic = f.basic || httpBasic(value)
			httpBasicLogin(e, s.Server, value)
		case !response && bytes.EqualFold(name, []byte("Proxy-Authorization")):
			// Credentials for a proxy: the server of this connection.
			f.basic = f.basic || httpBasic(value)
		case !response && bytes.EqualFold(name, []byte("Host")):
			httpEmit(e, s.Server, "http.host", httpHostName(value))
		case response && bytes.EqualFold(name, []byte("Server")):
			httpEmit(e, s.Server, "http.server", value)
		case response && bytes.EqualFold(name, []byte("X-Powered-By")):
			httpEmit(e, s.Server, "http.powered_by", value)
		case response && bytes.EqualFold(name, []byte("WWW-Authenticate")):
			httpEmit(e, s.Server, "http.auth_realm", httpRealm(value))
		}
	}
	return f
}

// httpEmit emits fact=value unless value is empty after cleaning.
func httpEmit(e Emitter, ep cordon.Endpoint, fact string, value []byte) {
	if v := Clean(value); v != "" {
		e.Emit(ep, fact, v)
	}
}

// httpResponses reads the first responses of the server. read reports
// whether the first final response has been read as far as the dissector
// wants: its head and, for HTML, its title or enough of its body to know
// there is none. last reports that a response read ends HTTP on the
// connection: the server closes it after the response (Connection: close,
// HTTP/1.0 not kept alive, a body that runs to the close) or turns it to
// another protocol (101), so no later request will come.
func httpResponses(s *Stream, e Emitter, heads *[httpMaxResponses]bool) (read, last bool) {
	b := s.ServerData
	final := 0
	for k := 0; k < 2*httpMaxResponses && final < httpMaxResponses; k++ {
		if httpResponseStart(b, true) != Mine {
			return final > 0, last
		}
		start, hdr, off, ok := httpHead(b)
		if !ok {
			return false, last
		}
		if len(start) < 12 {
			return final > 0, last // cannot happen: httpResponseStart saw 12 bytes
		}
		code := int(start[9]-'0')*100 + int(start[10]-'0')*10 + int(start[11]-'0')
		f := httpScan(hdr, e, s, true)
		body := b[off:]
		switch {
		case code == 101:
			return true, true // the connection now speaks another protocol
		case code >= 100 && code < 200:
			b = body // interim response: no body
			continue
		}
		last = last || !httpPersistent(start[7], f.connection)
		size, known := httpBodyLen(f, body, true)
		if code == 204 || code == 304 || heads[final] {
			size, known = 0, true
		}
		pending := false
		whole := known && size <= len(body)
		limit := len(body)
		if known {
			limit = min(limit, size)
		}
		switch isHTML := httpIsHTML(f, body[:limit]); {
		case size == 0 && known, isHTML == NotMine:
		case isHTML == Undecided:
			pending = final == 0 && !whole && !s.Closed
		default:
			title, st := httpTitle(body[:limit], whole)
			switch {
			case st == Mine:
				httpEmit(e, s.Server, "http.title", []byte(html.UnescapeString(string(title))))
			case st == Undecided && final == 0 && !s.Closed:
				pending = true
			}
		}
		final++
		if !known {
			return !pending, true // the body ends with the connection
		}
		if size > len(body) {
			return !pending, last
		}
		b = body[size:]
	}
	return true, last
}

// httpRealm returns the realm parameter of a Basic or Digest challenge
// (RFC 7617, RFC 7616), or nil.
func httpRealm(v []byte) []byte {
	if !hasPrefixFold(v, "BASIC ") && !hasPrefixFold(v, "DIGEST ") {
		return nil
	}
	for i := 0; ; {
		k := indexFold(v[i:], "REALM=")
		if k < 0 {
			return nil
		}
		k += i
		i = k + len("realm=")
		if c := v[k-1]; c != ' ' && c != ',' && c != '\t' {
			continue // a parameter that merely ends in "realm"
		}
		r := v[i:]
		if len(r) > 0 && r[0] == '"' {
			r = r[1:]
			if q := bytes.IndexByte(r, '"'); q >= 0 {
				r = r[:q]
			}
			return r
		}
		if q := bytes.IndexAny(r, ", \t"); q >= 0 {
			r = r[:q]
		}
		return r
	}
}

// httpHostName returns the host of a Host header without its port, and an
// IPv6 literal without its brackets.
func httpHostName(v []byte) []byte {
	if len(v) > 0 && v[0] == '[' {
		if i := bytes.IndexByte(v, ']'); i > 0 {
			return v[1:i]
		}
		return v
	}
	if i := bytes.LastIndexByte(v, ':'); i >= 0 && bytes.IndexByte(v[:i], ':') < 0 {
		return v[:i]
	}
	return v
}
