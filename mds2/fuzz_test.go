package mds2

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the committed fuzz seeds under testdata/fuzz")

// richObservation exercises every rule of Contradictions.
var richObservation = Observation{
	RemoteAccess:  []Session{{App: "rdp", Peer: "203.0.113.9", External: true}, {App: "vnc", Peer: "10.1.2.3"}},
	PatientData:   []DataFlow{{Protocol: "hl7", Peer: "10.20.0.5", Port: 2575}, {Protocol: "dicom", Peer: "198.51.100.7", Port: 104, External: true}},
	InternetPeers: []string{"192.0.2.1"},
	InternalPeers: []string{"10.0.0.1"},
	Services:      []Service{{Proto: "tcp", Port: 23}, {Proto: "tcp", Port: 445, App: "smb"}},
	OpenAccess:    []Session{{App: "vnc", Peer: "10.1.2.3"}},
	OS:            "Windows 7", SMBv1: true, TLS: true, Wireless: true,
}

// checkForm asserts what every accepted form must satisfy.
func checkForm(t *testing.T, f *Form) {
	t.Helper()
	if len(f.Answers) == 0 {
		t.Fatal("form accepted without answers")
	}
	seen := map[string]bool{}
	for _, a := range f.Answers {
		id, sec, _, ok := parseID(a.ID)
		if !ok || id != a.ID || sec != a.Section {
			t.Fatalf("answer ID %q section %q is not canonical", a.ID, a.Section)
		}
		if seen[a.ID] {
			t.Fatalf("duplicate ID %s accepted", a.ID)
		}
		seen[a.ID] = true
		switch a.Value {
		case Yes, No, NA, SeeNote, Unknown:
		default:
			t.Fatalf("%s value %q", a.ID, a.Value)
		}
		if a.Where == "" {
			t.Fatalf("%s has no location", a.ID)
		}
	}
	n := 0
	for _, s := range f.Sections() {
		n += len(s.Answers)
	}
	if n != len(f.Answers) {
		t.Fatalf("sections hold %d of %d answers", n, len(f.Answers))
	}
	for _, c := range Contradictions(f.Declared(), richObservation) {
		if c.QuestionID == "" || c.Explanation == "" {
			t.Fatalf("incomplete contradiction %+v", c)
		}
	}
}

func parseSeeds(tb testing.TB) map[string][]byte {
	own := &testBook{}
	s := own.sheet("Security")
	s.row(1, inline("A1", "RESPONSE"), inline("B1", "#"), inline("C1", "Comments"))
	s.row(2, inline("A2", "No"), inline("B2", "RMOT-1"), inline("C2", "on site only"))
	s.row(3, `<c r="A3" t="b"><v>1</v></c>`, inline("B3", "TXCF-2"))
	return map[string][]byte{
		"nema-xlsx":     nemaBook().bytes(tb),
		"own-xlsx":      own.bytes(tb),
		"nema-csv":      []byte(nemaCSV),
		"semicolon-csv": []byte("Question ID;Answer;Notes\nRMOT-1;No;\"a;b\"\nTXCF-2;Yes;\n"),
		"duplicate-csv": []byte("ID,Answer\nAUTH-1,Yes\nAUTH-1,No\n"),
	}
}

// FuzzParse feeds arbitrary bytes to Parse, seeded with workbooks and CSV
// exports that take both paths. Parse must not panic, must fail with an
// *Error and must accept only forms that hold together.
func FuzzParse(f *testing.F) {
	for _, b := range parseSeeds(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		form, err := Parse("fuzz", data)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || form != nil {
				t.Fatalf("error %T %v with form %v", err, err, form != nil)
			}
			return
		}
		checkForm(t, form)
	})
}

// FuzzParseWorksheet fuzzes the XML of a worksheet and of the shared
// strings inside an otherwise valid workbook, which random bytes would
// rarely reach past the zip checksums.
func FuzzParseWorksheet(f *testing.F) {
	for _, seed := range worksheetSeeds {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, sheetXML, sharedXML string) {
		b := &testBook{}
		b.sheet("MDS2")
		b.replace = map[string]string{"xl/worksheets/sheet1.xml": sheetXML, "xl/sharedStrings.xml": sharedXML}
		form, err := Parse("fuzz.xlsx", b.bytes(t))
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || form != nil {
				t.Fatalf("error %T %v with form %v", err, err, form != nil)
			}
			return
		}
		checkForm(t, form)
	})
}

var worksheetSeeds = [][2]string{
	{
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
			`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>` +
			`<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" t="inlineStr"><is><r><t>Y</t></r><r><t>es</t></r></is></c><c r="C2"><v>1</v></c></row>` +
			`<row><c t="s"><v>4</v></c><c t="b"><v>0</v></c></row>` +
			`<row r="9"><c r="A9" t="str"><f>A2</f><v>DOC-7</v></c><c r="B9"><v>43905</v></c></row>` +
			`</sheetData></worksheet>`,
		`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
			`<si><t>Question ID</t></si><si><t>Yes, No, N/A, or See Note</t></si><si><r><t>Note</t></r><r><t xml:space="preserve"> #</t></r><rPh><t>x</t></rPh></si>` +
			`<si><t>RMOT-1</t></si><si><t>TXCF–2</t></si></sst>`,
	},
	{
		`<worksheet><sheetData><row r="1"><c r="XFD1048576" t="inlineStr"><is><t>ID</t></is></c></row></sheetData></worksheet>`,
		`<sst/>`,
	},
	{
		`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>7</v></c></row></sheetData></worksheet>`,
		`<sst><si><t>a</t></si></sst>`,
	},
}

// TestFuzzSeeds keeps the committed corpus under testdata/fuzz in step with
// the seeds above (go test -run TestFuzzSeeds -update rewrites it) and
// checks each committed FuzzParse seed still gets the outcome it was
// written for.
func TestFuzzSeeds(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzParse")
	seeds := parseSeeds(t)
	if *update {
		write := func(dir, name string, vals ...string) {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name), []byte("go test fuzz v1\n"+strings.Join(vals, "\n")+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		for name, b := range seeds {
			write(dir, name, "[]byte("+strconv.Quote(string(b))+")")
		}
		for i, s := range worksheetSeeds {
			write(filepath.Join("testdata", "fuzz", "FuzzParseWorksheet"), "seed-"+strconv.Itoa(i+1), "string("+strconv.Quote(s[0])+")", "string("+strconv.Quote(s[1])+")")
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("committed corpus: %v (run go test -run TestFuzzSeeds -update)", err)
	}
	if len(entries) < len(seeds) {
		t.Errorf("%d committed seeds, want at least %d", len(entries), len(seeds))
	}
	for _, e := range entries {
		raw, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		body, ok := strings.CutPrefix(string(raw), "go test fuzz v1\n[]byte(")
		body, ok2 := strings.CutSuffix(body, ")\n")
		if !ok || !ok2 {
			t.Fatalf("%s is not a go test fuzz v1 []byte seed", e.Name())
		}
		data, err := strconv.Unquote(body)
		if err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		_, err = Parse(e.Name(), []byte(data))
		if wantErr := strings.HasPrefix(e.Name(), "duplicate"); (err != nil) != wantErr {
			t.Errorf("seed %s: err = %v, want error %v", e.Name(), err, wantErr)
		}
	}
}
