package proto

import "strconv"

// BER tags used by SNMP (X.690, RFC 1155, RFC 2578).
const (
	berInteger     = 0x02
	berOctetString = 0x04
	berOID         = 0x06
	berSequence    = 0x30
	berIPAddress   = 0x40
	berTimeTicks   = 0x43
)

// berNext reads one tag-length-value from b. It accepts only what SNMP and
// X.509 certificates use: single-byte tags and definite lengths of up to
// four bytes (DER is a subset of BER).
func berNext(b []byte) (tag byte, val, rest []byte, ok bool) {
	if len(b) < 2 || b[0]&0x1f == 0x1f {
		return 0, nil, nil, false
	}
	tag = b[0]
	n, hdr := int(b[1]), 2
	if n&0x80 != 0 {
		k := n & 0x7f
		if k == 0 || k > 4 || 2+k > len(b) {
			return 0, nil, nil, false // indefinite or absurd length
		}
		n = 0
		for _, x := range b[2 : 2+k] {
			n = n<<8 | int(x)
		}
		hdr += k
	}
	if n < 0 || n > len(b)-hdr {
		return 0, nil, nil, false
	}
	return tag, b[hdr : hdr+n], b[hdr+n:], true
}

// berExpect reads one TLV and checks its tag.
func berExpect(b []byte, want byte) (val, rest []byte, ok bool) {
	tag, val, rest, ok := berNext(b)
	if !ok || tag != want {
		return nil, nil, false
	}
	return val, rest, true
}

// berInt decodes a two's-complement INTEGER of at most eight bytes.
func berInt(v []byte) (int64, bool) {
	if len(v) == 0 || len(v) > 8 {
		return 0, false
	}
	n := int64(int8(v[0]))
	for _, x := range v[1:] {
		n = n<<8 | int64(x)
	}
	return n, true
}

// berOIDString formats an OBJECT IDENTIFIER value in dotted decimal,
// "1.3.6.1.4.1.9.1.516". It fails on a sub-identifier that does not end or
// does not fit in 64 bits, and cuts the result to MaxValue bytes.
func berOIDString(dst, v []byte) (string, bool) {
	if len(v) == 0 {
		return "", false
	}
	first := true
	for len(v) > 0 {
		var x uint64
		i := 0
		for ; ; i++ {
			if i >= len(v) || i >= 9 {
				return "", false
			}
			x = x<<7 | uint64(v[i]&0x7f)
			if v[i]&0x80 == 0 {
				break
			}
		}
		v = v[i+1:]
		n := len(dst)
		if first {
			// The first sub-identifier packs two arcs: 40*X+Y.
			arc := min(x/40, 2)
			dst = strconv.AppendUint(dst, arc, 10)
			dst = append(dst, '.')
			dst = strconv.AppendUint(dst, x-40*arc, 10)
			first = false
		} else {
			dst = append(dst, '.')
			dst = strconv.AppendUint(dst, x, 10)
		}
		if len(dst) > MaxValue {
			dst = dst[:n]
			break
		}
	}
	return string(dst), true
}
