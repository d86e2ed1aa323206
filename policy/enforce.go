package policy

import (
	"net/netip"
	"time"

	"github.com/cordonsec/cordon"
)

// allowIndex maps each allowed source, destination, port and protocol to
// when the rule allowing it expires (zero: never). Simulate, the Enforcer
// and the exported rulesets decide alike from it.
type allowIndex map[allowKey]time.Time

// allowRules indexes the rules of p that keep selects.
func allowRules(p *Policy, keep func(*Rule) bool) allowIndex {
	allow := allowIndex{}
	for i := range p.Rules {
		r := &p.Rules[i]
		if !keep(r) {
			continue
		}
		var until time.Time
		if r.Expires != nil {
			until = *r.Expires
		}
		for _, s := range parseAddrs(r.Src) {
			for _, d := range parseAddrs(r.Dst) {
				k := allowKey{s, d, r.Port, r.Proto}
				// The longest-lived rule for a flow decides it.
				if old, ok := allow[k]; !ok || (!old.IsZero() && (until.IsZero() || until.After(old))) {
					allow[k] = until
				}
			}
		}
	}
	return allow
}

// allows reports whether some source and destination pair is allowed at t.
func (a allowIndex) allows(srcs, dsts []netip.Addr, port uint16, proto string, t time.Time) bool {
	for _, s := range srcs {
		for _, d := range dsts {
			if until, ok := a[allowKey{s, d, port, proto}]; ok && (until.IsZero() || t.Before(until)) {
				return true
			}
		}
	}
	return false
}

// Enforcer decides, flow by flow, whether traffic breaks the approved
// policy: the flow_violation detection. It works on addresses alone, as a
// firewall does, so it runs in the sensor's packet path at the cost of a
// few map lookups, and decides as Simulate and the exported rulesets do: a
// flow with a held end and no rule for its source, destination, protocol
// and port is forbidden.
//
// An address is held to the policy once an approved rule names it inside
// a protected zone, from the time that rule was approved. A policy is
// approved device by device, and a device nobody has reviewed must not
// flood the alerts with everything it does. A held device stays held when
// its temporary rule lapses: that is when its traffic becomes a violation.
// An Enforcer is read-only once built, so goroutines may share it.
type Enforcer struct {
	allow allowIndex
	held  map[netip.Addr]time.Time // held address → held since
	zone  map[netip.Addr]string
}

// NewEnforcer prepares the check of p. approvedOnly keeps to the approved
// rules, as the server does; false takes every rule not rejected, as a
// policy file reviewed by hand (`cordon analyze --policy`) states it.
func NewEnforcer(p *Policy, approvedOnly bool) *Enforcer {
	inForce := func(r *Rule) bool { return !approvedOnly || r.State == StateApproved }
	e := &Enforcer{allow: allowRules(p, inForce), held: map[netip.Addr]time.Time{}, zone: map[netip.Addr]string{}}
	protected := map[netip.Addr]bool{}
	for i := range p.Zones {
		zn := &p.Zones[i]
		for _, a := range parseAddrs(zn.Addrs) {
			e.zone[a] = zn.Name
			protected[a] = zn.Protected
		}
	}
	for i := range p.Rules {
		r := &p.Rules[i]
		if !inForce(r) {
			continue
		}
		var since time.Time
		if r.ApprovedAt != nil {
			since = r.ApprovedAt.Truncate(time.Hour)
		}
		for _, a := range append(parseAddrs(r.Src), parseAddrs(r.Dst)...) {
			if !protected[a] {
				continue
			}
			if old, ok := e.held[a]; !ok || since.Before(old) {
				e.held[a] = since
			}
		}
	}
	return e
}

// Holds reports how many addresses the policy holds; an Enforcer holding
// none forbids nothing.
func (e *Enforcer) Holds() int { return len(e.held) }

// Forbids reports whether the policy forbids a flow from src to port at
// dst seen at t. rule names the zone pair ("Imaging → Corporate"), and
// onServer says whose policy it breaks: dst's when only dst is held, else
// src's, the end that opened the flow.
func (e *Enforcer) Forbids(src, dst netip.Addr, proto string, port uint16, t time.Time) (rule string, onServer, forbidden bool) {
	src, dst = src.Unmap(), dst.Unmap()
	srcSince, srcHeld := e.held[src]
	dstSince, dstHeld := e.held[dst]
	srcHeld = srcHeld && !t.Before(srcSince)
	dstHeld = dstHeld && !t.Before(dstSince)
	if !srcHeld && !dstHeld {
		return "", false, false
	}
	if until, ok := e.allow[allowKey{src, dst, port, proto}]; ok && (until.IsZero() || t.Before(until)) {
		return "", false, false
	}
	return e.zoneName(src) + " → " + e.zoneName(dst), !srcHeld, true
}

// zoneName names an address's zone for an alert.
func (e *Enforcer) zoneName(a netip.Addr) string {
	if z := e.zone[a]; z != "" {
		return z
	}
	if cordon.PublicAddr(a) {
		return "internet"
	}
	return "no zone"
}
