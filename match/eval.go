package match

import (
	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/cpe"
)

// level is a three-valued truth: no < possible < yes. AND takes the least,
// OR the greatest, and negation swaps no and yes but leaves possible.
type level int8

const (
	no level = iota
	possible
	yes
)

func not(l level) level { return yes - l }

// result is how one configuration applies to a device: its level and the
// vulnerable criterion that carries it.
type result struct {
	lvl  level
	cfg  int
	node int
	crit int
	dev  int    // index into the device's names
	note string // why the criterion is only possible
}

// evalConfig evaluates a configuration against the device's names. It
// returns no unless a vulnerable criterion in a node that is not negated
// holds: platform criteria are conditions, never findings.
func evalConfig(c *cordon.Configuration, devs []devCPE, memo *parseMemo) result {
	and := c.Operator == "AND"
	cfgLvl := yes
	if !and {
		cfgLvl = no
	}
	best := result{lvl: no}
	for ni := range c.Nodes {
		n := &c.Nodes[ni]
		nodeAnd := n.Operator == "AND"
		nodeLvl := yes
		if !nodeAnd {
			nodeLvl = no
		}
		for mi := range n.CPEMatch {
			m := &n.CPEMatch[mi]
			lvl, dev, note := criterion(m, devs, memo)
			if m.Vulnerable && !n.Negate && lvl > best.lvl {
				best = result{lvl: lvl, node: ni, crit: mi, dev: dev, note: note}
			}
			if nodeAnd {
				nodeLvl = min(nodeLvl, lvl)
			} else {
				nodeLvl = max(nodeLvl, lvl)
			}
		}
		if n.Negate {
			nodeLvl = not(nodeLvl)
		}
		if and {
			cfgLvl = min(cfgLvl, nodeLvl)
		} else {
			cfgLvl = max(cfgLvl, nodeLvl)
		}
	}
	if c.Negate {
		cfgLvl = not(cfgLvl)
	}
	best.lvl = min(best.lvl, cfgLvl)
	return best
}

// criterion returns how well the best of the device's names satisfies m,
// which of them, and why it is only possible when it is. memo may be nil.
func criterion(m *cordon.CPEMatch, devs []devCPE, memo *parseMemo) (level, int, string) {
	c, ok := memo.parse(m.Criteria)
	if !ok {
		return no, -1, ""
	}
	best, bestDev, bestNote := no, -1, ""
	for i := range devs {
		lvl, note := nameLevel(c, m, &devs[i])
		if lvl > best {
			best, bestDev, bestNote = lvl, i, note
			if best == yes {
				break
			}
		}
	}
	return best, bestDev, bestNote
}

// attrOK reports whether criterion value c covers device value d.
func attrOK(c, d string) bool {
	r := cpe.CompareAttr(c, d)
	return r == cpe.Equal || r == cpe.Superset
}

// nameLevel compares one criterion with one device name.
func nameLevel(c *cpe.Name, m *cordon.CPEMatch, d *devCPE) (level, string) {
	if !attrOK(c.Part, d.name.Part) || !attrOK(c.Vendor, d.name.Vendor) {
		return no, ""
	}
	lvl, note := yes, ""
	if !attrOK(c.Product, d.name.Product) {
		if !d.family || len(c.Product) <= len(d.name.Product) ||
			c.Product[:len(d.name.Product)] != d.name.Product || c.Product[len(d.name.Product)] != '_' {
			return no, ""
		}
		lvl, note = possible, "release unknown: the device is known only as "+d.name.Product
	}
	for i := 5; i < cpe.NumAttrs; i++ {
		switch cpe.CompareAttr(c.Attr(i), d.name.Attr(i)) {
		case cpe.Disjoint, cpe.Undefined:
			return no, ""
		}
	}
	switch cpe.CompareAttr(c.Update, d.name.Update) {
	case cpe.Equal, cpe.Superset:
	case cpe.Subset:
		lvl, note = possible, "update unknown: the criterion needs "+c.Update
	default:
		return no, ""
	}
	vl, vnote := versionLevel(c, m, d)
	if vl < lvl {
		lvl, note = vl, vnote
	}
	return lvl, note
}

// isPatchUpdate reports whether an update is a portable patch level
// ("p1", "p10").
func isPatchUpdate(u string) bool {
	if len(u) < 2 || u[0] != 'p' {
		return false
	}
	for i := 1; i < len(u); i++ {
		if u[i] < '0' || u[i] > '9' {
			return false
		}
	}
	return true
}

