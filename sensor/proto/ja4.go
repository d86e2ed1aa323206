package proto

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
)

// ja4 returns the JA4 fingerprint of a ClientHello received over TCP, as
// FoxIO specifies it (github.com/FoxIO-LLC/ja4, technical_details/JA4.md):
//
//	t13d1516h2_8daaf6152771_e5627efa2ab1
//
// "t" for TCP; the highest version offered; "d" when the SNI extension is
// present, else "i"; the counts of cipher suites and extensions; the first
// and last characters of the first ALPN value; then the truncated SHA-256 of
// the sorted cipher suites, and of the sorted extensions without SNI and
// ALPN followed by the signature algorithms in their order. GREASE values
// are ignored everywhere.
func ja4(h *tlsHello) string {
	var out [36]byte
	a := out[:0]
	a = append(a, 't')
	a = append(a, ja4Version(h.maxVersion())...)

	// Values go into fixed arrays so that common hellos allocate nothing
	// here; a hello with more values than fit spills to the heap.
	var cipherArr, extArr [64]uint16
	var sigArr [32]uint16
	ciphers := cipherArr[:0]
	for i := 0; i+1 < len(h.ciphers); i += 2 {
		if v := be16(h.ciphers[i:]); !isGREASE(v) {
			ciphers = append(ciphers, v)
		}
	}
	sni, extCount := byte('i'), 0
	alpn := [2]byte{'0', '0'}
	exts, sigs := extArr[:0], sigArr[:0]
	for ext := h.extensions; len(ext) > 0; {
		t, data, rest, ok := tlsNextExtension(ext)
		if !ok {
			break
		}
		ext = rest
		if isGREASE(t) {
			continue
		}
		extCount++
		switch t {
		case tlsExtServerName:
			sni = 'd'
			continue
		case tlsExtALPN:
			alpn = ja4ALPN(data)
			continue
		case tlsExtSignatureAlgs:
			r := tlsReader{b: data}
			list := r.vec16()
			for i := 0; i+1 < len(list); i += 2 {
				if v := be16(list[i:]); !isGREASE(v) {
					sigs = append(sigs, v)
				}
			}
		}
		exts = append(exts, t)
	}
	a = append(a, sni)
	a = ja4Count(a, len(ciphers))
	a = ja4Count(a, extCount)
	a = append(a, alpn[0], alpn[1], '_')

	slices.Sort(ciphers)
	a = ja4Hash(a, ciphers, nil)
	a = append(a, '_')
	slices.Sort(exts)
	a = ja4Hash(a, exts, sigs)
	return string(a)
}

// ja4Version is the two-character version code of JA4.
func ja4Version(v uint16) string {
	switch v {
	case 0x0304:
		return "13"
	case 0x0303:
		return "12"
	case 0x0302:
		return "11"
	case 0x0301:
		return "10"
	case 0x0300:
		return "s3"
	case 0x0002:
		return "s2"
	case 0xfeff:
		return "d1"
	case 0xfefd:
		return "d2"
	case 0xfefc:
		return "d3"
	}
	return "00"
}

// ja4Count appends n as two decimal digits, capped at 99.
func ja4Count(a []byte, n int) []byte {
	n = min(n, 99)
	return append(a, byte('0'+n/10), byte('0'+n%10))
}

// ja4ALPN returns the first and last characters of the first ALPN protocol
// name (RFC 7301), "00" when there is none, and the first and last hex
// digits of the name when either end is not an ASCII letter or digit.
func ja4ALPN(data []byte) [2]byte {
	r := tlsReader{b: data}
	list := r.vec16()
	lr := tlsReader{b: list}
	p := lr.vec8()
	if r.bad || lr.bad || len(p) == 0 {
		return [2]byte{'0', '0'}
	}
	first, last := p[0], p[len(p)-1]
	if isAlnum(first) && isAlnum(last) {
		return [2]byte{first, last}
	}
	const hexd = "0123456789abcdef"
	return [2]byte{hexd[first>>4], hexd[last&0x0f]}
}

// ja4Hash appends the first 12 hex digits of the SHA-256 of the values as
// comma-separated four-digit lower-case hex, followed, when sigs is not
// empty, by "_" and the signature algorithms the same way. An empty values
// list hashes to twelve zeros.
func ja4Hash(a []byte, values, sigs []uint16) []byte {
	if len(values) == 0 {
		return append(a, "000000000000"...)
	}
	var bufArr [512]byte
	buf := bufArr[:0]
	buf = ja4HexList(buf, values)
	if len(sigs) > 0 {
		buf = append(buf, '_')
		buf = ja4HexList(buf, sigs)
	}
	sum := sha256.Sum256(buf)
	var h [12]byte
	hex.Encode(h[:], sum[:6])
	return append(a, h[:]...)
}

// ja4HexList appends values as comma-separated four-digit lower-case hex.
func ja4HexList(buf []byte, values []uint16) []byte {
	const hexd = "0123456789abcdef"
	for i, v := range values {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, hexd[v>>12], hexd[v>>8&15], hexd[v>>4&15], hexd[v&15])
	}
	return buf
}
