package cordon

import (
	"net/netip"
	"strings"
)

// Difference is a field where the register and the network disagree:
// "register says Windows 10, network shows Windows 7".
type Difference struct {
	Field    string `json:"field"`
	Recorded string `json:"recorded"`
	Observed string `json:"observed"`
}

// Differences compares the recorded identity of a device with what traffic
// shows: os, manufacturer, model, category, hostname, ip and mac. A field
// missing on either side is no disagreement, and neither is one side being
// a more specific form of the other ("Windows" against "Windows 10",
// "Siemens" against "Siemens Healthineers", a short host name against its
// FQDN), nor a recorded address that is one of several observed.
func Differences(r *DeviceRecord) []Difference {
	obs, rec := r.Observed, r.Recorded
	out := []Difference{}
	if obs == nil {
		return out
	}
	add := func(field, recorded, observed string) {
		out = append(out, Difference{Field: field, Recorded: recorded, Observed: observed})
	}
	os := strings.TrimSpace(obs.OS.Name + " " + obs.OS.Version)
	if rec.OS != "" && os != "" && !sameName(rec.OS, os) {
		add("os", rec.OS, obs.OS.Name)
	}
	if rec.Manufacturer != "" && obs.Manufacturer != "" && !sameName(rec.Manufacturer, obs.Manufacturer) {
		add("manufacturer", rec.Manufacturer, obs.Manufacturer)
	}
	if rec.Model != "" && obs.Model != "" && !sameName(rec.Model, obs.Model) {
		add("model", rec.Model, obs.Model)
	}
	if rec.Category != "" && obs.Category != "" && obs.Category != CategoryUnknown && rec.Category != obs.Category {
		add("category", rec.Category, obs.Category)
	}
	if rec.Hostname != "" && len(obs.Hostnames) > 0 && !anyHost(rec.Hostname, obs.Hostnames) {
		add("hostname", rec.Hostname, strings.Join(obs.Hostnames, ", "))
	}
	if rec.IP != "" && len(obs.IPs) > 0 && !anyIP(rec.IP, obs.IPs) {
		add("ip", rec.IP, strings.Join(obs.IPs, ", "))
	}
	if rec.MAC != "" && !obs.MAC.IsZero() {
		if m, err := ParseMAC(rec.MAC); err != nil || m != obs.MAC {
			add("mac", rec.MAC, obs.MAC.String())
		}
	}
	return out
}

// words lower-cases s and splits it at anything not a letter or digit, so
// "B. Braun" and "b braun" compare equal.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 0x7f)
	})
}

// sameName reports whether a and b are equal word for word, or one is a
// word prefix of the other.
func sameName(a, b string) bool {
	wa, wb := words(a), words(b)
	if len(wa) > len(wb) {
		wa, wb = wb, wa
	}
	if len(wa) == 0 {
		return true
	}
	for i := range wa {
		if wa[i] != wb[i] {
			return false
		}
	}
	return true
}

// anyHost reports whether host names rec as one of the observed names,
// comparing case-insensitively and short name against FQDN.
func anyHost(rec string, observed []string) bool {
	rec = strings.TrimSuffix(strings.ToLower(rec), ".")
	recShort, _, _ := strings.Cut(rec, ".")
	for _, o := range observed {
		o = strings.TrimSuffix(strings.ToLower(o), ".")
		oShort, _, _ := strings.Cut(o, ".")
		if o == rec || (recShort == oShort && (!strings.Contains(rec, ".") || !strings.Contains(o, "."))) {
			return true
		}
	}
	return false
}

// anyIP reports whether rec is one of the observed addresses.
func anyIP(rec string, observed []string) bool {
	ra, err := netip.ParseAddr(strings.TrimSpace(rec))
	for _, o := range observed {
		if err != nil {
			if strings.EqualFold(rec, o) {
				return true
			}
			continue
		}
		if oa, err := netip.ParseAddr(o); err == nil && oa.Unmap() == ra.Unmap() {
			return true
		}
	}
	return false
}
