package csaf

import "strings"

// CompareVersions compares two version strings as medical device vendors
// write them ("2.43.02", "VA40", "B.06.18", "2.4A", "5.17.1-754993421") and
// reports -1, 0 or +1, and false when the two cannot be ordered.
//
// Both are split into tokens: runs of digits (compared as numbers of any
// length) and runs of letters (compared case-insensitively); every other
// byte ('.', '-', '_', ' ', '+') only separates tokens. A leading "v" before
// a digit is dropped ("v6.1" is "6.1"). Tokens are compared in order:
//
//   - number against number, and letters against letters, directly
//     ("VA40" < "VB10", "BT02" < "BT06");
//   - the pre-release words alpha, beta, dev, pre, preview, rc and snapshot
//     sort before anything else at their position, so "1.0rc1" < "1.0";
//   - any other letters against a number cannot be ordered ("2.4A" against
//     "2.4.1"), and the comparison reports false rather than guess;
//   - when one version runs out, trailing zeros are equal ("1.0" == "1.0.0"),
//     a pre-release word makes the longer one smaller and anything else makes
//     it greater: a trailing letter is a later revision ("2.4A" > "2.4").
//
// Empty versions, and ones with no letter or digit, cannot be ordered.
//
// The cpe package did not have a comparison when this was written; this one
// is local to feed/csaf and documented here so the matcher can tell.
func CompareVersions(a, b string) (int, bool) {
	a, b = trimV(a), trimV(b)
	if t, _ := nextToken(a); t == "" {
		return 0, false
	}
	if t, _ := nextToken(b); t == "" {
		return 0, false
	}
	for {
		ta, ra := nextToken(a)
		tb, rb := nextToken(b)
		a, b = ra, rb
		switch {
		case ta == "" && tb == "":
			return 0, true
		case ta == "":
			return -tail(tb, b), true
		case tb == "":
			return tail(ta, a), true
		}
		c, ok := compareTokens(ta, tb)
		if !ok {
			return 0, false
		}
		if c != 0 {
			return c, true
		}
	}
}

// trimV drops surrounding space and a "v" that prefixes a digit.
func trimV(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 1 && (s[0] == 'v' || s[0] == 'V') && isDigit(s[1]) {
		s = s[1:]
	}
	return s
}

// nextToken returns the next run of digits or letters of s and the rest.
func nextToken(s string) (tok, rest string) {
	i := 0
	for i < len(s) && !isDigit(s[i]) && !isLetter(s[i]) {
		i++
	}
	s = s[i:]
	if s == "" {
		return "", ""
	}
	digit := isDigit(s[0])
	j := 1
	for j < len(s) && (isDigit(s[j]) == digit) && (isDigit(s[j]) || isLetter(s[j])) {
		j++
	}
	return s[:j], s[j:]
}

// tail says how a version that still has token t (followed by rest) compares
// with one that has run out: 0 when all that is left is zeros, -1 when it is
// a pre-release, +1 otherwise.
func tail(t, rest string) int {
	for t != "" {
		switch {
		case isDigit(t[0]):
			if strings.TrimLeft(t, "0") != "" {
				return 1
			}
		case preRelease(t) >= 0:
			return -1
		default:
			return 1
		}
		t, rest = nextToken(rest)
	}
	return 0
}

// compareTokens orders two tokens, or reports false.
func compareTokens(a, b string) (int, bool) {
	da, db := isDigit(a[0]), isDigit(b[0])
	switch {
	case da && db:
		return compareNumbers(a, b), true
	case !da && !db:
		pa, pb := preRelease(a), preRelease(b)
		switch {
		case pa >= 0 && pb >= 0:
			return cmpInt(pa, pb), true
		case pa >= 0:
			return -1, true
		case pb >= 0:
			return 1, true
		}
		return cmpInt(strings.Compare(strings.ToLower(a), strings.ToLower(b)), 0), true
	case da:
		if preRelease(b) >= 0 {
			return 1, true
		}
	default:
		if preRelease(a) >= 0 {
			return -1, true
		}
	}
	return 0, false
}

// compareNumbers compares two digit runs of any length without overflow.
func compareNumbers(a, b string) int {
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		return cmpInt(len(a), len(b))
	}
	return strings.Compare(a, b)
}

// preRelease ranks pre-release words, -1 for any other letters.
func preRelease(t string) int {
	switch strings.ToLower(t) {
	case "dev", "snapshot":
		return 0
	case "alpha":
		return 1
	case "beta":
		return 2
	case "pre", "preview":
		return 3
	case "rc":
		return 4
	}
	return -1
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
