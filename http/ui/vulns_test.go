package ui

import (
	"encoding/csv"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
)

// TestSearchBox: the box on every page sends CVE IDs to the devices they
// affect and anything else to the device search.
func TestSearchBox(t *testing.T) {
	e, _ := newVulnEnv(t)
	tests := []struct{ name, q, want string }{
		{"CVE", "CVE-2017-0144", "/affected?cve=CVE-2017-0144"},
		{"CVELowerCase", "  cve-2017-0144 ", "/affected?cve=CVE-2017-0144"},
		{"SeveralCVEs", "CVE-2017-0144, CVE-2019-0708 cve-2017-0144", "/affected?cve=CVE-2017-0144%2CCVE-2019-0708"},
		{"Hostname", "CT-SCAN-01", "/devices?q=CT-SCAN-01"},
		{"IP", "10.1.2.15", "/devices?q=10.1.2.15"},
		{"AlmostCVE", "CVE-17-0144", "/devices?q=CVE-17-0144"},
		{"CVEAndText", "CVE-2017-0144 scanner", "/devices?q=CVE-2017-0144+scanner"},
		{"Empty", "   ", "/devices"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.get("viewer1", "/search?q="+strings.ReplaceAll(queryEscape(tt.q), "+", "%20"))
			if r.status != http.StatusSeeOther || r.header.Get("Location") != tt.want {
				t.Errorf("status %d to %q, want %q", r.status, r.header.Get("Location"), tt.want)
			}
		})
	}
	// The box is on every page, the unconfigured server's too.
	plain := newTestEnv(t)
	for _, p := range []string{"/", "/devices", "/audit"} {
		if body := plain.get("viewer1", p).body; !strings.Contains(body, `<form class="top-search" method="get" action="/search" role="search">`) ||
			!strings.Contains(body, `placeholder="CVE or device"`) {
			t.Errorf("%s lacks the search box", p)
		}
	}
	if r := plain.get("viewer1", "/search?q=cve-2017-0144"); r.header.Get("Location") != "/affected?cve=CVE-2017-0144" {
		t.Errorf("unconfigured search to %q", r.header.Get("Location"))
	}
}

// TestAffected answers the 48-hour alert: a known, exploited CVE with its
// devices; a known one affecting nothing; one no feed mentions.
func TestAffected(t *testing.T) {
	e, _ := newVulnEnv(t)
	r := e.get("viewer1", "/affected?cve="+queryEscape("CVE-2017-0144 CVE-2014-0160,CVE-2099-12345"))
	if r.status != http.StatusOK {
		t.Fatalf("status %d:\n%s", r.status, r.body)
	}
	sections := strings.Split(r.body, `<section class="card" aria-labelledby="cve-`)
	if len(sections) != 4 {
		t.Fatalf("%d CVE sections", len(sections)-1)
	}
	for i, want := range [][]string{
		{`href="/vulnerabilities/CVE-2017-0144"`, "KEV", "ransomware", "CT-SCAN-01", "Radiology 2", "Imaging physics", "Apply updates per vendor instructions."},
		{`href="/vulnerabilities/CVE-2014-0160"`, "No devices affected"},
		{"Cordon does not know CVE-2099-12345", `href="/feeds"`},
	} {
		for _, w := range want {
			if !strings.Contains(sections[i+1], w) {
				t.Errorf("section %d lacks %q", i+1, w)
			}
		}
	}
	for _, want := range []string{"Devices affected by CVE-2017-0144, CVE-2014-0160, CVE-2099-12345", `href="/affected.csv?cve=CVE-2017-0144%2CCVE-2014-0160%2CCVE-2099-12345"`,
		`<span class="stat-value">1</span><span class="stat-label">affected device`, `<span class="stat-value">1</span><span class="stat-label">unknown to the loaded feeds`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("lacks %q", want)
		}
	}
	bad := e.get("viewer1", "/affected?cve="+queryEscape("CVE-2017-0144, eternalblue"))
	if bad.status != http.StatusBadRequest || !strings.Contains(bad.body, `&#34;eternalblue&#34; is not a CVE ID`) || !strings.Contains(bad.body, `aria-invalid="true"`) ||
		!strings.Contains(bad.body, `value="CVE-2017-0144, eternalblue"`) {
		t.Errorf("bad input: status %d", bad.status)
	}
	if empty := e.get("viewer1", "/affected"); empty.status != http.StatusOK || !strings.Contains(empty.body, "Find affected devices") || strings.Contains(empty.body, "Export CSV") {
		t.Errorf("empty question: status %d", empty.status)
	}

	csvr := e.get("viewer1", "/affected.csv?cve=CVE-2017-0144,CVE-2020-25165")
	rows, err := csv.NewReader(strings.NewReader(csvr.body)).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("csv: %v, %d rows:\n%s", err, len(rows), csvr.body)
	}
	loc, own := slices.Index(findingCSVHeader, "location"), slices.Index(findingCSVHeader, "owner")
	if rows[1][loc] != "Radiology 2" || rows[2][loc] != "Ward 7" || rows[2][own] != "Medical engineering" {
		t.Errorf("rows %v", rows[1:])
	}
	if r := e.get("viewer1", "/affected.csv"); r.status != http.StatusBadRequest {
		t.Errorf("CSV without CVEs: status %d", r.status)
	}
}

