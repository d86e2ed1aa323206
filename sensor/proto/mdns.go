package proto

// MDNS reads multicast DNS and DNS-SD (RFC 6762, 6763): the host names,
// advertised services, instance names and TXT descriptions (printer model,
// OS version) that devices announce about themselves.
var MDNS = DatagramDissector{Name: "mdns", Ports: []uint16{5353}, Parse: parseMDNS}

// mdnsTXTKeys are the TXT keys worth keeping, with their fact names spelled
// out so that emitting one allocates nothing. Keys compare without case
// (RFC 6763 6.4).
var mdnsTXTKeys = [...]struct{ key, fact string }{
	{"ty", "mdns.txt.ty"},
	{"md", "mdns.txt.md"},
	{"model", "mdns.txt.model"},
	{"mdl", "mdns.txt.mdl"},
	{"usb_MFG", "mdns.txt.usb_MFG"},
	{"usb_MDL", "mdns.txt.usb_MDL"},
	{"product", "mdns.txt.product"},
	{"manufacturer", "mdns.txt.manufacturer"},
	{"vendor", "mdns.txt.vendor"},
	{"fn", "mdns.txt.fn"},
	{"am", "mdns.txt.am"},
	{"osxvers", "mdns.txt.osxvers"},
	{"rpMd", "mdns.txt.rpMd"},
	{"deviceid", "mdns.txt.deviceid"},
}

// parseMDNS emits facts about the sender from the records it announces:
// every record of a response, but only the authority section of a query,
// where a probing host proposes its own records (RFC 6762 8.2). The answer
// section of a query holds other hosts' records the querier has cached.
func parseMDNS(d *Datagram, e Emitter) bool {
	var m dnsMsg
	if !parseDNSHeader(d.Payload, &m) || m.opcode() != 0 || m.rcode() != 0 {
		return false
	}
	var (
		buf  [dnsMaxName]byte
		seen seenSet
		rr   dnsRR
	)
	it := newDNSIter(&m)
	for it.next(&rr) {
		if rr.sec == secQuestion || (!m.response() && rr.sec != secAuthority) {
			continue
		}
		switch rr.typ {
		case dnsTypeA, dnsTypeAAAA:
			name, ok := dnsName(m.b, rr.name, buf[:])
			if !ok || !hasSuffixFold(name, ".local") {
				continue
			}
			emitOnce(e, d, &seen, "mdns.hostname", name[:len(name)-len(".local")])
		case dnsTypePTR:
			mdnsPTR(d, e, &m, &rr, &seen, buf[:])
		case dnsTypeSRV:
			mdnsInstance(d, e, &m, rr.name, &seen, buf[:])
		case dnsTypeTXT:
			mdnsTXT(d, e, rr.rdata, &seen)
		}
	}
	return true
}

// mdnsPTR handles the two PTR shapes of DNS-SD: the service type
// enumeration (_services._dns-sd._udp.local → _ipp._tcp.local) and a
// browse answer (_ipp._tcp.local → Instance._ipp._tcp.local).
func mdnsPTR(d *Datagram, e Emitter, m *dnsMsg, rr *dnsRR, seen *seenSet, buf []byte) {
	owner, ok := dnsName(m.b, rr.name, buf)
	if !ok {
		return
	}
	if equalFold(owner, "_services._dns-sd._udp.local") {
		target, ok := dnsName(m.b, rr.rdOff, buf)
		if !ok {
			return
		}
		if st, ok := serviceType(target); ok {
			emitOnce(e, d, seen, "mdns.service", st)
		}
		return
	}
	st, ok := serviceType(owner)
	if !ok {
		return // reverse-mapping PTRs and the like
	}
	emitOnce(e, d, seen, "mdns.service", st)
	mdnsInstance(d, e, m, rr.rdOff, seen, buf)
}

// mdnsInstance emits the instance and service type of a service instance
// name, "Front Desk Printer._ipp._tcp.local".
func mdnsInstance(d *Datagram, e Emitter, m *dnsMsg, off int, seen *seenSet, buf []byte) {
	label, rest, ok := dnsFirstLabel(m.b, off)
	if !ok || len(label) == 0 {
		return
	}
	st, ok := dnsName(m.b, rest, buf)
	if !ok {
		return
	}
	if st, ok = serviceType(st); !ok {
		return
	}
	emitOnce(e, d, seen, "mdns.service", st)
	emitOnce(e, d, seen, "mdns.instance", label)
}

// mdnsTXT emits the interesting key=value strings of a TXT record.
func mdnsTXT(d *Datagram, e Emitter, rdata []byte, seen *seenSet) {
	for len(rdata) > 0 {
		n := int(rdata[0])
		if 1+n > len(rdata) {
			return
		}
		kv := rdata[1 : 1+n]
		rdata = rdata[1+n:]
		eq := -1
		for i, c := range kv {
			if c == '=' {
				eq = i
				break
			}
		}
		if eq <= 0 {
			continue // a boolean attribute or an empty key
		}
		for _, k := range mdnsTXTKeys {
			if asciiEqualFold(kv[:eq], k.key) {
				emitOnce(e, d, seen, k.fact, kv[eq+1:])
				break
			}
		}
	}
}

// serviceType returns the "_app._tcp" part of a DNS-SD service name ending
// in .local, skipping a subtype ("_printer._sub._http._tcp.local").
func serviceType(name []byte) ([]byte, bool) {
	if !hasSuffixFold(name, ".local") {
		return nil, false
	}
	name = name[:len(name)-len(".local")]
	for i := 0; i+6 <= len(name); i++ {
		if name[i] == '.' && asciiEqualFold(name[i:i+6], "._sub.") {
			name = name[i+6:]
			break
		}
	}
	if len(name) < len("_x._tcp") || name[0] != '_' ||
		!(hasSuffixFold(name, "._tcp") || hasSuffixFold(name, "._udp")) {
		return nil, false
	}
	for _, c := range name[1 : len(name)-5] {
		if c == '.' {
			return nil, false
		}
	}
	return name, true
}

// asciiEqualFold reports whether a equals b ignoring ASCII case.
func asciiEqualFold(a []byte, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// emitOnce emits fact=v about the datagram's sender unless v is empty or
// was already emitted for this message.
func emitOnce(e Emitter, d *Datagram, seen *seenSet, fact string, v []byte) {
	if len(v) == 0 || !seen.add(fact, v) {
		return
	}
	if s := cleanValue(v); s != "" {
		e.Emit(d.Src, fact, s)
	}
}
