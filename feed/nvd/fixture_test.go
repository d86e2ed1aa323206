package nvd

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/ulikunitz/xz"
)

// eternalBlue is an excerpt of the NVD record of CVE-2017-0144
// (shared/data/nvd/cve/CVE-2017-0144.json, fkie-cad/nvd-json-data-feeds,
// lastModified 2025-10-21): its identity, English description (the Spanish
// one kept to test language selection, shortened), both CVSS v3.1 metrics
// and the v2 metric, the KEV fields, the first configuration (SMBv1 running
// on, among others, Windows 7 SP1, shortened to four platforms) and two
// references. Values are copied unchanged.
const eternalBlue = `{
  "id": "CVE-2017-0144",
  "sourceIdentifier": "secure@microsoft.com",
  "published": "2017-03-17T00:59:04.010",
  "lastModified": "2025-10-21T20:16:42.430",
  "vulnStatus": "Deferred",
  "cveTags": [],
  "descriptions": [
    {"lang": "es", "value": "El servidor SMBv1 en Microsoft Windows Vista SP2 [...]"},
    {"lang": "en", "value": "The SMBv1 server in Microsoft Windows Vista SP2; Windows Server 2008 SP2 and R2 SP1; Windows 7 SP1; Windows 8.1; Windows Server 2012 Gold and R2; Windows RT 8.1; and Windows 10 Gold, 1511, and 1607; and Windows Server 2016 allows remote attackers to execute arbitrary code via crafted packets, aka \"Windows SMB Remote Code Execution Vulnerability.\" This vulnerability is different from those described in CVE-2017-0143, CVE-2017-0145, CVE-2017-0146, and CVE-2017-0148."}
  ],
  "metrics": {
    "cvssMetricV31": [
      {"source": "nvd@nist.gov", "type": "Primary",
       "cvssData": {"version": "3.1", "vectorString": "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", "baseScore": 8.8, "baseSeverity": "HIGH",
         "attackVector": "NETWORK", "attackComplexity": "LOW", "privilegesRequired": "LOW", "userInteraction": "NONE", "scope": "UNCHANGED",
         "confidentialityImpact": "HIGH", "integrityImpact": "HIGH", "availabilityImpact": "HIGH"},
       "exploitabilityScore": 2.8, "impactScore": 5.9},
      {"source": "134c704f-9b21-4f2e-91b3-4a467353bcc0", "type": "Secondary",
       "cvssData": {"version": "3.1", "vectorString": "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", "baseScore": 8.8, "baseSeverity": "HIGH"},
       "exploitabilityScore": 2.8, "impactScore": 5.9}
    ],
    "cvssMetricV2": [
      {"source": "nvd@nist.gov", "type": "Primary",
       "cvssData": {"version": "2.0", "vectorString": "AV:N/AC:M/Au:N/C:C/I:C/A:C", "baseScore": 9.3, "accessVector": "NETWORK",
         "accessComplexity": "MEDIUM", "authentication": "NONE", "confidentialityImpact": "COMPLETE", "integrityImpact": "COMPLETE", "availabilityImpact": "COMPLETE"},
       "baseSeverity": "HIGH", "exploitabilityScore": 8.6, "impactScore": 10.0, "acInsufInfo": false, "obtainAllPrivilege": false,
       "obtainUserPrivilege": false, "obtainOtherPrivilege": false, "userInteractionRequired": false}
    ]
  },
  "cisaExploitAdd": "2022-02-10",
  "cisaActionDue": "2022-08-10",
  "cisaRequiredAction": "Apply updates per vendor instructions.",
  "cisaVulnerabilityName": "Microsoft SMBv1 Remote Code Execution Vulnerability",
  "weaknesses": [{"source": "nvd@nist.gov", "type": "Primary", "description": [{"lang": "en", "value": "NVD-CWE-noinfo"}]}],
  "configurations": [
    {"operator": "AND", "nodes": [
      {"operator": "OR", "negate": false, "cpeMatch": [
        {"vulnerable": true, "criteria": "cpe:2.3:a:microsoft:server_message_block:1.0:*:*:*:*:*:*:*", "matchCriteriaId": "EFFA22FC-A15A-4EB5-BED7-45F6EAFA8F80"}]},
      {"operator": "OR", "negate": false, "cpeMatch": [
        {"vulnerable": false, "criteria": "cpe:2.3:o:microsoft:windows_10_1507:-:*:*:*:*:*:x64:*", "matchCriteriaId": "A045AC0A-471E-444C-B3B0-4CABC23E8CFB"},
        {"vulnerable": false, "criteria": "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*", "matchCriteriaId": "C2B1C231-DE19-4B8F-A4AA-5B3A65276E46"},
        {"vulnerable": false, "criteria": "cpe:2.3:o:microsoft:windows_server_2008:r2:sp1:*:*:*:*:*:*", "matchCriteriaId": "2ACA9287-B475-4AF7-A4DA-A7143CEF9E57"},
        {"vulnerable": false, "criteria": "cpe:2.3:o:microsoft:windows_server_2016:-:*:*:*:*:*:*:*", "matchCriteriaId": "041FF8BA-0B12-4A1F-B4BF-9C4F33B7C1E7"}]}
    ]}
  ],
  "references": [
    {"url": "http://packetstormsecurity.com/files/154690/DOUBLEPULSAR-Payload-Execution-Neutralization.html", "source": "secure@microsoft.com", "tags": ["Exploit", "Third Party Advisory", "VDB Entry"]},
    {"url": "https://docs.microsoft.com/en-us/security-updates/SecurityBulletins/2017/ms17-010", "source": "secure@microsoft.com", "tags": ["Patch", "Vendor Advisory"]},
    {"url": "https://docs.microsoft.com/en-us/security-updates/SecurityBulletins/2017/ms17-010", "source": "af854a3a-2127-422b-91ae-364da2661108", "tags": ["Patch", "Vendor Advisory"]}
  ]
}`

