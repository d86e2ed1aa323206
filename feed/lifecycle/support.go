package lifecycle

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// State is a support state. Unknown is a state of its own, with a reason.
type State string

// Support states.
const (
	Supported   State = "supported"   // security updates continue past the window
	Ending      State = "ending"      // security updates end within the window
	Unsupported State = "unsupported" // security updates have ended
	Unknown     State = "unknown"     // the release or its dates cannot be told
)

// DefaultEndingMonths is the window in which an end of support makes a
// release "ending" rather than "supported": six months, about the time a
// manufacturer takes to validate a replacement.
const DefaultEndingMonths = 6

// Support is the support state of one OS, CPE or device model at a moment.
type Support struct {
	State State `json:"state"`
	// Since is when security updates ended (State unsupported). It is zero
	// with SinceUnknown set when the source says only that they ended.
	Since        time.Time `json:"since,omitzero"`
	SinceUnknown bool      `json:"since_unknown,omitempty"`
	// Until is when security updates end (supported, ending); zero when no
	// end is announced.
	Until time.Time `json:"until,omitzero"`
	// ESUUntil is when paid extended security updates end, when the release
	// has them (Windows 10 22H2, Server 2008 R2). A device counts as
	// unsupported regardless: few medical devices are enrolled.
	ESUUntil time.Time `json:"esu_until,omitzero"`
	Product  string    `json:"product,omitempty"` // lifecycle product: "windows"
	Release  string    `json:"release,omitempty"` // release cycle: "7-sp1"
	Label    string    `json:"label,omitempty"`
	Source   string    `json:"source,omitempty"` // where the dates come from
	Reason   string    `json:"reason"`           // how the release was chosen, or why unknown
}

// Index answers support look-ups over a set of lifecycles. Build it once
// with NewIndex; it is safe for concurrent use.
type Index struct {
	// EndingMonths is the "ending" window; 0 means DefaultEndingMonths.
	EndingMonths int

	byProduct map[string][]cordon.Lifecycle // lower-cased Product
	byCPE     map[string][]cordon.Lifecycle // "part:vendor:product"
}

// NewIndex indexes lifecycles by product and CPE.
func NewIndex(lcs []cordon.Lifecycle) *Index {
	ix := &Index{byProduct: map[string][]cordon.Lifecycle{}, byCPE: map[string][]cordon.Lifecycle{}}
	for _, l := range lcs {
		ix.byProduct[normalise(l.Product)] = append(ix.byProduct[normalise(l.Product)], l)
		if f := cpeFields(l.CPE); f != nil && f[2] != "*" {
			k := f[0] + ":" + f[1] + ":" + f[2]
			ix.byCPE[k] = append(ix.byCPE[k], l)
		}
	}
	return ix
}

// SupportState returns the support state of an operating system at now,
// with the default window. For many look-ups build an Index.
func SupportState(lcs []cordon.Lifecycle, os cordon.OS, now time.Time) Support {
	return NewIndex(lcs).OS(os, now)
}

// SupportStateCPE returns the support state of the software a CPE 2.3 name
// describes at now, with the default window.
func SupportStateCPE(lcs []cordon.Lifecycle, cpe string, now time.Time) Support {
	return NewIndex(lcs).CPE(cpe, now)
}

// OS returns the support state of an operating system as classify names it
// ("Windows 7", version "6.1.7601").
func (ix *Index) OS(os cordon.OS, now time.Time) Support {
	q := osQuery(os)
	if q.product == "" {
		return Support{State: Unknown, Reason: q.reason}
	}
	return ix.resolve(q, now)
}

