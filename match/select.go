package match

import (
	"sort"
	"sync"
	"sync/atomic"

	"github.com/cordonsec/cordon/cpe"
)

// keyed holds the vulnerable criteria of one part:vendor:product.
//
// Popular products (Windows, the Linux kernel, browsers) carry thousands of
// criteria, most of them ranges that end before the device's version.
// Those ranges are kept sorted by their end bound, so that one binary
// search on the device's version skips every range that ended before it;
// the rest are checked one by one as before.
type keyed struct {
	other []posting // checked one by one
	ends  []posting // plain criteria with an all-numeric end bound, sorted by it
}

// newKeyed sorts the postings of one key into a keyed.
func newKeyed(ps []posting) *keyed {
	k := &keyed{}
	for _, p := range ps {
		end := p.m.VersionEndExcluding
		if end == "" {
			end = p.m.VersionEndIncluding
		}
		if p.full || !numericBound(end) {
			k.other = append(k.other, p)
			continue
		}
		p.end = end
		k.ends = append(k.ends, p)
	}
	sort.SliceStable(k.ends, func(i, j int) bool { return cpe.Compare(k.ends[i].end, k.ends[j].end) < 0 })
	return k
}

// numericBound reports whether every segment of a version bound is made
// of digits only ("10.0.19045.4291", not "1.0.1g" nor "9.3p2").
//
// Why it matters: a device version v is "less precise" than such a bound
// (cpe.Coarser, which makes a range only possible) only when the bound
// continues v with further non-zero numbers, and then v sorts before the
// bound. So a range whose numeric end bound sorts before v can never hold
// for v, not even as possible. A segment such as "rc1" below the missing
// (zero) segment would break that, hence the restriction.
func numericBound(b string) bool {
	digits := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= '0' && c <= '9':
			digits = true
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == ')':
			return false // part of a segment that is not a plain number
		}
	}
	return digits
}

// rangeValue returns the version versionLevel compares with range bounds
// for device name d, or false when it has none (the range is then only
// possible, or does not apply).
func rangeValue(d *devCPE) (string, bool) {
	switch dv := d.name.Version; {
	case dv != cpe.Any && dv != "" && dv != cpe.NA:
		if d.verPatch != "" {
			return d.verPatch, true
		}
		return d.ver, true
	case d.hint != "":
		return d.hint, true
	}
	return "", false
}

// selectRefs returns the configurations with a vulnerable criterion that
// can hold for device name dv, in index order, maybe repeated.
func (ix *Index) selectRefs(dv *devCPE) []ref {
	var out []ref
	add := func(ps []posting, sameKey bool) {
		for i := range ps {
			p := &ps[i]
			if n := len(out); n > 0 && out[n-1] == (ref{p.vuln, p.cfg}) {
				continue // the same configuration, already selected
			}
			if p.holds(dv, sameKey) {
				out = append(out, ref{p.vuln, p.cfg})
			}
		}
	}
	if k := ix.byKey[dv.key]; k != nil {
		add(k.other, true)
		ends := k.ends
		if v, ok := rangeValue(dv); ok {
			i := sort.Search(len(ends), func(i int) bool { return cpe.Compare(v, ends[i].end) <= 0 })
			ends = ends[i:]
		}
		add(ends, true)
	}
	if dv.family {
		for _, key := range ix.family[dv.key] {
			if k := ix.byKey[key]; k != nil {
				add(k.other, false)
				add(k.ends, false)
			}
		}
	}
	add(ix.wild, false)
	return out
}

// maxCachedNames bounds the candidate cache: past it, new device names
// are selected afresh each time, so memory stays bounded whatever the
// input.
const maxCachedNames = 1 << 15

// candCache remembers the configurations selected for each distinct
// device name. Hospital devices share images, so the same few OS and
// software names recur across thousands of devices; selecting for them
// once saves the scan of their product's criteria.
type candCache struct {
	m sync.Map // name key → []ref, never modified once stored
	n atomic.Int64
}

// candidates returns selectRefs(dv), from the cache when it can. The
// result must not be modified.
func (ix *Index) candidates(dv *devCPE) []ref {
	// selectRefs depends on the name (parsed from raw, which fixes key,
	// family, ver and verPatch) and on the OS version hint only.
	key := dv.raw + "\x00" + dv.hint
	if v, ok := ix.cands.m.Load(key); ok {
		return v.([]ref)
	}
	refs := ix.selectRefs(dv)
	if ix.cands.n.Load() < maxCachedNames {
		if _, loaded := ix.cands.m.LoadOrStore(key, refs); !loaded {
			ix.cands.n.Add(1)
		}
	}
	return refs
}
