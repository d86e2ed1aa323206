package guidance

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// Input is what Verify needs of one device.
type Input struct {
	Device *cordon.DeviceRecord
	// Conversations are the device's, at either end, within TrafficWindow.
	Conversations []cordon.Conversation
	// Peers gives the addresses of peers known by a device key ("mac:…");
	// a peer keyed "ip:ADDR" carries its own.
	Peers map[string]netip.Addr
	// Controls are those of the device's active exceptions (its own and
	// its model's), ExceptionID set.
	Controls []cordon.Control
	Window   TrafficWindow
}

// segmentControls are the control kinds that record a zone boundary.
var segmentControls = []string{"segmented", "allowed_flows_only", "air_gapped"}

// Verify runs every check on one device.
func Verify(in Input, opt *Options) DeviceReport {
	if opt == nil {
		opt = &Options{}
	}
	rec := in.Device
	rep := DeviceReport{DeviceID: rec.ID, Key: rec.Key, Window: in.Window, Conversations: len(in.Conversations)}
	fillIdentity(&rep, rec)
	v := verifier{in: in, opt: opt, self: deviceAddr(rec)}
	if rep.Zone == "" && v.self.IsValid() {
		rep.Zone = subnet(v.self).String()
	}
	rep.Checks = []CheckResult{
		v.email(), v.web(), v.fileShares(), v.remoteAccess(), v.removableMedia(),
		v.segmented(rep.Zone, rep.ZoneRecorded), v.internet(),
	}
	for i := range rep.Checks {
		r := &rep.Checks[i]
		for _, c := range Checks {
			if c.ID == r.Check {
				r.Step, r.Label = c.Step, c.Label
			}
		}
		if r.Source == SourceTraffic {
			w := in.Window
			r.Window = &w
		}
		switch r.State {
		case Pass:
			rep.Pass++
		case Fail:
			rep.Fail++
		default:
			rep.Unknown++
		}
	}
	return rep
}

func fillIdentity(rep *DeviceReport, rec *cordon.DeviceRecord) {
	r := rec.Recorded
	rep.Category, rep.Site, rep.Zone = r.Category, r.Site, r.Zone
	rep.ZoneRecorded = r.Zone != ""
	var hosts, ips []string
	mac := ""
	if d := rec.Observed; d != nil {
		if rep.Category == "" {
			rep.Category = d.Category
		}
		rep.Medical = d.Medical
		hosts, ips = d.Hostnames, d.IPs
		if !d.MAC.IsZero() {
			mac = d.MAC.String()
		}
	}
	if rep.Category == "" {
		rep.Category = cordon.CategoryUnknown
	}
	rep.Medical = rep.Medical || cordon.IsMedicalCategory(rep.Category)
	if len(ips) > 0 {
		rep.IP = ips[0]
	} else {
		rep.IP = r.IP
	}
	for _, s := range []string{first(hosts), r.Hostname, rep.IP, mac, r.MAC, rec.Key} {
		if s != "" {
			rep.Name = s
			break
		}
	}
}

func first(ss []string) string {
	if len(ss) == 0 {
		return ""
	}
	return ss[0]
}

// deviceAddr is the device's own address: from traffic, else the record,
// else its key.
func deviceAddr(rec *cordon.DeviceRecord) netip.Addr {
	var cands []string
	if rec.Observed != nil {
		cands = append(cands, rec.Observed.IPs...)
	}
	cands = append(cands, rec.Recorded.IP, strings.TrimPrefix(rec.Key, "ip:"))
	for _, s := range cands {
		if a, err := netip.ParseAddr(s); err == nil {
			return a.Unmap()
		}
	}
	return netip.Addr{}
}

// subnet is the zone of an address without a recorded one: its /24 (IPv4)
// or /64 (IPv6), as detect assumes when no zones are configured.
func subnet(a netip.Addr) netip.Prefix {
	bits := 64
	if a.Is4() {
		bits = 24
	}
	p, _ := a.Prefix(bits)
	return p
}

// verifier runs the checks of one device.
type verifier struct {
	in   Input
	opt  *Options
	self netip.Addr
}

