package lifecycle

import (
	"os"
	"strings"
	"testing"
)

// testdata/devices.json is a sample of Cordon's device lifecycle format
// written for these tests; its manufacturers and models are invented.
func TestParseDevices(t *testing.T) {
	data, err := os.ReadFile("testdata/devices.json")
	if err != nil {
		t.Fatal(err)
	}
	lcs, err := ParseDevices(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(lcs) != 3 {
		t.Fatalf("%d entries", len(lcs))
	}
	old := lcs[0]
	if old.Product != "Example Medical InfuseAll 3000" || old.Release != "2.1" || !old.EndOfSupport.Equal(day("2023-06-30")) ||
		!old.EndOfLife.Equal(day("2025-06-30")) || !strings.HasPrefix(old.Source, "Example Medical customer letter") {
		t.Errorf("entry 0 = %+v", old)
	}
	// end_of_support alone: security updates end then too.
	if ct := lcs[2]; !IsDateUnknown(ct.EndOfSupport) || !IsDateUnknown(ct.EndOfLife) || ct.Release != "" {
		t.Errorf("entry 2 = %+v", ct)
	}

	ix := NewIndex(lcs)
	for _, tt := range []struct {
		name, manufacturer, model, version string
		state                              State
	}{
		{"OldVersion", "Example Medical", "InfuseAll 3000", "2.1", Unsupported},
		{"CurrentVersion", "example medical", "InfuseAll  3000", "3.0", Supported},
		{"VersionUnknown", "Example Medical", "InfuseAll 3000", "", Unknown},
		{"VersionNotListed", "Example Medical", "InfuseAll 3000", "1.0", Unknown},
		{"ModelWide", "Example Imaging", "ScanView CT", "VA40", Unsupported},
		{"NotListed", "Other", "Pump", "1", Unknown},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := ix.Model(tt.manufacturer, tt.model, tt.version, now)
			if s.State != tt.state || s.Reason == "" {
				t.Fatalf("state %s (%s), want %s", s.State, s.Reason, tt.state)
			}
			if tt.name == "ModelWide" && (!s.SinceUnknown || s.Source == "") {
				t.Errorf("support %+v", s)
			}
		})
	}
}

func TestParseDevicesErrors(t *testing.T) {
	const ok = `{"manufacturer":"M","model":"X","software_version":"1","end_of_life":"2025-01-01","source":"s"}`
	entry := func(old, new string) string { return "[" + strings.Replace(ok, old, new, 1) + "]" }
	tests := []struct{ name, in, want string }{
		{"OK", "[" + ok + "]", ""},
		{"Empty", "[]", ""},
		{"NotList", `{"manufacturer":"M"}`, "lifecycle: devices: want a JSON list"},
		{"MissingManufacturer", entry(`"manufacturer":"M",`, ``), "entry 0 (X 1): missing manufacturer"},
		{"MissingModel", entry(`"model":"X",`, ``), "entry 0 (M 1): missing model"},
		{"MissingSource", entry(`,"source":"s"`, ``), "entry 0 (M X 1): missing source"},
		{"NoDates", entry(`"end_of_life":"2025-01-01",`, ``), "give end_of_support or end_of_life"},
		{"NullDates", entry(`"end_of_life":"2025-01-01"`, `"end_of_life":null`), "give end_of_support or end_of_life"},
		{"BadDate", entry(`2025-01-01`, `2025-02-30`), `end_of_life "2025-02-30" is not a date`},
		{"NumberDate", entry(`"2025-01-01"`, `20250101`), "end_of_life is neither a date string nor a boolean"},
		{"EOLBeforeEOS", entry(`"end_of_life":"2025-01-01"`, `"end_of_life":"2025-01-01","end_of_support":"2026-01-01"`), "end_of_life 2025-01-01 is before end_of_support 2026-01-01"},
		{"UnknownField", entry(`"source"`, `"end_of_suport":"2020-01-01","source"`), `unknown field "end_of_suport"`},
		{"WrongType", entry(`"model":"X"`, `"model":7`), "cannot unmarshal number"},
		{"BadCPE", entry(`"source"`, `"cpe":"cpe:/a:x","source"`), "is not a CPE 2.3 name"},
		{"Duplicate", "[" + ok + "," + strings.Replace(ok, `"M"`, `"m"`, 1) + "]", "entry 1 (m X 1): same model and version as entry 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseDevices([]byte(tt.in))
			switch {
			case tt.want == "" && err != nil:
				t.Fatal(err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func FuzzParseDevices(f *testing.F) {
	if data, err := os.ReadFile("testdata/devices.json"); err == nil {
		f.Add(data)
	}
	f.Add([]byte(`[{"manufacturer":"M","model":"X","end_of_support":true,"source":"s"}]`))
	f.Add([]byte(`[{"manufacturer":"M","model":"X","end_of_life":"2025-01-01","end_of_support":false,"source":"s","cpe":"cpe:2.3:a:m:x:1"}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		lcs, err := ParseDevices(data)
		if err != nil {
			return
		}
		ix := NewIndex(lcs)
		for _, l := range lcs {
			if l.Source == "" || l.Product == "" {
				t.Fatalf("accepted %+v", l)
			}
			if s := ix.Model("M", "X", l.Release, now); s.State == "" || s.Reason == "" {
				t.Fatalf("blank support %+v", s)
			}
		}
	})
}
