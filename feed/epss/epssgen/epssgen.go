// Package epssgen writes SYNTHETIC EPSS score files in the exact format FIRST
// publishes (a #model_version/score_date comment, the cve,epss,percentile
// header, then one row per CVE with five decimals), for tests and
// benchmarks. EPSS is not available offline, so none of its numbers are
// real: CVE ids are made up year by year and scores are drawn at random.
//
// The shape imitates the real distribution: most scores are tiny (the
// median is a few hundredths of a percent), a few percent are above 0.1 and
// a handful approach 1. Percentiles are computed from the generated scores
// as FIRST defines them (the share of CVEs scoring the same or lower), so
// they are consistent with the scores: a higher score never has a lower
// percentile. Output is deterministic for a given Options.
package epssgen

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"
)

// Options says what to generate.
type Options struct {
	N     int       // number of CVE rows; 300 000 is about the size of the real file
	Seed  uint64    // random seed; the same seed gives the same file
	Model string    // model_version; "" means "v2025.03.14"
	Date  time.Time // score_date; zero means 2025-08-25
	Gzip  bool      // compress the output, as FIRST publishes it
}

// Write writes one synthetic score file to w.
func Write(w io.Writer, o Options) error {
	if o.N < 0 {
		return fmt.Errorf("epssgen: negative row count %d", o.N)
	}
	if o.Model == "" {
		o.Model = "v2025.03.14"
	}
	if o.Date.IsZero() {
		o.Date = time.Date(2025, 8, 25, 0, 0, 0, 0, time.UTC)
	}
	var gz *gzip.Writer
	if o.Gzip {
		gz = gzip.NewWriter(w)
		w = gz
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	fmt.Fprintf(bw, "#model_version:%s,score_date:%s\n", o.Model, o.Date.UTC().Format("2006-01-02T15:04:05-0700"))
	bw.WriteString("cve,epss,percentile\n")

	rng := rand.New(rand.NewPCG(o.Seed, 0x45505353)) // "EPSS"
	scores := make([]int32, o.N)                     // in units of 1e-5, as printed
	for i := range scores {
		scores[i] = draw(rng)
	}
	// percentile of a score = share of all scores <= it; computed on the
	// rounded values written, so ties get the same percentile.
	sorted := slices.Clone(scores)
	slices.Sort(sorted)

	ids := cveIDs(o.N, rng)
	buf := make([]byte, 0, 64)
	for i, s := range scores {
		le, _ := slices.BinarySearch(sorted, s+1) // count of scores <= s
		pct := int64(math.Round(float64(le) / float64(o.N) * 1e5))
		buf = append(buf[:0], ids[i]...)
		buf = append(buf, ',')
		buf = appendFixed5(buf, int64(s))
		buf = append(buf, ',')
		buf = appendFixed5(buf, pct)
		buf = append(buf, '\n')
		if _, err := bw.Write(buf); err != nil {
			return fmt.Errorf("epssgen: write: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("epssgen: write: %w", err)
	}
	if gz != nil {
		if err := gz.Close(); err != nil {
			return fmt.Errorf("epssgen: gzip: %w", err)
		}
	}
	return nil
}

// draw returns one score in units of 1e-5. About 96% come from a
// log-scale spread skewed towards the 0.0001 floor; the rest are the
// exploited-looking tail between 0.1 and 0.945.
func draw(rng *rand.Rand) int32 {
	var s float64
	if rng.Float64() < 0.96 {
		u := rng.Float64()
		s = math.Pow(10, -4.3+2.8*u*u) // 0.00005 … 0.03, median ≈ 0.00025
	} else {
		u := rng.Float64()
		s = 0.1 + 0.845*u*u*u // most of the tail stays near 0.1
	}
	v := int32(math.Round(s * 1e5))
	return max(v, 4)
}

// appendFixed5 appends v/1e5 with five decimals, "0.00043".
func appendFixed5(b []byte, v int64) []byte {
	b = strconv.AppendInt(b, v/100000, 10)
	b = append(b, '.')
	frac := strconv.FormatInt(v%100000, 10)
	for i := len(frac); i < 5; i++ {
		b = append(b, '0')
	}
	return append(b, frac...)
}

// cveIDs makes n ascending CVE ids spread over 1999-2025, with more in
// later years as in the real NVD, numbered with gaps.
func cveIDs(n int, rng *rand.Rand) []string {
	const first, last = 1999, 2025
	weights := make([]float64, last-first+1)
	total := 0.0
	for i := range weights {
		weights[i] = math.Pow(1.15, float64(i)) // ~1.5k in 1999 … ~40k in 2025 at 300k rows
		total += weights[i]
	}
	ids := make([]string, 0, n)
	for i, w := range weights {
		count := int(float64(n) * w / total)
		if i == len(weights)-1 {
			count = n - len(ids)
		}
		num := 1
		for range count {
			num += 1 + rng.IntN(3)
			ids = append(ids, fmt.Sprintf("CVE-%d-%04d", first+i, num))
		}
	}
	return ids
}
