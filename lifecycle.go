package cordon

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Lifecycle states of a device, in order: a device is in service until it
// is decommissioned (taken out of use), then disposed of (it leaves the
// trust).
const (
	LifecycleInService      = "in_service"
	LifecycleDecommissioned = "decommissioned"
	LifecycleDisposed       = "disposed"
)

// LifecycleStates lists the states in order.
var LifecycleStates = []string{LifecycleInService, LifecycleDecommissioned, LifecycleDisposed}

// LifecycleRetired is the filter value that matches decommissioned and
// disposed devices: those that should no longer talk on the network.
const LifecycleRetired = "retired"

// Sanitisation methods of NIST SP 800-88: clear (overwrite through the
// device's own interface), purge (a method that defeats laboratory
// recovery, such as a cryptographic or block erase) and destroy (shred,
// disintegrate, incinerate).
const (
	SanitiseClear   = "clear"
	SanitisePurge   = "purge"
	SanitiseDestroy = "destroy"
)

// SanitisationMethods lists the NIST SP 800-88 methods.
var SanitisationMethods = []string{SanitiseClear, SanitisePurge, SanitiseDestroy}

// Where a device's end of support comes from.
const (
	EndOfSupportRecorded = "recorded"   // a person recorded it with its source
	EndOfSupportAssessed = "assessment" // the support state of its model or OS
	EndOfSupportUnknown  = "unknown"    // neither says
)

// Limits of the free-text fields of a lifecycle.
const (
	maxLifecycleText = 1024
	maxLifeYears     = 50
	// MaxReplacementCost bounds a device's replacement cost: more than any
	// medical device costs, and small enough that a forecast's sums fit.
	MaxReplacementCost = 100_000_000
)

// LifecyclePlan is what a trust records about a device's life, from
// procurement: when it went into service, how long it should last, when it
// is to be replaced and at what cost, and, when the manufacturer has said,
// when support ends. Dates are days (UTC midnight); a zero date is not
// recorded.
type LifecyclePlan struct {
	CommissionedOn time.Time `json:"commissioned_on,omitzero"`
	LifeYears      int       `json:"life_years,omitempty"` // expected life; 0 when not recorded
	// ReplaceOn is the planned replacement date when set by hand; zero
	// means commissioning plus expected life.
	ReplaceOn       time.Time `json:"replace_on,omitzero"`
	ReplacementCost int64     `json:"replacement_cost,omitempty"` // GBP, whole pounds
	FundingNote     string    `json:"funding_note,omitempty"`     // capital bid, charity, lease…
	// EndOfSupportOn and EndOfSupportSource record the end of support by
	// hand (a manufacturer's letter, a contract); the source is required
	// with the date, because a date nobody can trace is not evidence.
	EndOfSupportOn     time.Time `json:"end_of_support_on,omitzero"`
	EndOfSupportSource string    `json:"end_of_support_source,omitempty"`
}

// Validate reports the first problem of a plan as an EINVALID error.
func (p *LifecyclePlan) Validate() error {
	switch {
	case p.LifeYears < 0 || p.LifeYears > maxLifeYears:
		return Invalidf("life_years", "life_years must be 0 to %d, not %d.", maxLifeYears, p.LifeYears)
	case p.ReplacementCost < 0 || p.ReplacementCost > MaxReplacementCost:
		return Invalidf("replacement_cost", "replacement_cost must be 0 to %d pounds, not %d.", MaxReplacementCost, p.ReplacementCost)
	case len(p.FundingNote) > maxLifecycleText:
		return Invalidf("funding_note", "funding_note is at most %d characters.", maxLifecycleText)
	case len(p.EndOfSupportSource) > maxLifecycleText:
		return Invalidf("end_of_support_source", "end_of_support_source is at most %d characters.", maxLifecycleText)
	case !p.EndOfSupportOn.IsZero() && strings.TrimSpace(p.EndOfSupportSource) == "":
		return Invalidf("end_of_support_source", "end_of_support_source is required with end_of_support_on: say where the date comes from.")
	case p.EndOfSupportOn.IsZero() && p.EndOfSupportSource != "":
		return Invalidf("end_of_support_source", "end_of_support_source is given without end_of_support_on.")
	case !p.ReplaceOn.IsZero() && !p.CommissionedOn.IsZero() && p.ReplaceOn.Before(p.CommissionedOn):
		return Invalidf("replace_on", "replace_on (%s) is before commissioned_on (%s).", dateText(p.ReplaceOn), dateText(p.CommissionedOn))
	}
	for name, d := range map[string]time.Time{"commissioned_on": p.CommissionedOn, "replace_on": p.ReplaceOn, "end_of_support_on": p.EndOfSupportOn} {
		if !d.IsZero() && (d.Year() < 1950 || d.Year() > 2200) {
			return Invalidf(name, "%s must be a date between 1950 and 2200, not %s.", name, dateText(d))
		}
	}
	return nil
}

