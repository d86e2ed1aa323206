package policy

import (
	"cmp"
	"iter"
	"net/netip"
	"slices"
	"time"

	"github.com/cordonsec/cordon"
)

// SimOptions says which rules are in force during a simulation.
type SimOptions struct {
	// Devices maps the history's device keys to addresses, categories and
	// criticality.
	Devices []Device
	// Now decides which temporary rules have expired.
	Now time.Time
	// ApprovedOnly simulates only the approved rules, as deployed.
	ApprovedOnly bool
}

// Report is what a candidate policy would have blocked in a flow history.
type Report struct {
	Conversations uint64 `json:"conversations"`
	// Flows counts every flow in scope (an end in a protected zone);
	// Blocked those no rule allows; OutOfScope those the policy does not
	// touch.
	Flows      uint64 `json:"flows"`
	Blocked    uint64 `json:"blocked"`
	OutOfScope uint64 `json:"out_of_scope"`
	// Devices are the protected devices that would lose traffic, most
	// clinically critical first.
	Devices []Impact `json:"devices"`
}

// Impact is what one device would lose.
type Impact struct {
	Device      string        `json:"device"`
	MAC         string        `json:"mac"`
	Hostname    string        `json:"hostname"`
	Category    string        `json:"category"`
	Criticality string        `json:"criticality"`
	Medical     bool          `json:"medical"`
	Zone        string        `json:"zone"`
	Blocked     []BlockedFlow `json:"blocked"`
	Evidence    Evidence      `json:"evidence"`
}

// BlockedFlow is one service the device would lose with a peer.
type BlockedFlow struct {
	Peer      string   `json:"peer"`
	Direction string   `json:"direction"` // "out": the device opened it
	Proto     string   `json:"proto"`
	Port      uint16   `json:"port"`
	App       string   `json:"app"`
	Evidence  Evidence `json:"evidence"`
}

type allowKey struct {
	src, dst netip.Addr
	port     uint16
	proto    string
}

// endpoint is what the simulator knows about one key, resolved once.
type endpoint struct {
	addrs     []netip.Addr
	protected bool
	dev       *Device
	zone      string
	impact    *impactAcc
}

type impactAcc struct {
	Impact
	flows map[patternKey]*BlockedFlow
}

// Simulate replays a flow history against a policy and reports what would
// be blocked: a conversation with an end in a protected zone is blocked
// unless an active rule allows its source address, destination address,
// protocol and port, as the exported rulesets would decide. The history is
// streamed, so a month of a large trust need not fit in memory.
func Simulate(p *Policy, history iter.Seq[cordon.Conversation], opt SimOptions) *Report {
	allow := allowRules(p, func(r *Rule) bool { return !opt.ApprovedOnly || r.State == StateApproved })
	zoneOfKey := map[string]*Zone{}
	protectedAddr := map[netip.Addr]string{}
	for i := range p.Zones {
		zn := &p.Zones[i]
		for _, k := range zn.Devices {
			zoneOfKey[k] = zn
		}
		if zn.Protected {
			for _, a := range parseAddrs(zn.Addrs) {
				protectedAddr[a] = zn.Name
			}
		}
	}
	devs := map[string]*Device{}
	for i := range opt.Devices {
		devs[opt.Devices[i].Key] = &opt.Devices[i]
	}
	cache := map[string]*endpoint{}
	resolve := func(key string) *endpoint {
		if e := cache[key]; e != nil {
			return e
		}
		e := &endpoint{dev: devs[key]}
		if e.dev != nil {
			e.addrs = e.dev.ipv4()
		} else if a, ok := keyAddr(key); ok && a.Is4() {
			e.addrs = []netip.Addr{a}
		}
		if zn := zoneOfKey[key]; zn != nil {
			e.zone, e.protected = zn.Name, zn.Protected
		} else {
			for _, a := range e.addrs {
				if name, ok := protectedAddr[a]; ok {
					e.zone, e.protected = name, true
				}
			}
		}
		cache[key] = e
		return e
	}
	rep := &Report{Devices: []Impact{}}
	var hit []*impactAcc
	for c := range history {
		rep.Conversations++
		src, dst := resolve(c.Client), resolve(c.Server)
		if !src.protected && !dst.protected {
			rep.OutOfScope += c.Flows
			continue
		}
		rep.Flows += c.Flows
		if allow.allows(src.addrs, dst.addrs, c.Port, c.Proto, opt.Now) {
			continue
		}
		rep.Blocked += c.Flows
		for _, side := range [2]struct {
			self      *endpoint
			key, peer string
			dir       string
		}{{src, c.Client, c.Server, "out"}, {dst, c.Server, c.Client, "in"}} {
			if !side.self.protected {
				continue
			}
			a := side.self.impact
			if a == nil {
				a = &impactAcc{Impact: Impact{Device: side.key, Zone: side.self.zone}, flows: map[patternKey]*BlockedFlow{}}
				if d := side.self.dev; d != nil {
					a.MAC, a.Hostname, a.Category, a.Criticality = d.MAC, d.Hostname, d.Category, d.Criticality
					a.Medical = cordon.IsMedicalCategory(d.Category)
				}
				side.self.impact = a
				hit = append(hit, a)
			}
			k := patternKey{peer: side.peer, dir: side.dir, proto: c.Proto, app: c.App, port: c.Port}
			b := a.flows[k]
			if b == nil {
				b = &BlockedFlow{Peer: side.peer, Direction: side.dir, Proto: c.Proto, Port: c.Port, App: c.App}
				a.flows[k] = b
			}
			b.Evidence.add(c.Hour, c.Flows, c.Packets, c.Bytes)
			a.Evidence.add(c.Hour, c.Flows, c.Packets, c.Bytes)
		}
	}
	for _, a := range hit {
		for _, b := range a.flows {
			a.Blocked = append(a.Blocked, *b)
		}
		slices.SortFunc(a.Blocked, func(x, y BlockedFlow) int {
			return cmp.Or(cmp.Compare(y.Evidence.Flows, x.Evidence.Flows), cmp.Compare(x.Direction, y.Direction),
				cmp.Compare(x.Peer, y.Peer), cmp.Compare(x.Proto, y.Proto), cmp.Compare(x.Port, y.Port), cmp.Compare(x.App, y.App))
		})
		rep.Devices = append(rep.Devices, a.Impact)
	}
	// Clinical impact: the most critical devices first, medical before
	// other, then by how much they would lose.
	slices.SortFunc(rep.Devices, func(x, y Impact) int {
		return cmp.Or(cmp.Compare(criticalityRank(x.Criticality), criticalityRank(y.Criticality)),
			-cmpBool(x.Medical, y.Medical), cmp.Compare(y.Evidence.Flows, x.Evidence.Flows), cmp.Compare(x.Device, y.Device))
	})
	return rep
}

func parseAddrs(ss []string) []netip.Addr {
	out := make([]netip.Addr, 0, len(ss))
	for _, s := range ss {
		if a, err := netip.ParseAddr(s); err == nil {
			out = append(out, a.Unmap())
		}
	}
	return out
}
