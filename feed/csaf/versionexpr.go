package csaf

import (
	"net/url"
	"regexp"
	"strings"
)

// ParseVersions reads a version expression as CSAF advisories write it and
// reports false when it cannot. It understands:
//
//   - "" (all versions, as cordon.ProductStatus documents), "*", "All",
//     "All versions", "vers:all/*";
//   - vers URIs of any scheme, "vers:generic/>=1.0|<2.3": constraints are
//     read in order, a lower bound pairing with the upper bound that follows
//     it; "!=" is not supported;
//   - comparator lists as CISA writes them, "<4.2", "<= 2.3.6",
//     ">= 1.0.0 | <= 1.3.1" (one interval), "3.0|3.1" (two versions),
//     "<= U61 |<= L81";
//   - wildcards: "12.x" is [12, 13), "<= 12.2.x.x" is < 12.3, "< 3.x" is < 3;
//   - prose: "All versions prior to 7.1", "versions before 2.0",
//     "8.0.1 and prior", "2.3.6 and below", "4.0 and later",
//     "Versions 2.0 through 2.5", "between 1.0 and 1.4", "VA40 and earlier";
//   - a trailing parenthetical remark is ignored:
//     "<= 2.01 (end-of-life Nov 2017)" is "<= 2.01".
//
// Dates ("distributed < april 1, 2018"), model numbers with spaces and other
// prose are not versions and report false; so does a list where any
// alternative is unreadable, because a partial range would under-report.
func ParseVersions(expr string) (Range, bool) {
	s := strings.Join(strings.Fields(expr), " ")
	if s == "" {
		return Range{All: true}, true
	}
	if len(s) > 5 && strings.EqualFold(s[:5], "vers:") {
		return parseVers(s[5:])
	}
	// A remark in brackets after the expression qualifies it ("end-of-life
	// 2011", "integrated into GE MobileLink") without changing the versions.
	if i := strings.Index(s, " ("); i > 0 {
		s = strings.TrimSpace(s[:i])
	}
	lower := asciiLower(s)
	if isAll(lower) {
		return Range{All: true}, true
	}
	if r, ok := parseProse(lower, s); ok {
		return r, true
	}
	// A model qualifier after the version names which variant of the
	// product it is, not another version: "6.x model 35700BAX" is "6.x".
	if i := strings.Index(lower, " model "); i > 0 {
		s = s[:i]
	}
	sep := "|"
	if !strings.Contains(s, "|") && strings.Contains(s, " and ") {
		sep = " and " // "2131 and 2141"
	}
	var cs []constraint
	for _, part := range strings.Split(s, sep) {
		c, ok := parseConstraint(part)
		if !ok {
			return Range{}, false
		}
		cs = append(cs, c)
	}
	return combine(cs)
}

// asciiLower lower-cases ASCII letters only, so that byte offsets into the
// result are offsets into s (strings.ToLower may change lengths).
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func isAll(lower string) bool {
	switch strings.TrimSuffix(lower, ".") {
	case "*", "all", "any", "all versions", "any version", "any versions", "all/*", "all releases":
		return true
	}
	return false
}

// constraint is one comparator and version: op is "<", "<=", ">", ">=" or
// "=".
type constraint struct {
	op, version string
}

// parseConstraint reads "<= 2.3.6", ">=BT02", "v6.1", "12.x".
func parseConstraint(part string) (constraint, bool) {
	p := strings.TrimSpace(part)
	lp := asciiLower(p)
	for _, prefix := range []string{"versions ", "version ", "ver. ", "ver "} {
		if strings.HasPrefix(lp, prefix) {
			p = strings.TrimSpace(p[len(prefix):])
			break
		}
	}
	c := constraint{op: "="}
	for _, o := range []string{"<=", ">=", "==", "=<", "=>", "<", ">", "="} {
		if strings.HasPrefix(p, o) {
			c.op = map[string]string{"=<": "<=", "=>": ">=", "==": "="}[o]
			if c.op == "" {
				c.op = o
			}
			p = strings.TrimSpace(p[len(o):])
			break
		}
	}
	words := strings.Fields(p)
	if len(words) == 0 || len(words) > 4 || !versionToken(words[0], c.op != "=") {
		return constraint{}, false
	}
	for _, w := range words[1:] {
		if !qualifier(w) {
			return constraint{}, false
		}
	}
	c.version = strings.Join(words, " ")
	return c, true
}

// qualifierWord matches what may follow a version inside one version: a
// build or service pack number, "SR1", "S3", "D15".
var qualifierWord = regexp.MustCompile(`^[A-Za-z]{0,2}[0-9]{1,5}[A-Za-z]?$`)

