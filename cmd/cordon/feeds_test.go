package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/simulate"
)

// feedFixtures are the feeds package's self-written fixtures.
const feedFixtures = "../../feeds/testdata"

// hospitalWithFeeds ingests a simulated hospital into a new data directory
// and imports the fixtures, returning the directory.
func hospitalWithFeeds(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	pcap, _ := simulateCapture(t, simulate.Config{Seed: 1, Devices: 120})
	runOK(t, "", "ingest", "--data", dir, pcap)
	out := runOK(t, "", "feeds", "import", "--data", dir,
		filepath.Join(feedFixtures, "nvd-ms17-010.json"), filepath.Join(feedFixtures, "kev.json"),
		filepath.Join(feedFixtures, "epss.csv"), filepath.Join(feedFixtures, "csaf-example.json"),
		filepath.Join(feedFixtures, "windows.md"), filepath.Join(feedFixtures, "lifecycle-devices.json"))
	for _, want := range []string{"nvd ", "kev ", "epss ", "csaf ", "lifecycle ", "6 files: 6 imported, 0 unchanged, 0 failed", "Assessed 120 devices"} {
		if !strings.Contains(out, want) {
			t.Errorf("feeds import output lacks %q:\n%s", want, out)
		}
	}
	return dir
}

func TestFeedsImport(t *testing.T) {
	dir := hospitalWithFeeds(t)

	// The same bytes again: unchanged, not a failure, no reassessment.
	out := runOK(t, "", "feeds", "import", "--data", dir, filepath.Join(feedFixtures, "kev.json"))
	if !strings.Contains(out, "unchanged") || strings.Contains(out, "Assessed") {
		t.Errorf("re-import output:\n%s", out)
	}

	// A malformed file beside a good one: exit 1 naming it, the good one
	// imported, the earlier data intact.
	bad := strings.Replace(readFixture(t, "epss.csv"), "0.99978", "1.5", 1)
	badPath := writeFile(t, "epss-bad.csv", []byte(bad))
	goodPath := writeFile(t, "devices.json", []byte(strings.Replace(readFixture(t, "lifecycle-devices.json"), "2.1", "2.2", 1)))
	code, stdout, stderr := runCLI(t, "feeds", "import", "--data", dir, badPath, goodPath)
	if code != exitError || !strings.Contains(stderr, badPath) || !strings.Contains(stderr, "line 4") {
		t.Errorf("exit %d, stderr %q: want 1 naming %s and line 4", code, stderr, badPath)
	}
	if !strings.Contains(stdout, "2 files: 1 imported, 0 unchanged, 1 failed") {
		t.Errorf("stdout %q", stdout)
	}
	var status []cordon.FeedStatus
	if err := json.Unmarshal([]byte(runOK(t, "", "feeds", "status", "--data", dir, "--format", "json")), &status); err != nil {
		t.Fatal(err)
	}
	for _, s := range status {
		if s.Source == cordon.FeedEPSS && (s.Records != 3 || s.LastImport == nil || !strings.HasSuffix(s.LastImport.Name, "epss.csv")) {
			t.Errorf("EPSS status after the failed import: %+v", s)
		}
	}
	table := runOK(t, "", "feeds", "status", "--data", dir)
	if !strings.Contains(table, "SOURCE") || !strings.Contains(table, "nvd") || !strings.Contains(table, "2025-10-21") {
		t.Errorf("status table:\n%s", table)
	}
}

func readFixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(feedFixtures, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFindingsAndAffected(t *testing.T) {
	dir := hospitalWithFeeds(t)

	var all []cordon.Finding
	if err := json.Unmarshal([]byte(runOK(t, "", "findings", "--data", dir, "--format", "json")), &all); err != nil {
		t.Fatal(err)
	}
	if len(all) == 0 {
		t.Fatal("no findings for MS17-010 on the simulated hospital's Windows devices")
	}
	f := all[0]
	if f.CVE != "CVE-2017-0144" || !f.KEV || f.EPSS == nil || f.CVSS == nil || f.Device.ID == 0 || f.Status.Status != cordon.FindingOpen {
		t.Errorf("first finding %+v", f)
	}
	// The JSON field names are the contract.
	var raw []map[string]any
	json.Unmarshal([]byte(runOK(t, "", "findings", "--data", dir, "--format", "json", "--kev")), &raw)
	for _, k := range []string{"device", "cve", "kev", "epss", "cvss", "severity", "sources", "status", "match", "evidence"} {
		if _, ok := raw[0][k]; !ok {
			t.Errorf("finding JSON lacks %q", k)
		}
	}
	if mac := f.Device.MAC; mac != "" {
		var one []cordon.Finding
		json.Unmarshal([]byte(runOK(t, "", "findings", "--data", dir, "--format", "json", "--device", mac)), &one)
		if len(one) == 0 || one[0].Device.MAC != mac {
			t.Errorf("--device %s: %+v", mac, one)
		}
	}
	none := runOK(t, "", "findings", "--data", dir, "--format", "json", "--cve", "CVE-2019-0708")
	if strings.TrimSpace(none) != "[]" {
		t.Errorf("--cve CVE-2019-0708: %s", none)
	}
	rows, err := csv.NewReader(strings.NewReader(runOK(t, "", "findings", "--data", dir, "--format", "csv"))).ReadAll()
	if err != nil || len(rows) != len(all)+1 || rows[0][0] != "cve" {
		t.Errorf("csv: %d rows, %v", len(rows), err)
	}
	table := runOK(t, "", "findings", "--data", dir)
	for _, line := range strings.Split(table, "\n") {
		if len([]rune(line)) > 120 {
			t.Errorf("table line longer than 120 columns: %q", line)
		}
	}

	out := runOK(t, "", "affected", "--data", dir, "CVE-2017-0144", "cve-2019-0708")
	if !strings.Contains(out, "devices affected") || !strings.Contains(out, "[known exploited]") ||
		!strings.Contains(out, "CVE-2019-0708 [known exploited]\n  no devices affected") {
		t.Errorf("affected:\n%s", out)
	}
	var got []affectedCVE
	if err := json.Unmarshal([]byte(runOK(t, "", "affected", "--data", dir, "--format", "json", "CVE-2017-0144")), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || len(got[0].Devices) != len(all) || !got[0].Known {
		t.Errorf("affected JSON %+v, want the %d devices of the findings", got, len(all))
	}
	code, stdout, stderr := runCLI(t, "affected", "--data", dir, "CVE-2099-12345")
	if code != exitError || !strings.Contains(stdout, "not in the vulnerability data") || !strings.Contains(stderr, "CVE-2099-12345 is not in the vulnerability data") {
		t.Errorf("unknown CVE: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestFeedsUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"NoSub", []string{"feeds"}, "usage"},
		{"UnknownSub", []string{"feeds", "frob"}, "unknown feeds command"},
		{"ImportNothing", []string{"feeds", "import"}, "at least one file"},
		{"StatusFormat", []string{"feeds", "status", "--format", "xml"}, "unknown format"},
		{"FindingsStatus", []string{"findings", "--status", "done"}, "unknown status"},
		{"FindingsCVE", []string{"findings", "--cve", "2017-0144"}, "not a CVE id"},
		{"AffectedNothing", []string{"affected"}, "at least one CVE"},
		{"AffectedBadID", []string{"affected", "MS17-010"}, "not a CVE id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, append(tt.args, "--data", t.TempDir())...)
			if code != exitUsage || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, exitUsage, tt.want)
			}
		})
	}
}

// TestFeedsImportSharedData imports the real KEV catalogue, ICSMA
// advisories and endoflife.date pages when they are present.
func TestFeedsImportSharedData(t *testing.T) {
	root := "../../../shared/data"
	if _, err := os.Stat(root); err != nil {
		t.Skip("shared data not present")
	}
	dir := t.TempDir()
	out := runOK(t, "", "feeds", "import", "--data", dir,
		filepath.Join(root, "kev/known_exploited_vulnerabilities.json"),
		filepath.Join(root, "csaf/icsma"),
		filepath.Join(root, "endoflife/products/windows.md"),
		filepath.Join(root, "nvd/cve"))
	if !strings.Contains(out, "kev       ") || !strings.Contains(out, " 0 failed") {
		t.Errorf("output:\n%s", out)
	}
	var status []cordon.FeedStatus
	json.Unmarshal([]byte(runOK(t, "", "feeds", "status", "--data", dir, "--format", "json")), &status)
	for _, s := range status {
		if s.Records == 0 && s.Source != cordon.FeedEPSS {
			t.Errorf("%s: nothing held", s.Source)
		}
	}
}
