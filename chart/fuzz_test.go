package chart

import (
	"math"
	"strings"
	"testing"
)

// FuzzItems feeds arbitrary labels, values, classes and links to the three
// item charts: none may panic, and each must still be a well-formed,
// script-free SVG.
func FuzzItems(f *testing.F) {
	f.Add("Devices by category", "Infusion pump", 148.0, "medical", "/devices?category=infusion_pump")
	f.Add("Medical and IT", "IT and other", 402.0, "it", "")
	f.Add("<script>alert(1)</script>", `"><img src=x onerror=alert(1)>`, -1.0, `"onload="x`, "javascript:alert(1)")
	f.Add("t", "\x00\xff\xfe", 1e308, "", "data:text/html,x")
	f.Add("", "", 5e-324, "new", " HTTPS://example.org/")
	f.Fuzz(func(t *testing.T, title, label string, value float64, class, href string) {
		items := []Item{
			{Label: label, Value: value, Class: class, Href: href},
			{Label: "Other", Value: 3},
			{Label: label + label, Value: -value, Class: class},
		}
		for _, out := range []string{
			string(Bars(title, items)),
			string(Donut(title, items)),
			string(Columns(title, items)),
		} {
			checkSVG(t, toHTML(out))
			if strings.Contains(strings.ToLower(out), "<script") {
				t.Fatal("unescaped script element")
			}
		}
	})
}

// FuzzMap builds a network from arbitrary bytes, one node or edge per
// line with fields separated by '|', and checks that the map and its
// aggregate render as well-formed SVG and keep every node inside its box.
func FuzzMap(f *testing.F) {
	f.Add([]byte("n|10.20.0.11|icu-pump-01|ICU|medical|/devices/1\nn|10.1.0.20|pacs|Data centre|clinical_server|\ne|10.20.0.11|10.1.0.20|dicom 104|500\n"))
	f.Add([]byte("n|a|<script>|<b>|external|javascript:x\nn|b||||\ne|a|b|x|NaN\ne|b|a|y|1e309\ne|a|a|self|1\n"))
	f.Add([]byte("n|x|x|\xff|it|\ne|x|missing||1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var nodes []Node
		var edges []Edge
		for line := range strings.SplitSeq(string(data), "\n") {
			p := strings.Split(line, "|")
			for len(p) < 6 {
				p = append(p, "")
			}
			switch p[0] {
			case "n":
				nodes = append(nodes, Node{ID: p[1], Label: p[2], Group: p[3], Kind: p[4], Href: p[5]})
			case "e":
				edges = append(edges, Edge{From: p[1], To: p[2], Label: p[3], Weight: parseWeight(p[4])})
			}
			if len(nodes) > 400 || len(edges) > 1200 {
				break
			}
		}
		checkSVG(t, Map("Network", nodes, edges))
		an, ae := AggregateByGroup(nodes, edges)
		checkSVG(t, Map("Network", an, ae))
		l := layoutMap(nodes, edges)
		for _, n := range l.nodes {
			g := l.groups[n.group]
			if n.x < g.x || n.x > g.x+g.w || n.y < g.y || n.y > g.y+g.h {
				t.Fatalf("node %q outside its group", n.ID)
			}
		}
	})
}

// FuzzStacked draws stacked column charts from arbitrary series, labels
// and values: none may panic, each must be a well-formed, script-free SVG,
// and no shape may leave the picture, whatever the values add up to.
func FuzzStacked(f *testing.F) {
	f.Add("Replacements and end of support", "Replacements due", "warning", "Mar 2027", 2.0, 1.0, 36, 6, 2, "")
	f.Add("Cost", "<script>", `"onload="x`, "\x00\xff", 1e308, 1e308, 4, 0, 0, "£")
	f.Add("", "", "", "", math.NaN(), math.Inf(-1), 1, -5, 99, "\xfe")
	f.Add("t", "a", "new", "b", 5e-324, math.Copysign(0, -1), 500, 1, 0, "")
	f.Fuzz(func(t *testing.T, title, name, class, label string, a, b float64, n, every, from int, prefix string) {
		n = min(max(n, 0), 1000)
		s := Stacked{Title: title, Prefix: prefix, LabelEvery: every, LabelFrom: from,
			Series: []Series{{Name: name, One: name, Many: name + "s", Class: class}, {Name: label, Class: "warning"}}}
		for i := range n {
			v := []float64{a, b}
			if i%3 == 1 {
				v = v[:1]
			}
			s.Stacks = append(s.Stacks, Stack{Label: label, Values: v, Href: label})
		}
		out := StackedColumns(s)
		checkSVG(t, out)
		if strings.Contains(strings.ToLower(string(out)), "<script") {
			t.Fatal("unescaped script element")
		}
		if n > 0 {
			checkInside(t, readShapes(t, string(out)))
		}
	})
}
