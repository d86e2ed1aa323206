package proto

import (
	"bytes"

	"github.com/cordonsec/cordon"
)

// This file reads the client's side of an HTTP connection for http.go: the
// requests, whether a password crossed in them, and how long a connection
// kept alive is followed.
//
// A device's web interface is used over one kept-alive connection: the
// browser fetches the login page, perhaps its script and style, then posts
// the login, or retries a request with Basic credentials after a 401. So the
// dissector does not stop at the first exchange: it reads up to
// httpMaxRequests requests, as long as the connection stays open for more
// (HTTP/1.1, or HTTP/1.0 with keep-alive, and no "Connection: close" from
// either side). That costs nothing the sensor does not already bound: the
// stream holds at most MaxStream bytes of each direction, and each pass
// re-reads at most httpMaxRequests heads and login bodies.

const (
	// httpMaxRequests is how many requests are read from the start of a
	// connection: a login page, a few of its assets and the login.
	httpMaxRequests = 8
	// cleartextPasswordFact is emitted about a server that was sent a
	// password over HTTP, valued passwordBasic or passwordForm.
	cleartextPasswordFact = "http.cleartext_password"
	passwordBasic         = "basic"
	passwordForm          = "form"
)

// httpClient is how far httpRequests got with the client's side.
type httpClient uint8

const (
	// clientReading: the first request's head, a later request's head
	// or the body of a request that may be a login is still arriving.
	clientReading httpClient = iota
	// clientIdle: every request so far has been read and the connection,
	// kept alive, may carry another that would be read.
	clientIdle
	// clientDone: nothing more will be read from the client.
	clientDone
)

// httpPasswords records which kinds of password crossed a connection, so
// that each is emitted once per pass over it, however many requests carry
// it (a browser sends Basic credentials with every request).
type httpPasswords struct {
	basic, form bool
}

// emit tells, about server, which kinds of password it was sent: only the
// kind, never a value, a user name or the request's target.
func (p httpPasswords) emit(e Emitter, server cordon.Endpoint) {
	if p.basic {
		e.Emit(server, cleartextPasswordFact, passwordBasic)
	}
	if p.form {
		e.Emit(server, cleartextPasswordFact, passwordForm)
	}
}

// httpRequests reads the client's requests, up to httpMaxRequests of them,
// and records in heads which of the first were HEAD requests, whose
// responses have no body, and in pw the passwords they carried. It reports
// whether the client may still bring something to read.
func httpRequests(s *Stream, e Emitter, heads *[httpMaxResponses]bool, pw *httpPasswords) httpClient {
	b := s.ClientData
	// full: the client's side will not grow, so waiting for it is vain.
	// A gap in either direction also ends the wait for further requests:
	// bytes after a gap are never delivered.
	full := len(s.ClientData) >= MaxStream
	reading, idle := clientReading, clientIdle
	if full {
		reading = clientDone
	}
	if full || s.Gap {
		idle = clientDone
	}
	persistent := false
	for n := 0; n < httpMaxRequests; n++ {
		switch httpRequestStart(b, false) {
		case NotMine:
			return clientDone // another protocol follows (a CONNECT tunnel)
		case Undecided:
			switch {
			case n == 0:
				return reading
			case persistent:
				return idle
			}
			return clientDone
		}
		start, hdr, off, ok := httpHead(b)
		if !ok {
			return reading
		}
		if n < len(heads) {
			heads[n] = bytes.HasPrefix(start, []byte("HEAD "))
		}
		f := httpScan(hdr, e, s, false)
		pw.basic = pw.basic || f.basic
		// httpRequestStart saw "HTTP/1.x" end the line.
		persistent = len(start) > 0 && httpPersistent(start[len(start)-1], f.connection)
		size, known := httpBodyLen(f, b[off:], false)
		ready, form := httpFormLogin(e, s, start, f, b[off:], size, known)
		pw.form = pw.form || form
		switch {
		case !ready:
			return reading // a login form's body still arriving
		case !known:
			return clientDone // a body whose end cannot be found
		case size > len(b)-off:
			// Another body still arriving: a later request follows it
			// only if it ends within what the stream keeps.
			if persistent && len(s.ClientData)-len(b)+off+size < MaxStream {
				return idle
			}
			return clientDone
		}
		b = b[off+size:]
	}
	return clientDone
}

// httpPersistent reports whether a message of HTTP/1.minor with this
// Connection header leaves the connection open for another request (RFC
// 9112 §9.3): "close" ends it; otherwise HTTP/1.1 keeps it open, and
// HTTP/1.0 only with "keep-alive".
func httpPersistent(minor byte, connection []byte) bool {
	switch {
	case containsFold(connection, "CLOSE"):
		return false
	case minor >= '1':
		return true
	}
	return containsFold(connection, "KEEP-ALIVE")
}

// httpBasic reports whether the value of an Authorization header holds
// Basic credentials (RFC 7617), whatever they decode to.
func httpBasic(value []byte) bool {
	return hasPrefixFold(value, "BASIC ") && len(bytes.TrimSpace(value[len("BASIC "):])) > 0
}
