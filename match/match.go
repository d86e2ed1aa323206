package match

import (
	"cmp"
	"slices"
	"strings"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/cpe"
)

// Statuses of a Match.
const (
	Confirmed = "confirmed" // the evidence pins an affected version
	Possible  = "possible"  // affected unless the unknown version says otherwise
)

// Match is one vulnerability that applies to a device.
type Match struct {
	CVE      string   `json:"cve"`
	Status   string   `json:"status"`   // Confirmed or Possible
	Criteria string   `json:"criteria"` // the vulnerable criterion satisfied
	Software string   `json:"software"` // the device's CPE that satisfied it
	KEV      bool     `json:"kev"`      // listed in CISA KEV
	Evidence []string `json:"evidence"` // device fact → CPE → criterion → configuration
}

// Index finds the vulnerabilities of devices quickly: it groups the
// vulnerable criteria by part:vendor:product, so that a device's few CPE
// names select the few criteria worth checking, and only the configurations
// whose vulnerable criterion holds are evaluated in full.
type Index struct {
	vulns   []cordon.Vulnerability
	byKey   map[string]*keyed
	wild    []posting           // criteria with wildcards in part, vendor or product
	family  map[string][]string // "o:microsoft:windows_10" → keys of its releases
	order   []int32             // vulnerability indexes by CVE ID (stable)
	cands   candCache           // selected configurations per distinct device name
	results resultCache         // matches per distinct device fingerprint
}

// posting is one vulnerable criterion under its key, with what the quick
// check needs, so that rejecting it touches nothing else.
type posting struct {
	m       *cordon.CPEMatch
	version string // canonical version and update of the criterion
	update  string
	vuln    int32 // the vulnerability's rank in Index.order
	cfg     int32
	end     string // the range's end bound, when it orders the posting in keyed.ends
	full    bool   // other attributes are set: check the parsed criterion
}

// ref names one configuration of one vulnerability, by its rank in
// Index.order.
type ref struct{ vuln, cfg int32 }

// New indexes vulns. The Index keeps the slice: do not change it
// afterwards. Criteria that are not valid CPE 2.3 names are never matched.
func New(vulns []cordon.Vulnerability) *Index {
	ix := &Index{vulns: vulns, byKey: make(map[string]*keyed), family: make(map[string][]string)}
	ix.results.limit = DefaultCacheMatches
	byKey := make(map[string][]posting)
	// Rank the vulnerabilities as sortMatches orders matches (by CVE ID,
	// stably), so that Device needs no sort of its matches.
	ix.order = make([]int32, len(vulns))
	for i := range ix.order {
		ix.order[i] = int32(i)
	}
	slices.SortStableFunc(ix.order, func(a, b int32) int { return strings.Compare(vulns[a].ID, vulns[b].ID) })
	rank := make([]int32, len(vulns))
	for r, vi := range ix.order {
		rank[vi] = int32(r)
	}
	for vi := range vulns {
		for ci := range vulns[vi].Configurations {
			for ni := range vulns[vi].Configurations[ci].Nodes {
				n := &vulns[vi].Configurations[ci].Nodes[ni]
				if n.Negate {
					continue
				}
				for mi := range n.CPEMatch {
					m := &n.CPEMatch[mi]
					if !m.Vulnerable {
						continue
					}
					c, err := cpe.Parse(m.Criteria)
					if err != nil {
						continue
					}
					p := posting{m: m, version: c.Version, update: c.Update, vuln: rank[vi], cfg: int32(ci)}
					for i := 5; i < cpe.NumAttrs; i++ {
						if c.Attr(i) != cpe.Any {
							p.full = true
						}
					}
					if isWild(c.Part) || isWild(c.Vendor) || isWild(c.Product) {
						ix.wild = append(ix.wild, p)
						continue
					}
					k := c.Key()
					if _, seen := byKey[k]; !seen {
						if base := familyOf(k); base != "" {
							ix.family[base] = append(ix.family[base], k)
						}
					}
					byKey[k] = append(byKey[k], p)
				}
			}
		}
	}
	for k, ps := range byKey {
		ix.byKey[k] = newKeyed(ps)
	}
	return ix
}

