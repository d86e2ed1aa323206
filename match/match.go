package match

import (
	"sort"

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
	vulns  []cordon.Vulnerability
	byKey  map[string][]posting
	wild   []posting           // criteria with wildcards in part, vendor or product
	family map[string][]string // "o:microsoft:windows_10" → keys of its releases
}

// posting is one vulnerable criterion under its key, with what the quick
// check needs, so that rejecting it touches nothing else.
type posting struct {
	m       *cordon.CPEMatch
	version string // canonical version and update of the criterion
	update  string
	vuln    int32
	cfg     int32
	full    bool // other attributes are set: check the parsed criterion
}

// ref names one configuration of one vulnerability.
type ref struct{ vuln, cfg int32 }

// New indexes vulns. The Index keeps the slice: do not change it
// afterwards. Criteria that are not valid CPE 2.3 names are never matched.
func New(vulns []cordon.Vulnerability) *Index {
	ix := &Index{vulns: vulns, byKey: make(map[string][]posting), family: make(map[string][]string)}
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
					p := posting{m: m, version: c.Version, update: c.Update, vuln: int32(vi), cfg: int32(ci)}
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
					if _, seen := ix.byKey[k]; !seen {
						if base := familyOf(k); base != "" {
							ix.family[base] = append(ix.family[base], k)
						}
					}
					ix.byKey[k] = append(ix.byKey[k], p)
				}
			}
		}
	}
	return ix
}

// isWild reports whether an attribute value of a criterion can name more
// than one value, so that it cannot serve as an index key.
func isWild(v string) bool { return v == cpe.Any || hasWildcard(v) }

// hasWildcard reports whether v holds an unquoted '*' or '?'.
func hasWildcard(v string) bool {
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
// (the strongest), sorted by CVE ID.
func (ix *Index) Device(d *cordon.Device) []Match {
	if d == nil {
		return nil
	}
	devs := deviceCPEs(d)
	if len(devs) == 0 {
		return nil
	}
	var cands []ref
	add := func(ps []posting, dv *devCPE, sameKey bool) {
		for i := range ps {
			p := &ps[i]
			if n := len(cands); n > 0 && cands[n-1] == (ref{p.vuln, p.cfg}) {
				continue // the same configuration, already selected
			}
			if p.holds(dv, sameKey) {
				cands = append(cands, ref{p.vuln, p.cfg})
			}
		}
	}
	for i := range devs {
		dv := &devs[i]
		add(ix.byKey[dv.key], dv, true)
		if dv.family {
			for _, k := range ix.family[dv.key] {
				add(ix.byKey[k], dv, false)
			}
		}
		add(ix.wild, dv, false)
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].vuln != cands[j].vuln {
			return cands[i].vuln < cands[j].vuln
		}
		return cands[i].cfg < cands[j].cfg
	})
	var out []Match
	var best result
	bestVuln := int32(-1)
	flush := func() {
		if bestVuln >= 0 && best.lvl > no {
			out = append(out, best.match(&ix.vulns[bestVuln], d, devs))
		}
	}
	for i, r := range cands {
		if i > 0 && cands[i-1] == r {
			continue
		}
		if r.vuln != bestVuln {
			flush()
			bestVuln, best = r.vuln, result{}
		}
		if res := evalConfig(&ix.vulns[r.vuln].Configurations[r.cfg], devs); res.lvl > best.lvl {
			res.cfg = int(r.cfg)
			best = res
		}
	}
	flush()
	sortMatches(out)
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
	for vi := range vulns {
		var best result
		for ci := range vulns[vi].Configurations {
			if res := evalConfig(&vulns[vi].Configurations[ci], devs); res.lvl > best.lvl {
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

func sortMatches(ms []Match) {
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].CVE < ms[j].CVE })
}
