package csaf

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/cordonsec/cordon"
)

// ParseError is a problem with one CSAF file: which file, where in it (a
// JSON path such as "$.vulnerabilities[2].product_status.known_affected[0]",
// or "line 12, column 4" for broken JSON), and what is wrong. It unwraps to
// a *cordon.Error with code EINVALID whose message is fit to show a user.
type ParseError struct {
	File   string
	Path   string
	Reason string
}

// Error implements the error interface.
func (e *ParseError) Error() string {
	return fmt.Sprintf("csaf: parse %s: %s: %s", e.File, e.Path, e.Reason)
}

// Unwrap returns the user-facing form of the error.
func (e *ParseError) Unwrap() error {
	return cordon.Errorf(cordon.EINVALID, "%s is not a valid CSAF 2.0 advisory: at %s, %s.", e.File, e.Path, e.Reason)
}

func parseErr(file, path, format string, args ...any) *ParseError {
	return &ParseError{File: file, Path: path, Reason: fmt.Sprintf(format, args...)}
}

// jsonError turns encoding/json's errors into a ParseError that says where.
func jsonError(file string, data []byte, err error) *ParseError {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line, col := position(data, syn.Offset-1) // Offset counts the bad byte
		return parseErr(file, fmt.Sprintf("line %d, column %d", line, col), "invalid JSON: %s", syn.Error())
	case errors.As(err, &typ):
		path := "$"
		if typ.Field != "" {
			path += "." + typ.Field
		}
		return parseErr(file, path, "%s where the schema wants %s", typ.Value, jsonKind(typ.Type.Kind().String()))
	}
	return parseErr(file, "$", "invalid JSON: %s", err.Error())
}

func jsonKind(k string) string {
	switch k {
	case "slice":
		return "an array"
	case "struct", "map":
		return "an object"
	case "ptr":
		return "a value"
	case "float64":
		return "a number"
	}
	return "a " + k
}

// position converts a byte offset into a 1-based line and column.
func position(data []byte, off int64) (line, col int) {
	if off < 0 {
		off = 0
	}
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line = 1 + strings.Count(string(before), "\n")
	col = int(off) - strings.LastIndexByte(string(before), '\n')
	return line, col
}
