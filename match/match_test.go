package match

import (
	"reflect"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
)

// dev builds a device as classify describes it: the OS, its CPE name
// (source "os") and further names with the facts they came from.
func dev(osName, osVersion, osCPE string, more ...string) *cordon.Device {
	d := &cordon.Device{OS: cordon.OS{Name: osName, Version: osVersion}}
	if osCPE != "" {
		d.Software = append(d.Software, cordon.Software{CPE: osCPE, Source: "os"})
	}
	for _, c := range more {
		d.Software = append(d.Software, cordon.Software{CPE: c, Source: "ssh.banner=test"})
	}
	return d
}

// windows10Build is modelled on NVD's records since 2023, which name the
// Windows 10 release as the product and bound the build revision
// (e.g. CVE-2024-26234: windows_10_22h2 versionEndExcluding
// 10.0.19045.4291). Not from shared/data: no such record is there.
func windows10Build() cordon.Vulnerability {
	return cordon.Vulnerability{ID: "CVE-2024-90001", Configurations: []cordon.Configuration{orConfig(or(
		cordon.CPEMatch{Vulnerable: true, Criteria: "cpe:2.3:o:microsoft:windows_10_22h2:*:*:*:*:*:*:x64:*", VersionEndExcluding: "10.0.19045.4291"},
		cordon.CPEMatch{Vulnerable: true, Criteria: "cpe:2.3:o:microsoft:windows_10_21h2:*:*:*:*:*:*:x64:*", VersionEndExcluding: "10.0.19044.4291"},
	))}}
}

// openSSHRange is modelled on NVD's CVE-2023-38408 (OpenSSH before 9.3p2),
// whose bound is written with the portable suffix. Not from shared/data.
func openSSHRange() cordon.Vulnerability {
	return cordon.Vulnerability{ID: "CVE-2023-90002", Configurations: []cordon.Configuration{orConfig(or(
		cordon.CPEMatch{Vulnerable: true, Criteria: "cpe:2.3:a:openbsd:openssh:*:*:*:*:*:*:*:*", VersionEndExcluding: "9.3p2"},
	))}}
}

// negated is a synthetic configuration with a negated platform node:
// vulnerable on any OS except Windows 7.
func negated() cordon.Vulnerability {
	n := or(crit(false, "cpe:2.3:o:microsoft:windows_7:*:*:*:*:*:*:*:*"))
	n.Negate = true
	return cordon.Vulnerability{ID: "CVE-2000-90003", Configurations: []cordon.Configuration{andConfig(
		or(crit(true, "cpe:2.3:a:offis:dcmtk:3.6.7:*:*:*:*:*:*:*")), n)}}
}

func corpus() []cordon.Vulnerability {
	return append(realRecords(), windows10Build(), openSSHRange(), negated())
}

const (
	win7SP1  = "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*"
	win7RTM  = "cpe:2.3:o:microsoft:windows_7:-:-:*:*:*:*:*:*"
	win10    = "cpe:2.3:o:microsoft:windows_10:-:*:*:*:*:*:*:*"
	win1607  = "cpe:2.3:o:microsoft:windows_10_1607:-:*:*:*:*:*:*:*"
	win22h2  = "cpe:2.3:o:microsoft:windows_10_22h2:-:*:*:*:*:*:*:*"
	win2008  = "cpe:2.3:o:microsoft:windows_server_2008:r2:sp1:*:*:*:*:*:*"
	sc2000hw = "cpe:2.3:h:siemens:acuson_sc2000:-:*:*:*:*:*:*:*"
)

func sc2000(version string) string {
	return "cpe:2.3:o:siemens:acuson_sc2000_firmware:" + version + ":*:*:*:*:*:*:*"
}

func openssl(version string) string {
	return "cpe:2.3:a:openssl:openssl:" + version + ":*:*:*:*:*:*:*"
}

