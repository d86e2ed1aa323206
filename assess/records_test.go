package assess

import (
	"time"

	"github.com/cordonsec/cordon"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// eternalBlue is an excerpt of shared/data/nvd/cve/CVE-2017-0144.json
// (fkie-cad/nvd-json-data-feeds; copied from match/records_test.go):
// configuration 1 only (SMBv1 vulnerable on Windows platforms, 6 of 15
// kept), CVSS v3.1 from nvd@nist.gov and v2.0, and the KEV entry of
// shared/data/kev (dateAdded 2022-02-10, dueDate 2022-08-10,
// knownRansomwareCampaignUse "Known"). The EPSS score is an example value
// of the right size (EternalBlue's is above 0.9), not a dated FIRST score.
func eternalBlue() cordon.Vulnerability {
	return cordon.Vulnerability{
		ID:          "CVE-2017-0144",
		Published:   time.Date(2017, 3, 17, 0, 59, 4, 0, time.UTC),
		Description: "The SMBv1 server in Microsoft Windows Vista SP2; Windows Server 2008 SP2 and R2 SP1; Windows 7 SP1; Windows 8.1; Windows Server 2012 Gold and R2; Windows RT 8.1; and Windows 10 Gold, 1511, and 1607; and Windows Server 2016 allows remote attackers to execute arbitrary code via crafted packets, aka \"Windows SMB Remote Code Execution Vulnerability.\"",
		CVSS: []cordon.CVSS{
			{Version: "2.0", Vector: "AV:N/AC:M/Au:N/C:C/I:C/A:C", BaseScore: 9.3, Severity: "HIGH", Source: "nvd@nist.gov", Primary: true},
			{Version: "3.1", Vector: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", BaseScore: 8.8, Severity: "HIGH", Source: "nvd@nist.gov", Primary: true},
		},
		Configurations: []cordon.Configuration{{Operator: "AND", Nodes: []cordon.Node{
			{Operator: "OR", CPEMatch: []cordon.CPEMatch{{Vulnerable: true, Criteria: "cpe:2.3:a:microsoft:server_message_block:1.0:*:*:*:*:*:*:*"}}},
			{Operator: "OR", CPEMatch: []cordon.CPEMatch{
				{Criteria: "cpe:2.3:o:microsoft:windows_10_1607:-:*:*:*:*:*:x64:*"},
				{Criteria: "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*"},
				{Criteria: "cpe:2.3:o:microsoft:windows_8.1:-:*:*:*:*:*:*:*"},
				{Criteria: "cpe:2.3:o:microsoft:windows_server_2008:r2:sp1:*:*:*:*:*:*"},
				{Criteria: "cpe:2.3:o:microsoft:windows_server_2016:-:*:*:*:*:*:*:*"},
				{Criteria: "cpe:2.3:o:microsoft:windows_vista:-:sp2:*:*:*:*:*:*"},
			}},
		}}},
		KEV: &cordon.KEVEntry{VendorProject: "Microsoft", Product: "SMBv1", Name: "Microsoft SMBv1 Remote Code Execution Vulnerability",
			DateAdded: day("2022-02-10"), DueDate: day("2022-08-10"), RequiredAction: "Apply updates per vendor instructions.", Ransomware: true},
		EPSS: &cordon.EPSSScore{Score: 0.94, Percentile: 0.999, Date: day("2025-08-25")},
	}
}

// heartbleed is an excerpt of shared/data/nvd/cve/CVE-2014-0160.json:
// OpenSSL 1.0.1 to 1.0.1f (the record lists each exact version; a range
// stands for them here), CVSS v3.1 7.5 from nvd@nist.gov.
func heartbleed() cordon.Vulnerability {
	return cordon.Vulnerability{
		ID:          "CVE-2014-0160",
		Description: "The (1) TLS and (2) DTLS implementations in OpenSSL 1.0.1 before 1.0.1g do not properly handle Heartbeat Extension packets.",
		CVSS:        []cordon.CVSS{{Version: "3.1", BaseScore: 7.5, Severity: "HIGH", Source: "nvd@nist.gov", Primary: true}},
		Configurations: []cordon.Configuration{{Nodes: []cordon.Node{{Operator: "OR", CPEMatch: []cordon.CPEMatch{
			{Vulnerable: true, Criteria: "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*", VersionStartIncluding: "1.0.1", VersionEndExcluding: "1.0.1g"},
		}}}}},
	}
}

// windowsLifecycles are the endoflife.date windows.md cycles the tests use
// (shared/data/endoflife/products/windows.md): 7 SP1 ended 2020-01-14;
// 10 22H2 (Enterprise and Education) ends 2025-10-14.
func windowsLifecycles() []cordon.Lifecycle {
	return []cordon.Lifecycle{
		{Product: "windows", Release: "7-sp1", Label: "7 SP1", Released: day("2011-02-22"), EndOfSupport: day("2015-01-13"), EndOfLife: day("2020-01-14"), Latest: "6.1.7601", Source: "endoflife.date"},
		{Product: "windows", Release: "10-22h2", Label: "10 22H2", Released: day("2022-10-18"), EndOfSupport: day("2025-10-14"), EndOfLife: day("2025-10-14"), Latest: "10.0.19045", Source: "endoflife.date"},
	}
}

// pumpAdvisory is written for these tests in the shape of CISA's ICSMA
// advisories for infusion pumps (vendor as CISA spells it, a prose
// version range, a dated vendor fix and a CVSS v3 score).
func pumpAdvisory() *cordon.Advisory {
	return &cordon.Advisory{
		ID: "ICSMA-TEST-PUMP", Title: "Acme Infusion Pump (Update A)", Publisher: "CISA",
		Released: day("2022-06-01"), Updated: day("2022-07-01"),
		CVEs: []string{"CVE-2022-99001", "CVE-2017-0144"},
		Products: []cordon.ProductStatus{
			{ProductID: "CSAFPID-1", CVE: "CVE-2022-99001", Vendor: "Acme Medical, Inc.", Product: "Acme FlowMax 3", Versions: "All versions prior to 8.1", Status: cordon.StatusKnownAffected},
			{ProductID: "CSAFPID-1", CVE: "CVE-2017-0144", Vendor: "Acme Medical, Inc.", Product: "Acme FlowMax 3", Versions: "All versions prior to 8.1", Status: cordon.StatusKnownAffected},
		},
		Remediations: []cordon.Remediation{
			{Category: cordon.RemediationVendorFix, Details: "Acme released version 8.1.", URL: "https://example.invalid/acme", Date: day("2022-06-01"), ProductIDs: []string{"CSAFPID-1"}},
			{Category: cordon.RemediationMitigation, Details: "Block port 445 at the ward firewall.", ProductIDs: []string{"CSAFPID-1"}},
		},
		Scores: map[string]cordon.CVSS{"CVE-2022-99001": {Version: "3.1", BaseScore: 9.8, Severity: "CRITICAL", Source: "CISA"}},
	}
}

func testIntel() Intel {
	return Intel{
		Vulnerabilities: []cordon.Vulnerability{eternalBlue(), heartbleed()},
		Advisories:      []*cordon.Advisory{pumpAdvisory()},
		Lifecycles:      windowsLifecycles(),
	}
}
