package proto

import (
	"bytes"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/cordonsec/cordon"
)

// The server certificate is read with a small DER walker rather than
// crypto/x509: only the names are wanted, and old medical devices present
// certificates that crypto/x509 refuses (negative serial numbers, odd
// string types) but whose names are worth having. Nothing is kept.

// DER tags (X.690) the walker meets in certificates.
const (
	derBoolean     = 0x01
	derOctetString = 0x04
	derOID         = 0x06
	derSequence    = 0x30
	derSet         = 0x31
	derVersion     = 0xa0 // [0] EXPLICIT Version
	derExtensions  = 0xa3 // [3] EXPLICIT Extensions
	derDNSName     = 0x82 // GeneralName [2] IMPLICIT IA5String
)

// oidSubjectAltName is 2.5.29.17 in DER.
var oidSubjectAltName = []byte{0x55, 0x1d, 0x11}

// leafCertificate returns the DER of the first certificate in a TLS 1.0-1.2
// Certificate message (RFC 5246 §7.4.2), the server's own.
func leafCertificate(msg []byte) []byte {
	r := tlsReader{b: msg}
	list := r.vec24()
	lr := tlsReader{b: list}
	der := lr.vec24()
	if r.bad || lr.bad || len(der) == 0 {
		return nil
	}
	return der
}

// certFields returns the issuer and subject Names and the extensions of a
// certificate (RFC 5280 §4.1), each as the content of its element.
func certFields(der []byte) (issuer, subject, extensions []byte, ok bool) {
	tag, cert, _, ok := berNext(der)
	if !ok || tag != derSequence {
		return nil, nil, nil, false
	}
	tag, tbs, _, ok := berNext(cert)
	if !ok || tag != derSequence {
		return nil, nil, nil, false
	}
	var el [6][]byte // serial, signature, issuer, validity, subject, key
	i := 0
	for len(tbs) > 0 {
		var c []byte
		tag, c, tbs, ok = berNext(tbs)
		if !ok {
			return nil, nil, nil, false
		}
		switch {
		case tag == derVersion && i == 0:
		case i < len(el):
			el[i] = c
			i++
			if (i == 3 || i == 5) && tag != derSequence {
				return nil, nil, nil, false
			}
		case tag == derExtensions:
			extensions = c
		}
	}
	if i < len(el) {
		return nil, nil, nil, false
	}
	return el[2], el[4], extensions, true
}

// emitCertificate emits the subject and issuer distinguished names and the
// DNS names of the subjectAltName extension of a certificate, about ep.
func emitCertificate(der []byte, ep cordon.Endpoint, e Emitter) {
	issuer, subject, exts, ok := certFields(der)
	if !ok {
		return
	}
	var buf [MaxValue * 2]byte
	if dn, ok := formatDN(buf[:0], subject); ok {
		if v := Clean(dn); v != "" {
			e.Emit(ep, "tls.cert_subject", v)
		}
	}
	if dn, ok := formatDN(buf[:0], issuer); ok {
		if v := Clean(dn); v != "" {
			e.Emit(ep, "tls.cert_issuer", v)
		}
	}
	emitSANs(exts, ep, e)
}

// emitSANs emits the DNS names of the subjectAltName extension among the
// contents of [3] Extensions.
func emitSANs(exts []byte, ep cordon.Endpoint, e Emitter) {
	tag, list, _, ok := berNext(exts)
	if !ok || tag != derSequence {
		return
	}
	for len(list) > 0 {
		var ext []byte
		if tag, ext, list, ok = berNext(list); !ok || tag != derSequence {
			return
		}
		tag, oid, rest, ok := berNext(ext)
		if !ok || tag != derOID || !bytes.Equal(oid, oidSubjectAltName) {
			continue
		}
		if tag, _, r, ok := berNext(rest); ok && tag == derBoolean {
			rest = r // critical
		}
		tag, value, _, ok := berNext(rest)
		if !ok || tag != derOctetString {
			return
		}
		tag, names, _, ok := berNext(value)
		if !ok || tag != derSequence {
			return
		}
		for n := 0; len(names) > 0 && n < tlsMaxSANs; {
			var name []byte
			if tag, name, names, ok = berNext(names); !ok {
				return
			}
			if tag == derDNSName {
				if v := Clean(name); v != "" {
					e.Emit(ep, "tls.cert_san", v)
					n++
				}
			}
		}
		return
	}
}

