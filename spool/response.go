package spool

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// maxAnswer bounds how much of a server's answer is read: its error
// bodies are a few hundred bytes, and a proxy's error page need not be
// read whole.
const maxAnswer = 64 << 10

// maxRetryAfter bounds a Retry-After in seconds before it becomes a
// time.Duration, so that a huge one cannot overflow; MaxBackoff bounds the
// wait itself.
const maxRetryAfter = 7 * 24 * 60 * 60

// parseRetryAfter reads a Retry-After header (RFC 9110 §10.2.3): a number
// of seconds, or an HTTP date taken relative to now. ok is false when the
// header is absent or unreadable; a date already past waits 0.
func parseRetryAfter(v string, now time.Time) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if v[0] >= '0' && v[0] <= '9' {
		for i := 0; i < len(v); i++ {
			if v[i] < '0' || v[i] > '9' {
				return 0, false
			}
		}
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil || n > maxRetryAfter {
			n = maxRetryAfter // all digits, so only too large
		}
		return time.Duration(n) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d = t.Sub(now)
	switch {
	case d < 0:
		return 0, true
	case d > maxRetryAfter*time.Second:
		return maxRetryAfter * time.Second, true
	}
	return d, true
}

// serverError is what a refusal says: the server's JSON error, or, from
// something else in the way (a proxy's error page), the start of its text.
type serverError struct {
	Code, Message, Field string
}

// parseServerError reads an error answer's body. Its message is meant
// for the log: clipped, and without control characters or invalid UTF-8.
func parseServerError(body []byte) serverError {
	var r struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
			Field   string `json:"field"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &r) == nil && r.Error.Message != "" {
		return serverError{
			Code:    printable(r.Error.Code, 64),
			Message: printable(r.Error.Message, 500),
			Field:   printable(r.Error.Field, 200),
		}
	}
	return serverError{Message: printable(string(body), 200)}
}

// printable returns s as one line of valid UTF-8 without control
// characters, at most n bytes and an ellipsis.
func printable(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	return clip(strings.Join(strings.Fields(s), " "), n)
}

// duplicate reports whether a 2xx answer says the server had the batch
// already, for the log only: either way the batch is the server's now.
func duplicate(body []byte) bool {
	var r struct {
		Duplicate bool `json:"duplicate"`
	}
	return json.Unmarshal(body, &r) == nil && r.Duplicate
}
