package mds2

import (
	"strings"
	"testing"
	"time"
)

func TestParse_XLSXNEMALayout(t *testing.T) {
	f := mustParse(t, "acme.xlsx", nemaBook().bytes(t))

	if f.Format != "xlsx" || f.Sheet != "MDS2" {
		t.Errorf("Format, Sheet = %q, %q; want xlsx, MDS2 (the instructions sheet has no answer table)", f.Format, f.Sheet)
	}
	if f.Manufacturer != "Acme Medical" || f.Model != "InfuPro 3000" || f.DocumentID != "ACM-MDS2-0042" ||
		f.Description != "Large-volume infusion pump with drug library" {
		t.Errorf("header fields = %q, %q, %q, %q", f.Manufacturer, f.Model, f.DocumentID, f.Description)
	}
	if want := time.Date(2020, 3, 15, 0, 0, 0, 0, time.UTC); !f.Date.Equal(want) {
		t.Errorf("Date = %v, want %v (serial 43905)", f.Date, want)
	}

	var ids []string
	for _, a := range f.Answers {
		ids = append(ids, a.ID)
	}
	wantIDs := "DOC-1 DOC-2 DOC-3 DOC-4 DOC-5 DOC-6 DOC-7 DOC-8 MPII-1 MPII-2 MPII-3.7 CONN-3 CONN-4 CONN-7 CSUP-2 AUTH-1 MLDP-2 RMOT-1 SAHD-9 TXCF-2 TXIG-1 SBOM-1 PAUT-8 AUTH-2 SHAD-15 TXCF-5 STCF-1"
	if got := strings.Join(ids, " "); got != wantIDs {
		t.Errorf("answer IDs\n got %s\nwant %s", got, wantIDs)
	}

	for _, tt := range []struct {
		id                       string
		value                    Value
		raw, note, where, prefix string
	}{
		{id: "DOC-7", raw: "2020-03-15", where: `sheet "MDS2" cell C12`},
		{id: "DOC-8", value: Yes, raw: "Yes"},
		{id: "MPII-1", value: Yes, raw: "Yes", note: "1", where: `sheet "MDS2" cell C15`},
		{id: "MPII-2", value: Yes, raw: "Yes", note: "Note 1"},
		{id: "MPII-3.7", value: No, raw: "No", where: `sheet "MDS2" cell D17`, prefix: "Does the device transmit/receive"},
		{id: "CONN-3", value: Yes, raw: "Yes"},
		{id: "CSUP-2", value: Yes, raw: "Yes", note: "Windows 10 IoT Enterprise LTSC 2019"},
		{id: "AUTH-1", value: Yes, raw: "Yes", prefix: "Does the device prevent access to unauthorized users through user login requirements or other mechanism?"},
		{id: "MLDP-2", value: Yes, raw: "Yes, see note 2", note: "Note 2"},
		{id: "TXIG-1", value: NA, raw: "N/A"},
		{id: "SBOM-1", value: SeeNote, raw: "See Note", note: "Available on request from psirt@acme.example"},
		{id: "PAUT-8", value: Unknown, raw: "", where: `sheet "MDS2" cell C32`},
		{id: "AUTH-2", value: Unknown, raw: "Maybe"},
		{id: "TXCF-5", value: Yes, raw: "Yes"},
		{id: "STCF-1", value: NA, raw: "N/A", where: `sheet "MDS2" cell C36`, prefix: "Can the device encrypt data at rest?"},
	} {
		a, ok := f.Answer(tt.id)
		if !ok {
			t.Errorf("%s missing", tt.id)
			continue
		}
		if a.Value != tt.value || a.Raw != tt.raw || a.Note != tt.note {
			t.Errorf("%s = value %q raw %q note %q; want %q %q %q", tt.id, a.Value, a.Raw, a.Note, tt.value, tt.raw, tt.note)
		}
		if tt.where != "" && a.Where != tt.where {
			t.Errorf("%s Where = %q, want %q", tt.id, a.Where, tt.where)
		}
		if !strings.HasPrefix(a.Question, tt.prefix) || a.Question == "" {
			t.Errorf("%s Question = %q, want prefix %q", tt.id, a.Question, tt.prefix)
		}
		if a.Section != strings.SplitN(tt.id, "-", 2)[0] {
			t.Errorf("%s Section = %q", tt.id, a.Section)
		}
	}

	wantWarnings := []string{
		`AUTH-2 at sheet "MDS2" cell C33: answer "Maybe" is not Yes, No, N/A or See Note`,
		`SHAD-15 at sheet "MDS2" cell A34: section code SHAD is not one of the HN 1-2019 form's`,
		`1 questions have no answer: PAUT-8`,
	}
	if len(f.Warnings) != len(wantWarnings) {
		t.Errorf("warnings = %q", f.Warnings)
	}
	for _, w := range wantWarnings {
		if !containsPrefix(f.Warnings, w) {
			t.Errorf("no warning starting %q in %q", w, f.Warnings)
		}
	}
}

