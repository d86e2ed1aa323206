package detect

import (
	"fmt"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// Tunnels left open: the other half of inbound_remote_access. A remote
// support tool on a device keeps a channel open to its vendor's relay, so
// anyone holding the device's ID comes in without passing a jump host; an
// SSH connection out to the internet held for an hour can carry a reverse
// tunnel; and a remote session into a medical device held for hours,
// even from an approved jump host, is access nobody closed.
const (
	// sshTunnelAfter is how long an outbound SSH connection lasts before
	// it is treated as a tunnel rather than a file copy.
	sshTunnelAfter = time.Hour
	// openSessionAfter is how long an inbound remote session lasts
	// before it is reported as left open.
	openSessionAfter = 4 * time.Hour
)

// relayPorts are the ports remote-support tools reach their relays on.
var relayPorts = map[uint16]string{5938: "TeamViewer", 6568: "AnyDesk", 7070: "AnyDesk"}

// relayDomains are remote-support vendors' relay and broker domains, by
// the tool they belong to; a name seen in DNS or TLS under one of them is
// that tool's channel, whatever the port (they fall back to 443).
var relayDomains = []struct{ suffix, tool string }{
	{"teamviewer.com", "TeamViewer"}, {"anydesk.com", "AnyDesk"}, {"logmein.com", "LogMeIn"},
	{"logmeinrescue.com", "LogMeIn Rescue"}, {"beyondtrustcloud.com", "BeyondTrust"}, {"bomgarcloud.com", "BeyondTrust"},
	{"splashtop.com", "Splashtop"}, {"screenconnect.com", "ScreenConnect"}, {"rustdesk.com", "RustDesk"},
}

// relayTool names the remote-support tool a server name belongs to.
func relayTool(name string) string {
	name = strings.TrimSuffix(strings.ToLower(name), ".")
	for _, r := range relayDomains {
		if name == r.suffix || strings.HasSuffix(name, "."+r.suffix) {
			return r.tool
		}
	}
	return ""
}

// outboundTunnel checks a flow from inside to the internet for a remote
// support channel or an SSH tunnel; name is the server's name when known,
// peer how the evidence names the server. The internet allow-list (a
// manufacturer's approved remote service) exempts it, as it does web use.
func (d *Detector) outboundTunnel(f cordon.FlowRecord, client endpoint, name, peer string, desc func() string) {
	s := f.Server
	tool := relayTool(name)
	if tool == "" && f.Proto == "tcp" {
		tool = relayPorts[s.Port]
	}
	dur := f.Last.Sub(f.First)
	switch {
	case tool != "":
		d.addSpan(cand{kind: KindInboundRemoteAccess, ep: client, subject: "tunnel: " + tool, severity: cordon.AlertHigh,
			scope: medicalOnly, allowable: true, peer: s.IP, peerName: name,
			title: "Keeps a " + tool + " channel open to " + peer + ": remote access from outside that bypasses the jump hosts"},
			f.First, f.Last, desc())
	case f.Proto == "tcp" && (f.App == "ssh" || f.App == "" && s.Port == 22) && dur >= sshTunnelAfter:
		d.addSpan(cand{kind: KindInboundRemoteAccess, ep: client, subject: "tunnel: SSH to " + s.IP.String(), severity: cordon.AlertHigh,
			scope: medicalOnly, allowable: true, peer: s.IP, peerName: name,
			title: fmt.Sprintf("Holds SSH to %s open for %s: it can carry a tunnel back in", peer, dur.Round(time.Minute))},
			f.First, f.Last, desc())
	}
}

// openSession reports an inbound remote session (what is its protocol)
// into a medical device that lasted openSessionAfter or more.
func (d *Detector) openSession(f cordon.FlowRecord, server endpoint, what string, desc func() string) {
	dur := f.Last.Sub(f.First)
	if dur < openSessionAfter {
		return
	}
	d.addSpan(cand{kind: KindInboundRemoteAccess, ep: server, subject: "open session: " + what + " from " + f.Client.IP.String(),
		severity: cordon.AlertMedium, scope: medicalPeer, peer: f.Client.IP,
		title: fmt.Sprintf("A %s session from %s stayed open for %s", what, f.Client.IP, dur.Round(time.Minute))},
		f.First, f.Last, desc())
}
