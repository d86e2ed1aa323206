package nvd

import (
	"bytes"
	"testing"

	"github.com/cordonsec/cordon"
)

// FuzzDecode feeds arbitrary bytes to Decode, seeded with the real records
// of fixture_test.go in every shape and compression. Decode must not panic,
// must return an *Error when it fails, and must hand fn only records that
// pass its own validation.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(eternalBlue))
	f.Add([]byte(openSSLLoop))
	f.Add([]byte(cvss4Record))
	f.Add([]byte(apiPage(openSSLLoop, cvss4Record)))
	f.Add([]byte(bundle(openSSLLoop)))
	f.Add([]byte(gzipped(f, openSSLLoop)))
	f.Add([]byte(xzed(f, cvss4Record)))
	f.Add([]byte(`{"cve":{}}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		n := 0
		st, err := Decode(bytes.NewReader(in), "fuzz.json", func(v *cordon.Vulnerability) error {
			n++
			if !validID(v.ID) || v.Published.IsZero() || v.Modified.IsZero() {
				t.Fatalf("invalid record passed to fn: %+v", v)
			}
			for _, c := range v.CVSS {
				if c.BaseScore < 0 || c.BaseScore > 10 {
					t.Fatalf("score %v passed to fn", c.BaseScore)
				}
			}
			return nil
		})
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %T is not an *Error: %v", err, err)
			}
			return
		}
		if n != st.Records {
			t.Fatalf("fn called %d times, Stats.Records %d", n, st.Records)
		}
	})
}
