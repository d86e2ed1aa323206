package cordon_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

func validSupplier() *cordon.Supplier {
	return &cordon.Supplier{
		Name: "Siemens Healthineers", Email: "service@example.com",
		Contracts: []cordon.Contract{{Reference: "C-1", Start: day(2025, 1, 1), End: day(2028, 1, 1), AttendHours: 4, PatchDays: 30}},
		Access:    []cordon.RemoteAccess{{Method: "rdp", Mode: cordon.AccessOnDemand, MFA: true, Sources: []string{"10.50.0.10", "198.51.100.0/24"}}},
		ModelIDs:  []int64{1},
	}
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestSupplierValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(s *cordon.Supplier)
		field  string // in the message; "" for valid
	}{
		{"OK", func(*cordon.Supplier) {}, ""},
		{"OKOpenEnded", func(s *cordon.Supplier) { s.Contracts[0].End = time.Time{} }, ""},
		{"ErrNoName", func(s *cordon.Supplier) { s.Name = "" }, "name:"},
		{"ErrLongName", func(s *cordon.Supplier) { s.Name = strings.Repeat("x", 201) }, "name:"},
		{"ErrEmail", func(s *cordon.Supplier) { s.Email = "not an address" }, "email:"},
		{"ErrEmailWithName", func(s *cordon.Supplier) { s.Email = "Desk <desk@example.com>" }, "email:"},
		{"ErrNoReference", func(s *cordon.Supplier) { s.Contracts[0].Reference = "" }, "contracts[0].reference"},
		{"ErrEndBeforeStart", func(s *cordon.Supplier) { s.Contracts[0].End = day(2024, 1, 1) }, "contracts[0].end"},
		{"ErrEndIsStart", func(s *cordon.Supplier) { s.Contracts[0].End = s.Contracts[0].Start }, "contracts[0].end"},
		{"ErrYear", func(s *cordon.Supplier) { s.Contracts[0].Start = day(1800, 1, 1) }, "contracts[0]:"},
		{"ErrAttend", func(s *cordon.Supplier) { s.Contracts[0].AttendHours = -1 }, "contracts[0].attend_hours"},
		{"ErrPatch", func(s *cordon.Supplier) { s.Contracts[0].PatchDays = 100000 }, "contracts[0].patch_days"},
		{"ErrMethod", func(s *cordon.Supplier) { s.Access[0].Method = "carrier pigeon" }, "access[0].method"},
		{"ErrMode", func(s *cordon.Supplier) { s.Access[0].Mode = "sometimes" }, "access[0].mode"},
		{"ErrSource", func(s *cordon.Supplier) { s.Access[0].Sources[1] = "10.0.0.0/33" }, "access[0].sources[1]"},
		{"ErrSourceName", func(s *cordon.Supplier) { s.Access[0].Sources[0] = "jump.example.nhs.uk" }, "access[0].sources[0]"},
		{"ErrModelID", func(s *cordon.Supplier) { s.ModelIDs = []int64{0} }, "model_ids"},
		{"ErrDeviceID", func(s *cordon.Supplier) { s.DeviceIDs = []int64{-3} }, "device_ids"},
		{"ErrTooManyContracts", func(s *cordon.Supplier) {
			s.Contracts = make([]cordon.Contract, cordon.MaxSupplierContracts+1)
		}, "contracts:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := validSupplier()
			tt.change(s)
			err := s.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate = %v", err)
				}
				return
			}
			if cordon.ErrorCode(err) != cordon.EINVALID || !strings.Contains(cordon.ErrorMessage(err), tt.field) {
				t.Fatalf("Validate = %v, want EINVALID naming %s", err, tt.field)
			}
		})
	}
}

func TestSupplierNormalize(t *testing.T) {
	s := &cordon.Supplier{Name: "  Philips ", Access: []cordon.RemoteAccess{{Method: " SSH", Mode: "On-Demand",
		Sources: []string{" 10.1.2.3/24", "::ffff:10.0.0.1", "2001:db8::1/32", "nonsense"}}}, ModelIDs: []int64{3, 1, 3}}
	s.Normalize()
	a := s.Access[0]
	if s.Name != "Philips" || a.Method != "ssh" || a.Mode != cordon.AccessOnDemand {
		t.Errorf("normalised = %+v", s)
	}
	if want := []string{"10.1.2.0/24", "10.0.0.1", "2001:db8::/32", "nonsense"}; !reflect.DeepEqual(a.Sources, want) {
		t.Errorf("sources = %q, want %q", a.Sources, want)
	}
	if !reflect.DeepEqual(s.ModelIDs, []int64{1, 3}) || s.DeviceIDs == nil {
		t.Errorf("ids = %v %v", s.ModelIDs, s.DeviceIDs)
	}
}

