// Package nvdgen writes realistic NVD CVE API 2.0 data for tests and
// benchmarks: the full NVD is not available offline, and a feed importer
// must be proven on a corpus of its real size (some 300,000 records).
//
// Records follow the shape of real ones: English (and sometimes Spanish)
// descriptions, CVSS v2 for older years, v3.0/v3.1 from NVD and CNAs, v4.0
// for recent years, CWE weaknesses, configurations of version ranges, exact
// versions, applications running on platforms (an AND of a vulnerable node
// and a platform-only node) and firmware on hardware, references, and the
// CISA KEV fields for a few. Output is deterministic for a seed.
package nvdgen

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/cordonsec/cordon"
)

// Generator writes records drawn from Products.
type Generator struct {
	Products []Product // vendors and products of applications and firmware; DefaultProducts when empty
}

// Generate writes an API 2.0 response holding n records generated from seed
// with the built-in products.
func Generate(w io.Writer, n int, seed int64) error {
	return Generator{}.Generate(w, n, seed)
}

// Generate writes an API 2.0 response (the shape of NVD's yearly 2.0 feed
// files) holding n records generated from seed.
func (g Generator) Generate(w io.Writer, n int, seed int64) error {
	if n < 0 {
		return fmt.Errorf("nvdgen: generate: negative count %d", n)
	}
	products := g.Products
	if len(products) == 0 {
		products = DefaultProducts()
	}
	s := &state{
		rng:      rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15)),
		products: products,
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	fmt.Fprintf(bw, `{"resultsPerPage":%d,"startIndex":0,"totalResults":%d,"format":"NVD_CVE","version":"2.0","timestamp":"2025-10-22T00:00:00.000","vulnerabilities":[`, n, n)
	for i := 0; i < n; i++ {
		s.buf = s.buf[:0]
		if i > 0 {
			s.buf = append(s.buf, ',')
		}
		s.buf = append(s.buf, "\n{\"cve\":"...)
		s.record(i)
		s.buf = append(s.buf, '}')
		if _, err := bw.Write(s.buf); err != nil {
			return fmt.Errorf("nvdgen: generate: %w", err)
		}
	}
	bw.WriteString("\n]}\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("nvdgen: generate: %w", err)
	}
	return nil
}

// state is one generation run; buf is reused for every record.
type state struct {
	rng      *rand.Rand
	products []Product
	buf      []byte
}

// snapshot is the generated feed's timestamp.
var snapshot = time.Date(2025, 10, 22, 0, 0, 0, 0, time.UTC)

// Years of CVE ids, 1999 to 2025: ids are CVE-<year>-<10000+i/27>, unique
// for every record index i.
const firstYear, years = 1999, 27

var (
	statuses = []string{"Analyzed", "Analyzed", "Modified", "Modified", "Deferred", "Awaiting Analysis"}
	cnas     = []string{"secure@microsoft.com", "psirt@us.ibm.com", "ics-cert@hq.dhs.gov", "productcert@siemens.com", "cve@mitre.org", "134c704f-9b21-4f2e-91b3-4a467353bcc0", "security@apache.org", "openssl-security@openssl.org"}
	cwes     = []string{"CWE-79", "CWE-787", "CWE-20", "CWE-125", "CWE-78", "CWE-89", "CWE-416", "CWE-22", "CWE-352", "CWE-434", "CWE-798", "CWE-306", "NVD-CWE-noinfo"}
	tags     = []string{`["Vendor Advisory"]`, `["Patch","Vendor Advisory"]`, `["Third Party Advisory","US Government Resource"]`, `["Exploit","Third Party Advisory","VDB Entry"]`, `["Mailing List"]`, `[]`}
	hosts    = []string{"https://www.cisa.gov/news-events/ics-medical-advisories/", "https://portal.msrc.microsoft.com/en-US/security-guidance/advisory/", "https://www.openssl.org/news/secadv/", "https://cert-portal.siemens.com/productcert/pdf/", "http://www.securityfocus.com/bid/", "https://github.com/advisories/", "https://lists.debian.org/debian-lts-announce/"}
	weakness = []string{"a buffer overflow", "improper input validation", "hard-coded credentials", "missing authentication for a critical function", "a use-after-free", "cross-site scripting", "SQL injection", "path traversal", "an out-of-bounds read", "OS command injection"}
	impacts  = []string{"execute arbitrary code", "cause a denial of service", "read sensitive information", "gain elevated privileges", "modify configuration settings", "bypass authentication"}
)