// openSSLLoop is an excerpt of CVE-2022-0778 (shared/data/nvd/cve/
// CVE-2022-0778.json, lastModified 2024-06-21): the infinite loop in
// BN_mod_sqrt, with its v2 metric and the first three version ranges of its
// first configuration (a node without a configuration operator).
const openSSLLoop = `{
  "id": "CVE-2022-0778", "published": "2022-03-15T17:15:08.513", "lastModified": "2024-06-21T19:15:21.473", "vulnStatus": "Modified",
  "descriptions": [{"lang": "en", "value": "The BN_mod_sqrt() function, which computes a modular square root, contains a bug that can cause it to loop forever for non-prime moduli."}],
  "metrics": {"cvssMetricV2": [{"source": "nvd@nist.gov", "type": "Primary", "cvssData": {"version": "2.0", "vectorString": "AV:N/AC:L/Au:N/C:N/I:N/A:P", "accessVector": "NETWORK", "accessComplexity": "LOW", "authentication": "NONE", "confidentialityImpact": "NONE", "integrityImpact": "NONE", "availabilityImpact": "PARTIAL", "baseScore": 5.0}, "baseSeverity": "MEDIUM", "exploitabilityScore": 10.0, "impactScore": 2.9}]},
  "configurations": [{"nodes": [{"operator": "OR", "negate": false, "cpeMatch": [
    {"vulnerable": true, "criteria": "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*", "versionStartIncluding": "1.0.2", "versionEndExcluding": "1.0.2zd", "matchCriteriaId": "F3BC593C-D7BB-42A8-9488-BE910A8C3B68"},
    {"vulnerable": true, "criteria": "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*", "versionStartIncluding": "1.1.0", "versionEndExcluding": "1.1.1n", "matchCriteriaId": "16D7B14C-9D04-40AC-9FCE-73D3DF468DB2"},
    {"vulnerable": true, "criteria": "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*", "versionStartIncluding": "3.0.0", "versionEndExcluding": "3.0.2", "matchCriteriaId": "E7225F27-E0BC-4716-AF68-8D68EE90F7CE"}]}]}],
  "references": [{"url": "https://www.openssl.org/news/secadv/20220315.txt", "source": "openssl-security@openssl.org", "tags": ["Vendor Advisory"]}]
}`

