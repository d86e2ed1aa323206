package simulate

import (
	"strings"
	"time"
)

// Unicast IP behaviours other than the clinical protocols and SMB: DNS,
// SNMP polling, TLS, HTTP, printing, banners, RDP and LDAP.

// fqdn is a device's name in the trust's DNS domain.
func (d *device) fqdn() string {
	return strings.ToLower(d.hostname) + "." + domainName
}

// dnsServer returns the DNS server a device asks (the first or second DC).
func (g *gen) dnsServer(n int) *device {
	if n%4 == 3 {
		if dc2 := g.role("dc2"); dc2 != nil {
			return dc2
		}
	}
	return g.role("dc")
}

// endpoint resolves a name from a family's sni list: "@pump" and "@muse"
// name the maker's pump server and the ECG server; anything else is an
// internet host.
func (g *gen) endpoint(d *device, name string) (*host, string) {
	switch name {
	case "@pump":
		s := g.role("pump:" + d.fam.maker)
		if s == nil || s.hostname == "" {
			return nil, ""
		}
		return &s.h, s.fqdn()
	case "@muse":
		s := g.role("muse")
		if s == nil || s.hostname == "" {
			return nil, ""
		}
		return &s.h, s.fqdn()
	}
	return g.internetHost(name), name
}

var windowsLookups = []string{"www.msftconnecttest.com", "ctldl.windowsupdate.com", "settings-win.data.microsoft.com", "@fs", "@dc"}

func (g *gen) doDNS(d *device, at int64, count int) {
	srv := g.dnsServer(count)
	if srv == nil || srv == d {
		return
	}
	var name string
	var addr [4]byte
	if len(d.fam.sni) > 0 && (count%2 == 0 || !d.fam.st.windows) {
		h, n := g.endpoint(d, d.fam.sni[(count/2)%len(d.fam.sni)])
		if h == nil {
			return
		}
		name, addr = n, h.ip
	} else {
		switch n := windowsLookups[count%len(windowsLookups)]; n {
		case "@fs", "@dc":
			s := g.role(n[1:])
			if s == nil {
				return
			}
			name, addr = s.fqdn(), s.h.ip
		default:
			name, addr = n, g.internetHost(n).ip
		}
	}
	id := uint16(g.rng.Uint32())
	port := d.h.ephemeral(g)
	b := dnsQuery(g.buf[0][:0], id, name, dnsTypeA)
	g.udpFrom(at, &d.h, &srv.h, port, 53, b)
	b = dnsAnswerA(b[:0], id, name, 300, addr)
	g.udpFrom(at+g.rttBetween(&d.h, &srv.h), &srv.h, &d.h, 53, port, b)
	g.buf[0] = b
}

// doBigDNS asks for the domain's TXT records, an answer large enough to
// travel as IPv4 fragments.
func (g *gen) doBigDNS(d *device, at int64) {
	srv := g.role("dc")
	if srv == nil || srv == d {
		return
	}
	var txt []string
	for i := range 12 {
		s := "ms-domain-verification=" + strings.Repeat(string(rune('a'+i)), 200)
		txt = append(txt, s)
	}
	id := uint16(g.rng.Uint32())
	port := d.h.ephemeral(g)
	b := dnsQuery(g.buf[0][:0], id, domainName, dnsTypeTXT)
	g.udpFrom(at, &d.h, &srv.h, port, 53, b)
	b = dnsAnswerTXT(b[:0], id, domainName, txt)
	g.udpFrom(at+800, &srv.h, &d.h, 53, port, b)
	g.buf[0] = b
}

func (g *gen) doSNMP(d *device, at int64) {
	nms := g.role("nms")
	if nms == nil {
		return
	}
	id := g.rng.Uint32() >> 1
	port := nms.h.ephemeral(g)
	b := snmpMessage(g.buf[0][:0], "public", 0xa0, id, snmpSystemVars("", "", "", 0, true))
	g.udpFrom(at, &nms.h, &d.h, port, 161, b)
	name := d.hostname
	if name == "" {
		name = strings.ToLower(d.fam.id)
	}
	up := uint32((at - g.start) / 10000)
	b = snmpMessage(b[:0], "public", 0xa2, id, snmpSystemVars(d.fam.snmp.descr, d.fam.snmp.oid, name, 8640000+up, false))
	g.udpFrom(at+g.rttBetween(&nms.h, &d.h), &d.h, &nms.h, 161, port, b)
	g.buf[0] = b
	if d.hostname != "" {
		d.shownHost = true
	}
	if d.fam.os != nil {
		d.shownOS = true
	}
}

// modernTLS reports whether a stack offers TLS 1.3.
func modernTLS(st *stack) bool {
	return st == stWin10 || st == stWin11 || st == stAndroid || st == stApple || st.ver.major == 10
}

