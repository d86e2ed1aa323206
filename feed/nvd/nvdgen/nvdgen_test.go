package nvdgen

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/feed/nvd"
)

// TestGenerate checks that generated data imports and has the variety the
// matcher and the benchmarks need.
func TestGenerate(t *testing.T) {
	var b bytes.Buffer
	if err := Generate(&b, 3000, 7); err != nil {
		t.Fatal(err)
	}
	var (
		platformAND, ranges, kev, firmware int
		versions                           = map[string]int{}
		ids                                = map[string]bool{}
	)
	st, err := nvd.Decode(&b, "generated.json", func(v *cordon.Vulnerability) error {
		if ids[v.ID] {
			t.Errorf("duplicate id %s", v.ID)
		}
		ids[v.ID] = true
		for _, c := range v.CVSS {
			versions[c.Version]++
		}
		if v.KEV != nil {
			kev++
		}
		for _, c := range v.Configurations {
			for _, n := range c.Nodes {
				for _, m := range n.CPEMatch {
					if c.Operator == "AND" && !m.Vulnerable && strings.HasPrefix(m.Criteria, "cpe:2.3:o:") {
						platformAND++
					}
					if m.VersionEndExcluding != "" || m.VersionEndIncluding != "" {
						ranges++
					}
					if strings.Contains(m.Criteria, "_firmware:") {
						firmware++
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if st.Records != 3000 || st.Declared != 3000 || st.Format != nvd.FormatAPI {
		t.Errorf("stats %+v", st)
	}
	if st.Rejected == 0 || platformAND == 0 || ranges == 0 || kev == 0 || firmware == 0 {
		t.Errorf("missing variety: rejected %d, platform criteria %d, ranges %d, KEV %d, firmware %d", st.Rejected, platformAND, ranges, kev, firmware)
	}
	for _, v := range []string{"2.0", "3.0", "3.1", "4.0"} {
		if versions[v] == 0 {
			t.Errorf("no CVSS %s score in %v", v, versions)
		}
	}
}

func TestGenerate_Deterministic(t *testing.T) {
	var a, b, c bytes.Buffer
	for _, x := range []struct {
		w    *bytes.Buffer
		seed int64
	}{{&a, 1}, {&b, 1}, {&c, 2}} {
		if err := Generate(x.w, 50, x.seed); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("same seed, different output")
	}
	if bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Error("different seeds, same output")
	}
}

// TestGenerate_SharedProducts draws products from the NVD CPE dictionary
// extract in shared/data/cpe, escapes included, when it is present.
func TestGenerate_SharedProducts(t *testing.T) {
	products := sharedProducts(t)
	if len(products) < 60000 {
		t.Errorf("%d products loaded", len(products))
	}
	var b bytes.Buffer
	if err := (Generator{Products: products}).Generate(&b, 2000, 3); err != nil {
		t.Fatal(err)
	}
	if _, err := nvd.Decode(&b, "generated.json", func(*cordon.Vulnerability) error { return nil }); err != nil {
		t.Fatal(err)
	}
}

func TestLoadProducts(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Product
		err  bool
	}{
		{"OK", "\"vendor\",\"product\"\n\"bd\",\"alaris_8015_pc_unit\"\n\"1c\",\"1c\\:enterprise\"\n", []Product{{"bd", "alaris_8015_pc_unit"}, {"1c", `1c\:enterprise`}}, false},
		{"SkipsUnescapedColon", "\"a\",\"b:c\"\n\"x\",\"y\"\n", []Product{{"x", "y"}}, false},
		{"ErrNone", "\"vendor\",\"product\"\n", nil, true},
		{"SkipsOtherFieldCounts", "\"a\",\"b\",\"c\"\n\"x\",\"y\"\nunquoted,pair\n", []Product{{"x", "y"}, {"unquoted", "pair"}}, false},
		{"SkipsEscapedQuotes", "\"k\",\"noble_sticker_\\\\\"free\\\\\"\"\n\"x\",\"y\"\n", []Product{{"x", "y"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LoadProducts(strings.NewReader(tt.in))
			if (err != nil) != tt.err {
				t.Fatalf("error %v, want error %v", err, tt.err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("got %v, want %v", got, tt.want)
				}
			}
		})
	}
}

// sharedProducts loads shared/data/cpe/tiiuae-cpedict-cpes.csv, found from
// the repository root (the directory holding go.mod), or skips.
func sharedProducts(tb testing.TB) []Product {
	tb.Helper()
	dir, _ := os.Getwd()
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		if filepath.Dir(dir) == dir {
			tb.Skip("no go.mod above the test directory")
		}
		dir = filepath.Dir(dir)
	}
	f, err := os.Open(filepath.Join(filepath.Dir(dir), "shared", "data", "cpe", "tiiuae-cpedict-cpes.csv"))
	if err != nil {
		tb.Skipf("shared CPE products not present: %v", err)
	}
	defer f.Close()
	products, err := LoadProducts(f)
	if err != nil {
		tb.Fatal(err)
	}
	return products
}
