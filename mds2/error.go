package mds2

import (
	"fmt"

	"github.com/cordonsec/cordon"
)

// Error is a form that cannot be read: which file, where in it and what is
// wrong. Where names a spreadsheet cell (`sheet "MDS2" cell A12`), a CSV
// line (`line 12, field 3`) or a part of the workbook; it is empty when the
// problem concerns the file as a whole. Error unwraps to a *cordon.Error
// with code EINVALID so that the HTTP layer and the CLI report it as bad
// input with a message fit to show the person who uploaded the file.
type Error struct {
	File   string
	Where  string
	Reason string
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Where == "" {
		return fmt.Sprintf("mds2: parse %s: %s", e.File, e.Reason)
	}
	return fmt.Sprintf("mds2: parse %s: %s: %s", e.File, e.Where, e.Reason)
}

// Unwrap returns the user-facing form of the error.
func (e *Error) Unwrap() error {
	if e.Where == "" {
		return cordon.Errorf(cordon.EINVALID, "%s is not a readable MDS2 form: %s.", e.File, e.Reason)
	}
	return cordon.Errorf(cordon.EINVALID, "%s is not a readable MDS2 form: at %s, %s.", e.File, e.Where, e.Reason)
}

func errorf(file, where, format string, args ...any) *Error {
	return &Error{File: file, Where: where, Reason: fmt.Sprintf(format, args...)}
}
