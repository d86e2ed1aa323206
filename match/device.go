package match

import (
	"strings"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/cpe"
)

// devCPE is one CPE name of a device, with what is known around it.
type devCPE struct {
	name     cpe.Name
	raw      string // as the device gives it, or as implied
	key      string // part:vendor:product
	source   string // the device fact it came from
	hint     string // the OS version the device reported, for its OS name
	family   bool   // a product family without its release ("windows_10")
	ver      string // logical version when the name has a concrete one
	verPatch string // ver joined with a portable patch update ("7.4p1"), or ""
	from     int    // for implied names: index of the name it derives from; else -1
	why      string // for implied names: the reason
}

// families are the products NVD splits by release (windows_10_1607,
// windows_10_22h2); the bare name says only that the release is unknown.
var families = map[string]bool{
	"o:microsoft:windows_10": true,
	"o:microsoft:windows_11": true,
}

// familyOf returns the family key a criterion key belongs to
// ("o:microsoft:windows_10" for "o:microsoft:windows_10_22h2"), or "".
func familyOf(key string) string {
	i := strings.LastIndexByte(key, '_')
	if i < 0 || !families[key[:i]] {
		return ""
	}
	return key[:i]
}

// smb1Default lists the Windows products on which SMBv1 is installed and
// enabled out of the box (Microsoft KB 2696547 and "SMBv1 is not installed
// by default in Windows 10 version 1709 and later").
var smb1Default = map[string]bool{
	"windows_xp": true, "windows_vista": true, "windows_7": true,
	"windows_embedded_standard_7": true, "windows_8": true, "windows_8.1": true,
	"windows_rt_8.1": true, "windows_server_2003": true, "windows_server_2008": true,
	"windows_server_2012": true, "windows_server_2016": true,
	"windows_10_1507": true, "windows_10_1511": true, "windows_10_1607": true,
	// Windows 10 of unknown release may be 1607 or earlier; the platform
	// criteria then make any finding possible, not confirmed.
	"windows_10": true,
}

const smb1CPE = "cpe:2.3:a:microsoft:server_message_block:1.0:*:*:*:*:*:*:*"

// deviceCPEs parses the device's software names and adds the names they
// imply. Unparseable names are left out: nothing can match them.
func deviceCPEs(d *cordon.Device) []devCPE {
	devs := make([]devCPE, 0, len(d.Software)+2)
	osIdx := -1
	for _, sw := range d.Software {
		n, err := cpe.Parse(sw.CPE)
		if err != nil {
			continue
		}
		dc := devCPE{name: n, raw: sw.CPE, key: n.Key(), source: sw.Source, from: -1}
		dc.family = families[dc.key] && (n.Version == cpe.Any || n.Version == cpe.NA)
		if sw.Source == "os" && n.Part == "o" {
			osIdx = len(devs)
		}
		devs = append(devs, dc)
	}
	if osIdx < 0 {
		// No name marked as the OS: the single "o" name is it.
		for i := range devs {
			if devs[i].name.Part == "o" {
				if osIdx >= 0 {
					osIdx = -1
					break
				}
				osIdx = i
			}
		}
	}
	if osIdx >= 0 && d.OS.Version != "" {
		devs[osIdx].hint = d.OS.Version
	}
	for i, n := 0, len(devs); i < n; i++ {
		dc := &devs[i]
		if dc.name.Part != "o" || dc.name.Vendor != "microsoft" {
			continue
		}
		if base := familyOf(dc.key); base != "" && dc.name.Version == cpe.NA {
			// NVD's records before 2019 name the release as the version.
			release := dc.name.Product[len(base)-len("o:microsoft:")+1:]
			alias := dc.name
			alias.Product, alias.Version = base[len("o:microsoft:"):], release
			devs = append(devs, devCPE{name: alias, raw: alias.String(), key: alias.Key(),
				source: dc.source, hint: dc.hint, from: i,
				why: "NVD's older name for " + dc.name.Product})
		}
	}
	smb1, why, from := smb1Implied(d, devs)
	if smb1 {
		n, _ := cpe.Parse(smb1CPE)
		src := "smb.dialect"
		if from >= 0 {
			src = devs[from].source
		}
		devs = append(devs, devCPE{name: n, raw: smb1CPE, key: n.Key(), source: src, from: from, why: why})
	}
	for i := range devs {
		v := devs[i].name.Version
		if v != cpe.Any && v != cpe.NA && v != "" {
			devs[i].ver = cpe.Unescape(v)
			if isPatchUpdate(devs[i].name.Update) {
				devs[i].verPatch = devs[i].ver + devs[i].name.Update
			}
		}
	}
	return devs
}

// smb1Implied reports whether the device runs an SMBv1 server: seen in its
// traffic, or the default of its Windows version.
func smb1Implied(d *cordon.Device, devs []devCPE) (bool, string, int) {
	for i := range devs {
		if devs[i].key == "a:microsoft:server_message_block" {
			return false, "", -1 // named already
		}
	}
	for _, e := range d.Evidence {
		if e.Fact == "smb.dialect" && e.Value == "NT LM 0.12" || e.Fact == "smb.version" && e.Value == "1" {
			return true, "SMBv1 seen in traffic (" + e.Fact + "=" + e.Value + ")", -1
		}
	}
	for i := range devs {
		n := devs[i].name
		if n.Part == "o" && n.Vendor == "microsoft" && smb1Default[n.Product] && devs[i].from < 0 {
			return true, "SMBv1 ships enabled with " + n.Product, i
		}
	}
	return false, "", -1
}
