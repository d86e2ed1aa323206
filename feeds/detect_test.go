package feeds

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/ulikunitz/xz"
)

func mustRead(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func xzed(tb testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	w, err := xz.NewWriter(&buf)
	if err != nil {
		tb.Fatal(err)
	}
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func TestDetect(t *testing.T) {
	nvdPage := mustRead(t, "testdata/nvd-ms17-010.json")
	tests := []struct {
		name string
		file string
		data []byte
		want string
	}{
		{"NVDPage", "page.json", nvdPage, cordon.FeedNVD},
		{"NVDPageGzip", "page.json.gz", gz(nvdPage), cordon.FeedNVD},
		{"NVDPageXZ", "page.json.xz", xzed(t, nvdPage), cordon.FeedNVD},
		{"NVDPageTruncatedGzip", "page.json.gz", gz(nvdPage)[:200], cordon.FeedNVD},
		{"NVDRecord", "CVE-2017-0144.json", []byte(`{"id":"CVE-2017-0144","sourceIdentifier":"secure@microsoft.com","published":"2017-03-17T00:59:04.010"}`), cordon.FeedNVD},
		{"NVDWrappedRecord", "r.json", []byte(`{"cve":{"id":"CVE-2017-0144"}}`), cordon.FeedNVD},
		{"NVDBundle", "CVE-2017.json.xz", xzed(t, []byte(`{"timestamp":"2025-01-01T00:00:00","cve_count":1,"feed_name":"CVE-2017","source":"x","cve_items":[]}`)), cordon.FeedNVD},
		{"NVDBOM", "bom.json", append([]byte{0xef, 0xbb, 0xbf}, nvdPage...), cordon.FeedNVD},
		{"KEV", "kev.json", mustRead(t, "testdata/kev.json"), cordon.FeedKEV},
		{"KEVListFirst", "kev.json", []byte(`{"vulnerabilities":[{"cveID":"CVE-2017-0144"}],"catalogVersion":"1"}`), cordon.FeedKEV},
		{"EPSS", "epss.csv", mustRead(t, "testdata/epss.csv"), cordon.FeedEPSS},
		{"EPSSGzip", "epss_scores-current.csv.gz", gz(mustRead(t, "testdata/epss.csv")), cordon.FeedEPSS},
		{"CSAF", "a.json", mustRead(t, "testdata/csaf-example.json"), cordon.FeedCSAF},
		{"CSAFVulnerabilitiesFirst", "a.json", []byte(`{"vulnerabilities":[{"cve":"CVE-2017-0144"}],"document":{}}`), cordon.FeedCSAF},
		{"EndOfLife", "windows.md", mustRead(t, "testdata/windows.md"), cordon.FeedLifecycle},
		{"EndOfLifeLongFrontMatterByName", "windows.md", []byte("---\ntitle: Microsoft Windows\n"), cordon.FeedLifecycle},
		{"DeviceLifecycle", "devices.json", mustRead(t, "testdata/lifecycle-devices.json"), cordon.FeedLifecycle},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			head := tt.data[:min(len(tt.data), sniffSize)]
			got, err := Detect(tt.file, head)
			if err != nil || got != tt.want {
				t.Fatalf("Detect = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestDetectUnknown(t *testing.T) {
	tests := []struct{ name, file, data string }{
		{"HTML", "index.html", "<!DOCTYPE html><html>rate limited</html>"},
		{"Empty", "empty.json", ""},
		{"OtherJSON", "x.json", `{"hello":"world"}`},
		{"FrontMatterNoReleases", "notes.txt", "---\ntitle: x\n---\n"},
		{"CSVWithoutComment", "scores.csv", "cve,epss,percentile\nCVE-2017-0144,0.9,0.9\n"},
		{"BrokenGzip", "x.gz", "\x1f\x8b\x00\x00garbage"},
		{"ListOfNumbers", "x.json", "[1,2,3]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Detect(tt.file, []byte(tt.data))
			if err == nil {
				t.Fatalf("Detect = %q, want an error", got)
			}
			msg := cordon.ErrorMessage(err)
			if cordon.ErrorCode(err) != cordon.EINVALID || !strings.Contains(msg, tt.file) {
				t.Errorf("error %q: want EINVALID naming %s", msg, tt.file)
			}
		})
	}
	_, err := Detect("x.html", []byte("<html>"))
	if msg := cordon.ErrorMessage(err); !strings.Contains(msg, "CSAF 2.0") || !strings.Contains(msg, "EPSS") {
		t.Errorf("error %q does not list the accepted formats", msg)
	}
}

// TestDetectSharedData judges the real files of /work/shared/data.
func TestDetectSharedData(t *testing.T) {
	root := "../../shared/data"
	if _, err := os.Stat(root); err != nil {
		t.Skip("shared data not present")
	}
	globs := map[string]string{
		"nvd/cve/*.json": cordon.FeedNVD,
		"kev/known_exploited_vulnerabilities.json": cordon.FeedKEV,
		"csaf/icsma/*.json":                        cordon.FeedCSAF,
		"endoflife/products/*.md":                  cordon.FeedLifecycle,
	}
	for glob, want := range globs {
		files, _ := filepath.Glob(filepath.Join(root, glob))
		if len(files) == 0 {
			t.Errorf("no files match %s", glob)
		}
		for _, f := range files {
			data := mustRead(t, f)
			got, err := Detect(filepath.Base(f), data[:min(len(data), sniffSize)])
			if err != nil || got != want {
				t.Errorf("%s: Detect = %q, %v; want %q", f, got, err, want)
			}
		}
	}
	// The KEV schema is JSON but not a feed.
	data := mustRead(t, filepath.Join(root, "kev/known_exploited_vulnerabilities_schema.json"))
	if got, err := Detect("schema.json", data); err == nil {
		t.Errorf("the KEV schema detected as %q", got)
	}
}

func FuzzDetect(f *testing.F) {
	for _, p := range []string{"nvd-ms17-010.json", "kev.json", "epss.csv", "csaf-example.json", "windows.md", "lifecycle-devices.json"} {
		f.Add("x", mustRead(f, "testdata/"+p))
	}
	f.Add("x.gz", gz([]byte(`{"cve":{}}`)))
	f.Add("x.md", []byte("---\n"))
	f.Add("x", []byte(`{"vulnerabilities":[{"cve":[`))
	f.Fuzz(func(t *testing.T, name string, head []byte) {
		src, err := Detect(name, head)
		if err == nil {
			ok := false
			for _, s := range cordon.FeedSources {
				ok = ok || s == src
			}
			if !ok {
				t.Fatalf("Detect returned unknown source %q", src)
			}
		} else if cordon.ErrorCode(err) != cordon.EINVALID || src != "" {
			t.Fatalf("Detect error %v with source %q", err, src)
		}
	})
}
