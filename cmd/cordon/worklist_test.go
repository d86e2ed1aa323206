package main

import (
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/simulate"
)

func TestWorklist(t *testing.T) {
	dir := hospitalWithFeeds(t)

	var list []cordon.Exposure
	if err := json.Unmarshal([]byte(runOK(t, "", "worklist", "--data", dir, "--format", "json", "--limit", "0")), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 120 {
		t.Fatalf("worklist has %d devices, want all 120 assessed", len(list))
	}
	for i := 1; i < len(list); i++ {
		if list[i].Risk.Score > list[i-1].Risk.Score {
			t.Fatalf("worklist not by risk: %d after %d", list[i].Risk.Score, list[i-1].Risk.Score)
		}
	}
	top := list[0]
	if top.KEV == 0 || top.Risk.Summary == "" || len(top.Risk.Factors) == 0 {
		t.Errorf("the top of the worklist should be a device with a known exploited vulnerability, explained: %+v", top)
	}

	var kev []cordon.Exposure
	json.Unmarshal([]byte(runOK(t, "", "worklist", "--data", dir, "--format", "json", "--kev")), &kev)
	if len(kev) == 0 || len(kev) >= len(list) {
		t.Errorf("--kev kept %d of %d devices", len(kev), len(list))
	}
	for _, x := range kev {
		if x.KEV == 0 {
			t.Errorf("--kev kept %s without a KEV finding", x.Device.Key)
		}
	}

	rows, err := csv.NewReader(strings.NewReader(runOK(t, "", "worklist", "--data", dir, "--format", "csv", "--limit", "5"))).ReadAll()
	if err != nil || len(rows) != 6 || rows[0][0] != "score" {
		t.Errorf("csv: %d rows, %v", len(rows), err)
	}
	table := runOK(t, "", "worklist", "--data", dir, "--limit", "3")
	if n := strings.Count(strings.TrimSpace(table), "\n"); n != 3 || !strings.HasPrefix(table, "RISK") {
		t.Errorf("table of 3 devices:\n%s", table)
	}
	for _, args := range [][]string{{"--min-score", "101"}, {"--format", "xml"}, {"--category", "toaster"}, {"extra"}} {
		if code, _, _ := runCLI(t, append([]string{"worklist", "--data", dir}, args...)...); code != exitUsage {
			t.Errorf("worklist %v: exit %d, want %d", args, code, exitUsage)
		}
	}
}

// A capture ingested after the feeds were imported is assessed at once:
// its devices have findings without another import.
func TestIngestAssessesItsDevices(t *testing.T) {
	dir := t.TempDir()
	runOK(t, "", "feeds", "import", "--data", dir,
		filepath.Join(feedFixtures, "nvd-ms17-010.json"), filepath.Join(feedFixtures, "kev.json"))
	pcap, _ := simulateCapture(t, simulate.Config{Seed: 1, Devices: 120})
	runOK(t, "", "ingest", "--data", dir, pcap)
	var all []cordon.Finding
	if err := json.Unmarshal([]byte(runOK(t, "", "findings", "--data", dir, "--format", "json", "--kev")), &all); err != nil {
		t.Fatal(err)
	}
	if len(all) == 0 {
		t.Fatal("the ingested devices were not assessed: no KEV findings")
	}
}
