package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/capture"
	"github.com/cordonsec/cordon/simulate"
)

// memSource hands out packets held in memory, as a live.Handle hands out
// packets of its ring, and ends with io.EOF.
type memSource struct {
	pkts []capture.Packet
	i    int
	done bool // io.EOF returned
}

func (s *memSource) Next(p *capture.Packet) error {
	if s.i == len(s.pkts) {
		s.done = true
		return io.EOF
	}
	*p = s.pkts[s.i]
	s.i++
	return nil
}

// loadPackets reads a capture into memory, every frame in one arena.
func loadPackets(b *testing.B, path string) (pkts []capture.Packet, bits uint64) {
	b.Helper()
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	f, err := capture.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	arena := make([]byte, 0, st.Size())
	var p capture.Packet
	for {
		if err := f.Next(&p); err == io.EOF {
			return pkts, bits
		} else if err != nil {
			b.Fatal(err)
		}
		if len(arena)+len(p.Data) > cap(arena) {
			arena = make([]byte, 0, max(len(p.Data), 1<<20)) // the file was larger than its records; start another arena
		}
		arena = append(arena, p.Data...)
		p.Data = arena[len(arena)-len(p.Data) : len(arena) : len(arena)]
		pkts = append(pkts, p)
		bits += uint64(p.OrigLen) * 8
	}
}

// BenchmarkLivePacketPath measures the per-packet work of `cordon sensor`
// without the kernel: the packets of a capture, held in memory, go through
// liveLoop.run itself (decode, sensor with every dissector, flow table,
// detections, inventory) as they would from the capture ring. The timer
// stops once the source is exhausted and the sensor has flushed its open
// flows, so the batch's write to SQLite (another goroutine's work, once
// per --flush interval) is not counted; the ring's own cost is
// BenchmarkRing in capture/live.
//
// The capture is $CORDON_BENCH_PCAP or the simulated hospital TestLiveRate
// replays (300 devices, one hour, bulk ×4):
//
//	go test ./cmd/cordon -run '^$' -bench LivePacketPath -benchmem
func BenchmarkLivePacketPath(b *testing.B) {
	path := os.Getenv("CORDON_BENCH_PCAP")
	if path == "" {
		path, _ = simulateCapture(b, simulate.Config{Seed: 7, Devices: 300, Duration: time.Hour, Bulk: 4})
	}
	pkts, bits := loadPackets(b, path)
	st, err := openStore(filepath.Join(b.TempDir(), "data"), slog.New(slog.DiscardHandler), "")
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	clock := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		src := &memSource{pkts: pkts}
		l := newLiveLoop(st, "bench0", src, 24*time.Hour, slog.New(slog.DiscardHandler))
		stopped := false
		l.now = func() time.Time {
			// The loop asks the time once the source has ended and the
			// sensor has flushed, before it hands the batch to the writer.
			if src.done && !stopped {
				b.StopTimer()
				stopped = true
			}
			return clock
		}
		var devices int
		l.committed = func(c *cordon.Capture) { devices = c.Stats.Devices }
		b.StartTimer()
		sum, err := l.run(context.Background())
		if err != nil || !stopped {
			b.Fatalf("run: %v (source ended: %v)", err, stopped)
		}
		if sum.Packets != uint64(len(pkts)) || sum.Batches != 1 || devices == 0 {
			b.Fatalf("run passed %d of %d packets in %d batches, %d devices", sum.Packets, len(pkts), sum.Batches, devices)
		}
	}
	secs := b.Elapsed().Seconds()
	b.ReportMetric(float64(len(pkts))*float64(b.N)/secs, "packets/s")
	b.ReportMetric(float64(bits)*float64(b.N)/secs, "bits/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(len(pkts))/float64(b.N), "ns/packet")
}
