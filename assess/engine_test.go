package assess

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

var now = day("2025-09-01")

// win7Pump is an infusion pump running Windows 7 SP1 as classify names it.
func win7Pump() *cordon.DeviceRecord {
	mac, _ := cordon.ParseMAC("00:11:22:33:44:55")
	return &cordon.DeviceRecord{ID: 1, Key: "mac:00:11:22:33:44:55", Observed: &cordon.Device{
		MAC: mac, IPs: []string{"10.1.20.5"}, Manufacturer: "Acme Medical", Model: "FlowMax 3",
		Category: cordon.CategoryInfusionPump, Medical: true,
		OS:       cordon.OS{Name: "Windows 7", Version: "6.1.7601"},
		Software: []cordon.Software{{CPE: "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*", Source: "os"}},
	}, Recorded: cordon.Recorded{Site: "North", Ward: "ICU", Room: "4"}}
}

func printer() *cordon.DeviceRecord {
	return &cordon.DeviceRecord{ID: 2, Key: "mac:00:11:22:33:44:66", Observed: &cordon.Device{
		Manufacturer: "HP", Category: cordon.CategoryPrinter}}
}

func workstation() *cordon.DeviceRecord {
	return &cordon.DeviceRecord{ID: 3, Key: "mac:00:11:22:33:44:77", Observed: &cordon.Device{
		Manufacturer: "Dell", Category: cordon.CategoryWorkstation,
		OS:       cordon.OS{Name: "Windows 10", Version: "10.0.19045"},
		Software: []cordon.Software{{CPE: "cpe:2.3:o:microsoft:windows_10_22h2:-:*:*:*:*:*:*:*", Source: "os"}, {CPE: "cpe:2.3:a:openssl:openssl:1.0.1e:*:*:*:*:*:*:*", Source: "tls"}},
	}}
}

// flat is the traffic of a device on a flat network: sixty peers over
// twelve subnets.
func flat(key string) Traffic {
	var convs []cordon.Conversation
	for i := range 60 {
		convs = append(convs, cordon.Conversation{Client: fmt.Sprintf("ip:10.%d.%d.9", 1+i%12, i), Server: key, Proto: "tcp", Port: 445, App: "smb"})
	}
	return TrafficFrom(key, convs)
}

func quiet(key string) Traffic {
	return TrafficFrom(key, []cordon.Conversation{{Client: key, Server: "ip:10.9.0.10", Proto: "tcp", Port: 9100}})
}

func findingOf(t *testing.T, a cordon.DeviceAssessment, cve string) *cordon.Finding {
	t.Helper()
	for i := range a.Findings {
		if a.Findings[i].CVE == cve {
			return &a.Findings[i]
		}
	}
	t.Fatalf("no finding %s in %+v", cve, a.Findings)
	return nil
}

func factor(r cordon.Risk, name string) *cordon.RiskFactor {
	for i := range r.Factors {
		if r.Factors[i].Name == name {
			return &r.Factors[i]
		}
	}
	return nil
}

