package kev

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// excerpt is two entries of the real catalogue with the header rewritten
// for them. Source: shared/data/kev/known_exploited_vulnerabilities.json
// (cisagov/kev-data @ eacf03e, catalogVersion 2025.08.25), entries
// CVE-2017-0144 (EternalBlue) and CVE-2025-48384, verbatim.
const excerpt = `{
    "title": "CISA Catalog of Known Exploited Vulnerabilities",
    "catalogVersion": "2025.08.25",
    "dateReleased": "2025-08-25T17:04:19.9796Z",
    "count": 2,
    "vulnerabilities": [
        {
            "cveID": "CVE-2025-48384",
            "vendorProject": "Git",
            "product": "Git",
            "vulnerabilityName": "Git Link Following Vulnerability",
            "dateAdded": "2025-08-25",
            "shortDescription": "Git contains a link following vulnerability that stems from Git\u2019s inconsistent handling of carriage return characters in configuration files.",
            "requiredAction": "Apply mitigations per vendor instructions, follow applicable BOD 22-01 guidance for cloud services, or discontinue use of the product if mitigations are unavailable.",
            "dueDate": "2025-09-15",
            "knownRansomwareCampaignUse": "Unknown",
            "notes": "https:\/\/github.com\/git\/git\/security\/advisories\/GHSA-vwqx-4fm8-6qc9 ; https:\/\/nvd.nist.gov\/vuln\/detail\/CVE-2025-48384",
            "cwes": [
                "CWE-59"
            ]
        },
        {
            "cveID": "CVE-2017-0144",
            "vendorProject": "Microsoft",
            "product": "SMBv1",
            "vulnerabilityName": "Microsoft SMBv1 Remote Code Execution Vulnerability",
            "dateAdded": "2022-02-10",
            "shortDescription": "The SMBv1 server in multiple Microsoft Windows versions allows remote attackers to execute arbitrary code via crafted packets.",
            "requiredAction": "Apply updates per vendor instructions.",
            "dueDate": "2022-08-10",
            "knownRansomwareCampaignUse": "Known",
            "notes": "https:\/\/nvd.nist.gov\/vuln\/detail\/CVE-2017-0144",
            "cwes": [
                "CWE-20"
            ]
        }
    ]
}`

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParse(t *testing.T) {
	c, err := Parse(strings.NewReader(excerpt))
	if err != nil {
		t.Fatal(err)
	}
	if c.Version != "2025.08.25" || len(c.Entries) != 2 {
		t.Fatalf("version %q, %d entries", c.Version, len(c.Entries))
	}
	if want := time.Date(2025, 8, 25, 17, 4, 19, 979600000, time.UTC); !c.Released.Equal(want) {
		t.Errorf("released %v, want %v", c.Released, want)
	}
	checkEternalBlue(t, c)
	git := c.Entries["CVE-2025-48384"]
	if git.Ransomware || git.Product != "Git" || !git.DueDate.Equal(date("2025-09-15")) {
		t.Errorf("CVE-2025-48384 = %+v", git)
	}
}

// checkEternalBlue compares CVE-2017-0144 with the catalogue's JSON.
func checkEternalBlue(t *testing.T, c *Catalog) {
	t.Helper()
	e, ok := c.Entries["CVE-2017-0144"]
	if !ok {
		t.Fatal("CVE-2017-0144 missing")
	}
	switch {
	case e.VendorProject != "Microsoft", e.Product != "SMBv1",
		e.Name != "Microsoft SMBv1 Remote Code Execution Vulnerability",
		!e.DateAdded.Equal(date("2022-02-10")), !e.DueDate.Equal(date("2022-08-10")),
		e.RequiredAction != "Apply updates per vendor instructions.",
		!e.Ransomware, e.Notes != "https://nvd.nist.gov/vuln/detail/CVE-2017-0144":
		t.Errorf("CVE-2017-0144 = %+v", e)
	}
}

