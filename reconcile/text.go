package reconcile

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// unescapeCell undoes csvsafe.Cell: an exported "'=1" imports as "=1", so
// that a register exported by Cordon imports back unchanged. The value is
// stored as text and escaped again on the next export.
func unescapeCell(v string) string {
	if len(v) > 1 && v[0] == '\'' && strings.IndexByte("=+-@\t\r", v[1]) >= 0 {
		return v[1:]
	}
	return v
}

// textReader fails at the first NUL byte: no CSV holds one, and a
// spreadsheet (.xlsx), a capture or an image uploaded by mistake does, so
// the user is told what is wrong instead of seeing garbage headers.
type textReader struct {
	r         io.Reader
	line, col int // of the next byte, from 1
}

// errBinary says where a NUL byte was found.
type errBinary struct{ line, col int }

func (e errBinary) Error() string {
	return fmt.Sprintf("binary data at line %d, column %d", e.line, e.col)
}

func (t *textReader) Read(p []byte) (int, error) {
	if t.line == 0 {
		t.line, t.col = 1, 1
	}
	n, err := t.r.Read(p)
	for i, b := range p[:n] {
		switch b {
		case 0:
			return i, errBinary{t.line, t.col}
		case '\n':
			t.line, t.col = t.line+1, 1
		default:
			t.col++
		}
	}
	return n, err
}

// cell returns a cell as valid UTF-8. Registers from older systems are
// often Windows-1252 ("Café", "£"), whose bytes are not UTF-8; those cells
// are decoded as Windows-1252 rather than refused or mangled.
func cell(v string) string {
	if utf8.ValidString(v) {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c < 0x80:
			b.WriteByte(c)
		case c < 0xa0:
			b.WriteRune(cp1252[c-0x80])
		default:
			b.WriteRune(rune(c)) // Latin-1 and Windows-1252 agree from 0xA0
		}
	}
	return b.String()
}

// cells applies cell to every cell of rec, in place, and returns rec.
func cells(rec []string) []string {
	for i, v := range rec {
		rec[i] = cell(v)
	}
	return rec
}

// cp1252 are the characters of Windows-1252 at 0x80 to 0x9F; the five
// unassigned codes become U+FFFD.
var cp1252 = [32]rune{
	'€', '\ufffd', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\ufffd', 'Ž', '\ufffd',
	'\ufffd', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\ufffd', 'ž', 'Ÿ',
}