func TestEngine_KEVPumpOnFlatNetwork(t *testing.T) {
	e := New(testIntel())
	rec := win7Pump()
	a := e.Device(rec, flat(rec.Key), nil, now)
	if a.DeviceID != 1 || a.Exposure.Device.Location != "ICU, 4" || a.Exposure.Device.IP != "10.1.20.5" {
		t.Errorf("device %+v", a.Exposure.Device)
	}
	f := findingOf(t, a, "CVE-2017-0144")
	// NVD (SMBv1 implied by Windows 7) and the advisory (FlowMax 3, version
	// unknown) both name it: the confirmed NVD match wins, both evidence
	// chains are kept, every source is listed.
	if f.Match != "confirmed" || f.Criteria != "cpe:2.3:a:microsoft:server_message_block:1.0:*:*:*:*:*:*:*" {
		t.Errorf("match %s %s", f.Match, f.Criteria)
	}
	if want := []string{"nvd", "kev", "epss", "csaf:ICSMA-TEST-PUMP"}; !slices.Equal(f.Sources, want) {
		t.Errorf("Sources = %v, want %v", f.Sources, want)
	}
	ev := strings.Join(f.Evidence, "\n")
	for _, want := range []string{"fact os=Windows 7 6.1.7601", "implies cpe:2.3:a:microsoft:server_message_block", "advisory ICSMA-TEST-PUMP", "fact model=FlowMax 3 (observed)"} {
		if !strings.Contains(ev, want) {
			t.Errorf("evidence lacks %q:\n%s", want, ev)
		}
	}
	if !f.KEV || !f.KEVRansomware || !f.KEVDateAdded.Equal(day("2022-02-10")) || f.EPSS == nil || f.EPSS.Score != 0.94 {
		t.Errorf("KEV/EPSS: %+v %+v", f, f.EPSS)
	}
	// Primary, newest version: 3.1 (8.8) over 2.0 (9.3).
	if f.CVSS == nil || f.CVSS.Version != "3.1" || f.Severity != "high" {
		t.Errorf("CVSS %+v severity %s", f.CVSS, f.Severity)
	}
	if !strings.HasPrefix(f.Title, "The SMBv1 server in Microsoft Windows") || len(f.Title) > 200 {
		t.Errorf("Title = %q", f.Title)
	}
	if !f.Fix.Available || !f.Fix.Since.Equal(day("2022-06-01")) || f.Fix.Source != "csaf:ICSMA-TEST-PUMP" || f.Fix.Details != "Acme released version 8.1." {
		t.Errorf("Fix = %+v", f.Fix)
	}
	// The advisory-only CVE: possible (version unknown), scored from the
	// advisory, titled by it.
	g := findingOf(t, a, "CVE-2022-99001")
	if g.Match != "possible" || g.CVSS == nil || g.CVSS.BaseScore != 9.8 || g.Severity != "critical" || g.Title != "Acme Infusion Pump (Update A)" {
		t.Errorf("advisory finding %+v", g)
	}
	x := a.Exposure
	if x.Findings != 2 || x.Open != 2 || x.KEV != 1 || x.Critical != 1 || x.Confirmed != 1 || !x.Unsupported {
		t.Errorf("exposure counts %+v", x)
	}
	if x.Support[0].Subject != "os" || x.Support[0].State != "unsupported" || !x.Support[0].Since.Equal(day("2020-01-14")) {
		t.Errorf("OS support %+v", x.Support[0])
	}
	if x.Risk.Score < 90 {
		t.Errorf("score %d, want 90+: %+v", x.Risk.Score, x.Risk)
	}
	for _, name := range []string{"kev", "epss", "cvss", "fix_age", "unsupported", "flat_network", "category"} {
		if f := factor(x.Risk, name); f == nil || f.Why == "" {
			t.Errorf("factor %s missing or unexplained: %+v", name, x.Risk.Factors)
		}
	}
	if !strings.Contains(x.Risk.Summary, "infusion pump") || !strings.HasSuffix(x.Risk.Summary, ".") {
		t.Errorf("Summary = %q", x.Risk.Summary)
	}
}

func TestEngine_RiskOrdering(t *testing.T) {
	e := New(testIntel())
	score := func(rec *cordon.DeviceRecord, tr Traffic, st map[string]cordon.FindingStatus) cordon.Risk {
		return e.Device(rec, tr, st, now).Exposure.Risk
	}
	pump := win7Pump()
	exposed := score(pump, flat(pump.Key), nil)

	// The same pump in a segmented zone with EternalBlue mitigated.
	seg := win7Pump()
	seg.Recorded.Zone = "VLAN 40 infusion"
	mitigated := map[string]cordon.FindingStatus{"CVE-2017-0144": {Status: cordon.FindingMitigated, Controls: []string{"SMB blocked at the ward firewall"}}}
	guarded := score(seg, quiet(seg.Key), mitigated)

	// Fixed findings do not count at all.
	fixed := map[string]cordon.FindingStatus{"CVE-2017-0144": {Status: cordon.FindingFixed}, "CVE-2022-99001": {Status: cordon.FindingFixed}}
	patched := score(win7Pump(), quiet(pump.Key), fixed)

	ws := score(workstation(), quiet("mac:00:11:22:33:44:77"), nil)
	pr := score(printer(), quiet("mac:00:11:22:33:44:66"), nil)

	t.Logf("exposed pump %d, guarded %d, patched %d, workstation %d, printer %d", exposed.Score, guarded.Score, patched.Score, ws.Score, pr.Score)
	if !(exposed.Score > guarded.Score && guarded.Score > pr.Score && ws.Score > pr.Score && exposed.Score > patched.Score) {
		t.Errorf("order wrong: exposed %d, guarded %d, patched %d, workstation %d, printer %d", exposed.Score, guarded.Score, patched.Score, ws.Score, pr.Score)
	}
	if pr.Score > 10 {
		t.Errorf("printer %d, want at most 10: %+v", pr.Score, pr)
	}
	if f := factor(guarded, "zone"); f == nil || !strings.Contains(f.Why, "VLAN 40") {
		t.Errorf("zone control missing: %+v", guarded.Factors)
	}
	if f := factor(guarded, "mitigated"); f == nil || !strings.Contains(f.Why, "SMB blocked") {
		t.Errorf("mitigated control missing: %+v", guarded.Factors)
	}
	if factor(patched, "kev") != nil {
		t.Errorf("a fixed KEV finding still counts: %+v", patched.Factors)
	}
	// Criticality recorded decides over the category.
	low := win7Pump()
	low.Recorded.Criticality = cordon.CriticalityLow
	if r := score(low, flat(low.Key), nil); r.Impact >= exposed.Impact || factor(r, "criticality") == nil {
		t.Errorf("low criticality: impact %v vs %v, %+v", r.Impact, exposed.Impact, r.Factors)
	}
	// Expired risk acceptance counts again in full.
	accepted := map[string]cordon.FindingStatus{"CVE-2017-0144": {Status: cordon.FindingRiskAccepted, Reason: "r", Expires: now.AddDate(0, 1, 0)}}
	expired := map[string]cordon.FindingStatus{"CVE-2017-0144": {Status: cordon.FindingRiskAccepted, Reason: "r", Expires: now.AddDate(0, -1, 0)}}
	if a, x := score(win7Pump(), quiet(pump.Key), accepted), score(win7Pump(), quiet(pump.Key), expired); a.Likelihood >= x.Likelihood {
		t.Errorf("accepted %v should be below expired %v", a.Likelihood, x.Likelihood)
	}
}

