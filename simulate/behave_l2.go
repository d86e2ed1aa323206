package simulate

import (
	"fmt"
	"strings"
)

// Link-local behaviours: ARP, DHCP, NetBIOS, LLMNR, DHCPv6, SSDP, mDNS,
// LLDP and CDP. Only main-site devices run them: a router does not forward
// broadcasts, so satellite devices never show them at the capture point.

var (
	mdnsIP4  = [4]byte{224, 0, 0, 251}
	llmnrIP4 = [4]byte{224, 0, 0, 252}
	ssdpIP4  = [4]byte{239, 255, 255, 250}
	mdnsIP6  = [16]byte{0xff, 0x02, 15: 0xfb}
	llmnrIP6 = [16]byte{0xff, 0x02, 13: 1, 15: 3}
	dhcp6IP6 = [16]byte{0xff, 0x02, 13: 1, 15: 2}
)

const domainName = "nhs-trust.local"

// gateway returns the core's interface on d's subnet.
func (g *gen) gateway(sn *subnet) *host {
	if sn == g.transit && sn.gw == nil {
		sn.gw = &host{ip: [4]byte{10, 1, 250, 1}, vlan: transitVLAN, ttl: 255, sub: sn}
	}
	if sn.gw == nil {
		return nil
	}
	sn.gw.mac = g.core.h.mac
	return sn.gw
}

func (g *gen) udpFrom(at int64, a, b *host, sport, dport uint16, payload []byte) {
	l, ttl := g.path(a, b)
	a.ipid++
	g.o.udp4(at, l, a.ip, b.ip, ttl, a.ipid, sport, dport, payload)
	if a.dev != nil {
		a.dev.noteIP(a.ip)
	}
}

// udpLocal sends to a broadcast or multicast group on a's own segment.
func (g *gen) udpLocal(at int64, a *host, dstMAC [6]byte, dst [4]byte, ttl uint8, sport, dport uint16, payload []byte) {
	a.ipid++
	g.o.udp4(at, link{src: a.mac, dst: dstMAC, vlan: a.vlan}, a.ip, dst, ttl, a.ipid, sport, dport, payload)
	if a.dev != nil {
		a.dev.noteIP(a.ip)
	}
}

func (g *gen) doARP(d *device, at int64, count int) {
	h := &d.h
	if count == 0 {
		b := arpPacket(g.buf[0][:0], 1, h.mac, h.ip, [6]byte{}, h.ip)
		g.o.ether(at, link{src: h.mac, dst: broadcastMAC, vlan: h.vlan}, etherARP, b)
		g.buf[0] = b
		d.noteIP(h.ip)
	}
	gw := g.gateway(h.sub)
	if gw == nil || d == g.core {
		return
	}
	b := arpPacket(g.buf[0][:0], 1, h.mac, h.ip, [6]byte{}, gw.ip)
	g.o.ether(at+1000, link{src: h.mac, dst: broadcastMAC, vlan: h.vlan}, etherARP, b)
	b = arpPacket(b[:0], 2, gw.mac, gw.ip, h.mac, h.ip)
	g.o.ether(at+1300, link{src: gw.mac, dst: h.mac, vlan: h.vlan}, etherARP, b)
	g.buf[0] = b
	d.noteIP(h.ip)
	g.core.noteIP(gw.ip)
}

func (g *gen) dhcpStyleOf(d *device) *dhcpStyle {
	st := *d.fam.st.dhcp
	if d.fam.vendorClass != "" {
		st.vendorClass = d.fam.vendorClass
	}
	return &st
}

