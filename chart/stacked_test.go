package chart

import (
	"encoding/xml"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
)

// lifecycleSeries are the two parts of the lifecycle page's monthly chart.
var lifecycleSeries = []Series{
	{Name: "Replacements due", One: "replacement", Many: "replacements", Class: ClassAccent},
	{Name: "Support ends", One: "support end", Many: "support ends", Class: ClassWarning},
}

// threeYears is a 36-month forecast from May 2026: a few replacements,
// a cluster of end-of-support dates when an OS goes out of support in
// October 2026, and a big month.
func threeYears() Stacked {
	start := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	repl := map[int]float64{2: 1, 10: 2, 11: 1, 20: 4, 30: 1}
	eos := map[int]float64{5: 6, 10: 1, 20: 3, 34: 2}
	s := Stacked{Title: "Replacements and end of support per month", Series: lifecycleSeries,
		LabelEvery: 6, LabelFrom: 2} // July and January
	for i := range 36 {
		s.Stacks = append(s.Stacks, Stack{Label: start.AddDate(0, i, 0).Format("Jan 2006"),
			Values: []float64{repl[i], eos[i]}, Href: "/lifecycle?month=" + strconv.Itoa(i)})
	}
	return s
}

// svgShapes reads the rects, the axis texts and the x labels of a chart.
type svgShapes struct {
	rects    [][4]float64 // x, y, width, height
	segments int
	texts    []string
}

func readShapes(t *testing.T, out string) svgShapes {
	t.Helper()
	var s svgShapes
	dec := xml.NewDecoder(strings.NewReader(out))
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return s
		}
		if err != nil {
			t.Fatal(err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			a := map[string]string{}
			for _, at := range tok.Attr {
				a[at.Name.Local] = at.Value
			}
			switch tok.Name.Local {
			case "rect":
				var r [4]float64
				for i, k := range []string{"x", "y", "width", "height"} {
					v, err := strconv.ParseFloat(a[k], 64)
					if err != nil {
						t.Fatalf("rect %s=%q: %v", k, a[k], err)
					}
					r[i] = v
				}
				s.rects = append(s.rects, r)
				if strings.HasPrefix(a["class"], "segment") {
					s.segments++
				}
			case "text":
				inText = true
			}
		case xml.CharData:
			if inText {
				s.texts = append(s.texts, string(tok))
			}
		case xml.EndElement:
			inText = false
		}
	}
}

// checkInside fails when a shape leaves the picture or has a negative size.
func checkInside(t *testing.T, s svgShapes) {
	t.Helper()
	for _, r := range s.rects {
		if r[2] < 0 || r[3] < 0 || r[0] < 0 || r[1] < 0 || r[0]+r[2] > stackWidth+0.1 || r[1]+r[3] > stackHeight+0.1 {
			t.Fatalf("rect %v outside the %vx%v picture", r, stackWidth, stackHeight)
		}
	}
}