func TestDevice(t *testing.T) {
	smb1Seen := dev("Windows 10", "10.0.19045", win22h2)
	smb1Seen.Evidence = []cordon.Evidence{{Fact: "smb.dialect", Value: "NT LM 0.12"}}
	smb1NoOS := dev("", "", "")
	smb1NoOS.Evidence = []cordon.Evidence{{Fact: "smb.version", Value: "1"}}
	tests := []struct {
		name string
		d    *cordon.Device
		want map[string]string // CVE → status; every other CVE must be absent
	}{
		{"Windows7SP1", dev("Windows 7", "6.1.7601", win7SP1),
			map[string]string{"CVE-2017-0144": Confirmed, "CVE-2019-1181": Confirmed}},
		{"Windows7RTMNotCovered", dev("Windows 7", "6.1.7600", win7RTM), nil},
		{"Windows10NoBuild", dev("Windows 10", "10.0", win10),
			map[string]string{"CVE-2017-0144": Possible, "CVE-2019-1181": Possible, "CVE-2024-90001": Possible}},
		{"Windows10Release1607", dev("Windows 10", "10.0.14393", win1607),
			map[string]string{"CVE-2017-0144": Confirmed, "CVE-2019-1181": Confirmed}},
		{"Windows10Release22H2BuildUnknownRevision", dev("Windows 10", "10.0.19045", win22h2),
			map[string]string{"CVE-2024-90001": Possible}},
		{"Windows10Release22H2NoOSVersion", dev("Windows 10", "", win22h2),
			map[string]string{"CVE-2024-90001": Possible}},
		{"Windows10Revision4170", dev("Windows 10", "10.0.19045.4170", win22h2),
			map[string]string{"CVE-2024-90001": Confirmed}},
		{"Windows10RevisionEqualsEndExcluding", dev("Windows 10", "10.0.19045.4291", win22h2), nil},
		{"SMB1SeenButPlatformNotListed", smb1Seen, map[string]string{"CVE-2024-90001": Possible}},
		{"SMB1SeenWithoutOS", smb1NoOS, nil},
		{"Server2008R2", dev("Windows Server 2008 R2", "6.1.7601", win2008),
			map[string]string{"CVE-2017-0144": Confirmed}},
		{"OpenSSLInside", dev("", "", "", openssl("1.0.1f")),
			map[string]string{"CVE-2014-0160": Confirmed}},
		{"OpenSSLStartIncluding", dev("", "", "", openssl("1.0.1")),
			map[string]string{"CVE-2014-0160": Confirmed}},
		{"OpenSSLEndExcluding", dev("", "", "", openssl("1.0.1g")), nil},
		{"OpenSSLPreRelease", dev("", "", "", openssl("1.0.1-beta1")), nil},
		{"OpenSSLBefore", dev("", "", "", openssl("1.0.0")), nil},
		{"OpenSSL111j", dev("", "", "", openssl("1.1.1j")),
			map[string]string{"CVE-2021-3449": Confirmed}},
		{"OpenSSL111k", dev("", "", "", openssl("1.1.1k")), nil},
		{"OpenSSLVersionUnknown", dev("", "", "", openssl("*")),
			map[string]string{"CVE-2014-0160": Possible, "CVE-2021-3449": Possible}},
		{"OpenSSLVersionNA", dev("", "", "", openssl("-")), nil},
		{"SC2000Inside", dev("", "", sc2000("4.0d"), sc2000hw),
			map[string]string{"CVE-2017-0144": Confirmed}},
		{"SC2000EndExcluding", dev("", "", sc2000("4.0e"), sc2000hw), nil},
		{"SC2000Exact", dev("", "", sc2000("5.0a"), sc2000hw),
			map[string]string{"CVE-2017-0144": Confirmed}},
		{"SC2000VersionUnknown", dev("", "", sc2000("*"), sc2000hw),
			map[string]string{"CVE-2017-0144": Possible}},
		{"SC2000FirmwareWithoutHardware", dev("", "", sc2000("4.0d")), nil},
		{"HardwareOnlyIsPlatform", dev("", "", "", sc2000hw, "cpe:2.3:h:siemens:acuson_p300:-:*:*:*:*:*:*:*"), nil},
		{"SplunkEnterprise", dev("", "", "", "cpe:2.3:a:splunk:splunk:6.0.1:*:*:*:enterprise:*:*:*"),
			map[string]string{"CVE-2014-0160": Confirmed}},
		{"SplunkEditionUnknown", dev("", "", "", "cpe:2.3:a:splunk:splunk:6.0.1:*:*:*:*:*:*:*"),
			map[string]string{"CVE-2014-0160": Confirmed}},
		{"SplunkOtherEdition", dev("", "", "", "cpe:2.3:a:splunk:splunk:6.0.1:*:*:*:free:*:*:*"), nil},
		{"FreeBSDPatch1", dev("FreeBSD", "", "cpe:2.3:o:freebsd:freebsd:12.2:p1:*:*:*:*:*:*"),
			map[string]string{"CVE-2021-3449": Confirmed}},
		{"FreeBSDPatch3", dev("FreeBSD", "", "cpe:2.3:o:freebsd:freebsd:12.2:p3:*:*:*:*:*:*"), nil},
		{"FreeBSDUpdateUnknown", dev("FreeBSD", "", "cpe:2.3:o:freebsd:freebsd:12.2:*:*:*:*:*:*:*"),
			map[string]string{"CVE-2021-3449": Possible}},
		{"SonicWallInside", dev("", "", "cpe:2.3:o:sonicwall:sma100_firmware:10.2.1.0-16sv:*:*:*:*:*:*:*", "cpe:2.3:h:sonicwall:sma100:-:*:*:*:*:*:*:*"),
			map[string]string{"CVE-2021-3449": Confirmed}},
		{"SonicWallEndExcluding", dev("", "", "cpe:2.3:o:sonicwall:sma100_firmware:10.2.1.0-17sv:*:*:*:*:*:*:*", "cpe:2.3:h:sonicwall:sma100:-:*:*:*:*:*:*:*"), nil},
		{"OpenSSH93p1", dev("", "", "", "cpe:2.3:a:openbsd:openssh:9.3:p1:*:*:*:*:*:*"),
			map[string]string{"CVE-2023-90002": Confirmed}},
		{"OpenSSH93p2", dev("", "", "", "cpe:2.3:a:openbsd:openssh:9.3:p2:*:*:*:*:*:*"), nil},
		{"OpenSSH74", dev("", "", "", "cpe:2.3:a:openbsd:openssh:7.4:*:*:*:*:*:*:*"),
			map[string]string{"CVE-2023-90002": Confirmed}},
		{"NegatedPlatformExcludes", dev("Windows 7", "6.1.7601", win7SP1, "cpe:2.3:a:offis:dcmtk:3.6.7:*:*:*:*:*:*:*"),
			map[string]string{"CVE-2017-0144": Confirmed, "CVE-2019-1181": Confirmed}},
		{"NegatedPlatformOtherOS", dev("", "", "cpe:2.3:o:linux:linux_kernel:5.10:*:*:*:*:*:*:*", "cpe:2.3:a:offis:dcmtk:3.6.7:*:*:*:*:*:*:*"),
			map[string]string{"CVE-2000-90003": Confirmed}},
		{"InvalidCPEIgnored", dev("", "", "", "cpe:/a:openssl:openssl:1.0.1f"), nil},
		{"NoSoftware", &cordon.Device{}, nil},
	}
	vulns := corpus()
	ix := New(vulns)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := ix.Device(tt.d)
			got := map[string]string{}
			for _, m := range ms {
				got[m.CVE] = m.Status
			}
			want := tt.want
			if want == nil {
				want = map[string]string{}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("matches = %v, want %v", got, want)
				for _, m := range ms {
					t.Logf("%s %s %s: %s", m.CVE, m.Status, m.Software, strings.Join(m.Evidence, " | "))
				}
			}
			if naive := NaiveDevice(vulns, tt.d); !reflect.DeepEqual(naive, ms) {
				t.Errorf("NaiveDevice = %+v\nIndex.Device = %+v", naive, ms)
			}
		})
	}
}

