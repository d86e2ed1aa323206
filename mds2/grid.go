package mds2

import (
	"fmt"
	"sort"
	"strconv"
)

// grid is one sheet of cells, from a worksheet or a CSV file, sparse because
// a hostile workbook may name cell XFD1048576 and nothing else.
type grid struct {
	sheet string // worksheet name; "" for CSV
	csv   bool
	rows  []row // in row order
}

// row is one spreadsheet row or CSV record.
type row struct {
	n     int    // 1-based row number; for CSV the line the record starts on
	cells []cell // non-empty cells, by column
}

// cell is one non-empty cell.
type cell struct {
	col  int // 0-based column
	line int // CSV only: the line the field starts on, which differs from row.n inside quoted newlines
	text string
	num  bool // an xlsx numeric cell, which is how Excel stores dates
}

// first returns the first non-empty cell in columns [s.from, s.to), which is
// where a value sits when the column's header cell was merged over several
// columns and the manufacturer typed into whichever looked right.
func (r *row) first(s span) (cell, bool) {
	if s.from < 0 {
		return cell{}, false
	}
	i := sort.Search(len(r.cells), func(i int) bool { return r.cells[i].col >= s.from })
	for ; i < len(r.cells) && r.cells[i].col < s.to; i++ {
		if r.cells[i].text != "" {
			return r.cells[i], true
		}
	}
	return cell{}, false
}

// where names a cell of the grid for a person: `sheet "MDS2" cell C12` or
// `line 12, field 3`. c may be a zero cell with only col set, for a cell
// that is empty.
func (g *grid) where(r *row, c cell) string {
	if g.csv {
		line := c.line
		if line == 0 {
			line = r.n
		}
		return fmt.Sprintf("line %d, field %d", line, c.col+1)
	}
	return fmt.Sprintf("sheet %q cell %s", g.sheet, cellRef(c.col, r.n))
}

// whereRow names a row of the grid.
func (g *grid) whereRow(r *row) string {
	if g.csv {
		return fmt.Sprintf("line %d", r.n)
	}
	return fmt.Sprintf("sheet %q row %d", g.sheet, r.n)
}

// span is a half-open range of columns; from < 0 means the column is absent.
type span struct{ from, to int }

var noSpan = span{-1, -1}

// cellRef returns the A1-style name of a 0-based column and 1-based row.
func cellRef(col, rowNum int) string {
	return colName(col) + strconv.Itoa(rowNum)
}

// colName returns the letters of a 0-based column: 0 → "A", 26 → "AA".
func colName(col int) string {
	var b []byte
	for col++; col > 0; col = (col - 1) / 26 {
		b = append([]byte{byte('A' + (col-1)%26)}, b...)
	}
	return string(b)
}

// Sheet limits of Excel, which a reference beyond cannot come from a real
// workbook.
const (
	maxCols = 16384
	maxRows = 1048576
)

// parseRef splits an A1-style reference into a 0-based column and a 1-based
// row. A reference without digits ("C", as some writers emit) returns row 0.
func parseRef(ref string) (col, rowNum int, ok bool) {
	i := 0
	for i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z' {
		col = col*26 + int(ref[i]-'A'+1)
		if col > maxCols {
			return 0, 0, false
		}
		i++
	}
	if i == 0 {
		return 0, 0, false
	}
	if i < len(ref) {
		n, err := strconv.Atoi(ref[i:])
		if err != nil || n < 1 || n > maxRows || ref[i] == '+' || ref[i] == '-' {
			return 0, 0, false
		}
		rowNum = n
	}
	return col - 1, rowNum, true
}