// platforms are operating systems that configurations name as the platform
// an application runs on (vulnerable false), as NVD writes them.
var platforms = []string{
	"cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*",
	"cpe:2.3:o:microsoft:windows_xp:-:sp3:*:*:*:*:*:*",
	"cpe:2.3:o:microsoft:windows_10_1607:-:*:*:*:*:*:x64:*",
	"cpe:2.3:o:microsoft:windows_10_22h2:-:*:*:*:*:*:x64:*",
	"cpe:2.3:o:microsoft:windows_11_23h2:-:*:*:*:*:*:x64:*",
	"cpe:2.3:o:microsoft:windows_server_2008:r2:sp1:*:*:*:*:*:*",
	"cpe:2.3:o:microsoft:windows_server_2012:r2:*:*:*:*:*:*:*",
	"cpe:2.3:o:microsoft:windows_server_2019:-:*:*:*:*:*:*:*",
	"cpe:2.3:o:linux:linux_kernel:-:*:*:*:*:*:*:*",
	"cpe:2.3:o:debian:debian_linux:10.0:*:*:*:*:*:*:*",
	"cpe:2.3:o:redhat:enterprise_linux:8.0:*:*:*:*:*:*:*",
	"cpe:2.3:o:canonical:ubuntu_linux:20.04:*:*:*:lts:*:*:*",
	"cpe:2.3:o:apple:macos:-:*:*:*:*:*:*:*",
}

func (s *state) pick(list []string) string { return list[s.rng.IntN(len(list))] }

func (s *state) str(v string) { s.buf = appendString(s.buf, v) }

func (s *state) raw(v string) { s.buf = append(s.buf, v...) }

func (s *state) record(i int) {
	r := s.rng
	year := firstYear + i%years
	id := "CVE-" + strconv.Itoa(year) + "-" + strconv.Itoa(10000+i/years)
	published := time.Date(year, time.Month(1+r.IntN(12)), 1+r.IntN(28), r.IntN(24), r.IntN(60), r.IntN(60), r.IntN(1000)*1e6, time.UTC)
	modified := published.Add(time.Duration(r.IntN(2000*24)) * time.Hour)
	if modified.After(snapshot) { // no record is modified after the feed was made
		modified = snapshot.Add(-time.Duration(r.IntN(1000)) * time.Hour)
	}
	rejected := r.IntN(50) == 0
	status := s.pick(statuses)
	if rejected {
		status = "Rejected"
	}
	prod := s.products[r.IntN(len(s.products))]

	s.raw(`{"id":`)
	s.str(id)
	s.raw(`,"sourceIdentifier":`)
	s.str(s.pick(cnas))
	s.raw(`,"published":`)
	s.str(published.Format("2006-01-02T15:04:05.000"))
	s.raw(`,"lastModified":`)
	s.str(modified.Format("2006-01-02T15:04:05.000"))
	s.raw(`,"vulnStatus":`)
	s.str(status)
	s.raw(`,"cveTags":[],"descriptions":[{"lang":"en","value":`)
	if rejected {
		s.str("Rejected reason: This CVE ID has been rejected or withdrawn by its CVE Numbering Authority.")
		s.raw(`}],"metrics":{},"references":[]}`)
		return
	}
	desc := fmt.Sprintf("%s in %s %s before %d.%d.%d allows remote attackers to %s via a crafted request to the management interface.",
		upperFirst(s.pick(weakness)), prod.Vendor, prod.Product, 1+r.IntN(9), r.IntN(20), r.IntN(30), s.pick(impacts))
	s.str(desc)
	s.raw(`}`)
	if r.IntN(10) < 3 {
		s.raw(`,{"lang":"es","value":`)
		s.str("Una vulnerabilidad en " + prod.Product + " permite a atacantes remotos ejecutar código arbitrario.")
		s.raw(`}`)
	}
	s.raw(`],"metrics":{`)
	s.metrics(year)
	s.raw(`}`)
	if r.IntN(200) == 0 {
		added := published.AddDate(0, 1+r.IntN(24), 0)
		s.raw(`,"cisaExploitAdd":`)
		s.str(added.Format(time.DateOnly))
		s.raw(`,"cisaActionDue":`)
		s.str(added.AddDate(0, 0, 21).Format(time.DateOnly))
		s.raw(`,"cisaRequiredAction":"Apply mitigations per vendor instructions or discontinue use of the product if mitigations are unavailable.","cisaVulnerabilityName":`)
		s.str(prod.Vendor + " " + prod.Product + " Remote Code Execution Vulnerability")
	}
	s.raw(`,"weaknesses":[{"source":"nvd@nist.gov","type":"Primary","description":[{"lang":"en","value":`)
	s.str(s.pick(cwes))
	s.raw(`}]}],"configurations":[`)
	s.configurations(prod)
	s.raw(`],"references":[`)
	for k, n := 0, 2+r.IntN(5); k < n; k++ {
		if k > 0 {
			s.raw(",")
		}
		s.raw(`{"url":`)
		s.str(s.pick(hosts) + strconv.Itoa(year) + "/" + strconv.Itoa(r.IntN(1e6)))
		s.raw(`,"source":`)
		s.str(s.pick(cnas))
		s.raw(`,"tags":`)
		s.raw(s.pick(tags))
		s.raw(`}`)
	}
	s.raw(`]}`)
}

