package ingest

import (
	"cmp"
	"slices"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/classify"
	"github.com/cordonsec/cordon/inventory"
)

// maxValuesPerFact bounds how many values of one fact a device keeps across
// captures (the most recently seen win), so that a chatty device's DNS
// lookups do not grow its record for ever.
const maxValuesPerFact = 64

// Merge combines what the register knew of a device (old, may be nil) with
// what a new capture shows (cur), then classifies the result afresh from all
// the evidence. Addresses and names accumulate (DHCP renumbering adds to the
// history rather than making a new device), evidence counts add up, and the
// times widen.
func Merge(old, cur *cordon.Device, cl *classify.Classifier) *cordon.Device {
	d := *cur
	if old != nil {
		d.IPs = union(cur.IPs, old.IPs)
		d.Hostnames = union(cur.Hostnames, old.Hostnames)
		if d.Vendor == "" {
			d.Vendor = old.Vendor
		}
		if old.FirstSeen.Before(d.FirstSeen) || d.FirstSeen.IsZero() {
			d.FirstSeen = old.FirstSeen
		}
		if old.LastSeen.After(d.LastSeen) {
			d.LastSeen = old.LastSeen
		}
		d.Evidence = mergeEvidence(old.Evidence, cur.Evidence)
		d.Services = mergeServices(old.Services, cur.Services)
	}
	d.Reasons = nil
	d.DICOM, d.HL7 = nil, nil
	inventory.Summarise(&d)
	cl.Classify(&d)
	return &d
}

func union(first, second []string) []string {
	out := slices.Clone(first)
	for _, v := range second {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	if out == nil {
		out = []string{}
	}
	return out
}

func mergeEvidence(old, cur []cordon.Evidence) []cordon.Evidence {
	type key struct{ fact, value string }
	byKey := make(map[key]int, len(old)+len(cur))
	out := make([]cordon.Evidence, 0, len(old)+len(cur))
	for _, list := range [][]cordon.Evidence{old, cur} {
		for _, e := range list {
			k := key{e.Fact, e.Value}
			i, ok := byKey[k]
			if !ok {
				byKey[k] = len(out)
				out = append(out, e)
				continue
			}
			have := &out[i]
			if e.FirstSeen.Before(have.FirstSeen) {
				have.FirstSeen = e.FirstSeen
			}
			if e.LastSeen.After(have.LastSeen) {
				have.LastSeen = e.LastSeen
			}
			have.Count += e.Count
		}
	}
	// Keep the most recent values of each fact, within the bound, in the
	// order the inventory uses: by fact, then first seen.
	slices.SortStableFunc(out, func(a, b cordon.Evidence) int {
		return cmp.Or(cmp.Compare(a.Fact, b.Fact), b.LastSeen.Compare(a.LastSeen))
	})
	kept := make([]cordon.Evidence, 0, len(out))
	n := 0
	for i, e := range out {
		if i == 0 || e.Fact != out[i-1].Fact {
			n = 0
		}
		if n++; n <= maxValuesPerFact {
			kept = append(kept, e)
		}
	}
	slices.SortStableFunc(kept, func(a, b cordon.Evidence) int {
		return cmp.Or(cmp.Compare(a.Fact, b.Fact), a.FirstSeen.Compare(b.FirstSeen), cmp.Compare(a.Value, b.Value))
	})
	return kept
}

func mergeServices(old, cur []cordon.Service) []cordon.Service {
	out := slices.Clone(cur)
	for _, s := range old {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b cordon.Service) int {
		return cmp.Or(cmp.Compare(a.Role, b.Role), cmp.Compare(a.Proto, b.Proto), cmp.Compare(a.Port, b.Port), cmp.Compare(a.App, b.App))
	})
	if out == nil {
		out = []cordon.Service{}
	}
	return out
}
