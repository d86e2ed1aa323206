package classify

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/cordonsec/cordon"
)

// osGuess is one reading of the operating system from one fact.
type osGuess struct {
	name, version string
	confidence    float64
	facts         []string
	rule          string
}

// inferOS reads the operating system from the strongest evidence. Specific
// names ("Windows 7") beat generic ones ("Windows"); among equals the more
// confident reading wins, and a version from another fact of the same family
// fills in a missing one.
func inferOS(ev []cordon.Evidence, d *cordon.Device) (cordon.OS, cordon.Reason) {
	g := inferOSName(ev, d)
	if g.name == "" {
		return cordon.OS{}, cordon.Reason{}
	}
	return cordon.OS{Name: g.name, Version: g.version},
		cordon.Reason{Field: "os", Value: g.name, Confidence: round(g.confidence), Facts: g.facts, Rule: g.rule}
}

func inferOSName(ev []cordon.Evidence, d *cordon.Device) osGuess {
	server := looksLikeServer(d)
	var guesses []osGuess
	for _, e := range ev {
		var g osGuess
		switch e.Fact {
		case "smb.native_os":
			g = fromNativeOS(e.Value)
		case "ntlm.os_version":
			g = fromNTVersion(e.Value, server)
			g.confidence = 0.9
		case "http.user_agent":
			g = fromUserAgent(e.Value)
		case "ssh.banner":
			g = fromSSH(e.Value)
		case "snmp.sys_descr", "lldp.system_description", "cdp.software_version":
			g = fromSysDescr(e.Value)
		case "dhcp.vendor_class":
			g = fromVendorClass(e.Value)
		case "mdns.txt.osxvers":
			g = osGuess{name: "macOS", confidence: 0.7}
		}
		if g.name == "" {
			continue
		}
		g.facts = []string{factString(e)}
		g.rule = e.Fact
		guesses = append(guesses, g)
	}
	var best osGuess
	for _, g := range guesses {
		if better(g, best) {
			best = g
		}
	}
	if best.name == "" {
		return best
	}
	for _, g := range guesses {
		if g.name == best.name && len(g.version) > len(best.version) && strings.HasPrefix(g.version, best.version) {
			best.version = g.version
			best.facts = append(best.facts, g.facts...)
		} else if g.name == best.name && g.facts[0] != best.facts[0] {
			best.facts = append(best.facts, g.facts...)
			best.confidence = combine(best.confidence, g.confidence*0.5)
		}
	}
	return best
}

func better(g, than osGuess) bool {
	if than.name == "" {
		return true
	}
	gs, ts := specific(g.name), specific(than.name)
	if gs != ts {
		return gs
	}
	return g.confidence > than.confidence
}

// specific reports whether an OS name is more than a family name.
func specific(name string) bool { return name != "Windows" && name != "Linux" }

// looksLikeServer reports whether the device offers services that Windows
// servers, not workstations, offer: a domain controller, a database, DNS, a
// file share.
func looksLikeServer(d *cordon.Device) bool {
	for _, s := range d.Services {
		if s.Role == "server" {
			switch s.Port {
			case 53, 88, 389, 445, 636, 1433, 3268:
				return true
			}
		}
	}
	return false
}

// windowsProducts maps NativeOS product names to OS names and NT versions,
// most specific first.
var windowsProducts = []struct{ prefix, name, nt string }{
	{"Windows Server 2003", "Windows Server 2003", "5.2"},
	{"Windows Server 2008 R2", "Windows Server 2008 R2", "6.1"},
	{"Windows Server (R) 2008", "Windows Server 2008", "6.0"},
	{"Windows Server 2008", "Windows Server 2008", "6.0"},
	{"Windows Server 2012 R2", "Windows Server 2012 R2", "6.3"},
	{"Windows Server 2012", "Windows Server 2012", "6.2"},
	{"Windows Server 2016", "Windows Server 2016", "10.0"},
	{"Windows Server 2019", "Windows Server 2019", "10.0"},
	{"Windows Server 2022", "Windows Server 2022", "10.0"},
	{"Windows Embedded Standard", "Windows Embedded Standard 7", "6.1"},
	{"Windows 7", "Windows 7", "6.1"},
	{"Windows Vista", "Windows Vista", "6.0"},
	{"Windows 8.1", "Windows 8.1", "6.3"},
	{"Windows 8", "Windows 8", "6.2"},
	{"Windows 10", "Windows 10", "10.0"},
	{"Windows 11", "Windows 11", "10.0"},
	{"Windows 5.1", "Windows XP", "5.1"},
	{"Windows 2002", "Windows XP", "5.1"},
	{"Windows XP", "Windows XP", "5.1"},
	{"Windows 5.0", "Windows 2000", "5.0"},
	{"Windows 2000", "Windows 2000", "5.0"},
	{"Windows 4.0", "Windows NT 4.0", "4.0"},
}