// isWild reports whether an attribute value of a criterion can name more
// than one value, so that it cannot serve as an index key.
func isWild(v string) bool { return v == cpe.Any || cpe.HasWildcard(v) }

// Len returns the number of vulnerabilities indexed.
func (ix *Index) Len() int { return len(ix.vulns) }

// holds reports whether the posting's criterion can hold for device name
// d, giving the same answer as nameLevel on the parsed criterion.
func (p *posting) holds(d *devCPE, sameKey bool) bool {
	if !sameKey || p.full {
		c, err := cpe.Parse(p.m.Criteria)
		if err != nil {
			return false
		}
		lvl, _ := nameLevel(&c, p.m, d)
		return lvl > no
	}
	// The key is the device's: only version and update can differ.
	c := cpe.Name{Part: d.name.Part, Vendor: d.name.Vendor, Product: d.name.Product, Version: p.version, Update: p.update}
	lvl, _ := nameLevel(&c, p.m, d)
	return lvl > no
}

// Device returns the vulnerabilities that apply to d, one Match per CVE
// (the strongest), sorted by CVE ID. Devices that look alike to the
// matcher (same software list, OS and SMBv1 evidence) are matched once:
// later ones get a copy of the first one's result.
func (ix *Index) Device(d *cordon.Device) []Match {
	if d == nil {
		return nil
	}
	key := fingerprint(d)
	if ms, ok := ix.results.get(key); ok {
		return ms
	}
	ms := ix.device(d)
	ix.results.put(key, ms)
	return ms
}

// device matches d without the result cache.
func (ix *Index) device(d *cordon.Device) []Match {
	devs := deviceCPEs(d)
	if len(devs) == 0 {
		return nil
	}
	var cands []ref
	for i := range devs {
		cands = append(cands, ix.candidates(&devs[i])...)
	}
	// Sorting without reflection: cands runs to thousands for an old OS.
	slices.SortFunc(cands, func(a, b ref) int {
		if a.vuln != b.vuln {
			return cmp.Compare(a.vuln, b.vuln)
		}
		return cmp.Compare(a.cfg, b.cfg)
	})
	// ref.vuln is the vulnerability's rank by CVE ID, so the matches come
	// out in the order sortMatches would give them.
	out := make([]Match, 0, len(cands))
	var best result
	var memo parseMemo
	bestRank := int32(-1)
	flush := func() {
		if bestRank >= 0 && best.lvl > no {
			out = append(out, best.match(&ix.vulns[ix.order[bestRank]], d, devs))
		}
	}
	for i, r := range cands {
		if i > 0 && cands[i-1] == r {
			continue
		}
		if r.vuln != bestRank {
			flush()
			bestRank, best = r.vuln, result{}
		}
		if res := evalConfig(&ix.vulns[ix.order[r.vuln]].Configurations[r.cfg], devs, &memo); res.lvl > best.lvl {
			res.cfg = int(r.cfg)
			best = res
		}
	}
	flush()
	if len(out) == 0 {
		return nil // as NaiveDevice
	}
	return out
}

// NaiveDevice is the baseline the Index is measured and checked against:
// it evaluates every configuration of every vulnerability. It returns what
// (*Index).Device returns.
func NaiveDevice(vulns []cordon.Vulnerability, d *cordon.Device) []Match {
	if d == nil {
		return nil
	}
	devs := deviceCPEs(d)
	if len(devs) == 0 {
		return nil
	}
	var out []Match
	var memo parseMemo
	for vi := range vulns {
		var best result
		for ci := range vulns[vi].Configurations {
			if res := evalConfig(&vulns[vi].Configurations[ci], devs, &memo); res.lvl > best.lvl {
				res.cfg = ci
				best = res
			}
		}
		if best.lvl > no {
			out = append(out, best.match(&vulns[vi], d, devs))
		}
	}
	sortMatches(out)
	return out
}

// sortMatches orders matches by CVE ID. It avoids sort.SliceStable's
// reflection, which cost a sixth of the time of a device with a thousand
// matches.
func sortMatches(ms []Match) {
	slices.SortStableFunc(ms, func(a, b Match) int { return strings.Compare(a.CVE, b.CVE) })
}
