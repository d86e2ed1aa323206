// Package docerr words the errors and warnings of Cordon's readers of
// manufacturers' documents (SBOMs, VEX, MDS2 forms): an error names the
// document and the place in it, in lines and columns because an offset
// means nothing to a person holding the file in an editor; a warning is a
// problem that does not make the rest of the document less usable.
package docerr

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// MaxWarnings is how many warnings a document keeps; the rest are counted.
const MaxWarnings = 1000

// Invalidf returns an EINVALID error whose message starts with the
// document's name and ends with a full stop.
func Invalidf(name, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return cordon.Errorf(cordon.EINVALID, "%s: %s", name, msg)
}

// JSON turns a JSON decoding error into an EINVALID error with the line and
// column of the offending byte.
func JSON(name string, data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line, col := LineCol(data, syn.Offset)
		return Invalidf(name, "line %d, column %d: invalid JSON: %v", line, col, syn)
	case errors.As(err, &typ):
		line, col := LineCol(data, typ.Offset)
		field := typ.Field
		if field == "" {
			field = "value"
		}
		return Invalidf(name, "line %d, column %d: field %s is a JSON %s, want %s", line, col, field, typ.Value, typ.Type)
	}
	return Invalidf(name, "invalid JSON: %v", err)
}

// LineCol converts a byte offset into a 1-based line and column (in bytes).
func LineCol(data []byte, off int64) (line, col int) {
	off = max(0, min(off, int64(len(data))))
	before := data[:off]
	line = 1 + bytes.Count(before, []byte{'\n'})
	col = max(1, int(off)-(bytes.LastIndexByte(before, '\n')+1))
	return line, col
}

// Warnings collects non-fatal problems, up to MaxWarnings.
type Warnings struct {
	list    []string
	dropped int
}

// Addf adds a warning.
func (w *Warnings) Addf(format string, args ...any) {
	if len(w.list) >= MaxWarnings {
		w.dropped++
		return
	}
	w.list = append(w.list, fmt.Sprintf(format, args...))
}

// List returns the warnings, with a last one counting those not kept.
func (w *Warnings) List() []string {
	if w.dropped > 0 {
		return append(w.list, fmt.Sprintf("%d more warnings not shown", w.dropped))
	}
	return w.list
}

// ParseTime reads an RFC 3339 time. A bad one is a warning and a zero time:
// a date seldom makes the rest of a document less usable.
func ParseTime(w *Warnings, field, v string) time.Time {
	if v == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		w.Addf("%s: %q is not an RFC 3339 date and time; ignored", field, v)
		return time.Time{}
	}
	return t.UTC()
}
