package feeds

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
)

// onlyReader hides Seek, as an HTTP body does.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func TestImport(t *testing.T) {
	tests := []struct {
		file    string
		source  string
		records int
	}{
		{"nvd-ms17-010.json", cordon.FeedNVD, 1},
		{"kev.json", cordon.FeedKEV, 2},
		{"epss.csv", cordon.FeedEPSS, 3},
		{"csaf-example.json", cordon.FeedCSAF, 1},
		{"windows.md", cordon.FeedLifecycle, 2},
		{"lifecycle-devices.json", cordon.FeedLifecycle, 1},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			svc := newFakeIntel()
			data := mustRead(t, "testdata/"+tt.file)
			imp, err := Import(ctx, svc, tt.file, bytes.NewReader(data), "cli")
			if err != nil {
				t.Fatal(err)
			}
			if imp.Source != tt.source || imp.Records != tt.records || imp.ID == 0 || len(imp.SHA256) != 64 || imp.By != "cli" {
				t.Errorf("import = %+v; want source %s, %d records", imp, tt.source, tt.records)
			}
			// The same bytes again, compressed or not read from a seeker,
			// are recognised; compressed bytes are other bytes.
			again, err := Import(ctx, svc, "again-"+tt.file, onlyReader{bytes.NewReader(data)}, "cli")
			if !errors.Is(err, ErrAlreadyImported) || cordon.ErrorCode(err) != cordon.ECONFLICT {
				t.Fatalf("re-import: %v; want ErrAlreadyImported and ECONFLICT", err)
			}
			if again == nil || again.ID != imp.ID || again.Name != tt.file {
				t.Errorf("re-import returned %+v, want the earlier import %d", again, imp.ID)
			}
			zipped, err := Import(ctx, svc, tt.file+".gz", onlyReader{bytes.NewReader(gz(data))}, "cli")
			if err != nil || zipped.Records != tt.records || zipped.SHA256 == imp.SHA256 {
				t.Errorf("gzip import = %+v, %v", zipped, err)
			}
		})
	}
}

func TestImportContent(t *testing.T) {
	ctx := context.Background()
	svc := newFakeIntel()
	for _, f := range []string{"nvd-ms17-010.json", "kev.json", "epss.csv", "csaf-example.json", "windows.md"} {
		if _, err := Import(ctx, svc, f, bytes.NewReader(mustRead(t, "testdata/"+f)), "cli"); err != nil {
			t.Fatal(err)
		}
	}
	v := svc.vulns["CVE-2017-0144"]
	if v == nil || len(v.Configurations) != 2 || v.CVSS[0].BaseScore != 8.8 {
		t.Fatalf("CVE-2017-0144 = %+v", v)
	}
	if k := svc.kev["CVE-2017-0144"]; !k.Ransomware || k.DueDate.Format("2006-01-02") != "2022-08-10" {
		t.Errorf("KEV entry = %+v", k)
	}
	if s := svc.epss["CVE-2019-0708"]; s.Score != 0.94454 || s.Model != "v2025.03.14" {
		t.Errorf("EPSS = %+v", s)
	}
	if a := svc.advs["EM-2025-001"]; a == nil || len(a.CVEs) != 1 {
		t.Errorf("advisory = %+v", a)
	}
	if l := svc.lcs["windows/7-sp1"]; l.EndOfLife.Format("2006-01-02") != "2020-01-14" || l.Source != "https://endoflife.date/windows" {
		t.Errorf("lifecycle = %+v", l)
	}
}

// TestImportMalformedKeepsNothing breaks the last record of a file: the
// earlier records must not be kept.
func TestImportMalformedKeepsNothing(t *testing.T) {
	page := string(mustRead(t, "testdata/nvd-ms17-010.json"))
	second := strings.Replace(page, `"CVE-2017-0144"`, `"CVE-2017-0145"`, 1)
	second = strings.Replace(second, `"baseScore": 8.8`, `"baseScore": 18.8`, 1)
	rec := func(p string) string {
		i := strings.Index(p, `{"cve":`)
		j := strings.LastIndex(p, "]")
		return p[i:j]
	}
	two := strings.Replace(page, rec(page), rec(page)+","+rec(second), 1)
	two = strings.Replace(two, `"totalResults": 1`, `"totalResults": 2`, 1)
	tests := []struct {
		name, file, data, want string
	}{
		{"NVDLastRecord", "two.json", two, "CVE-2017-0145"},
		{"NVDTruncated", "cut.json", page[:len(page)-20], "cut.json"},
		{"KEVCount", "kev.json", strings.Replace(string(mustRead(t, "testdata/kev.json")), `"count": 2`, `"count": 3`, 1), "count"},
		{"EPSSLastRow", "epss.csv", string(mustRead(t, "testdata/epss.csv")) + "CVE-2024-1,2.5,0.1\n", "line 6"},
		{"CSAF", "a.json", strings.Replace(string(mustRead(t, "testdata/csaf-example.json")), `"CVE-2017-0144"`, `"CVE-17"`, 1), "vulnerabilities"},
		{"EndOfLife", "windows.md", strings.Replace(string(mustRead(t, "testdata/windows.md")), "eol: 2020-01-14", "eol: 2020-13-45", 1), "line 11"},
		{"Devices", "devices.json", strings.Replace(string(mustRead(t, "testdata/lifecycle-devices.json")), `"source"`, `"sauce"`, 1), "devices.json"},
		{"GzipCorrupt", "page.json.gz", string(gz([]byte(page))[:60]), "page.json.gz"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc := newFakeIntel()
			imp, err := Import(context.Background(), svc, tt.file, strings.NewReader(tt.data), "cli")
			if err == nil {
				t.Fatalf("import = %+v, want an error", imp)
			}
			msg := cordon.ErrorMessage(err)
			if cordon.ErrorCode(err) != cordon.EINVALID || !strings.Contains(msg, tt.file) || !strings.Contains(msg, tt.want) {
				t.Errorf("error %v (%s): want EINVALID naming %s and %q", err, msg, tt.file, tt.want)
			}
			if len(svc.vulns)+len(svc.kev)+len(svc.epss)+len(svc.advs)+len(svc.lcs)+len(svc.imports) != 0 {
				t.Errorf("something was kept: %d vulns, %d kev, %d epss, %d advisories, %d lifecycles, %d imports",
					len(svc.vulns), len(svc.kev), len(svc.epss), len(svc.advs), len(svc.lcs), len(svc.imports))
			}
		})
	}
}