// dnNames maps the DER of common attribute type OIDs to the short names of
// RFC 4514 §3 and RFC 4519.
var dnNames = []struct {
	oid  string
	name string
}{
	{"\x55\x04\x03", "CN"},
	{"\x55\x04\x05", "SERIALNUMBER"},
	{"\x55\x04\x06", "C"},
	{"\x55\x04\x07", "L"},
	{"\x55\x04\x08", "ST"},
	{"\x55\x04\x09", "STREET"},
	{"\x55\x04\x0a", "O"},
	{"\x55\x04\x0b", "OU"},
	{"\x55\x04\x11", "POSTALCODE"},
	{"\x09\x92\x26\x89\x93\xf2\x2c\x64\x01\x19", "DC"},
	{"\x09\x92\x26\x89\x93\xf2\x2c\x64\x01\x01", "UID"},
	{"\x2a\x86\x48\x86\xf7\x0d\x01\x09\x01", "emailAddress"},
}

// formatDN appends a Name (the content of its RDNSequence) to buf as an
// RFC 4514 string: the last RDN first, "CN=host,O=Maker,C=GB". Attribute
// types without a short name appear as dotted OIDs, values that are not
// strings as "#" and hex. It stops once buf holds more than a fact value
// can keep.
func formatDN(buf, name []byte) ([]byte, bool) {
	// Collect the RDNs first: they are printed in reverse.
	var rdnArr [32][]byte
	rdns := rdnArr[:0]
	for len(name) > 0 {
		tag, set, rest, ok := berNext(name)
		if !ok || tag != derSet {
			return buf, false
		}
		rdns = append(rdns, set)
		name = rest
	}
	for i := len(rdns) - 1; i >= 0 && len(buf) < MaxValue; i-- {
		if i < len(rdns)-1 {
			buf = append(buf, ',')
		}
		for j, set := 0, rdns[i]; len(set) > 0; j++ {
			tag, atv, rest, ok := berNext(set)
			if !ok || tag != derSequence {
				return buf, false
			}
			set = rest
			tag, oid, v, ok := berNext(atv)
			if !ok || tag != derOID {
				return buf, false
			}
			vtag, value, _, ok := berNext(v)
			if !ok {
				return buf, false
			}
			if j > 0 {
				buf = append(buf, '+')
			}
			buf = appendAttrType(buf, oid)
			buf = append(buf, '=')
			buf = appendAttrValue(buf, vtag, value)
		}
	}
	return buf, true
}

// appendAttrType appends the short name of an attribute type, or its
// dotted OID.
func appendAttrType(buf, oid []byte) []byte {
	for _, n := range dnNames {
		if string(oid) == n.oid {
			return append(buf, n.name...)
		}
	}
	// X.690 §8.19: base-128 subidentifiers, the first packing two arcs
	// as 40*X+Y.
	var arc uint64
	first := true
	for _, c := range oid {
		if arc > 1<<50 {
			return append(buf, '?')
		}
		arc = arc<<7 | uint64(c&0x7f)
		if c&0x80 != 0 {
			continue
		}
		if first {
			x := min(arc/40, 2)
			buf = strconv.AppendUint(buf, x, 10)
			buf = append(buf, '.')
			buf = strconv.AppendUint(buf, arc-40*x, 10)
			first = false
		} else {
			buf = append(buf, '.')
			buf = strconv.AppendUint(buf, arc, 10)
		}
		arc = 0
	}
	return buf
}

// appendAttrValue appends an attribute value: strings as text, escaped as
// RFC 4514 §2.4 asks, anything else as "#" and the hex of its content.
func appendAttrValue(buf []byte, tag byte, v []byte) []byte {
	switch tag {
	case 0x0c, 0x13, 0x14, 0x16, 0x1a: // UTF8, Printable, Teletex, IA5, Visible
	case 0x1e: // BMPString: UTF-16BE
		var tmp [MaxValue]byte
		t := tmp[:0]
		for i := 0; i+1 < len(v) && len(t) < MaxValue-4; i += 2 {
			r := rune(v[i])<<8 | rune(v[i+1])
			if utf16.IsSurrogate(r) && i+3 < len(v) {
				r = utf16.DecodeRune(r, rune(v[i+2])<<8|rune(v[i+3]))
				i += 2
			}
			t = utf8.AppendRune(t, r)
		}
		return appendEscaped(buf, t)
	default:
		const hexd = "0123456789abcdef"
		buf = append(buf, '#')
		for _, c := range v[:min(len(v), MaxValue/2)] {
			buf = append(buf, hexd[c>>4], hexd[c&15])
		}
		return buf
	}
	return appendEscaped(buf, v[:min(len(v), MaxValue)])
}

// appendEscaped appends a string value, escaping the characters RFC 4514
// §2.4 reserves.
func appendEscaped(buf, v []byte) []byte {
	for i, c := range v {
		switch {
		case c == ',' || c == '+' || c == '"' || c == '\\' || c == '<' || c == '>' || c == ';',
			i == 0 && (c == '#' || c == ' '),
			i == len(v)-1 && c == ' ':
			buf = append(buf, '\\', c)
		default:
			buf = append(buf, c)
		}
	}
	return buf
}
