package policy

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"

	"github.com/cordonsec/cordon"
)

// ZoneSpec is a zone an operator declares. A device joins the first spec
// that names it (by key or MAC), else the first whose VLAN it is on, else
// the first with a subnet holding one of its addresses, else the first
// listing its category. A device the register places in a zone (Device.Zone)
// joins that zone whatever the specs say: the register is the record.
type ZoneSpec struct {
	Name       string   `json:"name"`
	Kind       string   `json:"kind"` // one of the Kind constants; empty: from the members' category
	Subnets    []string `json:"subnets"`
	VLANs      []uint16 `json:"vlans"`
	Categories []string `json:"categories"`
	Devices    []string `json:"devices"`
}

// DeclarableKinds are the kinds a declared zone may take (the internet is
// what no zone holds, not a kind to declare).
var DeclarableKinds = []string{KindModality, KindPathology, KindPACS, KindLIS, KindJump, KindProxy, KindMedical,
	KindClinicalServer, KindServer, KindNetwork, KindCorporate}

// maxZoneSpecs bounds a zones file: a trust has tens of zones, not millions.
const maxZoneSpecs = 10000

// ParseZones reads a JSON array of zone specs, as `cordon policy suggest
// --zones FILE` takes them, and validates them.
func ParseZones(r io.Reader) ([]ZoneSpec, error) {
	dec := json.NewDecoder(io.LimitReader(r, 16<<20))
	dec.DisallowUnknownFields()
	var specs []ZoneSpec
	if err := dec.Decode(&specs); err != nil {
		return nil, jsonError("Zones file", err)
	}
	if err := ValidateZones(specs); err != nil {
		return nil, err
	}
	return specs, nil
}

// ValidateZones reports the first invalid spec as an EINVALID error naming
// the zone and the field; its Field is "zones[i].field" (a name declared
// twice is reported at its second place).
func ValidateZones(specs []ZoneSpec) error {
	if len(specs) > maxZoneSpecs {
		return cordon.Errorf(cordon.EINVALID, "Zones file: %d zones; at most %d.", len(specs), maxZoneSpecs)
	}
	names := map[string]bool{}
	for i, s := range specs {
		where := fmt.Sprintf("Zone %d", i+1)
		bad := func(field, format string, args ...any) error {
			return cordon.Invalidf(fmt.Sprintf("zones[%d].%s", i, field), "%s: "+format, append([]any{where}, args...)...)
		}
		if strings.TrimSpace(s.Name) == "" {
			return bad("name", "name is empty.")
		}
		where += fmt.Sprintf(" (%q)", s.Name)
		if len(s.Name) > 100 {
			return bad("name", "name is longer than 100 bytes.")
		}
		if names[s.Name] {
			return bad("name", "a zone of that name is declared twice.")
		}
		names[s.Name] = true
		if s.Kind != "" && !slices.Contains(DeclarableKinds, s.Kind) {
			return bad("kind", "kind %q is not one of %s.", s.Kind, strings.Join(DeclarableKinds, ", "))
		}
		for _, p := range s.Subnets {
			if _, err := netip.ParsePrefix(p); err != nil {
				return bad("subnets", "subnet %q is not an address prefix such as 10.1.80.0/24.", p)
			}
		}
		for _, v := range s.VLANs {
			if v == 0 || v > 4094 {
				return bad("vlans", "VLAN %d is outside 1-4094.", v)
			}
		}
		for _, c := range s.Categories {
			if !slices.Contains(cordon.Categories, c) {
				return bad("categories", "category %q is not a device category.", c)
			}
		}
	}
	return nil
}

// autoZone is the zone a category falls in when no spec claims a device.
var autoZone = map[string][2]string{
	cordon.CategoryImagingModality:    {"modalities", KindModality},
	cordon.CategoryLabAnalyzer:        {"pathology-analysers", KindPathology},
	cordon.CategoryInfusionPump:       {"infusion-pumps", KindMedical},
	cordon.CategoryPatientMonitor:     {"patient-monitors", KindMedical},
	cordon.CategoryOtherMedical:       {"medical-devices", KindMedical},
	cordon.CategoryMedicalWorkstation: {"clinical-workstations", KindMedical},
	cordon.CategoryMedicalServer:      {"clinical-servers", KindClinicalServer},
	cordon.CategoryServer:             {"servers", KindServer},
	cordon.CategoryNetwork:            {"network", KindNetwork},
}

