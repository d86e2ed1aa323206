package chart

import (
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Stacked column chart geometry, in viewBox units.
const (
	stackWidth  = 640.0
	stackHeight = 260.0
	stackTop    = 42.0 // room for the legend and the totals above the columns
	stackBottom = 30.0 // room for the tick marks and the x labels
	stackFont   = 11.0
	stackDesc   = 60 // columns read out in <desc>; a table on the page has the rest
)

// Series is one part of every column of a stacked column chart, such as
// the replacements due in each month.
type Series struct {
	// Name is the legend's text: "Replacements due".
	Name string
	// One and Many are the unit written after a value in a column's
	// tooltip, for 1 and for any other value: "replacement",
	// "replacements". Leave them empty when the value says enough (a
	// cost with Stacked.Prefix "£"); with several series the Name is then
	// written instead, so the parts can still be told apart.
	One, Many string
	// Class picks the colour, as Item.Class does. Without a known class
	// the i-th series takes the i-th colour of the sequence, so that
	// neighbouring parts always differ.
	Class string
}

// Stack is one column of a stacked column chart.
type Stack struct {
	// Label names the column in its tooltip and under the axis: "Mar 2027".
	Label string
	// Values holds one value per series, the first drawn at the bottom.
	// Missing values are zero and extra ones are ignored; negative and
	// non-finite values are drawn as zero but still written as text.
	Values []float64
	// Href, when set, makes the column a link (relative, http, https or
	// mailto only).
	Href string
}

// Stacked is what StackedColumns draws.
type Stacked struct {
	Title  string
	Series []Series
	Stacks []Stack
	// Prefix is written before every value, on the axis and in the
	// tooltips: "£".
	Prefix string
	// LabelEvery names every n-th column under the axis, counting from
	// column LabelFrom, so that a monthly chart can name January and July
	// of each year. When those labels would overlap the chart names fewer,
	// at a multiple of LabelEvery. 0 names as many as fit.
	LabelEvery, LabelFrom int
}

// StackedColumns draws a stacked column chart: one column per stack from
// left to right, each made of one segment per series, with a legend that
// names the series, a value axis with round (whole, for counts) ticks and
// labels under the columns chosen by LabelEvery. Every column carries its
// numbers in a tooltip ("Mar 2027: 2 replacements, 1 support end") and the
// description lists them, so that neither colour nor hovering is the only
// way to read the chart. Totals are written above the columns where they
// fit. With no stacks or no series it draws a "No data" picture.
func StackedColumns(s Stacked) template.HTML {
	if len(s.Stacks) == 0 || len(s.Series) == 0 {
		return empty("stacked", s.Title)
	}
	ns := len(s.Series)
	totals := make([]float64, len(s.Stacks))
	peak, labelW := 0.0, 0.0
	for i, st := range s.Stacks {
		for k := range min(ns, len(st.Values)) {
			totals[i] += finite(st.Values[k])
		}
		if math.IsInf(totals[i], 1) {
			// Finite values can add up past the largest float; draw such a
			// column full height rather than lose the scale.
			totals[i] = math.MaxFloat64
		}
		peak = maxf(peak, totals[i])
		labelW = maxf(labelW, textWidth(truncate(st.Label, 16), stackFont))
	}
	top, step := niceScale(peak)
	tickW := textWidth(s.Prefix+fmtValue(top), stackFont)
	x0 := maxf(8+tickW+8, labelW/2+4)
	right := stackWidth - maxf(8, labelW/2-4)
	plotW := right - x0
	y0 := stackHeight - stackBottom
	plotH := y0 - stackTop
	colStep := plotW / float64(len(s.Stacks))
	barW := maxf(colStep*0.7, 1)
	every, from := labelSpacing(s.LabelEvery, s.LabelFrom, colStep, labelW, len(s.Stacks))

	var w svgWriter
	w.openLabelled("stacked", s.Title, stackedDesc(s), stackWidth, stackHeight, true)

	// Gridlines and value axis, counted in whole steps so that a scale at
	// the edge of float range cannot loop for ever.
	ticks := int(math.Round(top / step))
	w.raw(`<g class="grid" font-size="11" fill="` + colorTextMuted + `">`)
	for t := 0; t <= ticks; t++ {
		v := float64(t) * step
		if t == ticks {
			v = top
		}
		y := y0 - v/top*plotH
		w.raw(`<line x1="`)
		w.num(x0)
		w.raw(`" y1="`)
		w.num(y)
		w.raw(`" x2="`)
		w.num(right)
		w.raw(`" y2="`)
		w.num(y)
		if t == 0 {
			w.raw(`" stroke="` + colorAxis + `"/>`)
		} else {
			w.raw(`" stroke="` + colorGrid + `"/>`)
		}
		w.textAt(x0-6, y+4, `text-anchor="end"`, s.Prefix+fmtValue(v))
	}
	w.raw("</g>\n")
	stackedLegend(&w, s.Series, x0)

	for i, st := range s.Stacks {
		cx := x0 + colStep*(float64(i)+0.5)
		linked := w.openLink(st.Href)
		w.raw(`<g class="stack">`)
		w.elementTitle(stackText(s, st))
		// A transparent target the height of the plot, so that the tooltip
		// of a month with nothing in it can be read too.
		w.raw(`<rect class="stack-target" x="`)
		w.num(cx - colStep/2)
		w.raw(`" y="`)
		w.num(stackTop)
		w.raw(`" width="`)
		w.num(colStep)
		w.raw(`" height="`)
		w.num(plotH)
		w.raw(`" fill="none" pointer-events="all"/>`)
		base := y0
		for k := range min(ns, len(st.Values)) {
			v := finite(st.Values[k])
			if v == 0 || base <= stackTop {
				continue
			}
			h := minf(maxf(v/top*plotH, 1), base-stackTop)
			segTop := base - h
			drawn := h
			if base < y0 && h > 2 {
				// A one-unit gap above the segment below, so that the parts
				// are told apart by more than colour.
				drawn = h - 1
			}
			cls := className(s.Series[k].Class)
			w.raw(`<rect class="segment`)
			if cls != "" {
				w.raw(" segment-" + cls)
			}
			w.raw(`" x="`)
			w.num(cx - barW/2)
			w.raw(`" y="`)
			w.num(segTop)
			w.raw(`" width="`)
			w.num(barW)
			w.raw(`" height="`)
			w.num(drawn)
			w.raw(`" fill="` + colorFor(cls, k) + `"/>`)
			base = segTop
		}
		if total := s.Prefix + fmtValue(totals[i]); totals[i] > 0 && textWidth(total, 10) <= colStep-2 {
			w.textAt(cx, base-4, `text-anchor="middle" font-size="10" font-weight="600"`, total)
		}
		if i >= from && (i-from)%every == 0 {
			w.raw(`<line x1="`)
			w.num(cx)
			w.raw(`" y1="`)
			w.num(y0)
			w.raw(`" x2="`)
			w.num(cx)
			w.raw(`" y2="`)
			w.num(y0 + 5)
			w.raw(`" stroke="` + colorAxis + `"/>`)
			w.textAt(cx, y0+18, `text-anchor="middle" font-size="11" fill="`+colorTextMuted+`"`, truncate(st.Label, 16))
		}
		w.raw("</g>")
		if linked {
			w.raw("</a>")
		}
		w.raw("\n")
	}
	return w.close()
}

// labelSpacing returns how often to label a column and the first column to
// label: every columns apart, widened by doubling until labels of width
// labelW no longer touch.
func labelSpacing(every, from int, colStep, labelW float64, n int) (int, int) {
	every = max(every, 1)
	from = max(from, 0) % every
	for float64(every)*colStep < labelW+6 && every < n {
		every *= 2
	}
	return every, from
}

// stackedLegend names the series' colours along the top, from the left
// edge of the plot.
func stackedLegend(w *svgWriter, series []Series, x float64) {
	w.raw(`<g class="legend" font-size="12" fill="` + colorTextMuted + `">`)
	for k, s := range series {
		name := truncate(s.Name, 40)
		w.raw(`<rect x="`)
		w.num(x)
		w.raw(`" y="8" width="10" height="10" rx="2" fill="` + colorFor(className(s.Class), k) + `"/>`)
		w.textAt(x+14, 17, "", name)
		x += textWidth(name, 12) + 30
	}
	w.raw("</g>\n")
}

// stackText says what one column holds, for its tooltip and the
// description: "Mar 2027: 2 replacements, 1 support end".
func stackText(s Stacked, st Stack) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(st.Label))
	b.WriteString(": ")
	for k, se := range s.Series {
		v := 0.0
		if k < len(st.Values) {
			v = st.Values[k]
		}
		if k > 0 {
			b.WriteString(", ")
		}
		unit := se.Many
		if v == 1 {
			unit = se.One
		}
		if unit == "" && len(s.Series) > 1 {
			b.WriteString(strings.TrimSpace(se.Name))
			b.WriteString(" ")
		}
		b.WriteString(s.Prefix)
		b.WriteString(fmtValue(v))
		if unit != "" {
			b.WriteString(" ")
			b.WriteString(unit)
		}
	}
	return b.String()
}

// stackedDesc lists the columns for <desc>, cut after stackDesc of them.
func stackedDesc(s Stacked) string {
	var b strings.Builder
	b.WriteString("Stacked column chart of ")
	for k, se := range s.Series {
		if k > 0 {
			b.WriteString(" and ")
		}
		b.WriteString(strings.TrimSpace(se.Name))
	}
	for i, st := range s.Stacks {
		if i == stackDesc {
			b.WriteString("; and " + strconv.Itoa(len(s.Stacks)-stackDesc) + " more")
			break
		}
		if i == 0 {
			b.WriteString(". ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(stackText(s, st))
	}
	b.WriteString(".")
	return b.String()
}