// metrics writes the metrics object's members: v2 for CVEs before 2022,
// v3.1 (or v3.0 for 2016–2019 sometimes) from NVD and often a CNA, v4.0 from
// CNAs since 2023.
func (s *state) metrics(year int) {
	r := s.rng
	first := true
	sep := func() {
		if !first {
			s.raw(",")
		}
		first = false
	}
	if year >= 2023 && r.IntN(10) < 4 {
		sep()
		score := s.score()
		s.raw(`"cvssMetricV40":[{"source":`)
		s.str(s.pick(cnas))
		s.raw(`,"type":"Secondary","cvssData":{"version":"4.0","vectorString":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N","baseScore":`)
		s.buf = strconv.AppendFloat(s.buf, score, 'f', 1, 64)
		s.raw(`,"baseSeverity":`)
		s.str(cordon.Rating("3.1", score))
		s.raw(`,"attackVector":"NETWORK","attackComplexity":"LOW","attackRequirements":"NONE","privilegesRequired":"NONE","userInteraction":"NONE"}}]`)
	}
	if year >= 2016 {
		version, key := "3.1", "cvssMetricV31"
		if year <= 2019 && r.IntN(4) == 0 {
			version, key = "3.0", "cvssMetricV30"
		}
		sep()
		s.raw(`"` + key + `":[`)
		for k, n := 0, 1+r.IntN(2); k < n; k++ {
			if k > 0 {
				s.raw(",")
			}
			s.v3(version, k == 0)
		}
		s.raw(`]`)
	}
	if year < 2022 {
		sep()
		score := s.score()
		s.raw(`"cvssMetricV2":[{"source":"nvd@nist.gov","type":"Primary","cvssData":{"version":"2.0","vectorString":"AV:N/AC:L/Au:N/C:P/I:P/A:P","baseScore":`)
		s.buf = strconv.AppendFloat(s.buf, score, 'f', 1, 64)
		s.raw(`,"accessVector":"NETWORK","accessComplexity":"LOW","authentication":"NONE","confidentialityImpact":"PARTIAL","integrityImpact":"PARTIAL","availabilityImpact":"PARTIAL"},"baseSeverity":`)
		s.str(cordon.Rating("2.0", score))
		s.raw(`,"exploitabilityScore":10.0,"impactScore":6.4,"acInsufInfo":false,"obtainAllPrivilege":false,"obtainUserPrivilege":false,"obtainOtherPrivilege":false,"userInteractionRequired":false}]`)
	}
}

var v3Vectors = []string{"AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", "AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", "AV:N/AC:H/PR:N/UI:R/S:C/C:L/I:L/A:N", "AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H"}

func (s *state) v3(version string, primary bool) {
	score := s.score()
	s.raw(`{"source":`)
	if primary {
		s.str("nvd@nist.gov")
		s.raw(`,"type":"Primary"`)
	} else {
		s.str(s.pick(cnas))
		s.raw(`,"type":"Secondary"`)
	}
	s.raw(`,"cvssData":{"version":"` + version + `","vectorString":"CVSS:` + version + `/` + s.pick(v3Vectors) + `","baseScore":`)
	s.buf = strconv.AppendFloat(s.buf, score, 'f', 1, 64)
	s.raw(`,"baseSeverity":`)
	s.str(cordon.Rating("3.1", score))
	s.raw(`,"attackVector":"NETWORK","attackComplexity":"LOW","privilegesRequired":"NONE","userInteraction":"NONE","scope":"UNCHANGED","confidentialityImpact":"HIGH","integrityImpact":"HIGH","availabilityImpact":"HIGH"},"exploitabilityScore":3.9,"impactScore":5.9}`)
}

// score returns a base score in tenths, weighted towards the middle and
// high ranges as NVD's are.
func (s *state) score() float64 {
	return float64(10+s.rng.IntN(91)) / 10
}