// roleZone names the zones of the roles traffic reveals.
var roleZone = map[string]string{KindPACS: "pacs", KindLIS: "lis", KindJump: "jump-hosts", KindProxy: "proxies"}

func categoryKind(c string) string {
	if z, ok := autoZone[c]; ok {
		return z[1]
	}
	return KindCorporate
}

// protectedKind reports whether a zone of the kind holds medical devices
// or clinical systems, so that a firewall defaults to deny around it.
func protectedKind(k string) bool {
	switch k {
	case KindModality, KindPathology, KindPACS, KindLIS, KindMedical, KindClinicalServer:
		return true
	}
	return false
}

// zoning is the assignment of devices (and outside hosts) to zones.
type zoning struct {
	zones    []*Zone
	byName   map[string]*Zone
	byKey    map[string]*Zone
	devs     map[string]*Device
	internet *Zone
	unknown  *Zone
}

func (z *zoning) zone(name, kind, basis string) *Zone {
	if zn := z.byName[name]; zn != nil {
		return zn
	}
	zn := &Zone{Name: name, Kind: kind, Protected: protectedKind(kind), Basis: basis, Devices: []string{}, Addrs: []string{}}
	z.byName[name] = zn
	z.zones = append(z.zones, zn)
	return zn
}

// zoneOf returns the zone of a device key or an outside host ("ip:…").
func (z *zoning) zoneOf(key string) *Zone {
	if zn := z.byKey[key]; zn != nil {
		return zn
	}
	if a, ok := keyAddr(key); ok && !cordon.InternalAddr(a) {
		return z.internet
	}
	return z.unknown
}

