package detect

import (
	"cmp"
	"net/netip"
	"slices"

	"github.com/cordonsec/cordon"
)

// serverCategories are the categories a file share is expected on.
var serverCategories = map[string]bool{
	cordon.CategoryServer: true, cordon.CategoryMedicalServer: true,
}

// Finish settles the candidates against the resolved, classified devices
// of the same capture and returns the alerts, most severe first. Call it
// once, after the sensor's Flush and the classification.
func (d *Detector) Finish(devices []*cordon.Device) []Alert {
	d.beaconCands()
	r := newResolver(devices)
	type outKey struct{ kind, key, subject string }
	out := map[outKey]*Alert{}
	for _, c := range d.cands {
		dev := r.device(c.ep)
		if dev == nil || !d.keep(c, dev, r) {
			continue
		}
		key := cordon.DeviceKey(dev)
		k := outKey{c.kind, key, c.subject}
		if a := out[k]; a != nil {
			a.Count += c.count
			if c.first.Before(a.FirstSeen) {
				a.FirstSeen = c.first.UTC()
			}
			if c.last.After(a.LastSeen) {
				a.LastSeen = c.last.UTC()
			}
			for _, e := range c.evidence {
				if len(a.Evidence) < maxEvidence && !contains(a.Evidence, e) {
					a.Evidence = append(a.Evidence, e)
				}
			}
			continue
		}
		a := &Alert{
			Kind: c.kind, Device: dev.MAC, Key: key, Severity: Raise(c.severity, dev),
			Subject: c.subject, Title: c.title, FirstSeen: c.first.UTC(), LastSeen: c.last.UTC(),
			Count: c.count, Evidence: slices.Clone(c.evidence),
		}
		if a.Evidence == nil {
			a.Evidence = []string{}
		}
		if c.ep.ip.IsValid() {
			a.IP = c.ep.ip.String()
		}
		out[k] = a
	}
	alerts := make([]Alert, 0, len(out))
	for k, a := range out {
		// A default community says more than "SNMP v1/v2c": one alert.
		if k.kind == KindCleartextManagement && k.subject == "snmp" && out[outKey{KindDefaultCredentials, k.key, "snmp-community"}] != nil {
			continue
		}
		alerts = append(alerts, a.bounded())
	}
	Sort(alerts)
	return alerts
}

// Bounds of an alert the register takes (cordon.Alert.Validate). A name a
// device looked up can be 253 characters, which a subject or a title
// quoting it twice can pass; cut here, the alert is raised rather than
// refused with its capture's others.
const (
	maxSubject      = 256
	maxTitle        = 512
	maxEvidenceLine = 1024
)

// bounded returns a cut to the register's bounds.
func (a *Alert) bounded() Alert {
	b := *a
	b.Subject, b.Title = clip(a.Subject, maxSubject), clip(a.Title, maxTitle)
	b.Evidence = make([]string, len(a.Evidence))
	for i, e := range a.Evidence {
		b.Evidence[i] = clip(e, maxEvidenceLine)
	}
	return b
}

// Sort orders alerts most severe first, then by kind, device and subject.
func Sort(alerts []Alert) {
	slices.SortFunc(alerts, func(a, b Alert) int {
		return cmp.Or(cmp.Compare(rank(a.Severity), rank(b.Severity)), cmp.Compare(a.Kind, b.Kind),
			cmp.Compare(a.Key, b.Key), cmp.Compare(a.Subject, b.Subject))
	})
}

// keep applies the checks that need the device: medical scope, the
// internet allow-list, approved file servers.
func (d *Detector) keep(c *cand, dev *cordon.Device, r *resolver) bool {
	switch c.scope {
	case medicalOnly:
		if !dev.Medical && !d.cfg.all {
			return false
		}
	case medicalPeer:
		if !dev.Medical {
			return false
		}
	}
	if c.allowable {
		return !d.cfg.allowed(dev, c.peer, c.peerName)
	}
	switch c.kind {
	case KindPatientDataCleartext:
		// Without configured zones, a subnet is too fine a zone: patient
		// data crossing subnets to the clinical servers (PACS, HIS, LIS) is
		// the expected path. The internet, or a non-server peer, is not.
		if cordon.PublicAddr(c.peer) || len(d.cfg.zones) > 0 {
			return true
		}
		srv := r.device(endpoint{ip: c.peer})
		return srv == nil || !serverCategories[srv.Category]
	case KindFileShare:
		if cordon.PublicAddr(c.peer) {
			return true
		}
		srv := r.device(endpoint{ip: c.peer})
		return srv == nil || !serverCategories[srv.Category]
	}
	return true
}

func rank(s string) int {
	if i := slices.Index(cordon.AlertSeverities, s); i >= 0 {
		return i
	}
	return len(cordon.AlertSeverities)
}

// Raise returns severity s raised one step for a medical device: the
// guidance's point is that these are the devices that cannot be patched and
// whose compromise harms patients.
func Raise(s string, d *cordon.Device) string {
	if d == nil || !d.Medical {
		return s
	}
	if i := rank(s); i > 0 && i < len(cordon.AlertSeverities) {
		return cordon.AlertSeverities[i-1]
	}
	return s
}

// resolver finds the device an endpoint belongs to.
type resolver struct {
	byIP  map[netip.Addr]*cordon.Device
	byMAC map[cordon.MAC]*cordon.Device
}

func newResolver(devices []*cordon.Device) *resolver {
	r := &resolver{byIP: map[netip.Addr]*cordon.Device{}, byMAC: map[cordon.MAC]*cordon.Device{}}
	for _, dev := range devices {
		if !dev.MAC.IsZero() {
			r.byMAC[dev.MAC] = dev
		}
		for _, s := range dev.IPs {
			if a, err := netip.ParseAddr(s); err == nil {
				if _, dup := r.byIP[a]; !dup {
					r.byIP[a] = dev
				}
			}
		}
	}
	return r
}

// device returns the internal device at the endpoint, or nil for a host on
// the internet or one the inventory did not keep. A MAC seen with many
// addresses is a router, so the address decides first.
func (r *resolver) device(ep endpoint) *cordon.Device {
	if cordon.PublicAddr(ep.ip) {
		return nil
	}
	if dev := r.byIP[ep.ip.Unmap()]; dev != nil && (ep.mac.IsZero() || dev.MAC.IsZero() || dev.MAC == ep.mac) {
		return dev
	}
	if dev := r.byMAC[ep.mac]; dev != nil && !ep.mac.IsZero() {
		return dev
	}
	return r.byIP[ep.ip.Unmap()]
}
