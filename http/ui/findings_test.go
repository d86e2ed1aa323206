package ui

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
)

func TestVulnPagesRenderForEveryRole(t *testing.T) {
	e, _ := newVulnEnv(t)
	ct := e.devicePath(keyCT)
	pages := []struct {
		path string
		want []string
	}{
		{"/findings", []string{"4 findings", cveEternalBlue, `href="/findings/1"`, `href="` + ct + `"`, "Radiology 2", "Imaging physics", "94.0%", "0.040%", "Possible"}},
		{"/findings?kev=yes&status=open&severity=critical&match=possible&category=imaging_modality&site=St+Elsewhere&sort=cve", []string{"1 finding matches", cveBlueKeep}},
		{"/findings/1", []string{cveEternalBlue + " on CT-SCAN-01", "The evidence pins a version", "smb.native_os=Windows 7 Professional 7601 Service Pack 1",
			"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", "2022-02-10", "2022-08-10", "Used in ransomware campaigns", "99.9%", "Install MS17-010.",
			`href="/audit?object=finding:1"`, "<code>kev</code>"}},
		{"/findings/2", []string{"cannot rule this out", "Critical"}},
		{"/findings/3", []string{"Pump VLAN isolated", "set by analyst1", "csaf:ICSMA-20-317-01"}},
		{"/affected?cve=" + cveEternalBlue, []string{"Devices affected by " + cveEternalBlue, "CT-SCAN-01", "Radiology 2", "Imaging physics", "1 device", "KEV"}},
		{"/vulnerabilities/" + cveEternalBlue, []string{"SMBv1 server", "Apply updates per vendor instructions.", "Known use in ransomware campaigns", "94.0%",
			`class="chart chart-columns"`, "cpe:2.3:o:microsoft:windows_server_2008:-:sp2", "CT-SCAN-01"}},
		{"/vulnerabilities/" + strings.ToLower(cveAlaris), []string{"ICSMA-20-317-01", "Alaris 8015 PC Unit", "&lt;=9.33.1", "Segment the pumps"}},
		{"/worklist", []string{"CT-SCAN-01", "A CT scanner on Windows 7", "Known exploited", "Unsupported", `value="86"`}},
		{"/feeds", []string{"CISA Known Exploited Vulnerabilities", "known_exploited_vulnerabilities.json", "1,239", "nothing loaded", "never imported"}},
		{"/", []string{"Vulnerabilities and support", "devices with open findings, of 3 assessed", `href="/worklist?kev=yes"`, "Exposed devices by site", "No site recorded", `/findings?status=open&amp;severity=critical`}},
		{ct, []string{"Vulnerabilities and support", "Attackers exploit these vulnerabilities in the wild.", "Windows 7 SP1", "endoflife.date/windows",
			"No lifecycle is loaded for this model.", `href="/findings?device=` + formatInt(e.ids[keyCT]) + `"`, cveBlueKeep}},
		{e.devicePath(keyPump), []string{"has not been assessed yet", "Support unknown", cveAlaris}},
		{e.devicePath(keyPC), []string{"has not been assessed yet", "No known vulnerability applies"}},
	}
	for _, user := range []string{"viewer1", "analyst1", "admin1"} {
		for _, p := range pages {
			t.Run(user+p.path, func(t *testing.T) {
				r := e.get(user, p.path)
				if r.status != http.StatusOK {
					t.Fatalf("status %d, body:\n%s", r.status, r.body)
				}
				for _, want := range append(p.want, `action="/search"`, `href="/worklist"`, `href="/findings"`, `href="/feeds"`) {
					if !strings.Contains(r.body, want) {
						t.Errorf("page lacks %q", want)
					}
				}
				checkNoInline(t, p.path, r.body)
			})
		}
	}
}