func TestEngine_RegisterOnly(t *testing.T) {
	e := New(testIntel())
	// A Windows 7 SP1 PC only the register knows: matched by its OS text.
	rec := &cordon.DeviceRecord{ID: 7, Key: "rec:7", Recorded: cordon.Recorded{
		Manufacturer: "Dell", Category: cordon.CategoryWorkstation, OS: "Windows 7 SP1"}}
	a := e.Device(rec, Traffic{}, nil, now)
	f := findingOf(t, a, "CVE-2017-0144")
	if f.Match != "confirmed" || !strings.Contains(strings.Join(f.Evidence, "\n"), "fact recorded.os=Windows 7 SP1") {
		t.Errorf("finding %+v", f)
	}
	if a.Exposure.Support[0].State != "unsupported" {
		t.Errorf("support %+v", a.Exposure.Support)
	}
	// A pump recorded with its software version: the advisory confirms.
	pump := &cordon.DeviceRecord{ID: 8, Key: "rec:8", Recorded: cordon.Recorded{
		Manufacturer: "ACME MEDICAL", Model: "FlowMax 3", Category: cordon.CategoryInfusionPump, OS: "8.0.2",
		Criticality: cordon.CriticalityLifeSustaining}}
	a = e.Device(pump, Traffic{}, nil, now)
	g := findingOf(t, a, "CVE-2022-99001")
	if g.Match != "confirmed" || g.Software != "Acme Medical FlowMax 3 8.0.2" {
		t.Errorf("advisory finding %+v", g)
	}
	if a.Exposure.Support[0].State != "unknown" || a.Exposure.Support[0].Reason == "" {
		t.Errorf("OS support must be unknown with a reason: %+v", a.Exposure.Support)
	}
	if len(a.Exposure.Support) != 2 || a.Exposure.Support[1].Subject != "model" {
		t.Errorf("a medical device's model gets a support state: %+v", a.Exposure.Support)
	}
	// The fixed version does not match.
	pump.Recorded.OS = "8.1"
	if a := e.Device(pump, Traffic{}, nil, now); len(a.Findings) != 0 {
		t.Errorf("fixed version matched: %+v", a.Findings)
	}
}

func TestEngine_NoIntel(t *testing.T) {
	e := New(Intel{})
	rec := win7Pump()
	tr := flat(rec.Key)
	tr.InternetInbound, tr.InternetPeers, tr.Internet = true, 1, []string{"203.0.113.9"}
	a := e.Device(rec, tr, nil, now)
	if len(a.Findings) != 0 {
		t.Errorf("findings without intel: %+v", a.Findings)
	}
	if a.Exposure.Support[0].State != "unknown" || !strings.Contains(a.Exposure.Support[0].Reason, "no lifecycle data") {
		t.Errorf("support %+v", a.Exposure.Support)
	}
	if a.Exposure.Risk.Score == 0 || factor(a.Exposure.Risk, "internet") == nil || factor(a.Exposure.Risk, "flat_network") == nil {
		t.Errorf("risk from exposure alone: %+v", a.Exposure.Risk)
	}
}

