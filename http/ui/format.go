package ui

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// categoryLabels are the people's names of the category identifiers.
var categoryLabels = map[string]string{
	cordon.CategoryInfusionPump:       "Infusion pump",
	cordon.CategoryPatientMonitor:     "Patient monitor",
	cordon.CategoryImagingModality:    "Imaging modality",
	cordon.CategoryLabAnalyzer:        "Lab analyser",
	cordon.CategoryMedicalWorkstation: "Medical workstation",
	cordon.CategoryMedicalServer:      "Clinical server",
	cordon.CategoryOtherMedical:       "Other medical",
	cordon.CategoryWorkstation:        "Workstation",
	cordon.CategoryServer:             "Server",
	cordon.CategoryPrinter:            "Printer",
	cordon.CategoryNetwork:            "Network infrastructure",
	cordon.CategoryVoIPPhone:          "IP phone",
	cordon.CategoryIoT:                "Building / IoT",
	cordon.CategoryMobile:             "Phone / tablet",
	cordon.CategoryUnknown:            "Unknown",
}

// categoryLabel names a category for people; an unrecognised identifier is
// shown as it is.
func categoryLabel(c string) string {
	if l, ok := categoryLabels[c]; ok {
		return l
	}
	if c == "" {
		return "Unknown"
	}
	return c
}

// fieldLabels name the fields of observed and recorded data for people.
var fieldLabels = map[string]string{
	"manufacturer": "Manufacturer", "model": "Model", "category": "Category",
	"os": "Operating system", "mac": "MAC address", "ip": "IP address",
	"hostname": "Host name", "modality": "Modality", "confidence": "Confidence",
	"asset_tag": "Asset tag", "serial": "Serial number", "site": "Site",
	"building": "Building", "ward": "Ward", "room": "Room", "department": "Department",
	"owner": "Owner", "contact": "Contact", "criticality": "Clinical criticality",
	"patient_data": "Stores or transmits patient data", "vendor": "Vendor",
	"maintenance": "Maintenance arrangement", "supplier_access_method": "Supplier access method",
	"supplier_access_mode": "Supplier access mode", "supplier_mfa": "Supplier uses MFA",
	"zone": "Network zone / VLAN", "notes": "Notes", "role": "Role", "disabled": "Disabled",
	"name": "Name", "status": "Status",
}

// fieldLabel names a field for people, falling back to the identifier as a
// sentence-case phrase ("created_at" → "Created at", "stats.bytes" →
// "Stats: bytes") so that every label in a list reads alike.
func fieldLabel(f string) string {
	if l, ok := fieldLabels[f]; ok {
		return l
	}
	parts := strings.Split(f, ".")
	for i, p := range parts {
		if l, ok := fieldLabels[p]; ok {
			parts[i] = l
			continue
		}
		p = strings.ReplaceAll(p, "_", " ")
		if i == 0 && p != "" {
			p = strings.ToUpper(p[:1]) + p[1:]
		}
		parts[i] = p
	}
	return strings.Join(parts, ": ")
}

// formatUTC shows a time as people read it in a log: "2026-11-02 08:41 UTC".
func formatUTC(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format("2006-01-02 15:04") + " UTC"
}

// formatISO is the machine-readable form for <time datetime>.
func formatISO(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// formatAgo says how long before now t was, in the largest whole unit:
// "just now", "5 minutes ago", "3 days ago"; a time in the future (a clock
// skewed between sensor and server) reads "in the future".
func formatAgo(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	if d < -time.Minute {
		return "in the future"
	}
	plural := func(n int64, unit string) string {
		if n == 1 {
			return "1 " + unit + " ago"
		}
		return strconv.FormatInt(n, 10) + " " + unit + "s ago"
	}
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int64(d/time.Minute), "minute")
	case d < 24*time.Hour:
		return plural(int64(d/time.Hour), "hour")
	case d < 60*24*time.Hour:
		return plural(int64(d/(24*time.Hour)), "day")
	case d < 2*365*24*time.Hour:
		return plural(int64(d/(30*24*time.Hour)), "month")
	}
	return plural(int64(d/(365*24*time.Hour)), "year")
}

// formatInt groups thousands: 12345 reads "12,345".
func formatInt(v any) string {
	var n int64
	switch x := v.(type) {
	case int:
		n = int64(x)
	case int64:
		n = x
	case uint64:
		if x > math.MaxInt64 {
			return strconv.FormatUint(x, 10)
		}
		n = int64(x)
	case uint16:
		n = int64(x)
	default:
		return fmt.Sprint(v)
	}
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// formatBytes shows a size in binary units with one decimal: "1.5 MiB".
func formatBytes(v any) string {
	var n float64
	switch x := v.(type) {
	case int64:
		n = float64(x)
	case uint64:
		n = float64(x)
	case int:
		n = float64(x)
	}
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	i := 0
	for n >= 1024 && i < len(units)-1 {
		n /= 1024
		i++
	}
	if i == 0 {
		return strconv.FormatFloat(n, 'f', 0, 64) + " B"
	}
	return strconv.FormatFloat(n, 'f', 1, 64) + " " + units[i]
}

// formatPercent shows a fraction (0 to 1) as a whole percentage.
func formatPercent(f float64) string {
	if math.IsNaN(f) || f < 0 {
		f = 0
	}
	if f > 1 {
		f = 1
	}
	return strconv.Itoa(int(math.Round(f*100))) + "%"
}

// formatBool shows a recorded yes/no that may be unknown.
func formatBool(b *bool) string {
	switch {
	case b == nil:
		return "Not recorded"
	case *b:
		return "Yes"
	}
	return "No"
}

// boolValue is the form value of a recorded yes/no: "yes", "no" or "".
func boolValue(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return "yes"
	}
	return "no"
}

// parseBoolValue reads a yes/no select back; anything else is unknown.
func parseBoolValue(s string) *bool {
	switch s {
	case "yes":
		t := true
		return &t
	case "no":
		f := false
		return &f
	}
	return nil
}

// queryEscape escapes s for a URL query value.
func queryEscape(s string) string { return url.QueryEscape(s) }

// osName joins an operating system's name and version.
func osName(o cordon.OS) string {
	return strings.TrimSpace(o.Name + " " + o.Version)
}
