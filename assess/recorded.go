package assess

import (
	"regexp"
	"strings"

	"github.com/cordonsec/cordon"
)

// recordedOS maps the OS text people type into a register ("Windows 7
// SP1", "Win XP Embedded", "Windows 10 21H2", "Windows Server 2008 R2") to
// the OS name classify gives and NVD's CPE name, so that a device the
// network never showed is matched like one it did. The patterns are tried
// in order, most specific first. classify names observed OSes with its
// own (unexported) table; this one reads people's spellings.
var recordedOS = []struct {
	re      *regexp.Regexp
	name    string
	version string // the NT build the name implies, when it implies one
	cpe     string
}{
	{regexp.MustCompile(`(?i)\b(xp|5\.1)\b`), "Windows XP", "5.1.2600", "cpe:2.3:o:microsoft:windows_xp:-:sp3:*:*:*:*:*:*"},
	{regexp.MustCompile(`(?i)\bvista\b`), "Windows Vista", "6.0.6002", "cpe:2.3:o:microsoft:windows_vista:-:sp2:*:*:*:*:*:*"},
	{regexp.MustCompile(`(?i)\bserver\s*2003\b`), "Windows Server 2003", "5.2.3790", "cpe:2.3:o:microsoft:windows_server_2003:-:sp2:*:*:*:*:*:*"},
	{regexp.MustCompile(`(?i)\bserver\s*2008\s*r2\b`), "Windows Server 2008 R2", "6.1.7601", "cpe:2.3:o:microsoft:windows_server_2008:r2:sp1:*:*:*:*:*:*"},
	{regexp.MustCompile(`(?i)\bserver\s*2008\b`), "Windows Server 2008", "6.0.6002", "cpe:2.3:o:microsoft:windows_server_2008:-:sp2:*:*:*:*:*:*"},
	{regexp.MustCompile(`(?i)\bserver\s*2012\s*r2\b`), "Windows Server 2012 R2", "6.3.9600", "cpe:2.3:o:microsoft:windows_server_2012:r2:*:*:*:*:*:*:*"},
	{regexp.MustCompile(`(?i)\bserver\s*2012\b`), "Windows Server 2012", "6.2.9200", "cpe:2.3:o:microsoft:windows_server_2012:-:*:*:*:*:*:*:*"},
	{regexp.MustCompile(`(?i)\bserver\s*2016\b`), "Windows Server 2016", "10.0.14393", "cpe:2.3:o:microsoft:windows_server_2016:-:*:*:*:*:*:*:*"},
	{regexp.MustCompile(`(?i)\bserver\s*2019\b`), "Windows Server 2019", "10.0.17763", "cpe:2.3:o:microsoft:windows_server_2019:-:*:*:*:*:*:*:*"},
	{regexp.MustCompile(`(?i)\bserver\s*2022\b`), "Windows Server 2022", "10.0.20348", "cpe:2.3:o:microsoft:windows_server_2022:-:*:*:*:*:*:*:*"},
	{regexp.MustCompile(`(?i)\bembedded\b.*\b7\b|\bwes\s*7\b`), "Windows Embedded Standard 7", "6.1.7601", "cpe:2.3:o:microsoft:windows_embedded_standard_7:-:sp1:*:*:*:*:*:*"},
	{regexp.MustCompile(`(?i)\b7\b.*\bsp1\b`), "Windows 7", "6.1.7601", "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*"},
	// Windows 7 without a service pack: the update is unknown, which
	// makes criteria on "sp1" possible rather than confirmed.
	{regexp.MustCompile(`(?i)\b7\b`), "Windows 7", "", "cpe:2.3:o:microsoft:windows_7:-:*:*:*:*:*:*:*"},
	{regexp.MustCompile(`(?i)\b8\.1\b`), "Windows 8.1", "6.3.9600", "cpe:2.3:o:microsoft:windows_8.1:-:*:*:*:*:*:*:*"},
}

// windows10 reads a Windows 10 or 11 release ("Windows 10 21H2", "Win10
// 1809") out of recorded text.
var (
	windows10Re  = regexp.MustCompile(`(?i)\bwin(?:dows)?\s*(10|11)\b(?:.*?\b(1507|1511|1607|1703|1709|1803|1809|1903|1909|2004|20h2|21h1|21h2|22h2|23h2|24h2)\b)?`)
	windowsBuild = map[string]string{
		"10-1507": "10240", "10-1511": "10586", "10-1607": "14393", "10-1703": "15063", "10-1709": "16299",
		"10-1803": "17134", "10-1809": "17763", "10-1903": "18362", "10-1909": "18363", "10-2004": "19041",
		"10-20h2": "19042", "10-21h1": "19043", "10-21h2": "19044", "10-22h2": "19045",
		"11-21h2": "22000", "11-22h2": "22621", "11-23h2": "22631", "11-24h2": "26100",
	}
)

// osFromRecorded returns the OS and its CPE that a register's OS text
// names, or ok false when it names none this table knows (a firmware
// version, "Linux", "VxWorks"), in which case the OS is the text itself
// without a CPE.
func osFromRecorded(text string) (os cordon.OS, cpe string, ok bool) {
	t := strings.TrimSpace(text)
	if t == "" {
		return cordon.OS{}, "", false
	}
	l := strings.ToLower(t)
	if !strings.HasPrefix(l, "win") && !strings.Contains(l, "windows") {
		return cordon.OS{Name: t}, "", false
	}
	if m := windows10Re.FindStringSubmatch(t); m != nil {
		major, rel := m[1], strings.ToLower(m[2])
		os = cordon.OS{Name: "Windows " + major, Version: "10.0"}
		product := "windows_" + major
		if rel != "" {
			product += "_" + rel
			os.Version += "." + windowsBuild[major+"-"+rel]
		}
		return os, "cpe:2.3:o:microsoft:" + product + ":-:*:*:*:*:*:*:*", true
	}
	for _, r := range recordedOS {
		if r.re.MatchString(t) {
			return cordon.OS{Name: r.name, Version: r.version}, r.cpe, true
		}
	}
	return cordon.OS{Name: "Windows"}, "", false
}

// deviceOf returns the device to match: the observed one, completed from
// the recorded fields where traffic showed nothing (manufacturer, model,
// category, OS), or, for a device only the register knows, one made of
// the recorded fields alone. The observed device is never modified.
func deviceOf(rec *cordon.DeviceRecord) *cordon.Device {
	r := &rec.Recorded
	var d cordon.Device
	if rec.Observed != nil {
		d = *rec.Observed
	}
	if d.Manufacturer == "" {
		d.Manufacturer = r.Manufacturer
	}
	if d.Model == "" {
		d.Model = r.Model
	}
	if d.Category == "" || d.Category == cordon.CategoryUnknown {
		if r.Category != "" {
			d.Category = r.Category
			d.Medical = cordon.IsMedicalCategory(r.Category)
		}
	}
	if (d.OS.Name == "" || d.OS.Name == "Windows") && r.OS != "" {
		// The register may know the release that traffic did not show.
		if os, cpe, ok := osFromRecorded(r.OS); ok {
			d.OS = os
			// The OS name goes first: the matcher cites a name's source,
			// and this one is the register's.
			d.Software = append([]cordon.Software{{CPE: cpe, Source: "recorded.os=" + r.OS}}, d.Software...)
		}
	}
	return &d
}
