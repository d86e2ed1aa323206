package spool

import (
	"strings"
	"testing"
)

func TestParseName(t *testing.T) {
	const id = "0123456789abcdef0123456789abcdef"
	for _, tt := range []struct {
		Name    string
		File    string
		WantSeq uint64
		WantOK  bool
	}{
		{"OK", "00000000000000000042-" + id + ".json.gz", 42, true},
		{"OKNano", "01772366400000000000-" + id + ".json.gz", 1772366400000000000, true},
		{"OKMax", "18446744073709551615-" + id + ".json.gz", 1<<64 - 1, true},
		{"ErrOverflow", "18446744073709551616-" + id + ".json.gz", 0, false},
		{"ErrShortSeq", "42-" + id + ".json.gz", 0, false},
		{"ErrSignedSeq", "+0000000000000000042-" + id + ".json.gz", 0, false},
		{"ErrUpperID", "00000000000000000042-" + strings.ToUpper(id) + ".json.gz", 0, false},
		{"ErrSuffix", "00000000000000000042-" + id + ".json.gzz", 0, false},
		{"ErrOtherSuffix", "00000000000000000042-" + id + ".jsonxgz", 0, false},
		{"ErrSeparator", "00000000000000000042_" + id + ".json.gz", 0, false},
		{"ErrTemp", tempPrefix + "1234", 0, false},
		{"ErrBackup", "00000000000000000042-" + id + ".json.gz~", 0, false},
		{"ErrEmpty", "", 0, false},
	} {
		t.Run(tt.Name, func(t *testing.T) {
			seq, gotID, ok := parseName(tt.File)
			if ok != tt.WantOK || seq != tt.WantSeq || ok && gotID != id {
				t.Errorf("parseName(%q) = %d, %q, %v", tt.File, seq, gotID, ok)
			}
			if ok && formatName(seq, gotID) != tt.File {
				t.Errorf("formatName does not give %q back", tt.File)
			}
		})
	}
}

// Names order by stamp as strings, which is the order ReadDir lists them.
func TestFormatName_Orders(t *testing.T) {
	const id = "ffffffffffffffffffffffffffffffff"
	seqs := []uint64{0, 9, 10, 99, 1772366400000000000, 1<<64 - 1}
	for i := 1; i < len(seqs); i++ {
		a, b := formatName(seqs[i-1], id), formatName(seqs[i], "00000000000000000000000000000000")
		if a >= b {
			t.Errorf("%q sorts after %q", a, b)
		}
	}
}

// FuzzParseName checks that whatever a directory holds, parseName does
// not panic and accepts only the names formatName makes, so that a file
// it accepts is one Put wrote.
func FuzzParseName(f *testing.F) {
	f.Add("00000000000000000042-0123456789abcdef0123456789abcdef.json.gz")
	f.Add("18446744073709551616-0123456789abcdef0123456789abcdef.json.gz")
	f.Add(tempPrefix + "123")
	f.Add("rejected")
	f.Fuzz(func(t *testing.T, name string) {
		seq, id, ok := parseName(name)
		if !ok {
			return
		}
		if !isID(id) {
			t.Fatalf("parseName(%q) accepted ID %q", name, id)
		}
		if got := formatName(seq, id); got != name {
			t.Fatalf("parseName(%q) = %d, %q, which formats as %q", name, seq, id, got)
		}
	})
}

func TestClip(t *testing.T) {
	for _, tt := range []struct{ In, Want string }{
		{"short", "short"},
		{"exactly10!", "exactly10!"},
		{"this is too long", "this is to…"},
		{"ééééééé", "ééééé…"}, // 2 bytes each: cut before a half rune
	} {
		if got := clip(tt.In, 10); got != tt.Want {
			t.Errorf("clip(%q) = %q, want %q", tt.In, got, tt.Want)
		}
	}
}
