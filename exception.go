package cordon

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Why a device or model cannot be fixed: the reasons an exception records.
const (
	ExceptionNoValidatedPatch = "no_validated_patch" // the fix exists but the manufacturer has not validated it
	ExceptionEndOfSupport     = "end_of_support"     // no fix will come
	ExceptionClinical         = "clinical_constraint"
	ExceptionOther            = "other" // the reason text says what
)

// ExceptionReasons lists the reasons.
var ExceptionReasons = []string{ExceptionNoValidatedPatch, ExceptionEndOfSupport, ExceptionClinical, ExceptionOther}

// Exception states. Expired is derived from the store's clock, never
// stored, so an exception expires on time without a job to mark it.
const (
	ExceptionActive  = "active"
	ExceptionExpired = "expired"
	ExceptionRevoked = "revoked"
)

// ExceptionStates lists the states.
var ExceptionStates = []string{ExceptionActive, ExceptionExpired, ExceptionRevoked}

// Control classes (guidance step 2): a plan needs both.
const (
	ControlLikelihood = "likelihood" // lowers the chance of compromise
	ControlImpact     = "impact"     // lowers the harm when it happens
)

// Control statuses, in the order a control matures.
const (
	ControlPlanned  = "planned"
	ControlInPlace  = "in_place"
	ControlVerified = "verified" // in place, and checked (from traffic or by inspection)
)

// ControlStatuses lists the statuses.
var ControlStatuses = []string{ControlPlanned, ControlInPlace, ControlVerified}

// ControlKind is a kind of compensating control and the classes it may
// count as, the usual one first.
type ControlKind struct {
	Kind    string   `json:"kind"`
	Label   string   `json:"label"`
	Classes []string `json:"classes"`
}

// ControlKinds is the fixed list of compensating controls, from guidance
// steps 3 (keep untrusted content away: likelihood) and 4 (limit what a
// compromised device can reach: impact), with step 5's supplier access.
// Segmentation and an air gap do both, so either class is accepted.
var ControlKinds = []ControlKind{
	{"segmented", "Segmented into a medical device zone", []string{ControlImpact, ControlLikelihood}},
	{"allowed_flows_only", "Only the flows it needs are allowed between zones", []string{ControlImpact, ControlLikelihood}},
	{"air_gapped", "Air-gapped", []string{ControlImpact, ControlLikelihood}},
	{"outbound_proxy", "Outbound traffic only through a proxy", []string{ControlImpact}},
	{"monitored", "Monitored, with alerts someone acts on", []string{ControlImpact}},
	{"offline_fallback", "Clinical contingency: offline fallback procedure", []string{ControlImpact}},
	{"backup", "Configuration and data backed up, restore tested", []string{ControlImpact}},
	{"no_internet", "No internet or web browsing", []string{ControlLikelihood}},
	{"no_email", "No email", []string{ControlLikelihood}},
	{"no_removable_media", "No removable media", []string{ControlLikelihood}},
	{"no_external_shares", "No file shares of external origin", []string{ControlLikelihood}},
	{"unneeded_ports_closed", "Unneeded network ports and services closed", []string{ControlLikelihood}},
	{"application_allowlisting", "Application allow-listing", []string{ControlLikelihood}},
	{"supplier_access_on_demand_mfa", "Supplier remote access on demand, with MFA", []string{ControlLikelihood}},
}

// FindControlKind returns the kind named k, or nil.
func FindControlKind(k string) *ControlKind {
	for i := range ControlKinds {
		if ControlKinds[i].Kind == k {
			return &ControlKinds[i]
		}
	}
	return nil
}

// Control is one compensating control of an exception.
type Control struct {
	Kind   string `json:"kind"`   // one of ControlKinds
	Class  string `json:"class"`  // ControlLikelihood or ControlImpact, one its kind allows
	Status string `json:"status"` // one of ControlStatuses
	// Evidence is what shows the control works: a note, a firewall rule
	// reference, a link.
	Evidence string `json:"evidence"`
	// ReviewDate is the day the control is next to be checked (a date:
	// midnight UTC).
	ReviewDate time.Time `json:"review_date"`
	// ExceptionID is set on the controls of a MitigationPlan, to say
	// whose control it is.
	ExceptionID int64 `json:"exception_id,omitempty"`
}

// InPlace reports whether the control protects the device now.
func (c *Control) InPlace() bool { return c.Status == ControlInPlace || c.Status == ControlVerified }