// tlsSession runs a TLS handshake and an exchange of application data.
func (g *gen) tlsSession(at int64, c, s *host, port uint16, sni string, tls13 bool, up, down int) {
	cn := g.dial(at, c, s, port)
	b := tlsClientHello(g.buf[1][:0], g, sni, tls13, "http/1.1")
	cn.send(true, b)
	cn.t += 2000
	b = tlsServerHello(b[:0], g, tls13)
	cn.send(false, b)
	b = tlsClientFinish(b[:0], g)
	b = tlsAppData(b, g, up)
	cn.send(true, b)
	cn.t += 5000
	b = tlsAppData(b[:0], g, down)
	cn.send(false, b)
	g.buf[1] = b
	cn.close()
}

func (g *gen) doTLS(d *device, at int64, count int) {
	s, sni := g.endpoint(d, d.fam.sni[count%len(d.fam.sni)])
	if s == nil {
		return
	}
	down := int(float64(2000+g.rng.IntN(30000)) * g.cfg.Bulk)
	g.tlsSession(at, &d.h, s, 443, sni, modernTLS(d.fam.st), 400+g.rng.IntN(1500), down)
	d.noteIP(d.h.ip)
}

func (g *gen) httpDate(at int64) string {
	return time.UnixMicro(at).UTC().Format(time.RFC1123[:len(time.RFC1123)-3] + "GMT")
}

func (g *gen) doWinUpdate(d *device, at int64) {
	s := g.internetHost("download.windowsupdate.com")
	cn := g.dial(at, &d.h, s, 80)
	b := httpRequest(g.buf[1][:0], "/c/msdownload/update/software/secu/2026/10/windows10.0-kb5044273-x64_a3c2f1.cab", "download.windowsupdate.com", "Microsoft-Delivery-Optimization/10.0")
	cn.send(true, b)
	cn.t += 20000
	n := int(float64(128<<10+g.rng.IntN(512<<10)) * g.cfg.Bulk)
	g.bulk = httpDownload(g.bulk[:0], "Microsoft-IIS/10.0", g.httpDate(cn.t), n, byte(d.n))
	cn.send(false, g.bulk)
	g.buf[1] = b
	cn.close()
	d.noteIP(d.h.ip)
}

// doHTTPClient is a device's own plain-HTTP request: connectivity checks
// (Windows NCSI, Android, Apple captive-portal probes) and firmware
// update polls, each with the client's User-Agent.
func (g *gen) doHTTPClient(d *device, at int64) {
	ua, url := d.fam.ua, d.fam.uaURL
	if ua == "" {
		ua, url = "Microsoft NCSI", "www.msftconnecttest.com/connecttest.txt"
	}
	hostName, path, _ := strings.Cut(url, "/")
	s := g.internetHost(hostName)
	cn := g.dial(at, &d.h, s, 80)
	b := httpRequest(g.buf[1][:0], "/"+path, hostName, ua)
	cn.send(true, b)
	cn.t += 15000
	b = httpPage(b[:0], "", "Connectivity", g.httpDate(cn.t))
	cn.send(false, b)
	g.buf[1] = b
	cn.close()
}

// printerFor picks a main-site printer for d, deterministically.
func (g *gen) printerFor(d *device) *device {
	if len(g.printers) == 0 {
		return nil
	}
	return g.printers[(d.n*7+int(d.h.ip[3]))%len(g.printers)]
}

func (g *gen) doPrint(d *device, at int64) {
	p := g.printerFor(d)
	if p == nil {
		return
	}
	cn := g.dial(at, &d.h, &p.h, 9100)
	g.bulk = append(g.bulk[:0], "\x1b%-12345X@PJL JOB NAME=\"Discharge letter\"\r\n@PJL ENTER LANGUAGE=POSTSCRIPT\r\n%!PS-Adobe-3.0\n"...)
	n := int(float64(30000+g.rng.IntN(200000)) * g.cfg.Bulk)
	g.bulk = appendFill(g.bulk, n, byte(d.n))
	g.bulk = append(g.bulk, "\n%%EOF\n\x1b%-12345X@PJL EOJ\r\n\x1b%-12345X"...)
	cn.send(true, g.bulk)
	cn.close()
	d.noteIP(d.h.ip)
}

const browserUA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91"

// admin returns the host an administrator works from.
func (g *gen) admin(not *device) *device {
	for _, r := range []string{"jump", "nms", "dc"} {
		if a := g.role(r); a != nil && a != not {
			return a
		}
	}
	return nil
}

func (g *gen) doWeb(d *device, at int64) {
	a := g.admin(d)
	if a == nil {
		return
	}
	w := d.fam.web
	cn := g.dial(at, &a.h, &d.h, w.port)
	b := httpRequest(g.buf[1][:0], "/", ipString(d.h.ip), browserUA)
	cn.send(true, b)
	cn.t += 3000
	b = httpPage(b[:0], w.server, w.title, g.httpDate(cn.t))
	cn.send(false, b)
	g.buf[1] = b
	cn.close()
	d.noteIP(d.h.ip)
}

