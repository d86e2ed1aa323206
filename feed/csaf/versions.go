package csaf

import "strings"

// Range is a structured version expression: All, or the union of
// Intervals. The zero Range contains nothing.
type Range struct {
	All       bool       `json:"all,omitempty"`
	Intervals []Interval `json:"intervals,omitempty"`
}

// Interval is a set of versions between two bounds. An empty Min or Max
// is unbounded on that side; an exact version has Min == Max, both
// inclusive.
type Interval struct {
	Min          string `json:"min,omitempty"`
	MinInclusive bool   `json:"min_inclusive,omitempty"`
	Max          string `json:"max,omitempty"`
	MaxInclusive bool   `json:"max_inclusive,omitempty"`
}

// Exact reports whether the interval is a single version.
func (iv Interval) Exact() bool {
	return iv.Min != "" && iv.Min == iv.Max && iv.MinInclusive && iv.MaxInclusive
}

// Contains reports whether version lies in the range, and whether that
// could be decided: known is false when version is empty or cannot be
// ordered against a bound it needs (see CompareVersions), so that the
// matcher can report a possible rather than a confirmed match.
func (r Range) Contains(version string) (in, known bool) {
	if r.All {
		return true, true
	}
	if strings.TrimSpace(version) == "" {
		return false, false
	}
	known = true
	for _, iv := range r.Intervals {
		ok, k := iv.contains(version)
		if ok && k {
			return true, true
		}
		if !k {
			known = false
		}
	}
	return false, known
}

func (iv Interval) contains(v string) (in, known bool) {
	if iv.Min != "" {
		c, ok := CompareVersions(v, iv.Min)
		if !ok {
			return false, false
		}
		if c < 0 || c == 0 && !iv.MinInclusive {
			return false, true
		}
	}
	if iv.Max != "" {
		c, ok := CompareVersions(v, iv.Max)
		if !ok {
			return false, false
		}
		if c > 0 || c == 0 && !iv.MaxInclusive {
			return false, true
		}
	}
	return true, true
}

// String writes the range as a vers URI: "vers:all/*", or
// "vers:generic/>=1.0|<2.3|4.0" (a bare version is an exact one).
// ParseVersions reads it back.
func (r Range) String() string {
	if r.All {
		return "vers:all/*"
	}
	var b strings.Builder
	b.WriteString("vers:generic/")
	for i, iv := range r.Intervals {
		if i > 0 {
			b.WriteByte('|')
		}
		switch {
		case iv.Exact():
			b.WriteString(escapeVers(iv.Min))
		default:
			if iv.Min != "" {
				b.WriteString(op(">", iv.MinInclusive))
				b.WriteString(escapeVers(iv.Min))
				if iv.Max != "" {
					b.WriteByte('|')
				}
			}
			if iv.Max != "" {
				b.WriteString(op("<", iv.MaxInclusive))
				b.WriteString(escapeVers(iv.Max))
			}
		}
	}
	return b.String()
}

func op(base string, inclusive bool) string {
	if inclusive {
		return base + "="
	}
	return base
}

// escapeVers percent-encodes the bytes that vers gives a meaning to.
func escapeVers(v string) string {
	if !strings.ContainsAny(v, "%|<>=!* ") {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case '%', '|', '<', '>', '=', '!', '*', ' ':
			b.WriteByte('%')
			b.WriteByte("0123456789ABCDEF"[c>>4])
			b.WriteByte("0123456789ABCDEF"[c&15])
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