func TestContractCurrent(t *testing.T) {
	c := cordon.Contract{Start: day(2025, 1, 1), End: day(2026, 1, 1)}
	for _, tt := range []struct {
		now  time.Time
		want bool
	}{
		{day(2024, 12, 31), false}, {day(2025, 1, 1), true}, {day(2025, 12, 31), true}, {day(2026, 1, 1), false},
	} {
		if got := c.Current(tt.now); got != tt.want {
			t.Errorf("Current(%s) = %v", tt.now.Format(time.DateOnly), got)
		}
	}
	if !(&cordon.Contract{}).Current(day(2000, 1, 1)) {
		t.Error("a contract without dates is not current")
	}
}

func TestSupplierFlags(t *testing.T) {
	now := day(2026, 6, 1)
	s := validSupplier()
	s.SetFlags(now)
	if len(s.Flags) != 0 || len(s.Contracts[0].Flags) != 0 || len(s.Access[0].Flags) != 0 {
		t.Errorf("flags of a sound supplier = %v %v %v", s.Flags, s.Contracts[0].Flags, s.Access[0].Flags)
	}
	s.Access = append(s.Access, cordon.RemoteAccess{Method: "teamviewer", Mode: cordon.AccessAlwaysOn})
	s.Contracts[0].End = day(2026, 6, 1) // ends as now begins
	s.SetFlags(now)
	if want := []string{cordon.FlagAlwaysOn, cordon.FlagNoMFA, cordon.FlagContractExpired}; !reflect.DeepEqual(s.Flags, want) {
		t.Errorf("flags = %v, want %v", s.Flags, want)
	}
	if want := []string{cordon.FlagAlwaysOn, cordon.FlagNoMFA}; !reflect.DeepEqual(s.Access[1].Flags, want) {
		t.Errorf("access flags = %v", s.Access[1].Flags)
	}
	// A renewal without a time to patch replaces the expired contract: the
	// supplier is no longer expired but lacks service levels.
	s.Contracts = append(s.Contracts, cordon.Contract{Reference: "C-2", Start: day(2026, 6, 1), AttendHours: 8})
	s.SetFlags(now)
	if want := []string{cordon.FlagAlwaysOn, cordon.FlagNoMFA, cordon.FlagNoServiceLevels}; !reflect.DeepEqual(s.Flags, want) {
		t.Errorf("after renewal flags = %v, want %v", s.Flags, want)
	}
	if want := []string{cordon.FlagContractExpired}; !reflect.DeepEqual(s.Contracts[0].Flags, want) {
		t.Errorf("old contract flags = %v", s.Contracts[0].Flags)
	}
	s.Contracts = nil
	s.SetFlags(now)
	if !reflect.DeepEqual(s.Flags, []string{cordon.FlagAlwaysOn, cordon.FlagNoMFA, cordon.FlagNoContract}) {
		t.Errorf("no contract flags = %v", s.Flags)
	}
	for _, f := range s.Flags {
		if cordon.FlagText(f) == f {
			t.Errorf("flag %s has no text", f)
		}
	}
}

// FuzzSupplier feeds arbitrary JSON bodies through what the API does with
// them: Normalize then Validate must not panic, and a supplier that passes
// has sources that parse and is unchanged by a second Normalize.
func FuzzSupplier(f *testing.F) {
	b, _ := json.Marshal(validSupplier())
	f.Add(string(b))
	f.Add(`{"name":"x","access":[{"method":"vpn","mode":"always-on","sources":["10.0.0.1/8","::1"]}]}`)
	f.Add(`{"name":"x","contracts":[{"reference":"r","start":"2025-01-01T00:00:00Z","end":"2024-01-01T00:00:00Z"}]}`)
	f.Fuzz(func(t *testing.T, body string) {
		var s cordon.Supplier
		if json.Unmarshal([]byte(body), &s) != nil {
			return
		}
		s.Normalize()
		if s.Validate() != nil {
			return
		}
		for _, a := range s.Access {
			for _, src := range a.Sources {
				if _, err := cordon.ParseSource(src); err != nil {
					t.Fatalf("valid supplier has source %q: %v", src, err)
				}
			}
		}
		again, _ := json.Marshal(s)
		s.Normalize()
		if after, _ := json.Marshal(s); string(after) != string(again) {
			t.Fatalf("Normalize is not idempotent:\n%s\n%s", again, after)
		}
	})
}
