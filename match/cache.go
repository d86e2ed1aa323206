package match

import (
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/cordonsec/cordon"
)

// DefaultCacheMatches is the default bound of an Index's result cache, in
// matches held. A cached match with its evidence takes about 320 bytes, so
// the default keeps the cache near 80 MB however many distinct devices
// pass; past the bound, new devices are matched afresh each time.
const DefaultCacheMatches = 1 << 18

// SetCacheMatches bounds the result cache to n matches (0 turns it off for
// devices not yet cached). A fleet of a few thousand distinct images, each
// with a thousand matches, needs a few million to be matched once per
// image. Call it before the Index is shared.
func (ix *Index) SetCacheMatches(n int) { ix.results.limit = int64(n) }

// resultCache remembers the matches of each distinct device fingerprint.
// Hospitals run fleets of identical devices (one image per model and
// firmware release), so a trust's 50,000 devices hold far fewer distinct
// software lists, and each needs matching once.
type resultCache struct {
	m     sync.Map // fingerprint → []Match, never modified once stored
	n     atomic.Int64
	limit int64 // set by New and SetCacheMatches, before concurrent use
}

// get returns a copy of the cached matches for key. The copy shares
// strings with the cache but no slice, so the caller may change it.
func (c *resultCache) get(key string) ([]Match, bool) {
	v, ok := c.m.Load(key)
	if !ok {
		return nil, false
	}
	ms := v.([]Match)
	if len(ms) == 0 {
		return nil, true
	}
	out := make([]Match, len(ms))
	copy(out, ms)
	// One backing array for every evidence list: two allocations per
	// device instead of one per match.
	total := 0
	for i := range ms {
		total += len(ms[i].Evidence)
	}
	ev := make([]string, 0, total)
	for i := range out {
		start := len(ev)
		ev = append(ev, ms[i].Evidence...)
		out[i].Evidence = ev[start:len(ev):len(ev)]
	}
	return out, true
}

// put stores ms under key while the cache has room. The Index keeps ms:
// the caller must hand out copies only (Device returns the fresh ms
// itself, so it stores a copy).
func (c *resultCache) put(key string, ms []Match) {
	cost := int64(len(ms)) + 1
	if c.n.Load()+cost > c.limit {
		return
	}
	kept := make([]Match, len(ms))
	copy(kept, ms)
	for i := range kept {
		kept[i].Evidence = append([]string(nil), ms[i].Evidence...)
	}
	if _, loaded := c.m.LoadOrStore(key, kept); !loaded {
		c.n.Add(cost)
	}
}

// fingerprint encodes everything of d that matching reads: the software
// names and their sources in order (the order decides which of two equal
// names a match cites), the OS name and version (the version is the build
// of an OS name without one; both appear in evidence) and the SMBv1
// evidence. Each field is length-prefixed so that no two devices share a
// fingerprint.
func fingerprint(d *cordon.Device) string {
	b := make([]byte, 0, 256)
	field := func(s string) {
		b = strconv.AppendInt(b, int64(len(s)), 10)
		b = append(b, ':')
		b = append(b, s...)
	}
	field(d.OS.Name)
	field(d.OS.Version)
	b = strconv.AppendInt(b, int64(len(d.Software)), 10)
	for _, sw := range d.Software {
		field(sw.CPE)
		field(sw.Source)
	}
	// smb1Implied cites the first SMBv1 fact only.
	for _, e := range d.Evidence {
		if e.Fact == "smb.dialect" && e.Value == "NT LM 0.12" || e.Fact == "smb.version" && e.Value == "1" {
			field(e.Fact)
			break
		}
	}
	return string(b)
}