func (g *gen) doDHCP(d *device, at int64, count int) {
	h := &d.h
	st := g.dhcpStyleOf(d)
	server := g.gateway(h.sub)
	if server == nil {
		return
	}
	srvIP := server.ip
	dc := g.role("dc")
	if dc != nil {
		srvIP = dc.h.ip
	}
	dns := srvIP
	xid := g.rng.Uint32()
	var zero [4]byte
	b := g.buf[0][:0]
	if count == 0 || dc == nil {
		cl := &host{mac: h.mac, vlan: h.vlan, ttl: h.ttl}
		b = dhcpClientMsg(b, st, dhcpDiscover, xid, 0, h.mac, zero, h.ip, zero, d.hostname)
		g.udpLocal(at, cl, broadcastMAC, broadcastIP, h.ttl, 68, 67, b)
		b = dhcpServerMsg(b[:0], dhcpOffer, xid, h.mac, zero, h.ip, server.ip, srvIP, server.ip, dns, false)
		g.o.udp4(at+2500, link{src: server.mac, dst: h.mac, vlan: h.vlan}, server.ip, h.ip, 255, uint16(xid), 67, 68, b)
		b = dhcpClientMsg(b[:0], st, dhcpRequest, xid, 1, h.mac, zero, h.ip, srvIP, d.hostname)
		g.udpLocal(at+1e6, cl, broadcastMAC, broadcastIP, h.ttl, 68, 67, b)
		b = dhcpServerMsg(b[:0], dhcpAck, xid, h.mac, zero, h.ip, server.ip, srvIP, server.ip, dns, false)
		g.o.udp4(at+1e6+2500, link{src: server.mac, dst: h.mac, vlan: h.vlan}, server.ip, h.ip, 255, uint16(xid)+1, 67, 68, b)
		g.core.noteIP(server.ip)
	} else {
		// Renewal: unicast straight to the server.
		b = dhcpClientMsg(b, st, dhcpRequest, xid, 0, h.mac, h.ip, zero, zero, d.hostname)
		g.udpFrom(at, h, &dc.h, 68, 67, b)
		b = dhcpServerMsg(b[:0], dhcpAck, xid, h.mac, h.ip, h.ip, zero, srvIP, server.ip, dns, false)
		g.udpFrom(at+1800, &dc.h, h, 67, 68, b)
	}
	g.buf[0] = b
	if st.hostname && d.hostname != "" {
		d.shownHost = true
	}
	if d.fam.st == stAndroid || (d.fam.os != nil && strings.Contains(st.vendorClass, "Linux-")) {
		d.shownOS = true
	}
	d.noteIP(h.ip)
}

// netbiosName is the 15-character upper-case NetBIOS form of a host name.
func netbiosName(s string) string {
	s = strings.ToUpper(s)
	if len(s) > 15 {
		s = s[:15]
	}
	return s
}

func (g *gen) doNBNS(d *device, at int64) {
	h := &d.h
	name := netbiosName(d.hostname)
	bc := h.sub.broadcast()
	id := uint16(g.rng.Uint32())
	b := nbnsRegister(g.buf[0][:0], id, name, 0x00, false, h.ip)
	g.udpLocal(at, h, broadcastMAC, bc, h.ttl, 137, 137, b)
	b = nbnsRegister(b[:0], id+1, "NHSTRUST", 0x00, true, h.ip)
	g.udpLocal(at+400, h, broadcastMAC, bc, h.ttl, 137, 137, b)
	if d.fam.smb || d.fam.role != "" {
		b = nbnsRegister(b[:0], id+2, name, 0x20, false, h.ip)
		g.udpLocal(at+800, h, broadcastMAC, bc, h.ttl, 137, 137, b)
	}
	g.buf[0] = b
	d.shownHost = true
}

func (g *gen) doLLMNR(d *device, at int64) {
	h := &d.h
	names := []string{"wpad", "PRINTSRV01", "isatap", "FILESERVER"}
	name := names[g.rng.IntN(len(names))]
	id := uint16(g.rng.Uint32())
	port := h.ephemeral(g)
	b := llmnrQuery(g.buf[0][:0], id, name)
	g.udpLocal(at, h, multicastMAC4(llmnrIP4), llmnrIP4, 1, port, 5355, b)
	h.ipid++
	g.o.udp6(at+150, link{src: h.mac, dst: multicastMAC6(llmnrIP6), vlan: h.vlan}, h.ip6, llmnrIP6, 1, port+1, 5355, b)
	g.buf[0] = b
}

func (g *gen) doDHCPv6(d *device, at int64) {
	h := &d.h
	b := dhcpv6Solicit(g.buf[0][:0], g.rng.Uint32()&0xffffff, h.mac, 0x2c000000+g.rng.Uint32()%0x1000000, g.rng.Uint32(), d.hostname+"."+domainName)
	g.o.udp6(at, link{src: h.mac, dst: multicastMAC6(dhcp6IP6), vlan: h.vlan}, h.ip6, dhcp6IP6, 1, 546, 547, b)
	g.buf[0] = b
}