// CPE returns the support state of the software a CPE 2.3 name describes.
func (ix *Index) CPE(cpe string, now time.Time) Support {
	f := cpeFields(cpe)
	if f == nil {
		return Support{State: Unknown, Reason: fmt.Sprintf("%q is not a CPE 2.3 name", clip(cpe))}
	}
	if q, ok := windowsCPE(f); ok {
		if q.product == "" {
			return Support{State: Unknown, Reason: q.reason}
		}
		return ix.resolve(q, now)
	}
	if f[1] == "linux" && f[2] == "linux_kernel" {
		return Support{State: Unknown, Reason: linuxReason}
	}
	rels := ix.byCPE[f[0]+":"+f[1]+":"+f[2]]
	if len(rels) == 0 {
		return Support{State: Unknown, Reason: fmt.Sprintf("no lifecycle data for %s:%s", f[1], f[2])}
	}
	return ix.decide(versionCandidates(rels, unescape(f[3])), cpe, now)
}

// Model returns the support state of a device model's software from
// Cordon's device lifecycle file; version "" means the version is not known.
func (ix *Index) Model(manufacturer, model, version string, now time.Time) Support {
	rels := ix.byProduct[normalise(manufacturer+" "+model)]
	if len(rels) == 0 {
		return Support{State: Unknown, Reason: fmt.Sprintf("no lifecycle data for %s %s", manufacturer, model)}
	}
	if version == "" {
		return ix.decide(rels, manufacturer+" "+model+", software version unknown", now)
	}
	var c []cordon.Lifecycle
	for _, l := range rels {
		if l.Release == "" || strings.EqualFold(l.Release, version) {
			c = append(c, l)
		}
	}
	if len(c) == 0 {
		return Support{State: Unknown, Reason: fmt.Sprintf("no lifecycle data for %s %s version %s", manufacturer, model, version)}
	}
	// A version-specific entry wins over the model-wide one.
	if len(c) > 1 {
		c = slices.DeleteFunc(c, func(l cordon.Lifecycle) bool { return l.Release == "" })
	}
	return ix.decide(c, manufacturer+" "+model+" "+version, now)
}

// query names a lifecycle product and which of its release cycles may
// apply; an empty product carries the reason no look-up is possible.
type query struct {
	product string
	match   func(cordon.Lifecycle) bool
	// versioned queries pick cycles by version (versionCandidates)
	// instead of match.
	versioned bool
	version   string
	what      string // what was looked up, for reasons
	reason    string
}

func (ix *Index) resolve(q query, now time.Time) Support {
	rels := ix.byProduct[q.product]
	if len(rels) == 0 {
		return Support{State: Unknown, Reason: fmt.Sprintf("no lifecycle data loaded for product %q (%s)", q.product, q.what)}
	}
	if q.versioned {
		return ix.decide(versionCandidates(rels, q.version), q.what, now)
	}
	var c []cordon.Lifecycle
	for _, l := range rels {
		if q.match(l) {
			c = append(c, l)
		}
	}
	return ix.decide(c, q.what, now)
}

// decide turns candidate releases into one answer. One candidate, or
// several that agree (editions of one Windows build, say), give a state;
// disagreeing candidates give Unknown, naming them.
func (ix *Index) decide(c []cordon.Lifecycle, what string, now time.Time) Support {
	if len(c) == 0 {
		return Support{State: Unknown, Reason: "no lifecycle release matches " + what}
	}
	each := make([]Support, len(c))
	for i, l := range c {
		each[i] = ix.evaluate(l, now)
	}
	best := each[0]
	for _, s := range each[1:] {
		if s.State != best.State {
			return Support{State: Unknown, Reason: fmt.Sprintf("%s: releases disagree: %s", what, describe(each))}
		}
		switch {
		// Unsupported: report the latest end, so "since" holds for all.
		case s.State == Unsupported && (best.SinceUnknown || !s.SinceUnknown && s.Since.After(best.Since)):
			best = s
		// Supported or ending: report the earliest end.
		case s.State != Unsupported && !s.Until.IsZero() && (best.Until.IsZero() || s.Until.Before(best.Until)):
			best = s
		}
	}
	if len(c) == 1 {
		best.Reason = fmt.Sprintf("%s: release %s", what, best.Label)
	} else {
		best.Reason = fmt.Sprintf("%s: %d releases agree (%s)", what, len(c), labels(c))
	}
	return best
}

