package chart

import (
	"html/template"
	"math"
	"time"
)

// Column chart geometry, in viewBox units.
const (
	colsWidth  = 640.0
	colsHeight = 240.0
	colsTop    = 40.0 // room for the legend and the value above the tallest column
	colsBottom = 28.0 // room for the x labels
	colsFont   = 11.0
)

// Columns draws a column chart, e.g. devices first seen per day: one
// vertical column per item from left to right in the order given, a value
// axis with gridlines and the labels underneath. Values are written above
// the columns when they fit; otherwise only above the tallest and the last
// column, and every column keeps its value in its tooltip and the
// description. With no items it draws a "No data" picture.
func Columns(title string, items []Item) template.HTML {
	if len(items) == 0 {
		return empty("columns", title)
	}
	peak := 0.0
	peakAt := 0
	valueW := 0.0
	labelW := 0.0
	for i, it := range items {
		if v := finite(it.Value); v > peak {
			peak, peakAt = v, i
		}
		valueW = maxf(valueW, textWidth(fmtValue(it.Value), colsFont))
		labelW = maxf(labelW, textWidth(truncate(it.Label, 12), colsFont))
	}
	top, step := niceScale(peak)
	tickW := textWidth(fmtValue(top), colsFont)
	x0 := 8 + tickW + 8
	// Keep room on the right for half of the last label, which is centred
	// under its column.
	right := colsWidth - maxf(8, labelW/2-4)
	plotW := right - x0
	y0 := colsHeight - colsBottom
	plotH := y0 - colsTop
	colStep := plotW / float64(len(items))
	barW := maxf(colStep*0.7, 1)

	var w svgWriter
	w.open("columns", title, listDesc("Column chart", items, 60), colsWidth, colsHeight)

	// Gridlines and value axis.
	w.raw(`<g class="grid" font-size="11" fill="` + colorTextMuted + `">`)
	for v := 0.0; v <= top+step/2; v += step {
		y := y0 - v/top*plotH
		w.raw(`<line x1="`)
		w.num(x0)
		w.raw(`" y1="`)
		w.num(y)
		w.raw(`" x2="`)
		w.num(right)
		w.raw(`" y2="`)
		w.num(y)
		if v == 0 {
			w.raw(`" stroke="` + colorAxis + `"/>`)
		} else {
			w.raw(`" stroke="` + colorGrid + `"/>`)
		}
		w.textAt(x0-6, y+4, `text-anchor="end"`, fmtValue(v))
	}
	w.raw("</g>\n")
	columnsLegend(&w, items, right)

	allValues := colStep >= valueW+2
	labelEvery := int(math.Ceil((labelW + 8) / colStep))
	if labelEvery < 1 {
		labelEvery = 1
	}
	last := len(items) - 1
	for i, it := range items {
		cx := x0 + colStep*(float64(i)+0.5)
		h := finite(it.Value) / top * plotH
		if finite(it.Value) > 0 && h < 1 {
			h = 1
		}
		linked := w.openLink(it.Href)
		w.raw(`<g class="column`)
		if c := className(it.Class); c != "" {
			w.raw(" column-" + c)
		}
		w.raw(`">`)
		w.elementTitle(it.Label + ": " + fmtValue(it.Value))
		w.raw(`<rect x="`)
		w.num(cx - barW/2)
		w.raw(`" y="`)
		w.num(y0 - h)
		w.raw(`" width="`)
		w.num(barW)
		w.raw(`" height="`)
		w.num(h)
		w.raw(`" fill="` + colorFor(className(it.Class), -1) + `"/>`)
		if allValues || i == peakAt || i == last {
			w.textAt(cx, y0-h-5, `text-anchor="middle" font-size="11" font-weight="600"`, fmtValue(it.Value))
		}
		// Label the last column and every labelEvery-th before it, so the
		// most recent day is always named.
		if (last-i)%labelEvery == 0 {
			w.textAt(cx, y0+16, `text-anchor="middle" font-size="11" fill="`+colorTextMuted+`"`, truncate(it.Label, 12))
		}
		w.raw("</g>")
		if linked {
			w.raw("</a>")
		}
		w.raw("\n")
	}
	return w.close()
}

// columnsLegend names the colours of ClassNew and ClassMuted columns at the
// top right when they are used, as Daily does, so that "new this week" is
// not told by colour alone.
func columnsLegend(w *svgWriter, items []Item, right float64) {
	var hasNew, hasMuted bool
	for _, it := range items {
		switch className(it.Class) {
		case ClassNew:
			hasNew = true
		case ClassMuted:
			hasMuted = true
		}
	}
	if !hasNew {
		return
	}
	type entry struct{ color, text string }
	entries := []entry{{colorBlue, "New this week"}}
	if hasMuted {
		entries = append([]entry{{colorSlate2, "Earlier"}}, entries...)
	}
	x := right
	for _, e := range entries {
		x -= textWidth(e.text, 12) + 18
	}
	w.raw(`<g class="legend" font-size="12" fill="` + colorTextMuted + `">`)
	for _, e := range entries {
		w.raw(`<rect x="`)
		w.num(x)
		w.raw(`" y="6" width="10" height="10" rx="2" fill="` + e.color + `"/>`)
		w.textAt(x+14, 15, "", e.text)
		x += textWidth(e.text, 12) + 18
	}
	w.raw("</g>\n")
}

// niceScale returns an axis maximum of at least peak and a tick step, both
// round numbers (1, 2 or 5 times a power of ten), giving three to six
// gridlines.
func niceScale(peak float64) (top, step float64) {
	if peak <= 0 || math.IsInf(peak, 0) || math.IsNaN(peak) {
		return 1, 1
	}
	if peak > 1e300 {
		return peak, peak // no room for a rounder number; one gridline
	}
	raw := peak / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step = mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	// Small whole counts (devices) should not get fractional ticks.
	if peak >= 1 && step < 1 {
		step = 1
	}
	top = math.Ceil(peak/step) * step
	if !(step > 0) || top/step > 10 {
		// Subnormal inputs defeat the arithmetic above; one gridline at
		// peak is honest and ends the caller's loop.
		return peak, peak
	}
	return top, step
}

// Daily counts times per calendar day for the days days ending on end's
// day, in end's time zone, oldest first: the input for a "first seen per
// day" column chart. Labels read like "2 Jan". Days in the last week are
// given ClassNew and earlier days ClassMuted, which Columns explains in a
// legend. Times outside the range are ignored; days is kept between 1 and
// 366.
func Daily(times []time.Time, end time.Time, days int) []Item {
	days = min(max(days, 1), 366)
	loc := end.Location()
	y, m, d := end.Date()
	first := time.Date(y, m, d-days+1, 0, 0, 0, 0, loc)
	items := make([]Item, days)
	for i := range items {
		day := time.Date(y, m, d-days+1+i, 0, 0, 0, 0, loc)
		items[i].Label = day.Format("2 Jan")
		items[i].Class = ClassMuted
		if i >= days-7 {
			items[i].Class = ClassNew
		}
	}
	for _, t := range times {
		t = t.In(loc)
		if t.Before(first) {
			continue
		}
		ty, tm, td := t.Date()
		// Count calendar days rather than dividing durations, which would
		// go wrong across daylight-saving changes.
		i := int(time.Date(ty, tm, td, 12, 0, 0, 0, time.UTC).Sub(time.Date(first.Year(), first.Month(), first.Day(), 12, 0, 0, 0, time.UTC)).Hours() / 24)
		if i >= 0 && i < days {
			items[i].Value++
		}
	}
	return items
}