// cvss4Record is written here, not copied: no shared record carries a CVSS
// v4.0 metric. Its metric follows the API 2.0 schema's cvss-v40 definition
// (shared/data/nvd/schemas/cvss-v4.0.json), as NVD publishes CNA scores, and
// it also carries a v3.0 metric.
const cvss4Record = `{
  "id": "CVE-2024-12345", "published": "2024-05-02T10:15:07.000", "lastModified": "2024-06-01T12:00:00.000", "vulnStatus": "Analyzed",
  "descriptions": [{"lang": "en", "value": "Example infusion pump gateway accepts unauthenticated firmware uploads."}],
  "metrics": {
    "cvssMetricV40": [{"source": "psirt@example.com", "type": "Secondary", "cvssData": {"version": "4.0", "vectorString": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "baseScore": 9.3, "baseSeverity": "CRITICAL", "attackVector": "NETWORK"}}],
    "cvssMetricV30": [{"source": "nvd@nist.gov", "type": "Primary", "cvssData": {"version": "3.0", "vectorString": "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "baseScore": 9.8, "baseSeverity": "CRITICAL"}, "exploitabilityScore": 3.9, "impactScore": 5.9}]
  },
  "configurations": [{"operator": "AND", "nodes": [
    {"operator": "OR", "negate": false, "cpeMatch": [{"vulnerable": true, "criteria": "cpe:2.3:o:example:pump_gateway_firmware:*:*:*:*:*:*:*:*", "versionEndIncluding": "2.4\\:1", "matchCriteriaId": "00000000-0000-0000-0000-000000000001"}]},
    {"operator": "OR", "negate": false, "cpeMatch": [{"vulnerable": false, "criteria": "cpe:2.3:h:example:pump_gateway:-:*:*:*:*:*:*:*", "matchCriteriaId": "00000000-0000-0000-0000-000000000002"}]}]}],
  "references": []
}`

// apiPage wraps records as an API 2.0 response page.
func apiPage(records ...string) string {
	s := `{"resultsPerPage":` + itoa(len(records)) + `,"startIndex":0,"totalResults":` + itoa(len(records)) +
		`,"format":"NVD_CVE","version":"2.0","timestamp":"2025-10-22T08:00:00.000","vulnerabilities":[`
	for i, r := range records {
		if i > 0 {
			s += ","
		}
		s += `{"cve":` + r + `}`
	}
	return s + "]}"
}

// bundle wraps records as a fkie-cad release file (nvd_json_bot's
// FeedRelease.create_feed_json_xz: timestamp, cve_count, feed_name, source,
// cve_items).
func bundle(records ...string) string {
	s := `{"timestamp":"2025-10-22T00:00:20+00:00","cve_count":` + itoa(len(records)) +
		`,"feed_name":"CVE-2017","source":"fkie-cad/nvd-json-data-feeds","cve_items":[`
	for i, r := range records {
		if i > 0 {
			s += ","
		}
		s += r
	}
	return s + "]}"
}

func itoa(n int) string { return strconv.Itoa(n) }

func gzipped(tb testing.TB, s string) string {
	tb.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write([]byte(s)); err != nil {
		tb.Fatal(err)
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.String()
}

func xzed(tb testing.TB, s string) string {
	tb.Helper()
	var b bytes.Buffer
	w, err := xz.NewWriter(&b)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := w.Write([]byte(s)); err != nil {
		tb.Fatal(err)
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.String()
}

// sharedData returns the repository's sibling shared/data directory, found
// by walking up from the test's directory to go.mod, or skips the test.
func sharedData(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Skip("no go.mod above the test directory")
		}
		dir = parent
	}
	data := filepath.Join(filepath.Dir(dir), "shared", "data")
	if _, err := os.Stat(data); err != nil {
		tb.Skipf("shared data not present at %s", data)
	}
	return data
}