// evaluate says where one release stands at now. The decisive date is
// EndOfLife, the end of security updates.
func (ix *Index) evaluate(l cordon.Lifecycle, now time.Time) Support {
	s := Support{Product: l.Product, Release: l.Release, Label: l.Label, Source: l.Source}
	if l.Label == "" {
		s.Label = l.Release
	}
	if !l.EndOfESU.IsZero() && !IsDateUnknown(l.EndOfESU) {
		s.ESUUntil = l.EndOfESU
	}
	months := ix.EndingMonths
	if months <= 0 {
		months = DefaultEndingMonths
	}
	eol := l.EndOfLife
	switch {
	case eol.IsZero():
		s.State = Supported
	case IsDateUnknown(eol):
		s.State, s.SinceUnknown = Unsupported, true
	case !now.Before(eol):
		s.State, s.Since = Unsupported, eol
	case now.AddDate(0, months, 0).After(eol):
		s.State, s.Until = Ending, eol
	default:
		s.State, s.Until = Supported, eol
	}
	return s
}

// describe lists candidates' states for an Unknown reason, at most five.
func describe(each []Support) string {
	var parts []string
	for i, s := range each {
		if i == 5 {
			parts = append(parts, fmt.Sprintf("and %d more", len(each)-5))
			break
		}
		switch {
		case s.State == Unsupported && s.SinceUnknown:
			parts = append(parts, s.Label+" ended")
		case s.State == Unsupported:
			parts = append(parts, s.Label+" ended "+s.Since.Format(time.DateOnly))
		case s.Until.IsZero():
			parts = append(parts, s.Label+" supported, no end announced")
		default:
			parts = append(parts, s.Label+" "+string(s.State)+" until "+s.Until.Format(time.DateOnly))
		}
	}
	return strings.Join(parts, "; ")
}

func labels(c []cordon.Lifecycle) string {
	var l []string
	for _, x := range c {
		l = append(l, orElse(x.Label, x.Release))
	}
	return strings.Join(l, ", ")
}

// orElse returns a, or b when a is empty.
func orElse(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// versionCandidates picks the release cycles a version belongs to: the
// longest cycle equal to the version or a prefix of it at a dot ("20.04"
// for "20.04.6", "8" for "8.6"). An unknown version ("", "*", "-") keeps
// every cycle, which decide turns into Unknown unless they all agree.
func versionCandidates(rels []cordon.Lifecycle, version string) []cordon.Lifecycle {
	if version == "" || version == "*" || version == "-" {
		return rels
	}
	var best []cordon.Lifecycle
	bestLen := 0
	for _, l := range rels {
		r := strings.ToLower(l.Release)
		v := strings.ToLower(version)
		if r == v || strings.HasPrefix(v, r+".") {
			switch {
			case len(r) > bestLen:
				best, bestLen = []cordon.Lifecycle{l}, len(r)
			case len(r) == bestLen:
				best = append(best, l)
			}
		}
	}
	return best
}

// normalise folds case and spacing for product look-ups.
func normalise(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// cpeFields splits a CPE 2.3 formatted string into its eleven fields after
// "cpe:2.3:", honouring backslash escapes; nil when it is not one.
func cpeFields(cpe string) []string {
	rest, ok := strings.CutPrefix(cpe, "cpe:2.3:")
	if !ok {
		return nil
	}
	var f []string
	start := 0
	for i := 0; i < len(rest); i++ {
		switch rest[i] {
		case '\\':
			i++
		case ':':
			f = append(f, rest[start:i])
			start = i + 1
		}
	}
	f = append(f, rest[start:])
	if len(f) < 3 {
		return nil
	}
	// endoflife.date identifiers stop after the product; pad with "*".
	for len(f) < 11 {
		f = append(f, "*")
	}
	for i := range f[:3] {
		f[i] = strings.ToLower(f[i])
	}
	return f
}

// unescape removes CPE 2.3 backslash escapes.
func unescape(v string) string {
	if !strings.Contains(v, `\`) {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) {
			i++
		}
		b.WriteByte(v[i])
	}
	return b.String()
}
