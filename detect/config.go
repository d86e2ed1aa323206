package detect

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"strings"

	"github.com/cordonsec/cordon"
)

// Config is what a hospital approves, which the detections measure traffic
// against. The zero Config approves nothing: every medical device's
// internet use is reported, SMB is expected only towards servers, and
// internal remote access to medical devices is reported.
type Config struct {
	// Internet lists the internet endpoints a device may reach (its
	// manufacturer's update or telemetry service), per device selector.
	Internet []Allow `json:"internet"`
	// FileServers are the addresses or prefixes approved as SMB/NFS
	// servers for medical devices ("10.20.0.0/24", "10.20.5.7").
	FileServers []string `json:"file_servers"`
	// JumpHosts are the internal addresses or prefixes approved to reach
	// devices by RDP, VNC, SSH and remote-support tools.
	JumpHosts []string `json:"jump_hosts"`
	// Zones are prefixes that each form one zone for patient data; with
	// none, a device's zone is its /24 (IPv4) or /64 (IPv6).
	Zones []string `json:"zones"`
	// AllDevices applies internet_web, external_email and file_share to
	// every device, not only medical ones.
	AllDevices bool `json:"all_devices"`
	// Policy, when set, is the approved network policy that flows are
	// held to (flow_violation). It is not part of the file: the server
	// sets it from the policy analysts approved (policy.Enforcer).
	Policy PolicyCheck `json:"-"`
}

// Allow is one allow-list entry: the devices it covers and the endpoints
// they may reach.
type Allow struct {
	// Match selects devices: "*", "mac:AA:BB:..", "manufacturer:NAME",
	// "model:NAME", "profile:ID" or "category:ID" (such as
	// "category:imaging_modality"); names compare case-insensitively.
	Match string `json:"match"`
	// Hosts are names ("updates.example.com"), name suffixes
	// ("*.example.com"), addresses or prefixes.
	Hosts []string `json:"hosts"`
}

// ParseConfig reads a JSON Config and checks it, naming the first bad entry.
func ParseConfig(b []byte) (*Config, error) {
	var c Config
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, cordon.Errorf(cordon.EINVALID, "Detection config: %v.", err)
	}
	if _, err := compile(&c); err != nil {
		return nil, err
	}
	return &c, nil
}

// compiled is a Config ready for matching.
type compiled struct {
	allow       []compiledAllow
	fileServers []netip.Prefix
	jumpHosts   []netip.Prefix
	zones       []netip.Prefix
	all         bool
	policy      PolicyCheck
}

type compiledAllow struct {
	field, value string // field "" matches every device
	names        []string
	suffixes     []string // ".example.com"
	prefixes     []netip.Prefix
}

func compile(c *Config) (*compiled, error) {
	out := &compiled{all: c.AllDevices, policy: c.Policy}
	var err error
	if out.fileServers, err = prefixes("file_servers", c.FileServers); err != nil {
		return nil, err
	}
	if out.jumpHosts, err = prefixes("jump_hosts", c.JumpHosts); err != nil {
		return nil, err
	}
	if out.zones, err = prefixes("zones", c.Zones); err != nil {
		return nil, err
	}
	for i, a := range c.Internet {
		var ca compiledAllow
		if a.Match != "*" {
			f, v, ok := strings.Cut(a.Match, ":")
			switch {
			case !ok || v == "":
				return nil, cordon.Errorf(cordon.EINVALID, "Detection config: internet[%d].match %q is not \"*\" or field:value.", i, a.Match)
			case f != "mac" && f != "manufacturer" && f != "model" && f != "profile" && f != "category":
				return nil, cordon.Errorf(cordon.EINVALID, "Detection config: internet[%d].match field %q is not mac, manufacturer, model, profile or category.", i, f)
			}
			if f == "mac" {
				m, err := cordon.ParseMAC(v)
				if err != nil {
					return nil, cordon.Errorf(cordon.EINVALID, "Detection config: internet[%d].match: %q is not a MAC address.", i, v)
				}
				v = m.String()
			}
			ca.field, ca.value = f, strings.ToLower(v)
		}
		if len(a.Hosts) == 0 {
			return nil, cordon.Errorf(cordon.EINVALID, "Detection config: internet[%d] lists no hosts.", i)
		}
		for j, h := range a.Hosts {
			h = strings.ToLower(strings.TrimSpace(h))
			if p, err := parsePrefix(h); err == nil {
				ca.prefixes = append(ca.prefixes, p)
				continue
			}
			name := strings.TrimPrefix(h, "*")
			if name == "" || strings.ContainsAny(name, " /*:") || name == "." {
				return nil, cordon.Errorf(cordon.EINVALID, "Detection config: internet[%d].hosts[%d] %q is not a host name, address or prefix.", i, j, h)
			}
			if strings.HasPrefix(h, "*.") {
				ca.suffixes = append(ca.suffixes, name)
			} else {
				ca.names = append(ca.names, name)
			}
		}
		out.allow = append(out.allow, ca)
	}
	return out, nil
}

