package proto

import (
	"encoding/binary"
	"net/netip"
	"strings"
)

// DNS reads unicast DNS (RFC 1035) on port 53: the names clients ask for,
// which show the cloud services a device talks to, and a few of the
// addresses servers answer with.
var DNS = DatagramDissector{Name: "dns", Ports: []uint16{53}, Parse: parseDNS}

// DNS record types and limits.
const (
	dnsTypeA    = 1
	dnsTypePTR  = 12
	dnsTypeTXT  = 16
	dnsTypeAAAA = 28
	dnsTypeSRV  = 33
	dnsTypeNB   = 32 // NetBIOS general name service (RFC 1002)
	dnsTypeNBST = 33 // NetBIOS node status, sharing SRV's number on port 137

	dnsHeaderLen = 12
	// dnsMaxName bounds a decoded name: 255 octets on the wire (RFC 1035
	// 3.1) become at most 254 characters in dotted form.
	dnsMaxName = 255
	// dnsMaxHops bounds compression pointers followed for one name; a
	// legitimate name has at most 127 labels, so more hops mean a loop.
	dnsMaxHops = 128
	// dnsMaxRecords bounds the records read from one message, so a forged
	// count cannot make the dissector spin.
	dnsMaxRecords = 64
	// dnsMaxAnswers is how many dns.answer facts one response may yield:
	// answers are for context, queries are the signal.
	dnsMaxAnswers = 4
)

// dnsMsg is a parsed DNS header over a message that is read in place.
type dnsMsg struct {
	b              []byte
	id, flags      uint16
	qd, an, ns, ar int
}

func (m *dnsMsg) response() bool { return m.flags&0x8000 != 0 }
func (m *dnsMsg) opcode() int    { return int(m.flags>>11) & 0x0f }
func (m *dnsMsg) rcode() int     { return int(m.flags & 0x0f) }

// parseDNSHeader reads the fixed header. It rejects messages whose counts
// could not possibly fit, which filters most non-DNS traffic on the port.
func parseDNSHeader(b []byte, m *dnsMsg) bool {
	if len(b) < dnsHeaderLen {
		return false
	}
	*m = dnsMsg{
		b:     b,
		id:    binary.BigEndian.Uint16(b[0:]),
		flags: binary.BigEndian.Uint16(b[2:]),
		qd:    int(binary.BigEndian.Uint16(b[4:])),
		an:    int(binary.BigEndian.Uint16(b[6:])),
		ns:    int(binary.BigEndian.Uint16(b[8:])),
		ar:    int(binary.BigEndian.Uint16(b[10:])),
	}
	// A question takes at least 5 bytes and a record at least 11.
	return m.qd*5+(m.an+m.ns+m.ar)*11 <= len(b)-dnsHeaderLen
}

// dnsSection says which part of a message a record came from.
type dnsSection uint8

const (
	secQuestion dnsSection = iota
	secAnswer
	secAuthority
	secAdditional
)

// dnsRR is one question or resource record, located in the message.
type dnsRR struct {
	sec        dnsSection
	name       int // offset of the owner name
	typ, class uint16
	rdata      []byte // nil for questions
	rdOff      int    // offset of rdata in the message, for names inside it
}

// dnsIter walks the questions and records of a message in order.
type dnsIter struct {
	m    *dnsMsg
	off  int
	sec  dnsSection
	left int // records left in sec
	read int
}

func newDNSIter(m *dnsMsg) dnsIter {
	return dnsIter{m: m, off: dnsHeaderLen, sec: secQuestion, left: m.qd}
}

