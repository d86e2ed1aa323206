package sbom

import (
	"maps"
	"slices"
	"strings"
	"time"
)

// Property names, compared after supportKey, that carry the support period
// the FDA asks manufacturers to declare for each component ("Level of
// Support" and "End-of-Support" in the sbom-completeness SBOMs; other tools
// write "End of Support Date" or "cdx:...:endOfSupport").
var (
	endOfSupportKeys   = []string{"endofsupport", "endofsupportdate", "eos", "eosdate", "supportenddate", "endoflife", "eol"}
	levelOfSupportKeys = []string{"levelofsupport", "supportlevel", "supportstatus"}
)

// supportKey lower-cases a property name and keeps only letters after the
// last ':' so that "End-of-Support", "end_of_support" and
// "acme:endOfSupport" compare equal.
func supportKey(name string) string {
	if i := strings.LastIndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// applySupport fills EndOfSupport, EndOfSupportRaw and LevelOfSupport from
// c.Properties, which keeps the properties themselves as written.
func applySupport(c *Component) {
	// Sorted so that a document naming the same thing twice ("EOS" and
	// "End-of-Support") reads the same way every time.
	for _, name := range slices.Sorted(maps.Keys(c.Properties)) {
		v := c.Properties[name]
		k := supportKey(name)
		switch {
		case slices.Contains(endOfSupportKeys, k):
			c.EndOfSupportRaw = strings.TrimSpace(v)
			c.EndOfSupport = parseSupportDate(c.EndOfSupportRaw)
		case slices.Contains(levelOfSupportKeys, k):
			c.LevelOfSupport = strings.TrimSpace(v)
		}
	}
}

// supportDateLayouts are the date forms accepted for an end of support.
// A month or a year alone means its first day: support is promised until
// then at least, and an early date errs on the side of caution.
var supportDateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02",
	"2006-01",
	"2006",
	"January 2, 2006",
	"2 January 2006",
	"January 2006",
}

// parseSupportDate returns the date v names, or the zero time when v is
// not a date, as the FDA-style texts ("Unknown", "Open source") are not.
func parseSupportDate(v string) time.Time {
	for _, layout := range supportDateLayouts {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