func TestStackedColumns(t *testing.T) {
	s := threeYears()
	out := StackedColumns(s)
	checkSVG(t, out)
	golden(t, "stacked.svg", out)
	str := string(out)
	for _, want := range []string{
		`aria-label="Replacements and end of support per month"`,
		"<title>Mar 2027: 2 replacements, 1 support end</title>",
		"<title>Jul 2026: 1 replacement, 0 support ends</title>",
		"<title>Jun 2026: 0 replacements, 0 support ends</title>",
		">Replacements due<", ">Support ends<",
		`class="segment segment-accent"`, `class="segment segment-warning"`,
		`href="/lifecycle?month=10"`,
		"Stacked column chart of Replacements due and Support ends. May 2026: 0 replacements, 0 support ends;",
	} {
		if !strings.Contains(str, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	shapes := readShapes(t, str)
	checkInside(t, shapes)
	// Seven months with something in them, two of them with both parts.
	if shapes.segments != 9 {
		t.Errorf("%d segments, want 9", shapes.segments)
	}
	// The x labels are January and July only, six of them.
	var labels []string
	for _, txt := range shapes.texts {
		if len(txt) == 8 && txt[3] == ' ' {
			labels = append(labels, txt)
		}
	}
	if got := strings.Join(labels, ","); got != "Jul 2026,Jan 2027,Jul 2027,Jan 2028,Jul 2028,Jan 2029" {
		t.Errorf("x labels = %s", got)
	}
	// The axis counts devices: whole-number ticks up to at least the
	// tallest column (7).
	ticks := axisTicks(shapes)
	if got := strings.Join(ticks, ","); got != "0,2,4,6,8" {
		t.Errorf("ticks = %s", got)
	}
}

// axisTicks returns the value-axis labels, which come first in the
// picture's texts, up to the legend.
func axisTicks(s svgShapes) []string {
	var out []string
	for _, txt := range s.texts {
		if strings.Contains(txt, " ") || !strings.ContainsAny(txt, "0123456789") {
			break
		}
		out = append(out, txt)
	}
	return out
}

func TestStackedColumnsCost(t *testing.T) {
	s := threeYears()
	cost := Stacked{Title: "Replacement cost per month (GBP)", Prefix: "£",
		Series: []Series{{Name: "Replacement cost (GBP)", Class: ClassMedical}}, LabelEvery: 6, LabelFrom: 2}
	for i, st := range s.Stacks {
		cost.Stacks = append(cost.Stacks, Stack{Label: st.Label, Values: []float64{st.Values[0] * 212500}})
		if i == 20 {
			cost.Stacks[i].Values[0] = 850000
		}
	}
	out := StackedColumns(cost)
	checkSVG(t, out)
	golden(t, "stacked_cost.svg", out)
	str := string(out)
	for _, want := range []string{"<title>Jan 2028: £850,000</title>", "<title>Jun 2026: £0</title>", ">£1,000,000<", ">Jul 2026<"} {
		if !strings.Contains(str, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	checkInside(t, readShapes(t, str))
}

func TestStackedColumnsEdges(t *testing.T) {
	months := func(n int, vals ...float64) []Stack {
		out := make([]Stack, n)
		for i := range out {
			out[i] = Stack{Label: "Month " + strconv.Itoa(i+1), Values: vals}
		}
		return out
	}
	tests := []struct {
		name     string
		s        Stacked
		segments int
		want     []string
		ticks    string
	}{
		{"NoStacks", Stacked{Title: "t", Series: lifecycleSeries}, 0, []string{"No data to show yet"}, ""},
		{"NoSeries", Stacked{Title: "t", Stacks: months(3, 1)}, 0, []string{"No data to show yet"}, ""},
		{"AllZero", Stacked{Title: "t", Series: lifecycleSeries, Stacks: months(36, 0, 0)}, 0,
			[]string{"Month 36: 0 replacements, 0 support ends"}, "0,1"},
		{"Huge", Stacked{Title: "t", Series: lifecycleSeries, Stacks: months(4, 1e308, 1e308)}, 8,
			[]string{"Month 1: 1e+308 replacements"}, ""},
		{"BadValues", Stacked{Title: "t", Series: lifecycleSeries, Stacks: []Stack{
			{Label: "a", Values: []float64{math.NaN(), -3}}, {Label: "b", Values: []float64{math.Inf(1), 2}}, {Label: "c"},
			{Label: "d", Values: []float64{1, 1, 99}}}}, 3, []string{"a: n/a replacements, -3 support ends", "c: 0 replacements, 0 support ends", "d: 1 replacement, 1 support end"}, "0,1,2"},
		{"NoUnits", Stacked{Title: "t", Series: []Series{{Name: "A"}, {Name: "B"}}, Stacks: months(2, 1, 2)}, 4,
			[]string{"Month 1: A 1, B 2"}, "0,1,2,3"},
		{"Fractional", Stacked{Title: "t", Series: lifecycleSeries[:1], Stacks: months(2, 0.2)}, 2, []string{"0.2 replacements"}, ""},
		{"TenYears", Stacked{Title: "t", Series: lifecycleSeries, Stacks: months(120, 1, 0), LabelEvery: 6}, 120, nil, "0,1"},
		{"ManySeries", Stacked{Title: "t", Series: make([]Series, 12), Stacks: months(3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)}, 36, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := StackedColumns(tt.s)
			checkSVG(t, out)
			str := string(out)
			if strings.Contains(str, "NaN") || strings.Contains(str, "Inf") {
				t.Error("output holds NaN or Inf")
			}
			for _, w := range tt.want {
				if !strings.Contains(str, w) {
					t.Errorf("output lacks %q", w)
				}
			}
			shapes := readShapes(t, str)
			if len(tt.s.Stacks) > 0 && len(tt.s.Series) > 0 {
				checkInside(t, shapes)
			}
			if shapes.segments != tt.segments {
				t.Errorf("%d segments, want %d", shapes.segments, tt.segments)
			}
			if tt.ticks != "" {
				if got := strings.Join(axisTicks(shapes), ","); got != tt.ticks {
					t.Errorf("ticks = %s, want %s", got, tt.ticks)
				}
			}
		})
	}
}

func TestLabelSpacing(t *testing.T) {
	tests := []struct {
		name              string
		every, from       int
		colStep, labelW   float64
		n                 int
		wantEvery, wantAt int
	}{
		{"Fits", 6, 2, 16, 50, 36, 6, 2},
		{"Doubled", 6, 2, 5, 50, 120, 12, 2},
		{"Auto", 0, 0, 16, 50, 36, 4, 0},
		{"FromWraps", 3, 7, 30, 50, 36, 3, 1},
		{"NegativeFrom", 6, -4, 30, 50, 36, 6, 0},
		{"OneColumn", 6, 0, 600, 50, 1, 6, 0},
		{"NeverFits", 1, 0, 0.001, 50, 10, 16, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			every, from := labelSpacing(tt.every, tt.from, tt.colStep, tt.labelW, tt.n)
			if every != tt.wantEvery || from != tt.wantAt {
				t.Errorf("labelSpacing = %d, %d; want %d, %d", every, from, tt.wantEvery, tt.wantAt)
			}
		})
	}
}