// sameValue reports whether criterion value cv (canonical, maybe with
// wildcards) covers the logical version value, escaping it only when it
// has to.
func sameValue(cv, value string) bool {
	plain := true
	for i := 0; i < len(value); i++ {
		c := value[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			plain = false
			break
		}
	}
	if plain && value != cpe.NA {
		if cv == value {
			return true
		}
		if !cpe.HasWildcard(cv) {
			return false
		}
	} else {
		value = cpe.Escape(value)
	}
	r := cpe.CompareAttr(cv, value)
	return r == cpe.Equal || r == cpe.Superset
}

// versionLevel checks the version attribute and the range of a criterion.
func versionLevel(c *cpe.Name, m *cordon.CPEMatch, d *devCPE) (level, string) {
	hasRange := m.VersionStartIncluding != "" || m.VersionStartExcluding != "" ||
		m.VersionEndIncluding != "" || m.VersionEndExcluding != ""
	cv, dv := c.Version, d.name.Version
	if !hasRange && (cv == cpe.Any || cv == cpe.NA) {
		// No version needed beyond ANY or NA.
		switch {
		case cv == cpe.Any:
			return yes, ""
		case dv == cpe.NA && !d.family:
			return yes, ""
		case dv == cpe.NA || dv == cpe.Any || dv == "":
			return possible, "version unknown"
		}
		return no, ""
	}
	// The criterion needs a version: find the device's.
	var value, from string
	switch {
	case dv != cpe.Any && dv != "" && dv != cpe.NA:
		value = d.ver
		if hasRange && d.verPatch != "" {
			// OpenSSH portable "7.4p1" is named version 7.4, update p1,
			// but NVD's range bounds spell it "7.4p1".
			value = d.verPatch
		}
	case d.hint != "":
		value, from = d.hint, " (from the reported OS version "+d.hint+")"
	case dv == cpe.NA && d.name.Part != "o":
		return no, "" // definitely no version: an application or hardware
	default:
		return possible, "version unknown: the criterion needs " + describeVersion(cv, m)
	}
	lvl := yes
	note := ""
	if cv != cpe.Any {
		switch {
		case sameValue(cv, value):
		case !cpe.HasWildcard(cv) && cpe.Coarser(value, cpe.Unescape(cv)):
			lvl, note = possible, "version "+value+" is less precise than "+cpe.Unescape(cv)+from
		default:
			return no, ""
		}
	}
	if !hasRange {
		return lvl, note
	}
	for _, b := range [...]struct {
		bound string
		ok    func(int) bool
	}{
		{m.VersionStartIncluding, func(c int) bool { return c >= 0 }},
		{m.VersionStartExcluding, func(c int) bool { return c > 0 }},
		{m.VersionEndIncluding, func(c int) bool { return c <= 0 }},
		{m.VersionEndExcluding, func(c int) bool { return c < 0 }},
	} {
		if b.bound == "" {
			continue
		}
		if cpe.Coarser(value, b.bound) {
			lvl, note = possible, "version "+value+" is less precise than the bound "+b.bound+from
			continue
		}
		if !b.ok(cpe.Compare(value, b.bound)) {
			return no, ""
		}
	}
	return lvl, note
}

// describeVersion says what version a criterion needs, for evidence.
func describeVersion(cv string, m *cordon.CPEMatch) string {
	s := ""
	if cv != cpe.Any {
		s = cpe.Unescape(cv)
	}
	add := func(op, b string) {
		if b != "" {
			if s != "" {
				s += ", "
			}
			s += op + b
		}
	}
	add(">=", m.VersionStartIncluding)
	add(">", m.VersionStartExcluding)
	add("<=", m.VersionEndIncluding)
	add("<", m.VersionEndExcluding)
	if s == "" {
		s = "a version"
	}
	return s
}

// parseMemo remembers the last few criteria parsed. NVD repeats criteria
// strings: every range of a product shares one ("linux_kernel:*"), and
// Windows CVEs name the same releases ("windows_7:-:sp1") again and again,
// so a handful of entries saves most parsing while matching one device.
type parseMemo struct {
	keys  [4]string
	names [4]cpe.Name
	ok    [4]bool
	next  int
}

// parse returns the parsed criterion s, and false when it is not a valid
// CPE 2.3 name. The Name is valid until the next call. A nil memo parses
// every time.
func (pm *parseMemo) parse(s string) (*cpe.Name, bool) {
	if pm == nil {
		c, err := cpe.Parse(s)
		return &c, err == nil
	}
	for i := range pm.keys {
		if pm.keys[i] == s && s != "" {
			return &pm.names[i], pm.ok[i]
		}
	}
	i := pm.next
	pm.next = (pm.next + 1) % len(pm.keys)
	c, err := cpe.Parse(s)
	pm.keys[i], pm.names[i], pm.ok[i] = s, c, err == nil
	return &pm.names[i], pm.ok[i]
}
