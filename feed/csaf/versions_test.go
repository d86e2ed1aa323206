package csaf

import (
	"reflect"
	"testing"
)

func TestCompareVersions(t *testing.T) {
	for _, tc := range []struct {
		name, a, b string
		want       int
		ok         bool
	}{
		{"Equal", "1.11", "1.11", 0, true},
		{"Numeric", "1.9", "1.11", -1, true},
		{"LeadingZeros", "2.43.02", "2.43.2", 0, true},
		{"TrailingZero", "1.0", "1.0.0", 0, true},
		{"Longer", "1.0.1", "1.0", 1, true},
		{"VPrefix", "v6.1", "6.1", 0, true},
		{"Siemens", "VA40", "VB10", -1, true},
		{"BDRevision", "BT02", "BT06", -1, true},
		{"LetterRevision", "2.4A", "2.4", 1, true},
		{"LetterRevisions", "2.4A", "2.6A", -1, true},
		{"DotLetters", "B.06.18", "B.12", -1, true},
		{"CaseInsensitive", "c.00.04", "C.00.04", 0, true},
		{"PreRelease", "1.0rc1", "1.0", -1, true},
		{"PreReleaseOrder", "1.0-beta", "1.0-rc1", -1, true},
		{"PreReleaseBeforeNumber", "1.0.rc1", "1.0.1", -1, true},
		{"Build", "1.1.3 Build 10", "1.1.3", 1, true},
		{"HugeNumber", "4107600010.23", "4107600010.3", 1, true},
		{"BuildSuffix", "5.17.1-754993421", "5.17.1-754993420", 1, true},
		{"ErrLetterVsNumber", "2.4A", "2.4.1", 0, false},
		{"ErrEmpty", "", "1.0", 0, false},
		{"ErrPunctuationOnly", "..", "1", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := CompareVersions(tc.a, tc.b)
			if got != tc.want || ok != tc.ok {
				t.Errorf("CompareVersions(%q, %q) = %d, %v; want %d, %v", tc.a, tc.b, got, ok, tc.want, tc.ok)
			}
			if back, ok2 := CompareVersions(tc.b, tc.a); ok2 != ok || back != -got {
				t.Errorf("not antisymmetric: reverse = %d, %v", back, ok2)
			}
		})
	}
}

func below(v string, inc bool) Interval { return Interval{Max: v, MaxInclusive: inc} }
func exact(v string) Interval {
	return Interval{Min: v, MinInclusive: true, Max: v, MaxInclusive: true}
}

