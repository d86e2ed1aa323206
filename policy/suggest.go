package policy

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// Options tunes a suggestion.
type Options struct {
	// Zones the operator declared; devices they do not claim are zoned by
	// role and category.
	Zones []ZoneSpec
	// BySubnet splits the automatic category zones by /24.
	BySubnet bool
	// Baselines includes each device's and model's learned pattern.
	Baselines bool
	// Now stamps the policy; injected so output is reproducible.
	Now time.Time
}

// Suggest learns a policy from the devices and their conversations over
// the learning window. Every conversation with a protected zone at one end
// becomes part of a rule or a review item; nothing the guidance forbids is
// ever a rule.
func Suggest(devs []Device, convs []cordon.Conversation, opt Options) (*Policy, error) {
	if err := ValidateZones(opt.Zones); err != nil {
		return nil, err
	}
	z := assign(devs, convs, opt.Zones, opt.BySubnet)
	p := &Policy{Generated: opt.Now.UTC(), Rules: []Rule{}, Review: []Review{}, Matrix: []Cell{}}
	type ruleKey struct {
		sz, dz, dst, proto, app, text string
		port                          uint16
	}
	type ruleAcc struct {
		key  ruleKey
		srcs map[string]bool
		ev   Evidence
	}
	rules := map[ruleKey]*ruleAcc{}
	type revKey struct {
		src, dst, proto, app string
		port                 uint16
	}
	reviews := map[revKey]*Review{}
	for i := range convs {
		c := &convs[i]
		if p.Window.Start.IsZero() || c.Hour.Before(p.Window.Start) {
			p.Window.Start = c.Hour.UTC()
		}
		if end := c.Hour.Add(time.Hour).UTC(); end.After(p.Window.End) {
			p.Window.End = end
		}
		sz, dz := z.zoneOf(c.Client), z.zoneOf(c.Server)
		if !sz.Protected && !dz.Protected {
			p.Skipped += c.Flows
			continue
		}
		v := judge(c.Proto, c.Port, c.App, sz, dz)
		if v.review == "" && (len(z.addrs(c.Client)) == 0 || len(z.addrs(c.Server)) == 0) {
			v = verdict{review: ReviewNoAddress, text: "No IPv4 address is known for one end, so no firewall rule can name it; check the device's addressing."}
		}
		if v.review != "" {
			k := revKey{c.Client, c.Server, c.Proto, c.App, c.Port}
			r := reviews[k]
			if r == nil {
				r = &Review{Kind: v.review, Forbidden: v.forbidden, Reason: v.text,
					Src: firstAddr(z, c.Client), Dst: firstAddr(z, c.Server), SrcDevice: c.Client, DstDevice: c.Server,
					SrcZone: sz.Name, DstZone: dz.Name, Proto: c.Proto, Port: c.Port, App: c.App}
				reviews[k] = r
			}
			r.Evidence.add(c.Hour, c.Flows, c.Packets, c.Bytes)
			continue
		}
		k := ruleKey{sz.Name, dz.Name, c.Server, c.Proto, c.App, v.text, c.Port}
		r := rules[k]
		if r == nil {
			r = &ruleAcc{key: k, srcs: map[string]bool{}}
			rules[k] = r
		}
		r.srcs[c.Client] = true
		r.ev.add(c.Hour, c.Flows, c.Packets, c.Bytes)
	}
	// Merge rules that differ only by destination, so that "every modality
	// to either PACS node" is one rule rather than one per node.
	type mergeKey struct {
		sz, dz, srcs, proto, app, text string
		port                           uint16
	}
	merged := map[mergeKey]*Rule{}
	var order []mergeKey
	for _, r := range rules {
		srcs := sortedKeys(r.srcs)
		mk := mergeKey{r.key.sz, r.key.dz, strings.Join(srcs, ","), r.key.proto, r.key.app, r.key.text, r.key.port}
		m := merged[mk]
		if m == nil {
			m = &Rule{SrcZone: r.key.sz, DstZone: r.key.dz, SrcDevices: srcs, Proto: r.key.proto, Port: r.key.port,
				App: r.key.app, Justification: r.key.text, State: StateSuggested}
			merged[mk] = m
			order = append(order, mk)
		}
		m.DstDevices = append(m.DstDevices, r.key.dst)
		m.Evidence.merge(r.ev)
	}
	for _, mk := range order {
		r := merged[mk]
		slices.Sort(r.DstDevices)
		r.Src = z.addrList(r.SrcDevices)
		r.Dst = z.addrList(r.DstDevices)
		r.Justification = fmt.Sprintf("%s; %s seen in %d flows from %s to %s", r.Justification, describe(r.Proto, r.Port, r.App),
			r.Evidence.Flows, r.Evidence.FirstSeen.Format(time.RFC3339), r.Evidence.LastSeen.Format(time.RFC3339))
		p.Rules = append(p.Rules, *r)
	}
	slices.SortFunc(p.Rules, func(a, b Rule) int {
		return cmp.Or(cmp.Compare(a.SrcZone, b.SrcZone), cmp.Compare(a.DstZone, b.DstZone), cmp.Compare(a.Proto, b.Proto),
			cmp.Compare(a.Port, b.Port), cmp.Compare(a.App, b.App), slices.Compare(a.Dst, b.Dst), slices.Compare(a.Src, b.Src))
	})
	for i := range p.Rules {
		p.Rules[i].ID = fmt.Sprintf("r%04d", i+1)
	}
	for _, r := range reviews {
		p.Review = append(p.Review, *r)
	}
	slices.SortFunc(p.Review, func(a, b Review) int {
		return cmp.Or(-cmpBool(a.Forbidden, b.Forbidden), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.SrcDevice, b.SrcDevice),
			cmp.Compare(a.DstDevice, b.DstDevice), cmp.Compare(a.Proto, b.Proto), cmp.Compare(a.Port, b.Port), cmp.Compare(a.App, b.App))
	})
	p.Matrix = matrix(p)
	for _, zn := range z.zones {
		p.Zones = append(p.Zones, *zn)
	}
	if p.Zones == nil {
		p.Zones = []Zone{}
	}
	if opt.Baselines {
		p.Baselines, p.Models = learn(devs, convs, z)
	}
	return p, nil
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

