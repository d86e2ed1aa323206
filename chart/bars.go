package chart

import "html/template"

// Bar chart geometry, in viewBox units (pixels at the default scale).
const (
	barsWidth     = 640.0
	barsPad       = 8.0
	barsRow       = 28.0
	barsBar       = 18.0
	barsFont      = 13.0
	barsMaxLabel  = 28 // runes; the full label is in the tooltip
	barsLabelMin  = 60.0
	barsLabelMax  = 230.0
	barsMinLength = 2.0 // so a small non-zero value stays visible
)

// Bars draws a horizontal bar chart: one row per item, in the order given,
// with the label on the left and the value written after the bar. A row is
// a link when its item has an Href. With no items it draws a "No data"
// picture.
func Bars(title string, items []Item) template.HTML {
	if len(items) == 0 {
		return empty("bars", title)
	}
	labels := make([]string, len(items))
	values := make([]string, len(items))
	labelW, valueW, peak := barsLabelMin, 0.0, 0.0
	for i, it := range items {
		labels[i] = truncate(it.Label, barsMaxLabel)
		values[i] = fmtValue(it.Value)
		labelW = maxf(labelW, textWidth(labels[i], barsFont))
		valueW = maxf(valueW, textWidth(values[i], barsFont))
		peak = maxf(peak, finite(it.Value))
	}
	labelW = minf(labelW, barsLabelMax)
	x0 := barsPad + labelW + 8
	span := barsWidth - x0 - valueW - 8 - barsPad
	height := barsPad*2 + barsRow*float64(len(items))

	var w svgWriter
	w.open("bars", title, listDesc("Bar chart", items, 30), barsWidth, height)
	for i, it := range items {
		y := barsPad + barsRow*float64(i)
		length := 0.0
		if peak > 0 {
			length = finite(it.Value) / peak * span
		}
		if finite(it.Value) > 0 && length < barsMinLength {
			length = barsMinLength
		}
		linked := w.openLink(it.Href)
		w.raw(`<g class="bar`)
		if c := className(it.Class); c != "" {
			w.raw(" bar-" + c)
		}
		w.raw(`">`)
		w.elementTitle(it.Label + ": " + values[i])
		mid := y + barsRow/2
		w.textAt(x0-8, mid+4.5, `text-anchor="end"`, labels[i])
		w.raw(`<rect x="`)
		w.num(x0)
		w.raw(`" y="`)
		w.num(mid - barsBar/2)
		w.raw(`" width="`)
		w.num(length)
		w.raw(`" height="`)
		w.num(barsBar)
		w.raw(`" rx="3" fill="`)
		w.raw(colorFor(className(it.Class), -1))
		w.raw(`"/>`)
		w.textAt(x0+length+6, mid+4.5, `font-weight="600"`, values[i])
		w.raw("</g>")
		if linked {
			w.raw("</a>")
		}
		w.raw("\n")
	}
	// A baseline makes zero-length bars read as zero rather than missing.
	w.raw(`<line class="axis" x1="`)
	w.num(x0)
	w.raw(`" y1="`)
	w.num(barsPad)
	w.raw(`" x2="`)
	w.num(x0)
	w.raw(`" y2="`)
	w.num(height - barsPad)
	w.raw(`" stroke="` + colorAxis + `"/>` + "\n")
	return w.close()
}

func maxf(a, b float64) float64 {
	if b > a {
		return b
	}
	return a
}

func minf(a, b float64) float64 {
	if b < a {
		return b
	}
	return a
}
