package inventory

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// routerThreshold is how many distinct IPv4 source addresses a MAC may send
// from, beyond those it claims by ARP or DHCP, before it is taken for a
// router fronting other hosts. Renumbering without a captured DHCP exchange
// gives a device two or three.
const routerThreshold = 4

// Options tune device resolution.
type Options struct {
	// Vendor names the IEEE organisation of a MAC prefix ("" if unknown).
	Vendor func(cordon.MAC) string
	// Virtual names the virtualisation platform whose default prefix a MAC
	// carries ("" if none).
	Virtual func(cordon.MAC) string
	// Internal reports whether an address belongs to the hospital's own
	// networks, so that a host seen only through a router is a device of the
	// register rather than a server on the internet. Default: private,
	// shared (100.64/10) and unique-local addresses.
	Internal func(netip.Addr) bool
	// Claimed holds addresses MACs claimed (by ARP or DHCP) before this
	// inventory began, as a live capture remembers them from batch to
	// batch (Inventory.Claims). A router's own address claimed a minute
	// ago is still its own, not a host behind it that would become a
	// device of its own. They count only towards that judgement.
	Claimed map[cordon.MAC]map[netip.Addr]bool
}

// device is a device being assembled.
type device struct {
	d     *cordon.Device
	ips   map[netip.Addr]bool
	facts map[factKey]*cordon.Evidence
	svcs  map[cordon.Service]bool
	// fronts counts the addresses a router's MAC sent from on behalf of
	// other hosts; 0 for ordinary hosts.
	fronts int
}

// Devices resolves everything observed so far into devices, each with its
// addresses, evidence (including the derived facts mac.vendor, mac.local,
// hostname and service), services, DICOM and HL7 summaries and times. The
// classification fields are left for a classifier to fill.
func (inv *Inventory) Devices(opt Options) []*cordon.Device {
	devs, _ := inv.Resolve(opt)
	return devs
}

// Resolve is Devices, and also returns the conversations between them, with
// devices named by their keys (cordon.DeviceKey) and hosts outside the
// hospital as "ip:ADDR".
func (inv *Inventory) Resolve(opt Options) ([]*cordon.Device, []cordon.Conversation) {
	if opt.Internal == nil {
		opt.Internal = DefaultInternal
	}
	r := resolver{inv: inv, opt: opt, byMAC: map[cordon.MAC]*device{}, byIP: map[netip.Addr]*device{}, routers: map[cordon.MAC]bool{}}
	r.findClaims()
	r.findRouters()
	r.macDevices()
	for s, fs := range inv.subjects {
		if dev := r.owner(s); dev != nil {
			for k, e := range fs.facts {
				dev.addEvidence(k, e)
			}
		}
	}
	for k, sp := range inv.services {
		if dev := r.owner(k.subject); dev != nil {
			dev.svcs[cordon.Service{Proto: k.proto, Port: k.port, App: k.app, Role: k.role}] = true
			dev.seen(sp.first, sp.last)
		}
	}
	convs := r.conversations()
	out := make([]*cordon.Device, 0, len(r.all))
	for _, dev := range r.all {
		dev.finish(opt)
		out = append(out, dev.d)
	}
	slices.SortFunc(out, compareDevices)
	return out, convs
}

