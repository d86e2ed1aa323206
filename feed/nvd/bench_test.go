package nvd

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/feed/nvd/nvdgen"
)

// BenchmarkDecode imports generated API 2.0 bundles from disk, the NVD's
// full size (300,000 records, about 0.9 GB of JSON) among them, and reports
// records per second and the peak heap sampled during the import. The
// generated file is written before the timer starts. Run it alone:
//
//	go test -run '^$' -bench BenchmarkDecode -benchtime 1x ./feed/nvd/
func BenchmarkDecode(b *testing.B) {
	for _, n := range []int{10_000, 300_000} {
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
			info, _ := os.Stat(path)
			b.SetBytes(info.Size())
			runtime.GC()
			var ms runtime.MemStats
			var peak uint64
			sample := func() {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
			b.ResetTimer()
			for range b.N {
				f, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				count := 0
				st, err := Decode(bufio.NewReaderSize(f, 1<<20), path, func(*cordon.Vulnerability) error {
					// ReadMemStats stops the world; sampling every 5,000
					// records keeps its cost out of the result.
					if count++; count%5000 == 0 {
						sample()
					}
					return nil
				})
				f.Close()
				if err != nil {
					b.Fatal(err)
				}
				if st.Records != n {
					b.Fatalf("%d records, want %d", st.Records, n)
				}
			}
			sample()
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		})
	}
}
