package proto

import (
	"encoding/binary"
	"net/netip"

	"github.com/cordonsec/cordon"
)

// NBNS reads the NetBIOS name service (RFC 1001/1002): the computer and
// workgroup names Windows hosts and many embedded devices register,
// defend and list in node status responses.
var NBNS = DatagramDissector{Name: "nbns", Ports: []uint16{137}, Parse: parseNBNS}

// NBNS opcodes and flags (RFC 1002 4.2.1.1).
const (
	nbOpQuery        = 0
	nbOpRegistration = 5
	nbOpRefresh      = 8
	nbOpRefreshAlt   = 9 // what Windows sends, per the RFC 1002 errata
	nbOpMultiHomed   = 15
	nbGroup          = 0x8000 // G bit of NB_FLAGS and NAME_FLAGS
	nbEncodedLen     = 32

	nbSuffixMessenger     = 0x03
	nbSuffixDomainMaster  = 0x1b
	nbSuffixMasterBrowser = 0x1d
)

// parseNBNS emits nbns.name (NAME<xx>, unique names) and nbns.group
// (workgroup or domain, group names) from name registrations and refreshes,
// positive name query responses and node status responses. Queries say
// nothing about the querier and are only recognised.
func parseNBNS(d *Datagram, e Emitter) bool {
	var m dnsMsg
	if !parseDNSHeader(d.Payload, &m) || m.qd+m.an+m.ns+m.ar == 0 {
		return false
	}
	var (
		seen seenSet
		rr   dnsRR
		name [16]byte
	)
	it := newDNSIter(&m)
	first := true
	for it.next(&rr) {
		ok := nbName(m.b, rr.name, &name)
		if first {
			// The first name tells NBNS from other traffic on the port.
			if !ok {
				return false
			}
			first = false
		}
		if !ok {
			continue
		}
		op := m.opcode()
		switch {
		case !m.response() && rr.sec == secAdditional && rr.typ == dnsTypeNB &&
			(op == nbOpRegistration || op == nbOpRefresh || op == nbOpRefreshAlt || op == nbOpMultiHomed):
			nbEmitNB(d, e, &name, rr.rdata, &seen)
		case m.response() && op == nbOpQuery && m.rcode() == 0 && rr.sec == secAnswer:
			switch rr.typ {
			case dnsTypeNB:
				nbEmitNB(d, e, &name, rr.rdata, &seen)
			case dnsTypeNBST:
				nbEmitStatus(d, e, rr.rdata, &seen)
			}
		}
	}
	return !first
}

// nbName decodes the first-level encoding of a NetBIOS name (RFC 1001
// 14.1): 32 letters 'A'..'P', two per byte, into 15 name bytes and a suffix.
func nbName(b []byte, off int, dst *[16]byte) bool {
	label, _, ok := dnsFirstLabel(b, off)
	if !ok || len(label) != nbEncodedLen {
		return false
	}
	for i := range dst {
		hi, lo := label[2*i]-'A', label[2*i+1]-'A'
		if hi > 15 || lo > 15 {
			return false
		}
		dst[i] = hi<<4 | lo
	}
	return true
}

// nbEmitNB emits the name of an NB record (registration or query answer)
// about the address in its rdata: a WINS server answers for others, so the
// sender is the subject only when the address is its own.
func nbEmitNB(d *Datagram, e Emitter, name *[16]byte, rdata []byte, seen *seenSet) {
	if len(rdata) < 6 {
		return
	}
	about := d.Src
	if a := netip.AddrFrom4([4]byte(rdata[2:6])); !a.IsUnspecified() && a != d.Src.IP {
		about = cordon.Endpoint{IP: a}
	}
	nbEmit(e, about, name, binary.BigEndian.Uint16(rdata)&nbGroup != 0, seen)
}

// nbEmitStatus emits every name in a node status response (RFC 1002
// 4.2.18), all of which belong to the responder.
func nbEmitStatus(d *Datagram, e Emitter, rdata []byte, seen *seenSet) {
	if len(rdata) < 1 {
		return
	}
	n := int(rdata[0])
	rdata = rdata[1:]
	var name [16]byte
	for i := 0; i < n && len(rdata) >= 18; i++ {
		copy(name[:], rdata[:16])
		nbEmit(e, d.Src, &name, binary.BigEndian.Uint16(rdata[16:])&nbGroup != 0, seen)
		rdata = rdata[18:]
	}
}

// nbEmit formats and emits one name: unique names as nbns.name "NAME<xx>"
// with the suffix in lower-case hex (as Wireshark shows it), group names as
// nbns.group without the suffix, since the workgroup is the same whichever
// service registered it.
func nbEmit(e Emitter, about cordon.Endpoint, name *[16]byte, group bool, seen *seenSet) {
	n := 15
	for n > 0 && (name[n-1] == ' ' || name[n-1] == 0) {
		n--
	}
	// Skip the wildcard "*" and special names such as "\x01\x02__MSBROWSE__\x02".
	if n == 0 || name[0] < 0x20 || name[0] == '*' {
		return
	}
	switch name[15] {
	case nbSuffixMessenger:
		// The messenger service registers the logged-on user's name as
		// well as the computer's: a person, not a device.
		return
	case nbSuffixDomainMaster, nbSuffixMasterBrowser:
		// Unique names, but they carry the workgroup or domain name.
		group = true
	}
	const hexd = "0123456789abcdef"
	var buf [20]byte
	v := append(buf[:0], name[:n]...)
	fact := "nbns.group"
	if !group {
		fact = "nbns.name"
		suffix := name[15]
		v = append(v, '<', hexd[suffix>>4], hexd[suffix&0x0f], '>')
	}
	if !seen.add(fact, v) {
		return
	}
	if s := cleanValue(v); s != "" {
		e.Emit(about, fact, s)
	}
}
