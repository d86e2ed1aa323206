package cpe

// Relation is how the set of things one attribute value (the source)
// names relates to the set another (the target) names, as in NIST IR 7696
// section 6.
type Relation int

// Relations of NIST IR 7696 table 6-2.
const (
	Disjoint  Relation = iota // no common member
	Subset                    // source names fewer things than target ("1.0" vs ANY)
	Superset                  // source names more things than target (ANY vs "1.0")
	Equal                     // the same things
	Undefined                 // both have wildcards: not decidable
)

// String returns the relation's name in lower case.
func (r Relation) String() string {
	switch r {
	case Disjoint:
		return "disjoint"
	case Subset:
		return "subset"
	case Superset:
		return "superset"
	case Equal:
		return "equal"
	}
	return "undefined"
}

// CompareAttr returns the relation of the source attribute value to the
// target, both in canonical form (lower case, as Parse leaves them). An
// empty value counts as ANY.
func CompareAttr(source, target string) Relation {
	if source == "" {
		source = Any
	}
	if target == "" {
		target = Any
	}
	switch {
	case source == Any:
		if target == Any {
			return Equal
		}
		return Superset
	case target == Any:
		return Subset
	case source == NA:
		if target == NA {
			return Equal
		}
		return Disjoint
	case target == NA:
		return Disjoint
	}
	sw, tw := HasWildcard(source), HasWildcard(target)
	switch {
	case tw:
		return Undefined
	case sw:
		if glob(source, target) {
			return Superset
		}
		return Disjoint
	case source == target:
		return Equal
	}
	return Disjoint
}

// Match reports whether the criterion names name: every attribute of the
// criterion is a superset of or equal to the name's, the test NVD applies
// to a criterion and a product's name.
func Match(criterion, name Name) bool {
	for i := 0; i < NumAttrs; i++ {
		switch CompareAttr(*criterion.attr(i), *name.attr(i)) {
		case Superset, Equal:
		default:
			return false
		}
	}
	return true
}

// HasWildcard reports whether v, an attribute value other than ANY, holds
// an unquoted '*' or '?'.
func HasWildcard(v string) bool {
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '\\':
			i++
		case '*', '?':
			return true
		}
	}
	return false
}

// glob matches a value with wildcards (unquoted '*' any run of characters,
// '?' exactly one) against a value without. A quoted character matches the
// same quoted character; it counts as one character for '?'.
func glob(pattern, v string) bool {
	p, s := 0, 0
	star, mark := -1, 0
	for s < len(v) {
		if p < len(pattern) {
			switch pattern[p] {
			case '*':
				star, mark = p, s
				p++
				continue
			case '?':
				p++
				s += charLen(v, s)
				continue
			default:
				n := charLen(pattern, p)
				if n == charLen(v, s) && pattern[p:p+n] == v[s:s+n] {
					p += n
					s += n
					continue
				}
			}
		}
		if star < 0 {
			return false
		}
		// Backtrack: let the last '*' swallow one more character.
		mark += charLen(v, mark)
		p, s = star+1, mark
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// charLen is the length in bytes of the logical character at s[i]: two for
// a quoted character, one otherwise.
func charLen(s string, i int) int {
	if s[i] == '\\' && i+1 < len(s) {
		return 2
	}
	return 1
}
