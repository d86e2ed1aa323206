package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/analysis"
	"github.com/cordonsec/cordon/classify"
	"github.com/cordonsec/cordon/ingest"
	"github.com/cordonsec/cordon/simulate"
)

// benchCapture returns the capture to ingest: $CORDON_BENCH_PCAP, or a
// simulated hospital of $CORDON_BENCH_DEVICES devices (2000 by default)
// written to a temporary directory. It also returns what one analysis of
// it finds: the devices and the number of observations behind them.
func benchCapture(b *testing.B) (path string, devices int, observations uint64, packets uint64) {
	b.Helper()
	path = os.Getenv("CORDON_BENCH_PCAP")
	if path == "" {
		n := 2000
		if v := os.Getenv("CORDON_BENCH_DEVICES"); v != "" {
			var err error
			if n, err = strconv.Atoi(v); err != nil || n < 1 {
				b.Fatalf("CORDON_BENCH_DEVICES=%q is not a number of devices", v)
			}
		}
		path, _ = simulateCapture(b, simulate.Config{Seed: 1, Devices: n})
	}
	cl, err := classify.New(nil)
	if err != nil {
		b.Fatal(err)
	}
	res, err := analysis.Run(context.Background(), []string{path}, analysis.Options{Classifier: cl})
	if err != nil {
		b.Fatal(err)
	}
	// An observation is one sighting of a fact (a host name in a DHCP
	// request, a DICOM AE title in an association, …); evidence counts
	// them per device and value.
	for _, d := range res.Devices {
		for _, e := range d.Evidence {
			observations += uint64(max(e.Count, 0))
		}
	}
	return path, len(res.Devices), observations, res.Stats.Packets
}

// BenchmarkIngest measures `cordon ingest` of one capture into an empty
// data directory: copying and hashing the file into the store, the whole
// analysis, merging and the one committing transaction. Sub-benchmarks
// take the database part alone: committing the analysed devices into an
// empty register (first) and into one that holds them already (again,
// the daily case of a ward's capture seen before).
//
//	go test -run='^$' -bench=Ingest -benchtime=3x ./cmd/cordon/
func BenchmarkIngest(b *testing.B) {
	path, devices, observations, packets := benchCapture(b)
	report := func(b *testing.B, withPackets bool) {
		secs := b.Elapsed().Seconds()
		if secs <= 0 {
			return
		}
		n := float64(b.N)
		b.ReportMetric(n*float64(observations)/secs, "obs/s")
		b.ReportMetric(n*float64(devices)/secs, "devices/s")
		if withPackets {
			b.ReportMetric(n*float64(packets)/secs, "packets/s")
		}
	}

	b.Run("cli", func(b *testing.B) {
		ctx := context.Background()
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			st := benchStore(b)
			b.StartTimer()
			c, dup, err := ingestFile(ctx, st, path)
			b.StopTimer()
			if err != nil || dup || c.Status != cordon.CaptureDone || c.Stats.Devices != devices {
				b.Fatalf("ingest: %v (duplicate %v), %+v; want %d devices", err, dup, c, devices)
			}
			// Each iteration's copy of the capture goes at once: a few
			// of them would fill a small disk.
			st.Close()
			os.RemoveAll(st.dir)
			b.StartTimer()
		}
		report(b, true)
	})

	// The database part alone, from one analysis.
	cl, err := classify.New(nil)
	if err != nil {
		b.Fatal(err)
	}
	res, err := analysis.Run(context.Background(), []string{path}, analysis.Options{Classifier: cl})
	if err != nil {
		b.Fatal(err)
	}
	commit := func(b *testing.B, st *store, name string) {
		b.Helper()
		ctx := cordon.NewContextWithUser(context.Background(), &cordon.User{Name: "bench", Role: cordon.RoleAdmin})
		c := &cordon.Capture{Name: name, SHA256: sha256Hex(name), Size: 1}
		if err := st.captures.CreateCapture(ctx, c); err != nil {
			b.Fatal(err)
		}
		if err := st.captures.StartCapture(ctx, c.ID); err != nil {
			b.Fatal(err)
		}
		keys := make([]string, 0, len(res.Devices))
		byKey := make(map[string]*cordon.Device, len(res.Devices))
		for _, d := range res.Devices {
			if k := cordon.DeviceKey(d); k != "" {
				keys = append(keys, k)
				byKey[k] = d
			}
		}
		old, err := st.ingests.ObservedByKeys(ctx, keys)
		if err != nil {
			b.Fatal(err)
		}
		merged := make(map[string]*cordon.Device, len(byKey))
		for k, d := range byKey {
			merged[k] = ingest.Merge(old[k], d, cl)
		}
		stats := cordon.IngestStats{Devices: len(merged), Conversations: len(res.Conversations)}
		if err := st.ingests.CommitIngest(ctx, c.ID, merged, res.Conversations, stats); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("commit/first", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			st := benchStore(b)
			b.StartTimer()
			commit(b, st, "first")
			b.StopTimer()
			st.Close()
			b.StartTimer()
		}
		report(b, false)
	})
	b.Run("commit/again", func(b *testing.B) {
		b.StopTimer()
		st := benchStore(b)
		commit(b, st, "seed")
		b.StartTimer()
		for i := 0; i < b.N; i++ {
			commit(b, st, "again-"+strconv.Itoa(i))
		}
		b.StopTimer()
		st.Close()
		report(b, false)
	})
}

// sha256Hex is the hex SHA-256 of s: a content hash for a capture that
// has no file.
func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// benchStore opens a store in a fresh temporary data directory.
func benchStore(b *testing.B) *store {
	b.Helper()
	st, err := openStore(filepath.Join(b.TempDir(), "data"), slog.New(slog.DiscardHandler), "")
	if err != nil {
		b.Fatal(err)
	}
	return st
}
