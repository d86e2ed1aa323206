package reconcile

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/storetest"
)

// seededRegister is a store after importing ebmeExport over ward() and a
// device with hostile names: eight observed devices, and three the
// register lists but the network never showed (EQ-1004 to EQ-1006).
func seededRegister(t *testing.T) *store {
	t.Helper()
	s := mustOpenStore(t)
	hostile := storetest.NewDevice("02:00:00:00:00:66", "10.1.4.31", cordon.CategoryUnknown,
		storetest.WithHost("<script>alert(1)</script>"), storetest.WithMaker(`=HYPERLINK("http://evil.example/")`, "@SUM(A1)"))
	s.ingest(append(ward(), hostile)...)
	_, _, m, err := Headers(strings.NewReader(ebmeExport), 0)
	must(t, err)
	rows, _, err := Parse(strings.NewReader(ebmeExport), m)
	must(t, err)
	if _, err := Import(s.ctx, s.devices, rows, true); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestWriteCSV(t *testing.T) {
	s := seededRegister(t)
	var buf bytes.Buffer
	must(t, WriteCSV(s.ctx, &buf, s.devices))
	recs, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
	must(t, err)
	if len(recs) != 12 {
		t.Fatalf("%d records, want a header and 11 devices", len(recs))
	}
	if strings.Join(recs[0], ",") != strings.Join(ExportHeader, ",") || len(recs[0]) != 1+len(Fields)+11 {
		t.Errorf("header %v", recs[0])
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	var sawCT, sawSpare, sawHostile bool
	for _, r := range recs[1:] {
		if len(r) != len(ExportHeader) {
			t.Fatalf("ragged row %v", r)
		}
		for _, c := range r {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Errorf("formula cell %q", c)
			}
		}
		switch {
		case r[col["key"]] == "mac:00:1b:63:84:45:e6":
			sawCT = r[col["ward"]] == "Radiology CT1" && r[col["observed_hostnames"]] == "CT-SCAN-01" && strings.HasPrefix(r[col["observed_os"]], "Windows")
		case r[col["asset_tag"]] == "EQ-1006":
			sawSpare = strings.HasPrefix(r[col["key"]], "rec:") && r[col["observed_mac"]] == "" && r[col["notes"]] == `'=HYPERLINK("http://evil.example/")`
		case r[col["key"]] == "mac:02:00:00:00:00:66":
			sawHostile = r[col["observed_manufacturer"]] == `'=HYPERLINK("http://evil.example/")` && r[col["observed_model"]] == "'@SUM(A1)"
		}
	}
	if !sawCT || !sawSpare || !sawHostile {
		t.Errorf("CT %v, register-only spare %v, hostile device %v", sawCT, sawSpare, sawHostile)
	}
}

// TestExportImportsBack: a register exported by Cordon imports back onto
// the same devices and changes nothing, formula escapes included.
func TestExportImportsBack(t *testing.T) {
	s := seededRegister(t)
	var buf bytes.Buffer
	must(t, WriteCSV(s.ctx, &buf, s.devices))
	_, _, m, err := Headers(bytes.NewReader(buf.Bytes()), 0)
	must(t, err)
	for _, f := range Fields {
		if m[f] != f {
			t.Errorf("column %q suggested as %q", f, m[f])
		}
	}
	if m["observed_mac"] != "" || m["observed_manufacturer"] != "" {
		t.Errorf("observed columns must not map to recorded fields: %v", m)
	}
	rows, bad, err := Parse(bytes.NewReader(buf.Bytes()), m)
	must(t, err)
	n := s.auditCount()
	rep, err := Import(s.ctx, s.devices, rows, true)
	must(t, err)
	if len(bad) != 0 || rep.Counts.Changed != 0 || rep.Counts.Created != 0 || rep.Counts.Errors != 0 || rep.Counts.Matched != 11 {
		t.Errorf("re-import of the export: %+v, parse errors %v", rep.Counts, bad)
	}
	for _, mr := range rep.Matched {
		if mr.By != "key" {
			t.Errorf("line %d matched by %s, want key", mr.Line, mr.By)
		}
	}
	if s.auditCount() != n {
		t.Errorf("re-import wrote audit entries")
	}
}

func TestWriteJSON(t *testing.T) {
	s := seededRegister(t)
	var buf bytes.Buffer
	must(t, WriteJSON(s.ctx, &buf, s.devices))
	var es []Entry
	if err := json.Unmarshal(buf.Bytes(), &es); err != nil {
		t.Fatalf("%v:\n%s", err, buf.Bytes())
	}
	if len(es) != 11 {
		t.Fatalf("%d entries", len(es))
	}
	if bytes.Contains(buf.Bytes(), []byte("<script>")) {
		t.Error("markup not escaped in JSON")
	}
	var observed, recordOnly int
	for _, e := range es {
		if e.Observed != nil {
			observed++
			if e.Observed.MAC == "" || e.Observed.IPs == nil {
				t.Errorf("entry %+v", e)
			}
		} else if strings.HasPrefix(e.Key, "rec:") {
			recordOnly++
		}
	}
	if observed != 8 || recordOnly != 3 {
		t.Errorf("%d observed, %d register-only", observed, recordOnly)
	}
	// An empty register is an empty array, not nothing.
	buf.Reset()
	must(t, WriteJSON(s.ctx, &buf, mustOpenStore(t).devices))
	if strings.TrimSpace(buf.String()) != "[]" {
		t.Errorf("empty register: %q", buf.String())
	}
}
