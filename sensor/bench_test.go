package sensor

import (
	"fmt"
	"net/netip"
	"runtime"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/sensor/decode"
)

// discard is a Sink that keeps nothing.
type discard struct{}

func (discard) Observe(cordon.Observation) {}
func (discard) Flow(cordon.FlowRecord)     {}

// BenchmarkMillionFlows measures the memory a million concurrent TCP flows
// hold in the flow table (reported as MB and bytes/flow) and the cost of
// creating them.
func BenchmarkMillionFlows(b *testing.B) {
	const flows = 1_000_000
	for i := 0; i < b.N; i++ {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		s := New(Config{MaxFlows: 2 * flows, IdleTimeout: time.Hour}, discard{})
		p := tcp(true, decode.TCPSyn, 1, "")
		for n := 0; n < flows; n++ {
			// 10.0.0.0/8 clients on ephemeral ports to a few servers.
			p.SrcIP = netip.AddrFrom4([4]byte{10, byte(n >> 16), byte(n >> 8), byte(n)})
			p.SrcPort = uint16(32768 + n%28000)
			p.DstIP = netip.AddrFrom4([4]byte{10, 40, 0, byte(n % 7)})
			s.Packet(t0, p)
		}
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		if s.Stats().ActiveFlows != flows {
			b.Fatalf("active flows = %d", s.Stats().ActiveFlows)
		}
		heap := float64(after.HeapAlloc - before.HeapAlloc)
		b.ReportMetric(heap/(1<<20), "MB")
		b.ReportMetric(heap/flows, "B/flow")
		runtime.KeepAlive(s)
	}
}

// BenchmarkReport measures Report, which a live capture calls at every
// flush: over a table of a million flows, with "active" of them carrying
// a packet since the last report (each reported, to a sink that keeps
// nothing) and the rest idle (the walk stops at them).
func BenchmarkReport(b *testing.B) {
	const flows = 1_000_000
	for _, active := range []int{10_000, 100_000, flows} {
		b.Run(fmt.Sprintf("active=%d", active), func(b *testing.B) {
			s := New(Config{MaxFlows: 2 * flows, IdleTimeout: 24 * time.Hour}, discard{})
			p := tcp(true, decode.TCPSyn, 1, "")
			addr := func(n int) {
				p.SrcIP = netip.AddrFrom4([4]byte{10, byte(n >> 16), byte(n >> 8), byte(n)})
				p.SrcPort = uint16(32768 + n%28000)
				p.DstIP = netip.AddrFrom4([4]byte{10, 40, 0, byte(n % 7)})
			}
			for n := range flows {
				addr(n)
				s.Packet(t0, p)
			}
			s.Report()
			at := t0
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				at = at.Add(2 * time.Second) // past the reorder slack
				for n := range active {
					addr(n)
					s.Packet(at, p)
				}
				b.StartTimer()
				s.Report()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(active), "ns/active-flow")
		})
	}
}