// next reads the next question or record into rr. It returns false at the
// end of the message or on the first malformed record.
func (it *dnsIter) next(rr *dnsRR) bool {
	for it.left == 0 {
		if it.sec == secAdditional {
			return false
		}
		it.sec++
		switch it.sec {
		case secAnswer:
			it.left = it.m.an
		case secAuthority:
			it.left = it.m.ns
		case secAdditional:
			it.left = it.m.ar
		}
	}
	if it.read >= dnsMaxRecords {
		return false
	}
	b := it.m.b
	end, ok := dnsSkipName(b, it.off)
	if !ok || end+4 > len(b) {
		return false
	}
	*rr = dnsRR{
		sec:   it.sec,
		name:  it.off,
		typ:   binary.BigEndian.Uint16(b[end:]),
		class: binary.BigEndian.Uint16(b[end+2:]),
	}
	end += 4
	if it.sec != secQuestion {
		if end+6 > len(b) {
			return false
		}
		n := int(binary.BigEndian.Uint16(b[end+4:]))
		end += 6
		if end+n > len(b) {
			return false
		}
		rr.rdata = b[end : end+n]
		rr.rdOff = end
		end += n
	}
	it.off = end
	it.left--
	it.read++
	return true
}

// dnsSkipName returns the offset just past the name at off without decoding
// it: past the terminating zero or the first compression pointer.
func dnsSkipName(b []byte, off int) (int, bool) {
	for n := 0; n <= dnsMaxName; n++ {
		if off >= len(b) {
			return 0, false
		}
		l := int(b[off])
		switch {
		case l == 0:
			return off + 1, true
		case l&0xc0 == 0xc0:
			if off+2 > len(b) {
				return 0, false
			}
			return off + 2, true
		case l&0xc0 != 0:
			return 0, false // extended label types (RFC 6891) are obsolete
		}
		off += 1 + l
	}
	return 0, false
}

// dnsName decodes the name at off into dst, labels joined by dots and
// without the trailing dot; the root is "". It follows compression pointers,
// refusing loops (each pointer must point before the label that holds it)
// and names longer than 255 bytes. dst must have room for dnsMaxName bytes.
func dnsName(b []byte, off int, dst []byte) ([]byte, bool) {
	dst = dst[:0]
	limit := off // pointers must go strictly backwards from here
	for hops := 0; hops < dnsMaxHops; {
		if off >= len(b) {
			return nil, false
		}
		l := int(b[off])
		switch {
		case l == 0:
			return dst, true
		case l&0xc0 == 0xc0:
			if off+2 > len(b) {
				return nil, false
			}
			p := int(binary.BigEndian.Uint16(b[off:]) & 0x3fff)
			if p >= limit {
				return nil, false
			}
			off, limit = p, p
			hops++
			continue
		case l&0xc0 != 0:
			return nil, false
		}
		if off+1+l > len(b) {
			return nil, false
		}
		if len(dst) > 0 {
			dst = append(dst, '.')
		}
		if len(dst)+l > dnsMaxName-1 {
			return nil, false
		}
		dst = append(dst, b[off+1:off+1+l]...)
		off += 1 + l
	}
	return nil, false
}

// dnsFirstLabel returns the first label of the name at off (following a
// leading pointer if there is one) and the offset of the rest of the name.
// DNS-SD instance names may contain dots, so they must be read as a label,
// not split from the dotted form.
func dnsFirstLabel(b []byte, off int) (label []byte, rest int, ok bool) {
	limit := off + 1
	for hops := 0; hops < dnsMaxHops; hops++ {
		if off >= len(b) {
			return nil, 0, false
		}
		l := int(b[off])
		switch {
		case l == 0:
			return nil, off, true
		case l&0xc0 == 0xc0:
			if off+2 > len(b) {
				return nil, 0, false
			}
			p := int(binary.BigEndian.Uint16(b[off:]) & 0x3fff)
			if p >= limit {
				return nil, 0, false
			}
			off, limit = p, p
			continue
		case l&0xc0 != 0:
			return nil, 0, false
		}
		if off+1+l > len(b) {
			return nil, 0, false
		}
		return b[off+1 : off+1+l], off + 1 + l, true
	}
	return nil, 0, false
}

