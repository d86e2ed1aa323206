package assess

import (
	"testing"

	"github.com/cordonsec/cordon/cpe"
)

// FuzzOSFromRecorded feeds people's OS text to the reader: it never
// panics, and any CPE it gives is a valid CPE 2.3 name.
func FuzzOSFromRecorded(f *testing.F) {
	for _, s := range []string{"Windows 7 SP1", "Win 10 21H2", "Windows Server 2008 R2", "XP Embedded", "VxWorks 6.9", "8.0.2", "", "windows 11 ", "Windows\x00 7"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, c, ok := osFromRecorded(s)
		if ok {
			if _, err := cpe.Parse(c); err != nil {
				t.Fatalf("osFromRecorded(%q) gave %q: %v", s, c, err)
			}
		}
	})
}
