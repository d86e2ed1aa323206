package mds2

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
)

// sheet reads worksheet i into a grid. Cell values are resolved to text:
// shared and inline strings, formula results, booleans as TRUE/FALSE and
// numbers in their shortest form with num set. Styles are ignored, so a
// date is a number here; readTable converts the one it needs.
func (wb *workbook) sheet(i int) (*grid, error) {
	ref := wb.sheets[i]
	b, err := wb.open(ref.part)
	if err != nil {
		return nil, err
	}
	g := &grid{sheet: ref.name}
	d := xml.NewDecoder(bytes.NewReader(b))
	var (
		cur      *row
		inCell   bool
		c        cell
		typ      string
		ref1     string
		v        strings.Builder
		inV      bool
		inIS     bool
		tc       *textCollector
		lastCol  = -1
		lastRow  = 0
		whereNow = func() string {
			if ref1 != "" {
				return fmt.Sprintf("sheet %q cell %s", ref.name, ref1)
			}
			return fmt.Sprintf("sheet %q row %d", ref.name, lastRow)
		}
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, xmlError(wb.file, ref.part, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch {
			case inIS:
				tc.token(tok)
			case t.Name.Local == "row":
				n := lastRow + 1
				if n > maxRows {
					return nil, errorf(wb.file, fmt.Sprintf("sheet %q after row %d", ref.name, lastRow), "the sheet has more than %d rows", maxRows)
				}
				if s := attr(t, "r"); s != "" {
					if n, err = strconv.Atoi(s); err != nil || n < 1 || n > maxRows {
						return nil, errorf(wb.file, fmt.Sprintf("sheet %q after row %d", ref.name, lastRow), "row number %q is not between 1 and %d", s, maxRows)
					}
				}
				g.rows = append(g.rows, row{n: n})
				cur, lastRow, lastCol = &g.rows[len(g.rows)-1], n, -1
			case t.Name.Local == "c" && cur != nil:
				inCell, typ, ref1 = true, attr(t, "t"), attr(t, "r")
				v.Reset()
				c = cell{col: lastCol + 1}
				if ref1 != "" {
					col, _, ok := parseRef(ref1)
					if !ok {
						return nil, errorf(wb.file, fmt.Sprintf("sheet %q row %d", ref.name, lastRow), "cell reference %q is not a reference such as C12 inside the sheet's limits", ref1)
					}
					c.col = col
				}
				if c.col >= maxCols {
					return nil, errorf(wb.file, whereNow(), "the row has more than %d columns", maxCols)
				}
			case t.Name.Local == "v" && inCell:
				inV = true
			case t.Name.Local == "is" && inCell:
				inIS, tc = true, &textCollector{}
			}
		case xml.EndElement:
			switch {
			case inIS && t.Name.Local == "is":
				inIS = false
			case inIS:
				tc.token(tok)
			case t.Name.Local == "v":
				inV = false
			case t.Name.Local == "c" && inCell:
				inCell = false
				lastCol = c.col
				text, num, err := wb.cellText(typ, v.String(), tc)
				tc = nil
				if err != "" {
					return nil, errorf(wb.file, whereNow(), "%s", err)
				}
				if strings.TrimSpace(text) == "" {
					continue
				}
				if wb.cells++; wb.cells > maxCells {
					return nil, errorf(wb.file, whereNow(), "the workbook has more than %d cells, far more than an MDS2 form", maxCells)
				}
				c.text, c.num = text, num
				cur.cells = append(cur.cells, c)
			case t.Name.Local == "row":
				// Rows without values are dropped, so that memory follows
				// the cells, which are counted, not the row elements.
				if cur != nil && len(cur.cells) == 0 {
					g.rows = g.rows[:len(g.rows)-1]
				}
				cur = nil
			}
		case xml.CharData:
			switch {
			case inIS:
				tc.token(tok)
			case inV:
				v.Write(t)
			}
		}
	}
	// Writers emit rows and cells in order; sort anyway so lookups by
	// binary search hold for any input, keeping the last of duplicates.
	sort.SliceStable(g.rows, func(i, j int) bool { return g.rows[i].n < g.rows[j].n })
	for i := range g.rows {
		cs := g.rows[i].cells
		sort.SliceStable(cs, func(a, b int) bool { return cs[a].col < cs[b].col })
		out := cs[:0]
		for k, c := range cs {
			if k+1 < len(cs) && cs[k+1].col == c.col {
				continue
			}
			out = append(out, c)
		}
		g.rows[i].cells = out
	}
	return g, nil
}

// cellText resolves a cell's value by its type attribute. problem is a
// sentence for the error when the value does not fit its type.
func (wb *workbook) cellText(typ, v string, is *textCollector) (text string, num bool, problem string) {
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 || i >= len(wb.strings) {
			return "", false, fmt.Sprintf("the cell refers to shared string %q, which the workbook does not have (it has %d)", v, len(wb.strings))
		}
		return wb.strings[i], false, ""
	case "inlineStr":
		if is == nil {
			return v, false, ""
		}
		return is.b.String(), false, ""
	case "b":
		switch strings.TrimSpace(v) {
		case "1":
			return "TRUE", false, ""
		case "0":
			return "FALSE", false, ""
		case "":
			return "", false, ""
		}
		return "", false, fmt.Sprintf("boolean cell holds %q, not 0 or 1", v)
	case "str", "e", "d":
		return v, false, ""
	case "", "n":
		s := strings.TrimSpace(v)
		if s == "" {
			return "", false, ""
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return "", false, fmt.Sprintf("numeric cell holds %q, which is not a number", v)
		}
		return formatNumber(f), true, ""
	}
	return "", false, fmt.Sprintf("cell type %q is not one a workbook uses", typ)
}

// formatNumber writes a number as a person reads it: 12 not 12.0, 0.5 not
// 5E-01.
func formatNumber(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}
