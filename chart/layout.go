package chart

import (
	"math"
	"slices"
	"strings"
)

// Network map geometry, in viewBox units.
const (
	legendH     = 36.0  // legend strip at the top
	mapMargin   = 8.0   // around the whole picture
	mapGap      = 24.0  // between group boxes
	mapPad      = 12.0  // inside a group box
	mapHeader   = 30.0  // group name strip inside a box
	mapCellW    = 96.0  // one node with its label
	mapCellH    = 50.0  //
	nodeCY      = 16.0  // shape centre within its cell
	nodeLabelDY = 24.0  // label baseline below the shape centre
	minMapW     = 760.0 // the legend's width
	ungrouped   = "Ungrouped"
	maxEdgeTags = 4 // distinct edge labels kept per pair for the tooltip
)

// mapLayout is the computed geometry of a network map, kept apart from the
// drawing so tests can check its invariants directly.
type mapLayout struct {
	width, height float64
	groups        []groupBox
	nodes         []placedNode
	edges         []placedEdge
}

type groupBox struct {
	name       string
	x, y, w, h float64
	nodes      []int // indices into mapLayout.nodes
}

type placedNode struct {
	Node
	x, y  float64 // shape centre
	group int     // index into mapLayout.groups
}

// placedEdge is all traffic between one pair of nodes, both directions
// merged into one line.
type placedEdge struct {
	a, b      int // node indices, a < b
	fwd, back bool
	weight    float64
	width     float64
	opacity   float64
	labels    []string
	more      bool // labels were left out
}

