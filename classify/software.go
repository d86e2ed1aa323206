package classify

import (
	"regexp"
	"strings"

	"github.com/cordonsec/cordon"
)

// software names what the device runs as CPE 2.3 strings, from its OS and
// from version strings in banners and headers, so that later stages can match
// it against vulnerability data.
func software(d *cordon.Device, ev []cordon.Evidence, best *match) []cordon.Software {
	var out []cordon.Software
	seen := map[string]bool{}
	add := func(cpe, source string) {
		if cpe != "" && !seen[cpe] {
			seen[cpe] = true
			out = append(out, cordon.Software{CPE: cpe, Source: source})
		}
	}
	add(osCPE(d.OS), "os")
	for _, e := range ev {
		var cpe string
		switch e.Fact {
		case "ssh.banner":
			cpe = sshCPE(e.Value)
		case "http.server":
			cpe = httpServerCPE(e.Value)
		case "dicom.implementation_version":
			cpe = dicomToolkitCPE(e.Value)
		}
		add(cpe, factString(e))
	}
	if best != nil && best.profile.CPE != "" {
		add(best.profile.CPE, "profile "+best.profile.ID)
	}
	return out
}

// cpe builds a CPE 2.3 formatted string; empty fields become "*".
func cpe(part, vendor, product, version, update string) string {
	f := []string{part, vendor, product, cpeEscape(version), cpeEscape(update), "*", "*", "*", "*", "*", "*"}
	for i, v := range f {
		if v == "" {
			f[i] = "*"
		}
	}
	return "cpe:2.3:" + strings.Join(f, ":")
}

// cpeEscape lower-cases a value and escapes the characters CPE 2.3 reserves.
func cpeEscape(v string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(v) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
		case r == ' ':
			b.WriteRune('_')
		default:
			b.WriteByte('\\')
			b.WriteRune(r)
		}
	}
	return b.String()
}

// windows10Releases maps Windows 10 and 11 builds to the release names NVD
// uses in product names (windows_10_22h2).
var windows10Releases = map[string]string{
	"10240": "1507", "10586": "1511", "14393": "1607", "15063": "1703", "16299": "1709",
	"17134": "1803", "17763": "1809", "18362": "1903", "18363": "1909", "19041": "2004",
	"19042": "20h2", "19043": "21h1", "19044": "21h2", "19045": "22h2",
	"22000": "21h2", "22621": "22h2", "22631": "23h2", "26100": "24h2",
}

// osCPE names an operating system the way NVD does.
func osCPE(o cordon.OS) string {
	build := ""
	if parts := strings.Split(o.Version, "."); len(parts) == 3 {
		build = parts[2]
	}
	switch o.Name {
	case "Windows XP":
		return cpe("o", "microsoft", "windows_xp", "-", "sp3")
	case "Windows 7":
		if build == "7600" {
			return cpe("o", "microsoft", "windows_7", "-", "-")
		}
		return cpe("o", "microsoft", "windows_7", "-", "sp1")
	case "Windows Embedded Standard 7":
		return cpe("o", "microsoft", "windows_embedded_standard_7", "-", "sp1")
	case "Windows 8.1":
		return cpe("o", "microsoft", "windows_8.1", "-", "")
	case "Windows 10", "Windows 11":
		product := strings.ReplaceAll(strings.ToLower(o.Name), " ", "_")
		if rel := windows10Releases[build]; rel != "" {
			product += "_" + rel
		}
		return cpe("o", "microsoft", product, "-", "")
	case "Windows Server 2003":
		return cpe("o", "microsoft", "windows_server_2003", "-", "sp2")
	case "Windows Server 2008":
		return cpe("o", "microsoft", "windows_server_2008", "-", "sp2")
	case "Windows Server 2008 R2":
		return cpe("o", "microsoft", "windows_server_2008", "r2", "sp1")
	case "Windows Server 2012":
		return cpe("o", "microsoft", "windows_server_2012", "-", "")
	case "Windows Server 2012 R2":
		return cpe("o", "microsoft", "windows_server_2012", "r2", "")
	case "Windows Server 2016", "Windows Server 2019", "Windows Server 2022", "Windows Server 2025":
		return cpe("o", "microsoft", strings.ReplaceAll(strings.ToLower(o.Name), " ", "_"), "-", "")
	case "Cisco IOS":
		return cpe("o", "cisco", "ios", o.Version, "")
	case "Cisco IOS XE":
		return cpe("o", "cisco", "ios_xe", o.Version, "")
	case "Junos":
		return cpe("o", "juniper", "junos", o.Version, "")
	case "Android":
		return cpe("o", "google", "android", o.Version, "")
	case "iOS":
		return cpe("o", "apple", "iphone_os", o.Version, "")
	case "macOS":
		return cpe("o", "apple", "macos", o.Version, "")
	case "Linux":
		if o.Version != "" {
			return cpe("o", "linux", "linux_kernel", o.Version, "")
		}
	}
	return ""
}

var (
	openSSH  = regexp.MustCompile(`OpenSSH_(\d+\.\d+)(p\d+)?`)
	dropbear = regexp.MustCompile(`dropbear_(\d+\.\d+)`)
)

func sshCPE(v string) string {
	if m := openSSH.FindStringSubmatch(v); m != nil {
		return cpe("a", "openbsd", "openssh", m[1], m[2])
	}
	if m := dropbear.FindStringSubmatch(v); m != nil {
		return cpe("a", "dropbear_ssh_project", "dropbear_ssh", m[1], "")
	}
	return ""
}

// httpServers maps Server header products to NVD vendor and product names.
var httpServers = map[string][2]string{
	"apache":        {"apache", "http_server"},
	"nginx":         {"f5", "nginx"},
	"microsoft-iis": {"microsoft", "internet_information_services"},
	"lighttpd":      {"lighttpd", "lighttpd"},
	"boa":           {"boa", "boa"},
	"goahead-webs":  {"embedthis", "goahead"},
	"jetty":         {"eclipse", "jetty"},
	"mini_httpd":    {"acme", "mini_httpd"},
	"thttpd":        {"acme", "thttpd"},
}

var productVersion = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9_-]*)/(\d+(?:\.\d+)+)`)

func httpServerCPE(v string) string {
	m := productVersion.FindStringSubmatch(v)
	if m == nil {
		return ""
	}
	if vp, ok := httpServers[strings.ToLower(m[1])]; ok {
		return cpe("a", vp[0], vp[1], m[2], "")
	}
	return ""
}

var dcmtkVersion = regexp.MustCompile(`^OFFIS_DCMTK_(\d)(\d)(\d+)$`)

// dicomToolkitCPE recognises DICOM toolkits by their implementation version
// names; a manufacturer's own version names identify the product, not a CPE.
func dicomToolkitCPE(v string) string {
	if m := dcmtkVersion.FindStringSubmatch(v); m != nil {
		return cpe("a", "offis", "dcmtk", m[1]+"."+m[2]+"."+m[3], "")
	}
	return ""
}
