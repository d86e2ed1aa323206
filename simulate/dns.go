package simulate

import "strings"

// DNS family messages: unicast DNS, mDNS/DNS-SD announcements, LLMNR
// queries and NetBIOS name registrations. Names are written without
// compression except where one record points back at the question.

const (
	dnsTypeA    = 1
	dnsTypePTR  = 12
	dnsTypeTXT  = 16
	dnsTypeAAAA = 28
	dnsTypeSRV  = 33
	dnsTypeNB   = 32
)

// appendDNSName appends name as DNS labels. Labels longer than 63 bytes are
// cut: the catalog never has them, this only keeps the wire legal.
func appendDNSName(b []byte, name string) []byte {
	for name != "" {
		label := name
		rest := ""
		if i := strings.IndexByte(name, '.'); i >= 0 {
			label, rest = name[:i], name[i+1:]
		}
		if len(label) > 63 {
			label = label[:63]
		}
		if label != "" {
			b = append(b, byte(len(label)))
			b = append(b, label...)
		}
		name = rest
	}
	return append(b, 0)
}

func dnsHeader(b []byte, id, flags, qd, an, ns, ar uint16) []byte {
	b = be16(b, id)
	b = be16(b, flags)
	b = be16(b, qd)
	b = be16(b, an)
	b = be16(b, ns)
	return be16(b, ar)
}

// dnsQuery builds a recursive query for name.
func dnsQuery(b []byte, id uint16, name string, qtype uint16) []byte {
	b = dnsHeader(b, id, 0x0100, 1, 0, 0, 0)
	b = appendDNSName(b, name)
	b = be16(b, qtype)
	return be16(b, 1)
}

// dnsAnswerA builds the response to dnsQuery with one A record per
// address, each pointing back at the question name.
func dnsAnswerA(b []byte, id uint16, name string, ttl uint32, addrs ...[4]byte) []byte {
	b = dnsHeader(b, id, 0x8180, 1, uint16(len(addrs)), 0, 0)
	b = appendDNSName(b, name)
	b = be16(b, dnsTypeA)
	b = be16(b, 1)
	for _, a := range addrs {
		b = append(b, 0xc0, 12)
		b = be16(b, dnsTypeA)
		b = be16(b, 1)
		b = be32(b, ttl)
		b = be16(b, 4)
		b = append(b, a[:]...)
	}
	return b
}

// dnsAnswerTXT builds a TXT response: used for the few answers too large for
// one Ethernet frame, which then travel as IPv4 fragments.
func dnsAnswerTXT(b []byte, id uint16, name string, txt []string) []byte {
	b = dnsHeader(b, id, 0x8180, 1, uint16(len(txt)), 0, 0)
	b = appendDNSName(b, name)
	b = be16(b, dnsTypeTXT)
	b = be16(b, 1)
	for _, s := range txt {
		b = append(b, 0xc0, 12)
		b = be16(b, dnsTypeTXT)
		b = be16(b, 1)
		b = be32(b, 300)
		b = be16(b, uint16(1+len(s)))
		b = append(b, byte(len(s)))
		b = append(b, s...)
	}
	return b
}

// rr appends a resource record with an uncompressed owner name.
func rr(b []byte, name string, typ uint16, cacheFlush bool, ttl uint32, rdata []byte) []byte {
	b = appendDNSName(b, name)
	b = be16(b, typ)
	class := uint16(1)
	if cacheFlush {
		class |= 0x8000
	}
	b = be16(b, class)
	b = be32(b, ttl)
	b = be16(b, uint16(len(rdata)))
	return append(b, rdata...)
}

// mdnsService is one DNS-SD service a device announces.
type mdnsService struct {
	typ  string   // "_ipp._tcp"
	port uint16   // SRV port
	txt  []string // "key=value"
}

// mdnsAnnounce builds an unsolicited mDNS response announcing host.local
// (A or AAAA), and for each service its PTR, SRV and TXT records.
func mdnsAnnounce(b []byte, host, instance string, ip4 [4]byte, ip6 *[16]byte, svcs []mdnsService) []byte {
	n := 1 + 3*len(svcs)
	b = dnsHeader(b, 0, 0x8400, 0, uint16(n), 0, 0)
	target := host + ".local"
	for _, s := range svcs {
		inst := instance + "." + s.typ + ".local"
		b = rr(b, s.typ+".local", dnsTypePTR, false, 4500, appendDNSName(nil, inst))
		srv := []byte{0, 0, 0, 0, byte(s.port >> 8), byte(s.port)}
		b = rr(b, inst, dnsTypeSRV, true, 120, appendDNSName(srv, target))
		var txt []byte
		for _, kv := range s.txt {
			if len(kv) > 255 {
				kv = kv[:255]
			}
			txt = append(txt, byte(len(kv)))
			txt = append(txt, kv...)
		}
		if len(txt) == 0 {
			txt = []byte{0}
		}
		b = rr(b, inst, dnsTypeTXT, true, 4500, txt)
	}
	if ip6 != nil {
		return rr(b, target, dnsTypeAAAA, true, 120, ip6[:])
	}
	return rr(b, target, dnsTypeA, true, 120, ip4[:])
}

// llmnrQuery builds an LLMNR (RFC 4795) query for a single-label name.
func llmnrQuery(b []byte, id uint16, name string) []byte {
	b = dnsHeader(b, id, 0, 1, 0, 0, 0)
	b = appendDNSName(b, name)
	b = be16(b, dnsTypeA)
	return be16(b, 1)
}

// nbName appends a NetBIOS name in first-level encoding (RFC 1001 14.1):
// 15 characters padded with spaces plus the suffix byte, each nibble
// written as 'A'+n.
func nbName(b []byte, name string, suffix byte) []byte {
	var raw [16]byte
	for i := range 15 {
		raw[i] = ' '
		if i < len(name) {
			c := name[i]
			if c >= 'a' && c <= 'z' {
				c -= 'a' - 'A'
			}
			raw[i] = c
		}
	}
	raw[15] = suffix
	b = append(b, 32)
	for _, c := range raw {
		b = append(b, 'A'+c>>4, 'A'+c&0x0f)
	}
	return append(b, 0)
}

// nbnsRegister builds a broadcast NetBIOS name registration request.
func nbnsRegister(b []byte, id uint16, name string, suffix byte, group bool, ip [4]byte) []byte {
	b = dnsHeader(b, id, 0x2910, 1, 0, 0, 1) // opcode 5 registration, RD, broadcast
	b = nbName(b, name, suffix)
	b = be16(b, dnsTypeNB)
	b = be16(b, 1)
	b = append(b, 0xc0, 12)
	b = be16(b, dnsTypeNB)
	b = be16(b, 1)
	b = be32(b, 300000)
	b = be16(b, 6)
	if group {
		b = be16(b, 0x8000)
	} else {
		b = be16(b, 0)
	}
	return append(b, ip[:]...)
}
