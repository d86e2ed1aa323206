package match

import (
	"math/rand/v2"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
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
	heap    uint64 // bytes the index holds beyond the records
}

func benchCorpus(b *testing.B) {
	bench.once.Do(func() {
		g := newGenerator(42, 20000)
		bench.vulns = g.vulns(300000)
		bench.devices = g.devices(50000)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		bench.ix = New(bench.vulns)
		bench.build = time.Since(start)
		runtime.GC()
		runtime.ReadMemStats(&after)
		bench.heap = after.HeapAlloc - min(after.HeapAlloc, before.HeapAlloc)
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
	b.ReportMetric(float64(bench.heap)/(1<<20), "index-MB")
}

// BenchmarkNaive is NaiveDevice on the devices of BenchmarkMatch.
func BenchmarkNaive(b *testing.B) {
	benchCorpus(b)
	for i := 0; b.Loop(); i++ {
		NaiveDevice(bench.vulns, bench.devices[i%len(bench.devices)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "devices/s")
}

// BenchmarkMatchNoCache is BenchmarkMatch without the result cache (the
// per-name candidate cache stays): the cost of a device never seen before.
func BenchmarkMatchNoCache(b *testing.B) {
	benchCorpus(b)
	matches := 0
	for i := 0; b.Loop(); i++ {
		matches += len(bench.ix.device(bench.devices[i%len(bench.devices)]))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "devices/s")
	b.ReportMetric(float64(matches)/float64(b.N), "matches/device")
}

// fleetImages is how many distinct software images the fleet benchmark's
// 50,000 devices run: a trust's devices are a few thousand models and
// firmware releases, many of each.
const fleetImages = 2500

// BenchmarkMatchFleet matches a hospital-like fleet, one pass of 50,000
// devices per operation starting from empty caches, with one goroutine per
// core (the Index is shared as a server would share it): the devices are
// copies of 2,500 generated images (those of BenchmarkMatch), drawn with
// a Zipf spread so that a few images are common (a PACS workstation build,
// a pump model) and most are rare.
func BenchmarkMatchFleet(b *testing.B) {
	benchCorpus(b)
	g := newGenerator(43, 20000)
	z := rand.NewZipf(g.r, 1.1, 4, fleetImages-1)
	fleet := make([]*cordon.Device, 50000)
	for i := range fleet {
		fleet[i] = cloneDevice(bench.devices[z.Uint64()])
	}
	distinct := map[string]bool{}
	for _, d := range fleet {
		distinct[fingerprint(d)] = true
	}
	// Room for every image: about 2 million matches, 600 MB.
	bench.ix.SetCacheMatches(1 << 22)
	defer bench.ix.SetCacheMatches(DefaultCacheMatches)
	workers := runtime.GOMAXPROCS(0)
	var matches atomic.Int64
	for b.Loop() {
		bench.ix.cands.m.Clear()
		bench.ix.cands.n.Store(0)
		bench.ix.results.m.Clear()
		bench.ix.results.n.Store(0)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < len(fleet); i += workers {
					matches.Add(int64(len(bench.ix.Device(fleet[i]))))
				}
			}()
		}
		wg.Wait()
	}
	n := float64(b.N * len(fleet))
	b.ReportMetric(n/b.Elapsed().Seconds(), "devices/s")
	b.StopTimer()
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(bench.ix.results.n.Load()), "cached-matches")
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heap-MB")
	b.ReportMetric(float64(matches.Load())/n, "matches/device")
	b.ReportMetric(float64(len(distinct)), "distinct-devices")
	b.ReportMetric(float64(workers), "workers")
}
