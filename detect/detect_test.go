package detect

import (
	"net/netip"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/cordonsec/cordon"
)

type nopSink struct{ obs, flows int }

func (n *nopSink) Observe(cordon.Observation) { n.obs++ }
func (n *nopSink) Flow(cordon.FlowRecord)     { n.flows++ }

var t0 = time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)

func mac(b byte) cordon.MAC { return cordon.MAC{0x00, 0x1b, 0x2c, 0, 0, b} }

func ep(m byte, ip string, port uint16) cordon.Endpoint {
	return cordon.Endpoint{MAC: mac(m), IP: netip.MustParseAddr(ip), Port: port}
}

func flow(c, s cordon.Endpoint, proto, app string, at time.Time) cordon.FlowRecord {
	return cordon.FlowRecord{Client: c, Server: s, Proto: proto, App: app, Packets: 10, Bytes: 1000, First: at, Last: at.Add(time.Second), Answered: true}
}

func dev(m byte, ip, category string) *cordon.Device {
	return &cordon.Device{MAC: mac(m), IPs: []string{ip}, Category: category, Medical: cordon.IsMedicalCategory(category)}
}

// The hospital of these tests: a CT (medical), a workstation, a file
// server, a printer; the gateway's MAC fronts the internet.
var devices = []*cordon.Device{
	dev(1, "10.30.1.11", cordon.CategoryImagingModality),
	dev(2, "10.40.1.20", cordon.CategoryWorkstation),
	dev(3, "10.20.0.5", cordon.CategoryServer),
	dev(4, "10.40.1.30", cordon.CategoryPrinter),
}

