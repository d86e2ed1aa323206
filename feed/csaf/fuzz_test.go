package csaf

import (
	"os"
	"reflect"
	"testing"
)

// FuzzParse feeds arbitrary bytes to the document parser, seeded with the
// real excerpt of ICSMA-23-180-01 and the synthetic tree: it must never
// panic, and what it accepts must be consistent.
func FuzzParse(f *testing.F) {
	if b, err := os.ReadFile("testdata/icsma-23-180-01-excerpt.json"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(synthetic))
	f.Add([]byte(`{"document":{"csaf_version":"2.0","title":"t","tracking":{"id":"x","initial_release_date":"2020-01-01T00:00:00Z","current_release_date":"2020-01-01T00:00:00Z"}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParseDocument("fuzz.json", data)
		if err != nil {
			if d != nil {
				t.Fatal("document and error both returned")
			}
			return
		}
		ids := map[string]bool{}
		for _, p := range d.Products {
			ids[p.ID] = true
		}
		for _, s := range d.Advisory.Products {
			if !ids[s.ProductID] {
				t.Fatalf("status for undefined product %q", s.ProductID)
			}
		}
	})
}

// FuzzParseVersions checks that ParseVersions never panics, that a parsed
// range survives a round trip through its vers form, and that Contains
// never panics on the expression itself as a version.
func FuzzParseVersions(f *testing.F) {
	for _, s := range []string{
		"vers:all/*", "vers:generic/>=1.0|<2.3", "<4.2", "<= 2.3.6", ">= 1.0.0  | <= 1.3.1",
		"3.0|3.1", "<= 12.2.x.x", "All versions prior to 7.1", "versions 8.0.1 and prior",
		"Versions 2.0 through 2.5", "VA40 and earlier", "distributed  < april 1, 2018",
		"<= U61 |<= L81", "1.1.3 MR Build 11", "Rev B-M", "2131 and 2141", "v9.x model 35700BAX3",
	} {
		f.Add(s, "1.2")
	}
	f.Fuzz(func(t *testing.T, expr, version string) {
		r, ok := ParseVersions(expr)
		r.Contains(version)
		r.Contains(expr)
		if !ok {
			return
		}
		back, ok := ParseVersions(r.String())
		if !ok || !reflect.DeepEqual(back, r) {
			t.Fatalf("%q: %+v → %q → %+v, %v", expr, r, r.String(), back, ok)
		}
		c1, ok1 := CompareVersions(expr, version)
		c2, ok2 := CompareVersions(version, expr)
		if ok1 != ok2 || c1 != -c2 {
			t.Fatalf("CompareVersions(%q, %q) not antisymmetric", expr, version)
		}
	})
}
