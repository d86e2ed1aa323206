package mds2

import (
	"archive/zip"
	"bytes"
	"fmt"
	"html"
	"strconv"
	"strings"
	"testing"
)

// testBook builds a minimal but valid .xlsx in memory, the way Excel lays
// one out: [Content_Types].xml, _rels/.rels, xl/workbook.xml and its
// relationships, xl/sharedStrings.xml, xl/styles.xml and one part per
// worksheet. Cells are written by the helpers below so that each test can
// choose shared strings, inline strings, rich text or numbers.
type testBook struct {
	sheets   []testSheet
	shared   []string          // inner XML of each <si>
	date1904 bool              // workbookPr date1904="1"
	omit     map[string]bool   // parts to leave out
	replace  map[string]string // parts to write verbatim instead
	extra    map[string]string // further parts
}

type testSheet struct {
	name string
	rows []string // <row> elements
}

// sheet adds a worksheet and returns it for rows to be appended.
func (b *testBook) sheet(name string) *testSheet {
	b.sheets = append(b.sheets, testSheet{name: name})
	return &b.sheets[len(b.sheets)-1]
}

// str adds a plain shared string and returns its index.
func (b *testBook) str(s string) int {
	b.shared = append(b.shared, "<t xml:space=\"preserve\">"+html.EscapeString(s)+"</t>")
	return len(b.shared) - 1
}

// s is a shared-string cell.
func (b *testBook) s(ref, text string) string {
	return fmt.Sprintf(`<c r="%s" t="s" s="3"><v>%d</v></c>`, ref, b.str(text))
}

// rich is a shared-string cell of formatted runs, with a phonetic guide
// that must not be read as text.
func (b *testBook) rich(ref string, runs ...string) string {
	var si strings.Builder
	for i, r := range runs {
		if i%2 == 1 {
			si.WriteString(`<r><rPr><b/><sz val="10"/><rFont val="Arial"/></rPr>`)
		} else {
			si.WriteString(`<r><rPr><sz val="10"/></rPr>`)
		}
		si.WriteString(`<t xml:space="preserve">` + html.EscapeString(r) + `</t></r>`)
	}
	si.WriteString(`<rPh sb="0" eb="1"><t>フリガナ</t></rPh>`)
	b.shared = append(b.shared, si.String())
	return fmt.Sprintf(`<c r="%s" t="s"><v>%d</v></c>`, ref, len(b.shared)-1)
}

// inline is an inline-string cell, as streaming writers produce.
func inline(ref, text string) string {
	return fmt.Sprintf(`<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, html.EscapeString(text))
}

// num is a numeric cell.
func num(ref, v string) string {
	return fmt.Sprintf(`<c r="%s" s="5"><v>%s</v></c>`, ref, v)
}

// formula is a formula cell with a cached string result.
func formula(ref, f, v string) string {
	return fmt.Sprintf(`<c r="%s" t="str"><f>%s</f><v>%s</v></c>`, ref, html.EscapeString(f), html.EscapeString(v))
}

// row appends a row of cells.
func (s *testSheet) row(n int, cells ...string) {
	s.rows = append(s.rows, fmt.Sprintf(`<row r="%d" spans="1:8">%s</row>`, n, strings.Join(cells, "")))
}

// table appends rows of text from row `first`, column A onward, as shared
// strings; empty strings leave the cell out.
func (b *testBook) table(s *testSheet, first int, rows ...[]string) {
	for i, r := range rows {
		var cells []string
		for j, v := range r {
			if v != "" {
				cells = append(cells, b.s(cellRef(j, first+i), v))
			}
		}
		s.row(first+i, cells...)
	}
}

func (b *testBook) bytes(tb testing.TB) []byte {
	tb.Helper()
	parts := map[string]string{}
	var ct, rels, sheets strings.Builder
	ct.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>` +
		`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>`)
	rels.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for i, s := range b.sheets {
		n := i + 1
		fmt.Fprintf(&ct, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, n)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, n, n)
		fmt.Fprintf(&sheets, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, html.EscapeString(s.name), n, n)
		parts[fmt.Sprintf("xl/worksheets/sheet%d.xml", n)] = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
			`<dimension ref="A1:H200"/><sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/>` +
			`<cols><col min="1" max="1" width="12" customWidth="1"/></cols>` +
			`<sheetData>` + strings.Join(s.rows, "") + `</sheetData>` +
			`<mergeCells count="1"><mergeCell ref="A1:H1"/></mergeCells>` +
			`<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`
	}
	ct.WriteString(`</Types>`)
	k := len(b.sheets)
	fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`, k+1)
	fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`, k+2)
	rels.WriteString(`</Relationships>`)

	pr := ""
	if b.date1904 {
		pr = ` date1904="1"`
	}
	parts["[Content_Types].xml"] = ct.String()
	parts["_rels/.rels"] = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
		`</Relationships>`
	parts["xl/workbook.xml"] = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
		`<workbookPr` + pr + ` defaultThemeVersion="166925"/><bookViews><workbookView xWindow="0" yWindow="0" windowWidth="28800" windowHeight="12300"/></bookViews>` +
		`<sheets>` + sheets.String() + `</sheets><calcPr calcId="191029"/></workbook>`
	parts["xl/_rels/workbook.xml.rels"] = rels.String()
	parts["xl/sharedStrings.xml"] = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="` + strconv.Itoa(len(b.shared)) + `" uniqueCount="` + strconv.Itoa(len(b.shared)) + `">` +
		"<si>" + strings.Join(b.shared, "</si><si>") + "</si></sst>"
	if len(b.shared) == 0 {
		parts["xl/sharedStrings.xml"] = `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>`
	}
	parts["xl/styles.xml"] = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\-mm\-dd"/></numFmts></styleSheet>`
	for k, v := range b.replace {
		parts[k] = v
	}
	for k, v := range b.extra {
		parts[k] = v
	}

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	// Excel writes [Content_Types].xml first; keep a stable order after it.
	order := []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/sharedStrings.xml"}
	for i := range b.sheets {
		order = append(order, fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1))
	}
	for k := range b.extra {
		order = append(order, k)
	}
	for _, name := range order {
		if b.omit[name] {
			continue
		}
		w, err := zw.Create(name)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := w.Write([]byte(parts[name])); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// zipOf returns a zip archive of the given files, for archives that are not
// workbooks.
func zipOf(tb testing.TB, files ...string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(files); i += 2 {
		w, err := zw.Create(files[i])
		if err != nil {
			tb.Fatal(err)
		}
		w.Write([]byte(files[i+1]))
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