// Replacement returns the planned replacement date and how it was set:
// "planned" (by hand), "computed" (commissioning plus expected life), or
// zero and "" when neither is known.
func (p *LifecyclePlan) Replacement() (time.Time, string) {
	switch {
	case !p.ReplaceOn.IsZero():
		return p.ReplaceOn, "planned"
	case !p.CommissionedOn.IsZero() && p.LifeYears > 0:
		return p.CommissionedOn.AddDate(p.LifeYears, 0, 0), "computed"
	}
	return time.Time{}, ""
}

// EndOfSupport is when support of a device ends and how that is known,
// with an explicit unknown: a forecast that left out the devices nobody
// knows about would look better than the truth.
type EndOfSupport struct {
	Origin string `json:"origin"` // EndOfSupportRecorded, EndOfSupportAssessed or EndOfSupportUnknown
	// Date is the day support ends or ended; zero when unknown, and for an
	// assessment that says support has ended without saying when (Ended).
	Date  time.Time `json:"date,omitzero"`
	Ended bool      `json:"ended"` // support has ended already (at the time of the assessment)
	// Source names where it comes from: the recorded source, or the
	// lifecycle data behind the assessment ("os Windows 7 SP1, endoflife.date").
	Source string `json:"source,omitempty"`
}

// EndOfSupportOf decides a device's end of support: the date recorded by
// hand wins (a person read the manufacturer's letter); else the earliest
// end the assessment gives for the device's model or OS; else unknown.
// now decides Ended for a recorded date.
func EndOfSupportOf(p LifecyclePlan, support []SupportStatus, now time.Time) EndOfSupport {
	if !p.EndOfSupportOn.IsZero() {
		return EndOfSupport{Origin: EndOfSupportRecorded, Date: p.EndOfSupportOn, Ended: !p.EndOfSupportOn.After(now),
			Source: p.EndOfSupportSource}
	}
	var best *EndOfSupport
	for _, s := range support {
		if s.Subject != "os" && s.Subject != "model" {
			continue
		}
		e := EndOfSupport{Origin: EndOfSupportAssessed, Source: supportSource(s)}
		switch {
		case !s.Until.IsZero():
			e.Date, e.Ended = Day(s.Until), s.State == SupportUnsupported
		case s.State == SupportUnsupported:
			e.Date, e.Ended = Day(s.Since), true
		default:
			continue
		}
		// The earliest end matters: a device is unsupported as soon as
		// one of its model and OS is. An end without a date sorts first.
		if best == nil || e.Date.Before(best.Date) {
			best = &e
		}
	}
	if best == nil {
		return EndOfSupport{Origin: EndOfSupportUnknown}
	}
	return *best
}

func supportSource(s SupportStatus) string {
	out := s.Subject + " " + s.Name
	if s.Source != "" {
		out += ", " + s.Source
	}
	return out
}

// Decommissioning records a device taken out of service.
type Decommissioning struct {
	On     time.Time `json:"on"`
	Reason string    `json:"reason"`
	By     string    `json:"by,omitempty"` // the store sets it from the acting user
}

// Validate reports the first problem as an EINVALID error.
func (d *Decommissioning) Validate() error {
	switch {
	case d.On.IsZero():
		return Invalidf("on", "A decommissioning needs its date (on).")
	case strings.TrimSpace(d.Reason) == "":
		return Invalidf("reason", "A decommissioning needs a reason.")
	case len(d.Reason) > maxLifecycleText:
		return Invalidf("reason", "The reason is at most %d characters.", maxLifecycleText)
	}
	return nil
}

// Sanitisation records how a device's storage was cleaned before it left
// the trust.
type Sanitisation struct {
	Method      string    `json:"method"`      // one of SanitisationMethods
	Operator    string    `json:"operator"`    // who did it (a person or a firm)
	On          time.Time `json:"on"`          // when
	Certificate string    `json:"certificate"` // the certificate of sanitisation or destruction
}

// Validate reports the first problem as an EINVALID error.
func (s *Sanitisation) Validate() error {
	switch {
	case !slices.Contains(SanitisationMethods, s.Method):
		return Invalidf("sanitisation.method", "The sanitisation method must be one of %s (NIST SP 800-88), not %q.", strings.Join(SanitisationMethods, ", "), s.Method)
	case strings.TrimSpace(s.Operator) == "" || len(s.Operator) > maxLifecycleText:
		return Invalidf("sanitisation.operator", "The sanitisation needs its operator (who did it), at most %d characters.", maxLifecycleText)
	case s.On.IsZero():
		return Invalidf("sanitisation.on", "The sanitisation needs its date.")
	case strings.TrimSpace(s.Certificate) == "" || len(s.Certificate) > maxLifecycleText:
		return Invalidf("sanitisation.certificate", "The sanitisation needs a certificate reference, at most %d characters.", maxLifecycleText)
	}
	return nil
}