func TestParseErrors(t *testing.T) {
	entry := func(repl ...string) string {
		s := `{"cveID":"CVE-2017-0144","vendorProject":"Microsoft","product":"SMBv1","vulnerabilityName":"n","dateAdded":"2022-02-10","shortDescription":"d","requiredAction":"a","dueDate":"2022-08-10","knownRansomwareCampaignUse":"Known","notes":""}`
		return strings.NewReplacer(repl...).Replace(s)
	}
	catalog := func(count string, entries ...string) string {
		return `{"catalogVersion":"1","dateReleased":"2025-08-25T17:04:19.9796Z","count":` + count + `,"vulnerabilities":[` + strings.Join(entries, ",") + `]}`
	}
	tests := []struct {
		name, in, want string
	}{
		{"OK", catalog("1", entry()), ""},
		{"NotJSON", `{"catalogVersion":`, "kev: catalog: unexpected EOF"},
		{"Array", `[]`, "kev: catalog: value is a JSON array"},
		{"TrailingData", catalog("1", entry()) + `{}`, "trailing data"},
		{"MissingVersion", `{"dateReleased":"2025-08-25T17:04:19Z","count":0,"vulnerabilities":[]}`, "missing catalogVersion"},
		{"MissingList", `{"catalogVersion":"1","dateReleased":"2025-08-25T17:04:19Z","count":0}`, "missing vulnerabilities"},
		{"BadReleased", `{"catalogVersion":"1","dateReleased":"2025-08-25","count":0,"vulnerabilities":[]}`, `dateReleased "2025-08-25" is not a date-time`},
		{"CountMismatch", catalog("2", entry()), "count is 2 but 1 vulnerabilities"},
		{"CountString", `{"catalogVersion":"1","dateReleased":"2025-08-25T17:04:19Z","count":"1","vulnerabilities":[]}`, "count is a JSON string, want int"},
		{"ListObject", `{"catalogVersion":"1","dateReleased":"2025-08-25T17:04:19Z","count":0,"vulnerabilities":{}}`, "vulnerabilities is a JSON object"},
		{"BadID", catalog("1", entry(`CVE-2017-0144`, `CVE-17-0144`)), `kev: entry 0: cveID "CVE-17-0144" is not a CVE id`},
		{"MissingID", catalog("1", entry(`"cveID":"CVE-2017-0144",`, ``)), "kev: entry 0: missing cveID"},
		{"BadDateAdded", catalog("1", entry(`2022-02-10`, `2022-02-30`)), `kev: entry 0 (CVE-2017-0144): dateAdded "2022-02-30" is not a date`},
		{"BadDueDate", catalog("1", entry(`2022-08-10`, `10/08/2022`)), `dueDate "10/08/2022" is not a date`},
		// As CVE-2021-34527 in the real catalogue (dateAdded 2021-11-03, dueDate 2021-07-20).
		{"DueBeforeAdded", catalog("1", entry(`2022-08-10`, `2022-01-10`)), ""},
		{"MissingDueDate", catalog("1", entry(`"dueDate":"2022-08-10",`, ``)), "kev: entry 0 (CVE-2017-0144): missing dueDate"},
		{"WrongShape", catalog("1", entry(`"product":"SMBv1"`, `"product":7`)), "kev: entry 0 (CVE-2017-0144): product is a JSON number, want string"},
		{"EntryNotObject", catalog("1", `"CVE-2017-0144"`), "kev: entry 0: value is a JSON string"},
		{"BadRansomware", catalog("1", entry(`"Known"`, `"Yes"`)), `knownRansomwareCampaignUse "Yes"`},
		{"Duplicate", catalog("2", entry(), entry()), "kev: entry 1 (CVE-2017-0144): duplicate cveID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.in))
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected error %v", err)
			case tt.want != "" && err == nil:
				t.Fatalf("no error, want %q", tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Fatalf("error %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

// sharedData returns the shared data directory: the parent of the repository
// root (the directory holding go.mod) + /shared/data.
func sharedData(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(dir), "shared", "data")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("repository root not found")
		}
		dir = parent
	}
}

func TestCorpus(t *testing.T) {
	path := filepath.Join(sharedData(t), "kev", "known_exploited_vulnerabilities.json")
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("shared KEV catalogue not available: %v", err)
	}
	defer f.Close()
	c, err := Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Entries) != 1404 || c.Version != "2025.08.25" {
		t.Errorf("%d entries, version %q; want 1404, 2025.08.25", len(c.Entries), c.Version)
	}
	checkEternalBlue(t, c)
	known := 0
	for _, e := range c.Entries {
		if e.Ransomware {
			known++
		}
	}
	// Counted with: python3 -c 'import json; ...knownRansomwareCampaignUse == "Known"'.
	if known != 293 {
		t.Errorf("%d entries with known ransomware use, want 293", known)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(excerpt))
	f.Add([]byte(`{"catalogVersion":"1","dateReleased":"2025-08-25T17:04:19Z","count":0,"vulnerabilities":[]}`))
	f.Add([]byte(`{"catalogVersion":"1","dateReleased":"2025-08-25T17:04:19Z","count":1,"vulnerabilities":[{"cveID":"CVE-2017-0144"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseBytes(data)
		if err != nil {
			return
		}
		for id, e := range c.Entries {
			if !cveID.MatchString(id) || e.DateAdded.IsZero() || e.DueDate.IsZero() {
				t.Fatalf("accepted bad entry %s %+v", id, e)
			}
		}
	})
}