// conversations names the endpoints of each conversation by device key,
// merging buckets that resolve to the same devices.
func (r *resolver) conversations() []cordon.Conversation {
	key := func(s subject) string {
		if dev := r.owner(s); dev != nil {
			return dev.key()
		}
		return "ip:" + s.IP.String()
	}
	merged := map[cordon.Conversation]*convAgg{}
	for k, c := range r.inv.convs {
		ck := cordon.Conversation{Client: key(k.client), Server: key(k.server), Proto: k.proto, Port: k.port, App: k.app, Hour: time.Unix(k.hour, 0).UTC()}
		m := merged[ck]
		if m == nil {
			m = &convAgg{}
			merged[ck] = m
		}
		m.flows += c.flows
		m.packets += c.packets
		m.bytes += c.bytes
	}
	out := make([]cordon.Conversation, 0, len(merged))
	for ck, m := range merged {
		ck.Flows, ck.Packets, ck.Bytes = m.flows, m.packets, m.bytes
		out = append(out, ck)
	}
	slices.SortFunc(out, func(a, b cordon.Conversation) int {
		return cmp.Or(a.Hour.Compare(b.Hour), cmp.Compare(a.Client, b.Client), cmp.Compare(a.Server, b.Server),
			cmp.Compare(a.Proto, b.Proto), cmp.Compare(a.Port, b.Port), cmp.Compare(a.App, b.App))
	})
	return out
}

// key is the device's register key: its MAC, or its address when it is
// known only by address. The first address is the one it was first made
// for, since owner() creates IP devices with exactly one.
func (dev *device) key() string {
	if !dev.d.MAC.IsZero() {
		return "mac:" + dev.d.MAC.String()
	}
	for ip := range dev.ips {
		return "ip:" + ip.String()
	}
	return ""
}

// DefaultInternal reports whether ip is in a private, shared, link-local or
// unique-local range, or loopback (which appears only in captures taken on a
// host, such as a test of a DICOM peer).
func DefaultInternal(ip netip.Addr) bool {
	if ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLoopback() {
		return true
	}
	return ip.Is4() && netip.MustParsePrefix("100.64.0.0/10").Contains(ip)
}

type resolver struct {
	inv     *Inventory
	opt     Options
	byMAC   map[cordon.MAC]*device
	byIP    map[netip.Addr]*device
	routers map[cordon.MAC]bool
	claims  map[cordon.MAC]map[netip.Addr]bool
	all     []*device
}

// findClaims collects the addresses each MAC claims for itself in ARP and
// DHCP: those are its own even when it also forwards for others.
func (r *resolver) findClaims() {
	r.claims = map[cordon.MAC]map[netip.Addr]bool{}
	r.inv.claims(r.claims)
}

// Claims adds the addresses MACs claimed by ARP or DHCP in this inventory
// to into, for the next batch of a live capture (Options.Claimed).
func (inv *Inventory) Claims(into map[cordon.MAC]map[netip.Addr]bool) { inv.claims(into) }

func (inv *Inventory) claims(into map[cordon.MAC]map[netip.Addr]bool) {
	for s, fs := range inv.subjects {
		if s.MAC.IsZero() {
			continue
		}
		for k := range fs.facts {
			switch k.fact {
			case "arp.ip", "dhcp.requested_ip", "dhcp.assigned_ip":
				ip, err := netip.ParseAddr(k.value)
				if err != nil {
					continue
				}
				if into[s.MAC] == nil {
					into[s.MAC] = map[netip.Addr]bool{}
				}
				into[s.MAC][ip] = true
			}
		}
	}
}

// findRouters marks the MACs that forward for other hosts: those that send
// from addresses they never claimed by ARP or DHCP, when those addresses are
// many, span more than one /24, or include an internet address. A host
// renumbered by DHCP claims each new address; a router fronting a remote
// site or the internet does not.
func (r *resolver) findRouters() {
	for mac, ips := range r.inv.bindings {
		var foreign int
		subnets := map[[3]byte]bool{}
		public := false
		for ip := range ips {
			if !ip.Is4() || r.claims[mac][ip] || r.opt.Claimed[mac][ip] {
				continue
			}
			foreign++
			b := ip.As4()
			subnets[[3]byte{b[0], b[1], b[2]}] = true
			public = public || !r.opt.Internal(ip)
		}
		if foreign > routerThreshold || len(subnets) > 1 || public {
			r.routers[mac] = true
		}
	}
}

