package mds2

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// excelDate converts a spreadsheet serial date (days since 1899-12-30, or
// since 1904-01-01 in workbooks that set date1904) to a date. Excel stores
// dates as plain numbers whose style alone makes them dates; styles are not
// read, so only serials of plausible release dates (1990 to 2100) count.
func excelDate(s string, date1904 bool) (time.Time, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return time.Time{}, false
	}
	epoch := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	if date1904 {
		epoch = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if f < 0 || f > 100000 {
		return time.Time{}, false
	}
	t := epoch.AddDate(0, 0, int(f))
	if t.Year() < 1990 || t.Year() > 2100 {
		return time.Time{}, false
	}
	return t, true
}

// dateLayouts are the written forms of a release date read without
// ambiguity. Numeric day/month orders are handled by numericDate.
var dateLayouts = []string{
	"2006-01-02", "2006-01-02T15:04:05", "2006-01-02T15:04:05Z07:00", "2006-01-02 15:04:05",
	"2006/01/02", "2006.01.02", "20060102",
	"January 2, 2006", "January 2 2006", "Jan 2, 2006", "Jan 2 2006", "Jan. 2, 2006",
	"2 January 2006", "2 Jan 2006", "02-Jan-2006", "2-Jan-2006", "02-Jan-06", "2-Jan-06",
	"January 2006", "Jan 2006", "Jan-2006", "January, 2006",
}

var numericDatePattern = regexp.MustCompile(`^([0-9]{1,2})([./-])([0-9]{1,2})[./-]([0-9]{4})$`)

// parseDate reads a written release date. "03/04/2020" is refused: US forms
// mean 4 March and European ones 3 April, and a wrong date is worse than
// none. Dotted dates ("31.03.2020") are day first, as everywhere that
// writes them so.
func parseDate(s string) (time.Time, bool) {
	s = strings.Join(strings.Fields(s), " ")
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), true
		}
	}
	m := numericDatePattern.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, false
	}
	a, _ := strconv.Atoi(m[1])
	b, _ := strconv.Atoi(m[3])
	y, _ := strconv.Atoi(m[4])
	var day, month int
	switch {
	case m[2] == ".":
		day, month = a, b
	case a == b, a > 12 && b <= 12:
		day, month = a, b
	case b > 12 && a <= 12:
		day, month = b, a
	default:
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if month < 1 || month > 12 || t.Day() != day {
		return time.Time{}, false // 31 February
	}
	return t, true
}