// configurations writes one to three configurations of the kinds NVD uses.
func (s *state) configurations(prod Product) {
	r := s.rng
	for k, n := 0, 1+r.IntN(3); k < n; k++ {
		if k > 0 {
			s.raw(",")
			prod = s.products[r.IntN(len(s.products))]
		}
		app := "cpe:2.3:a:" + prod.Vendor + ":" + prod.Product + ":"
		switch r.IntN(4) {
		case 0: // version ranges of an application
			s.raw(`{"nodes":[{"operator":"OR","negate":false,"cpeMatch":[`)
			s.ranges(app)
			s.raw(`]}]}`)
		case 1: // an application running on platforms
			s.raw(`{"operator":"AND","nodes":[{"operator":"OR","negate":false,"cpeMatch":[`)
			s.ranges(app)
			s.raw(`]},{"operator":"OR","negate":false,"cpeMatch":[`)
			for j, m := 0, 1+r.IntN(5); j < m; j++ {
				if j > 0 {
					s.raw(",")
				}
				s.match(false, s.pick(platforms), "", "", "", "")
			}
			s.raw(`]}]}`)
		case 2: // firmware versions on a device
			fw := "cpe:2.3:o:" + prod.Vendor + ":" + prod.Product + "_firmware:"
			s.raw(`{"operator":"AND","nodes":[{"operator":"OR","negate":false,"cpeMatch":[`)
			for j, m := 0, 1+r.IntN(4); j < m; j++ {
				if j > 0 {
					s.raw(",")
				}
				s.match(true, fw+version(r)+":*:*:*:*:*:*:*", "", "", "", "")
			}
			s.raw(`]},{"operator":"OR","negate":false,"cpeMatch":[`)
			s.match(false, "cpe:2.3:h:"+prod.Vendor+":"+prod.Product+":-:*:*:*:*:*:*:*", "", "", "", "")
			s.raw(`]}]}`)
		default: // exact versions, one with an update
			s.raw(`{"nodes":[{"operator":"OR","negate":false,"cpeMatch":[`)
			s.match(true, app+version(r)+":*:*:*:*:*:*:*", "", "", "", "")
			s.raw(",")
			s.match(true, app+version(r)+":sp"+strconv.Itoa(1+r.IntN(3))+":*:*:*:*:*:*", "", "", "", "")
			s.raw(`]}]}`)
		}
	}
}

// ranges writes one to four version ranges of app ("cpe:2.3:a:v:p:").
func (s *state) ranges(app string) {
	r := s.rng
	for j, m := 0, 1+r.IntN(4); j < m; j++ {
		if j > 0 {
			s.raw(",")
		}
		major := 1 + r.IntN(12)
		start := strconv.Itoa(major) + ".0"
		end := strconv.Itoa(major) + "." + strconv.Itoa(r.IntN(10)) + "." + strconv.Itoa(1+r.IntN(40))
		switch r.IntN(4) {
		case 0:
			s.match(true, app+"*:*:*:*:*:*:*:*", start, "", "", end)
		case 1:
			s.match(true, app+"*:*:*:*:*:*:*:*", "", "", "", end)
		case 2:
			s.match(true, app+"*:*:*:*:*:*:*:*", "", "", end, "")
		default:
			s.match(true, app+"*:*:*:*:*:*:*:*", "", start, end+"a", "")
		}
	}
}

func (s *state) match(vulnerable bool, criteria, startIncl, startExcl, endIncl, endExcl string) {
	s.raw(`{"vulnerable":`)
	s.buf = strconv.AppendBool(s.buf, vulnerable)
	s.raw(`,"criteria":`)
	s.str(criteria)
	for _, kv := range [...][2]string{{"versionStartIncluding", startIncl}, {"versionStartExcluding", startExcl}, {"versionEndIncluding", endIncl}, {"versionEndExcluding", endExcl}} {
		if kv[1] != "" {
			s.raw(`,"` + kv[0] + `":`)
			s.str(kv[1])
		}
	}
	s.raw(`,"matchCriteriaId":"`)
	// A random UUID-shaped id, as NVD's match criteria ids are.
	s.buf = appendHex(s.buf, s.rng.Uint64(), 8)
	s.buf = append(s.buf, '-')
	s.buf = appendHex(s.buf, s.rng.Uint64(), 4)
	s.buf = append(s.buf, '-')
	s.buf = appendHex(s.buf, s.rng.Uint64(), 4)
	s.buf = append(s.buf, '-')
	s.buf = appendHex(s.buf, s.rng.Uint64(), 4)
	s.buf = append(s.buf, '-')
	s.buf = appendHex(s.buf, s.rng.Uint64(), 12)
	s.raw(`"}`)
}

func version(r *rand.Rand) string {
	return strconv.Itoa(1+r.IntN(12)) + "." + strconv.Itoa(r.IntN(10)) + "." + strconv.Itoa(r.IntN(30))
}

func appendHex(b []byte, v uint64, digits int) []byte {
	const hex = "0123456789ABCDEF"
	for i := digits - 1; i >= 0; i-- {
		b = append(b, hex[(v>>(4*uint(i)))&0xf])
	}
	return b
}

func upperFirst(s string) string {
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}

// appendString appends s as a JSON string. Only the characters JSON
// requires are escaped; s is assumed to be valid UTF-8.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}
