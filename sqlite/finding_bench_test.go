package sqlite_test

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/sqlite"
	"github.com/cordonsec/cordon/storetest"
)

var (
	benchDevices  = flag.Int("findings-devices", 2_000, "devices the findings benchmarks assess (a large trust: 50,000)")
	benchPerDev   = flag.Int("findings-per-device", 50, "findings per device in the findings benchmarks")
	benchBatchLen = 1000 // devices per ReplaceFindings call, as an assessor would batch them
)

// commonCVE affects every device in the benchmarks: the worst case of the
// 48-hour alert question "which devices does this CVE affect".
const commonCVE = "CVE-2017-0144"

// benchAssessment returns device id's assessment: commonCVE and perDev-1
// CVEs drawn from a pool of 20,000 (so a rarer CVE affects a few hundred
// devices), with realistic match data, and a round-dependent EPSS so that
// every run changes something.
func benchAssessment(id int64, perDev, round int) cordon.DeviceAssessment {
	a := cordon.DeviceAssessment{DeviceID: id, Exposure: cordon.Exposure{Risk: cordon.Risk{Score: int(id % 101),
		Factors: []cordon.RiskFactor{{Part: "likelihood", Name: "kev", Value: "1", Weight: 0.5, Why: "A KEV finding."}}}}}
	a.Findings = make([]cordon.Finding, 0, perDev)
	for j := range perDev {
		cve := commonCVE
		if j > 0 {
			cve = fmt.Sprintf("CVE-%d-%05d", 2010+j%15, (int(id)*7919+j*104729)%20000)
		}
		f := storetest.NewFinding(cve, j%10 == 0, float64((int(id)+j+round)%1000)/1000, float64(j%100)/10, "confirmed")
		a.Findings = append(a.Findings, f)
	}
	// Drop duplicates the formula may draw.
	seen := map[string]bool{}
	out := a.Findings[:0]
	for _, f := range a.Findings {
		if !seen[f.CVE] {
			seen[f.CVE] = true
			out = append(out, f)
		}
	}
	a.Findings = out
	return a
}

// fillFindings creates n devices and assesses each in batches, returning
// the device IDs and the time the store took to write the assessments.
func fillFindings(tb testing.TB, db *sqlite.DB, n, perDev, round int, ids []int64) ([]int64, time.Duration) {
	tb.Helper()
	ctx := context.Background()
	if ids == nil {
		commitDevices(tb, db, "bench-"+strconv.Itoa(n)+".pcap", manyDevices(n, 0))
		rows, err := db.QueryForTest(`SELECT id FROM devices ORDER BY id`)
		must(tb, err)
		for rows.Next() {
			var id int64
			must(tb, rows.Scan(&id))
			ids = append(ids, id)
		}
		rows.Close()
	}
	svc := sqlite.NewFindingService(db)
	// Only the store's time counts, not the making of the assessments.
	var took time.Duration
	for i := 0; i < len(ids); i += benchBatchLen {
		batch := make([]cordon.DeviceAssessment, 0, benchBatchLen)
		for _, id := range ids[i:min(i+benchBatchLen, len(ids))] {
			batch = append(batch, benchAssessment(id, perDev, round))
		}
		start := time.Now()
		must(tb, svc.ReplaceFindings(ctx, batch))
		took += time.Since(start)
	}
	return ids, took
}

// BenchmarkReplaceFindings assesses -findings-devices devices with
// -findings-per-device findings each, in batches of 1,000 devices, three
// times on one database: into an empty table (New: every finding
// inserted), again with the same results (Unchanged: the common
// re-assessment after an ingest or an import that changed nothing for
// these devices), and again with a new EPSS score for every finding
// (Changed: every finding kept and rewritten, as after a daily EPSS
// import). It reports the seconds of each and the findings per second of
// the first fill.
//
//	go test -run '^$' -bench BenchmarkReplaceFindings -benchtime 1x -timeout 60m ./sqlite/ -args -findings-devices 50000
func BenchmarkReplaceFindings(b *testing.B) {
	var fresh, same, changed time.Duration
	var written int
	for range b.N {
		db := MustOpenDB(b)
		ids, took := fillFindings(b, db, *benchDevices, *benchPerDev, 0, nil)
		fresh += took
		var n int
		must(b, db.QueryRowForTest(`SELECT count(*) FROM findings`).Scan(&n))
		written += n
		_, took = fillFindings(b, db, *benchDevices, *benchPerDev, 0, ids)
		same += took
		_, took = fillFindings(b, db, *benchDevices, *benchPerDev, 1, ids)
		changed += took
	}
	b.ReportMetric(fresh.Seconds()/float64(b.N), "s/new")
	b.ReportMetric(float64(written)/fresh.Seconds(), "findings/s")
	b.ReportMetric(same.Seconds()/float64(b.N), "s/unchanged")
	b.ReportMetric(changed.Seconds()/float64(b.N), "s/changed")
	b.ReportMetric(0, "ns/op") // the phases above are the measure, not their sum
}

// BenchmarkFindFindings answers queries over the findings of
// -findings-devices devices (2.5 million findings at 50,000): above all
// "which devices does this CVE affect", for a CVE every device has and for
// a rarer one.
//
//	go test -run '^$' -bench BenchmarkFindFindings ./sqlite/ -args -findings-devices 50000
func BenchmarkFindFindings(b *testing.B) {
	db := MustOpenDB(b)
	_, took := fillFindings(b, db, *benchDevices, *benchPerDev, 0, nil)
	var n int
	must(b, db.QueryRowForTest(`SELECT count(*) FROM findings`).Scan(&n))
	b.Logf("%d devices, %d findings assessed in %v", *benchDevices, n, took)
	svc := sqlite.NewFindingService(db)
	rare := benchAssessment(1, *benchPerDev, 0).Findings[1].CVE
	yes := true
	for _, bb := range []struct {
		name string
		f    cordon.FindingFilter
	}{
		{"CommonCVE", cordon.FindingFilter{CVEs: []string{commonCVE}}},
		{"CommonCVEAllPages", cordon.FindingFilter{CVEs: []string{commonCVE}, Limit: 1000}},
		{"RareCVE", cordon.FindingFilter{CVEs: []string{rare}}},
		{"Priority", cordon.FindingFilter{}},
		{"OpenKEV", cordon.FindingFilter{Status: cordon.FindingOpen, KEV: &yes}},
		{"Device", cordon.FindingFilter{DeviceID: 42}},
	} {
		b.Run(bb.name, func(b *testing.B) {
			var total int
			for range b.N {
				fs, n, err := svc.FindFindings(context.Background(), bb.f)
				if err != nil || len(fs) == 0 {
					b.Fatalf("%d findings, %v", len(fs), err)
				}
				total = n
			}
			b.ReportMetric(float64(total), "matches")
		})
	}
	b.Run("Summary", func(b *testing.B) {
		for range b.N {
			if _, err := svc.ExposureSummary(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
	})
}
