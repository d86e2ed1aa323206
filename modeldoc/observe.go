package modeldoc

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/mds2"
)

// Applications as the sensor names them, and by well-known port where it
// has no dissector for them, that make a session remote access or a flow
// patient data.
var (
	remoteApps  = map[string]string{"rdp": "rdp", "vnc": "vnc", "rfb": "vnc", "teamviewer": "teamviewer", "ssh": "ssh", "telnet": "telnet", "anydesk": "anydesk"}
	remotePorts = map[uint16]string{3389: "rdp", 5900: "vnc", 5901: "vnc", 5800: "vnc", 5938: "teamviewer", 22: "ssh", 23: "telnet", 7070: "anydesk"}
	patientApps = map[string]string{"hl7": "hl7", "mllp": "hl7", "dicom": "dicom", "fhir": "fhir", "astm": "astm"}
	// Encrypted transports that by port carry a patient-data protocol:
	// DICOM over TLS (2762) and HL7 over TLS as commonly configured.
	tlsPatientPorts = map[uint16]string{2762: "dicom"}
	// Infrastructure every device uses; it is not "communicating with
	// other systems" in the MDS2's sense.
	infraPorts = map[uint16]bool{53: true, 67: true, 68: true, 123: true, 5353: true}
)

// Observe builds what the network shows of one device from its record
// and its conversations (in either direction). peerIPs gives the
// addresses of peers known by a register key ("mac:…"), so that remote
// access from another device can be told to come from outside the
// device's subnet; a peer it does not know counts as outside.
func Observe(rec *cordon.DeviceRecord, convs []cordon.Conversation, peerIPs map[string][]string) mds2.Observation {
	var obs mds2.Observation
	var subnets []netip.Prefix
	if d := rec.Observed; d != nil {
		for _, ip := range d.IPs {
			if a, err := netip.ParseAddr(ip); err == nil && a.Is4() {
				p, _ := a.Prefix(24)
				subnets = append(subnets, p)
			}
		}
		obs.OS = strings.TrimSpace(d.OS.Name + " " + d.OS.Version)
		for _, e := range d.Evidence {
			if e.Fact == "smb.dialect" && e.Value == "NT LM 0.12" || e.Fact == "smb.version" && e.Value == "1" {
				obs.SMBv1 = true
			}
		}
		for _, s := range d.Services {
			if s.Role == "server" {
				obs.Services = appendService(obs.Services, mds2.Service{Proto: s.Proto, Port: int(s.Port), App: strings.ToLower(s.App)})
			}
		}
	}
	sameSubnet := func(peer string) bool {
		for _, ip := range peerAddrs(peer, peerIPs) {
			for _, p := range subnets {
				if p.Contains(ip) {
					return true
				}
			}
		}
		return false
	}
	internet, internal := map[string]bool{}, map[string]bool{}
	for _, c := range convs {
		var peer string
		server := false
		switch rec.Key {
		case c.Server:
			peer, server = c.Client, true
		case c.Client:
			peer = c.Server
		default:
			continue
		}
		if peer == "" || peer == rec.Key {
			continue
		}
		external := isPublic(peer)
		name := peerName(peer)
		app := strings.ToLower(c.App)
		if app == "tls" || app == "https" || app == "dtls" {
			obs.TLS = true
		}
		if !infraPorts[c.Port] {
			if external {
				internet[name] = true
			} else {
				internal[name] = true
			}
		}
		if server {
			obs.Services = appendService(obs.Services, mds2.Service{Proto: c.Proto, Port: int(c.Port), App: app})
			ra := remoteApps[app]
			if ra == "" && app == "" {
				ra = remotePorts[c.Port]
			}
			if ra != "" && (external || !sameSubnet(peer)) {
				obs.RemoteAccess = append(obs.RemoteAccess, mds2.Session{App: ra, Peer: name, External: external})
			}
		}
		if proto, ok := patientApps[app]; ok {
			obs.PatientData = append(obs.PatientData, mds2.DataFlow{Protocol: proto, Peer: name, Port: int(c.Port), External: external})
		} else if proto, ok := tlsPatientPorts[c.Port]; ok && (app == "tls" || app == "") {
			obs.PatientData = append(obs.PatientData, mds2.DataFlow{Protocol: proto, Peer: name, Port: int(c.Port), Encrypted: true, External: external})
		}
	}
	obs.InternetPeers = sortedKeys(internet)
	obs.InternalPeers = sortedKeys(internal)
	return obs
}

// Merge joins the observations of a model's devices into one, each
// session, flow, peer and service once.
func Merge(obs []mds2.Observation) mds2.Observation {
	var m mds2.Observation
	for _, o := range obs {
		for _, s := range o.RemoteAccess {
			if !slices.Contains(m.RemoteAccess, s) {
				m.RemoteAccess = append(m.RemoteAccess, s)
			}
		}
		for _, s := range o.OpenAccess {
			if !slices.Contains(m.OpenAccess, s) {
				m.OpenAccess = append(m.OpenAccess, s)
			}
		}
		for _, f := range o.PatientData {
			if !slices.Contains(m.PatientData, f) {
				m.PatientData = append(m.PatientData, f)
			}
		}
		for _, s := range o.Services {
			m.Services = appendService(m.Services, s)
		}
		m.InternetPeers = union(m.InternetPeers, o.InternetPeers)
		m.InternalPeers = union(m.InternalPeers, o.InternalPeers)
		if m.OS == "" {
			m.OS = o.OS
		}
		m.SMBv1 = m.SMBv1 || o.SMBv1
		m.TLS = m.TLS || o.TLS
		m.Wireless = m.Wireless || o.Wireless
	}
	return m
}

func appendService(ss []mds2.Service, s mds2.Service) []mds2.Service {
	if s.Port == 0 || slices.Contains(ss, s) {
		return ss
	}
	return append(ss, s)
}

func union(a, b []string) []string {
	for _, s := range b {
		if !slices.Contains(a, s) {
			a = append(a, s)
		}
	}
	return a
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// peerName is how a peer is shown: its address for "ip:" keys, else the
// register key.
func peerName(key string) string {
	if s, ok := strings.CutPrefix(key, "ip:"); ok {
		return s
	}
	return key
}

// peerAddrs returns the addresses a peer is known by.
func peerAddrs(key string, peerIPs map[string][]string) []netip.Addr {
	var out []netip.Addr
	if s, ok := strings.CutPrefix(key, "ip:"); ok {
		if a, err := netip.ParseAddr(s); err == nil {
			out = append(out, a.Unmap())
		}
	}
	for _, s := range peerIPs[key] {
		if a, err := netip.ParseAddr(s); err == nil {
			out = append(out, a.Unmap())
		}
	}
	return out
}

// isPublic reports whether an "ip:" peer is on the internet (ingest keys
// addresses outside the hospital that way): not private, shared,
// loopback, link-local, multicast or unspecified.
func isPublic(key string) bool {
	s, ok := strings.CutPrefix(key, "ip:")
	if !ok {
		return false
	}
	a, err := netip.ParseAddr(s)
	return err == nil && cordon.PublicAddr(a)
}
