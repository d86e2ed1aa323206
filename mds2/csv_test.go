package mds2

import (
	"strings"
	"testing"
	"time"
)

func TestParse_CSV(t *testing.T) {
	// Excel in comma-decimal locales separates with semicolons and quotes
	// only fields holding a semicolon, a quote or a line break: question
	// texts keep their bare commas.
	semicolon := "Manufacturer Name;Acme Medical;;Document ID;ACM-MDS2-0042\n" +
		"Question ID;Question;Yes, No, N/A, or See Note;Note #\n" +
		"DOC-1;Manufacturer Name;Acme Medical;\n" +
		"DOC-3;Device Model;InfuPro 3000;\n" +
		"DOC-7;Document Release Date;2020-03-15;\n" +
		"MPII-1;Can this device display, transmit, store, or modify personally identifiable information (e.g. electronic Protected Health Information (ePHI))?;Yes;1\n" +
		"RMOT-1;Does the device permit remote service connections for device analysis or repair?;No;\"Service is on site only;\nno \"\"remote\"\" tools are installed.\"\n" +
		"TXCF-2;Is personally identifiable information encrypted prior to transmission via a network or removable media?;Yes;\n"
	tab := "Question ID\tQuestion\tAnswer\tNotes\n" +
		"DOC-1\tManufacturer Name\tAcme Medical\t\n" +
		"DOC-3\tDevice Model\tInfuPro 3000\t\n" +
		"DOC-7\tDocument Release Date\tMarch 15, 2020\t\n" +
		"MPII-1\tCan this device display, transmit, store, or modify personally identifiable information?\tyes\t1\n" +
		"RMOT-1\tDoes the device permit remote service connections for device analysis or repair?\tNO\t\"Service is on site only;\nno \"\"remote\"\" tools are installed.\"\n" +
		"TXCF-2\tIs personally identifiable information encrypted prior to transmission?\tYes.\t\n"

	for _, tt := range []struct{ name, data string }{
		{"CommaBOMCRLF", nemaCSV},
		{"Semicolon", semicolon},
		{"Tab", tab},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := mustParse(t, "acme.csv", []byte(tt.data))
			if f.Format != "csv" || f.Sheet != "" {
				t.Errorf("Format, Sheet = %q, %q", f.Format, f.Sheet)
			}
			if f.Manufacturer != "Acme Medical" || f.Model != "InfuPro 3000" {
				t.Errorf("Manufacturer, Model = %q, %q", f.Manufacturer, f.Model)
			}
			if tt.name != "Tab" && f.DocumentID != "ACM-MDS2-0042" {
				t.Errorf("DocumentID from the header block = %q", f.DocumentID)
			}
			if want := time.Date(2020, 3, 15, 0, 0, 0, 0, time.UTC); !f.Date.Equal(want) {
				t.Errorf("Date = %v, want %v", f.Date, want)
			}
			if len(f.Answers) != 6 {
				t.Fatalf("%d answers: %+v", len(f.Answers), f.Answers)
			}
			r, _ := f.Answer("RMOT-1")
			if r.Value != No || r.Note != "Service is on site only;\nno \"remote\" tools are installed." {
				t.Errorf("RMOT-1 = %q, note %q", r.Value, r.Note)
			}
			if !strings.HasPrefix(r.Where, "line ") || !strings.HasSuffix(r.Where, ", field 3") {
				t.Errorf("RMOT-1 Where = %q", r.Where)
			}
			if m, _ := f.Answer("MPII-1"); m.Value != Yes || m.Note != "1" || !strings.Contains(m.Question, "display, transmit") {
				t.Errorf("MPII-1 = %+v", m)
			}
			if x, _ := f.Answer("TXCF-2"); x.Value != Yes {
				t.Errorf("TXCF-2 = %+v", x)
			}
			if len(f.Warnings) != 0 {
				t.Errorf("warnings: %q", f.Warnings)
			}
		})
	}
}

// A field that spans lines is reported at the line it starts on, and the
// records after it at their own lines.
func TestParse_CSVLines(t *testing.T) {
	data := "ID,Answer,Notes\nAUTH-1,Yes,\"one\ntwo\nthree\"\nAUTH-2,Sometimes,\n"
	f := mustParse(t, "x.csv", []byte(data))
	if a, _ := f.Answer("AUTH-2"); a.Where != "line 5, field 2" {
		t.Errorf("AUTH-2 Where = %q, want line 5, field 2", a.Where)
	}
	if len(f.Warnings) != 1 || !strings.HasPrefix(f.Warnings[0], `AUTH-2 at line 5, field 2: answer "Sometimes"`) {
		t.Errorf("warnings = %q", f.Warnings)
	}
}

// A cell Cordon's own CSV export defused (package csvsafe) reads back as
// written.
func TestParse_CSVDefused(t *testing.T) {
	f := mustParse(t, "x.csv", []byte("ID,Answer\nDOC-1,'=Acme\nDOC-2,'Quoted'\n"))
	if f.Manufacturer != "=Acme" || f.Description != "'Quoted'" {
		t.Errorf("Manufacturer, Description = %q, %q", f.Manufacturer, f.Description)
	}
}

func TestParse_CSVErrors(t *testing.T) {
	for _, tt := range []struct {
		name, data string
		want       []string
	}{
		{"Empty", "", []string{"empty"}},
		{"UTF16", "\xff\xfeQ\x00u\x00", []string{"UTF-16", "CSV UTF-8"}},
		{"Windows1252", "Question ID,Answer\nDOC-1,Soci\xe9t\xe9\n", []string{"line 2", "not UTF-8"}},
		{"UnterminatedQuote", "Question ID,Answer,Note\nAUTH-1,Yes,\"never closed\nAUTH-2,No,\n", []string{"line 3, column 12 (in a record that starts on line 2)", "malformed", "extraneous or missing \" in quoted-field"}},
		{"NoQuestionIDColumn", "Question,Answer\nDOC-1,Acme\n", []string{"no row of the file", "question-ID column"}},
		{"NoAnswerColumn", "Title\nQuestion ID,Question,Comments\nDOC-1,Manufacturer Name,\n", []string{"line 2, field 1", "no answer column"}},
		{"DuplicateID", "ID;Answer\nAUTH-1;Yes\nAUTH-1.1;No\nAUTH-1;No\n", []string{"line 4, field 1", "AUTH-1 appears a second time (first at line 2, field 1)"}},
		{"DuplicateAfterDashFix", "ID,Answer\nAUTH-1,Yes\nAUTH – 1,No\n", []string{"line 3, field 1", "AUTH-1 appears a second time"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("form.csv", []byte(tt.data))
			assertParseError(t, f, err, tt.want...)
		})
	}
}
