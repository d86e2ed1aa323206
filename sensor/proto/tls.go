package proto

// TLS recognises TLS (and SSL 3.0, and the SSL 2.0 compatible ClientHello)
// by its first handshake record. From the ClientHello it emits tls.sni about
// the server and tls.client_version and tls.ja4 about the client; from the
// server's Certificate message, sent in clear up to TLS 1.2, the leaf
// certificate's tls.cert_subject, tls.cert_issuer and tls.cert_san about the
// server. Handshake messages are reassembled across records and segments.
// Application data is never read.
var TLS = StreamDissector{
	Name:  "tls",
	Ports: []uint16{443, 8443, 636, 993, 995, 465, 5061},
	Parse: parseTLS,
}

// TLS record content types and handshake message types (RFC 8446 §5.1,
// §4).
const (
	tlsRecordHandshake = 22

	tlsClientHello     = 1
	tlsServerHello     = 2
	tlsCertificate     = 11
	tlsServerHelloDone = 14
)

// TLS extension types (IANA registry) the dissector reads.
const (
	tlsExtServerName        = 0
	tlsExtSignatureAlgs     = 13
	tlsExtALPN              = 16
	tlsExtSupportedVersions = 43
)

// tlsMaxRecord is the largest record length allowed on the wire (RFC 8446
// §5.2: 2^14 plus expansion).
const tlsMaxRecord = 1<<14 + 2048

// tlsMaxSANs bounds the DNS names emitted from one certificate; CDN
// certificates carry hundreds.
const tlsMaxSANs = 64

func parseTLS(s *Stream, e Emitter) Status {
	var st Status
	if len(s.ClientData) > 0 {
		st = tlsStart(s.ClientData, true)
	} else {
		st = tlsStart(s.ServerData, false)
	}
	switch {
	case st == Undecided && s.Closed:
		return NotMine
	case st != Mine:
		return st
	}
	return tlsDissect(s, s.ClientData, s.ServerData, e)
}

// tlsStart checks that b starts with a handshake record holding a
// ClientHello (client) or a ServerHello (server), or for a client an SSL 2.0
// compatible ClientHello.
func tlsStart(b []byte, client bool) Status {
	if len(b) == 0 {
		return Undecided
	}
	if b[0] != tlsRecordHandshake {
		if client && b[0]&0x80 != 0 {
			return sslv2Start(b)
		}
		return NotMine
	}
	want := byte(tlsServerHello)
	if client {
		want = tlsClientHello
	}
	switch {
	case len(b) >= 2 && b[1] != 3,
		len(b) >= 3 && b[2] > 4,
		len(b) >= 5 && (be16(b[3:]) == 0 || int(be16(b[3:])) > tlsMaxRecord),
		len(b) >= 6 && b[5] != want:
		return NotMine
	case len(b) < 6:
		return Undecided
	}
	return Mine
}

// sslv2Start checks for an SSL 2.0 record holding a CLIENT-HELLO, which old
// clients send to offer SSL 2.0 and later versions at once (RFC 6101
// appendix E.1).
func sslv2Start(b []byte) Status {
	switch {
	case len(b) >= 2 && (int(b[0]&0x7f)<<8|int(b[1])) < 9,
		len(b) >= 3 && b[2] != 1,
		len(b) >= 4 && b[3] != 0 && b[3] != 3,
		len(b) >= 5 && b[3] == 0 && b[4] != 2,
		len(b) >= 5 && b[3] == 3 && b[4] > 4:
		return NotMine
	case len(b) < 5:
		return Undecided
	}
	return Mine
}

// tlsDissect reads the TLS handshake at the start of client and server, the
// two directions of s (for RDP, the bytes after the X.224 exchange), and
// emits its facts. It returns Done once it has read all it wants from both
// directions, else Mine.
func tlsDissect(s *Stream, client, server []byte, e Emitter) Status {
	cdone := tlsClientSide(s, client, e)
	sdone := tlsServerSide(s, server, e)
	if cdone && sdone || s.Closed {
		return Done
	}
	return Mine
}

// tlsClientSide emits the ClientHello's facts and reports whether the
// client's side has nothing more to give.
func tlsClientSide(s *Stream, b []byte, e Emitter) bool {
	if len(b) > 0 && b[0]&0x80 != 0 {
		if sslv2Start(b) == Mine {
			e.Emit(s.Client, "tls.client_version", tlsVersionName(be16(b[3:])))
		}
		return true
	}
	done := false
	ended := tlsWalk(b, func(typ byte, msg []byte) bool {
		if typ == tlsClientHello {
			if h, ok := parseClientHello(msg); ok {
				emitClientHello(s, &h, e)
			}
		}
		done = true // only the first message matters
		return false
	})
	return done || ended
}

// tlsServerSide emits the facts of the server's certificate and reports
// whether the server's side has nothing more to give: its certificate was
// read, or TLS 1.3 hides it, or the clear handshake is over.
func tlsServerSide(s *Stream, b []byte, e Emitter) bool {
	done := false
	ended := tlsWalk(b, func(typ byte, msg []byte) bool {
		switch typ {
		case tlsServerHello:
			if v, ok := serverHelloVersion(msg); ok && v == 0x0304 {
				done = true // the Certificate is encrypted
			}
		case tlsCertificate:
			if der := leafCertificate(msg); der != nil {
				emitCertificate(der, s.Server, e)
			}
			done = true
		case tlsServerHelloDone:
			done = true
		}
		return !done
	})
	return done || ended
}

// tlsWalk calls fn with each complete handshake message in the records at
// the start of b, reassembling messages that span records, until fn returns
// false. It reports whether the clear handshake has ended: fn stopped, or a
// record of another type (ChangeCipherSpec, Alert, application data) or a
// malformed record came.
func tlsWalk(b []byte, fn func(typ byte, msg []byte) bool) (ended bool) {
	// buf holds the start of a message that runs on into the next record;
	// most handshakes never need it.
	var buf []byte
	for off := 0; len(b)-off >= 5; {
		if b[off] != tlsRecordHandshake || b[off+1] != 3 {
			return true
		}
		n := int(be16(b[off+3:]))
		if n > tlsMaxRecord {
			return true
		}
		end := min(off+5+n, len(b))
		frag := b[off+5 : end]
		off = end
		var rest []byte
		var stop bool
		if len(buf) > 0 {
			buf = append(buf, frag...)
			rest, stop = tlsMessages(buf, fn)
			buf = append(buf[:0], rest...)
		} else {
			rest, stop = tlsMessages(frag, fn)
			buf = append(buf, rest...)
		}
		if stop {
			return true
		}
	}
	return false
}

// tlsMessages calls fn with each complete handshake message in b and
// returns the bytes of an incomplete last message, and whether fn asked to
// stop.
func tlsMessages(b []byte, fn func(typ byte, msg []byte) bool) (rest []byte, stop bool) {
	for len(b) >= 4 {
		n := int(b[1])<<16 | int(b[2])<<8 | int(b[3])
		if n > len(b)-4 {
			break
		}
		if !fn(b[0], b[4:4+n]) {
			return nil, true
		}
		b = b[4+n:]
	}
	return b, false
}
