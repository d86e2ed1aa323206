package vex

import (
	"bytes"
	"encoding/json"
	"errors"
)

// jsonError turns a decoding error into an EINVALID error with the line and
// column of the offending byte, because an offset means nothing to a person
// holding the file in an editor.
func jsonError(name string, data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line, col := lineCol(data, syn.Offset)
		return invalidf(name, "line %d, column %d: invalid JSON: %v", line, col, syn)
	case errors.As(err, &typ):
		line, col := lineCol(data, typ.Offset)
		field := typ.Field
		if field == "" {
			field = "value"
		}
		return invalidf(name, "line %d, column %d: field %s is a JSON %s, want %s", line, col, field, typ.Value, typ.Type)
	}
	return invalidf(name, "invalid JSON: %v", err)
}

// lineCol converts a byte offset into a 1-based line and column (in bytes).
func lineCol(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	before := data[:off]
	line = 1 + bytes.Count(before, []byte{'\n'})
	col = int(off) - (bytes.LastIndexByte(before, '\n') + 1)
	if col == 0 {
		col = 1
	}
	return line, col
}