func TestDetections(t *testing.T) {
	ct, ws, srv, prn := ep(1, "10.30.1.11", 50000), ep(2, "10.40.1.20", 50001), ep(3, "10.20.0.5", 445), ep(4, "10.40.1.30", 445)
	web := ep(9, "93.184.216.34", 443)
	cases := []struct {
		name    string
		cfg     *Config
		flows   []cordon.FlowRecord
		obs     []cordon.Observation
		kind    string
		device  cordon.MAC // zero: no alert of kind expected
		sev     string
		subject string
	}{
		{name: "ct browses", flows: []cordon.FlowRecord{flow(ct, web, "tcp", "tls", t0)},
			obs:  []cordon.Observation{{IP: web.IP, Fact: "tls.sni", Value: "www.example.com", Time: t0}},
			kind: KindInternetWeb, device: mac(1), sev: cordon.AlertHigh, subject: "www.example.com:443"},
		{name: "allowed manufacturer endpoint", cfg: &Config{Internet: []Allow{{Match: "*", Hosts: []string{"*.example.com"}}}},
			flows: []cordon.FlowRecord{flow(ct, web, "tcp", "tls", t0)},
			obs:   []cordon.Observation{{IP: web.IP, Fact: "tls.sni", Value: "www.example.com", Time: t0}},
			kind:  KindInternetWeb},
		{name: "workstation browsing is not a medical device", flows: []cordon.FlowRecord{flow(ws, web, "tcp", "tls", t0)}, kind: KindInternetWeb},
		{name: "external smtp", flows: []cordon.FlowRecord{flow(ct, ep(9, "198.51.100.25", 587), "tcp", "smtp", t0)},
			kind: KindExternalEmail, device: mac(1), sev: cordon.AlertHigh},
		{name: "smb to printer", flows: []cordon.FlowRecord{flow(ct, prn, "tcp", "smb", t0)}, kind: KindFileShare, device: mac(1)},
		{name: "smb to server", flows: []cordon.FlowRecord{flow(ct, srv, "tcp", "smb", t0)}, kind: KindFileShare},
		{name: "smb to approved host", cfg: &Config{FileServers: []string{"10.40.1.0/24"}},
			flows: []cordon.FlowRecord{flow(ct, prn, "tcp", "smb", t0)}, kind: KindFileShare},
		{name: "smb to internet", flows: []cordon.FlowRecord{flow(ct, ep(9, "203.0.113.4", 445), "tcp", "smb", t0)},
			kind: KindFileShare, device: mac(1), sev: cordon.AlertCritical},
		{name: "smb1", obs: []cordon.Observation{{MAC: mac(3), IP: srv.IP, Fact: "smb.dialect", Value: "NT LM 0.12", Time: t0}},
			kind: KindSMBv1, device: mac(3), sev: cordon.AlertMedium},
		{name: "telnet", flows: []cordon.FlowRecord{flow(ws, ep(1, "10.30.1.11", 23), "tcp", "telnet", t0)},
			kind: KindCleartextManagement, device: mac(1), sev: cordon.AlertHigh, subject: "telnet"},
		{name: "login page", obs: []cordon.Observation{{MAC: mac(4), IP: prn.IP, Fact: "http.title", Value: "Printer Login", Time: t0}},
			kind: KindCleartextManagement, device: mac(4), sev: cordon.AlertMedium, subject: "http-login"},
		{name: "snmp default community", obs: []cordon.Observation{{MAC: mac(4), IP: prn.IP, Fact: "snmp.community_default", Value: "public", Time: t0}},
			kind: KindDefaultCredentials, device: mac(4), sev: cordon.AlertHigh},
		{name: "rdp from internet", flows: []cordon.FlowRecord{flow(ep(9, "198.51.100.7", 40000), ep(1, "10.30.1.11", 3389), "tcp", "rdp", t0)},
			kind: KindInboundRemoteAccess, device: mac(1), sev: cordon.AlertCritical},
		{name: "vnc from workstation", flows: []cordon.FlowRecord{flow(ws, ep(1, "10.30.1.11", 5900), "tcp", "", t0)},
			kind: KindInboundRemoteAccess, device: mac(1), sev: cordon.AlertHigh},
		{name: "ssh from jump host", cfg: &Config{JumpHosts: []string{"10.40.1.20"}},
			flows: []cordon.FlowRecord{flow(ws, ep(1, "10.30.1.11", 22), "tcp", "ssh", t0)}, kind: KindInboundRemoteAccess},
		{name: "patient data to the internet",
			obs:   []cordon.Observation{{MAC: mac(1), IP: ct.IP, Fact: "patient_data", Value: "dicom.patient_module", Time: t0}},
			flows: []cordon.FlowRecord{flow(ct, ep(9, "203.0.113.9", 104), "tcp", "dicom", t0)},
			kind:  KindPatientDataCleartext, device: mac(1), sev: cordon.AlertCritical},
		{name: "patient data to the PACS server",
			obs:   []cordon.Observation{{MAC: mac(1), IP: ct.IP, Fact: "patient_data", Value: "dicom.patient_module", Time: t0}},
			flows: []cordon.FlowRecord{flow(ct, ep(3, "10.20.0.5", 104), "tcp", "dicom", t0)},
			kind:  KindPatientDataCleartext},
		{name: "patient data across configured zones", cfg: &Config{Zones: []string{"10.30.0.0/16", "10.20.0.0/16"}},
			obs:   []cordon.Observation{{MAC: mac(1), IP: ct.IP, Fact: "patient_data", Value: "hl7.PID", Time: t0}},
			flows: []cordon.FlowRecord{flow(ct, ep(3, "10.20.0.5", 2575), "tcp", "hl7", t0)},
			kind:  KindPatientDataCleartext, device: mac(1), sev: cordon.AlertMedium},
		{name: "eternalblue target", obs: []cordon.Observation{{MAC: mac(1), IP: ct.IP, Fact: "exploit.target", Value: "ms17-010 doublepulsar trans2 session_setup (mid 65) from 10.40.1.20", Time: t0}},
			kind: KindExploitAttempt, device: mac(1), sev: cordon.AlertCritical, subject: "ms17-010"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			next := &nopSink{}
			d, err := New(next, c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range c.obs {
				d.Observe(o)
			}
			for _, f := range c.flows {
				d.Flow(f)
			}
			if next.obs != len(c.obs) || next.flows != len(c.flows) {
				t.Fatalf("passed on %d observations and %d flows", next.obs, next.flows)
			}
			var got *Alert
			alerts := d.Finish(devices)
			for i := range alerts {
				if alerts[i].Kind == c.kind {
					got = &alerts[i]
				}
			}
			if c.device.IsZero() {
				if got != nil {
					t.Fatalf("unexpected %+v", *got)
				}
				return
			}
			if got == nil {
				t.Fatalf("no %s alert in %+v", c.kind, alerts)
			}
			if got.Device != c.device || (c.sev != "" && got.Severity != c.sev) || (c.subject != "" && got.Subject != c.subject) || len(got.Evidence) == 0 || got.Count < 1 {
				t.Fatalf("got %+v", *got)
			}
		})
	}
}

