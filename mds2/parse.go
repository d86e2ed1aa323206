package mds2

import (
	"bytes"
	"fmt"
	"strings"
)

// MaxSize is the largest file Parse reads. A filled-in MDS2 workbook is
// well under a megabyte; anything near this is not a form.
const MaxSize = 16 << 20

// Parse reads an MDS2 form from data, an .xlsx workbook or a CSV export of
// one, told apart by content, not by name: a zip archive is a workbook,
// anything else is CSV (UTF-8, optional byte-order mark, comma, semicolon or
// tab separated, fields quoted as Excel quotes them). name is used in
// messages only.
//
// The answers are found generically, so a manufacturer's own layout reads
// like NEMA's: the first row holding a question-ID column header ("Question
// ID", "ID", "#") and an answer column header ("Yes, No, N/A, or See
// Note", "Answer", "Response") is the table header, in whichever column
// order, with an optional question column and note column ("Note #",
// "Notes", "Comments"); every row below with an ID such as "DOC-1" or
// "AUTH-1.1" is an answer, and other rows (section titles, note text,
// repeated headers) are passed over. In a workbook the first worksheet with
// such a header is read.
//
// Parse returns an *Error naming the file, the place (sheet and cell, CSV
// line, workbook part) and the problem for input it cannot read: a damaged
// archive, a zip that is not a workbook, no header row, a question ID that
// appears twice. Problems that leave the form usable (an answer that is not
// Yes/No/N/A/See Note, an unknown section code, an unreadable date) are in
// Form.Warnings instead.
func Parse(name string, data []byte) (*Form, error) {
	if len(data) > MaxSize {
		return nil, errorf(name, "", "the file is larger than %d MiB, far more than an MDS2 form needs", MaxSize>>20)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errorf(name, "", "the file is empty")
	}
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")), bytes.HasPrefix(data, []byte("PK\x05\x06")):
		return parseXLSX(name, data)
	case bytes.HasPrefix(data, []byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1}):
		return nil, errorf(name, "", "it is a legacy Excel 97-2003 (.xls) or password-protected workbook, which is not supported; save it unprotected as .xlsx or as CSV UTF-8")
	case strings.HasSuffix(strings.ToLower(name), ".xlsx"):
		return nil, errorf(name, "", "the name says .xlsx but the content is not a zip archive, as every .xlsx workbook is")
	}
	g, err := readCSV(name, data)
	if err != nil {
		return nil, err
	}
	h, hint, ok := findHeader(g)
	if !ok {
		return nil, noHeader(name, hint, "the file")
	}
	return readTable(name, g, h, false)
}

func parseXLSX(name string, data []byte) (*Form, error) {
	wb, err := openWorkbook(name, data)
	if err != nil {
		return nil, err
	}
	var firstHint string
	names := make([]string, len(wb.sheets))
	for i := range wb.sheets {
		names[i] = fmt.Sprintf("%q", wb.sheets[i].name)
		g, err := wb.sheet(i)
		if err != nil {
			return nil, err
		}
		h, hint, ok := findHeader(g)
		if ok {
			return readTable(name, g, h, wb.date1904)
		}
		if firstHint == "" {
			firstHint = hint
		}
	}
	return nil, noHeader(name, firstHint, "sheets "+strings.Join(names, ", "))
}

// noHeader is the error for a file without a recognisable table header.
func noHeader(name, hint, searched string) *Error {
	if hint != "" {
		return errorf(name, "", "%s", hint)
	}
	return errorf(name, "", "no row of %s has a question-ID column header (\"Question ID\", \"ID\" or \"#\") beside an answer column header (\"Yes, No, N/A, or See Note\", \"Answer\" or \"Response\"), so the answers cannot be found", searched)
}
