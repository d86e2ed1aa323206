package chart

import (
	"slices"
	"strconv"
	"strings"
)

// AggregateByGroup turns a map too large to read into one node per group
// and one edge per pair of groups, for networks beyond a few hundred
// devices. Each group node has the ID "group:" followed by the group name,
// keeps the group (so it is drawn in a box of that name), is labelled with
// its node count and how many of them are medical, e.g. "40 (12 med)", and
// takes the most important kind among its members (medical, then clinical
// server, IT, infrastructure, external). Edge
// weights between groups are summed and their labels kept, most frequent
// first, up to a few; traffic within a group is dropped. Href is left empty
// for the caller to fill in. The result is sorted by group name.
func AggregateByGroup(nodes []Node, edges []Edge) ([]Node, []Edge) {
	type agg struct {
		count int
		kind  int // best kindRank seen
		kinds [len(kindOrder)]int
	}
	groupOf := make(map[string]string, len(nodes))
	groups := make(map[string]*agg)
	for _, n := range nodes {
		if _, dup := groupOf[n.ID]; dup {
			continue
		}
		g := strings.TrimSpace(cleanText(n.Group))
		if g == "" {
			g = ungrouped
		}
		groupOf[n.ID] = g
		a := groups[g]
		if a == nil {
			a = &agg{kind: len(kindOrder)}
			groups[g] = a
		}
		a.count++
		r := kindRank(n.Kind)
		a.kinds[r]++
		a.kind = min(a.kind, r)
	}
	names := make([]string, 0, len(groups))
	for g := range groups {
		names = append(names, g)
	}
	slices.Sort(names)

	out := make([]Node, 0, len(names))
	for _, g := range names {
		a := groups[g]
		out = append(out, Node{
			ID:    "group:" + g,
			Label: groupLabel(a.count, a.kinds),
			Group: g,
			Kind:  kindOrder[a.kind],
		})
	}

	type pair struct{ a, b string }
	type link struct {
		weight float64
		labels map[string]float64
	}
	links := make(map[pair]*link)
	for _, e := range edges {
		ga, okA := groupOf[e.From]
		gb, okB := groupOf[e.To]
		if !okA || !okB || ga == gb {
			continue
		}
		k := pair{ga, gb}
		lk := links[k]
		if lk == nil {
			lk = &link{labels: make(map[string]float64)}
			links[k] = lk
		}
		w := finite(e.Weight)
		lk.weight += w
		if lb := strings.TrimSpace(e.Label); lb != "" {
			// Weight labels by traffic, counting at least one per edge so
			// unweighted edges still rank.
			lk.labels[lb] += max(w, 1)
		}
	}
	keys := make([]pair, 0, len(links))
	for k := range links {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y pair) int {
		if c := strings.Compare(x.a, y.a); c != 0 {
			return c
		}
		return strings.Compare(x.b, y.b)
	})
	outEdges := make([]Edge, 0, len(keys))
	for _, k := range keys {
		lk := links[k]
		outEdges = append(outEdges, Edge{
			From:   "group:" + k.a,
			To:     "group:" + k.b,
			Label:  topLabels(lk.labels, 3),
			Weight: lk.weight,
		})
	}
	return out, outEdges
}

// groupLabel says how many nodes a group holds and how many are medical,
// e.g. "40 (12 med)", short enough to be drawn in full under the node.
func groupLabel(count int, kinds [len(kindOrder)]int) string {
	if m := kinds[kindRank(KindMedical)]; m > 0 {
		return strconv.Itoa(count) + " (" + strconv.Itoa(m) + " med)"
	}
	return plural(count, "node")
}

// topLabels joins the n heaviest labels, heaviest first, ties by name.
func topLabels(labels map[string]float64, n int) string {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y string) int {
		switch {
		case labels[x] > labels[y]:
			return -1
		case labels[x] < labels[y]:
			return 1
		}
		return strings.Compare(x, y)
	})
	more := len(keys) > n
	if more {
		keys = keys[:n]
	}
	s := strings.Join(keys, ", ")
	if more {
		s += ", …"
	}
	return s
}