// hasSuffixFold reports whether s ends with the lower-case ASCII suffix,
// ignoring ASCII case in s.
func hasSuffixFold(s []byte, suffix string) bool {
	if len(s) < len(suffix) {
		return false
	}
	s = s[len(s)-len(suffix):]
	for i := 0; i < len(suffix); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != suffix[i] {
			return false
		}
	}
	return true
}

// equalFold reports whether s equals the lower-case ASCII string t,
// ignoring ASCII case in s.
func equalFold(s []byte, t string) bool {
	return len(s) == len(t) && hasSuffixFold(s, t)
}

// rdataAddr returns the address in the rdata of an A or AAAA record.
func rdataAddr(rr *dnsRR) (netip.Addr, bool) {
	switch {
	case rr.typ == dnsTypeA && len(rr.rdata) == 4:
		return netip.AddrFrom4([4]byte(rr.rdata)), true
	case rr.typ == dnsTypeAAAA && len(rr.rdata) == 16:
		return netip.AddrFrom16([16]byte(rr.rdata)), true
	}
	return netip.Addr{}, false
}

// seenSet remembers which values a dissector already emitted for one
// message, so a response that repeats a name in A and AAAA records yields
// one fact. It hashes instead of storing, to stay allocation-free.
type seenSet struct {
	n int
	h [32]uint64
}

// add reports whether fact=v is new, and records it. When the set is full
// every value counts as new: a duplicate fact is harmless, a lost one not.
func (s *seenSet) add(fact string, v []byte) bool {
	h := uint64(14695981039346656037)
	for i := 0; i < len(fact); i++ {
		h = (h ^ uint64(fact[i])) * 1099511628211
	}
	h = (h ^ 0xff) * 1099511628211
	for _, c := range v {
		h = (h ^ uint64(c)) * 1099511628211
	}
	for i := 0; i < s.n; i++ {
		if s.h[i] == h {
			return false
		}
	}
	if s.n < len(s.h) {
		s.h[s.n] = h
		s.n++
	}
	return true
}

// parseDNS emits dns.query for the questions clients send to port 53 and
// dns.answer for the first few A/AAAA answers servers return.
func parseDNS(d *Datagram, e Emitter) bool {
	var m dnsMsg
	if !parseDNSHeader(d.Payload, &m) || m.opcode() != 0 {
		return false
	}
	// Between two port-53 endpoints it is resolvers talking to each
	// other, which says nothing about the devices behind them.
	if !m.response() {
		if m.qd == 0 {
			return false // a query must ask something
		}
		if d.Dst.Port != 53 || d.Src.Port == 53 {
			return true
		}
	} else if d.Src.Port != 53 || d.Dst.Port == 53 {
		return true
	}
	var (
		buf  [dnsMaxName]byte
		seen seenSet
		rr   dnsRR
	)
	answers := 0
	it := newDNSIter(&m)
	for it.next(&rr) {
		switch {
		case !m.response() && rr.sec == secQuestion:
			name, ok := dnsName(m.b, rr.name, buf[:])
			if !ok || len(name) == 0 || hasSuffixFold(name, ".arpa") || !seen.add("q", name) {
				continue
			}
			e.Emit(d.Src, "dns.query", cleanValue(name))
		case m.response() && rr.sec == secAnswer && m.rcode() == 0 && answers < dnsMaxAnswers:
			addr, ok := rdataAddr(&rr)
			if !ok {
				continue
			}
			name, ok := dnsName(m.b, rr.name, buf[:])
			if !ok || len(name) == 0 || len(name) > MaxValue-48 {
				continue
			}
			// Build "name=addr" in place: both parts are already
			// bounded, so only the final string allocates.
			v := append(name, '=')
			v = addr.AppendTo(v)
			e.Emit(d.Dst, "dns.answer", cleanValue(v))
			answers++
		}
	}
	return true
}

// cleanValue is Clean with a guarantee it does not give yet: no trailing
// space. Clean can end its result with the folded space before a rune that
// no longer fits in MaxValue; trimming returns a substring, so this costs
// no allocation.
func cleanValue(b []byte) string {
	return strings.TrimRight(Clean(b), " ")
}