// side is one conversation seen from the device.
type side struct {
	c        *cordon.Conversation
	dir      string
	peer     string
	addr     netip.Addr // invalid when unknown
	public   bool
	internal bool // an internal peer, address known or not
}

func (v *verifier) each(fn func(s side)) {
	for i := range v.in.Conversations {
		c := &v.in.Conversations[i]
		s := side{c: c, dir: Outbound, peer: c.Server}
		switch v.in.Device.Key {
		case c.Client:
		case c.Server:
			s.dir, s.peer = Inbound, c.Client
		default:
			continue // not the device's: the caller gave too much
		}
		if a, err := netip.ParseAddr(strings.TrimPrefix(s.peer, "ip:")); err == nil && strings.HasPrefix(s.peer, "ip:") {
			s.addr = a.Unmap()
		} else if a, ok := v.in.Peers[s.peer]; ok {
			s.addr = a.Unmap()
		}
		switch {
		case s.addr.IsValid():
			s.public, s.internal = cordon.PublicAddr(s.addr), cordon.InternalAddr(s.addr)
		default:
			// A device keyed by its MAC sits on a captured segment of the
			// hospital's own network.
			s.internal = strings.HasPrefix(s.peer, "mac:")
		}
		fn(s)
	}
}

// item is evidence with whether it counts against the device.
type item struct {
	ev  CheckEvidence
	bad bool
}

func (s side) evidence(service, note string) CheckEvidence {
	return CheckEvidence{Peer: s.peer, Direction: s.dir, Proto: s.c.Proto, Port: s.c.Port, App: s.c.App, Service: service,
		LastSeen: s.c.Hour, Flows: s.c.Flows, Bytes: s.c.Bytes, Note: note}
}

// traffic builds a traffic result: fail when any item is bad, unknown
// when the device had no traffic in the window, pass otherwise.
func (v *verifier) traffic(check string, items []item, failSummary, passSummary string) CheckResult {
	r := CheckResult{Check: check, Source: SourceTraffic}
	bad := 0
	for _, it := range items {
		if it.bad {
			bad++
		}
	}
	switch {
	case bad > 0:
		r.State, r.Summary = Fail, failSummary
	case len(v.in.Conversations) == 0:
		r.State = Unknown
		r.Summary = "No traffic of this device in the window, so traffic cannot show it; ingest a capture of its segment."
	default:
		r.State, r.Summary = Pass, passSummary
	}
	r.Evidence, r.More = top(items)
	return r
}