// Validate reports the first problem of a control as an EINVALID error;
// n is its position (from 1) for the message.
func (c *Control) Validate(n int) error {
	k := FindControlKind(c.Kind)
	switch {
	case k == nil:
		return Errorf(EINVALID, "Control %d: unknown kind %q.", n, c.Kind)
	case !slices.Contains(k.Classes, c.Class):
		return Errorf(EINVALID, "Control %d (%s): the class must be %s, not %q.", n, c.Kind, strings.Join(k.Classes, " or "), c.Class)
	case !slices.Contains(ControlStatuses, c.Status):
		return Errorf(EINVALID, "Control %d (%s): the status must be one of %s, not %q.", n, c.Kind, strings.Join(ControlStatuses, ", "), c.Status)
	case len(c.Evidence) > 2048:
		return Errorf(EINVALID, "Control %d (%s): the evidence is longer than 2048 characters.", n, c.Kind)
	case c.ReviewDate.IsZero():
		return Errorf(EINVALID, "Control %d (%s) needs a review date.", n, c.Kind)
	case !IsDate(c.ReviewDate):
		return Errorf(EINVALID, "Control %d (%s): the review date must be a date, without a time of day.", n, c.Kind)
	}
	return nil
}

// Exception records why a device, or every device of a model, cannot be
// fixed, who owns the risk, until when, and what protects it meanwhile.
type Exception struct {
	ID int64 `json:"id"`
	// Exactly one of DeviceID and ModelID is set. A model's exception
	// covers every device of the model.
	DeviceID int64 `json:"device_id,omitempty"`
	ModelID  int64 `json:"model_id,omitempty"`
	// Subject names the device or model, set by the store when reading.
	Subject string `json:"subject"`

	Reason     string `json:"reason"`      // one of ExceptionReasons
	ReasonText string `json:"reason_text"` // required with ExceptionOther
	// CVEs are the vulnerabilities the exception covers; empty means all.
	CVEs    []string `json:"cves"`
	RiskRef string   `json:"risk_ref"` // the risk register's reference
	Owner   string   `json:"owner"`    // who owns the risk
	// Expires is the last day the exception holds (a date: midnight UTC).
	Expires  time.Time `json:"expires"`
	Controls []Control `json:"controls"`

	// Set by the store.
	State        string    `json:"state"` // one of ExceptionStates, at the store's now
	RevokedAt    time.Time `json:"revoked_at,omitzero"`
	RevokedBy    string    `json:"revoked_by,omitempty"`
	RevokeReason string    `json:"revoke_reason,omitempty"`
	// ReviewDue is the earliest of the expiry and the controls' review
	// dates; DueForReview is true when it is within ReviewWindow of now
	// (or past) and the exception is not revoked.
	ReviewDue    time.Time `json:"review_due"`
	DueForReview bool      `json:"due_for_review"`
	Plan         PlanCheck `json:"plan"`
	CreatedBy    string    `json:"created_by"`
	UpdatedBy    string    `json:"updated_by"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// ReviewWindow is how far ahead an exception counts as due for review.
const ReviewWindow = 30 * 24 * time.Hour

// MaxExceptionTerm bounds an expiry: an exception is a temporary measure,
// and a date decades away is a typing mistake.
const MaxExceptionTerm = 3 * 366 * 24 * time.Hour

// MaxControls bounds the controls of one exception.
const MaxControls = 32

var cveID = regexp.MustCompile(`^CVE-[0-9]{4}-[0-9]{4,19}$`)

// Validate reports the first problem of an exception's own fields as an
// EINVALID error. Rules that need the clock (an expiry in the past) are
// the store's.
func (e *Exception) Validate() error {
	switch {
	case (e.DeviceID > 0) == (e.ModelID > 0) || e.DeviceID < 0 || e.ModelID < 0:
		return Errorf(EINVALID, "An exception is for one device or one model: give exactly one of device_id and model_id.")
	case !slices.Contains(ExceptionReasons, e.Reason):
		return Errorf(EINVALID, "The reason must be one of %s, not %q.", strings.Join(ExceptionReasons, ", "), e.Reason)
	case e.Reason == ExceptionOther && strings.TrimSpace(e.ReasonText) == "":
		return Errorf(EINVALID, "With the reason \"other\", the reason text must say what it is.")
	case len(e.ReasonText) > 4096:
		return Errorf(EINVALID, "The reason text is longer than 4096 characters.")
	case strings.TrimSpace(e.RiskRef) == "" || len(e.RiskRef) > 100:
		return Errorf(EINVALID, "The risk register reference is required, at most 100 characters.")
	case strings.TrimSpace(e.Owner) == "" || len(e.Owner) > 200:
		return Errorf(EINVALID, "The owner is required, at most 200 characters.")
	case e.Expires.IsZero():
		return Errorf(EINVALID, "An exception needs an expiry date.")
	case !IsDate(e.Expires):
		return Errorf(EINVALID, "The expiry must be a date, without a time of day.")
	case len(e.CVEs) > 1000:
		return Errorf(EINVALID, "An exception covers at most 1000 CVEs; leave the list empty to cover all.")
	case len(e.Controls) > MaxControls:
		return Errorf(EINVALID, "An exception has at most %d controls, not %d.", MaxControls, len(e.Controls))
	}
	seen := map[string]bool{}
	for _, c := range e.CVEs {
		if !cveID.MatchString(c) {
			return Errorf(EINVALID, "%q is not a CVE ID such as CVE-2019-0708.", c)
		}
		if seen[c] {
			return Errorf(EINVALID, "%s is listed twice.", c)
		}
		seen[c] = true
	}
	for i := range e.Controls {
		c := &e.Controls[i]
		if err := c.Validate(i + 1); err != nil {
			return err
		}
		if c.ReviewDate.After(e.Expires) {
			return Errorf(EINVALID, "Control %d (%s): the review date %s is after the exception expires (%s).",
				i+1, c.Kind, c.ReviewDate.Format(time.DateOnly), e.Expires.Format(time.DateOnly))
		}
	}
	return nil
}

// ParseCVEList reads CVE IDs separated by commas, spaces or new lines, in
// any letter case, into upper-case IDs without duplicates, in the order
// given. An empty text is an empty list: all CVEs.
func ParseCVEList(s string) ([]string, error) {
	out := []string{}
	seen := map[string]bool{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) }) {
		id := strings.ToUpper(f)
		if !cveID.MatchString(id) {
			return nil, Errorf(EINVALID, "CVEs: %q is not a CVE ID such as CVE-2019-0708.", f)
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	if len(out) > 1000 {
		return nil, Errorf(EINVALID, "CVEs: at most 1000, not %d; leave the list empty to cover all.", len(out))
	}
	return out, nil
}

// StateAt returns the exception's state at now: revoked, expired once the
// day after Expires begins, otherwise active.
func (e *Exception) StateAt(now time.Time) string {
	switch {
	case !e.RevokedAt.IsZero():
		return ExceptionRevoked
	case !Day(now).After(e.Expires):
		return ExceptionActive
	}
	return ExceptionExpired
}

// ReviewDueAt returns the earliest date the exception needs looking at:
// its expiry or a control's review date.
func (e *Exception) ReviewDueAt() time.Time {
	due := e.Expires
	for _, c := range e.Controls {
		if c.ReviewDate.Before(due) {
			due = c.ReviewDate
		}
	}
	return due
}

// Derive sets the fields computed from the rest at now: State, ReviewDue,
// DueForReview and Plan. Stores call it when reading.
func (e *Exception) Derive(now time.Time) {
	e.State = e.StateAt(now)
	e.ReviewDue = e.ReviewDueAt()
	e.DueForReview = e.State != ExceptionRevoked && !e.ReviewDue.After(Day(now).Add(ReviewWindow))
	e.Plan = CheckPlan(e.Controls)
}

// PlanCheck is the completeness of a mitigation plan (guidance step 2):
// controls of both classes, and at least one in place.
type PlanCheck struct {
	Likelihood int  `json:"likelihood"` // controls that lower the likelihood
	Impact     int  `json:"impact"`     // controls that lower the impact
	InPlace    int  `json:"in_place"`   // controls in place or verified
	Complete   bool `json:"complete"`
	// Problems says, in sentences, what makes the plan incomplete.
	Problems []string `json:"problems"`
}

// CheckPlan applies the completeness rule to a plan's controls: a plan
// with only one class of control, or with no control in place yet, is
// incomplete.
func CheckPlan(cs []Control) PlanCheck {
	p := PlanCheck{Problems: []string{}}
	for _, c := range cs {
		switch c.Class {
		case ControlLikelihood:
			p.Likelihood++
		case ControlImpact:
			p.Impact++
		}
		if c.InPlace() {
			p.InPlace++
		}
	}
	if len(cs) == 0 {
		p.Problems = append(p.Problems, "No compensating control is recorded.")
	} else {
		if p.Likelihood == 0 {
			p.Problems = append(p.Problems, "No control lowers the likelihood of compromise (guidance step 3).")
		}
		if p.Impact == 0 {
			p.Problems = append(p.Problems, "No control lowers the impact of a compromise (guidance step 4).")
		}
		if p.InPlace == 0 {
			p.Problems = append(p.Problems, "No control is in place yet: all are planned.")
		}
	}
	p.Complete = len(p.Problems) == 0
	return p
}

// MitigationPlan is the plan of one device or model: the controls of its
// active exceptions (a device's include its model's) and their check.
type MitigationPlan struct {
	DeviceID   int64        `json:"device_id,omitempty"`
	ModelID    int64        `json:"model_id,omitempty"`
	Exceptions []*Exception `json:"exceptions"` // active ones, those the controls come from
	Controls   []Control    `json:"controls"`
	Check      PlanCheck    `json:"check"`
}

// ExceptionFilter selects exceptions, soonest review first. Zero values
// match all.
type ExceptionFilter struct {
	// DeviceID matches the device's own exceptions and its model's.
	DeviceID int64
	ModelID  int64
	State    string // one of ExceptionStates
	Due      bool   // only those due for review
	Offset   int
	Limit    int // 0 means the store's default page
}

// CoverageDevice is an exposed device in a coverage list.
type CoverageDevice struct {
	Device      FindingDevice `json:"device"`
	Score       int           `json:"score"`
	Open        int           `json:"open"` // open findings
	Unsupported bool          `json:"unsupported"`
	// ExceptionID and Expired name, in the expired list, the exception
	// that expired last and the last day it held.
	ExceptionID int64     `json:"exception_id,omitempty"`
	Expired     time.Time `json:"expired,omitzero"`
}

// ExceptionCoverage says which devices lack the exception their exposure
// calls for. The lists are disjoint: an exposed device whose exception
// expired is in Expired, not in Uncovered.
type ExceptionCoverage struct {
	// Exposed counts the assessed devices with open findings or
	// unsupported software.
	Exposed int `json:"exposed"`
	// Uncovered are exposed devices with no exception at all, active or
	// expired (revoked ones do not count), highest risk first.
	Uncovered      int              `json:"uncovered"`
	UncoveredList  []CoverageDevice `json:"uncovered_devices"`
	Expired        int              `json:"expired"`
	ExpiredList    []CoverageDevice `json:"expired_devices"`
	DueForReview   int              `json:"due_for_review"`
	DueList        []*Exception     `json:"due_exceptions"`
	IncompletePlan int              `json:"incomplete_plans"` // active exceptions whose plan is incomplete
}

// MaxCoverageList bounds each list of ExceptionCoverage; the counts are
// whole.
const MaxCoverageList = 500

// ExceptionService keeps exceptions and the compensating controls of
// devices that cannot be fixed.
type ExceptionService interface {
	// CreateException records an exception, setting its ID and the
	// store's fields. EINVALID (Validate, or an expiry or review date in
	// the past or beyond MaxExceptionTerm), ENOTFOUND for an unknown device
	// or model. Audited as "exception.create".
	CreateException(ctx context.Context, e *Exception) error
	// FindExceptionByID returns an exception, or ENOTFOUND.
	FindExceptionByID(ctx context.Context, id int64) (*Exception, error)
	// FindExceptions returns a page of matching exceptions, soonest review
	// first, and the total that match. EINVALID for a bad filter.
	FindExceptions(ctx context.Context, f ExceptionFilter) ([]*Exception, int, error)
	// UpdateException replaces an exception's fields and controls (its
	// device or model stays). Dates in the past are refused unless
	// unchanged. EINVALID, ENOTFOUND, ECONFLICT for a revoked exception.
	// Audited as "exception.update".
	UpdateException(ctx context.Context, e *Exception) error
	// RevokeException ends an exception with a reason (required).
	// ECONFLICT if already revoked. Audited as "exception.revoke".
	RevokeException(ctx context.Context, id int64, reason string) (*Exception, error)
	// DevicePlan returns the mitigation plan of a device: the controls of
	// its own and its model's active exceptions. ENOTFOUND for an unknown
	// device.
	DevicePlan(ctx context.Context, deviceID int64) (*MitigationPlan, error)
	// ModelPlan returns the mitigation plan of a model. ENOTFOUND for an
	// unknown model.
	ModelPlan(ctx context.Context, modelID int64) (*MitigationPlan, error)
	// ExceptionCoverage counts and lists exposed devices without an
	// exception, devices whose exception expired, and exceptions due for
	// review.
	ExceptionCoverage(ctx context.Context) (*ExceptionCoverage, error)
}
