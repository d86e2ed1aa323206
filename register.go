package cordon

import (
	"context"
	"time"
)

// DeviceRecord is one device of the register: what the network shows
// (Observed, from captures) and what people recorded (Recorded, typed in or
// imported), kept side by side and never merged, so that a disagreement is
// shown rather than silently resolved.
type DeviceRecord struct {
	ID int64 `json:"id"`
	// Key identifies the device across captures: "mac:98:e7:43:10:20:30"
	// for a device on a captured segment, "ip:10.2.1.5" for one seen only
	// behind a router, "rec:N" for one the register lists but the network
	// never showed.
	Key       string    `json:"key"`
	Observed  *Device   `json:"observed"` // nil until traffic shows the device
	Recorded  Recorded  `json:"recorded"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Clinical criticality levels of a recorded device.
const (
	CriticalityLifeSustaining = "life-sustaining"
	CriticalityHigh           = "high"
	CriticalityMedium         = "medium"
	CriticalityLow            = "low"
)

// Recorded holds what a trust's own records say about a device. Empty
// strings and nil pointers mean "not recorded".
type Recorded struct {
	// Identity as the register has it; compared with what the network shows.
	AssetTag     string `json:"asset_tag"`
	Serial       string `json:"serial"`
	MAC          string `json:"mac"`
	IP           string `json:"ip"`
	Hostname     string `json:"hostname"`
	Manufacturer string `json:"manufacturer"`
	Model        string `json:"model"`
	Category     string `json:"category"`
	OS           string `json:"os"`

	// Where it is and who answers for it.
	Site       string `json:"site"`
	Building   string `json:"building"`
	Ward       string `json:"ward"`
	Room       string `json:"room"`
	Department string `json:"department"`
	Owner      string `json:"owner"`
	Contact    string `json:"contact"`

	Criticality string `json:"criticality"`
	PatientData *bool  `json:"patient_data"`

	// Support and supplier access.
	Vendor               string `json:"vendor"`
	Maintenance          string `json:"maintenance"`
	SupplierAccessMethod string `json:"supplier_access_method"` // e.g. "VPN + jump host", "TeamViewer"
	SupplierAccessMode   string `json:"supplier_access_mode"`   // "on-demand" or "always-on"
	SupplierMFA          *bool  `json:"supplier_mfa"`

	Zone  string `json:"zone"` // network zone or VLAN
	Notes string `json:"notes"`
}

// Validate reports the first invalid field as an EINVALID error.
func (r *Recorded) Validate() error {
	switch r.Criticality {
	case "", CriticalityLifeSustaining, CriticalityHigh, CriticalityMedium, CriticalityLow:
	default:
		return Errorf(EINVALID, "Criticality must be life-sustaining, high, medium or low, not %q.", r.Criticality)
	}
	switch r.SupplierAccessMode {
	case "", "on-demand", "always-on":
	default:
		return Errorf(EINVALID, "Supplier access mode must be on-demand or always-on, not %q.", r.SupplierAccessMode)
	}
	if r.Category != "" {
		known := false
		for _, c := range Categories {
			known = known || c == r.Category
		}
		if !known {
			return Errorf(EINVALID, "Unknown category %q.", r.Category)
		}
	}
	if r.MAC != "" {
		if _, err := ParseMAC(r.MAC); err != nil {
			return Errorf(EINVALID, "Invalid MAC address %q.", r.MAC)
		}
	}
	for name, v := range map[string]string{"asset tag": r.AssetTag, "notes": r.Notes} {
		if len(v) > 4096 {
			return Errorf(EINVALID, "The %s is longer than 4096 characters.", name)
		}
	}
	return nil
}

// DeviceHistory is what a device was called and where it was over time:
// DHCP renumbers devices, and an investigation needs to know which device
// held an address at the time of an alert.
type DeviceHistory struct {
	IPs       []Seen `json:"ips"`
	Hostnames []Seen `json:"hostnames"`
}

// Seen is one value with the span of time it was observed.
type Seen struct {
	Value     string    `json:"value"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
}

// DeviceFilter selects devices of the register. Zero values match all.
type DeviceFilter struct {
	Category     string
	Manufacturer string
	Site         string
	Medical      *bool
	Query        string   // free text: hostname, IP, MAC, manufacturer, model, asset tag, serial
	Keys         []string // only devices with these keys (at most 1000)
	// Sort is a field name, "-" first for descending: "last_seen",
	// "-first_seen", "category", "manufacturer", "ip", "hostname".
	Sort   string
	Offset int
	Limit  int // 0 means the store's default page
}

// DeviceService is the register of devices.
type DeviceService interface {
	// FindDeviceByID returns the device, or ENOTFOUND.
	FindDeviceByID(ctx context.Context, id int64) (*DeviceRecord, error)
	// FindDevices returns a page of matching devices and the total number
	// that match. EINVALID for an unknown sort field.
	FindDevices(ctx context.Context, f DeviceFilter) ([]*DeviceRecord, int, error)
	// UpdateRecorded replaces a device's recorded fields and writes an audit
	// entry in the same transaction. EINVALID, ENOTFOUND.
	UpdateRecorded(ctx context.Context, id int64, r Recorded) (*DeviceRecord, error)
	// FindDeviceHistory returns the addresses and host names the device has
	// used, each with when it was first and last seen, most recent first.
	// ENOTFOUND.
	FindDeviceHistory(ctx context.Context, id int64) (*DeviceHistory, error)
	// CreateDevice adds a device the register lists but the network has not
	// shown (key "rec:N"), auditing it. When a capture later shows a device
	// whose MAC the record holds, ingest adopts the record rather than
	// making a second device. EINVALID.
	CreateDevice(ctx context.Context, r Recorded) (*DeviceRecord, error)
}

// DeviceKey returns the register key of an observed device: "mac:" and its
// MAC, or "ip:" and its first address when it is known only by address.
func DeviceKey(d *Device) string {
	if !d.MAC.IsZero() {
		return "mac:" + d.MAC.String()
	}
	if len(d.IPs) > 0 {
		return "ip:" + d.IPs[0]
	}
	return ""
}
