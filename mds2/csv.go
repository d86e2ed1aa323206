package mds2

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// csvDelimiters are tried in turn: Excel writes commas, or semicolons where
// the decimal separator is a comma, and "Unicode text" exports use tabs.
var csvDelimiters = []rune{',', ';', '\t'}

// readCSV reads a CSV export of a form into a grid. The delimiter is the
// first of csvDelimiters under which a header row appears; question texts
// hold commas, so counting characters would guess wrong for semicolon files.
func readCSV(file string, data []byte) (*grid, error) {
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		return nil, errorf(file, "", "it is UTF-16 text; save the sheet as CSV UTF-8")
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:invalidUTF8At(data)], []byte("\n"))
		return nil, errorf(file, fmt.Sprintf("line %d", line), "the text is not UTF-8 (perhaps Windows-1252); save the sheet as CSV UTF-8")
	}
	var first *grid
	var firstErr error
	for _, d := range csvDelimiters {
		g, err := csvGrid(file, data, d)
		if _, _, ok := findHeader(g); ok {
			if err != nil {
				return nil, err
			}
			return g, nil
		}
		if first == nil {
			first, firstErr = g, err
		}
	}
	if firstErr != nil {
		return nil, firstErr
	}
	return first, nil
}

// csvGrid parses data with one delimiter. On a syntax error it returns the
// records before it with the error, so the caller can tell whether the
// delimiter was right before blaming the file.
func csvGrid(file string, data []byte, delim rune) (*grid, error) {
	g := &grid{csv: true}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = delim
	r.FieldsPerRecord = -1
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return g, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				where := fmt.Sprintf("line %d, column %d", pe.Line, pe.Column)
				if pe.StartLine != pe.Line {
					where += fmt.Sprintf(" (in a record that starts on line %d)", pe.StartLine)
				}
				return g, errorf(file, where, "the CSV is malformed: %v", pe.Err)
			}
			return g, errorf(file, "", "the CSV is malformed: %v", err)
		}
		line, _ := r.FieldPos(0)
		rw := row{n: line}
		for i, f := range rec {
			if strings.TrimSpace(f) == "" {
				continue
			}
			l, _ := r.FieldPos(i)
			rw.cells = append(rw.cells, cell{col: i, line: l, text: unDefuse(f)})
		}
		g.rows = append(g.rows, rw)
	}
}

// unDefuse removes the apostrophe Cordon's own CSV exports (package
// csvsafe) put before a cell that a spreadsheet would run as a formula, so
// that an exported form reads back as it was.
func unDefuse(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}

// invalidUTF8At returns the offset of the first byte that is not UTF-8.
func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(b)
}