func (r *resolver) newDevice(mac cordon.MAC) *device {
	dev := &device{
		d:     &cordon.Device{MAC: mac},
		ips:   map[netip.Addr]bool{},
		facts: map[factKey]*cordon.Evidence{},
		svcs:  map[cordon.Service]bool{},
	}
	r.all = append(r.all, dev)
	return dev
}

// macDevices makes a device of every unicast MAC seen, with the addresses
// it owns: all of them for an ordinary host, only claimed ones for a router.
func (r *resolver) macDevices() {
	macs := map[cordon.MAC]bool{}
	for mac := range r.inv.bindings {
		macs[mac] = true
	}
	for s := range r.inv.subjects {
		if !s.MAC.IsZero() {
			macs[s.MAC] = true
		}
	}
	sorted := make([]cordon.MAC, 0, len(macs))
	for mac := range macs {
		sorted = append(sorted, mac)
	}
	slices.SortFunc(sorted, func(a, b cordon.MAC) int { return strings.Compare(string(a[:]), string(b[:])) })
	for _, mac := range sorted {
		dev := r.newDevice(mac)
		r.byMAC[mac] = dev
		own := map[netip.Addr]bool{}
		for ip := range r.claims[mac] {
			own[ip] = true
		}
		for ip, sp := range r.inv.bindings[mac] {
			dev.seen(sp.first, sp.last) // a router is seen when it carries traffic too
			if r.routers[mac] && !own[ip] && !r.opt.Claimed[mac][ip] {
				dev.fronts++
				continue
			}
			own[ip] = true
		}
		for ip := range own {
			dev.ips[ip] = true
			if prev := r.byIP[ip]; prev == nil || dev.d.LastSeen.After(prev.d.LastSeen) {
				r.byIP[ip] = dev
			}
		}
	}
}

// owner finds (or, for an internal host behind a router, creates) the device
// a subject belongs to.
func (r *resolver) owner(s subject) *device {
	if !s.MAC.IsZero() && !r.routers[s.MAC] {
		return r.byMAC[s.MAC]
	}
	if !s.IP.IsValid() {
		return r.byMAC[s.MAC] // a router's own LLDP, CDP …
	}
	if dev := r.byIP[s.IP]; dev != nil {
		return dev
	}
	if !r.opt.Internal(s.IP) || s.IP.IsMulticast() || s.IP.IsUnspecified() {
		return nil
	}
	dev := r.newDevice(cordon.MAC{})
	dev.ips[s.IP] = true
	r.byIP[s.IP] = dev
	return dev
}

func (dev *device) seen(first, last time.Time) {
	if !first.IsZero() && (dev.d.FirstSeen.IsZero() || first.Before(dev.d.FirstSeen)) {
		dev.d.FirstSeen = first
	}
	if last.After(dev.d.LastSeen) {
		dev.d.LastSeen = last
	}
}

func (dev *device) addEvidence(k factKey, e *cordon.Evidence) {
	dev.seen(e.FirstSeen, e.LastSeen)
	if have := dev.facts[k]; have != nil {
		if e.FirstSeen.Before(have.FirstSeen) {
			have.FirstSeen = e.FirstSeen
		}
		if e.LastSeen.After(have.LastSeen) {
			have.LastSeen = e.LastSeen
		}
		have.Count += e.Count
		return
	}
	c := *e
	dev.facts[k] = &c
}

func compareDevices(a, b *cordon.Device) int {
	ka, kb := firstIP(a), firstIP(b)
	if c := ka.Compare(kb); c != 0 {
		if !ka.IsValid() {
			return 1
		}
		if !kb.IsValid() {
			return -1
		}
		return c
	}
	return cmp.Compare(a.MAC.String(), b.MAC.String())
}

func firstIP(d *cordon.Device) netip.Addr {
	if len(d.IPs) == 0 {
		return netip.Addr{}
	}
	ip, _ := netip.ParseAddr(d.IPs[0])
	return ip
}
