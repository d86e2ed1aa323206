package match

import (
	"time"

	"github.com/cordonsec/cordon"
)

// Excerpts of real NVD CVE API 2.0 records, from
// shared/data/nvd/cve/<ID>.json (fkie-cad/nvd-json-data-feeds, see
// shared/data/PROVENANCE.md), rewritten as the cordon.Vulnerability the NVD
// and KEV importers produce. Configurations are kept in their order, with
// only the ones the tests need; numbering in comments is the record's.

func crit(vulnerable bool, criteria string) cordon.CPEMatch {
	return cordon.CPEMatch{Vulnerable: vulnerable, Criteria: criteria}
}

func or(ms ...cordon.CPEMatch) cordon.Node { return cordon.Node{Operator: "OR", CPEMatch: ms} }

func andConfig(nodes ...cordon.Node) cordon.Configuration {
	return cordon.Configuration{Operator: "AND", Nodes: nodes}
}

func orConfig(nodes ...cordon.Node) cordon.Configuration {
	return cordon.Configuration{Nodes: nodes}
}

func day(s string) time.Time {
	t, _ := time.Parse("2006-01-02", s)
	return t
}

// eternalBlue is CVE-2017-0144.json: configuration 1 (SMBv1 vulnerable, on
// one of 15 Windows platforms), 2 (Siemens ACUSON P300 firmware on its
// hardware) and 4 (ACUSON SC2000 firmware 4.0 ≤ v < 4.0e, or 5.0a); the
// record's cisaExploitAdd 2022-02-10, cisaActionDue 2022-08-10 and
// cisaVulnerabilityName as the KEV entry; CVSS v3.1 from nvd@nist.gov.
func eternalBlue() cordon.Vulnerability {
	return cordon.Vulnerability{
		ID:        "CVE-2017-0144",
		Published: time.Date(2017, 3, 17, 0, 59, 4, 10e6, time.UTC),
		CVSS: []cordon.CVSS{{Version: "3.1", Vector: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
			BaseScore: 8.8, Severity: "HIGH", Source: "nvd@nist.gov", Primary: true}},
		Configurations: []cordon.Configuration{
			andConfig(
				or(crit(true, "cpe:2.3:a:microsoft:server_message_block:1.0:*:*:*:*:*:*:*")),
				or(
					crit(false, "cpe:2.3:o:microsoft:windows_10_1507:-:*:*:*:*:*:x64:*"),
					crit(false, "cpe:2.3:o:microsoft:windows_10_1507:-:*:*:*:*:*:x86:*"),
					crit(false, "cpe:2.3:o:microsoft:windows_10_1511:-:*:*:*:*:*:x64:*"),
					crit(false, "cpe:2.3:o:microsoft:windows_10_1511:-:*:*:*:*:*:x86:*"),
					crit(false, "cpe:2.3:o:microsoft:windows_10_1607:-:*:*:*:*:*:x64:*"),
					crit(false, "cpe:2.3:o:microsoft:windows_10_1607:-:*:*:*:*:*:x86:*"),
					crit(false, "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*"),
					crit(false, "cpe:2.3:o:microsoft:windows_8.1:-:*:*:*:*:*:*:*"),
					crit(false, "cpe:2.3:o:microsoft:windows_rt_8.1:-:*:*:*:*:*:*:*"),
					crit(false, "cpe:2.3:o:microsoft:windows_server_2008:-:sp2:*:*:*:*:*:*"),
					crit(false, "cpe:2.3:o:microsoft:windows_server_2008:r2:sp1:*:*:*:*:*:*"),
					crit(false, "cpe:2.3:o:microsoft:windows_server_2012:-:*:*:*:*:*:*:*"),
					crit(false, "cpe:2.3:o:microsoft:windows_server_2012:r2:*:*:*:*:*:*:*"),
					crit(false, "cpe:2.3:o:microsoft:windows_server_2016:-:*:*:*:*:*:*:*"),
					crit(false, "cpe:2.3:o:microsoft:windows_vista:-:sp2:*:*:*:*:*:*"),
				),
			),
			andConfig(
				or(
					crit(true, "cpe:2.3:o:siemens:acuson_p300_firmware:13.02:*:*:*:*:*:*:*"),
					crit(true, "cpe:2.3:o:siemens:acuson_p300_firmware:13.03:*:*:*:*:*:*:*"),
					crit(true, "cpe:2.3:o:siemens:acuson_p300_firmware:13.20:*:*:*:*:*:*:*"),
					crit(true, "cpe:2.3:o:siemens:acuson_p300_firmware:13.21:*:*:*:*:*:*:*"),
				),
				or(crit(false, "cpe:2.3:h:siemens:acuson_p300:-:*:*:*:*:*:*:*")),
			),
			andConfig(
				or(
					cordon.CPEMatch{Vulnerable: true, Criteria: "cpe:2.3:o:siemens:acuson_sc2000_firmware:*:*:*:*:*:*:*:*",
						VersionStartIncluding: "4.0", VersionEndExcluding: "4.0e"},
					crit(true, "cpe:2.3:o:siemens:acuson_sc2000_firmware:5.0a:*:*:*:*:*:*:*"),
				),
				or(crit(false, "cpe:2.3:h:siemens:acuson_sc2000:-:*:*:*:*:*:*:*")),
			),
		},
		KEV: &cordon.KEVEntry{
			VendorProject:  "Microsoft",
			Product:        "SMBv1",
			Name:           "Microsoft SMBv1 Remote Code Execution Vulnerability",
			DateAdded:      day("2022-02-10"),
			DueDate:        day("2022-08-10"),
			RequiredAction: "Apply updates per vendor instructions.",
		},
	}
}

