package simulate

import (
	"fmt"
	"hash/fnv"
	"strconv"
)

// The address plan: site s (1 = main) uses 10.s.0.0/16; zone z takes the
// third octets 20z … 20z+19, one /24 per 240 hosts; main-site VLAN IDs are
// 100 + third octet, except the data centre, which is the native VLAN.
// 10.1.250.0/24 (VLAN 250) is the transit network of the core switch, the
// firewall and the WAN routers.

type zoneInfo struct {
	id, name string
	index    int
}

var zoneTable = []zoneInfo{
	{zED, "Emergency Department", 0},
	{zICU, "Intensive Care Unit", 1},
	{zTheatres, "Theatres", 2},
	{zWards, "Inpatient Wards", 3},
	{zRadiology, "Radiology", 4},
	{zPathology, "Pathology", 5},
	{zPharmacy, "Pharmacy", 6},
	{zOutpatient, "Outpatients", 7},
	{zDC, "Data Centre", 8},
	{zCorporate, "Corporate IT", 9},
	{zBMS, "Building Management", 10},
	{zGuest, "Guest and Mobile", 11},
}

const transitVLAN = 250

var wardNames = []string{"Ward 7B", "Ward 8A", "Ward 9", "Maple Ward", "Oak Ward", "Acute Medical Unit", "Ward 12 (Surgical)", "Children's Ward"}

// site is one hospital site.
type site struct {
	name   string
	code   string
	octet  byte
	routed bool
	router *device
	zones  []string // zones present at a satellite site
}

// subnet is one /24.
type subnet struct {
	site *site
	zone *zoneInfo
	net  [3]byte
	vlan uint16
	next int
	gw   *host // the core's SVI on main-site subnets
}

// host is one IP endpoint as packets show it.
type host struct {
	mac        [6]byte
	ip         [4]byte
	ip6        [16]byte
	vlan       uint16
	ttl        uint8
	hops       uint8 // routers between the host and the capture point
	linuxPorts bool
	ipid       uint16
	nextPort   uint16
	sub        *subnet
	via        *[6]byte // MAC its packets carry at the capture point, if not its own
	dev        *device
}

func zoneByID(id string) *zoneInfo {
	for i := range zoneTable {
		if zoneTable[i].id == id {
			return &zoneTable[i]
		}
	}
	return nil
}

// buildSites creates the main site and the satellites.
func (g *gen) buildSites() {
	g.sites = []*site{{name: "Royal Example Hospital", code: "RXH", octet: 1}}
	if g.cfg.Devices >= 40 {
		g.sites = append(g.sites, &site{name: "Northfield Community Hospital", code: "NCH", octet: 2, routed: true,
			zones: []string{zWards, zOutpatient, zRadiology, zCorporate, zPathology}})
	}
	if g.cfg.Devices >= 400 {
		g.sites = append(g.sites, &site{name: "Southgate Diagnostic Centre", code: "SDC", octet: 3, routed: true,
			zones: []string{zRadiology, zOutpatient, zCorporate}})
	}
	g.transit = &subnet{site: g.sites[0], zone: &zoneInfo{id: zTransit, name: "Transit", index: 12}, net: [3]byte{10, 1, 250}, vlan: transitVLAN, next: 2}
	g.subnets = append(g.subnets, g.transit)
}

// allocate returns a free address in zone z of site s.
func (g *gen) allocate(s *site, z *zoneInfo) (*subnet, byte) {
	if z.id == zTransit {
		n := g.transit.next
		g.transit.next++
		return g.transit, byte(n)
	}
	key := s.code + "/" + z.id
	list := g.bySubnet[key]
	if len(list) == 0 || list[len(list)-1].next > 250 {
		k := len(list)
		if k >= 20 {
			// The zone's octets are used up: keep filling the last subnet's
			// spare range would break /24 semantics, so wrap to the first
			// one with room (never happens below ~4800 hosts per zone).
			for _, sn := range list {
				if sn.next <= 250 {
					n := sn.next
					sn.next++
					return sn, byte(n)
				}
			}
			k = 19
		}
		third := byte(z.index*20 + k)
		sn := &subnet{site: s, zone: z, net: [3]byte{10, s.octet, third}, next: 10}
		if !s.routed && z.id != zDC {
			sn.vlan = 100 + uint16(third)
		}
		if !s.routed {
			sn.gw = &host{ip: [4]byte{10, s.octet, third, 1}, vlan: sn.vlan, ttl: 255, sub: sn}
		}
		list = append(list, sn)
		g.bySubnet[key] = list
		g.subnets = append(g.subnets, sn)
	}
	sn := list[len(list)-1]
	n := sn.next
	sn.next++
	return sn, byte(n)
}

// internetHost returns the host serving name, creating it on first use
// with an address derived from the name.
func (g *gen) internetHost(name string) *host {
	if h := g.inet[name]; h != nil {
		return h
	}
	f := fnv.New32a()
	f.Write([]byte(name))
	v := f.Sum32()
	firsts := []byte{13, 20, 23, 40, 52, 104, 142, 151, 172, 185}
	ip := [4]byte{firsts[v%uint32(len(firsts))], byte(v >> 8), byte(v >> 16), byte(v>>24) | 1}
	if ip[0] == 172 {
		ip[1] = 64 + ip[1]%64 // stay clear of 172.16.0.0/12
	}
	h := &host{ip: ip, ttl: 128 - 14, linuxPorts: true}
	if fw := g.roles["fw"]; fw != nil {
		h.via = &fw.h.mac
	} else {
		h.via = &g.core.h.mac
	}
	g.inet[name] = h
	g.inetList = append(g.inetList, h)
	return h
}

// path returns the Ethernet header and IP TTL of a packet from a to b as
// the core switch's SPAN port sees it.
func (g *gen) path(a, b *host) (link, uint8) {
	ttl := a.ttl - a.hops
	core := g.core.h.mac
	switch {
	case a.via != nil:
		return link{src: *a.via, dst: core, vlan: transitVLAN}, ttl
	case a.mac == core:
		if b.via != nil {
			return link{src: core, dst: *b.via, vlan: transitVLAN}, ttl
		}
		return link{src: core, dst: b.mac, vlan: b.vlan}, ttl
	case b.via == nil && a.sub == b.sub:
		return link{src: a.mac, dst: b.mac, vlan: a.vlan}, ttl
	}
	return link{src: a.mac, dst: core, vlan: a.vlan}, ttl
}

// rttBetween is the round-trip time in µs between two hosts.
func (g *gen) rttBetween(a, b *host) int64 {
	rtt := int64(150 + g.rng.IntN(250))
	for _, h := range []*host{a, b} {
		switch {
		case h.sub == nil:
			rtt += 15000 + int64(g.rng.IntN(10000))
		case h.via != nil:
			rtt += 6000 + int64(g.rng.IntN(4000))
		}
	}
	return rtt
}

func ipString(ip [4]byte) string {
	return strconv.Itoa(int(ip[0])) + "." + strconv.Itoa(int(ip[1])) + "." + strconv.Itoa(int(ip[2])) + "." + strconv.Itoa(int(ip[3]))
}

func (s *subnet) cidr() string {
	return fmt.Sprintf("%d.%d.%d.0/24", s.net[0], s.net[1], s.net[2])
}

func (s *subnet) broadcast() [4]byte { return [4]byte{s.net[0], s.net[1], s.net[2], 255} }
