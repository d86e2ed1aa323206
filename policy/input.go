package policy

import (
	"net/netip"
	"slices"

	"github.com/cordonsec/cordon"
)

// Device is what the policy needs to know about one device: how it is
// addressed, what it is, and what the register recorded about it.
type Device struct {
	Key          string   `json:"key"` // cordon.DeviceKey
	MAC          string   `json:"mac"`
	IPs          []string `json:"ips"`
	Hostname     string   `json:"hostname"`
	Category     string   `json:"category"`
	Manufacturer string   `json:"manufacturer"`
	Model        string   `json:"model"`
	// Criticality and Zone come from the register (cordon.Recorded) when
	// the server builds the input; the offline form leaves them empty.
	Criticality string `json:"criticality"`
	Zone        string `json:"zone"`
	VLAN        uint16 `json:"vlan"`
}

// DevicesFrom converts observed devices.
func DevicesFrom(ds []*cordon.Device) []Device {
	out := make([]Device, 0, len(ds))
	for _, d := range ds {
		pd := Device{Key: cordon.DeviceKey(d), IPs: d.IPs, Category: d.Category,
			Manufacturer: d.Manufacturer, Model: d.Model}
		if !d.MAC.IsZero() {
			pd.MAC = d.MAC.String()
		}
		if len(d.Hostnames) > 0 {
			pd.Hostname = d.Hostnames[0]
		}
		out = append(out, pd)
	}
	return out
}

// ipv4 returns the device's IPv4 addresses, sorted.
func (d *Device) ipv4() []netip.Addr {
	var out []netip.Addr
	for _, s := range d.IPs {
		if a, err := netip.ParseAddr(s); err == nil && a.Unmap().Is4() {
			out = append(out, a.Unmap())
		}
	}
	slices.SortFunc(out, netip.Addr.Compare)
	return slices.Compact(out)
}

// criticalityRank orders clinical criticality, most critical first.
func criticalityRank(c string) int {
	switch c {
	case cordon.CriticalityLifeSustaining:
		return 0
	case cordon.CriticalityHigh:
		return 1
	case cordon.CriticalityMedium:
		return 2
	case cordon.CriticalityLow:
		return 3
	}
	return 4
}