var buildRe = regexp.MustCompile(`\b(\d{4,5})\b`)

// fromNativeOS reads an SMB1 NativeOS string such as
// "Windows 7 Professional 7601 Service Pack 1".
func fromNativeOS(v string) osGuess {
	for _, p := range windowsProducts {
		if strings.HasPrefix(v, p.prefix) {
			g := osGuess{name: p.name, version: p.nt, confidence: 0.95}
			if m := buildRe.FindStringSubmatch(strings.TrimPrefix(v, p.prefix)); m != nil {
				g.version = p.nt + "." + m[1]
			} else if p.name == "Windows XP" {
				g.version = "5.1.2600"
			}
			return g
		}
	}
	if strings.HasPrefix(v, "Windows") {
		return osGuess{name: "Windows", confidence: 0.8}
	}
	return osGuess{}
}

// fromNTVersion names the Windows release of an NT version "major.minor.build"
// as NTLMSSP reports it. Where one build serves both a client and a server
// release, server decides.
func fromNTVersion(v string, server bool) osGuess {
	parts := strings.Split(v, ".")
	if len(parts) != 3 {
		return osGuess{}
	}
	build, err := strconv.Atoi(parts[2])
	if err != nil {
		return osGuess{}
	}
	pick := func(client, srv string) string {
		if server || client == "" {
			return srv
		}
		return client
	}
	name := ""
	switch parts[0] + "." + parts[1] {
	case "5.0":
		name = "Windows 2000"
	case "5.1":
		name = "Windows XP"
	case "5.2":
		name = pick("Windows XP", "Windows Server 2003")
	case "6.0":
		name = pick("Windows Vista", "Windows Server 2008")
	case "6.1":
		name = pick("Windows 7", "Windows Server 2008 R2")
	case "6.2":
		name = pick("Windows 8", "Windows Server 2012")
	case "6.3":
		name = pick("Windows 8.1", "Windows Server 2012 R2")
	case "10.0":
		switch {
		case build == 20348:
			name = "Windows Server 2022"
		case build == 14393:
			name = pick("Windows 10", "Windows Server 2016")
		case build == 17763:
			name = pick("Windows 10", "Windows Server 2019")
		case build == 26100:
			name = pick("Windows 11", "Windows Server 2025")
		case build >= 22000:
			name = "Windows 11"
		default:
			name = "Windows 10"
		}
	default:
		return osGuess{}
	}
	return osGuess{name: name, version: v}
}

var (
	uaWindows = regexp.MustCompile(`Windows NT (\d+\.\d+)`)
	uaAndroid = regexp.MustCompile(`Android (\d+(?:\.\d+)*)`)
	uaIOS     = regexp.MustCompile(`(?:iPhone|CPU) OS (\d+(?:_\d+)*)`)
	uaMac     = regexp.MustCompile(`Mac OS X (\d+(?:[_.]\d+)*)`)
)

// fromUserAgent reads the platform token of an HTTP User-Agent.
func fromUserAgent(v string) osGuess {
	if m := uaWindows.FindStringSubmatch(v); m != nil {
		g := fromNTVersion(m[1]+".0", false)
		g.version = m[1]
		if m[1] == "10.0" {
			g.name = "Windows 10" // Windows 11 still says 10.0
		}
		g.confidence = 0.75
		return g
	}
	if m := uaAndroid.FindStringSubmatch(v); m != nil {
		return osGuess{name: "Android", version: m[1], confidence: 0.8}
	}
	if m := uaIOS.FindStringSubmatch(v); m != nil {
		return osGuess{name: "iOS", version: strings.ReplaceAll(m[1], "_", "."), confidence: 0.8}
	}
	if m := uaMac.FindStringSubmatch(v); m != nil {
		return osGuess{name: "macOS", version: strings.ReplaceAll(m[1], "_", "."), confidence: 0.7}
	}
	if strings.Contains(v, "Linux") {
		return osGuess{name: "Linux", confidence: 0.5}
	}
	return osGuess{}
}