func TestEternalBlueEvidence(t *testing.T) {
	ix := New(corpus())
	ms := ix.Device(dev("Windows 7", "6.1.7601", win7SP1))
	var eb *Match
	for i := range ms {
		if ms[i].CVE == "CVE-2017-0144" {
			eb = &ms[i]
		}
	}
	if eb == nil {
		t.Fatalf("no CVE-2017-0144 in %+v", ms)
	}
	if !eb.KEV || eb.Status != Confirmed {
		t.Errorf("KEV = %v, status = %s", eb.KEV, eb.Status)
	}
	if eb.Criteria != "cpe:2.3:a:microsoft:server_message_block:1.0:*:*:*:*:*:*:*" || eb.Software != smb1CPE {
		t.Errorf("criteria %s, software %s", eb.Criteria, eb.Software)
	}
	want := []string{
		"fact os=Windows 7 6.1.7601",
		"cpe " + win7SP1,
		"implies " + smb1CPE + " (SMBv1 ships enabled with windows_7)",
		"criterion cpe:2.3:a:microsoft:server_message_block:1.0:*:*:*:*:*:*:* (vulnerable)",
		"configuration 1 of CVE-2017-0144 (AND, 2 nodes)",
		"platform " + win7SP1 + " met by " + win7SP1,
	}
	if !reflect.DeepEqual(eb.Evidence, want) {
		t.Errorf("evidence:\n%s\nwant:\n%s", strings.Join(eb.Evidence, "\n"), strings.Join(want, "\n"))
	}
}

func TestPossibleEvidence(t *testing.T) {
	ix := New(corpus())
	ms := ix.Device(dev("Windows 10", "10.0.19045", win22h2))
	if len(ms) != 1 {
		t.Fatalf("matches %+v", ms)
	}
	found := false
	for _, e := range ms[0].Evidence {
		if strings.HasPrefix(e, "possible: version 10.0.19045 is less precise than the bound 10.0.19045.4291") {
			found = true
		}
	}
	if !found {
		t.Errorf("no reason for possible in %q", ms[0].Evidence)
	}
}
