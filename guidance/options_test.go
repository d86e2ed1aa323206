package guidance_test

import (
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/guidance"
)

func TestParsePrefixes(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
		err      bool
	}{
		{"Empty", " ", nil, false},
		{"Mixed", "10.20.0.1/24, 203.0.113.7,2001:db8::/32", []string{"10.20.0.0/24", "203.0.113.7/32", "2001:db8::/32"}, false},
		{"Mapped", "::ffff:10.1.2.3", []string{"10.1.2.3/32"}, false},
		{"ErrName", "10.0.0.0/8, updates.example.com", nil, true},
		{"ErrEmptyEntry", "10.0.0.0/8,,", nil, true},
		{"ErrZone", "fe80::1%eth0", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := guidance.ParsePrefixes("--allow-web", tc.in)
			if tc.err {
				if cordon.ErrorCode(err) != cordon.EINVALID {
					t.Fatalf("err = %v, want EINVALID", err)
				}
				return
			}
			must(t, err)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i].String() != tc.want[i] {
					t.Errorf("[%d] = %s, want %s", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func FuzzParsePrefixes(f *testing.F) {
	for _, s := range []string{"", "10.0.0.0/8", "203.0.113.7, 2001:db8::/32", "x", "1.2.3.4/33", "::ffff:1.2.3.4/120"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ps, err := guidance.ParsePrefixes("f", s)
		if err != nil {
			if cordon.ErrorCode(err) != cordon.EINVALID {
				t.Fatalf("error without EINVALID: %v", err)
			}
			return
		}
		for _, p := range ps {
			if !p.IsValid() || p != p.Masked() {
				t.Fatalf("%q gave %v, not a valid masked prefix", s, p)
			}
			// Every prefix read must read back the same.
			back, err := guidance.ParsePrefixes("f", p.String())
			if err != nil || len(back) != 1 || back[0] != p {
				t.Fatalf("%v does not round-trip: %v %v", p, back, err)
			}
		}
	})
}
