package policy

import (
	"net/netip"
	"testing"
	"time"
)

// TestEnforcerHolds checks who is held to the policy and from when: only
// addresses an approved rule names inside a protected zone, from the hour
// of approval, and the longest-lived of two rules for one flow decides.
func TestEnforcerHolds(t *testing.T) {
	approved := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	soon := approved.Add(48 * time.Hour)
	p := &Policy{
		Zones: []Zone{
			{Name: "Imaging", Kind: KindModality, Protected: true, Addrs: []string{"10.1.2.3", "10.1.2.4"}},
			{Name: "PACS", Kind: KindPACS, Protected: true, Addrs: []string{"10.1.10.5"}},
			{Name: "Corporate", Kind: KindCorporate, Addrs: []string{"10.9.0.7"}},
		},
		Rules: []Rule{
			{Src: []string{"10.1.2.3"}, Dst: []string{"10.1.10.5"}, Proto: "tcp", Port: 104, State: StateApproved, ApprovedAt: &approved},
			{Src: []string{"10.1.2.3"}, Dst: []string{"10.1.10.5"}, Proto: "tcp", Port: 104, State: StateApproved, ApprovedAt: &approved, Expires: &soon},
			{Src: []string{"10.9.0.7"}, Dst: []string{"10.1.10.5"}, Proto: "tcp", Port: 443, State: StateApproved, ApprovedAt: &approved, Expires: &soon},
			{Src: []string{"10.1.2.4"}, Dst: []string{"10.1.10.5"}, Proto: "tcp", Port: 104, State: StateSuggested},
		},
	}
	e := NewEnforcer(p, true)
	if e.Holds() != 2 {
		t.Fatalf("holds %d addresses, want the CT and the PACS", e.Holds())
	}
	a := netip.MustParseAddr
	ct, ct2, pacs, pc, web := a("10.1.2.3"), a("10.1.2.4"), a("10.1.10.5"), a("10.9.0.7"), a("203.0.113.9")
	after := approved.Add(time.Hour)
	later := soon.Add(time.Hour)
	for _, c := range []struct {
		name       string
		src, dst   netip.Addr
		port       uint16
		at         time.Time
		bad, onSrv bool
		rule       string
	}{
		{"allowed DICOM", ct, pacs, 104, after, false, false, ""},
		{"permanent rule outlives the temporary one", ct, pacs, 104, later, false, false, ""},
		{"other port", ct, pacs, 445, after, true, false, "Imaging → PACS"},
		{"before approval", ct, pacs, 445, approved.Add(-time.Hour), false, false, ""},
		{"same hour as approval", ct, pacs, 445, approved.Truncate(time.Hour), true, false, "Imaging → PACS"},
		{"unheld client, held server", pc, pacs, 22, after, true, true, "Corporate → PACS"},
		{"temporary rule in force", pc, pacs, 443, after, false, false, ""},
		{"temporary rule lapsed", pc, pacs, 443, later, true, true, "Corporate → PACS"},
		{"to the internet", ct, web, 443, after, true, false, "Imaging → internet"},
		{"device nobody approved", ct2, web, 443, after, false, false, ""},
		{"IPv4-mapped", netip.AddrFrom16(ct.As16()), pacs, 445, after, true, false, "Imaging → PACS"},
	} {
		rule, onSrv, bad := e.Forbids(c.src, c.dst, "tcp", c.port, c.at)
		if bad != c.bad || onSrv != c.onSrv || rule != c.rule {
			t.Errorf("%s: Forbids = %q, %v, %v; want %q, %v, %v", c.name, rule, onSrv, bad, c.rule, c.onSrv, c.bad)
		}
	}
	// A reviewed policy file: every rule counts, held from the start.
	if f := NewEnforcer(p, false); f.Holds() != 3 {
		t.Errorf("policy file holds %d addresses, want 3", f.Holds())
	}
}

// BenchmarkEnforcerForbids is the per-flow cost of the flow_violation
// check in the packet path, over the fixture hospital's suggested policy
// with every other rule taken out.
func BenchmarkEnforcerForbids(b *testing.B) {
	devs, convs := fixture()
	p, err := Suggest(devs, convs, Options{Now: t0})
	if err != nil {
		b.Fatal(err)
	}
	kept := p.Rules[:0]
	for i, r := range p.Rules {
		if i%2 == 0 {
			kept = append(kept, r)
		}
	}
	p.Rules = kept
	e := NewEnforcer(p, false)
	type flow struct {
		src, dst netip.Addr
		proto    string
		port     uint16
	}
	var flows []flow
	for _, r := range p.Rules {
		for _, s := range parseAddrs(r.Src) {
			for _, d := range parseAddrs(r.Dst) {
				flows = append(flows, flow{s, d, r.Proto, r.Port}, flow{s, d, r.Proto, r.Port + 1})
			}
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		f := flows[i%len(flows)]
		e.Forbids(f.src, f.dst, f.proto, f.port, t0)
	}
}