func TestVulnerabilityNotFound(t *testing.T) {
	e, _ := newVulnEnv(t)
	r := e.get("viewer1", "/vulnerabilities/CVE-2099-12345")
	if r.status != http.StatusNotFound || !strings.Contains(r.body, "Cordon knows nothing about CVE-2099-12345") {
		t.Errorf("unknown CVE: status %d", r.status)
	}
	if r := e.get("viewer1", "/vulnerabilities/eternalblue"); r.status != http.StatusNotFound {
		t.Errorf("malformed ID: status %d", r.status)
	}
	// A CVE known only from KEV still has a page.
	if r := e.get("viewer1", "/vulnerabilities/"+cveBlueKeep); r.status != http.StatusOK || !strings.Contains(r.body, "Remote Desktop Services") {
		t.Errorf("KEV-only CVE: status %d", r.status)
	}
}

func TestParseCVEList(t *testing.T) {
	got, err := parseCVEList("cve-2017-0144;CVE-2019-0708\r\nCVE-2017-0144\tCVE-2021-44228 ")
	if err != nil || !slices.Equal(got, []string{cveEternalBlue, cveBlueKeep, cveHostile}) {
		t.Errorf("got %v, %v", got, err)
	}
	if got, err := parseCVEList(" , "); err != nil || len(got) != 0 {
		t.Errorf("blank: %v, %v", got, err)
	}
	many := ""
	for i := range maxCVEsAtOnce + 1 {
		many += " CVE-2021-" + strconv.Itoa(10000+i)
	}
	if _, err := parseCVEList(many); cordon.ErrorCode(err) != cordon.EINVALID || !strings.Contains(cordon.ErrorMessage(err), "at most 100") {
		t.Errorf("too many: %v", err)
	}
	long := strings.Repeat("x", 500)
	if _, err := parseCVEList(long); err == nil || len(cordon.ErrorMessage(err)) > 120 {
		t.Errorf("long token echoed whole: %v", err)
	}
}

func FuzzParseCVEList(f *testing.F) {
	for _, s := range []string{"CVE-2017-0144", "cve-2017-0144, CVE-2019-0708", "CVE-2017-0144\nCVE-2017-0144", "MS17-010", "", "CVE-2021-" + strings.Repeat("9", 30), "\xff,\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ids, err := parseCVEList(s)
		if err != nil {
			if cordon.ErrorCode(err) != cordon.EINVALID {
				t.Fatalf("error %v", err)
			}
			return
		}
		if len(ids) > maxCVEsAtOnce {
			t.Fatalf("%d IDs", len(ids))
		}
		for i, id := range ids {
			if !cvePattern.MatchString(id) || slices.Contains(ids[:i], id) {
				t.Fatalf("bad or repeated ID %q in %v", id, ids)
			}
		}
	})
}
