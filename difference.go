package cordon

import (
	"slices"
	"strings"
)

// Difference is a field where the register and the network disagree:
// "register says Windows 10, network shows Windows 7".
type Difference struct {
	Field    string `json:"field"`
	Recorded string `json:"recorded"`
	Observed string `json:"observed"`
}

// Differences compares what people recorded with what traffic shows, for
// the fields both sides have. A field either side leaves empty is not a
// difference: absence of evidence is not disagreement. Comparisons ignore
// case and, for lists (addresses, names), succeed if the recorded value is
// any of the observed ones.
func Differences(r *DeviceRecord) []Difference {
	o := r.Observed
	if o == nil {
		return []Difference{}
	}
	rec := r.Recorded
	out := []Difference{}
	one := func(field, recorded, observed string) {
		if recorded != "" && observed != "" && !strings.EqualFold(strings.TrimSpace(recorded), strings.TrimSpace(observed)) {
			out = append(out, Difference{Field: field, Recorded: recorded, Observed: observed})
		}
	}
	anyOf := func(field, recorded string, observed []string) {
		if recorded == "" || len(observed) == 0 {
			return
		}
		if !slices.ContainsFunc(observed, func(v string) bool { return strings.EqualFold(v, strings.TrimSpace(recorded)) }) {
			out = append(out, Difference{Field: field, Recorded: recorded, Observed: strings.Join(observed, ", ")})
		}
	}
	one("manufacturer", rec.Manufacturer, o.Manufacturer)
	one("model", rec.Model, o.Model)
	if o.Category != CategoryUnknown {
		one("category", rec.Category, o.Category)
	}
	one("os", rec.OS, o.OS.Name)
	if rec.MAC != "" && !o.MAC.IsZero() {
		if m, err := ParseMAC(rec.MAC); err == nil && m != o.MAC {
			out = append(out, Difference{Field: "mac", Recorded: rec.MAC, Observed: o.MAC.String()})
		}
	}
	anyOf("ip", rec.IP, o.IPs)
	anyOf("hostname", rec.Hostname, o.Hostnames)
	return out
}
