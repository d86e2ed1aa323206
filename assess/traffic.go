package assess

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/cordonsec/cordon"
)

// Traffic is what a device's recent conversations say about its exposure:
// who can reach it and how widely it talks.
type Traffic struct {
	// Peers is the number of distinct other endpoints, inside or outside.
	Peers int
	// Subnets is the number of distinct internal /24 networks among the
	// peers known by address (peers known by MAC carry no address in a
	// conversation, so this is a lower bound).
	Subnets int
	// Internet lists the public addresses the device talked with (at most
	// maxListed), and InternetInbound says whether any of them opened the
	// conversation (the device serves the internet).
	Internet        []string
	InternetPeers   int
	InternetInbound bool
	// RemoteAccess lists the remote-access applications the device serves
	// to other devices ("rdp", "vnc", "teamviewer", "ssh", "telnet",
	// "anydesk"), each once.
	RemoteAccess []string
}

// maxListed bounds the addresses Traffic keeps for explanations.
const maxListed = 5

// remoteApps names remote-access applications by the app the sensor gives
// and by their well-known ports, since several (VNC, TeamViewer, AnyDesk)
// have no dissector and arrive with App "".
var (
	remoteApps  = map[string]string{"rdp": "rdp", "vnc": "vnc", "rfb": "vnc", "teamviewer": "teamviewer", "ssh": "ssh", "telnet": "telnet", "anydesk": "anydesk"}
	remotePorts = map[uint16]string{3389: "rdp", 5900: "vnc", 5901: "vnc", 5902: "vnc", 5800: "vnc", 5938: "teamviewer", 22: "ssh", 23: "telnet", 7070: "anydesk", 6568: "anydesk"}
)

// TrafficFrom sums the conversations in which the device with register
// key key is the client or the server. A peer key "ip:ADDR" with a public
// address is an internet peer (ingest keys addresses outside the hospital
// that way); private, shared, loopback and link-local addresses are not.
func TrafficFrom(key string, convs []cordon.Conversation) Traffic {
	var t Traffic
	peers := map[string]bool{}
	subnets := map[netip.Prefix]bool{}
	internet := map[string]bool{}
	remote := map[string]bool{}
	for i := range convs {
		c := &convs[i]
		var peer string
		server := false
		switch key {
		case c.Client:
			peer = c.Server
		case c.Server:
			peer, server = c.Client, true
		default:
			continue
		}
		if peer == key || peer == "" {
			continue
		}
		peers[peer] = true
		if addr, ok := peerAddr(peer); ok {
			if cordon.PublicAddr(addr) {
				if !internet[peer] {
					internet[peer] = true
					t.InternetPeers++
					if len(t.Internet) < maxListed {
						t.Internet = append(t.Internet, addr.String())
					}
				}
				t.InternetInbound = t.InternetInbound || server
			} else if addr.Is4() {
				p, _ := addr.Prefix(24)
				subnets[p] = true
			}
		}
		if server {
			app := remoteApps[strings.ToLower(c.App)]
			if app == "" && c.App == "" {
				app = remotePorts[c.Port]
			}
			if app != "" {
				remote[app] = true
			}
		}
	}
	t.Peers, t.Subnets = len(peers), len(subnets)
	for a := range remote {
		t.RemoteAccess = append(t.RemoteAccess, a)
	}
	slices.Sort(t.RemoteAccess)
	return t
}

// peerAddr returns the address of an "ip:" key.
func peerAddr(key string) (netip.Addr, bool) {
	s, ok := strings.CutPrefix(key, "ip:")
	if !ok {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(s)
	return a, err == nil
}