// fromSSH reads an SSH identification string.
func fromSSH(v string) osGuess {
	switch {
	case strings.Contains(v, "Cisco"):
		return osGuess{name: "Cisco IOS", confidence: 0.6}
	case strings.Contains(v, "OpenSSH_for_Windows"):
		return osGuess{name: "Windows", confidence: 0.6}
	case strings.Contains(v, "Debian"), strings.Contains(v, "Ubuntu"), strings.Contains(v, "Raspbian"), strings.Contains(v, "dropbear"):
		return osGuess{name: "Linux", confidence: 0.6}
	}
	return osGuess{}
}

var (
	iosVersion   = regexp.MustCompile(`Version ([0-9][0-9A-Za-z.()]*)`)
	linuxVersion = regexp.MustCompile(`Linux \S+ (\d+\.\d+[.\d]*)`)
	junosVersion = regexp.MustCompile(`JUNOS (\S+?),?(?:\s|$)`)
	winBuild     = regexp.MustCompile(`Windows Version (\d+\.\d+) \(Build (\d+)`)
)

// fromSysDescr reads SNMP sysDescr, LLDP system description and CDP
// software version strings.
func fromSysDescr(v string) osGuess {
	switch {
	case strings.Contains(v, "IOS-XE") || strings.Contains(v, "IOS XE") || strings.Contains(v, "IOSXE"):
		g := osGuess{name: "Cisco IOS XE", confidence: 0.9}
		if m := iosVersion.FindStringSubmatch(v); m != nil {
			g.version = m[1]
		}
		return g
	case strings.Contains(v, "Cisco IOS"):
		g := osGuess{name: "Cisco IOS", confidence: 0.9}
		if m := iosVersion.FindStringSubmatch(v); m != nil {
			g.version = m[1]
		}
		return g
	case strings.Contains(v, "JUNOS") || strings.Contains(v, "Junos"):
		g := osGuess{name: "Junos", confidence: 0.9}
		if m := junosVersion.FindStringSubmatch(v); m != nil {
			g.version = m[1]
		}
		return g
	case strings.Contains(v, "ArubaOS"):
		return osGuess{name: "ArubaOS", confidence: 0.9}
	case strings.Contains(v, "FortiGate") || strings.Contains(v, "FortiOS"):
		return osGuess{name: "FortiOS", confidence: 0.85}
	case strings.Contains(v, "VxWorks"):
		return osGuess{name: "VxWorks", confidence: 0.85}
	case strings.Contains(v, "QNX"):
		return osGuess{name: "QNX", confidence: 0.85}
	case strings.HasPrefix(v, "Linux"):
		g := osGuess{name: "Linux", confidence: 0.85}
		if m := linuxVersion.FindStringSubmatch(v); m != nil {
			g.version = m[1]
		}
		return g
	}
	if m := winBuild.FindStringSubmatch(v); m != nil {
		g := fromNTVersion(m[1]+"."+m[2], strings.Contains(v, "Server"))
		g.confidence = 0.85
		return g
	}
	return osGuess{}
}

// fromVendorClass reads DHCP option 60.
func fromVendorClass(v string) osGuess {
	switch {
	case strings.HasPrefix(v, "MSFT"):
		return osGuess{name: "Windows", confidence: 0.7}
	case strings.HasPrefix(v, "android-dhcp-"):
		return osGuess{name: "Android", version: strings.TrimPrefix(v, "android-dhcp-"), confidence: 0.85}
	case strings.HasPrefix(v, "dhcpcd"):
		g := osGuess{name: "Linux", confidence: 0.6}
		if _, after, ok := strings.Cut(v, ":Linux-"); ok {
			g.version, _, _ = strings.Cut(after, ":")
		}
		return g
	case strings.HasPrefix(v, "udhcp"):
		return osGuess{name: "Linux", confidence: 0.5}
	}
	return osGuess{}
}