// layoutMap places groups, nodes and edges. Everything is sorted before it
// is placed, so the same input always gives the same picture whatever the
// order of nodes and edges.
func layoutMap(nodes []Node, edges []Edge) *mapLayout {
	l := &mapLayout{}

	// Nodes: first of each ID wins; group "" becomes "Ungrouped".
	seen := make(map[string]bool, len(nodes))
	for _, n := range nodes {
		if seen[n.ID] {
			continue
		}
		seen[n.ID] = true
		n.Label = strings.TrimSpace(cleanText(n.Label))
		if n.Label == "" {
			n.Label = cleanText(n.ID)
		}
		n.Group = strings.TrimSpace(cleanText(n.Group))
		if n.Group == "" {
			n.Group = ungrouped
		}
		l.nodes = append(l.nodes, placedNode{Node: n})
	}
	if len(l.nodes) == 0 {
		return l
	}
	slices.SortStableFunc(l.nodes, func(a, b placedNode) int {
		if c := strings.Compare(a.Group, b.Group); c != 0 {
			return c
		}
		if c := placeRank(a.Kind) - placeRank(b.Kind); c != 0 {
			return c
		}
		if c := strings.Compare(a.Label, b.Label); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	for i := range l.nodes {
		if i == 0 || l.nodes[i].Group != l.nodes[i-1].Group {
			l.groups = append(l.groups, groupBox{name: l.nodes[i].Group})
		}
		g := len(l.groups) - 1
		l.nodes[i].group = g
		l.groups[g].nodes = append(l.groups[g].nodes, i)
	}

	l.placeGroups()
	l.mergeEdges(edges)
	return l
}

// placeRank orders nodes inside a group: clinical servers and network
// infrastructure first, as they are the hubs most edges go to, then medical
// devices, IT and external hosts.
func placeRank(kind string) int {
	switch normalKind(kind) {
	case KindClinicalServer:
		return 0
	case KindInfrastructure:
		return 1
	case KindMedical:
		return 2
	case KindIT:
		return 3
	}
	return 4
}

// placeGroups sizes each box for its nodes, then packs the boxes in rows
// ("shelves") no wider than a target chosen to make the whole picture
// about 16:10, and finally puts the nodes in rows inside their box.
func (l *mapLayout) placeGroups() {
	area := 0.0
	widest := minMapW - 2*mapMargin
	cols := make([]int, len(l.groups))
	for i := range l.groups {
		g := &l.groups[i]
		n := len(g.nodes)
		// Boxes a little wider than tall read well in a landscape page.
		c := min(n, int(math.Ceil(math.Sqrt(float64(n)*1.2))))
		nameW := textWidth(truncate(g.name, 40)+" · 000", 13) + 2*mapPad
		g.w = maxf(float64(c)*mapCellW+2*mapPad, nameW)
		// Use the room a long group name forces anyway.
		c = min(n, max(c, int((g.w-2*mapPad)/mapCellW)))
		cols[i] = c
		rows := (n + c - 1) / c
		g.h = mapHeader + float64(rows)*mapCellH + mapPad/2
		area += (g.w + mapGap) * (g.h + mapGap)
		widest = maxf(widest, g.w)
	}
	target := maxf(widest, math.Sqrt(area*1.6))

	x, y, rowH, width := mapMargin, mapMargin+legendH+8, 0.0, 0.0
	for i := range l.groups {
		g := &l.groups[i]
		if x > mapMargin && x+g.w > mapMargin+target {
			x, y, rowH = mapMargin, y+rowH+mapGap, 0
		}
		g.x, g.y = x, y
		x += g.w + mapGap
		rowH = maxf(rowH, g.h)
		width = maxf(width, g.x+g.w)
		for k, ni := range g.nodes {
			r, c := k/cols[i], k%cols[i]
			l.nodes[ni].x = g.x + mapPad + (float64(c)+0.5)*mapCellW
			l.nodes[ni].y = g.y + mapHeader + float64(r)*mapCellH + nodeCY
		}
	}
	l.width = maxf(width, minMapW-mapMargin) + mapMargin
	l.height = y + rowH + mapMargin
}

// mergeEdges keeps one line per pair of nodes, summing weights and
// collecting labels, and sets each line's width on a log scale so a few
// heavy flows do not make every other line a hairline.
func (l *mapLayout) mergeEdges(edges []Edge) {
	index := make(map[string]int, len(l.nodes))
	for i, n := range l.nodes {
		index[n.ID] = i
	}
	type pair struct{ a, b int }
	at := make(map[pair]int)
	for _, e := range edges {
		a, okA := index[e.From]
		b, okB := index[e.To]
		if !okA || !okB || a == b {
			continue
		}
		fwd := a < b
		if !fwd {
			a, b = b, a
		}
		k := pair{a, b}
		i, ok := at[k]
		if !ok {
			i = len(l.edges)
			at[k] = i
			l.edges = append(l.edges, placedEdge{a: a, b: b})
		}
		pe := &l.edges[i]
		if fwd {
			pe.fwd = true
		} else {
			pe.back = true
		}
		pe.weight += finite(e.Weight)
		// Bound the work per pair: an aggregate edge can carry thousands
		// of labels and the tooltip shows only a few.
		if lb := strings.TrimSpace(cleanText(e.Label)); lb != "" && !slices.Contains(pe.labels, lb) {
			if len(pe.labels) < 4*maxEdgeTags {
				pe.labels = append(pe.labels, lb)
			} else {
				pe.more = true
			}
		}
	}
	heaviest := 0.0
	for i := range l.edges {
		pe := &l.edges[i]
		if math.IsInf(pe.weight, 0) {
			pe.weight = math.MaxFloat64
		}
		heaviest = maxf(heaviest, pe.weight)
		slices.Sort(pe.labels)
		if len(pe.labels) > maxEdgeTags {
			pe.labels, pe.more = pe.labels[:maxEdgeTags], true
		}
		if pe.more {
			pe.labels = append(pe.labels, "…")
		}
	}
	// The more edges, the fainter each: a hundred lines at full strength
	// already hide the nodes. Heavier edges stay darker than light ones.
	density := math.Min(1, math.Sqrt(100/float64(len(l.edges)+1)))
	for i := range l.edges {
		pe := &l.edges[i]
		t := 0.5
		if heaviest > 0 {
			t = math.Log1p(pe.weight) / math.Log1p(heaviest)
		}
		if math.IsNaN(t) || t < 0 {
			t = 0
		}
		pe.width = 1 + 4*t
		pe.opacity = math.Max(0.15, density*(0.35+0.4*t))
	}
	// Light edges first so heavy ones are drawn on top; ties by position
	// keep the order stable whatever order the input came in.
	slices.SortFunc(l.edges, func(x, y placedEdge) int {
		switch {
		case x.weight < y.weight:
			return -1
		case x.weight > y.weight:
			return 1
		case x.a != y.a:
			return x.a - y.a
		}
		return x.b - y.b
	})
}
