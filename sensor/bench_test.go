package sensor

import (
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