// keyAddr returns the address of an "ip:" key.
func keyAddr(key string) (netip.Addr, bool) {
	s, ok := strings.CutPrefix(key, "ip:")
	if !ok {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(s)
	return a.Unmap(), err == nil
}

// assign puts every device in a zone: the register's zone, then the specs,
// then the role its traffic shows, then its category (split by /24 when
// bySubnet is set).
func assign(devs []Device, convs []cordon.Conversation, specs []ZoneSpec, bySubnet bool) *zoning {
	z := &zoning{byName: map[string]*Zone{}, byKey: map[string]*Zone{}, devs: map[string]*Device{}}
	for i := range devs {
		z.devs[devs[i].Key] = &devs[i]
	}
	z.internet = &Zone{Name: "internet", Kind: KindInternet, Basis: "addresses outside the trust", Devices: []string{}, Addrs: []string{}}
	z.unknown = &Zone{Name: "unknown", Kind: KindCorporate, Basis: "internal hosts not resolved to a device", Devices: []string{}, Addrs: []string{}}
	roles := detectRoles(z.devs, convs)
	prefixes := make([][]netip.Prefix, len(specs))
	for i, s := range specs {
		for _, p := range s.Subnets {
			if pp, err := netip.ParsePrefix(p); err == nil {
				prefixes[i] = append(prefixes[i], pp.Masked())
			}
		}
	}
	specKind := func(s *ZoneSpec, d *Device) string {
		if s.Kind != "" {
			return s.Kind
		}
		if r := roles[d.Key]; r != "" {
			return r
		}
		return categoryKind(d.Category)
	}
	for i := range devs {
		d := &devs[i]
		var zn *Zone
		if d.Zone != "" {
			kind := categoryKind(d.Category)
			for j := range specs {
				if specs[j].Name == d.Zone {
					kind = specKind(&specs[j], d)
				}
			}
			zn = z.zone(d.Zone, kind, "recorded in the register")
		}
		if zn == nil {
			if j, basis := matchSpec(specs, prefixes, d); j >= 0 {
				zn = z.zone(specs[j].Name, specKind(&specs[j], d), basis)
			}
		}
		if zn == nil {
			if r := roles[d.Key]; r != "" {
				zn = z.zone(roleZone[r], r, roleBasis[r])
			}
		}
		if zn == nil {
			name, kind := "corporate", KindCorporate
			if az, ok := autoZone[d.Category]; ok {
				name, kind = az[0], az[1]
			}
			basis := "category " + d.Category
			if ips := d.ipv4(); bySubnet && len(ips) > 0 {
				p, _ := ips[0].Prefix(24)
				name += "-" + p.String()
				basis += ", subnet " + p.String()
			}
			zn = z.zone(name, kind, basis)
		}
		z.byKey[d.Key] = zn
		zn.Devices = append(zn.Devices, d.Key)
		for _, a := range d.ipv4() {
			zn.Addrs = append(zn.Addrs, a.String())
		}
	}
	for _, zn := range z.zones {
		slices.Sort(zn.Devices)
		slices.SortFunc(zn.Addrs, func(a, b string) int {
			return netip.MustParseAddr(a).Compare(netip.MustParseAddr(b))
		})
		zn.Addrs = slices.Compact(zn.Addrs)
	}
	slices.SortFunc(z.zones, func(a, b *Zone) int { return cmp.Compare(a.Name, b.Name) })
	return z
}

// matchSpec returns the index of the spec that claims d and why.
func matchSpec(specs []ZoneSpec, prefixes [][]netip.Prefix, d *Device) (int, string) {
	for i, s := range specs {
		for _, k := range s.Devices {
			if k == d.Key || (d.MAC != "" && strings.EqualFold(k, d.MAC)) {
				return i, "listed by the operator"
			}
		}
	}
	if d.VLAN != 0 {
		for i, s := range specs {
			if slices.Contains(s.VLANs, d.VLAN) {
				return i, fmt.Sprintf("VLAN %d", d.VLAN)
			}
		}
	}
	ips := d.ipv4()
	for i := range specs {
		for _, p := range prefixes[i] {
			for _, a := range ips {
				if p.Contains(a) {
					return i, "subnet " + p.String()
				}
			}
		}
	}
	for i, s := range specs {
		if slices.Contains(s.Categories, d.Category) {
			return i, "category " + d.Category
		}
	}
	return -1, ""
}

var roleBasis = map[string]string{
	KindPACS:  "answers DICOM from modalities",
	KindLIS:   "receives from pathology analysers",
	KindJump:  "opens remote sessions to medical devices",
	KindProxy: "serves as an outbound web proxy",
}

// proxyPorts are the ports web proxies listen on by convention.
var proxyPorts = map[uint16]bool{3128: true, 3129: true, 8118: true}

// detectRoles finds the PACS, LIS, jump hosts and proxies from who talks
// to them: the NHS patterns name these roles, and the traffic shows them
// even where the classifier calls the machine just a server.
func detectRoles(devs map[string]*Device, convs []cordon.Conversation) map[string]string {
	cat := func(k string) string {
		if d := devs[k]; d != nil {
			return d.Category
		}
		return ""
	}
	score := map[string]map[string]int{}
	mark := func(k, role string) {
		if devs[k] == nil {
			return
		}
		if score[k] == nil {
			score[k] = map[string]int{}
		}
		score[k][role]++
	}
	for i := range convs {
		c := &convs[i]
		cc, sc := cat(c.Client), cat(c.Server)
		switch {
		case cc == cordon.CategoryImagingModality && isDICOM(c.App, c.Port) && sc != cordon.CategoryImagingModality:
			mark(c.Server, KindPACS)
		case cc == cordon.CategoryLabAnalyzer && !coreService(c.Proto, c.Port) &&
			(sc == cordon.CategoryMedicalServer || sc == cordon.CategoryServer || sc == cordon.CategoryUnknown):
			mark(c.Server, KindLIS)
		case cordon.RemoteMethod(c.App, c.Port) != "" && cordon.IsMedicalCategory(sc) && !cordon.IsMedicalCategory(cc):
			mark(c.Client, KindJump)
		case proxyPorts[c.Port] && !cordon.IsMedicalCategory(sc):
			mark(c.Server, KindProxy)
		}
	}
	out := map[string]string{}
	for k, s := range score {
		for _, r := range []string{KindPACS, KindLIS, KindJump, KindProxy} {
			if s[r] > 0 {
				out[k] = r
				break
			}
		}
	}
	return out
}