func containsPrefix(ss []string, prefix string) bool {
	for _, s := range ss {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

// A manufacturer's own layout: answer column first, "#" for the ID, notes
// headed "Comments", inline strings only, no DOC rows, and the header block
// supplying the form's fields.
func TestParse_XLSXOwnLayout(t *testing.T) {
	b := &testBook{}
	s := b.sheet("Security")
	s.row(1, inline("A1", "Manufacturer:"), inline("B1", "Globex Imaging"))
	s.row(2, inline("A2", "Model"), inline("B2", "CT-900"), inline("D2", "Release date"), inline("E2", "31.03.2021"))
	s.row(4, inline("A4", "RESPONSE"), inline("B4", "#"), inline("C4", "Comments"), inline("D4", "Question text"))
	s.row(5, inline("A5", "no"), inline("B5", "RMOT-1"), inline("C5", "Service by VPN only when the hospital opens it"))
	s.row(6, inline("A6", "Y"), inline("B6", "CONN-4"))
	s.row(7, inline("A7", "TRUE"), inline("B7", "TXCF-2"))
	s.row(8, `<c r="A8" t="b"><v>0</v></c>`, inline("B8", "NAUT-2 Are network access control mechanisms supported?"))
	f := mustParse(t, "globex.xlsx", b.bytes(t))

	if f.Manufacturer != "Globex Imaging" || f.Model != "CT-900" {
		t.Errorf("Manufacturer, Model = %q, %q", f.Manufacturer, f.Model)
	}
	if want := time.Date(2021, 3, 31, 0, 0, 0, 0, time.UTC); !f.Date.Equal(want) {
		t.Errorf("Date = %v, want %v", f.Date, want)
	}
	want := map[string]Value{"RMOT-1": No, "CONN-4": Yes, "TXCF-2": Yes, "NAUT-2": No}
	if len(f.Answers) != len(want) {
		t.Fatalf("answers = %+v", f.Answers)
	}
	for id, v := range want {
		if a, _ := f.Answer(id); a.Value != v {
			t.Errorf("%s = %q, want %q", id, a.Value, v)
		}
	}
	if a, _ := f.Answer("RMOT-1"); a.Note != "Service by VPN only when the hospital opens it" {
		t.Errorf("RMOT-1 note = %q", a.Note)
	}
	if a, _ := f.Answer("NAUT-2"); a.Question != "Are network access control mechanisms supported?" {
		t.Errorf("NAUT-2 question from the ID cell = %q", a.Question)
	}
	if len(f.Warnings) != 0 {
		t.Errorf("warnings = %q", f.Warnings)
	}
}

func TestParse_XLSXDate1904(t *testing.T) {
	b := &testBook{date1904: true}
	s := b.sheet("MDS2")
	b.table(s, 1, []string{"Question ID", "Question", "Answer"})
	s.row(2, b.s("A2", "DOC-7"), b.s("B2", "Document Release Date"), num("C2", "42443"))
	f := mustParse(t, "mac.xlsx", b.bytes(t))
	// 42443 days after 1904-01-01.
	if want := time.Date(2020, 3, 15, 0, 0, 0, 0, time.UTC); !f.Date.Equal(want) {
		t.Errorf("Date = %v, want %v", f.Date, want)
	}
}

func TestParse_XLSXErrors(t *testing.T) {
	good := nemaBook().bytes(t)
	noHeader := &testBook{}
	b := noHeader.sheet("Sheet1")
	noHeader.table(b, 1, []string{"Question", "Answer"}, []string{"DOC-1", "Acme"})

	noAnswer := &testBook{}
	b = noAnswer.sheet("Form")
	noAnswer.table(b, 1, []string{"Title"}, []string{"", "Question ID", "Question", "Remarks"}, []string{"", "DOC-1", "Manufacturer Name"})

	dup := &testBook{}
	b = dup.sheet("MDS2")
	dup.table(b, 1, []string{"Question ID", "Answer"}, []string{"AUTH-1", "Yes"}, []string{"AUTH-2", "No"}, []string{"AUTH-1", "No"})

	badIndex := &testBook{}
	b = badIndex.sheet("MDS2")
	badIndex.table(b, 1, []string{"Question ID", "Answer"})
	b.row(2, badIndex.s("A2", "AUTH-1"), `<c r="B2" t="s"><v>99</v></c>`)

	badXML := nemaBook()
	badXML.replace = map[string]string{"xl/worksheets/sheet2.xml": "<worksheet><sheetData>\n<row r=\"1\"><c r=\"A1\"></row></sheetData></worksheet>"}

	badRef := &testBook{}
	b = badRef.sheet("MDS2")
	b.row(1, `<c r="A1$" t="inlineStr"><is><t>x</t></is></c>`)

	badNum := &testBook{}
	b = badNum.sheet("MDS2")
	badNum.table(b, 1, []string{"Question ID", "Answer"})
	b.row(2, badNum.s("A2", "AUTH-1"), num("B2", "yes"))

	noSheet := nemaBook()
	noSheet.omit = map[string]bool{"xl/worksheets/sheet2.xml": true}

	noRels := nemaBook()
	noRels.omit = map[string]bool{"xl/_rels/workbook.xml.rels": true}

	bomb := nemaBook()
	bomb.replace = map[string]string{"xl/sharedStrings.xml": "<sst>" + strings.Repeat(" ", maxPartSize) + "</sst>"}

	onlyIDs := &testBook{}
	b = onlyIDs.sheet("MDS2")
	onlyIDs.table(b, 1, []string{"ID", "Answer"}, []string{"Section", "Yes"})

	for _, tt := range []struct {
		name string
		data []byte
		want []string // substrings of the message
	}{
		{"Truncated", good[:len(good)/2], []string{"acme.xlsx", "archive is damaged"}},
		{"NotAWorkbook", zipOf(t, "word/document.xml", "<w:document/>"), []string{"not an Excel workbook", "xl/workbook.xml"}},
		{"OpenDocument", zipOf(t, "mimetype", "application/vnd.oasis.opendocument.spreadsheet", "content.xml", "<office:document-content/>"), []string{"OpenDocument"}},
		{"NoHeader", noHeader.bytes(t), []string{`no row of sheets "Sheet1"`, "question-ID column"}},
		{"IDWithoutAnswerColumn", noAnswer.bytes(t), []string{`sheet "Form" cell B2`, "no answer column"}},
		{"DuplicateID", dup.bytes(t), []string{`sheet "MDS2" cell A4`, "AUTH-1 appears a second time", `first at sheet "MDS2" cell A2`}},
		{"SharedStringOutOfRange", badIndex.bytes(t), []string{`sheet "MDS2" cell B2`, "shared string"}},
		{"MalformedSheetXML", badXML.bytes(t), []string{"xl/worksheets/sheet2.xml line 2", "malformed"}},
		{"BadCellReference", badRef.bytes(t), []string{`sheet "MDS2" row 1`, `"A1$"`}},
		{"NumericCellNotANumber", badNum.bytes(t), []string{`sheet "MDS2" cell B2`, "not a number"}},
		{"MissingSheetPart", noSheet.bytes(t), []string{`sheet "MDS2"`, "does not hold its part xl/worksheets/sheet2.xml"}},
		{"MissingWorkbookRels", noRels.bytes(t), []string{"xl/_rels/workbook.xml.rels", "no relationships part"}},
		{"ZipBomb", bomb.bytes(t), []string{"xl/sharedStrings.xml", "larger than 32 MiB uncompressed"}},
		{"NoQuestionIDs", onlyIDs.bytes(t), []string{`sheet "MDS2" row 1`, "no question IDs"}},
		{"LegacyXLS", append([]byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1}, make([]byte, 512)...), []string{"Excel 97-2003"}},
		{"XLSXNameTextContent", []byte("Question ID,Answer\nAUTH-1,Yes\n"), []string{"not a zip archive"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			name := "acme.xlsx"
			if tt.name == "LegacyXLS" {
				name = "acme.xls"
			}
			f, err := Parse(name, tt.data)
			assertParseError(t, f, err, tt.want...)
		})
	}
}
