package chart

import (
	"hash/fnv"
	"html/template"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// fontFamily is the system-ui stack used by every text element; it is set
// on the root so children inherit it.
const fontFamily = `system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif`

// Text colours, all at least 4.5:1 against white and the group-box fill.
const (
	colorText      = "#0f172a" // slate-900
	colorTextMuted = "#475569" // slate-600
	colorGrid      = "#e2e8f0" // slate-200
	colorAxis      = "#94a3b8" // slate-400, for lines only
	colorPanel     = "#f8fafc" // slate-50
	colorBorder    = "#cbd5e1" // slate-300
)

// svgWriter builds one SVG document. It wraps a strings.Builder with the few
// helpers the charts need so that every number and text goes through one
// formatting and escaping path.
type svgWriter struct {
	b strings.Builder
}

// open writes the root element with its accessible name and description.
// The ids tie aria-labelledby to the title; they are derived from a hash of
// the content so that output stays deterministic and two different charts on
// one page do not share ids.
func (w *svgWriter) open(kind, title, desc string, width, height float64) {
	w.openLabelled(kind, title, desc, width, height, false)
}

// openLabelled is open, with the title also written as the root's
// aria-label when label is set: the newer charts carry both, so that a tool
// that does not follow aria-labelledby still names the picture.
func (w *svgWriter) openLabelled(kind, title, desc string, width, height float64, label bool) {
	h := fnv.New64a()
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write([]byte(title))
	h.Write([]byte{0})
	h.Write([]byte(desc))
	id := kind + "-" + strconv.FormatUint(h.Sum64()&0xffffffffff, 36)

	w.raw(`<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart chart-`)
	w.raw(kind)
	w.raw(`" viewBox="0 0 `)
	w.num(width)
	w.raw(" ")
	w.num(height)
	w.raw(`" preserveAspectRatio="xMinYMin meet" aria-labelledby="`)
	w.raw(id)
	w.raw(`-title" aria-describedby="`)
	w.raw(id)
	w.raw(`-desc"`)
	if label {
		w.raw(` aria-label="`)
		w.text(title)
		w.raw(`"`)
	}
	w.raw(` font-family="`)
	w.text(fontFamily)
	w.raw(`" font-size="13" fill="`)
	w.raw(colorText)
	w.raw(`">`)
	w.raw("\n<title id=\"")
	w.raw(id)
	w.raw(`-title">`)
	w.text(title)
	w.raw("</title>\n<desc id=\"")
	w.raw(id)
	w.raw(`-desc">`)
	w.text(desc)
	w.raw("</desc>\n")
}

// close ends the document and hands it over as trusted HTML. It is trusted
// because every byte of text and every attribute value was escaped on the
// way in.
func (w *svgWriter) close() template.HTML {
	w.raw("</svg>\n")
	return template.HTML(w.b.String())
}

func (w *svgWriter) raw(s string) { w.b.WriteString(s) }

// text writes s escaped for both element content and quoted attribute
// values, after cleanText has removed what XML cannot carry.
func (w *svgWriter) text(s string) {
	s = cleanText(s)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			w.b.WriteString("&amp;")
		case '<':
			w.b.WriteString("&lt;")
		case '>':
			w.b.WriteString("&gt;")
		case '"':
			w.b.WriteString("&#34;")
		case '\'':
			w.b.WriteString("&#39;")
		default:
			w.b.WriteByte(c)
		}
	}
}

// num writes a coordinate rounded to one decimal place; that is finer than
// a pixel at any sensible zoom and keeps the output short and stable.
func (w *svgWriter) num(v float64) {
	w.b.WriteString(fmtCoord(v))
}

// elementTitle writes a <title> child, which browsers show as a tooltip.
func (w *svgWriter) elementTitle(s string) {
	w.raw("<title>")
	w.text(s)
	w.raw("</title>")
}

// openLink starts an <a> element when href is safe and reports whether it
// did, so the caller knows to close it.
func (w *svgWriter) openLink(href string) bool {
	href, ok := safeHref(href)
	if !ok {
		return false
	}
	w.raw(`<a href="`)
	w.text(href)
	w.raw(`">`)
	return true
}

// textAt writes a <text> element at (x, y) with the given extra attributes,
// which must already be safe (they are constants in this package).
func (w *svgWriter) textAt(x, y float64, attrs, s string) {
	w.raw(`<text x="`)
	w.num(x)
	w.raw(`" y="`)
	w.num(y)
	w.raw(`"`)
	if attrs != "" {
		w.raw(" ")
		w.raw(attrs)
	}
	w.raw(">")
	w.text(s)
	w.raw("</text>")
}

