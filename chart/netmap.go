package chart

import (
	"html/template"
	"strconv"
	"strings"
)

// Node is one device (or aggregate) on the network map.
type Node struct {
	// ID identifies the node for edges; it is not drawn.
	ID string
	// Label is the name drawn under the node, e.g. a hostname or IP.
	Label string
	// Group is the zone or subnet the node is drawn in; nodes with an
	// empty group go into a box named "Ungrouped".
	Group string
	// Kind picks the shape and colour: one of KindMedical,
	// KindClinicalServer, KindIT, KindInfrastructure or KindExternal.
	// Anything else is drawn as IT.
	Kind string
	// Href, when set, makes the node a link (e.g. to the device page).
	Href string
}

// Edge is traffic between two nodes.
type Edge struct {
	// From and To are node IDs. Edges naming an unknown node, and edges
	// from a node to itself, are not drawn.
	From, To string
	// Label says what the traffic is, e.g. "dicom 104"; it shows in the
	// edge's tooltip.
	Label string
	// Weight is the amount of traffic (flows or bytes); heavier edges are
	// drawn thicker, on a logarithmic scale.
	Weight float64
}

// Node kinds. Each has its own shape, so that medical devices and clinical
// servers can be told apart without relying on colour.
const (
	KindMedical        = "medical"         // rounded square, teal
	KindClinicalServer = "clinical_server" // diamond, blue
	KindIT             = "it"              // circle, slate
	KindInfrastructure = "infrastructure"  // triangle, slate
	KindExternal       = "external"        // hollow circle
)

// kindOrder lists the kinds in legend order; nodes in a group are sorted
// the same way so the clinically important ones come first.
var kindOrder = [...]string{KindMedical, KindClinicalServer, KindIT, KindInfrastructure, KindExternal}

var kindNames = map[string]string{
	KindMedical:        "Medical device",
	KindClinicalServer: "Clinical server",
	KindIT:             "IT",
	KindInfrastructure: "Infrastructure",
	KindExternal:       "External",
}

// kindRank returns the position of kind in kindOrder; unknown kinds rank
// as IT, which is also how they are drawn.
func kindRank(kind string) int {
	for i, k := range kindOrder {
		if k == kind {
			return i
		}
	}
	return 2
}

// nodeLabelRunes is how many characters of a node label fit in its cell.
const nodeLabelRunes = 13

func normalKind(kind string) string { return kindOrder[kindRank(kind)] }

// Map draws the network map: one labelled box per group laid out in a grid,
// the nodes of each group in rows inside it, and the edges between nodes as
// lines (within a group) or gentle curves (between groups), thicker for
// heavier traffic. Each node has a tooltip and is a link when it has an
// Href; each edge's tooltip names its ends and its labels. A legend shows
// the shapes. It stays readable up to about 300 nodes and 1000 edges; for
// more, pass the result of AggregateByGroup. With no nodes it draws a
// "No data" picture.
func Map(title string, nodes []Node, edges []Edge) template.HTML {
	l := layoutMap(nodes, edges)
	if len(l.nodes) == 0 {
		return empty("map", title)
	}
	var w svgWriter
	// About 350 bytes per node and 300 per edge; growing once saves
	// copying a large picture several times over.
	w.b.Grow(2048 + 350*len(l.nodes) + 300*len(l.edges))
	w.open("map", title, mapDesc(l), l.width, l.height)
	drawLegend(&w)
	for _, g := range l.groups {
		drawGroup(&w, g)
	}
	w.raw(`<g class="edges" fill="none">` + "\n")
	for _, e := range l.edges {
		drawEdge(&w, l, e)
	}
	w.raw("</g>\n")
	for _, g := range l.groups {
		drawGroupName(&w, g)
	}
	for _, n := range l.nodes {
		drawNode(&w, l, n)
	}
	return w.close()
}

func drawLegend(w *svgWriter) {
	w.raw(`<g class="legend" font-size="12" fill="` + colorTextMuted + `">`)
	x := 16.0
	for _, k := range kindOrder {
		drawShape(w, k, x, legendH/2, 0.8)
		w.textAt(x+14, legendH/2+4, "", kindNames[k])
		x += 14 + textWidth(kindNames[k], 12) + 24
	}
	w.raw(`<line x1="`)
	w.num(x)
	w.raw(`" y1="`)
	w.num(legendH / 2)
	w.raw(`" x2="`)
	w.num(x + 28)
	w.raw(`" y2="`)
	w.num(legendH / 2)
	w.raw(`" stroke="` + colorSlate2 + `" stroke-width="3"/>`)
	w.textAt(x+36, legendH/2+4, "", "Line width: traffic")
	w.raw("</g>\n")
}

// drawGroup draws a group's box; its name is drawn later, over the edges.
func drawGroup(w *svgWriter, g groupBox) {
	w.raw(`<g class="zone">`)
	w.elementTitle(g.name + ": " + plural(len(g.nodes), "node"))
	w.raw(`<rect x="`)
	w.num(g.x)
	w.raw(`" y="`)
	w.num(g.y)
	w.raw(`" width="`)
	w.num(g.w)
	w.raw(`" height="`)
	w.num(g.h)
	w.raw(`" rx="10" fill="` + colorPanel + `" stroke="` + colorBorder + `"/></g>` + "\n")
}

