package cordon_test

import (
	"testing"

	"github.com/cordonsec/cordon"
)

func TestParseMAC(t *testing.T) {
	want := cordon.MAC{0x98, 0xe7, 0x43, 0x10, 0x20, 0x30}
	for _, s := range []string{"98:e7:43:10:20:30", "98-E7-43-10-20-30", "98e7.4310.2030", "98e743102030"} {
		if got, err := cordon.ParseMAC(s); err != nil || got != want {
			t.Errorf("ParseMAC(%q) = %v, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "98:e7:43", "zz:e7:43:10:20:30", "98:e7:43:10:20:30:40"} {
		if _, err := cordon.ParseMAC(s); cordon.ErrorCode(err) != cordon.EINVALID {
			t.Errorf("ParseMAC(%q) err = %v, want EINVALID", s, err)
		}
	}
}

// FuzzParseMAC checks that whatever parses formats back to itself.
func FuzzParseMAC(f *testing.F) {
	f.Add("98:e7:43:10:20:30")
	f.Add("98e7.4310.2030")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := cordon.ParseMAC(s)
		if err != nil || m.IsZero() {
			return
		}
		if back, err := cordon.ParseMAC(m.String()); err != nil || back != m {
			t.Fatalf("round trip of %q: %v, %v", s, back, err)
		}
	})
}
