package cpe

// Version ordering for NVD ranges (versionStartIncluding …
// versionEndExcluding).
//
// A version is split into segments at every character that is not a letter,
// a digit or ')': "2.4.41", "9.6.6-068", "6.1.7601.26321", Cisco IOS
// "15.2(4)e7" (segments 15, 2, 4e7: the ')' is dropped so that the rebuild
// letter and number stay with the release in parentheses). Missing trailing
// segments count as 0, so "1.0" equals "1.0.0".
//
// Segments compare, in this order, by:
//
//  1. their leading number, numerically and without limit of size; a
//     segment that starts with a letter ("va10", "rc1", "beta") is below
//     every number, so "1.0-rc1" < "1.0" and "va10" < "0";
//  2. what follows the number: a pre-release word (alpha, beta, pre,
//     preview, rc, dev, snapshot) < nothing < anything else, so
//     "1.0.1rc1" < "1.0.1" < "1.0.1a" < "1.0.1b" < "1.0.2"; a segment
//     with a suffix is still later than the same number with further
//     segments ("1.0a" > "1.0.1"), a mix NVD's ranges do not use;
//  3. the remaining runs of letters and digits in turn: digits
//     numerically, letters alphabetically ignoring case, letters before
//     digits, and a missing run first ("7.4p1" < "7.4p2" < "7.4p10").
//
// Single letters after a number are later releases, not pre-releases:
// OpenSSL's "1.0.1g" comes after "1.0.1" and OpenSSH portable's "7.4p1"
// after "7.4", which is how NVD's ranges use them (CVE-2014-0160:
// 1.0.1 ≤ v < 1.0.1g). A Python-style "3.0b1" beta therefore sorts after
// "3.0"; NVD names those with the update attribute instead.

// preWords are the suffixes that mark a pre-release.
var preWords = [...]string{"alpha", "beta", "pre", "preview", "rc", "dev", "snapshot"}

// segment is one segment of a version: a substring of it.
type segment string

// versionScanner yields the segments of a version without allocating.
type versionScanner struct {
	s string
	i int
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isSegmentByte(c byte) bool { return isAlnum(c) || c == ')' }

// next returns the next non-empty segment, or false at the end.
func (v *versionScanner) next() (segment, bool) {
	for v.i < len(v.s) {
		for v.i < len(v.s) && !isSegmentByte(v.s[v.i]) {
			v.i++
		}
		start := v.i
		for v.i < len(v.s) && isSegmentByte(v.s[v.i]) {
			v.i++
		}
		seg := segment(v.s[start:v.i])
		for len(seg) > 0 && seg[0] == ')' {
			seg = seg[1:]
		}
		if len(seg) > 0 {
			return seg, true
		}
	}
	return "", false
}

// run returns the run of digits or letters starting at i (skipping ')'),
// whether it is digits, and the index after it; ok is false at the end.
func (s segment) run(i int) (r string, digits bool, j int, ok bool) {
	for i < len(s) && s[i] == ')' {
		i++
	}
	if i >= len(s) {
		return "", false, i, false
	}
	digits = s[i] >= '0' && s[i] <= '9'
	j = i
	for j < len(s) && s[j] != ')' && (s[j] >= '0' && s[j] <= '9') == digits {
		j++
	}
	return string(s[i:j]), digits, j, true
}

// compareNum compares two runs of digits numerically.
func compareNum(a, b string) int {
	for len(a) > 1 && a[0] == '0' {
		a = a[1:]
	}
	for len(b) > 1 && b[0] == '0' {
		b = b[1:]
	}
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// compareFold compares two runs of letters ignoring ASCII case.
func compareFold(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := lower(a[i]), lower(b[i])
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// suffixClass ranks what follows a segment's leading number.
func suffixClass(r string, ok, digits bool) int {
	if !ok {
		return 1
	}
	if !digits {
		for _, w := range preWords {
			if compareFold(r, w) == 0 {
				return 0
			}
		}
	}
	return 2
}

// compareSegment compares two segments; the empty segment stands for a
// missing one, which is the number 0.
func compareSegment(a, b segment) int {
	if a == "" {
		a = "0"
	}
	if b == "" {
		b = "0"
	}
	ra, da, ia, oka := a.run(0)
	rb, db, ib, okb := b.run(0)
	// 1. Leading number; a letter start is below every number.
	switch {
	case da && db:
		if c := compareNum(ra, rb); c != 0 {
			return c
		}
		ra, da, ia, oka = a.run(ia)
		rb, db, ib, okb = b.run(ib)
	case da:
		return 1
	case db:
		return -1
	}
	// 2. Pre-release < nothing < other suffix.
	if ca, cb := suffixClass(ra, oka, da), suffixClass(rb, okb, db); ca != cb {
		if ca < cb {
			return -1
		}
		return 1
	}
	// 3. Remaining runs in turn.
	for oka || okb {
		switch {
		case !oka:
			return -1
		case !okb:
			return 1
		case da != db:
			if da {
				return 1
			}
			return -1
		case da:
			if c := compareNum(ra, rb); c != 0 {
				return c
			}
		default:
			if c := compareFold(ra, rb); c != 0 {
				return c
			}
		}
		ra, da, ia, oka = a.run(ia)
		rb, db, ib, okb = b.run(ib)
	}
	return 0
}

// Compare orders two versions by the rule above: it returns -1 when a is
// earlier than b, 0 when they are the same version, +1 when a is later.
// It is a total order on all strings and does not allocate.
func Compare(a, b string) int {
	sa, sb := versionScanner{s: a}, versionScanner{s: b}
	for {
		x, okx := sa.next()
		y, oky := sb.next()
		if !okx && !oky {
			return 0
		}
		if c := compareSegment(x, y); c != 0 {
			return c
		}
	}
}

// Coarser reports whether v is a less precise form of bound: v's segments
// equal bound's first ones and bound goes on with segments that are not
// zero. A Windows 10 22H2 machine known as build "10.0.19045" is coarser
// than the range end "10.0.19045.4291": whether it lies before or after
// depends on the revision nobody observed.
func Coarser(v, bound string) bool {
	sv, sb := versionScanner{s: v}, versionScanner{s: bound}
	n := 0
	for {
		x, okx := sv.next()
		if !okx {
			break
		}
		y, oky := sb.next()
		if !oky || compareSegment(x, y) != 0 {
			return false
		}
		n++
	}
	if n == 0 {
		return false
	}
	for {
		y, ok := sb.next()
		if !ok {
			return false
		}
		if compareSegment(y, "") != 0 {
			return true
		}
	}
}