// TestVulnPagesUnconfigured: a server without the findings stores still
// serves every page, saying what is missing.
func TestVulnPagesUnconfigured(t *testing.T) {
	e := newTestEnv(t)
	for _, p := range []string{"/findings", "/worklist", "/feeds", "/affected?cve=" + cveEternalBlue, e.devicePath(keyCT)} {
		r := e.get("viewer1", p)
		if r.status != http.StatusOK || !strings.Contains(r.body, "not configured on this server") {
			t.Errorf("%s: status %d, no explanation", p, r.status)
		}
	}
	for _, p := range []string{"/vulnerabilities/" + cveEternalBlue, "/findings/1", "/findings.csv"} {
		if r := e.get("viewer1", p); r.status != http.StatusNotFound || !strings.Contains(r.body, "not configured") {
			t.Errorf("%s: status %d", p, r.status)
		}
	}
	if r := e.get("admin1", "/"); r.status != http.StatusOK || strings.Contains(r.body, "Exposed devices by site") {
		t.Errorf("dashboard: status %d or exposure panels without findings", r.status)
	}
}

func TestFindingsFilter(t *testing.T) {
	e, w := newVulnEnv(t)
	pump := formatInt(e.ids[keyPump])
	r := e.get("viewer1", "/findings?device="+pump+"&cve=cve-2020-25165,CVE-2017-0144&gone=yes")
	if r.status != http.StatusOK {
		t.Fatalf("status %d:\n%s", r.status, r.body)
	}
	f := w.lastFilter
	if f.DeviceID != e.ids[keyPump] || !slices.Equal(f.CVEs, []string{cveAlaris, cveEternalBlue}) || !f.Gone || f.Sort != "priority" || f.Limit != findingsPerPage {
		t.Errorf("filter %+v", f)
	}
	for _, want := range []string{"Findings on alaris-ward7-03", cveAlaris, `name="device" value="` + pump + `"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("lacks %q", want)
		}
	}
	if strings.Contains(r.body, "CT-SCAN-01") {
		t.Errorf("another device's finding listed")
	}
	// A device without findings is still named.
	if r := e.get("viewer1", "/findings?device="+formatInt(e.ids[keyPC])); !strings.Contains(r.body, "Findings on WS-RECEPTION") || !strings.Contains(r.body, "No finding matches") {
		t.Errorf("empty device list:\n%s", r.body)
	}
	tests := []struct{ name, query, message string }{
		{"BadDevice", "device=ct", `The device filter must be a device number, not &#34;ct&#34;.`},
		{"BadCVE", "cve=MS17-010", `&#34;MS17-010&#34; is not a CVE ID`},
		{"BadStatus", "status=closed", `Unknown status &#34;closed&#34;`},
		{"BadSeverity", "severity=urgent", `Unknown severity`},
		{"BadMatch", "match=maybe", `use confirmed or possible`},
		{"BadSort", "sort=evil", `Unknown sort`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.get("viewer1", "/findings?"+tt.query)
			if r.status != http.StatusBadRequest || !strings.Contains(r.body, tt.message) {
				t.Errorf("status %d, want 400 with %q:\n%s", r.status, tt.message, r.body)
			}
		})
	}
}

func TestFindingsPaging(t *testing.T) {
	e, w := newVulnEnv(t)
	// Enough findings for three pages.
	base := w.findings[0]
	for i := range 2*findingsPerPage + 5 {
		c := *base
		c.ID = int64(100 + i)
		w.findings = append(w.findings, &c)
	}
	r := e.get("viewer1", "/findings?kev=yes&page=3")
	if w.lastFilter.Offset != 2*findingsPerPage {
		t.Errorf("offset %d", w.lastFilter.Offset)
	}
	for _, want := range []string{"Page 3 of 3", `href="/findings?kev=yes&amp;page=2"`, `>101<`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("lacks %q", want)
		}
	}
}

