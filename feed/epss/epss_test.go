package epss

import (
	"bytes"
	"compress/gzip"
	"io"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon/feed/epss/epssgen"
)

// sample is a score file in the published layout (comment line, header,
// rows of five decimals). EPSS data is not available offline, so the
// values are illustrative, not FIRST's.
const sample = "#model_version:v2025.03.14,score_date:2025-08-25T00:00:00+0000\n" +
	"cve,epss,percentile\n" +
	"CVE-1999-0001,0.01025,0.76780\n" +
	"CVE-2017-0144,0.94370,0.99960\n" +
	"CVE-2021-1234567,0.00043,0.12000\n"

func TestReader(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   []byte
	}{
		{"Plain", []byte(sample)},
		{"CRLF", []byte(strings.ReplaceAll(sample, "\n", "\r\n"))},
		{"NoFinalNewline", []byte(strings.TrimSuffix(sample, "\n"))},
		{"Gzip", gz(t, []byte(sample))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h, scores, err := ReadAll(bytes.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			date := time.Date(2025, 8, 25, 0, 0, 0, 0, time.UTC)
			if h.Model != "v2025.03.14" || !h.Date.Equal(date) {
				t.Errorf("header %+v", h)
			}
			if len(scores) != 3 {
				t.Fatalf("%d scores, want 3", len(scores))
			}
			eb := scores["CVE-2017-0144"]
			if eb.Score != 0.9437 || eb.Percentile != 0.9996 || eb.Model != "v2025.03.14" || !eb.Date.Equal(date) {
				t.Errorf("CVE-2017-0144 = %+v", eb)
			}
			if _, ok := scores["CVE-2021-1234567"]; !ok {
				t.Error("seven-digit CVE id missing")
			}
		})
	}
}

