package spool

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		Name, Value string
		Want        time.Duration
		WantOK      bool
	}{
		{"Seconds", "120", 2 * time.Minute, true},
		{"Zero", "0", 0, true},
		{"Spaces", " 5 ", 5 * time.Second, true},
		{"Huge", "99999999999999999999999", maxRetryAfter * time.Second, true},
		{"Date", "Sun, 01 Mar 2026 12:01:00 GMT", time.Minute, true},
		{"DatePast", "Sun, 01 Mar 2026 11:00:00 GMT", 0, true},
		{"DateFar", "Fri, 01 Mar 2030 12:00:00 GMT", maxRetryAfter * time.Second, true},
		{"ErrEmpty", "", 0, false},
		{"ErrNegative", "-5", 0, false},
		{"ErrFraction", "1.5", 0, false},
		{"ErrWords", "tomorrow", 0, false},
		{"ErrDigitsThenText", "5s", 0, false},
	} {
		t.Run(tt.Name, func(t *testing.T) {
			got, ok := parseRetryAfter(tt.Value, now)
			if got != tt.Want || ok != tt.WantOK {
				t.Errorf("parseRetryAfter(%q) = %s, %v; want %s, %v", tt.Value, got, ok, tt.Want, tt.WantOK)
			}
		})
	}
}

// FuzzParseRetryAfter checks that no header makes a negative wait or one
// past a week, nor a panic.
func FuzzParseRetryAfter(f *testing.F) {
	f.Add("120")
	f.Add("Sun, 01 Mar 2026 12:01:00 GMT")
	f.Add("Sunday, 01-Mar-26 12:01:00 GMT")
	f.Add("99999999999999999999999")
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := parseRetryAfter(v, now)
		if d < 0 || d > maxRetryAfter*time.Second || !ok && d != 0 {
			t.Fatalf("parseRetryAfter(%q) = %s, %v", v, d, ok)
		}
	})
}

func TestParseServerError(t *testing.T) {
	for _, tt := range []struct {
		Name, Body string
		Want       serverError
	}{
		{"JSON", `{"error":{"code":"invalid","message":"Alert 0: bad kind.","field":"alerts[0]"}}`,
			serverError{Code: "invalid", Message: "Alert 0: bad kind.", Field: "alerts[0]"}},
		{"JSONNoField", `{"error":{"code":"too_large","message":"The request body is larger than the 8388608 bytes allowed."}}`,
			serverError{Code: "too_large", Message: "The request body is larger than the 8388608 bytes allowed."}},
		{"ProxyPage", "<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n</html>",
			serverError{Message: "<html> <head><title>413 Request Entity Too Large</title></head> </html>"}},
		{"ControlChars", `{"error":{"code":"x","message":"line\nforged=1\u001b[31m"}}`,
			serverError{Code: "x", Message: "line forged=1 [31m"}},
		{"Empty", "", serverError{}},
	} {
		t.Run(tt.Name, func(t *testing.T) {
			if got := parseServerError([]byte(tt.Body)); got != tt.Want {
				t.Errorf("parseServerError = %+v, want %+v", got, tt.Want)
			}
		})
	}
	long := parseServerError([]byte(strings.Repeat("x", maxAnswer)))
	if len(long.Message) > 200+len("…") {
		t.Errorf("message of %d bytes: not clipped", len(long.Message))
	}
}

// FuzzParseServerError checks that whatever a server or a proxy answers,
// what reaches the log is one bounded line of valid UTF-8.
func FuzzParseServerError(f *testing.F) {
	f.Add([]byte(`{"error":{"code":"invalid","message":"Alert 0: bad kind.","field":"alerts[0]"}}`))
	f.Add([]byte("<html><body>502 Bad Gateway</body></html>"))
	f.Add([]byte(`{"error":{"message":"\u2028x\ud800"}}`))
	f.Add([]byte{0xff, 0xfe, '\n', 0})
	f.Fuzz(func(t *testing.T, body []byte) {
		se := parseServerError(body)
		for _, s := range []string{se.Code, se.Message, se.Field} {
			if !utf8.ValidString(s) || len(s) > 500+len("…") {
				t.Fatalf("%q: not valid UTF-8 or too long", s)
			}
			for _, r := range s {
				if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
					t.Fatalf("%q holds control character %U", s, r)
				}
			}
		}
	})
}

func TestDuplicate(t *testing.T) {
	if !duplicate([]byte(`{"capture":{"id":3},"duplicate":true}`)) || duplicate([]byte(`{"duplicate":false}`)) || duplicate([]byte(`nope`)) {
		t.Error("duplicate misreads an answer")
	}
}