func (g *gen) doSSH(d *device, at int64) {
	a := g.admin(d)
	if a == nil {
		return
	}
	client := "SSH-2.0-PuTTY_Release_0.80"
	if a.fam.role == "nms" {
		client = "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6"
	}
	cn := g.dial(at, &a.h, &d.h, 22)
	cn.t += 2000
	cn.send(false, []byte(d.fam.ssh+"\r\n"))
	cn.send(true, []byte(client+"\r\n"))
	cn.close()
	d.noteIP(d.h.ip)
}

func (g *gen) doTelnet(d *device, at int64) {
	a := g.admin(d)
	if a == nil {
		return
	}
	cn := g.dial(at, &a.h, &d.h, 23)
	cn.t += 3000
	cn.send(false, telnetGreeting(g.buf[1][:0], d.fam.tel))
	cn.send(true, telnetClientOpts)
	cn.close()
	d.noteIP(d.h.ip)
}

func (g *gen) doFTP(d *device, at int64) {
	a := g.admin(d)
	if a == nil {
		return
	}
	cn := g.dial(at, &a.h, &d.h, 21)
	cn.t += 2000
	cn.send(false, []byte(d.fam.ftp+"\r\n"))
	cn.t += 400000
	cn.send(true, []byte("USER anonymous\r\n"))
	cn.send(false, []byte("331 Password required for anonymous.\r\n"))
	cn.send(true, []byte("QUIT\r\n"))
	cn.send(false, []byte("221 Goodbye.\r\n"))
	cn.close()
	d.noteIP(d.h.ip)
}

// doRDP is a supplier's engineer connecting from the jump host.
func (g *gen) doRDP(d *device, at int64) {
	j := g.role("jump")
	if j == nil {
		return
	}
	user := serviceAccount(d.fam.maker)
	cn := g.dial(at, &j.h, &d.h, 3389)
	b := rdpConnectionRequest(g.buf[1][:0], user)
	cn.send(true, b)
	cn.t += 3000
	cn.send(false, rdpConnectionConfirm(b[:0]))
	b = tlsClientHello(b[:0], g, "", false, "")
	cn.send(true, b)
	cn.t += 3000
	cn.send(false, tlsServerHello(b[:0], g, false))
	b = tlsClientFinish(b[:0], g)
	b = tlsAppData(b, g, 1500)
	cn.send(true, b)
	n := int(float64(50000+g.rng.IntN(250000)) * g.cfg.Bulk)
	g.bulk = tlsAppData(g.bulk[:0], g, n)
	cn.t += 10000
	cn.send(false, g.bulk)
	g.buf[1] = b
	cn.close()
	d.noteIP(d.h.ip)
}

// doLDAP asks the domain controller for its root DSE, as the DC locator
// does.
func (g *gen) doLDAP(d *device, at int64) {
	dc := g.role("dc")
	if dc == nil || dc == d {
		return
	}
	var attrs []byte
	attrs = berTLV(attrs, 0x04, []byte("dnsHostName"))
	attrs = berTLV(attrs, 0x04, []byte("defaultNamingContext"))
	var sr []byte
	sr = berTLV(sr, 0x04, nil)
	sr = append(sr, 0x0a, 1, 0, 0x0a, 1, 0, 0x02, 1, 0, 0x02, 1, 0, 0x01, 1, 0)
	sr = berTLV(sr, 0x87, []byte("objectClass"))
	sr = berTLV(sr, 0x30, attrs)
	var msg []byte
	msg = berInt(msg, 0x02, 1)
	msg = berTLV(msg, 0x63, sr)
	req := berTLV(nil, 0x30, msg)

	val := func(name, v string) []byte {
		var a []byte
		a = berTLV(a, 0x04, []byte(name))
		a = berTLV(a, 0x31, berTLV(nil, 0x04, []byte(v)))
		return berTLV(nil, 0x30, a)
	}
	var pal []byte
	pal = append(pal, val("dnsHostName", dc.fqdn())...)
	pal = append(pal, val("defaultNamingContext", "DC=nhs-trust,DC=local")...)
	var entry []byte
	entry = berTLV(entry, 0x04, nil)
	entry = berTLV(entry, 0x30, pal)
	var m1 []byte
	m1 = berInt(m1, 0x02, 1)
	m1 = berTLV(m1, 0x64, entry)
	resp := berTLV(nil, 0x30, m1)
	var done []byte
	done = append(done, 0x0a, 1, 0)
	done = berTLV(done, 0x04, nil)
	done = berTLV(done, 0x04, nil)
	var m2 []byte
	m2 = berInt(m2, 0x02, 1)
	m2 = berTLV(m2, 0x65, done)
	resp = append(resp, berTLV(nil, 0x30, m2)...)

	cn := g.dial(at, &d.h, &dc.h, 389)
	cn.exchange(req, resp, 800)
	cn.close()
}