func TestReaderErrors(t *testing.T) {
	const head = "#model_version:v2025.03.14,score_date:2025-08-25T00:00:00+0000\ncve,epss,percentile\n"
	tests := []struct {
		name, in, want string
	}{
		{"Empty", "", "epss: missing the #model_version comment line"},
		{"NoComment", "cve,epss,percentile\nCVE-1999-0001,0.1,0.2\n", `epss: line 1: first line "cve,epss,percentile" is not the #model_version comment`},
		{"NoModel", "#score_date:2025-08-25T00:00:00+0000\n", "epss: line 1: comment lacks model_version"},
		{"NoDate", "#model_version:v2025.03.14\n", "epss: line 1: comment lacks score_date"},
		{"BadDate", "#model_version:v1,score_date:25/08/2025\n", `score_date "25/08/2025" is not a date`},
		{"NoHeader", "#model_version:v1,score_date:2025-08-25\n", "missing the cve,epss,percentile header"},
		{"BadHeader", "#model_version:v1,score_date:2025-08-25\ncve,score\n", `epss: line 2: header is "cve,score"`},
		{"TwoFields", head + "CVE-1999-0001,0.1\n", `epss: line 3: row "CVE-1999-0001,0.1" has 2 fields, want 3`},
		{"FourFields", head + "CVE-1999-0001,0.1,0.2,0.3\n", "epss: line 3: row \"CVE-1999-0001,0.1,0.2,0.3\" has more than 3 fields"},
		{"BadCVE", head + "CVE-99-0001,0.1,0.2\n", `epss: line 3: "CVE-99-0001" is not a CVE id`},
		{"ScoreAboveOne", head + "CVE-1999-0001,1.2,0.2\n", `epss: line 3: CVE-1999-0001: epss "1.2" is not a number between 0 and 1`},
		{"PercentileNaN", head + "CVE-1999-0001,0.1,NaN\n", `percentile "NaN" is not a number`},
		{"EmptyLine", head + "CVE-1999-0001,0.1,0.2\n\nCVE-1999-0002,0.1,0.2\n", "epss: line 4: empty line"},
		{"Duplicate", head + "CVE-1999-0001,0.1,0.2\nCVE-1999-0001,0.1,0.2\n", "epss: line 4: CVE-1999-0001 listed twice"},
		{"LongLine", head + strings.Repeat("x", 5000) + "\n", "epss: line 3: line longer than 4096 bytes"},
		{"BadGzip", "\x1f\x8b\x08\x00", "epss: gzip"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ReadAll(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

// TestTruncatedGzip checks a download cut short fails rather than yielding
// a partial set of scores.
func TestTruncatedGzip(t *testing.T) {
	var buf bytes.Buffer
	if err := epssgen.Write(&buf, epssgen.Options{N: 5000, Gzip: true}); err != nil {
		t.Fatal(err)
	}
	cut := buf.Bytes()[:buf.Len()-100]
	if _, _, err := ReadAll(bytes.NewReader(cut)); err == nil {
		t.Fatal("truncated gzip file accepted")
	}
}

// TestGenerated reads the synthetic generator's output back and checks the
// properties it promises: the exact format, skewed scores and percentiles
// consistent with the scores.
func TestGenerated(t *testing.T) {
	for _, zip := range []bool{false, true} {
		var buf bytes.Buffer
		const n = 20000
		if err := epssgen.Write(&buf, epssgen.Options{N: n, Seed: 7, Gzip: zip}); err != nil {
			t.Fatal(err)
		}
		if !zip && !bytes.HasPrefix(buf.Bytes(), []byte("#model_version:v2025.03.14,score_date:2025-08-25T00:00:00+0000\ncve,epss,percentile\nCVE-1999-")) {
			t.Fatalf("unexpected start %q", buf.Bytes()[:100])
		}
		h, scores, err := ReadAll(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if len(scores) != n || h.Model != "v2025.03.14" {
			t.Fatalf("%d scores, header %+v", len(scores), h)
		}
		type row struct{ s, p float64 }
		rows := make([]row, 0, n)
		high := 0
		for _, s := range scores {
			rows = append(rows, row{s.Score, s.Percentile})
			if s.Score > 0.1 {
				high++
			}
		}
		sort.Slice(rows, func(i, j int) bool { return rows[i].s < rows[j].s })
		for i := 1; i < len(rows); i++ {
			if rows[i].p < rows[i-1].p {
				t.Fatalf("percentile falls from %v to %v as score rises to %v", rows[i-1].p, rows[i].p, rows[i].s)
			}
		}
		if med := rows[n/2].s; med > 0.001 {
			t.Errorf("median score %v, want most scores tiny", med)
		}
		if share := float64(high) / n; share < 0.01 || share > 0.1 {
			t.Errorf("share above 0.1 is %v, want a few percent", share)
		}
		if top := rows[n-1]; top.p != 1 {
			t.Errorf("top percentile %v, want 1", top.p)
		}
	}
}

func TestGeneratedDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	epssgen.Write(&a, epssgen.Options{N: 1000, Seed: 1})
	epssgen.Write(&b, epssgen.Options{N: 1000, Seed: 1})
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("same seed gave different files")
	}
}

func gz(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkReader reads a synthetic file the size of the real one.
func BenchmarkReader(b *testing.B) {
	var buf bytes.Buffer
	if err := epssgen.Write(&buf, epssgen.Options{N: 300000}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		rd, err := NewReader(bytes.NewReader(buf.Bytes()))
		if err != nil {
			b.Fatal(err)
		}
		for {
			_, _, err := rd.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

func FuzzReader(f *testing.F) {
	f.Add([]byte(sample))
	f.Add(gz(f, []byte(sample)))
	var small bytes.Buffer
	epssgen.Write(&small, epssgen.Options{N: 20})
	f.Add(small.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		rd, err := NewReader(bytes.NewReader(data))
		if err != nil {
			return
		}
		for range 10000 {
			id, s, err := rd.Next()
			if err != nil {
				break
			}
			if s.Score < 0 || s.Score > 1 || s.Percentile < 0 || s.Percentile > 1 || !strings.HasPrefix(id, "CVE-") {
				t.Fatalf("accepted bad row %q %+v", id, s)
			}
		}
	})
}
