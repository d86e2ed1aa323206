package reconcile

import (
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
)

// ebme is a register as a CMMS might export it: its own header names,
// ragged rows, a blank line, a bad criticality and a formula-looking note.
const ebme = `Asset No,Serial Number,Make,Model,MAC Address,Location,Risk Class,Patient Data,Comments
EQ-1001,SN-CT-77,Siemens Healthineers,SOMATOM,98-E7-43-01-02-03,Radiology CT1,high,Yes,
EQ-1002,SN-PMP-1,BD,Alaris 8015,,Ward 3,life sustaining,no
,,,,,,,,
EQ-1003,SN-MON-9,GE HealthCare,B450,00:00:00:aa:bb:cc,ICU bed 4,extreme,yes,
EQ-1004,SN-X,Philips,IntelliVue MX450,,ICU,medium,yes,=HYPERLINK("x")
`

func TestParse(t *testing.T) {
	headers, preview, m, err := Headers(strings.NewReader(ebme), 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(headers) != 9 || len(preview) != 2 {
		t.Fatalf("headers %v, preview %d rows", headers, len(preview))
	}
	want := Mapping{"Asset No": "asset_tag", "Serial Number": "serial", "Make": "manufacturer", "Model": "model",
		"MAC Address": "mac", "Location": "ward", "Risk Class": "criticality", "Patient Data": "patient_data", "Comments": "notes"}
	for h, f := range want {
		if m[h] != f {
			t.Errorf("suggested %q → %q, want %q", h, m[h], f)
		}
	}
	rows, bad, err := Parse(strings.NewReader(ebme), m)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || len(bad) != 1 || bad[0].Line != 5 {
		t.Fatalf("rows %d, bad %+v", len(rows), bad)
	}
	if r := rows[1].Recorded; r.Criticality != cordon.CriticalityLifeSustaining || r.PatientData == nil || *r.PatientData {
		t.Errorf("row 2 = %+v", r)
	}
	if rows[2].Recorded.Notes != `=HYPERLINK("x")` {
		t.Errorf("notes must be stored verbatim (escaped only on export), got %q", rows[2].Recorded.Notes)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, csv, want string }{
		{"Empty", "", "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Parse(strings.NewReader(tt.csv), Mapping{"a": "asset_tag"})
			if cordon.ErrorCode(err) != cordon.EINVALID || !strings.Contains(cordon.ErrorMessage(err), tt.want) {
				t.Errorf("err = %v", err)
			}
		})
	}
	if _, _, err := Parse(strings.NewReader("a\n1\n"), Mapping{"a": "password"}); cordon.ErrorCode(err) != cordon.EINVALID {
		t.Errorf("unknown field: err = %v", err)
	}
}

func TestReconcile(t *testing.T) {
	mac := cordon.MAC{0x98, 0xe7, 0x43, 1, 2, 3}
	devices := []*cordon.DeviceRecord{
		{ID: 1, Observed: &cordon.Device{MAC: mac, IPs: []string{"10.30.1.11"}, Hostnames: []string{"CT-SCAN-01"}}},
		{ID: 2, Observed: &cordon.Device{IPs: []string{"10.2.1.5"}, Hostnames: []string{"PUMP-7"}}},
		{ID: 3, Observed: &cordon.Device{IPs: []string{"10.9.9.9"}}},
		{ID: 4, Recorded: cordon.Recorded{Serial: "SN-OLD"}}, // imported before, never seen
	}
	rows := []Row{
		{Line: 2, Recorded: cordon.Recorded{MAC: "98-E7-43-01-02-03", Hostname: "wrong"}},
		{Line: 3, Recorded: cordon.Recorded{Hostname: "pump-7.trust.nhs.uk"}},
		{Line: 4, Recorded: cordon.Recorded{Serial: "SN-OLD", Ward: "Ward 9"}},
		{Line: 5, Recorded: cordon.Recorded{IP: "10.50.0.1"}},
		{Line: 6, Recorded: cordon.Recorded{IP: "10.30.1.11"}}, // the CT again: already taken
	}
	res := Reconcile(rows, devices)
	got := map[int]string{}
	for _, m := range res.Matched {
		got[m.Row.Line] = m.By
		if (m.Row.Line == 2 && m.Device.ID != 1) || (m.Row.Line == 3 && m.Device.ID != 2) || (m.Row.Line == 4 && m.Device.ID != 4) {
			t.Errorf("line %d matched device %d", m.Row.Line, m.Device.ID)
		}
	}
	if got[2] != "mac" || got[3] != "hostname" || got[4] != "serial" || len(got) != 3 {
		t.Errorf("matched %v", got)
	}
	if len(res.RegisterOnly) != 2 {
		t.Errorf("register only %+v", res.RegisterOnly)
	}
	if len(res.NetworkOnly) != 1 || res.NetworkOnly[0].ID != 3 {
		t.Errorf("network only %+v", res.NetworkOnly)
	}
}

func TestApplyKeepsWhatTheRowLacks(t *testing.T) {
	yes := true
	before := cordon.Recorded{Ward: "Ward 3", Owner: "EBME", PatientData: &yes}
	after := Apply(before, cordon.Recorded{Ward: "Ward 4"})
	if after.Ward != "Ward 4" || after.Owner != "EBME" || after.PatientData == nil {
		t.Errorf("after = %+v", after)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(ebme))
	f.Add([]byte("mac,ip\n\"98:e7,10.0.0.1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		headers, _, m, err := Headers(strings.NewReader(string(data)), 5)
		if err != nil {
			return
		}
		if len(m) > len(headers) {
			t.Fatalf("mapping %v has more columns than %v", m, headers)
		}
		rows, _, err := Parse(strings.NewReader(string(data)), m)
		if err != nil {
			return
		}
		for _, r := range rows {
			if err := r.Recorded.Validate(); err != nil {
				t.Fatalf("row %d passed but is invalid: %v", r.Line, err)
			}
		}
	})
}

func TestNormHostname(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"Short", "ct-scan-01", "CT-SCAN-01"},
		{"Domain", "pump-7.trust.nhs.uk", "PUMP-7"},
		{"Address", "10.1.2.3", "10.1.2.3"},
		{"Empty", "  ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := norm("hostname", tt.in); got != tt.want {
				t.Errorf("norm(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