// qualifier reports whether w continues a version, as in "1.1.3 Build 10",
// "4.20 SR1" or "1.8.4 Service Pack 01"; CompareVersions orders such
// versions after the bare one.
func qualifier(w string) bool {
	switch strings.ToLower(w) {
	case "build", "sp", "sr", "service", "pack", "mr", "update", "patch", "hotfix", "rev":
		return true
	}
	return qualifierWord.MatchString(w)
}

var (
	// bareVersion is what a version written without a comparator must
	// look like: a digit first ("2.43.02", "v6.1", "12.x"), or up to three
	// letters then a digit ("VA40", "BT02", "A.01", "SV20.1"), so that model
	// names ("MMT-1710", "Accu-Chek Inform II") are not taken for versions.
	bareVersion = regexp.MustCompile(`^(?:[vV]?[0-9]|[A-Za-z]{1,3}\.?[0-9])[A-Za-z0-9._+\-]*$`)
	// boundVersion is what may follow a comparator: one token with a
	// letter or digit in it ("<= K", "<=N", "<= GEH-1.1").
	boundVersion = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+\-]*$`)
)

func versionToken(v string, bound bool) bool {
	if v == "" || len(v) > 64 {
		return false
	}
	if bound {
		return boundVersion.MatchString(v)
	}
	return bareVersion.MatchString(v)
}

// proseVersion is one version inside prose: one token ("v6.1" keeps its
// "v", which CompareVersions ignores).
const proseVersion = `([a-z0-9][a-z0-9._+\-]*)`

var prosePatterns = []struct {
	re   *regexp.Regexp
	make func(a, b string) Range
}{
	{regexp.MustCompile(`^(?:all )?(?:(?:software|firmware) )?(?:versions? |releases? )?(?:prior to|before|earlier than|older than|lower than|below|up to but not including) ` + proseVersion + `$`),
		func(a, _ string) Range { return interval("", false, a, false) }},
	{regexp.MustCompile(`^(?:all )?(?:(?:software|firmware) )?(?:versions? )?(?:up to and including|up to|through) ` + proseVersion + `$`),
		func(a, _ string) Range { return interval("", false, a, true) }},
	{regexp.MustCompile(`^(?:all )?(?:(?:software|firmware) )?(?:versions? )?` + proseVersion + `,? (?:and|or|&) (?:all )?(?:prior|earlier|before|below|older|lower|previous)(?: versions?| releases?)?$`),
		func(a, _ string) Range { return interval("", false, a, true) }},
	{regexp.MustCompile(`^(?:all )?(?:(?:software|firmware) )?(?:versions? )?` + proseVersion + `,? (?:and|or|&) (?:all )?(?:later|newer|above|higher|after|greater)(?: versions?| releases?)?$`),
		func(a, _ string) Range { return interval(a, true, "", false) }},
	{regexp.MustCompile(`^(?:all )?(?:(?:software|firmware) )?(?:versions? )?(?:after|later than|newer than|greater than) ` + proseVersion + `$`),
		func(a, _ string) Range { return interval(a, false, "", false) }},
	{regexp.MustCompile(`^(?:all )?(?:(?:software|firmware) )?(?:versions? )?(?:from )?` + proseVersion + ` (?:through|thru|to|until|-) ` + proseVersion + `$`),
		func(a, b string) Range { return interval(a, true, b, true) }},
	{regexp.MustCompile(`^rev(?:ision)?s? ([a-z0-9][a-z0-9.]*) ?- ?([a-z0-9][a-z0-9.]*)$`),
		func(a, b string) Range { return interval(a, true, b, true) }},
	{regexp.MustCompile(`^(?:all )?(?:(?:software|firmware) )?(?:versions? )?between ` + proseVersion + ` and ` + proseVersion + `$`),
		func(a, b string) Range { return interval(a, true, b, true) }},
}

// parseProse matches the sentences vendors write. Versions are taken from
// original, which has the same length as lower, to keep their case.
func parseProse(lower, original string) (Range, bool) {
	for _, p := range prosePatterns {
		m := p.re.FindStringSubmatchIndex(lower)
		if m == nil {
			continue
		}
		a := original[m[2]:m[3]]
		b := ""
		if len(m) >= 6 && m[4] >= 0 {
			b = original[m[4]:m[5]]
		}
		if strings.ContainsAny(a+b, "*") || hasWildcard(a) || hasWildcard(b) {
			return Range{}, false
		}
		return p.make(a, b), true
	}
	return Range{}, false
}

func interval(min string, minInc bool, max string, maxInc bool) Range {
	return Range{Intervals: []Interval{{Min: min, MinInclusive: minInc, Max: max, MaxInclusive: maxInc}}}
}

// parseVers reads the part of a vers URI after "vers:".
func parseVers(s string) (Range, bool) {
	slash := strings.IndexByte(s, '/')
	if slash <= 0 {
		return Range{}, false
	}
	body := strings.TrimSpace(s[slash+1:])
	if body == "*" {
		return Range{All: true}, true
	}
	var cs []constraint
	for _, part := range strings.Split(body, "|") {
		part = strings.TrimSpace(part)
		c := constraint{op: "="}
		for _, o := range []string{">=", "<=", "!=", "<", ">", "="} {
			if strings.HasPrefix(part, o) {
				c.op = o
				part = strings.TrimSpace(part[len(o):])
				break
			}
		}
		if c.op == "!=" {
			return Range{}, false
		}
		v, err := url.PathUnescape(part)
		if err != nil || v == "" || v == "*" || len(v) > 256 {
			return Range{}, false
		}
		c.version = v
		cs = append(cs, c)
	}
	return combine(cs)
}

// combine turns constraints, in the order written, into intervals: a lower
// bound stays open until the next upper bound closes it; an upper bound
// with no lower bound before it starts at the bottom; an exact version is
// an interval of its own.
func combine(cs []constraint) (Range, bool) {
	var r Range
	var open *Interval
	flush := func() {
		if open != nil {
			r.Intervals = append(r.Intervals, *open)
			open = nil
		}
	}
	for _, c := range cs {
		lo, hi, all, ok := expandWildcard(c)
		if !ok {
			return Range{}, false
		}
		if all {
			return Range{All: true}, true
		}
		switch {
		case lo != nil && hi != nil: // exact or wildcard: its own interval
			flush()
			r.Intervals = append(r.Intervals, Interval{Min: lo.v, MinInclusive: lo.inc, Max: hi.v, MaxInclusive: hi.inc})
		case lo != nil:
			flush()
			open = &Interval{Min: lo.v, MinInclusive: lo.inc}
		case hi != nil:
			if open == nil {
				open = &Interval{}
			}
			open.Max, open.MaxInclusive = hi.v, hi.inc
			flush()
		}
	}
	flush()
	if len(r.Intervals) == 0 {
		return Range{}, false
	}
	return r, true
}

type bound struct {
	v   string
	inc bool
}

// expandWildcard turns a constraint into its bounds, expanding a trailing
// ".x" or ".*": "12.x" is [12, 13).
func expandWildcard(c constraint) (lo, hi *bound, all, ok bool) {
	v := c.version
	wild := false
	for {
		l := asciiLower(v)
		if strings.HasSuffix(l, ".x") || strings.HasSuffix(l, ".*") {
			v, wild = v[:len(v)-2], true
			continue
		}
		if l == "x" || l == "*" {
			v, wild = "", true
		}
		break
	}
	if !wild {
		switch c.op {
		case "=":
			return &bound{v, true}, &bound{v, true}, false, true
		case "<", "<=":
			return nil, &bound{v, c.op == "<="}, false, true
		default:
			return &bound{v, c.op == ">="}, nil, false, true
		}
	}
	if v == "" {
		// "*" or "x" alone: everything, or nothing beyond it.
		return nil, nil, c.op == "=" || c.op == "<=" || c.op == ">=", c.op != "<" && c.op != ">"
	}
	next, ok := increment(v)
	if !ok {
		return nil, nil, false, false
	}
	switch c.op {
	case "=":
		return &bound{v, true}, &bound{next, false}, false, true
	case "<":
		return nil, &bound{v, false}, false, true
	case "<=":
		return nil, &bound{next, false}, false, true
	case ">":
		return &bound{next, true}, nil, false, true
	default:
		return &bound{v, true}, nil, false, true
	}
}

// increment adds one to the trailing number of v: "12.2" gives "12.3",
// "1.9" gives "1.10".
func increment(v string) (string, bool) {
	end := len(v)
	if end == 0 || !isDigit(v[end-1]) {
		return "", false
	}
	start := end
	for start > 0 && isDigit(v[start-1]) {
		start--
	}
	digits := []byte(v[start:end])
	i := len(digits) - 1
	for i >= 0 && digits[i] == '9' {
		digits[i] = '0'
		i--
	}
	if i < 0 {
		digits = append([]byte{'1'}, digits...)
	} else {
		digits[i]++
	}
	return v[:start] + string(digits), true
}

func hasWildcard(v string) bool {
	l := asciiLower(v)
	return strings.HasSuffix(l, ".x") || l == "x"
}
