package detect

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// heldCheck holds the addresses in held to a policy allowing only DICOM
// (tcp/104) between them.
type heldCheck map[netip.Addr]bool

func (h heldCheck) Forbids(src, dst netip.Addr, proto string, port uint16, _ time.Time) (string, bool, bool) {
	if !h[src] && !h[dst] || proto == "tcp" && port == 104 && h[src] && h[dst] {
		return "", false, false
	}
	return "Imaging → Servers", !h[src], true
}

// TestFlowViolation checks that a forbidden flow is raised on the held
// end, de-duplicated across client ports, with a subject that reads back.
func TestFlowViolation(t *testing.T) {
	ct, ws, srv := ep(1, "10.30.1.11", 50000), ep(2, "10.40.1.20", 50001), ep(3, "10.20.0.5", 104)
	held := heldCheck{ct.IP: true, srv.IP: true}
	d, err := New(&nopSink{}, &Config{Policy: held})
	if err != nil {
		t.Fatal(err)
	}
	d.Flow(flow(ct, srv, "tcp", "dicom", t0)) // allowed
	for i := range 3 {
		c := ct
		c.Port += uint16(i)
		s := srv
		s.Port = 445
		d.Flow(flow(c, s, "tcp", "smb", t0.Add(time.Duration(i)*time.Minute)))
	}
	in := srv
	in.Port = 22
	d.Flow(flow(ws, in, "tcp", "ssh", t0)) // the workstation is not held; the server is
	var got []Alert
	for _, a := range d.Finish(devices) {
		if a.Kind == KindFlowViolation {
			got = append(got, a)
		}
	}
	if len(got) != 2 {
		t.Fatalf("violations = %+v, want the CT's SMB and the server's SSH", got)
	}
	for _, a := range got {
		src, dst, proto, port, ok := ParseViolationSubject(a.Subject)
		if !ok {
			t.Fatalf("subject %q does not read back", a.Subject)
		}
		switch port {
		case 445:
			if a.Device != ct.MAC || a.Count != 3 || src != ct.IP || dst != srv.IP || proto != "tcp" || a.Severity != cordon.AlertHigh {
				t.Errorf("SMB violation = %+v", a)
			}
		case 22:
			if a.Device != srv.MAC || src != ws.IP || a.Severity != cordon.AlertMedium {
				t.Errorf("SSH violation = %+v", a)
			}
		default:
			t.Errorf("unexpected violation %+v", a)
		}
		if !strings.Contains(a.Title, "Imaging → Servers") || len(a.Evidence) == 0 {
			t.Errorf("title %q evidence %v", a.Title, a.Evidence)
		}
	}
}

func FuzzParseViolationSubject(f *testing.F) {
	f.Add("10.1.2.3 → 10.2.3.4 tcp/445")
	f.Add("fe80::1 → 10.2.3.4 udp/65535")
	f.Add("a → b c/d")
	f.Fuzz(func(t *testing.T, s string) {
		src, dst, proto, port, ok := ParseViolationSubject(s)
		if !ok {
			return
		}
		again := ViolationSubject(src, dst, proto, port)
		s2, d2, p2, n2, ok2 := ParseViolationSubject(again)
		if !ok2 || s2 != src.Unmap() || d2 != dst.Unmap() || p2 != proto || n2 != port {
			t.Fatalf("%q → %q does not read back", s, again)
		}
	})
}

// TestWithPolicy checks that adding a policy copies the config, which the
// ingest worker and the live loop share across captures and batches.
func TestWithPolicy(t *testing.T) {
	base := &Config{JumpHosts: []string{"10.1.160.20"}}
	held := heldCheck{}
	got := base.WithPolicy(held)
	if got == base || base.Policy != nil || got.Policy == nil || len(got.JumpHosts) != 1 {
		t.Errorf("WithPolicy = %+v, base now %+v", got, base)
	}
	if (*Config)(nil).WithPolicy(held).Policy == nil || base.WithPolicy(nil) != base {
		t.Error("a nil config or a nil policy")
	}
}

// heldSince holds every address from a moment on, allowing nothing.
type heldSince time.Time

func (h heldSince) Forbids(_, _ netip.Addr, _ string, _ uint16, t time.Time) (string, bool, bool) {
	return "Imaging → Servers", false, !t.Before(time.Time(h))
}

// TestViolationOfOpenLink: a link opened before the policy took hold
// breaks it with the traffic a live sensor reports after, not before.
func TestViolationOfOpenLink(t *testing.T) {
	ct, srv := ep(1, "10.30.1.11", 50000), ep(3, "10.20.0.5", 445)
	d, _ := New(&nopSink{}, &Config{Policy: heldSince(t0.Add(time.Hour))})
	f := flow(ct, srv, "tcp", "smb", t0)
	f.Open, f.Last = true, t0.Add(50*time.Minute)
	d.Flow(f) // before the policy
	if hasKind(d.Finish(devices), KindFlowViolation) {
		t.Fatal("traffic from before the policy took hold is a violation")
	}
	d, _ = New(&nopSink{}, &Config{Policy: heldSince(t0.Add(time.Hour))})
	f.Since, f.Last = t0.Add(61*time.Minute), t0.Add(70*time.Minute) // reported again after
	d.Flow(f)
	as := d.Finish(devices)
	if !hasKind(as, KindFlowViolation) || !strings.Contains(as[0].Evidence[0], "still open") {
		t.Errorf("the open link's traffic after the policy took hold: %+v, want a violation", as)
	}
}