// Disposal records a device leaving the trust.
type Disposal struct {
	On time.Time `json:"on"`
	By string    `json:"by,omitempty"` // the store sets it from the acting user
	// Sanitisation is required when the device stores patient data, or
	// when the register does not say (see NeedsSanitisation).
	Sanitisation *Sanitisation `json:"sanitisation,omitempty"`
}

// NeedsSanitisation says whether a device must have a sanitisation record
// before disposal: unless the register says it stores no patient data, it
// may.
func NeedsSanitisation(patientData *bool) bool { return patientData == nil || *patientData }

// DeviceLifecycle is one device's life: the plan, what follows from it,
// and where the device stands.
type DeviceLifecycle struct {
	Device FindingDevice `json:"device"`
	// PatientData is the register's answer to "does it store patient
	// data?", nil when not recorded.
	PatientData *bool         `json:"patient_data"`
	Plan        LifecyclePlan `json:"plan"`
	// Replacement is the planned replacement date, and ReplacementSource
	// how it was set ("planned", "computed", "" when unknown).
	Replacement       time.Time    `json:"replacement,omitzero"`
	ReplacementSource string       `json:"replacement_source,omitempty"`
	EndOfSupport      EndOfSupport `json:"end_of_support"`

	State          string           `json:"state"` // one of LifecycleStates
	Decommissioned *Decommissioning `json:"decommissioned,omitempty"`
	Disposed       *Disposal        `json:"disposed,omitempty"`

	// LastSeen is when the network last showed the device; zero if never.
	LastSeen  time.Time `json:"last_seen,omitzero"`
	UpdatedBy string    `json:"updated_by,omitempty"`
	UpdatedAt time.Time `json:"updated_at,omitzero"` // zero when nothing was ever recorded
}

// LifecycleFilter selects device lifecycles, by device ID. Zero values
// match all.
type LifecycleFilter struct {
	State     string // one of LifecycleStates, or LifecycleRetired
	Site      string // case-insensitive
	Category  string
	Medical   *bool
	DeviceIDs []int64 // at most 1000
	// AfterID, when not 0, selects the devices with an ID above it, as
	// the other conditions do: the total counts only those. A read of the
	// whole register passes the last ID of each page to get the next
	// (keyset paging), because with an Offset the store steps over every
	// row before the page again. EINVALID when negative.
	AfterID int64
	Offset  int
	Limit   int // 0 means the store's default page
}

// LifecycleService keeps each device's commissioning, planned replacement
// and decommissioning. Every device of the register has a lifecycle: one
// nothing was recorded for is in service with every date unknown.
type LifecycleService interface {
	// FindLifecycle returns a device's lifecycle, or ENOTFOUND for an
	// unknown device.
	FindLifecycle(ctx context.Context, deviceID int64) (*DeviceLifecycle, error)
	// FindLifecycles returns a page of matching lifecycles and the total.
	// EINVALID for an unknown state or more than 1000 device IDs.
	FindLifecycles(ctx context.Context, f LifecycleFilter) ([]*DeviceLifecycle, int, error)
	// UpdateLifecycle replaces a device's plan. Audited as
	// "lifecycle.update". EINVALID, ENOTFOUND.
	UpdateLifecycle(ctx context.Context, deviceID int64, p LifecyclePlan) (*DeviceLifecycle, error)
	// Decommission takes an in-service device out of service on d.On (not
	// in the future, not before commissioning). Audited as
	// "lifecycle.decommission". EINVALID, ENOTFOUND, ECONFLICT when the
	// device is not in service.
	Decommission(ctx context.Context, deviceID int64, d Decommissioning) (*DeviceLifecycle, error)
	// Dispose records a decommissioned device's disposal on d.On (not in
	// the future, not before decommissioning). A device that may store
	// patient data (NeedsSanitisation) needs d.Sanitisation, dated between
	// decommissioning and disposal; EINVALID otherwise. Audited as
	// "lifecycle.dispose". ENOTFOUND, ECONFLICT when the device is not
	// decommissioned.
	Dispose(ctx context.Context, deviceID int64, d Disposal) (*DeviceLifecycle, error)
}

// dateText formats a lifecycle date for messages, as YYYY-MM-DD.
func dateText(t time.Time) string { return t.UTC().Format(time.DateOnly) }
