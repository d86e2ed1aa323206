package chart

import (
	"bytes"
	"encoding/xml"
	"flag"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got template.HTML) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs from the output; run go test ./chart -update and review the diff", path)
	}
}

// checkSVG checks what every picture must satisfy: well-formed XML with an
// <svg role="img"> root that has a viewBox and no fixed size, a <title> and
// a <desc> first, and nothing a strict Content-Security-Policy would block or
// that could run script.
func checkSVG(t testing.TB, out template.HTML) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(string(out)))
	depth, children := 0, []string{}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, out)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			depth++
			name := tok.Name.Local
			if name == "script" || name == "style" || name == "foreignObject" {
				t.Fatalf("forbidden element <%s>", name)
			}
			attrs := map[string]string{}
			for _, a := range tok.Attr {
				attrs[a.Name.Local] = a.Value
				if a.Name.Local == "style" || strings.HasPrefix(strings.ToLower(a.Name.Local), "on") {
					t.Fatalf("forbidden attribute %s on <%s>", a.Name.Local, name)
				}
				if a.Name.Local == "href" {
					if _, ok := safeHref(a.Value); !ok {
						t.Fatalf("unsafe href %q", a.Value)
					}
				}
			}
			if depth == 1 {
				if name != "svg" || attrs["role"] != "img" || attrs["viewBox"] == "" {
					t.Fatalf("root is <%s role=%q viewBox=%q>", name, attrs["role"], attrs["viewBox"])
				}
				if _, ok := attrs["width"]; ok {
					t.Fatal("root has a fixed width")
				}
				if _, ok := attrs["height"]; ok {
					t.Fatal("root has a fixed height")
				}
			}
			if depth == 2 {
				children = append(children, name)
			}
		case xml.EndElement:
			depth--
		}
	}
	if len(children) < 2 || children[0] != "title" || children[1] != "desc" {
		t.Fatalf("root does not start with <title> and <desc>: %v", children)
	}
}

// hostile strings a device name, hostname or group might carry.
var hostile = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`' onmouseover='alert(1)`,
	"bad\x00utf8\xff\xfe\x1b[31m",
	`]]><!--`,
}

func TestEscaping(t *testing.T) {
	items := make([]Item, len(hostile))
	var nodes []Node
	var edges []Edge
	for i, h := range hostile {
		items[i] = Item{Label: h, Value: float64(i + 1), Class: h, Href: "javascript:alert(1)"}
		nodes = append(nodes, Node{ID: h, Label: h, Group: h, Kind: h, Href: "JavaScript:alert(1)"})
		if i > 0 {
			edges = append(edges, Edge{From: hostile[i-1], To: h, Label: h, Weight: 1})
		}
	}
	aggNodes, aggEdges := AggregateByGroup(nodes, edges)
	tests := []struct {
		name string
		out  template.HTML
	}{
		{"Bars", Bars(hostile[0], items)},
		{"Donut", Donut(hostile[0], items)},
		{"Columns", Columns(hostile[0], items)},
		{"Map", Map(hostile[0], nodes, edges)},
		{"MapAggregated", Map(hostile[0], aggNodes, aggEdges)},
		{"Empty", Bars(hostile[1], nil)},
		{"Stacked", StackedColumns(hostileStacked())},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkSVG(t, tt.out)
			s := string(tt.out)
			for _, bad := range []string{"<script", "<img", "javascript:", "JavaScript:", "\x00", "\x1b"} {
				if strings.Contains(s, bad) {
					t.Errorf("output holds %q", bad)
				}
			}
			if !strings.Contains(s, "&lt;script&gt;") && !strings.Contains(s, "&#34;&gt;&lt;img") {
				t.Error("escaped label missing")
			}
		})
	}
}