func (g *gen) doSSDPSearch(d *device, at int64) {
	h := &d.h
	b := ssdpSearch(g.buf[0][:0], "Microsoft Edge/120.0.2210.91 Windows")
	g.udpLocal(at, h, multicastMAC4(ssdpIP4), ssdpIP4, 2, h.ephemeral(g), 1900, b)
	g.buf[0] = b
}

func (g *gen) doSSDPNotify(d *device, at int64) {
	h := &d.h
	loc := "http://" + ipString(h.ip) + ":49152/rootDesc.xml"
	uuid := fmt.Sprintf("%08x-0000-1000-8000-%012x", d.n, h.mac[:])
	b := ssdpNotify(g.buf[0][:0], d.fam.ssdp, loc, uuid)
	g.udpLocal(at, h, multicastMAC4(ssdpIP4), ssdpIP4, 2, 1900, 1900, b)
	g.buf[0] = b
}

func (g *gen) doMDNS(d *device, at int64) {
	h := &d.h
	svcs := make([]mdnsService, len(d.fam.mdns))
	copy(svcs, d.fam.mdns)
	macHex := fmt.Sprintf("%X", h.mac[:])
	for i := range svcs {
		txt := make([]string, len(svcs[i].txt))
		for j, kv := range svcs[i].txt {
			if strings.HasPrefix(kv, "macaddress=") {
				kv = "macaddress=" + macHex
			}
			txt[j] = kv
		}
		svcs[i].txt = txt
	}
	hostName := d.hostname
	if hostName == "" {
		hostName = "device-" + macHex[6:]
	}
	instance := hostName
	if d.fam.category == "printer" {
		for _, kv := range svcs[0].txt {
			if strings.HasPrefix(kv, "ty=") {
				instance = kv[3:] + " [" + macHex[6:] + "]"
			}
		}
	}
	b := mdnsAnnounce(g.buf[0][:0], hostName, instance, h.ip, nil, svcs)
	g.udpLocal(at, h, multicastMAC4(mdnsIP4), mdnsIP4, 255, 5353, 5353, b)
	// The same announcement over IPv6, with the link-local address.
	b = mdnsAnnounce(b[:0], hostName, instance, h.ip, &h.ip6, svcs)
	g.o.udp6(at+300, link{src: h.mac, dst: multicastMAC6(mdnsIP6), vlan: h.vlan}, h.ip6, mdnsIP6, 255, 5353, 5353, b)
	g.buf[0] = b
	if d.hostname != "" {
		d.shownHost = true
	}
	if d.fam.os != nil {
		d.shownOS = true
	}
}

func (g *gen) doLLDP(d *device, at int64) {
	h := &d.h
	port, portDesc := "gi1/0/1", "GigabitEthernet1/0/1"
	if d.fam.lldp.med != nil {
		port, portDesc = "1", "LAN port"
	}
	b := lldpFrame(g.buf[0][:0], h.mac, port, portDesc, d.hostname, d.fam.lldp, h.ip)
	g.o.ether(at, link{src: h.mac, dst: lldpMAC}, etherLLDP, b)
	g.buf[0] = b
	g.noteL2(d)
}

func (g *gen) doCDP(d *device, at int64) {
	h := &d.h
	port := "GigabitEthernet1/0/1"
	if d.fam.category == "voip_phone" {
		port = "Port 1"
	}
	b := cdpFrame(g.buf[0][:0], d.hostname, port, h.ip, d.fam.cdp, max(h.vlan, 1))
	g.o.llc(at, link{src: h.mac, dst: cdpMAC}, b)
	g.buf[0] = b
	g.noteL2(d)
}

func (g *gen) noteL2(d *device) {
	if d.hostname != "" {
		d.shownHost = true
	}
	if d.fam.os != nil {
		d.shownOS = true
	}
	d.noteIP(d.h.ip)
}

// doPDE sends IntelliVue data export datagrams to the information centre.
func (g *gen) doPDE(d *device, at int64) {
	pic := g.role("mon:Philips")
	if pic == nil {
		return
	}
	b := g.buf[0][:0]
	for i := range 3 {
		b = appendFill(b[:0], 120+g.rng.IntN(200), byte(i))
		g.udpFrom(at+int64(i)*20000, &d.h, &pic.h, 24105, 24105, b)
		b = appendFill(b[:0], 60+g.rng.IntN(60), byte(i+7))
		g.udpFrom(at+int64(i)*20000+900, &pic.h, &d.h, 24105, 24105, b)
	}
	g.buf[0] = b
}
