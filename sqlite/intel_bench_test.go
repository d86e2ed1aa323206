package sqlite_test

import (
	"bufio"
	"context"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/feed/nvd"
	"github.com/cordonsec/cordon/feed/nvd/nvdgen"
	"github.com/cordonsec/cordon/sqlite"
	"github.com/cordonsec/cordon/storetest"
)

var nvdRecords = flag.Int("nvd-records", 20_000, "records BenchmarkImportNVD imports (NVD holds about 300,000)")

// BenchmarkImportNVD decodes a generated NVD API 2.0 file of -nvd-records
// records and streams it through PutVulnerability in one import, the way
// `cordon feeds` loads NVD. It reports records per second and the peak Go
// heap sampled during the import (process RSS: run under /usr/bin/time -v).
// The file is generated before the timer starts; each iteration imports
// into a new database:
//
//	go test -run '^$' -bench BenchmarkImportNVD -benchtime 1x ./sqlite/ -args -nvd-records 300000
func BenchmarkImportNVD(b *testing.B) {
	n := *nvdRecords
	b.Run(strconv.Itoa(n), func(b *testing.B) {
		path := filepath.Join(b.TempDir(), "nvd.json")
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		if err := nvdgen.Generate(f, n, 1); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
		var ms runtime.MemStats
		var peak uint64
		b.ResetTimer()
		for i := range b.N {
			b.StopTimer()
			db, err := sqlite.Open(filepath.Join(b.TempDir(), "cordon.db"))
			if err != nil {
				b.Fatal(err)
			}
			intel := sqlite.NewIntelService(db)
			in, err := os.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			runtime.GC()
			b.StartTimer()
			imp := &cordon.FeedImport{Source: cordon.FeedNVD, Name: "nvd.json", SHA256: storetest.Hash("nvd" + strconv.Itoa(i))}
			count := 0
			err = intel.ImportFeed(context.Background(), imp, func(w cordon.FeedWriter) error {
				_, err := nvd.Decode(bufio.NewReaderSize(in, 1<<20), path, func(v *cordon.Vulnerability) error {
					// ReadMemStats stops the world: sample every 5,000.
					if count++; count%5000 == 0 {
						runtime.ReadMemStats(&ms)
						peak = max(peak, ms.HeapInuse)
					}
					return w.PutVulnerability(v)
				})
				return err
			})
			b.StopTimer()
			in.Close()
			if err != nil {
				b.Fatal(err)
			}
			if imp.Changed != n {
				b.Fatalf("Changed = %d, want %d", imp.Changed, n)
			}
			if err := db.Close(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	})
}