func TestOSFromRecorded(t *testing.T) {
	for _, tc := range []struct{ in, name, cpe string }{
		{"Windows 7 SP1", "Windows 7", "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*"},
		{"Win 7", "Windows 7", "cpe:2.3:o:microsoft:windows_7:-:*:*:*:*:*:*:*"},
		{"Windows XP Embedded", "Windows XP", "cpe:2.3:o:microsoft:windows_xp:-:sp3:*:*:*:*:*:*"},
		{"Windows Embedded Standard 7", "Windows Embedded Standard 7", "cpe:2.3:o:microsoft:windows_embedded_standard_7:-:sp1:*:*:*:*:*:*"},
		{"Windows Server 2008 R2", "Windows Server 2008 R2", "cpe:2.3:o:microsoft:windows_server_2008:r2:sp1:*:*:*:*:*:*"},
		{"Windows 10 21H2", "Windows 10", "cpe:2.3:o:microsoft:windows_10_21h2:-:*:*:*:*:*:*:*"},
		{"windows 10", "Windows 10", "cpe:2.3:o:microsoft:windows_10:-:*:*:*:*:*:*:*"},
		{"VxWorks 6.9", "VxWorks 6.9", ""},
		{"8.0.2", "8.0.2", ""},
	} {
		os, cpe, _ := osFromRecorded(tc.in)
		if os.Name != tc.name || cpe != tc.cpe {
			t.Errorf("osFromRecorded(%q) = %q, %q; want %q, %q", tc.in, os.Name, cpe, tc.name, tc.cpe)
		}
	}
}

func TestTrafficFrom(t *testing.T) {
	const me = "mac:00:00:00:00:00:01"
	convs := []cordon.Conversation{
		{Client: "ip:203.0.113.7", Server: me, Proto: "tcp", Port: 3389, App: "rdp"},
		{Client: me, Server: "ip:198.51.100.2", Proto: "tcp", Port: 443, App: "tls"},
		{Client: "mac:00:00:00:00:00:02", Server: me, Proto: "tcp", Port: 5938},
		{Client: "ip:10.0.5.4", Server: me, Proto: "tcp", Port: 22, App: "ssh"},
		{Client: me, Server: "ip:192.168.1.1", Proto: "udp", Port: 53, App: "dns"},
		{Client: me, Server: "ip:169.254.1.1", Proto: "udp", Port: 5353},
		{Client: "mac:00:00:00:00:00:03", Server: "mac:00:00:00:00:00:04", Port: 3389, App: "rdp"}, // not ours
	}
	got := TrafficFrom(me, convs)
	if got.Peers != 6 || got.InternetPeers != 2 || !got.InternetInbound || got.Subnets != 3 {
		t.Errorf("got %+v", got)
	}
	if !slices.Equal(got.RemoteAccess, []string{"rdp", "ssh", "teamviewer"}) {
		t.Errorf("RemoteAccess = %v", got.RemoteAccess)
	}
	if !slices.Equal(got.Internet, []string{"203.0.113.7", "198.51.100.2"}) {
		t.Errorf("Internet = %v", got.Internet)
	}
	if q := TrafficFrom(me, nil); q.Peers != 0 || q.InternetPeers != 0 {
		t.Errorf("empty traffic %+v", q)
	}
	_ = time.Now
}

// An NVD-only finding takes its fix from NVD's patch reference, dated as
// the CVE; the advisory's own remediation wins where there is one.
func TestEngine_FixFromNVDPatch(t *testing.T) {
	in := testIntel()
	for i := range in.Vulnerabilities {
		in.Vulnerabilities[i].Patches = []string{"https://vendor.example/patch/" + in.Vulnerabilities[i].ID}
		in.Vulnerabilities[i].Published = day("2014-04-07")
	}
	e := New(in)
	a := e.Device(workstation(), quiet("mac:00:11:22:33:44:77"), nil, now)
	f := findingOf(t, a, "CVE-2014-0160")
	if !f.Fix.Available || f.Fix.Source != "nvd" || !f.Fix.Since.Equal(in.Vulnerabilities[1].Published) || f.Fix.URL != "https://vendor.example/patch/CVE-2014-0160" {
		t.Errorf("fix from NVD = %+v", f.Fix)
	}
	rec := win7Pump()
	p := findingOf(t, e.Device(rec, quiet(rec.Key), nil, now), "CVE-2017-0144")
	if p.Fix.Source != "csaf:ICSMA-TEST-PUMP" || !p.Fix.Since.Equal(day("2022-06-01")) {
		t.Errorf("the advisory's fix should win: %+v", p.Fix)
	}
}
