// Package lifecycle reads product support timelines and answers whether an
// operating system or a device's software is still supported.
//
// It reads two formats into cordon.Lifecycle values:
//
//   - endoflife.date product pages (Markdown with YAML front matter, one
//     file per product, e.g. windows.md): ParseEndOfLife. Their release
//     fields map as eoas → EndOfSupport, eol → EndOfLife, eoes → EndOfESU.
//   - Cordon's own JSON file of medical device models (manufacturer end of
//     support per model and software version, with a source):
//     ParseDevices, documented in docs/lifecycle.md.
//
// # Dates that are known to have passed but are not known
//
// Both formats can say a support phase has ended without saying when
// (endoflife.date writes `eol: true`). cordon.Lifecycle holds plain
// time.Time values, so such a date is stored as the sentinel DateUnknown
// (0001-01-02 UTC): not zero, earlier than any real date, so comparisons
// with "now" still say "ended", and recognisable with IsDateUnknown. The
// zero time means the opposite: no end has been announced (`eol: false`, or
// the field is absent). SupportState reports such an end as unsupported
// with Since left zero and SinceUnknown set, never as a made-up date.
//
// SupportState (and Index for many look-ups) maps a cordon.OS or a CPE 2.3
// name to a release and says supported, ending (within a window), unsupported
// or unknown, with the date and its source. Unknown is an explicit state with
// a reason, never a blank.
package lifecycle

import "time"

// DateUnknown stands for "this phase has ended, on a date the source does
// not give". See the package documentation.
var DateUnknown = time.Date(1, time.January, 2, 0, 0, 0, 0, time.UTC)

// IsDateUnknown reports whether t is the DateUnknown sentinel.
func IsDateUnknown(t time.Time) bool { return t.Equal(DateUnknown) }
