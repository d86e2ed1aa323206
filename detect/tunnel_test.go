package detect

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// TestTunnels checks the "tunnel left open" half of inbound_remote_access:
// remote-support channels to their relays by port or by name, long SSH
// out, and remote sessions into a medical device held for hours.
func TestTunnels(t *testing.T) {
	ct, ws := ep(1, "10.30.1.11", 50000), ep(2, "10.40.1.20", 50001)
	relay, sshd := ep(9, "203.0.113.5", 5938), ep(9, "198.51.100.7", 22)
	long := func(c, s cordon.Endpoint, app string, d time.Duration) flowArgs { return flowArgs{c, s, app, d} }
	run := func(cfg *Config, names map[string]string, flows ...flowArgs) map[string]Alert {
		t.Helper()
		d, err := New(&nopSink{}, cfg)
		if err != nil {
			t.Fatal(err)
		}
		for ip, name := range names {
			d.names[netip.MustParseAddr(ip)] = name
		}
		for _, fa := range flows {
			f := flow(fa.c, fa.s, "tcp", fa.app, t0)
			f.Last = t0.Add(fa.d)
			d.Flow(f)
		}
		got := map[string]Alert{}
		for _, a := range d.Finish(devices) {
			if a.Kind == KindInboundRemoteAccess {
				got[a.Subject] = a
			}
		}
		return got
	}

	got := run(nil, nil, long(ct, relay, "", time.Minute), long(ws, relay, "", time.Minute))
	if a, ok := got["tunnel: TeamViewer"]; !ok || a.Device != ct.MAC || !strings.Contains(a.Title, "TeamViewer channel") || len(got) != 1 {
		t.Errorf("TeamViewer relay by port: %+v (the workstation is not a medical device)", got)
	}
	tls := relay
	tls.Port = 443
	if got := run(nil, map[string]string{"203.0.113.5": "net.anydesk.com"}, long(ct, tls, "tls", time.Minute)); len(got) != 1 || got["tunnel: AnyDesk"].Device != ct.MAC {
		t.Errorf("AnyDesk relay by name on 443: %+v", got)
	}
	approved := &Config{Internet: []Allow{{Match: "category:imaging_modality", Hosts: []string{"*.anydesk.com"}}}}
	if got := run(approved, map[string]string{"203.0.113.5": "net.anydesk.com"}, long(ct, tls, "tls", time.Minute)); len(got) != 0 {
		t.Errorf("an approved remote service still raised: %+v", got)
	}
	if got := run(nil, nil, long(ct, sshd, "ssh", 30*time.Minute)); len(got) != 0 {
		t.Errorf("half an hour of SSH out is a tunnel: %+v", got)
	}
	if got := run(nil, nil, long(ct, sshd, "ssh", 2*time.Hour)); len(got) != 1 || got["tunnel: SSH to 198.51.100.7"].Device != ct.MAC {
		t.Errorf("two hours of SSH out: %+v", got)
	}

	jump := ep(5, "10.1.160.20", 50500)
	rdp := ct
	rdp.Port = 3389
	cfg := &Config{JumpHosts: []string{"10.1.160.20"}}
	if got := run(cfg, nil, long(jump, rdp, "rdp", time.Hour)); len(got) != 0 {
		t.Errorf("an hour of RDP from the jump host: %+v", got)
	}
	got = run(cfg, nil, long(jump, rdp, "rdp", 5*time.Hour))
	if a, ok := got["open session: RDP from 10.1.160.20"]; !ok || a.Device != ct.MAC || !strings.Contains(a.Title, "stayed open for 5h0m") || len(got) != 1 {
		t.Errorf("five hours of RDP from the jump host: %+v", got)
	}
}

type flowArgs struct {
	c, s cordon.Endpoint
	app  string
	d    time.Duration
}

// TestOpenFlowRecords: a live sensor's several records of one connection
// count once towards a beacon, and an alert spans the whole connection.
func TestOpenFlowRecords(t *testing.T) {
	ct, relay, c2 := ep(1, "10.30.1.11", 50000), ep(9, "203.0.113.50", 5938), ep(9, "203.0.113.60", 8443)
	d, _ := New(&nopSink{}, nil)
	// A relay channel reported open at each minute for 8 minutes.
	f := flow(ct, relay, "tcp", "", t0)
	f.Open = true
	for i := range 8 {
		if i > 0 {
			f.Since = f.Last
		}
		f.Last = t0.Add(time.Duration(i+1) * time.Minute)
		d.Flow(f)
	}
	// A beacon every minute whose connections straddle a report each.
	for i := range 8 {
		b := flow(ct, c2, "tcp", "", t0.Add(time.Duration(i)*time.Minute))
		b.Open = true
		d.Flow(b)
		b.Open, b.Since = false, b.Last
		d.Flow(b)
	}
	var tunnel, beacon *Alert
	for _, a := range d.Finish(devices) {
		switch a.Kind {
		case KindBeaconing:
			beacon = &a
		case KindInboundRemoteAccess:
			tunnel = &a
		}
	}
	if tunnel == nil || !tunnel.FirstSeen.Equal(t0) || !tunnel.LastSeen.Equal(t0.Add(8*time.Minute)) ||
		!strings.Contains(tunnel.Evidence[0], "still open") {
		t.Errorf("tunnel alert %+v; want one from the start to the last record, saying still open", tunnel)
	}
	if beacon == nil || beacon.Count != 8 || !strings.HasPrefix(beacon.Subject, "tcp:203.0.113.60") {
		t.Errorf("beacon alert %+v; want 8 connections to 203.0.113.60", beacon)
	}
}
