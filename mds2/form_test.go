package mds2

import (
	"testing"
	"time"
)

func TestParseValue(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Value
		ok   bool
	}{
		{"Yes", Yes, true}, {" YES ", Yes, true}, {"y", Yes, true}, {"TRUE", Yes, true}, {"Yes*", Yes, true},
		{"Yes, see note 2", Yes, true}, {"Yes (optional module)", Yes, true}, {"Yes – with licence", Yes, true},
		{"No", No, true}, {"no.", No, true}, {"N", No, true}, {"FALSE", No, true}, {"No - see note", No, true},
		{"N/A", NA, true}, {"NA", NA, true}, {"n / a", NA, true}, {"Not applicable", NA, true}, {"N/A - software only", NA, true},
		{"See Note", SeeNote, true}, {"see note 4", SeeNote, true}, {"See notes", SeeNote, true},
		{"", Unknown, true},
		{"Maybe", Unknown, false}, {"None", Unknown, false}, {"Nasty", Unknown, false}, {"Yes/No", Unknown, false},
		{"Yesterday", Unknown, false}, {"Partially", Unknown, false},
	} {
		got, ok := parseValue(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseValue(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseID(t *testing.T) {
	for _, tt := range []struct {
		in, id, section, rest string
		ok                    bool
	}{
		{in: "DOC-1", id: "DOC-1", section: "DOC", ok: true},
		{in: " AUTH-1.1 ", id: "AUTH-1.1", section: "AUTH", ok: true},
		{in: "AUDT-2.8.1", id: "AUDT-2.8.1", section: "AUDT", ok: true},
		{in: "TXCF–2", id: "TXCF-2", section: "TXCF", ok: true},
		{in: "MPII - 3.7", id: "MPII-3.7", section: "MPII", ok: true},
		{in: "RMOT-1:", id: "RMOT-1", section: "RMOT", ok: true},
		{in: "DOC-1 Manufacturer Name", id: "DOC-1", section: "DOC", rest: "Manufacturer Name", ok: true},
		{in: "CONN-1.1\nDoes the device support wireless connections?", id: "CONN-1.1", section: "CONN", rest: "Does the device support wireless connections?", ok: true},
		{in: "auth-1"}, {in: "Note 1"}, {in: "Note-1"}, {in: "AUTHORIZATION (AUTH)"}, {in: "Question ID"},
		{in: "AB-1"}, {in: "ABCDE-1"}, {in: "AUTH-"}, {in: "AUTH-1.2.3.4.5"}, {in: "AUTH-1234"}, {in: ""},
	} {
		id, section, rest, ok := parseID(tt.in)
		if id != tt.id || section != tt.section || rest != tt.rest || ok != tt.ok {
			t.Errorf("parseID(%q) = %q, %q, %q, %v; want %q, %q, %q, %v", tt.in, id, section, rest, ok, tt.id, tt.section, tt.rest, tt.ok)
		}
	}
}

func TestParseDate(t *testing.T) {
	d := func(y, m, day int) time.Time { return time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC) }
	for _, tt := range []struct {
		in   string
		want time.Time // zero: refused
	}{
		{"2020-03-15", d(2020, 3, 15)}, {"2020-03-15T00:00:00", d(2020, 3, 15)}, {"2020/03/15", d(2020, 3, 15)},
		{"March 15, 2020", d(2020, 3, 15)}, {"Mar 15, 2020", d(2020, 3, 15)}, {"15 March 2020", d(2020, 3, 15)},
		{"15-Mar-2020", d(2020, 3, 15)}, {"March 2020", d(2020, 3, 1)},
		{"15.03.2020", d(2020, 3, 15)}, {"03/15/2020", d(2020, 3, 15)}, {"15/03/2020", d(2020, 3, 15)},
		{"03/03/2020", d(2020, 3, 3)},
		{"03/04/2020", time.Time{}}, // 4 March or 3 April
		{"31/02/2020", time.Time{}}, {"13/13/2020", time.Time{}}, {"soon", time.Time{}}, {"", time.Time{}},
	} {
		got, ok := parseDate(tt.in)
		if !got.Equal(tt.want) || ok == tt.want.IsZero() {
			t.Errorf("parseDate(%q) = %v, %v; want %v", tt.in, got, ok, tt.want)
		}
	}
}

func TestExcelDate(t *testing.T) {
	for _, tt := range []struct {
		in       string
		date1904 bool
		want     time.Time
	}{
		{"43905", false, time.Date(2020, 3, 15, 0, 0, 0, 0, time.UTC)},
		{"43905.5", false, time.Date(2020, 3, 15, 0, 0, 0, 0, time.UTC)},
		{"42443", true, time.Date(2020, 3, 15, 0, 0, 0, 0, time.UTC)},
		{"12", false, time.Time{}},     // 1900: a note number, not a release date
		{"1e300", false, time.Time{}},  // out of range
		{"-43905", false, time.Time{}}, // negative
		{"NaN", false, time.Time{}},
	} {
		got, ok := excelDate(tt.in, tt.date1904)
		if !got.Equal(tt.want) || ok == tt.want.IsZero() {
			t.Errorf("excelDate(%q, %v) = %v, %v; want %v", tt.in, tt.date1904, got, ok, tt.want)
		}
	}
}

func TestCellRef(t *testing.T) {
	for _, tt := range []struct {
		col  int
		name string
	}{{0, "A"}, {25, "Z"}, {26, "AA"}, {51, "AZ"}, {52, "BA"}, {701, "ZZ"}, {702, "AAA"}, {16383, "XFD"}} {
		if got := colName(tt.col); got != tt.name {
			t.Errorf("colName(%d) = %q, want %q", tt.col, got, tt.name)
		}
		col, row, ok := parseRef(tt.name + "12")
		if !ok || col != tt.col || row != 12 {
			t.Errorf("parseRef(%q) = %d, %d, %v", tt.name+"12", col, row, ok)
		}
	}
	for _, bad := range []string{"", "12", "a1", "XFE1", "A0", "A1048577", "A-1", "A+1", "A1x"} {
		if _, _, ok := parseRef(bad); ok {
			t.Errorf("parseRef(%q) accepted", bad)
		}
	}
}

func TestForm_Sections(t *testing.T) {
	f := mustParse(t, "acme.xlsx", nemaBook().bytes(t))
	secs := f.Sections()
	var got []string
	n := 0
	for _, s := range secs {
		got = append(got, s.Code+"="+s.Title)
		n += len(s.Answers)
		for _, a := range s.Answers {
			if a.Section != s.Code {
				t.Errorf("%s grouped under %s", a.ID, s.Code)
			}
		}
	}
	if n != len(f.Answers) {
		t.Errorf("sections hold %d answers, form has %d", n, len(f.Answers))
	}
	want := []string{
		"DOC=Device description and document information", "MPII=Management of personally identifiable information",
		"CONN=Connectivity capabilities", "CSUP=Cybersecurity product upgrades", "AUTH=Authorization",
		"MLDP=Malware detection/protection", "RMOT=Remote service", "SAHD=System and application hardening",
		"TXCF=Transmission confidentiality", "TXIG=Transmission integrity", "SBOM=Software bill of materials",
		"PAUT=Person authentication", "SHAD=", "STCF=Health data storage confidentiality",
	}
	if len(got) != len(want) {
		t.Fatalf("sections = %q", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("section %d = %q, want %q", i, got[i], want[i])
		}
	}
	// AUTH-1 and AUTH-2 are apart in the sheet but one section.
	for _, s := range secs {
		if s.Code == "AUTH" && len(s.Answers) != 2 {
			t.Errorf("AUTH answers = %d, want 2", len(s.Answers))
		}
	}
}

func TestForm_Answer(t *testing.T) {
	f := &Form{Answers: []Answer{{ID: "RMOT-1", Value: No}}}
	if a, ok := f.Answer(" rmot-1"); !ok || a.Value != No {
		t.Errorf("Answer(rmot-1) = %+v, %v", a, ok)
	}
	if _, ok := f.Answer("RMOT-2"); ok {
		t.Error("Answer(RMOT-2) found")
	}
}