func TestParseVersions(t *testing.T) {
	for _, tc := range []struct {
		name, expr string
		want       Range
		ok         bool
	}{
		{"Empty", "", Range{All: true}, true},
		{"VersAll", "vers:all/*", Range{All: true}, true},
		{"AllVersions", "All versions", Range{All: true}, true},
		{"Star", "*", Range{All: true}, true},
		{"StarWithRemark", "* (end-of-life 2011)", Range{All: true}, true},
		{"VersGeneric", "vers:generic/>=1.0|<2.3", Range{Intervals: []Interval{{Min: "1.0", MinInclusive: true, Max: "2.3"}}}, true},
		{"VersEscaped", "vers:generic/1.0%7Cx", Range{Intervals: []Interval{exact("1.0|x")}}, true},
		{"VersNotEqual", "vers:generic/!=1.0", Range{}, false},
		{"Less", "<4.2", Range{Intervals: []Interval{below("4.2", false)}}, true},
		{"LessEqualSpaced", "<= 2.3.6", Range{Intervals: []Interval{below("2.3.6", true)}}, true},
		{"GreaterEqual", ">= 1.3.3", Range{Intervals: []Interval{{Min: "1.3.3", MinInclusive: true}}}, true},
		{"CISAInterval", ">= 1.3.4 | < 1.5.3", Range{Intervals: []Interval{{Min: "1.3.4", MinInclusive: true, Max: "1.5.3"}}}, true},
		{"CISAList", "3.0|3.1", Range{Intervals: []Interval{exact("3.0"), exact("3.1")}}, true},
		{"TwoUpperBounds", "<= U61 |<= L81", Range{Intervals: []Interval{below("U61", true), below("L81", true)}}, true},
		{"LetterBound", "<=N", Range{Intervals: []Interval{below("N", true)}}, true},
		{"Wildcard", "12.x", Range{Intervals: []Interval{{Min: "12", MinInclusive: true, Max: "13"}}}, true},
		{"WildcardBound", "<= 12.2.x.x", Range{Intervals: []Interval{below("12.3", false)}}, true},
		{"WildcardCarry", "1.9.x", Range{Intervals: []Interval{{Min: "1.9", MinInclusive: true, Max: "1.10"}}}, true},
		{"Remark", "<= 2.01 (end-of-life Nov 2017)", Range{Intervals: []Interval{below("2.01", true)}}, true},
		{"Qualifier", "< 1.8.4 Service Pack 01", Range{Intervals: []Interval{below("1.8.4 Service Pack 01", false)}}, true},
		{"ModelSuffix", "v9.x model 35700BAX3", Range{Intervals: []Interval{{Min: "v9", MinInclusive: true, Max: "v10"}}}, true},
		{"AndList", "2131 and 2141", Range{Intervals: []Interval{exact("2131"), exact("2141")}}, true},
		{"PriorTo", "All versions prior to 7.1", Range{Intervals: []Interval{below("7.1", false)}}, true},
		{"AndPrior", "versions 8.0.1 and prior", Range{Intervals: []Interval{below("8.0.1", true)}}, true},
		{"AndBelow", "2.3.6 and  below", Range{Intervals: []Interval{below("2.3.6", true)}}, true},
		{"AndEarlier", "VA40 and earlier", Range{Intervals: []Interval{below("VA40", true)}}, true},
		{"AndLater", "4.0 and later", Range{Intervals: []Interval{{Min: "4.0", MinInclusive: true}}}, true},
		{"Through", "Versions 2.0 through 2.5", Range{Intervals: []Interval{{Min: "2.0", MinInclusive: true, Max: "2.5", MaxInclusive: true}}}, true},
		{"Between", "between 1.0 and 1.4", Range{Intervals: []Interval{{Min: "1.0", MinInclusive: true, Max: "1.4", MaxInclusive: true}}}, true},
		{"Revisions", "Rev B-M", Range{Intervals: []Interval{{Min: "B", MinInclusive: true, Max: "M", MaxInclusive: true}}}, true},
		{"ErrDate", "distributed < april 1, 2018", Range{}, false},
		{"ErrModel", "MMT-1710", Range{}, false},
		{"ErrProductName", "Accu-Chek Inform II", Range{}, false},
		{"ErrPartialList", "7100 | 7900 MRI", Range{}, false},
		{"ErrDangling", "<", Range{}, false},
		{"ErrVersEmpty", "vers:generic/", Range{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ParseVersions(tc.expr)
			if ok != tc.ok || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ParseVersions(%q) = %+v, %v; want %+v, %v", tc.expr, got, ok, tc.want, tc.ok)
			}
			if !ok {
				return
			}
			back, ok := ParseVersions(got.String())
			if !ok || !reflect.DeepEqual(back, got) {
				t.Errorf("round trip through %q = %+v, %v", got.String(), back, ok)
			}
		})
	}
}

func TestRangeContains(t *testing.T) {
	for _, tc := range []struct {
		name, expr, version string
		in, known           bool
	}{
		{"AllEmptyVersion", "vers:all/*", "", true, true},
		{"UnknownVersion", "<= 1.11", "", false, false},
		{"AtInclusiveEnd", "<= 1.11", "1.11", true, true},
		{"AfterInclusiveEnd", "<= 1.11", "1.12", false, true},
		{"AtExclusiveEnd", ">= 1.3.4 | < 1.5.3", "1.5.3", false, true},
		{"InsideInterval", ">= 1.3.4 | < 1.5.3", "1.4", true, true},
		{"BelowInterval", ">= 1.3.4 | < 1.5.3", "1.3.3", false, true},
		{"AtStart", ">= 1.3.4 | < 1.5.3", "1.3.4", true, true},
		{"WildcardInside", "<= 12.2.x.x", "12.2.9.1", true, true},
		{"WildcardOutside", "<= 12.2.x.x", "12.3", false, true},
		{"Exact", "3.0|3.1", "3.1", true, true},
		{"ExactMissing", "3.0|3.1", "3.2", false, true},
		{"PreReleaseOfEnd", "< 2.0", "2.0rc1", true, true},
		{"LetterRevision", "<= 2.4A", "2.4", true, true},
		{"LetterRevisionAfter", "<= 2.4A", "2.4B", false, true},
		{"Incomparable", "<= 2.4A", "2.4.1", false, false},
		{"OneIntervalDecides", "<= 2.4A | 3.0", "3.0", true, true},
		{"Siemens", "VA40 and earlier", "VA30", true, true},
		{"BD", ">=BT02 | <= BT06", "BT03", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, ok := ParseVersions(tc.expr)
			if !ok {
				t.Fatalf("ParseVersions(%q) failed", tc.expr)
			}
			in, known := r.Contains(tc.version)
			if in != tc.in || known != tc.known {
				t.Errorf("%q Contains(%q) = %v, %v; want %v, %v", tc.expr, tc.version, in, known, tc.in, tc.known)
			}
		})
	}
}