func TestEmpty(t *testing.T) {
	tests := []struct {
		name string
		out  template.HTML
	}{
		{"BarsNil", Bars("Devices by category", nil)},
		{"DonutNil", Donut("Medical and IT", nil)},
		{"DonutZero", Donut("Medical and IT", []Item{{Label: "Medical", Value: 0}})},
		{"DonutNaN", Donut("Medical and IT", []Item{{Label: "Medical", Value: -3}})},
		{"ColumnsNil", Columns("First seen", nil)},
		{"MapNil", Map("Network", nil, nil)},
		{"MapEdgesOnly", Map("Network", nil, []Edge{{From: "a", To: "b"}})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkSVG(t, tt.out)
			if !strings.Contains(string(tt.out), "No data") {
				t.Error("no No data message")
			}
		})
	}
	golden(t, "empty.svg", Bars("Devices by category", nil))
}

func TestSafeHref(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"Relative", "/devices?category=infusion_pump", "/devices?category=infusion_pump", true},
		{"RelativeNoSlash", "devices/3", "devices/3", true},
		{"HTTPS", "https://example.org/x", "https://example.org/x", true},
		{"ColonInQuery", "/devices?q=a:b", "/devices?q=a:b", true},
		{"Javascript", "javascript:alert(1)", "", false},
		{"JavascriptUpper", " JAVASCRIPT:alert(1)", "", false},
		{"Data", "data:text/html,<script>", "", false},
		{"Empty", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := safeHref(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("safeHref(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestLinks(t *testing.T) {
	out := string(Bars("Devices", []Item{{Label: "Infusion pump", Value: 3, Href: "/devices?category=infusion_pump&medical=1"}}))
	if !strings.Contains(out, `<a href="/devices?category=infusion_pump&amp;medical=1">`) {
		t.Errorf("link missing or not escaped:\n%s", out)
	}
}

func TestFmtValue(t *testing.T) {
	tests := []struct {
		name string
		in   float64
		want string
	}{
		{"Zero", 0, "0"},
		{"Small", 7, "7"},
		{"Thousands", 1234567, "1,234,567"},
		{"Fraction", 12.5, "12.5"},
		{"Rounded", 0.456, "0.46"},
		{"Negative", -1500, "-1,500"},
		{"NegativeTiny", -0.001, "0"},
		{"Huge", 2e18, "2e+18"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fmtValue(tt.in); got != tt.want {
				t.Errorf("fmtValue(%v) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"Short", "CT scanner", 20, "CT scanner"},
		{"Cut", "ward5-infusion-pump-0042", 10, "ward5-inf…"},
		{"Runes", "ÄÖÜäöüßéèê", 5, "ÄÖÜä…"},
		{"Zero", "abc", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := truncate(tt.in, tt.max); got != tt.want {
				t.Errorf("truncate(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
		})
	}
}

// TestDeterministic renders twice and compares, so a map iteration or any
// other hidden order cannot slip into the output.
func TestDeterministic(t *testing.T) {
	nodes, edges := bigNetwork(60, 150)
	a := Map("Network", nodes, edges)
	// Reverse the input: the layout must not depend on input order.
	rn := append([]Node(nil), nodes...)
	re := append([]Edge(nil), edges...)
	for i, j := 0, len(rn)-1; i < j; i, j = i+1, j-1 {
		rn[i], rn[j] = rn[j], rn[i]
	}
	for i, j := 0, len(re)-1; i < j; i, j = i+1, j-1 {
		re[i], re[j] = re[j], re[i]
	}
	if b := Map("Network", rn, re); !bytes.Equal([]byte(a), []byte(b)) {
		t.Error("map depends on input order")
	}
	an, ae := AggregateByGroup(nodes, edges)
	bn, be := AggregateByGroup(rn, re)
	if Map("x", an, ae) != Map("x", bn, be) {
		t.Error("aggregate depends on input order")
	}
}

func toHTML(s string) template.HTML { return template.HTML(s) }

// parseWeight reads a weight for the fuzz targets, where any text is fine
// and what does not parse is zero.
func parseWeight(s string) float64 {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0
	}
	return v
}

// hostileStacked is a stacked chart whose every text is hostile.
func hostileStacked() Stacked {
	s := Stacked{Title: hostile[0], Prefix: hostile[1]}
	for i, h := range hostile {
		s.Series = append(s.Series, Series{Name: h, One: h, Many: h, Class: h})
		s.Stacks = append(s.Stacks, Stack{Label: h, Values: []float64{float64(i + 1), 1}, Href: "javascript:alert(1)"})
	}
	return s
}
