package simulate

import (
	"fmt"
	"slices"
	"strings"
)

// device is one simulated device and what its traffic has shown so far.
type device struct {
	fam      *family
	h        host
	site     *site
	zone     *zoneInfo
	ward     string
	routed   bool
	n        int // instance number within the family
	hostname string
	ae       string
	tasks    []task

	// evidence actually emitted, for Truth
	shownHost bool
	shownOS   bool
	aes       []string
	hl7Apps   []string
	ips       []string
}

// infraOrder is the order in which infrastructure roles are created: the
// most depended-on first, so that small networks still work.
var infraOrder = []string{"core", "dc", "fs", "pacs", "engine", "lis", "epr", "nms", "fw", "wan",
	"dc2", "fslegacy", "jump", "pump:BD", "mon:Philips", "mon:GE HealthCare", "mon:Mindray",
	"pump:ICU Medical", "pump:B. Braun", "muse", "access", "ris", "esxi", "ps360"}

// familyGroups is the non-infrastructure catalog, grouped so that the
// first devices of a small network cover every category.
var familyGroups = [][]*family{pumpFamilies, monitorFamilies, imagingFamilies, labFamilies,
	workstationMedFamilies, otherMedFamilies, workstationFamilies, printerFamilies,
	networkFamilies, phoneFamilies, iotFamilies, mobileFamilies}

func infraFamily(role string) *family {
	for _, f := range infraFamilies {
		if f.role == role {
			return f
		}
	}
	return nil
}

// build creates the sites, devices and their schedules.
func (g *gen) build() {
	g.buildSites()
	g.patients = makePatients(g, 48)
	counts := map[*family]int{}
	want := g.cfg.Devices
	add := func(f *family, s *site, zone string) *device {
		counts[f]++
		d := g.newDevice(f, counts[f], s, zone)
		g.devices = append(g.devices, d)
		return d
	}
	for _, role := range infraOrder {
		if len(g.devices) >= want {
			break
		}
		f := infraFamily(role)
		if role == "wan" {
			for _, s := range g.sites[1:] {
				if len(g.devices) >= want {
					break
				}
				d := add(f, g.sites[0], zTransit)
				s.router = d
				g.roles["wan:"+s.code] = d
			}
			continue
		}
		zone := f.zones[0]
		if role == "fw" {
			zone = zTransit
		}
		d := add(f, g.sites[0], zone)
		g.roles[role] = d
		if role == "core" {
			g.core = d
		}
	}
	// Satellite sites without a router (tiny networks) keep no devices.
	var sats []*site
	for _, s := range g.sites[1:] {
		if s.router != nil {
			sats = append(sats, s)
		}
	}
	var all []*family
	for i := 0; ; i++ {
		more := false
		for _, grp := range familyGroups {
			if i < len(grp) {
				all = append(all, grp[i])
				more = true
			}
		}
		if !more {
			break
		}
	}
	total := 0
	for _, f := range all {
		total += f.weight
	}
	for i := 0; len(g.devices) < want; i++ {
		var f *family
		if i < len(all) {
			f = all[i]
		} else {
			x := g.rng.IntN(total)
			for _, c := range all {
				if x < c.weight {
					f = c
					break
				}
				x -= c.weight
			}
		}
		s := g.sites[0]
		zone := f.zones[g.rng.IntN(len(f.zones))]
		if f.remote && len(sats) > 0 && g.rng.IntN(100) < 18 {
			cand := sats[g.rng.IntN(len(sats))]
			var zs []string
			for _, z := range f.zones {
				if slices.Contains(cand.zones, z) {
					zs = append(zs, z)
				}
			}
			if len(zs) > 0 {
				s, zone = cand, zs[g.rng.IntN(len(zs))]
			}
		}
		add(f, s, zone)
	}
	for _, d := range g.devices {
		if d.fam.category == "printer" && d.fam.mdns != nil && !d.routed {
			g.printers = append(g.printers, d)
		}
	}
	for _, d := range g.devices {
		g.schedule(d)
	}
}

// newDevice creates one device of family f at site s in zone.
func (g *gen) newDevice(f *family, n int, s *site, zone string) *device {
	z := zoneByID(zone)
	if zone == zTransit {
		z = g.transit.zone
	}
	d := &device{fam: f, site: s, zone: z, n: n, routed: s.routed}
	var mac [6]byte
	for {
		oui := f.ouis[g.rng.IntN(len(f.ouis))]
		var o [3]byte
		fmt.Sscanf(oui, "%02X%02X%02X", &o[0], &o[1], &o[2])
		copy(mac[:3], o[:])
		mac[3], mac[4], mac[5] = byte(g.rng.Uint32()), byte(g.rng.Uint32()), byte(g.rng.Uint32())
		if !g.macs[mac] {
			g.macs[mac] = true
			break
		}
	}
	sn, hostNum := g.allocate(s, z)
	d.h = host{mac: mac, ip: [4]byte{sn.net[0], sn.net[1], sn.net[2], hostNum}, ip6: linkLocal6(mac),
		vlan: sn.vlan, ttl: f.st.ttl, linuxPorts: f.st.linuxPorts, sub: sn, dev: d}
	if d.routed {
		d.h.via = &s.router.h.mac
		d.h.hops = 1
	}
	if zone == zWards {
		d.ward = wardNames[g.rng.IntN(len(wardNames))]
	}
	switch {
	case f.host == "":
	case strings.Contains(f.host, "%012"):
		d.hostname = fmt.Sprintf(f.host, uint64(mac[0])<<40|uint64(mac[1])<<32|uint64(mac[2])<<24|uint64(mac[3])<<16|uint64(mac[4])<<8|uint64(mac[5]))
	case strings.Contains(f.host, "%06X"):
		d.hostname = fmt.Sprintf(f.host, uint32(mac[3])<<16|uint32(mac[4])<<8|uint32(mac[5]))
	default:
		d.hostname = fmt.Sprintf(f.host, n)
	}
	if f.dicom != nil {
		d.ae = f.dicom.ae
		if !f.dicom.scp {
			d.ae = fmt.Sprintf("%s%02d", f.dicom.ae, n)
		}
		if len(d.ae) > 16 {
			d.ae = d.ae[:16]
		}
	}
	return d
}

// role returns the device filling role, or nil.
func (g *gen) role(name string) *device { return g.roles[name] }

func (d *device) noteIP(ip [4]byte) {
	s := ipString(ip)
	if !slices.Contains(d.ips, s) {
		d.ips = append(d.ips, s)
	}
}

func (d *device) noteAE(ae string) {
	if !slices.Contains(d.aes, ae) {
		d.aes = append(d.aes, ae)
	}
}

func (d *device) noteHL7(app string) {
	if !slices.Contains(d.hl7Apps, app) {
		d.hl7Apps = append(d.hl7Apps, app)
	}
}
