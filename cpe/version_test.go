package cpe

import (
	"sort"
	"testing"
)

func TestCompare(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want int
	}{
		{"Equal", "2.4.41", "2.4.41", 0},
		{"Numeric", "2.4.9", "2.4.41", -1},
		{"LeadingZeros", "9.6.6-068", "9.6.6-68", 0},
		{"TrailingZero", "1.0", "1.0.0", 0},
		{"ShorterIsEarlier", "1.0", "1.0.1", -1},
		{"LetterSuffix", "1.0a", "1.0b", -1},
		{"LetterAfterRelease", "1.0.1", "1.0.1a", -1},
		// NVD CVE-2014-0160 (Heartbleed): 1.0.1 <= v < 1.0.1g.
		{"HeartbleedInside", "1.0.1f", "1.0.1g", -1},
		{"LetterBeforeNextNumber", "1.0.1g", "1.0.2", -1},
		{"OpenSSHPortable", "7.4", "7.4p1", -1},
		{"OpenSSHPatch", "7.4p1", "7.4p2", -1},
		{"OpenSSHPatchNumeric", "7.4p2", "7.4p10", -1},
		{"OpenSSHNextMinor", "7.4p1", "7.5", -1},
		{"Apache", "2.4.41", "2.4.41p1", -1},
		{"ReleaseCandidate", "1.0rc1", "1.0", -1},
		{"DashReleaseCandidate", "1.0-rc1", "1.0", -1},
		{"BetaBeforeRC", "1.0beta2", "1.0rc1", -1},
		{"AlphaBeforeBeta", "2.0alpha", "2.0beta", -1},
		{"RCBeforePatchLetter", "1.0rc1", "1.0a", -1},
		{"WindowsBuild", "6.1.7600", "6.1.7601", -1},
		{"WindowsRevision", "10.0.19045.4170", "10.0.19045.4291", -1},
		{"WindowsRevisionWidth", "10.0.19045.999", "10.0.19045.4291", -1},
		{"CiscoRebuild", "15.2(4)e7", "15.2(4)e10", -1},
		{"CiscoRelease", "15.2(4)e10", "15.2(5)e1", -1},
		{"CiscoBase", "15.2(4)", "15.2(4)e7", -1},
		{"CiscoCase", "15.2(4)E7", "15.2(4)e7", 0},
		// NVD CVE-2017-0144: Siemens ACUSON SC2000 4.0 <= v < 4.0e.
		{"SiemensLetter", "4.0d", "4.0e", -1},
		{"SiemensVA", "va10", "vb10", -1},
		{"SiemensVANumber", "va9", "va10", -1},
		{"LetterStartBelowNumber", "va10", "0", -1},
		{"HugeNumber", "1.99999999999999999999999", "1.100000000000000000000000", -1},
		{"Empty", "", "0", 0},
		{"Separators", "1_2+3~4", "1.2.3.4", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Compare(tt.a, tt.b); got != tt.want {
				t.Fatalf("Compare(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
			if got := Compare(tt.b, tt.a); got != -tt.want {
				t.Fatalf("Compare(%q, %q) = %d, want %d", tt.b, tt.a, got, -tt.want)
			}
		})
	}
}

func TestCompareSorts(t *testing.T) {
	want := []string{"va10", "0.9", "1.0alpha", "1.0beta", "1.0rc1", "1.0", "1.0.1", "1.0.1a", "1.0.1g", "1.0.2", "7.4", "7.4p1", "7.5", "10.0"}
	got := make([]string, len(want))
	for i := range want {
		got[i] = want[(i*5+3)%len(want)] // a fixed shuffle: 5 is prime to 14
	}
	sort.SliceStable(got, func(i, j int) bool { return Compare(got[i], got[j]) < 0 })
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("sorted = %v, want %v", got, want)
		}
	}
}

func TestCoarser(t *testing.T) {
	tests := []struct {
		name     string
		v, bound string
		want     bool
	}{
		{"WindowsBuildWithoutRevision", "10.0.19045", "10.0.19045.4291", true},
		{"Windows7NoBuild", "6.1", "6.1.7601.26321", true},
		{"SamePrecision", "10.0.19045.1", "10.0.19045.4291", false},
		{"OtherBuild", "10.0.19044", "10.0.19045.4291", false},
		{"LetterSuffixIsNotPrecision", "1.0.1", "1.0.1g", false},
		{"ZeroTail", "2.4", "2.4.0", false},
		{"Empty", "", "1.0", false},
		{"Longer", "2.4.41", "2.4", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Coarser(tt.v, tt.bound); got != tt.want {
				t.Fatalf("Coarser(%q, %q) = %v, want %v", tt.v, tt.bound, got, tt.want)
			}
		})
	}
}

func TestCompareAllocs(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { Compare("15.2(4)e7", "15.2(4)e10") }); n != 0 {
		t.Errorf("Compare allocates %v times", n)
	}
}
