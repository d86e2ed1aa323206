package proto

// This file parses the hello messages of the TLS handshake for tls.go.

// tlsHello is the part of a ClientHello that the facts come from. Its
// slices point into the message.
type tlsHello struct {
	version    uint16 // legacy_version
	ciphers    []byte // cipher_suites, two bytes each
	extensions []byte // the extensions block, possibly empty
}

// parseClientHello checks the structure of a ClientHello body (RFC 8446
// §4.1.2) and returns its parts.
func parseClientHello(b []byte) (h tlsHello, ok bool) {
	r := tlsReader{b: b}
	h.version = r.u16()
	r.skip(32) // random
	r.vec8()   // legacy_session_id
	h.ciphers = r.vec16()
	r.vec8() // legacy_compression_methods
	if len(h.ciphers)%2 != 0 {
		return h, false
	}
	if len(r.b) > 0 {
		h.extensions = r.vec16()
	}
	if r.bad {
		return h, false
	}
	for ext := h.extensions; len(ext) > 0; {
		var ok bool
		if _, _, ext, ok = tlsNextExtension(ext); !ok {
			return h, false
		}
	}
	return h, true
}

// tlsNextExtension splits the first extension off an extensions block.
func tlsNextExtension(b []byte) (typ uint16, data, rest []byte, ok bool) {
	if len(b) < 4 {
		return 0, nil, nil, false
	}
	n := int(be16(b[2:]))
	if n > len(b)-4 {
		return 0, nil, nil, false
	}
	return be16(b), b[4 : 4+n], b[4+n:], true
}

// extension returns the data of the extension of type typ, if present.
func (h *tlsHello) extension(typ uint16) ([]byte, bool) {
	for ext := h.extensions; len(ext) > 0; {
		t, data, rest, ok := tlsNextExtension(ext)
		if !ok {
			break
		}
		if t == typ {
			return data, true
		}
		ext = rest
	}
	return nil, false
}

// emitClientHello emits the facts of a ClientHello.
func emitClientHello(s *Stream, h *tlsHello, e Emitter) {
	if data, ok := h.extension(tlsExtServerName); ok {
		if name := sniHostName(data); len(name) > 0 {
			if v := Clean(name); v != "" {
				e.Emit(s.Server, "tls.sni", v)
			}
		}
	}
	e.Emit(s.Client, "tls.client_version", tlsVersionName(h.maxVersion()))
	e.Emit(s.Client, "tls.ja4", ja4(h))
}

// sniHostName returns the first host_name in a server_name extension (RFC
// 6066 §3).
func sniHostName(b []byte) []byte {
	r := tlsReader{b: b}
	list := r.vec16()
	for len(list) >= 3 && !r.bad {
		lr := tlsReader{b: list}
		typ := lr.u8()
		name := lr.vec16()
		if lr.bad {
			return nil
		}
		if typ == 0 {
			return name
		}
		list = lr.b
	}
	return nil
}

// maxVersion returns the highest version the client offers: the highest
// non-GREASE entry of supported_versions when present, else legacy_version.
func (h *tlsHello) maxVersion() uint16 {
	v := h.version
	if data, ok := h.extension(tlsExtSupportedVersions); ok {
		r := tlsReader{b: data}
		list := r.vec8()
		best := uint16(0)
		for i := 0; i+1 < len(list); i += 2 {
			if x := be16(list[i:]); !isGREASE(x) && x > best {
				best = x
			}
		}
		if best != 0 && !r.bad {
			v = best
		}
	}
	return v
}

// serverHelloVersion returns the version a ServerHello selects: its
// supported_versions extension when present, else legacy_version.
func serverHelloVersion(b []byte) (uint16, bool) {
	r := tlsReader{b: b}
	v := r.u16()
	r.skip(32) // random
	r.vec8()   // legacy_session_id_echo
	r.skip(3)  // cipher_suite, legacy_compression_method
	if r.bad {
		return 0, false
	}
	if len(r.b) == 0 {
		return v, true
	}
	ext := r.vec16()
	for len(ext) > 0 && !r.bad {
		t, data, rest, ok := tlsNextExtension(ext)
		if !ok {
			break
		}
		if t == tlsExtSupportedVersions && len(data) == 2 {
			return be16(data), true
		}
		ext = rest
	}
	return v, !r.bad
}

// tlsVersionName names a protocol version as the tls.client_version fact
// does: "1.2", "1.3", "ssl3" …
func tlsVersionName(v uint16) string {
	switch {
	case v == 0x0002:
		return "ssl2"
	case v == 0x0300:
		return "ssl3"
	case v >= 0x0301 && v <= 0x0304:
		return "1." + string(rune('0'+v-0x0301))
	case v>>8 == 0x7f:
		return "1.3-draft"
	}
	const hexd = "0123456789abcdef"
	return string([]byte{'0', 'x', hexd[v>>12], hexd[v>>8&15], hexd[v>>4&15], hexd[v&15]})
}

// isGREASE reports whether v is a GREASE value (RFC 8701): 0x0a0a, 0x1a1a
// … 0xfafa.
func isGREASE(v uint16) bool { return v&0x0f0f == 0x0a0a && v>>8 == v&0xff }

// be16 reads a big-endian uint16; b must hold two bytes.
func be16(b []byte) uint16 { return uint16(b[0])<<8 | uint16(b[1]) }

// tlsReader reads the length-prefixed vectors of TLS structures. A read
// past the end sets bad and returns zero values, so a parser can read a
// whole structure and check once.
type tlsReader struct {
	b   []byte
	bad bool
}

func (r *tlsReader) take(n int) []byte {
	if r.bad || n > len(r.b) {
		r.bad = true
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *tlsReader) skip(n int) { r.take(n) }

func (r *tlsReader) u8() byte {
	if v := r.take(1); v != nil {
		return v[0]
	}
	return 0
}

func (r *tlsReader) u16() uint16 {
	if v := r.take(2); v != nil {
		return be16(v)
	}
	return 0
}

func (r *tlsReader) u24() int {
	if v := r.take(3); v != nil {
		return int(v[0])<<16 | int(v[1])<<8 | int(v[2])
	}
	return 0
}

func (r *tlsReader) vec8() []byte  { return r.take(int(r.u8())) }
func (r *tlsReader) vec16() []byte { return r.take(int(r.u16())) }
func (r *tlsReader) vec24() []byte { return r.take(r.u24()) }
