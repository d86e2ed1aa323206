package reconcile

import (
	"net/netip"
	"strings"

	"github.com/cordonsec/cordon"
)

// Match is a register row matched to a device, and how.
type Match struct {
	Row    Row
	Device *cordon.DeviceRecord
	By     string // "key", "mac", "serial", "asset_tag", "hostname" or "ip"
}

// Result is a reconciliation of a register with the devices.
type Result struct {
	Matched []Match
	// RegisterOnly are rows the network never showed.
	RegisterOnly []Row
	// NetworkOnly are observed devices no row matched.
	NetworkOnly []*cordon.DeviceRecord
	// Ambiguous are rows that matched several devices by their strongest
	// key; they are not applied.
	Ambiguous []Row
}

// Reconcile matches rows to devices by the strongest key each row has:
// Cordon's own register key (a row from an export), then MAC
// (unique to a NIC), then serial number (unique to a device, when someone
// recorded it before), then asset tag (the register's own key, recorded by
// an earlier import: without it a row known only by its tag would be
// created again on every import), then host name, then IP address
// (weakest: DHCP moves it). A device matches at most one row; later rows that would match a
// device already taken count as register-only.
func Reconcile(rows []Row, devices []*cordon.DeviceRecord) Result {
	idx := map[string]map[string][]*cordon.DeviceRecord{"key": {}, "mac": {}, "serial": {}, "asset_tag": {}, "hostname": {}, "ip": {}}
	add := func(kind, v string, d *cordon.DeviceRecord) {
		if v = norm(kind, v); v != "" {
			idx[kind][v] = append(idx[kind][v], d)
		}
	}
	for _, d := range devices {
		add("key", d.Key, d)
		add("serial", d.Recorded.Serial, d)
		add("asset_tag", d.Recorded.AssetTag, d)
		add("mac", d.Recorded.MAC, d)
		add("hostname", d.Recorded.Hostname, d)
		add("ip", d.Recorded.IP, d)
		if o := d.Observed; o != nil {
			add("mac", o.MAC.String(), d)
			for _, h := range o.Hostnames {
				add("hostname", h, d)
			}
			for _, ip := range o.IPs {
				add("ip", ip, d)
			}
		}
	}
	var res Result
	taken := map[int64]bool{}
rows:
	for _, row := range rows {
		r := row.Recorded
		for _, key := range []struct{ kind, v string }{{"key", row.Key}, {"mac", r.MAC}, {"serial", r.Serial}, {"asset_tag", r.AssetTag}, {"hostname", r.Hostname}, {"ip", r.IP}} {
			cands := unique(idx[key.kind][norm(key.kind, key.v)])
			switch {
			case len(cands) == 0:
				continue
			case len(cands) > 1:
				res.Ambiguous = append(res.Ambiguous, row)
				continue rows
			case taken[cands[0].ID]:
				continue
			}
			taken[cands[0].ID] = true
			res.Matched = append(res.Matched, Match{Row: row, Device: cands[0], By: key.kind})
			continue rows
		}
		res.RegisterOnly = append(res.RegisterOnly, row)
	}
	for _, d := range devices {
		if d.Observed != nil && !taken[d.ID] {
			res.NetworkOnly = append(res.NetworkOnly, d)
		}
	}
	return res
}

func unique(ds []*cordon.DeviceRecord) []*cordon.DeviceRecord {
	var out []*cordon.DeviceRecord
	seen := map[int64]bool{}
	for _, d := range ds {
		if !seen[d.ID] {
			seen[d.ID] = true
			out = append(out, d)
		}
	}
	return out
}

// norm puts a key in comparable form: MACs parsed, host names without a
// domain and upper-cased, others trimmed and upper-cased.
func norm(kind, v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return ""
	}
	switch kind {
	case "mac":
		m, err := cordon.ParseMAC(v)
		if err != nil {
			return ""
		}
		return m.String()
	case "hostname":
		// An address typed into the host name column stays whole, or
		// every "10.x.y.z" would become "10".
		if _, err := netip.ParseAddr(v); err == nil {
			break
		}
		if i := strings.IndexByte(v, '.'); i > 0 {
			v = v[:i]
		}
	}
	return strings.ToUpper(v)
}

// Apply returns the recorded fields of a matched device after an import:
// the row's non-empty fields over what was recorded before, so that an
// import never blanks a field the register left empty.
func Apply(before cordon.Recorded, row cordon.Recorded) cordon.Recorded {
	after := before
	overlay := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	overlay(&after.AssetTag, row.AssetTag)
	overlay(&after.Serial, row.Serial)
	overlay(&after.MAC, row.MAC)
	overlay(&after.IP, row.IP)
	overlay(&after.Hostname, row.Hostname)
	overlay(&after.Manufacturer, row.Manufacturer)
	overlay(&after.Model, row.Model)
	overlay(&after.Category, row.Category)
	overlay(&after.OS, row.OS)
	overlay(&after.Site, row.Site)
	overlay(&after.Building, row.Building)
	overlay(&after.Ward, row.Ward)
	overlay(&after.Room, row.Room)
	overlay(&after.Department, row.Department)
	overlay(&after.Owner, row.Owner)
	overlay(&after.Contact, row.Contact)
	overlay(&after.Criticality, row.Criticality)
	overlay(&after.Vendor, row.Vendor)
	overlay(&after.Maintenance, row.Maintenance)
	overlay(&after.SupplierAccessMethod, row.SupplierAccessMethod)
	overlay(&after.SupplierAccessMode, row.SupplierAccessMode)
	overlay(&after.Zone, row.Zone)
	overlay(&after.Notes, row.Notes)
	if row.PatientData != nil {
		after.PatientData = row.PatientData
	}
	if row.SupplierMFA != nil {
		after.SupplierMFA = row.SupplierMFA
	}
	return after
}
