package chart

import (
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Donut chart geometry, in viewBox units.
const (
	donutWidth   = 520.0
	donutCX      = 110.0
	donutR       = 90.0
	donutHole    = 56.0
	donutLegendX = 236.0
	donutRow     = 26.0
	donutFont    = 13.0
)

// Donut draws a proportion chart: a ring split into one segment per item,
// clockwise from twelve o'clock in the order given, the total in the middle
// and a legend that writes each label, value and percentage. Segments are
// separated by thin white gaps and listed in the legend in the same order,
// so they can be told apart without colour. Items without a Class get
// distinct colours in turn. With no items, or a total of zero, it draws a
// "No data" picture.
func Donut(title string, items []Item) template.HTML {
	total := 0.0
	for _, it := range items {
		total += finite(it.Value)
	}
	if len(items) == 0 || total == 0 || math.IsInf(total, 0) {
		return empty("donut", title)
	}
	height := maxf(2*donutR+40, donutRow*float64(len(items))+24)
	cy := height / 2

	var w svgWriter
	w.open("donut", title, donutDesc(items, total), donutWidth, height)
	right := donutWidth - 8
	angle := -math.Pi / 2 // start at twelve o'clock
	legendY := cy - donutRow*float64(len(items))/2
	for i, it := range items {
		v := finite(it.Value)
		share := v / total
		pct := percent(share)
		value := fmtValue(it.Value) + " · " + pct
		color := colorFor(className(it.Class), i)

		linked := w.openLink(it.Href)
		w.raw(`<g class="segment`)
		if c := className(it.Class); c != "" {
			w.raw(" segment-" + c)
		}
		w.raw(`">`)
		w.elementTitle(it.Label + ": " + value)
		if v > 0 {
			w.raw(`<path d="`)
			w.raw(sectorPath(donutCX, cy, donutR, donutHole, angle, angle+share*2*math.Pi))
			w.raw(`" fill="` + color + `" fill-rule="evenodd" stroke="#ffffff" stroke-width="2"/>`)
			angle += share * 2 * math.Pi
		}
		y := legendY + donutRow*float64(i)
		w.raw(`<rect x="`)
		w.num(donutLegendX)
		w.raw(`" y="`)
		w.num(y + 7)
		w.raw(`" width="12" height="12" rx="2" fill="` + color + `"/>`)
		labelX := donutLegendX + 20
		room := right - labelX - textWidth(value, donutFont) - 12
		w.textAt(labelX, y+17.5, "", truncate(it.Label, int(room/(donutFont*0.6))))
		w.textAt(right, y+17.5, `text-anchor="end" font-weight="600"`, value)
		w.raw("</g>")
		if linked {
			w.raw("</a>")
		}
		w.raw("\n")
	}
	w.textAt(donutCX, cy+4, `text-anchor="middle" font-size="22" font-weight="700"`, fmtValue(total))
	w.textAt(donutCX, cy+22, `text-anchor="middle" font-size="12" fill="`+colorTextMuted+`"`, "total")
	w.raw("\n")
	return w.close()
}

// sectorPath returns the outline of the ring between radii r (inner) and
// R (outer) from angle a0 to a1, clockwise in screen coordinates. A full
// ring cannot be one arc (its ends coincide), so it is two circles filled
// even-odd.
func sectorPath(cx, cy, R, r, a0, a1 float64) string {
	var b strings.Builder
	if a1-a0 >= 2*math.Pi-1e-6 {
		for _, rad := range []float64{R, r} {
			b.WriteString("M" + fmtCoord(cx-rad) + " " + fmtCoord(cy))
			b.WriteString("a" + fmtCoord(rad) + " " + fmtCoord(rad) + " 0 1 1 " + fmtCoord(2*rad) + " 0")
			b.WriteString("a" + fmtCoord(rad) + " " + fmtCoord(rad) + " 0 1 1 " + fmtCoord(-2*rad) + " 0Z")
		}
		return b.String()
	}
	large := "0"
	if a1-a0 > math.Pi {
		large = "1"
	}
	pt := func(rad, a float64) string {
		return fmtCoord(cx+rad*math.Cos(a)) + " " + fmtCoord(cy+rad*math.Sin(a))
	}
	b.WriteString("M" + pt(R, a0))
	b.WriteString("A" + fmtCoord(R) + " " + fmtCoord(R) + " 0 " + large + " 1 " + pt(R, a1))
	b.WriteString("L" + pt(r, a1))
	b.WriteString("A" + fmtCoord(r) + " " + fmtCoord(r) + " 0 " + large + " 0 " + pt(r, a0))
	b.WriteString("Z")
	return b.String()
}

// percent formats a share for people: whole percent, with "<1%" so a small
// but present part never reads as zero.
func percent(share float64) string {
	switch {
	case share <= 0:
		return "0%"
	case share < 0.005:
		return "<1%"
	}
	return strconv.Itoa(int(math.Round(share*100))) + "%"
}

func donutDesc(items []Item, total float64) string {
	var b strings.Builder
	b.WriteString("Proportion chart, total ")
	b.WriteString(fmtValue(total))
	for i, it := range items {
		if i == 30 {
			b.WriteString("; and " + strconv.Itoa(len(items)-30) + " more")
			break
		}
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(strings.TrimSpace(it.Label) + " " + fmtValue(it.Value) + " (" + percent(finite(it.Value)/total) + ")")
	}
	b.WriteString(".")
	return b.String()
}
