// Package csvsafe defuses CSV cells that a spreadsheet would run as
// formulas. Host names, DHCP options and register notes come from the
// network or from people, so a cell such as =HYPERLINK("http://evil/") in
// an export must open as text, not as a live formula (CSV or "formula"
// injection, OWASP).
package csvsafe

// Cell returns s with a leading apostrophe when it starts with a character
// that makes Excel, LibreOffice or Google Sheets read it as a formula: = + -
// @, a tab or a carriage return. Spreadsheets show the apostrophe as nothing
// and keep the rest as text. Other cells are returned unchanged.
func Cell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// Row applies Cell to every cell of row, in place, and returns row.
func Row(row []string) []string {
	for i, c := range row {
		row[i] = Cell(c)
	}
	return row
}
