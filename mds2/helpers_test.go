package mds2

import (
	"errors"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
)

// assertParseError checks that Parse refused its input with an *Error that
// is EINVALID for the application and whose message holds each of want.
func assertParseError(tb testing.TB, f *Form, err error, want ...string) {
	tb.Helper()
	if err == nil {
		tb.Fatalf("no error; form %+v", f)
	}
	if f != nil {
		tb.Errorf("form returned with error")
	}
	var pe *Error
	if !errors.As(err, &pe) {
		tb.Fatalf("error %T is not an *Error: %v", err, err)
	}
	if code := cordon.ErrorCode(err); code != cordon.EINVALID {
		tb.Errorf("ErrorCode = %q, want %q", code, cordon.EINVALID)
	}
	msg := cordon.ErrorMessage(err)
	tb.Logf("message: %s", msg)
	for _, w := range want {
		if !strings.Contains(msg, w) {
			tb.Errorf("message %q does not contain %q", msg, w)
		}
	}
}
