package proto

// LLMNR reads Link-Local Multicast Name Resolution (RFC 4795), which
// Windows hosts use beside NetBIOS to find each other by single-label name.
var LLMNR = DatagramDissector{Name: "llmnr", Ports: []uint16{5355}, Parse: parseLLMNR}

// parseLLMNR emits llmnr.name about the querier for each name it asks for,
// and about the responder for each name it answers with an address: an
// LLMNR responder answers only for its own names (RFC 4795 2.3).
func parseLLMNR(d *Datagram, e Emitter) bool {
	var m dnsMsg
	// LLMNR uses the DNS header with opcode 0 and exactly one question.
	if !parseDNSHeader(d.Payload, &m) || m.opcode() != 0 || m.qd != 1 {
		return false
	}
	var (
		buf  [dnsMaxName]byte
		seen seenSet
		rr   dnsRR
	)
	it := newDNSIter(&m)
	for it.next(&rr) {
		switch {
		case !m.response() && rr.sec == secQuestion:
		case m.response() && rr.sec == secAnswer && m.rcode() == 0:
			if _, ok := rdataAddr(&rr); !ok {
				continue
			}
		default:
			continue
		}
		name, ok := dnsName(m.b, rr.name, buf[:])
		if !ok || hasSuffixFold(name, ".arpa") {
			continue
		}
		emitOnce(e, d, &seen, "llmnr.name", name)
	}
	return true
}