// drawGroupName writes a group's name with a halo in the box colour, so it
// stays legible where edges cross it. The count is left out for a group of
// one, which is what AggregateByGroup makes, since it would only say "1".
func drawGroupName(w *svgWriter, g groupBox) {
	count := ""
	if len(g.nodes) > 1 {
		count = " · " + strconv.Itoa(len(g.nodes))
	}
	room := g.w - 2*mapPad - textWidth(count, 13)
	w.raw(`<text class="zone-name" x="`)
	w.num(g.x + mapPad)
	w.raw(`" y="`)
	w.num(g.y + 20)
	w.raw(`" font-weight="600" fill="` + colorTextMuted + `" stroke="` + colorPanel + `" stroke-width="5" paint-order="stroke">`)
	w.text(truncate(g.name, int(room/(13*0.6))))
	if count != "" {
		w.raw(`<tspan font-weight="400">`)
		w.text(count)
		w.raw("</tspan>")
	}
	w.raw("</text>\n")
}

func drawEdge(w *svgWriter, l *mapLayout, e placedEdge) {
	a, b := l.nodes[e.a], l.nodes[e.b]
	arrow := " → "
	from, to := a, b
	switch {
	case e.fwd && e.back:
		arrow = " ↔ "
	case e.back:
		from, to = b, a
	}
	tip := from.Label + arrow + to.Label
	if len(e.labels) > 0 {
		tip += ": " + strings.Join(e.labels, ", ")
	}
	if e.weight > 0 {
		tip += " (" + fmtValue(e.weight) + ")"
	}
	d := edgePath(a, b)
	w.raw(`<g class="edge">`)
	w.elementTitle(tip)
	w.raw(`<path d="` + d + `" stroke="` + colorSlate2 + `" stroke-opacity="`)
	w.num(e.opacity)
	w.raw(`" stroke-width="`)
	w.num(e.width)
	// A wide transparent twin makes thin lines easy to hover.
	w.raw(`"/><path d="` + d + `" stroke="#ffffff" stroke-opacity="0" stroke-width="8"/></g>` + "\n")
}

// edgePath draws every edge as a gentle curve, bowed to one side: between
// groups so that parallel edges between two boxes fan out instead of lying
// on top of each other, and within a group so that an edge along a row
// passes beside the nodes in between rather than through them.
func edgePath(a, b placedNode) string {
	p := "M" + fmtCoord(a.x) + " " + fmtCoord(a.y)
	bow := 0.15
	if a.group == b.group {
		bow = 0.25
	}
	mx, my := (a.x+b.x)/2, (a.y+b.y)/2
	dx, dy := b.x-a.x, b.y-a.y
	cx, cy := mx-dy*bow, my+dx*bow
	return p + "Q" + fmtCoord(cx) + " " + fmtCoord(cy) + " " + fmtCoord(b.x) + " " + fmtCoord(b.y)
}

func drawNode(w *svgWriter, l *mapLayout, n placedNode) {
	linked := w.openLink(n.Href)
	kind := normalKind(n.Kind)
	w.raw(`<g class="node node-` + kind + `">`)
	w.elementTitle(n.Label + " · " + kindNames[kind] + " · " + l.groups[n.group].name)
	drawShape(w, kind, n.x, n.y, 1)
	w.textAt(n.x, n.y+nodeLabelDY, `text-anchor="middle" font-size="11" stroke="`+colorPanel+`" stroke-width="3" paint-order="stroke"`,
		truncate(n.Label, nodeLabelRunes))
	w.raw("</g>")
	if linked {
		w.raw("</a>")
	}
	w.raw("\n")
}

// drawShape draws the symbol for kind centred on (x, y), scaled by s.
func drawShape(w *svgWriter, kind string, x, y, s float64) {
	c := func(v float64) string { return fmtCoord(v) }
	const halo = `" stroke="#ffffff" stroke-width="1.5"/>`
	switch kind {
	case KindMedical:
		w.raw(`<rect x="` + c(x-9*s) + `" y="` + c(y-9*s) + `" width="` + c(18*s) + `" height="` + c(18*s) + `" rx="` + c(4*s) + `" fill="` + colorTeal + halo)
	case KindClinicalServer:
		w.raw(`<path d="M` + c(x) + " " + c(y-12*s) + "L" + c(x+12*s) + " " + c(y) + "L" + c(x) + " " + c(y+12*s) + "L" + c(x-12*s) + " " + c(y) + `Z" fill="` + colorBlue + halo)
	case KindInfrastructure:
		w.raw(`<path d="M` + c(x) + " " + c(y-11*s) + "L" + c(x+11*s) + " " + c(y+8*s) + "L" + c(x-11*s) + " " + c(y+8*s) + `Z" fill="` + colorSlate2 + halo)
	case KindExternal:
		w.raw(`<circle cx="` + c(x) + `" cy="` + c(y) + `" r="` + c(8*s) + `" fill="#ffffff" stroke="` + colorSlate2 + `" stroke-width="2.5"/>`)
	default:
		w.raw(`<circle cx="` + c(x) + `" cy="` + c(y) + `" r="` + c(9*s) + `" fill="` + colorSlate + halo)
	}
}

func mapDesc(l *mapLayout) string {
	var b strings.Builder
	b.WriteString("Network map of " + plural(len(l.nodes), "node") + " in " + plural(len(l.groups), "group") +
		" with " + plural(len(l.edges), "connection"))
	for i, g := range l.groups {
		if i == 30 {
			b.WriteString("; and " + strconv.Itoa(len(l.groups)-30) + " more")
			break
		}
		if i == 0 {
			b.WriteString(". Groups: ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(g.name + " " + strconv.Itoa(len(g.nodes)))
	}
	b.WriteString(".")
	return b.String()
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