func fmtCoord(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "0"
	}
	v = math.Round(v*10) / 10
	if v == 0 {
		return "0" // avoid "-0"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// cleanText makes s safe to place in XML: invalid UTF-8 becomes U+FFFD and
// control characters, which XML 1.0 forbids or which would break the layout,
// become spaces.
func cleanText(s string) string {
	clean := true
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || badRune(r) {
			clean = false
			break
		}
		i += size
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case badRune(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// badRune reports runes that XML 1.0 cannot hold or that are invisible
// layout controls.
func badRune(r rune) bool {
	return unicode.IsControl(r) || r == 0xFFFE || r == 0xFFFF || (r >= 0xD800 && r <= 0xDFFF)
}

// safeHref returns href if it is a relative URL or uses http, https or
// mailto, the same rule html/template applies to URL attributes. Anything
// else (javascript:, data:, vbscript: ...) is dropped rather than neutralised,
// so a hostile value leaves no dead link behind.
func safeHref(href string) (string, bool) {
	href = strings.TrimSpace(cleanText(href))
	if href == "" {
		return "", false
	}
	if i := strings.IndexAny(href, ":/?#"); i >= 0 && href[i] == ':' {
		switch strings.ToLower(href[:i]) {
		case "http", "https", "mailto":
		default:
			return "", false
		}
	}
	return href, true
}

// truncate shortens s to at most n runes, ending with an ellipsis when
// it cut anything.
func truncate(s string, n int) string {
	s = strings.TrimSpace(cleanText(s))
	if n < 1 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	count := 0
	for i := range s {
		if count == n-1 {
			return strings.TrimSpace(s[:i]) + "…"
		}
		count++
	}
	return s
}

// textWidth estimates the drawn width of s at the given font size. Without
// font metrics on the server, 0.6em per character is a safe upper bound for
// system-ui in Latin scripts; wide scripts may overflow a little.
func textWidth(s string, fontSize float64) float64 {
	return float64(utf8.RuneCountInString(s)) * fontSize * 0.6
}

// fmtValue writes a value for people: whole numbers with thousands
// separators, others with up to two decimals.
func fmtValue(v float64) string {
	switch {
	case math.IsNaN(v):
		return "n/a"
	case math.IsInf(v, 1):
		return "∞"
	case math.IsInf(v, -1):
		return "-∞"
	}
	neg := v < 0
	if neg {
		v = -v
	}
	if v >= 1e15 {
		s := strconv.FormatFloat(v, 'g', 3, 64)
		if neg {
			return "-" + s
		}
		return s
	}
	r := math.Round(v*100) / 100
	whole := math.Floor(r)
	frac := r - whole
	digits := strconv.FormatFloat(whole, 'f', 0, 64)
	var b strings.Builder
	if neg && r != 0 {
		b.WriteByte('-')
	}
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac > 0.001 {
		f := strconv.FormatFloat(frac, 'f', 2, 64) // "0.50"
		f = strings.TrimRight(f[1:], "0")
		b.WriteString(f)
	}
	return b.String()
}

// finite returns v when it is a usable non-negative length, else 0.
func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0
	}
	return v
}

// className reduces a caller-supplied class to [a-z0-9_-] so it can be
// written into a class attribute without escaping surprises.
func className(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-' || r == '_' {
			b.WriteRune(r)
		}
		if b.Len() >= 32 {
			break
		}
	}
	return b.String()
}

// listDesc turns items into a sentence for <desc>, cut after limit entries so
// a long chart does not read out for minutes.
func listDesc(prefix string, items []Item, limit int) string {
	var b strings.Builder
	b.WriteString(prefix)
	for i, it := range items {
		if i == limit {
			b.WriteString("; and ")
			b.WriteString(strconv.Itoa(len(items) - limit))
			b.WriteString(" more")
			break
		}
		if i > 0 {
			b.WriteString("; ")
		} else {
			b.WriteString(": ")
		}
		b.WriteString(strings.TrimSpace(it.Label))
		b.WriteString(" ")
		b.WriteString(fmtValue(it.Value))
	}
	b.WriteString(".")
	return b.String()
}

// empty draws the "No data" picture used by every chart when there is
// nothing to show, so a page never holds a blank or broken box.
func empty(kind, title string) template.HTML {
	var w svgWriter
	w.open(kind, title, "No data to show.", 640, 120)
	w.raw(`<rect class="chart-empty" x="1" y="1" width="638" height="118" rx="8" fill="`)
	w.raw(colorPanel)
	w.raw(`" stroke="`)
	w.raw(colorBorder)
	w.raw(`" stroke-dasharray="6 4"/>`)
	w.textAt(320, 66, `text-anchor="middle" font-size="14" fill="`+colorTextMuted+`"`, "No data to show yet")
	w.raw("\n")
	return w.close()
}