// top orders evidence worst first, then busiest, and keeps MaxEvidence.
func top(items []item) ([]CheckEvidence, int) {
	slices.SortStableFunc(items, func(a, b item) int {
		if a.bad != b.bad {
			if a.bad {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(b.ev.Flows, a.ev.Flows), strings.Compare(a.ev.Peer, b.ev.Peer))
	})
	out := make([]CheckEvidence, 0, min(len(items), MaxEvidence))
	for i := 0; i < len(items) && i < MaxEvidence; i++ {
		out = append(out, items[i].ev)
	}
	return out, len(items) - len(out)
}

func count(items []item, bad bool) int {
	n := 0
	for _, it := range items {
		if it.bad == bad {
			n++
		}
	}
	return n
}

func (v *verifier) email() CheckResult {
	var items []item
	v.each(func(s side) {
		svc := emailService(s.c)
		if svc == "" || s.dir != Outbound {
			return
		}
		switch {
		case s.public:
			items = append(items, item{s.evidence(svc, "email server outside the trust"), true})
		case s.internal:
			items = append(items, item{s.evidence(svc, "email server inside the trust"), false})
		}
	})
	pass := "No email to servers outside the trust in the window."
	if n := count(items, false); n > 0 {
		pass = fmt.Sprintf("No email outside the trust; %d conversation(s) with internal email servers.", n)
	}
	return v.traffic(CheckEmail, items,
		fmt.Sprintf("Email (SMTP, IMAP or POP) to %d server conversation(s) outside the trust.", count(items, true)), pass)
}

func (v *verifier) web() CheckResult {
	var items []item
	v.each(func(s side) {
		svc := webService(s.c)
		if svc == "" || s.dir != Outbound || !s.public {
			return
		}
		if inAny(v.opt.AllowWeb, s.addr) {
			items = append(items, item{s.evidence(svc, "allowed manufacturer endpoint"), false})
			return
		}
		items = append(items, item{s.evidence(svc, "public web server, not an allowed manufacturer endpoint"), true})
	})
	pass := "No web browsing to public addresses in the window."
	if n := count(items, false); n > 0 {
		pass = fmt.Sprintf("Web traffic only to allowed manufacturer endpoints (%d conversation(s)).", n)
	}
	return v.traffic(CheckWeb, items,
		fmt.Sprintf("Web traffic (HTTP/HTTPS) to %d public endpoint conversation(s) outside the allow-list.", count(items, true)), pass)
}

func (v *verifier) fileShares() CheckResult {
	var items []item
	peers := map[string]bool{}
	v.each(func(s side) {
		svc := shareService(s.c)
		if svc == "" {
			return
		}
		peers[s.peer] = true
		switch {
		case s.public:
			items = append(items, item{s.evidence(svc, "file share with a host on the internet"), true})
		case s.dir == Outbound && len(v.opt.FileServers) > 0 && !(s.addr.IsValid() && inAny(v.opt.FileServers, s.addr)):
			items = append(items, item{s.evidence(svc, "internal host not approved as a file server"), true})
		case s.dir == Outbound:
			items = append(items, item{s.evidence(svc, "internal file server"), false})
		default:
			items = append(items, item{s.evidence(svc, "the device offers a share to this internal host"), false})
		}
	})
	pass := "No SMB or NFS file shares in the window."
	if len(peers) > 0 {
		pass = fmt.Sprintf("File shares (SMB/NFS) only inside the trust, with %d host(s).", len(peers))
	}
	return v.traffic(CheckFileShares, items,
		fmt.Sprintf("File shares (SMB/NFS) of external or unapproved origin: %d conversation(s).", count(items, true)), pass)
}

func (v *verifier) remoteAccess() CheckResult {
	var items []item
	v.each(func(s side) {
		svc := remoteService(s.c)
		if svc == "" {
			return
		}
		switch {
		case s.dir == Outbound && s.public && relayTools[svc]:
			items = append(items, item{s.evidence(svc, "remote-support tool calling its relay: a tunnel left open for inbound sessions"), true})
		case s.dir != Inbound:
		case s.public:
			items = append(items, item{s.evidence(svc, "from the internet"), true})
		case s.addr.IsValid() && inAny(v.opt.JumpHosts, s.addr):
			items = append(items, item{s.evidence(svc, "from an approved jump host"), false})
		default:
			items = append(items, item{s.evidence(svc, "from an internal host that is not an approved jump host"), true})
		}
	})
	pass := "No inbound remote access (RDP, VNC, SSH, TeamViewer, AnyDesk) in the window."
	if n := count(items, false); n > 0 {
		pass = fmt.Sprintf("Remote access only from approved jump hosts (%d conversation(s)).", n)
	}
	return v.traffic(CheckRemoteAccess, items,
		fmt.Sprintf("Remote access reaches the device outside the approved jump hosts: %d conversation(s).", count(items, true)), pass)
}

func (v *verifier) internet() CheckResult {
	var items []item
	v.each(func(s side) {
		if !s.public {
			return
		}
		if inAny(v.opt.AllowWeb, s.addr) {
			items = append(items, item{s.evidence("", "allowed manufacturer endpoint"), false})
			return
		}
		items = append(items, item{s.evidence("", "public address"), true})
	})
	pass := "No public address in the device's traffic in the window."
	if n := count(items, false); n > 0 {
		pass = fmt.Sprintf("Internet traffic only with allowed manufacturer endpoints (%d conversation(s)).", n)
	}
	return v.traffic(CheckInternet, items,
		fmt.Sprintf("Traffic with public addresses: %d conversation(s).", count(items, true)), pass)
}

// segmented says which zone the device is in and who reaches it: the
// distinct internal hosts that open connections to it, and those from
// other subnets first in the evidence.
func (v *verifier) segmented(zone string, recorded bool) CheckResult {
	r := CheckResult{Check: CheckSegmented, Source: SourceTraffic}
	var items []item
	internal, other, public := map[string]bool{}, map[string]bool{}, map[string]bool{}
	v.each(func(s side) {
		if s.dir != Inbound {
			return
		}
		switch {
		case s.public:
			public[s.peer] = true
			items = append(items, item{s.evidence("", "reaches the device from the internet"), true})
		case s.internal:
			internal[s.peer] = true
			if s.addr.IsValid() && v.self.IsValid() && !subnet(v.self).Contains(s.addr) {
				other[s.peer] = true
				items = append(items, item{s.evidence("", "from another subnet ("+subnet(s.addr).String()+")"), true})
				return
			}
			items = append(items, item{s.evidence("", "from the same subnet"), false})
		}
	})
	// The items flagged bad here only order the evidence: another subnet
	// reaching the device is what a reviewer wants to see first.
	r.Evidence, r.More = top(items)
	var control *cordon.Control
	for i := range v.in.Controls {
		c := &v.in.Controls[i]
		if slices.Contains(segmentControls, c.Kind) && c.InPlace() {
			control = c
			break
		}
	}
	where := "zone unknown"
	switch {
	case recorded:
		where = "zone " + zone + " (recorded)"
	case zone != "":
		where = "subnet " + zone + " (no zone recorded)"
	}
	reach := fmt.Sprintf("%d internal host(s) open connections to it, %d from other subnets", len(internal), len(other))
	switch {
	case len(public) > 0:
		r.State = Fail
		r.Summary = fmt.Sprintf("Reached from %d internet address(es): not segmented; %s; %s.", len(public), where, reach)
	case recorded || control != nil:
		r.State = Pass
		r.Summary = fmt.Sprintf("In %s; %s; none from the internet.", where, reach)
		if control != nil {
			r.Summary = fmt.Sprintf("In %s, with control %s %s; %s; none from the internet.", where, control.Kind, control.Status, reach)
			r.Evidence = append([]CheckEvidence{controlEvidence(control)}, r.Evidence...)
		}
	default:
		r.State = Unknown
		r.Summary = fmt.Sprintf("In %s and no segmentation control is recorded; %s.", where, reach)
	}
	if len(r.Evidence) > MaxEvidence {
		r.More += len(r.Evidence) - MaxEvidence
		r.Evidence = r.Evidence[:MaxEvidence]
	}
	return r
}

// removableMedia reads the records: traffic cannot show a USB stick.
func (v *verifier) removableMedia() CheckResult {
	r := CheckResult{Check: CheckRemovableMedia, Source: SourceRecords, State: Unknown, Evidence: []CheckEvidence{}}
	var planned *cordon.Control
	for i := range v.in.Controls {
		c := &v.in.Controls[i]
		if c.Kind != "no_removable_media" {
			continue
		}
		if c.InPlace() {
			r.State = Pass
			r.Evidence = append(r.Evidence, controlEvidence(c))
		} else if planned == nil {
			planned = c
		}
	}
	switch {
	case r.State == Pass:
		r.Summary = "Removable media blocked: a no_removable_media control is in place on an active exception."
	case planned != nil:
		r.Evidence = append(r.Evidence, controlEvidence(planned))
		r.Summary = "Blocking removable media is planned, not in place yet."
	default:
		r.Summary = "No record says removable media is blocked: record a no_removable_media control, with its evidence, on an exception of the device or its model."
	}
	return r
}

func controlEvidence(c *cordon.Control) CheckEvidence {
	note := fmt.Sprintf("control %s: %s, next review %s", c.Kind, c.Status, c.ReviewDate.Format(time.DateOnly))
	if c.Evidence != "" {
		note += "; evidence: " + c.Evidence
	}
	return CheckEvidence{ExceptionID: c.ExceptionID, Note: note}
}

func inAny(ps []netip.Prefix, a netip.Addr) bool {
	if !a.IsValid() {
		return false
	}
	a = a.Unmap()
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
