package cpe

import "testing"

// FuzzParse checks that Parse never panics and that what it accepts
// formats back to a string it parses to the same name.
func FuzzParse(f *testing.F) {
	// Criteria from NVD records under shared/data/nvd/cve.
	for _, s := range []string{
		"cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*",               // CVE-2017-0144
		"cpe:2.3:o:microsoft:windows_10_1607:-:*:*:*:*:*:x64:*",         // CVE-2017-0144
		`cpe:2.3:o:ricon:s9922l_firmware:16.10.3\(3794\):*:*:*:*:*:*:*`, // CVE-2014-0160
		"cpe:2.3:a:nodejs:node.js:*:*:*:*:lts:*:*:*",                    // CVE-2016-2183
		"cpe:2.3:a:microsoft:*:8.*:*:*:*:*:*:*:*",
		`cpe:2.3:a:v:p:\-:*:*:*:*:*:*:\\`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			return
		}
		m, err := Parse(n.String())
		if err != nil {
			t.Fatalf("Parse(%q) ok but Parse(String()=%q): %v", s, n.String(), err)
		}
		if m != n {
			t.Fatalf("round trip changed %#v to %#v", n, m)
		}
		_ = Match(n, m)
		_ = Unescape(n.Version)
	})
}

// FuzzCompare checks that Compare is a total order on the sampled triple:
// reflexive, antisymmetric and transitive, and that Coarser does not panic.
func FuzzCompare(f *testing.F) {
	f.Add("1.0.1", "1.0.1g", "1.0.2")
	f.Add("7.4", "7.4p1", "7.5")
	f.Add("15.2(4)e7", "15.2(4)e10", "15.2(5)e1")
	f.Add("1.0rc1", "1.0", "1.0a")
	f.Add("10.0.19045", "10.0.19045.4291", "va10")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		if Compare(a, a) != 0 {
			t.Fatalf("Compare(%q, %q) != 0", a, a)
		}
		ab, ba := Compare(a, b), Compare(b, a)
		if ab != -ba {
			t.Fatalf("Compare(%q, %q) = %d but Compare(%q, %q) = %d", a, b, ab, b, a, ba)
		}
		bc, ac := Compare(b, c), Compare(a, c)
		if ab <= 0 && bc <= 0 && ac > 0 {
			t.Fatalf("%q <= %q <= %q but Compare(a, c) = %d", a, b, c, ac)
		}
		if ab >= 0 && bc >= 0 && ac < 0 {
			t.Fatalf("%q >= %q >= %q but Compare(a, c) = %d", a, b, c, ac)
		}
		_ = Coarser(a, b)
	})
}