func TestBeaconing(t *testing.T) {
	ct, c2 := ep(1, "10.30.1.11", 50000), ep(9, "203.0.113.50", 8443)
	for _, c := range []struct {
		name   string
		gaps   []time.Duration
		beacon bool
	}{
		{"every minute", []time.Duration{60, 60, 61, 59, 60, 60, 60}, true},
		{"too few", []time.Duration{60, 60, 60, 60, 60}, false},
		{"irregular", []time.Duration{5, 300, 20, 600, 45, 90, 30}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, _ := New(&nopSink{}, nil)
			at := t0
			d.Flow(flow(ct, c2, "tcp", "", at))
			for _, g := range c.gaps {
				at = at.Add(g * time.Second)
				d.Flow(flow(ct, c2, "tcp", "", at))
			}
			var found bool
			for _, a := range d.Finish(devices) {
				if a.Kind == KindBeaconing {
					found = true
					if a.Count != len(c.gaps)+1 || !a.LastSeen.Equal(at) {
						t.Errorf("beacon %+v", a)
					}
				}
			}
			if found != c.beacon {
				t.Fatalf("beaconing found=%v, want %v", found, c.beacon)
			}
		})
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(`{"internet":[{"match":"model:x","hosts":["*.a.com","1.2.3.0/24"]}],"jump_hosts":["10.0.0.1"]}`))
	f.Add([]byte(`{"zones":["nope"]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseConfig(b)
		if err == nil {
			if _, err := New(&nopSink{}, c); err != nil {
				t.Fatalf("parsed config rejected by New: %v", err)
			}
		} else if cordon.ErrorCode(err) != cordon.EINVALID {
			t.Fatalf("error code %q", cordon.ErrorCode(err))
		}
	})
}

func TestParseConfigErrors(t *testing.T) {
	for in, want := range map[string]string{
		`{"jump_hosts":["10.0.0.300"]}`:                       "jump_hosts[0]",
		`{"internet":[{"match":"colour:red","hosts":["a"]}]}`: "internet[0].match field",
		`{"internet":[{"match":"*"}]}`:                        "lists no hosts",
		`{"bogus":1}`:                                         "unknown field",
	} {
		_, err := ParseConfig([]byte(in))
		if err == nil || cordon.ErrorCode(err) != cordon.EINVALID || !contains([]string{err.Error()}, err.Error()) || !containsStr(err.Error(), want) {
			t.Errorf("%s: %v, want %q", in, err, want)
		}
	}
}

func containsStr(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// TestBounded: an alert quoting a long looked-up name is cut to what the
// register takes, on character boundaries, rather than refused.
func TestBounded(t *testing.T) {
	if got := clip("ab€cd", 4); got != "ab" {
		t.Errorf("clip cut a character: %q", got)
	}
	long := strings.Repeat("é", 600) // 1200 bytes
	a := (&Alert{Subject: long, Title: long, Evidence: []string{long, "short"}}).bounded()
	if len(a.Subject) > maxSubject || len(a.Title) > maxTitle || len(a.Evidence[0]) > maxEvidenceLine ||
		a.Evidence[1] != "short" || !utf8.ValidString(a.Subject+a.Title+a.Evidence[0]) {
		t.Errorf("bounded: subject %d, title %d, evidence %d bytes", len(a.Subject), len(a.Title), len(a.Evidence[0]))
	}
	ra := cordon.Alert{Kind: "k", Severity: cordon.AlertLow, Subject: a.Subject, Title: a.Title, Evidence: a.Evidence}
	if err := ra.Validate(); err != nil {
		t.Errorf("a bounded alert is refused: %v", err)
	}
}