func prefixes(field string, ss []string) ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(ss))
	for i, s := range ss {
		p, err := parsePrefix(strings.TrimSpace(s))
		if err != nil {
			return nil, cordon.Errorf(cordon.EINVALID, "Detection config: %s[%d] %q is not an address or prefix.", field, i, s)
		}
		out = append(out, p)
	}
	return out, nil
}

// parsePrefix reads "10.0.0.0/8" or a single address as its host prefix.
func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

func inAny(ps []netip.Prefix, a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// allowed reports whether device d may reach the endpoint at addr, known by
// name ("" when no name was seen).
func (c *compiled) allowed(d *cordon.Device, addr netip.Addr, name string) bool {
	name = strings.ToLower(name)
	for i := range c.allow {
		a := &c.allow[i]
		if !a.covers(d) {
			continue
		}
		if inAny(a.prefixes, addr) {
			return true
		}
		if name == "" {
			continue
		}
		for _, n := range a.names {
			if n == name {
				return true
			}
		}
		for _, s := range a.suffixes {
			if strings.HasSuffix(name, s) {
				return true
			}
		}
	}
	return false
}

func (a *compiledAllow) covers(d *cordon.Device) bool {
	switch a.field {
	case "":
		return true
	case "mac":
		return d.MAC.String() == a.value
	case "manufacturer":
		return strings.ToLower(d.Manufacturer) == a.value
	case "model":
		return strings.ToLower(d.Model) == a.value
	case "profile":
		return strings.ToLower(d.Profile) == a.value
	case "category":
		return strings.ToLower(d.Category) == a.value
	}
	return false
}

// zone returns the zone of an address.
func (c *compiled) zone(a netip.Addr) netip.Prefix {
	a = a.Unmap()
	best := netip.Prefix{}
	for _, p := range c.zones {
		if p.Contains(a) && (!best.IsValid() || p.Bits() > best.Bits()) {
			best = p
		}
	}
	if best.IsValid() {
		return best
	}
	return subnet(a)
}

// Approved returns the config's approved endpoints as address prefixes:
// the file servers, the jump hosts, and the internet hosts of every
// allow-list entry given as an address or prefix (names are left out:
// stored conversations keep addresses, not names). A config from
// ParseConfig has valid prefixes; invalid entries are skipped.
func (c *Config) Approved() (internet, fileServers, jumpHosts []netip.Prefix) {
	if c == nil {
		return nil, nil, nil
	}
	valid := func(ss []string) []netip.Prefix {
		var out []netip.Prefix
		for _, s := range ss {
			if p, err := parsePrefix(strings.TrimSpace(s)); err == nil {
				out = append(out, p)
			}
		}
		return out
	}
	for _, a := range c.Internet {
		internet = append(internet, valid(a.Hosts)...)
	}
	return internet, valid(c.FileServers), valid(c.JumpHosts)
}
