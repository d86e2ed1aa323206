package match

import (
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// TestIndexAgreesWithNaive checks on a generated corpus that the index
// selects every configuration that can match.
func TestIndexAgreesWithNaive(t *testing.T) {
	g := newGenerator(1, 400)
	vulns := g.vulns(3000)
	vulns = append(vulns, corpus()...)
	ix := New(vulns)
	total := 0
	for i, d := range g.devices(300) {
		got, want := ix.Device(d), NaiveDevice(vulns, d)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("device %d %+v:\nIndex %+v\nNaive %+v", i, d.Software, got, want)
		}
		total += len(got)
	}
	if total == 0 {
		t.Fatal("the generated corpus produced no matches at all")
	}
}

var bench struct {
	once    sync.Once
	vulns   []cordon.Vulnerability
	devices []*cordon.Device
	ix      *Index
	build   time.Duration
}

func benchCorpus(b *testing.B) {
	bench.once.Do(func() {
		g := newGenerator(42, 20000)
		bench.vulns = g.vulns(300000)
		bench.devices = g.devices(50000)
		start := time.Now()
		bench.ix = New(bench.vulns)
		bench.build = time.Since(start)
	})
}

// BenchmarkMatch matches generated devices, one per operation, against
// 300,000 generated CVEs (50,000 devices in all, used in turn), and reports
// devices/s, matches per device and the time the index took to build.
// BenchmarkNaive is the nested-loop baseline on the same devices: the ratio
// of their devices/s is the index's gain.
func BenchmarkMatch(b *testing.B) {
	benchCorpus(b)
	matches := 0
	for i := 0; b.Loop(); i++ {
		matches += len(bench.ix.Device(bench.devices[i%len(bench.devices)]))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "devices/s")
	b.ReportMetric(float64(matches)/float64(b.N), "matches/device")
	b.ReportMetric(bench.build.Seconds(), "index-build-s")
}

// BenchmarkNaive is NaiveDevice on the devices of BenchmarkMatch.
func BenchmarkNaive(b *testing.B) {
	benchCorpus(b)
	for i := 0; b.Loop(); i++ {
		NaiveDevice(bench.vulns, bench.devices[i%len(bench.devices)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "devices/s")
}
