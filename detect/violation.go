package detect

import (
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// PolicyCheck decides whether a flow breaks the approved network policy.
// policy.Enforcer implements it; this package names only the method so
// that the policy code stays out of the detections' imports.
type PolicyCheck interface {
	// Forbids reports whether the policy forbids a flow from src to
	// port at dst seen at t; rule names what forbids it (a zone pair),
	// and onServer says the policy broken is dst's rather than src's.
	Forbids(src, dst netip.Addr, proto string, port uint16, t time.Time) (rule string, onServer, forbidden bool)
}

// WithPolicy returns a copy of c (nil for the zero Config) holding flows
// to p; c itself, which goroutines may share, is left as it was. A nil p
// returns c.
func (c *Config) WithPolicy(p PolicyCheck) *Config {
	if p == nil {
		return c
	}
	var out Config
	if c != nil {
		out = *c
	}
	out.Policy = p
	return &out
}

// violation records an answered flow the approved policy forbids, on the
// device whose policy it breaks. Severity is medium, raised for medical
// devices as every detection's is.
func (d *Detector) violation(f cordon.FlowRecord, rule string, onServer bool) {
	c, s := f.Client, f.Server
	ep, peer := endpoint{mac: c.MAC, ip: c.IP}, s.IP
	if onServer {
		ep, peer = endpoint{mac: s.MAC, ip: s.IP}, c.IP
	}
	d.addSpan(cand{kind: KindFlowViolation, ep: ep, subject: ViolationSubject(c.IP, s.IP, f.Proto, s.Port),
		severity: cordon.AlertMedium, peer: peer,
		title: "Traffic outside the approved policy: " + rule + " " + f.Proto + "/" + strconv.Itoa(int(s.Port)) + appSuffix(f.App)},
		f.Start(), f.Last, describe(f)+": no approved rule allows it ("+rule+")")
}

func appSuffix(app string) string {
	if app == "" {
		return ""
	}
	return " (" + app + ")"
}

// ViolationSubject is a flow_violation alert's subject: the flow without
// the client's port, so that every connection of one forbidden flow
// counts on one alert ("10.1.2.3 → 10.2.3.4 tcp/445").
func ViolationSubject(src, dst netip.Addr, proto string, port uint16) string {
	return src.Unmap().String() + " → " + dst.Unmap().String() + " " + proto + "/" + strconv.Itoa(int(port))
}

// ParseViolationSubject reads a ViolationSubject back, so that a later
// check can ask whether the flow is still forbidden.
func ParseViolationSubject(s string) (src, dst netip.Addr, proto string, port uint16, ok bool) {
	f := strings.Fields(s)
	if len(f) != 4 || f[1] != "→" {
		return
	}
	var err1, err2 error
	src, err1 = netip.ParseAddr(f[0])
	dst, err2 = netip.ParseAddr(f[2])
	proto, ps, found := strings.Cut(f[3], "/")
	p, err3 := strconv.ParseUint(ps, 10, 16)
	if err1 != nil || err2 != nil || err3 != nil || !found || proto == "" {
		return netip.Addr{}, netip.Addr{}, "", 0, false
	}
	return src, dst, proto, uint16(p), true
}
