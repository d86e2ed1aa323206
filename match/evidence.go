package match

import (
	"strconv"
	"strings"

	"github.com/cordonsec/cordon"
)

// match turns the best result for v into a Match with its evidence chain:
// the device fact, the device's CPE name (and what it implies), the
// criterion, and the configuration with the platform criteria it met.
func (r result) match(v *cordon.Vulnerability, d *cordon.Device, devs []devCPE) Match {
	cfg := &v.Configurations[r.cfg]
	m := &cfg.Nodes[r.node].CPEMatch[r.crit]
	dev := &devs[r.dev]
	out := Match{
		CVE:      v.ID,
		Status:   Confirmed,
		Criteria: m.Criteria,
		Software: dev.raw,
		KEV:      v.KEV != nil,
	}
	if r.lvl == possible {
		out.Status = Possible
	}
	root := dev
	for root.from >= 0 {
		root = &devs[root.from]
	}
	out.Evidence = append(out.Evidence, "fact "+fact(root.source, d))
	if root != dev {
		out.Evidence = append(out.Evidence, "cpe "+root.raw)
		out.Evidence = append(out.Evidence, "implies "+dev.raw+" ("+dev.why+")")
	} else if dev.why != "" {
		out.Evidence = append(out.Evidence, "cpe "+dev.raw+" ("+dev.why+")")
	} else {
		out.Evidence = append(out.Evidence, "cpe "+dev.raw)
	}
	crit := "criterion " + m.Criteria
	if hasRange(m) {
		crit += " versions " + describeVersion("*", m)
	}
	out.Evidence = append(out.Evidence, crit+" (vulnerable)")
	if r.note != "" {
		out.Evidence = append(out.Evidence, "possible: "+r.note)
	}
	op := cfg.Operator
	if op == "" {
		op = "OR"
	}
	conf := "configuration " + strconv.Itoa(r.cfg+1) + " of " + v.ID + " (" + op
	if cfg.Negate {
		conf += ", negated"
	}
	conf += ", " + strconv.Itoa(len(cfg.Nodes)) + " nodes)"
	out.Evidence = append(out.Evidence, conf)
	// Name the platform conditions the configuration required and met.
	for ni := range cfg.Nodes {
		if ni == r.node || op != "AND" {
			continue
		}
		n := &cfg.Nodes[ni]
		for mi := range n.CPEMatch {
			pm := &n.CPEMatch[mi]
			if lvl, di, _ := criterion(pm, devs, nil); lvl > no {
				kind := "platform"
				if pm.Vulnerable {
					kind = "with"
				}
				if n.Negate {
					kind = "not " + kind
				}
				out.Evidence = append(out.Evidence, kind+" "+pm.Criteria+" met by "+devs[di].raw)
				break
			}
		}
	}
	return out
}

func hasRange(m *cordon.CPEMatch) bool {
	return m.VersionStartIncluding != "" || m.VersionStartExcluding != "" ||
		m.VersionEndIncluding != "" || m.VersionEndExcluding != ""
}

// fact describes where a device name came from: the OS the device was
// recognised as, or the observed fact classify recorded as its source.
func fact(source string, d *cordon.Device) string {
	switch source {
	case "os":
		return "os=" + strings.TrimSpace(d.OS.Name+" "+d.OS.Version)
	case "":
		return "software list"
	}
	return source
}
