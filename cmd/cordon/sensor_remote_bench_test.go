package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/capture"
	"github.com/cordonsec/cordon/simulate"
	"github.com/cordonsec/cordon/spool"
)

// packetClock is a source whose clock is the time of the last packet
// read, so that a capture file makes batches of capture minutes. At each
// new minute it pauses, as a real minute would, so that the writer is
// ready for the batch rather than merging it into the next.
type packetClock struct {
	liveSource
	at time.Time
}

func (c *packetClock) Next(p *capture.Packet) error {
	err := c.liveSource.Next(p)
	if err == nil {
		if !c.at.IsZero() && p.Time.Truncate(time.Minute) != c.at.Truncate(time.Minute) {
			time.Sleep(200 * time.Millisecond)
		}
		c.at = p.Time
	}
	return err
}

// BenchmarkRemoteBatches measures what a remote sensor sends over the
// site's link: a capture goes through the live loop, a batch every minute
// of capture time, into a spool, and the benchmark reports the gzipped
// bytes a capture minute costs, the largest batch, and the JSON before
// compression. Its time is mostly the pauses that let each minute's batch
// go out on its own. The capture is $CORDON_BENCH_PCAP or the simulated hospital
// of BenchmarkLivePacketPath (300 devices, one hour, bulk ×4):
//
//	go test ./cmd/cordon -run '^$' -bench RemoteBatches -benchtime 1x
func BenchmarkRemoteBatches(b *testing.B) {
	path := os.Getenv("CORDON_BENCH_PCAP")
	if path == "" {
		path, _ = simulateCapture(b, simulate.Config{Seed: 7, Devices: 300, Duration: time.Hour, Bulk: 4})
	}
	pkts, bits := loadPackets(b, path)
	minutes := pkts[len(pkts)-1].Time.Sub(pkts[0].Time).Minutes()
	cl, err := newClassifier("")
	if err != nil {
		b.Fatal(err)
	}
	for range b.N {
		dir, err := spool.Open(filepath.Join(b.TempDir(), "spool"), spool.Options{})
		if err != nil {
			b.Fatal(err)
		}
		src := &packetClock{liveSource: &memSource{pkts: pkts}}
		cfg := &liveConfig{iface: "bench0", flush: time.Minute, silentAfter: defaultSilentAfter}
		l := remoteLoop(cfg, src, cl, dir, nil, slog.New(slog.DiscardHandler))
		l.policySource = nil
		l.now = func() time.Time { return src.at }
		var raw, largest int
		put := l.deliver
		l.deliver = func(ctx context.Context, sb *cordon.SensorBatch) (*cordon.Capture, error) {
			body, _ := json.Marshal(sb)
			raw += len(body)
			return put(ctx, sb)
		}
		sum, err := l.run(context.Background())
		if err != nil || sum.Failed > 0 {
			b.Fatalf("run: %+v, %v", sum, err)
		}
		st := dir.Stats()
		for _, e := range mustReadDir(b, dir.Path()) {
			largest = max(largest, int(e))
		}
		b.ReportMetric(float64(st.PendingBytes)/minutes/1024, "KiB-gzip/min")
		b.ReportMetric(float64(raw)/minutes/1024, "KiB-json/min")
		b.ReportMetric(float64(largest)/1024, "KiB-largest")
		b.ReportMetric(float64(st.Pending), "batches")
		b.ReportMetric(float64(sum.Merged), "merged")
		b.ReportMetric(float64(bits)/8/minutes/(1<<20), "MiB-captured/min")
	}
}

// mustReadDir returns the sizes of the batch files in a spool directory.
func mustReadDir(b *testing.B, dir string) []int64 {
	es, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	var sizes []int64
	for _, e := range es {
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() {
			sizes = append(sizes, info.Size())
		}
	}
	return sizes
}
