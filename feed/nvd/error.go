package nvd

import (
	"fmt"
	"strings"

	"github.com/cordonsec/cordon"
)

// Error is an import failure: which file, where in it and what is wrong.
type Error struct {
	File   string // the name given to Decode
	Path   string // JSON location of the record, "vulnerabilities[12]"; "" outside records
	CVE    string // the record's id when known
	Offset int64  // byte offset in the decompressed JSON; -1 when unknown
	Err    error  // the problem

	invalid bool // the input is malformed, as opposed to unreadable or refused by fn
}

// Error implements the error interface.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("nvd: import ")
	b.WriteString(e.File)
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path)
		if e.CVE != "" {
			fmt.Fprintf(&b, " (%s)", e.CVE)
		}
		if e.Offset >= 0 {
			fmt.Fprintf(&b, " near byte %d", e.Offset)
		}
		b.WriteString(": ")
	} else if e.Offset >= 0 {
		fmt.Fprintf(&b, "byte %d: ", e.Offset)
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the problem and, for malformed input, a *cordon.Error with
// code EINVALID, so that cordon.ErrorCode classifies the failure.
func (e *Error) Unwrap() []error {
	if e.invalid {
		return []error{e.Err, &cordon.Error{Code: cordon.EINVALID, Message: e.Error()}}
	}
	return []error{e.Err}
}

// fieldError is a validation problem at a JSON path inside a record.
type fieldError struct {
	field string // "metrics.cvssMetricV31[0].cvssData.baseScore"
	msg   string
}

func (e *fieldError) Error() string {
	if e.field == "" {
		return e.msg
	}
	return e.field + ": " + e.msg
}

func errField(field, format string, args ...any) error {
	return &fieldError{field: field, msg: fmt.Sprintf(format, args...)}
}
