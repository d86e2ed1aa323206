package lifecycle

import (
	"fmt"
	"strings"

	"github.com/cordonsec/cordon"
)

// linuxReason explains why a bare Linux kernel gets no state: upstream
// kernel support says little when the distribution backports fixes.
const linuxReason = "Linux distribution and release unknown: the kernel version alone does not tell whether security updates continue"

// cycles matches any of the named release cycles.
func cycles(names ...string) func(cordon.Lifecycle) bool {
	return func(l cordon.Lifecycle) bool {
		for _, n := range names {
			if l.Release == n {
				return true
			}
		}
		return false
	}
}

// windowsFixed maps OS names (as classify gives them) to endoflife.date
// products and cycles. A name without a service pack maps to every cycle of
// the release, so that "unsupported since" holds for all of them.
var windowsFixed = map[string]struct {
	product string
	cycles  []string
}{
	"Windows 2000":                  {"windows-server", []string{"2000"}}, // Professional and Server share the dates
	"Windows XP":                    {"windows", []string{"5-sp3"}},
	"Windows Vista":                 {"windows", []string{"6-sp2"}},
	"Windows 7":                     {"windows", []string{"7-sp1"}},
	"Windows 8":                     {"windows", []string{"8"}},
	"Windows 8.1":                   {"windows", []string{"8.1"}},
	"Windows Embedded Standard 7":   {"windows-embedded", []string{"standard-7-sp1"}},
	"Windows Embedded POSReady 7":   {"windows-embedded", []string{"posready-7"}},
	"Windows Embedded Compact 7":    {"windows-embedded", []string{"compact-7"}},
	"Windows Embedded Compact 2013": {"windows-embedded", []string{"compact-2013"}},
	"Windows Embedded 8.1 Industry": {"windows-embedded", []string{"8.1-industry"}},
	"Windows Server 2003":           {"windows-server", []string{"2003", "2003-sp1", "2003-sp2"}},
	"Windows Server 2008":           {"windows-server", []string{"2008-sp2"}},
	"Windows Server 2008 R2":        {"windows-server", []string{"2008-r2-sp1"}},
	"Windows Server 2012":           {"windows-server", []string{"2012"}},
	"Windows Server 2012 R2":        {"windows-server", []string{"2012-r2"}},
	"Windows Server 2016":           {"windows-server", []string{"2016"}},
	"Windows Server 2019":           {"windows-server", []string{"2019"}},
	"Windows Server 2022":           {"windows-server", []string{"2022"}},
	"Windows Server 2025":           {"windows-server", []string{"2025"}},
}

// distributions maps OS names of Linux distributions and other systems to
// endoflife.date products; the version picks the cycle.
var distributions = map[string]string{
	"ubuntu": "ubuntu", "debian": "debian", "debian gnu/linux": "debian",
	"red hat enterprise linux": "rhel", "rhel": "rhel",
	"centos": "centos", "centos linux": "centos", "centos stream": "centos-stream",
	"rocky linux": "rocky-linux", "almalinux": "almalinux", "oracle linux": "oracle-linux",
	"suse linux enterprise server": "sles", "sles": "sles", "opensuse leap": "opensuse",
	"fedora": "fedora", "alpine linux": "alpine-linux", "amazon linux": "amazon-linux",
	"macos": "macos", "ios": "ios", "android": "android",
	// Network and virtualisation platforms that hold a hospital together.
	"cisco ios xe": "cisco-ios-xe", "fortios": "fortios", "pan-os": "pan-os",
	"vmware esxi": "vmware-esxi",
}

// osQuery maps a cordon.OS to a lifecycle product and its candidate cycles.
func osQuery(os cordon.OS) query {
	what := strings.TrimSpace(os.Name + " " + os.Version)
	if f, ok := windowsFixed[os.Name]; ok {
		return query{product: f.product, match: cycles(f.cycles...), what: what}
	}
	switch os.Name {
	case "":
		return query{reason: "operating system not identified"}
	case "Windows":
		return query{reason: "Windows release unknown"}
	case "Linux":
		return query{reason: linuxReason}
	case "Windows 10", "Windows 11":
		major := strings.TrimPrefix(os.Name, "Windows ")
		build := ""
		if p := strings.Split(os.Version, "."); len(p) >= 3 {
			build = p[2]
		}
		return query{product: "windows", what: what, match: func(l cordon.Lifecycle) bool {
			if !strings.HasPrefix(l.Release, major+"-") {
				return false
			}
			// Every Windows 10/11 cycle names its build in latest
			// (10.0.19045), so the build picks the feature release; the
			// edition (Home/Pro, Enterprise, LTSC, IoT) is not seen on the
			// wire, so all editions of that build remain candidates.
			return build == "" || strings.HasSuffix(l.Latest, "."+build)
		}}
	}
	if p, ok := distributions[normalise(os.Name)]; ok {
		return query{product: p, what: what, versioned: true, version: os.Version}
	}
	return query{reason: fmt.Sprintf("no lifecycle data for %s", os.Name)}
}

// windowsCPE maps NVD's Microsoft Windows product names to a query; ok is
// false for CPEs that are not Windows.
func windowsCPE(f []string) (query, bool) {
	if f[0] != "o" || f[1] != "microsoft" || !strings.HasPrefix(f[2], "windows") {
		return query{}, false
	}
	product, version := f[2], f[3]
	name := ""
	switch product {
	case "windows_2000":
		name = "Windows 2000"
	case "windows_xp":
		name = "Windows XP"
	case "windows_vista":
		name = "Windows Vista"
	case "windows_7":
		name = "Windows 7"
	case "windows_8":
		name = "Windows 8"
	case "windows_8.1":
		name = "Windows 8.1"
	case "windows_embedded_standard_7":
		name = "Windows Embedded Standard 7"
	case "windows_embedded_posready_7":
		name = "Windows Embedded POSReady 7"
	case "windows_embedded_compact_7":
		name = "Windows Embedded Compact 7"
	case "windows_server_2003":
		name = "Windows Server 2003"
	case "windows_server_2008":
		name = "Windows Server 2008"
		if version == "r2" {
			name += " R2"
		}
	case "windows_server_2012":
		name = "Windows Server 2012"
		if version == "r2" {
			name += " R2"
		}
	case "windows_server_2016", "windows_server_2019", "windows_server_2022", "windows_server_2025":
		name = "Windows Server " + strings.TrimPrefix(product, "windows_server_")
	case "windows_10", "windows_11":
		return osQuery(cordon.OS{Name: "Windows " + strings.TrimPrefix(product, "windows_")}), true
	}
	if name != "" {
		q := osQuery(cordon.OS{Name: name})
		q.what = "cpe " + product
		return q, true
	}
	// windows_10_22h2, windows_11_23h2: the feature release is in the name.
	for _, major := range []string{"10", "11"} {
		rel, ok := strings.CutPrefix(product, "windows_"+major+"_")
		if !ok || rel == "" {
			continue
		}
		prefix := major + "-" + rel
		return query{product: "windows", what: "cpe " + product, match: func(l cordon.Lifecycle) bool {
			return l.Release == prefix || strings.HasPrefix(l.Release, prefix+"-")
		}}, true
	}
	return query{reason: fmt.Sprintf("no lifecycle mapping for Microsoft %s", product)}, true
}