// changingFile changes its content between the hashing pass and the
// import pass.
type changingFile struct {
	*bytes.Reader
	seeks int
	other []byte
}

func (c *changingFile) Seek(off int64, whence int) (int64, error) {
	if whence == io.SeekStart {
		if c.seeks++; c.seeks == 2 {
			c.Reader = bytes.NewReader(c.other)
		}
	}
	return c.Reader.Seek(off, whence)
}

func TestImportFileChanged(t *testing.T) {
	data := mustRead(t, "testdata/epss.csv")
	other := bytes.Replace(data, []byte("0.94358"), []byte("0.12345"), 1)
	svc := newFakeIntel()
	_, err := Import(context.Background(), svc, "epss.csv", &changingFile{Reader: bytes.NewReader(data), other: other}, "cli")
	if err == nil || !strings.Contains(cordon.ErrorMessage(err), "changed") {
		t.Fatalf("err = %v, want the file reported as changed", err)
	}
	if len(svc.epss) != 0 {
		t.Errorf("%d scores kept", len(svc.epss))
	}
}

func TestImportPaths(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "b-csaf")
	hidden := filepath.Join(dir, ".git")
	for _, d := range []string{sub, hidden} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(path string, data []byte) {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "a-kev.json"), mustRead(t, "testdata/kev.json"))
	write(filepath.Join(dir, "c-broken.json"), []byte(`{"catalogVersion":"x"`))
	write(filepath.Join(dir, "d-epss.csv.gz"), gz(mustRead(t, "testdata/epss.csv")))
	write(filepath.Join(sub, "em-2025-001.json"), mustRead(t, "testdata/csaf-example.json"))
	write(filepath.Join(sub, "em-2025-001.json.sha512"), []byte("0123 em-2025-001.json\n"))
	write(filepath.Join(hidden, "config"), []byte("[core]\n"))
	write(filepath.Join(dir, "README.md"), []byte("# Feeds\n"))

	svc := newFakeIntel()
	var got []string
	var failed []string
	each := func(r Result) {
		got = append(got, filepath.Base(r.Name))
		if r.Err != nil {
			failed = append(failed, cordon.ErrorMessage(r.Err))
		}
	}
	missing := filepath.Join(dir, "missing.json")
	if err := ImportPaths(context.Background(), svc, []string{dir, missing}, "cli", each); err != nil {
		t.Fatal(err)
	}
	want := "a-kev.json em-2025-001.json c-broken.json d-epss.csv.gz missing.json"
	if strings.Join(got, " ") != want {
		t.Errorf("imported %v, want %s", got, want)
	}
	if len(failed) != 2 || !strings.Contains(failed[0], "c-broken.json") || !strings.Contains(failed[1], "missing.json") {
		t.Errorf("failures %q", failed)
	}
	if len(svc.imports) != 3 {
		t.Errorf("%d imports recorded, want 3", len(svc.imports))
	}
	var unchanged int
	ImportPaths(context.Background(), svc, []string{dir}, "cli", func(r Result) {
		if r.Unchanged {
			unchanged++
		}
	})
	if unchanged != 3 {
		t.Errorf("second run: %d unchanged, want 3", unchanged)
	}
}

func TestProductName(t *testing.T) {
	for in, want := range map[string]string{
		"windows.md": "windows", "/data/eol/windows-server.md.gz": "windows-server",
		"https://raw.githubusercontent.com/endoflife-date/endoflife.date/master/products/rhel.md?x=1": "rhel",
	} {
		if got := productName(in); got != want {
			t.Errorf("productName(%q) = %q, want %q", in, got, want)
		}
	}
}