func (e *Evidence) merge(o Evidence) {
	if e.FirstSeen.IsZero() || (!o.FirstSeen.IsZero() && o.FirstSeen.Before(e.FirstSeen)) {
		e.FirstSeen = o.FirstSeen
	}
	if o.LastSeen.After(e.LastSeen) {
		e.LastSeen = o.LastSeen
	}
	e.Flows += o.Flows
	e.Packets += o.Packets
	e.Bytes += o.Bytes
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// addrs returns the IPv4 addresses of a device key or "ip:" host.
func (z *zoning) addrs(key string) []netip.Addr {
	if d := z.devs[key]; d != nil {
		return d.ipv4()
	}
	if a, ok := keyAddr(key); ok && a.Is4() {
		return []netip.Addr{a}
	}
	return nil
}

func firstAddr(z *zoning, key string) string {
	if a := z.addrs(key); len(a) > 0 {
		return a[0].String()
	}
	if a, ok := keyAddr(key); ok {
		return a.String()
	}
	return ""
}

// addrList returns the sorted IPv4 addresses of the keys.
func (z *zoning) addrList(keys []string) []string {
	var as []netip.Addr
	for _, k := range keys {
		as = append(as, z.addrs(k)...)
	}
	slices.SortFunc(as, netip.Addr.Compare)
	as = slices.Compact(as)
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.String()
	}
	return out
}

// matrix summarises rules and review items by zone pair.
func matrix(p *Policy) []Cell {
	type pair struct{ from, to string }
	cells := map[pair]*Cell{}
	get := func(from, to string) *Cell {
		c := cells[pair{from, to}]
		if c == nil {
			c = &Cell{From: from, To: to, Services: []Service{}}
			cells[pair{from, to}] = c
		}
		return c
	}
	for _, r := range p.Rules {
		c := get(r.SrcZone, r.DstZone)
		c.Rules++
		s := Service{r.Proto, r.Port, r.App}
		if !slices.Contains(c.Services, s) {
			c.Services = append(c.Services, s)
		}
		if strings.HasPrefix(r.Justification, "NHS pattern") {
			c.Pattern, _, _ = strings.Cut(r.Justification, ";")
		}
	}
	for _, r := range p.Review {
		get(r.SrcZone, r.DstZone).Review++
	}
	out := make([]Cell, 0, len(cells))
	for _, c := range cells {
		slices.SortFunc(c.Services, func(a, b Service) int {
			return cmp.Or(cmp.Compare(a.Proto, b.Proto), cmp.Compare(a.Port, b.Port), cmp.Compare(a.App, b.App))
		})
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b Cell) int { return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To)) })
	return out
}