// dejaBlue is CVE-2019-1181.json: one OR node of 17 Windows versions, all
// vulnerable, with NVD's older naming of Windows 10 releases as versions.
func dejaBlue() cordon.Vulnerability {
	var ms []cordon.CPEMatch
	for _, s := range []string{
		"cpe:2.3:o:microsoft:windows_10:-:*:*:*:*:*:*:*",
		"cpe:2.3:o:microsoft:windows_10:1607:*:*:*:*:*:*:*",
		"cpe:2.3:o:microsoft:windows_10:1703:*:*:*:*:*:*:*",
		"cpe:2.3:o:microsoft:windows_10:1709:*:*:*:*:*:*:*",
		"cpe:2.3:o:microsoft:windows_10:1803:*:*:*:*:*:*:*",
		"cpe:2.3:o:microsoft:windows_10:1809:*:*:*:*:*:*:*",
		"cpe:2.3:o:microsoft:windows_10:1903:*:*:*:*:*:*:*",
		"cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*",
		"cpe:2.3:o:microsoft:windows_8.1:-:*:*:*:*:*:*:*",
		"cpe:2.3:o:microsoft:windows_rt_8.1:-:*:*:*:*:*:*:*",
		"cpe:2.3:o:microsoft:windows_server_2008:-:sp2:*:*:*:*:*:*",
		"cpe:2.3:o:microsoft:windows_server_2012:-:*:*:*:*:*:*:*",
		"cpe:2.3:o:microsoft:windows_server_2012:r2:*:*:*:*:*:*:*",
		"cpe:2.3:o:microsoft:windows_server_2016:-:*:*:*:*:*:*:*",
		"cpe:2.3:o:microsoft:windows_server_2016:1803:*:*:*:*:*:*:*",
		"cpe:2.3:o:microsoft:windows_server_2016:1903:*:*:*:*:*:*:*",
		"cpe:2.3:o:microsoft:windows_server_2019:-:*:*:*:*:*:*:*",
	} {
		ms = append(ms, crit(true, s))
	}
	return cordon.Vulnerability{ID: "CVE-2019-1181", Configurations: []cordon.Configuration{orConfig(or(ms...))}}
}

// heartbleed is CVE-2014-0160.json: configuration 1 (OpenSSL
// 1.0.1 ≤ v < 1.0.1g), 3 (Siemens APE firmware 2.0 on its hardware) and the
// last (Splunk 6.0.0 ≤ v < 6.0.3, sw_edition enterprise); KEV added
// 2022-05-04, due 2022-05-25.
func heartbleed() cordon.Vulnerability {
	return cordon.Vulnerability{
		ID: "CVE-2014-0160",
		Configurations: []cordon.Configuration{
			orConfig(or(cordon.CPEMatch{Vulnerable: true, Criteria: "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*",
				VersionStartIncluding: "1.0.1", VersionEndExcluding: "1.0.1g"})),
			andConfig(
				or(crit(true, "cpe:2.3:o:siemens:application_processing_engine_firmware:2.0:*:*:*:*:*:*:*")),
				or(crit(false, "cpe:2.3:h:siemens:application_processing_engine:-:*:*:*:*:*:*:*")),
			),
			orConfig(or(cordon.CPEMatch{Vulnerable: true, Criteria: "cpe:2.3:a:splunk:splunk:*:*:*:*:enterprise:*:*:*",
				VersionStartIncluding: "6.0.0", VersionEndExcluding: "6.0.3"})),
		},
		KEV: &cordon.KEVEntry{VendorProject: "OpenSSL", Product: "OpenSSL", DateAdded: day("2022-05-04"), DueDate: day("2022-05-25")},
	}
}

// openSSL3449 is CVE-2021-3449.json: configuration 1 (OpenSSL
// 1.1.1 ≤ v < 1.1.1k), 3 (FreeBSD 12.2 with update -, p1 or p2) and 12
// (SonicWall SMA100 firmware 10.2.0.0 ≤ v < 10.2.1.0-17sv on its hardware).
func openSSL3449() cordon.Vulnerability {
	return cordon.Vulnerability{
		ID: "CVE-2021-3449",
		Configurations: []cordon.Configuration{
			orConfig(or(cordon.CPEMatch{Vulnerable: true, Criteria: "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*",
				VersionStartIncluding: "1.1.1", VersionEndExcluding: "1.1.1k"})),
			orConfig(or(
				crit(true, "cpe:2.3:o:freebsd:freebsd:12.2:-:*:*:*:*:*:*"),
				crit(true, "cpe:2.3:o:freebsd:freebsd:12.2:p1:*:*:*:*:*:*"),
				crit(true, "cpe:2.3:o:freebsd:freebsd:12.2:p2:*:*:*:*:*:*"),
			)),
			andConfig(
				or(cordon.CPEMatch{Vulnerable: true, Criteria: "cpe:2.3:o:sonicwall:sma100_firmware:*:*:*:*:*:*:*:*",
					VersionStartIncluding: "10.2.0.0", VersionEndExcluding: "10.2.1.0-17sv"}),
				or(crit(false, "cpe:2.3:h:sonicwall:sma100:-:*:*:*:*:*:*:*")),
			),
		},
	}
}

// realRecords are the excerpts above.
func realRecords() []cordon.Vulnerability {
	return []cordon.Vulnerability{heartbleed(), eternalBlue(), dejaBlue(), openSSL3449()}
}
