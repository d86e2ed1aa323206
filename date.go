package cordon

import (
	"strings"
	"time"
)

// Governance dates (expiries, reviews, commissioning, approvals) are whole
// days in UTC: a clinical engineer records "30 September", not an instant,
// and every clock counts from midnight UTC so that it reads the same in
// every time zone.

// IsDate reports whether t is a date: midnight UTC.
func IsDate(t time.Time) bool { return t.Equal(Day(t)) }

// Day returns the date of t in UTC, as midnight UTC.
func Day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ParseOptionalDate is ParseDate for a field that may be left empty: ""
// (after trimming) is the zero time.
func ParseOptionalDate(field, v string) (time.Time, error) {
	if strings.TrimSpace(v) == "" {
		return time.Time{}, nil
	}
	return ParseDate(field, v)
}

// ParseDate reads a date such as 2026-09-30 for field, with a message that
// names the field.
func ParseDate(field, v string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(v))
	if err != nil {
		return time.Time{}, Errorf(EINVALID, "%s must be a date such as 2026-09-30, not %q.", field, v)
	}
	return t, nil
}