func TestFindingsCSV(t *testing.T) {
	e, _ := newVulnEnv(t)
	r := e.get("viewer1", "/findings.csv?sort=cve")
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.Contains(r.header.Get("Content-Disposition"), "cordon-findings-2026-11-02.csv") {
		t.Fatalf("status %d headers %v", r.status, r.header)
	}
	rows, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 || !slices.Equal(rows[0], findingCSVHeader) {
		t.Fatalf("rows %d, header %v", len(rows), rows[0])
	}
	col := func(name string) int { return slices.Index(findingCSVHeader, name) }
	eb := rows[1]
	if eb[col("cve")] != cveEternalBlue || eb[col("location")] != "Radiology 2" || eb[col("owner")] != "Imaging physics" ||
		eb[col("kev")] != "true" || eb[col("kev_due_date")] != "2022-08-10" || eb[col("epss")] != "0.94" || eb[col("cvss_score")] != "8.1" {
		t.Errorf("EternalBlue row %v", eb)
	}
	// Sorted by CVE; Log4Shell's title is hostile but not a formula.
	if rows[4][col("cve")] != cveHostile || rows[4][col("title")] != hostile {
		t.Errorf("last row %v", rows[4])
	}
	if r := e.get("viewer1", "/findings.csv?sort=evil"); r.status != http.StatusBadRequest || !strings.Contains(r.body, "error-page") {
		t.Errorf("bad export: status %d", r.status)
	}
}

// TestFindingsCSVFormulas: text from feeds and the network that starts
// like a formula opens as text.
func TestFindingsCSVFormulas(t *testing.T) {
	e, w := newVulnEnv(t)
	w.findings[0].Title = `=HYPERLINK("http://evil.example/")`
	w.findings[0].Device.Owner = "+44 20 7946 0000"
	r := e.get("viewer1", "/findings.csv?cve="+cveEternalBlue)
	rows, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("%v, %d rows", err, len(rows))
	}
	if got := rows[1][slices.Index(findingCSVHeader, "title")]; got != `'=HYPERLINK("http://evil.example/")` {
		t.Errorf("title %q", got)
	}
	if got := rows[1][slices.Index(findingCSVHeader, "owner")]; got != "'+44 20 7946 0000" {
		t.Errorf("owner %q", got)
	}
}

func TestFindingNotFound(t *testing.T) {
	e, _ := newVulnEnv(t)
	for _, p := range []string{"/findings/999", "/findings/abc", "/findings/-1"} {
		if r := e.get("viewer1", p); r.status != http.StatusNotFound || !strings.Contains(r.body, "There is no finding at this address") {
			t.Errorf("%s: status %d", p, r.status)
		}
	}
}

func TestVulnHostileTextIsEscaped(t *testing.T) {
	e, _ := newVulnEnv(t)
	for _, p := range []string{"/findings", "/findings/4", "/affected?cve=" + cveHostile, "/vulnerabilities/" + cveHostile, "/worklist", e.devicePath(keyHostile), "/"} {
		body := e.get("viewer1", p).body
		if strings.Contains(body, hostile) {
			t.Errorf("%s: hostile text unescaped", p)
		}
		if p != "/" && !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s: escaped text missing", p)
		}
	}
	// A reference with a script URL is never a live link.
	if body := e.get("viewer1", "/vulnerabilities/"+cveEternalBlue).body; strings.Contains(body, `href="javascript:`) {
		t.Errorf("script URL linked")
	}
}

// TestFindingsAccess: reading is for every role, changing status for
// those who may change devices.
func TestFindingsAccess(t *testing.T) {
	e, w := newVulnEnv(t)
	if r := e.post("viewer1", "/findings/1", url.Values{"status": {cordon.FindingFixed}}); r.status != http.StatusForbidden {
		t.Errorf("viewer changed a status: %d", r.status)
	}
	if st := w.status(1); st.Status != cordon.FindingOpen {
		t.Errorf("status now %+v", st)
	}
	if r := e.get("", "/findings?kev=yes"); r.status != http.StatusSeeOther || r.header.Get("Location") != "/login?next=%2Ffindings%3Fkev%3Dyes" {
		t.Errorf("anonymous: %d %s", r.status, r.header.Get("Location"))
	}
	viewer, analyst := e.get("viewer1", "/findings/1").body, e.get("analyst1", "/findings/1").body
	if strings.Contains(viewer, `action="/findings/1"`) || !strings.Contains(viewer, "analysts change their status") {
		t.Errorf("viewer sees the status form")
	}
	if !strings.Contains(analyst, `method="post" action="/findings/1"`) || !strings.Contains(analyst, `name="csrf" value="`+testCSRF+`"`) {
		t.Errorf("analyst lacks the status form")
	}
}
