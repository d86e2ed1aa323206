package capture

import (
	"bytes"
	"io"
	"testing"
	"time"
)

// BenchmarkReadPcap reads an in-memory pcap of 100 000 records whose sizes
// follow a hospital mix: mostly small TCP acknowledgements and control
// traffic, a share of full-size frames from image transfers.
func BenchmarkReadPcap(b *testing.B) {
	const n = 100000
	sizes := []int{60, 66, 66, 74, 90, 150, 342, 590, 1514, 1514}
	recs := make([]rec, n)
	for i := range recs {
		recs[i] = rec{ts: t0.Add(time.Duration(i) * time.Millisecond), data: frame(sizes[i%len(sizes)], byte(i))}
	}
	data := pcapFile(le, false, 1, 262144, recs...)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	var p Packet
	for b.Loop() {
		r, err := NewReader(bytes.NewReader(data), "bench")
		if err != nil {
			b.Fatal(err)
		}
		count := 0
		for err = r.Next(&p); err == nil; err = r.Next(&p) {
			count++
		}
		if err != io.EOF || count != n {
			b.Fatalf("read %d packets, error %v", count, err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "packets/s")
}
