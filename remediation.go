package cordon

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Remediation states, in the order a fix moves through them. A medical
// device may not be patched until its manufacturer has validated the fix,
// so the record follows the fix from its publication by the software
// vendor, through the manufacturer's validation, to every device.
const (
	RemediationFixPublished       = "fix_published"       // the software vendor's fix is public
	RemediationAwaitingValidation = "awaiting_validation" // the manufacturer has been asked to validate it
	RemediationApproved           = "approved"            // validated: version or patch identifier, date, evidence
	RemediationRejected           = "rejected"            // the manufacturer refused it, with the reason
	RemediationNotApplicable      = "not_applicable"      // the fix does not apply to the model, with the reason
	RemediationScheduled          = "scheduled"           // deployment booked for a date
	RemediationApplied            = "applied"             // every device has it
)

// RemediationStates lists the states in order.
var RemediationStates = []string{RemediationFixPublished, RemediationAwaitingValidation, RemediationApproved,
	RemediationRejected, RemediationNotApplicable, RemediationScheduled, RemediationApplied}

// remediationNext is the state machine: where a record may go from each
// state. Deployment needs an approval first, so applied and scheduled are
// reached only through approved; a rejected or not-applicable fix may be
// put to the manufacturer again (a new version of the fix, say).
var remediationNext = map[string][]string{
	RemediationFixPublished:       {RemediationAwaitingValidation, RemediationNotApplicable},
	RemediationAwaitingValidation: {RemediationApproved, RemediationRejected, RemediationNotApplicable},
	RemediationApproved:           {RemediationScheduled, RemediationApplied},
	RemediationRejected:           {RemediationAwaitingValidation},
	RemediationNotApplicable:      {RemediationAwaitingValidation},
	RemediationScheduled:          {RemediationApplied, RemediationScheduled},
	RemediationApplied:            nil,
}

// RemediationNextStates returns the states a record in state may move to.
func RemediationNextStates(state string) []string { return slices.Clone(remediationNext[state]) }

// Deployment states of one device of a remediation.
const (
	RemediationDevicePending   = "pending"
	RemediationDeviceScheduled = "scheduled"
	RemediationDeviceApplied   = "applied"
)

// RemediationDeviceStates lists the per-device states in order.
var RemediationDeviceStates = []string{RemediationDevicePending, RemediationDeviceScheduled, RemediationDeviceApplied}

// RemediationRecord tracks one fix of one vulnerability (a CVE) or advisory for
// one device model, from publication through manufacturer validation to
// deployment on each device of the model. Dates are the days things
// happened, which a person may record after the fact; the clocks count
// from them.
type RemediationRecord struct {
	ID int64 `json:"id"`
	// CVE is a CVE ID or an advisory's tracking ID (ICSMA-23-145-01).
	CVE     string `json:"cve"`
	ModelID int64  `json:"model_id"`
	// Manufacturer, Model and Version name the model; the store fills them.
	Manufacturer string `json:"manufacturer"`
	Model        string `json:"model"`
	Version      string `json:"version"`
	// KEV is true when CISA lists the CVE as known exploited; the store
	// fills it from the intelligence it holds.
	KEV   bool   `json:"kev"`
	State string `json:"state"`

	// The software vendor's fix: when it became public, where it is
	// described and which feed said so (prefilled from the findings).
	FixPublished time.Time `json:"fix_published,omitzero"`
	FixReference string    `json:"fix_reference,omitempty"`
	FixSource    string    `json:"fix_source,omitempty"`

	// ValidationRequested is when the manufacturer was asked; Decided when
	// it approved, rejected or called the fix not applicable.
	ValidationRequested time.Time `json:"validation_requested,omitzero"`
	Decided             time.Time `json:"decided,omitzero"`
	// ApprovedVersion is the version or patch identifier the manufacturer
	// approved (such as "KB5034169" or "VA50A"); the network confirms a
	// device has it when its observed versions show it.
	ApprovedVersion string    `json:"approved_version,omitempty"`
	Evidence        string    `json:"evidence,omitempty"` // link to the manufacturer's statement
	Reason          string    `json:"reason,omitempty"`   // rejected or not applicable: why
	Scheduled       time.Time `json:"scheduled,omitzero"`
	// Applied is when the last device had the fix applied.
	Applied time.Time `json:"applied,omitzero"`
	Notes   string    `json:"notes,omitempty"`

	Devices []RemediationDevice `json:"devices"`
	Events  []RemediationEvent  `json:"events"` // the timeline, oldest first

	CreatedBy string    `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// RemediationDevice is one device of a remediation's model: where its
// deployment stands, and what the network last showed of it so that the
// deployment can be confirmed.
type RemediationDevice struct {
	DeviceID  int64     `json:"device_id"`
	Name      string    `json:"name"` // host name, address or register key; the store fills it
	State     string    `json:"state"`
	Scheduled time.Time `json:"scheduled,omitzero"`
	Applied   time.Time `json:"applied,omitzero"`
	AppliedBy string    `json:"applied_by,omitempty"`
	// LastSeen and Observed are what the network showed, filled by the
	// store: when the device was last seen, and the versions it showed
	// (operating system, software, DICOM implementation version).
	LastSeen time.Time `json:"last_seen,omitzero"`
	Observed []string  `json:"observed"`
	// Left is set by the store when the device no longer belongs to the
	// model or was decommissioned: it stays on the record with what was
	// done, but the record no longer waits for it and it cannot be changed.
	Left bool `json:"left,omitempty"`
}

// RemediationEvent is one step of a remediation's timeline.
type RemediationEvent struct {
	State string    `json:"state"` // the state entered, or "device" for a device change
	At    time.Time `json:"at"`    // when it happened
	By    string    `json:"by"`
	Note  string    `json:"note,omitempty"`
}

// RemediationTransition moves a remediation to State with the fields that
// state needs: approved needs ApprovedVersion and Evidence; rejected and
// not_applicable a Reason; scheduled a Scheduled date. At is when it
// happened (zero: now), never in the future.
type RemediationTransition struct {
	State           string    `json:"state"`
	At              time.Time `json:"at,omitzero"`
	ApprovedVersion string    `json:"approved_version,omitempty"`
	Evidence        string    `json:"evidence,omitempty"`
	Reason          string    `json:"reason,omitempty"`
	Scheduled       time.Time `json:"scheduled,omitzero"`
	Note            string    `json:"note,omitempty"`
}

// RemediationDeviceChange sets where one device's deployment stands: a
// scheduled date, or applied on a date (zero: now).
type RemediationDeviceChange struct {
	DeviceID int64     `json:"device_id"`
	State    string    `json:"state"`
	Date     time.Time `json:"date,omitzero"`
}

// remediationSubject is a CVE ID or a CSAF advisory tracking ID.
var remediationSubject = regexp.MustCompile(`^(CVE-[0-9]{4}-[0-9]{4,19}|[A-Z][A-Z0-9]{1,15}(-[A-Z0-9]{1,16}){1,6})$`)

var remediationCVE = regexp.MustCompile(`^CVE-[0-9]{4}-[0-9]{4,19}$`)

// NormalizeRemediationSubject upper-cases and checks a CVE or advisory ID.
func NormalizeRemediationSubject(s string) (string, error) {
	id := strings.ToUpper(strings.TrimSpace(s))
	// Anything spelt as a CVE must be a well-formed one, not pass as an
	// advisory ID.
	if !remediationSubject.MatchString(id) || (strings.HasPrefix(id, "CVE-") && !remediationCVE.MatchString(id)) {
		return "", Errorf(EINVALID, "%q is not a CVE ID such as CVE-2019-0708 or an advisory ID such as ICSMA-23-145-01.", s)
	}
	return id, nil
}

// Validate reports the first problem of a new remediation as EINVALID.
func (r *RemediationRecord) Validate() error {
	id, err := NormalizeRemediationSubject(r.CVE)
	if err != nil {
		return err
	}
	r.CVE = id
	switch {
	case r.ModelID < 1:
		return Errorf(EINVALID, "A remediation needs the device model it is for.")
	case len(r.FixReference) > 2048 || len(r.FixSource) > 256:
		return Errorf(EINVALID, "The fix reference is at most 2048 characters and its source 256.")
	case len(r.Notes) > 4096:
		return Errorf(EINVALID, "The notes are longer than 4096 characters.")
	case r.FixReference != "" && !isWebLink(r.FixReference):
		return Errorf(EINVALID, "The fix reference must be an http or https link, not %q.", r.FixReference)
	}
	return nil
}

func isWebLink(s string) bool {
	return (strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")) && !strings.ContainsAny(s, " \t\r\n")
}

// Transition moves r as t says, at now by by, appending to the timeline;
// it changes r only when it returns nil. EINVALID names what is wrong: a
// step the state machine does not allow, a missing field, a date in the
// future or before the step it follows.
func (r *RemediationRecord) Transition(t RemediationTransition, now time.Time, by string) error {
	if !slices.Contains(RemediationStates, t.State) {
		return Errorf(EINVALID, "Unknown remediation state %q: use one of %s.", t.State, strings.Join(RemediationStates, ", "))
	}
	if !slices.Contains(remediationNext[r.State], t.State) {
		next := remediationNext[r.State]
		if len(next) == 0 {
			return Errorf(EINVALID, "This remediation is %s; it cannot move to %s.", r.State, t.State)
		}
		return Errorf(EINVALID, "A remediation that is %s can move to %s, not to %s.", r.State, strings.Join(next, " or "), t.State)
	}
	at := t.At.UTC()
	if at.IsZero() {
		at = now.UTC()
	}
	if at.After(now) {
		return Errorf(EINVALID, "The date of the step (%s) is in the future.", at.Format(time.DateOnly))
	}
	if last := r.lastStep(); !last.IsZero() && at.Before(last) {
		return Errorf(EINVALID, "The date of the step (%s) is before the step it follows (%s).", at.Format(time.DateOnly), last.Format(time.DateOnly))
	}
	if len(t.Note) > 4096 || len(t.Reason) > 4096 || len(t.Evidence) > 2048 || len(t.ApprovedVersion) > 200 {
		return Errorf(EINVALID, "The note and reason are at most 4096 characters, the evidence link 2048 and the version 200.")
	}
	next := *r
	switch t.State {
	case RemediationAwaitingValidation:
		next.ValidationRequested, next.Decided = at, time.Time{}
		next.ApprovedVersion, next.Evidence, next.Reason = "", "", ""
	case RemediationApproved:
		switch {
		case strings.TrimSpace(t.ApprovedVersion) == "":
			return Errorf(EINVALID, "Approval needs the version or patch identifier the manufacturer approved.")
		case !isWebLink(t.Evidence):
			return Errorf(EINVALID, "Approval needs an http or https link to the manufacturer's evidence.")
		}
		next.Decided, next.ApprovedVersion, next.Evidence, next.Reason = at, strings.TrimSpace(t.ApprovedVersion), t.Evidence, ""
	case RemediationRejected, RemediationNotApplicable:
		if strings.TrimSpace(t.Reason) == "" {
			return Errorf(EINVALID, "Moving to %s needs the reason.", t.State)
		}
		next.Decided, next.Reason = at, strings.TrimSpace(t.Reason)
	case RemediationScheduled:
		if t.Scheduled.IsZero() {
			return Errorf(EINVALID, "Scheduling needs the date of the deployment.")
		}
		next.Scheduled = t.Scheduled.UTC()
	case RemediationApplied:
		for _, d := range r.Devices {
			if d.State != RemediationDeviceApplied && !d.Left {
				return Errorf(EINVALID, "Every device must have the fix applied first: device %s is %s.", d.label(), d.State)
			}
		}
		next.Applied = at
	}
	next.State = t.State
	next.Events = append(slices.Clone(r.Events), RemediationEvent{State: t.State, At: at, By: by, Note: strings.TrimSpace(t.Note)})
	*r = next
	return nil
}

// lastStep returns when the latest state step happened.
func (r *RemediationRecord) lastStep() time.Time {
	var last time.Time
	for _, e := range r.Events {
		if e.State != "device" && e.At.After(last) {
			last = e.At
		}
	}
	return last
}

func (d RemediationDevice) label() string {
	if d.Name != "" {
		return d.Name
	}
	return "#" + strconv.FormatInt(d.DeviceID, 10)
}

// ChangeDevices applies per-device changes at now by by. Devices may be
// scheduled or applied only once the fix is approved (approved or
// scheduled); when the last device is applied the record moves to applied
// on that device's date. It changes r only when it returns nil.
func (r *RemediationRecord) ChangeDevices(cs []RemediationDeviceChange, now time.Time, by string) error {
	if len(cs) == 0 {
		return Errorf(EINVALID, "Name at least one device to change.")
	}
	if len(cs) > 10000 {
		return Errorf(EINVALID, "At most 10000 devices may be changed at once.")
	}
	if r.State != RemediationApproved && r.State != RemediationScheduled {
		return Errorf(EINVALID, "Devices can be scheduled or applied only once the manufacturer has approved the fix; this remediation is %s.", r.State)
	}
	next := *r
	next.Devices = slices.Clone(r.Devices)
	next.Events = slices.Clone(r.Events)
	var latest time.Time
	for _, c := range cs {
		i := slices.IndexFunc(next.Devices, func(d RemediationDevice) bool { return d.DeviceID == c.DeviceID })
		if i < 0 {
			return Errorf(EINVALID, "Device %d is not a device of this remediation's model.", c.DeviceID)
		}
		d := &next.Devices[i]
		if d.Left {
			return Errorf(EINVALID, "Device %s has left this remediation's model; it can no longer be changed here.", d.label())
		}
		date := c.Date.UTC()
		switch c.State {
		case RemediationDevicePending:
			d.Scheduled, d.Applied, d.AppliedBy = time.Time{}, time.Time{}, ""
		case RemediationDeviceScheduled:
			if date.IsZero() {
				return Errorf(EINVALID, "Scheduling device %s needs a date.", d.label())
			}
			d.Scheduled, d.Applied, d.AppliedBy = date, time.Time{}, ""
		case RemediationDeviceApplied:
			if date.IsZero() {
				date = now.UTC()
			}
			if date.After(now) {
				return Errorf(EINVALID, "Device %s cannot be applied on %s, a date in the future.", d.label(), date.Format(time.DateOnly))
			}
			if date.Before(r.Decided) {
				return Errorf(EINVALID, "Device %s cannot be applied on %s, before the approval on %s.", d.label(), date.Format(time.DateOnly), r.Decided.Format(time.DateOnly))
			}
			d.Applied, d.AppliedBy = date, by
			latest = later(latest, date)
		default:
			return Errorf(EINVALID, "Unknown device state %q: use pending, scheduled or applied.", c.State)
		}
		d.State = c.State
		next.Events = append(next.Events, RemediationEvent{State: "device", At: now.UTC(), By: by,
			Note: d.label() + " " + c.State + dateSuffix(date)})
	}
	all := len(next.Devices) > 0
	for _, d := range next.Devices {
		if d.Left {
			continue // the record no longer waits for it
		}
		if d.State != RemediationDeviceApplied {
			all = false
		} else {
			latest = later(latest, d.Applied)
		}
	}
	if all {
		next.State, next.Applied = RemediationApplied, latest
		next.Events = append(next.Events, RemediationEvent{State: RemediationApplied, At: latest, By: by, Note: "Every device has the fix."})
	}
	*r = next
	return nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func dateSuffix(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return " on " + t.Format(time.DateOnly)
}

// RemediationFilter selects remediations, newest first. Zero values match
// all.
type RemediationFilter struct {
	State        string
	Manufacturer string // case-insensitive, exact
	ModelID      int64
	CVE          string
	Offset       int
	Limit        int // 0 means the store's default page
}

// RemediationService keeps remediation records.
type RemediationService interface {
	// PrepareRemediation returns, without storing it, a new record for a
	// CVE or advisory and a model: the fix's publication date, reference
	// and source from the findings of the model's devices (the earliest
	// date any names), and the model's devices, pending. ENOTFOUND for an
	// unknown model; EINVALID for a bad ID.
	PrepareRemediation(ctx context.Context, modelID int64, cve string) (*RemediationRecord, error)
	// CreateRemediation stores a record in state fix_published, filling
	// what r leaves blank as PrepareRemediation does; its devices are the
	// model's. ECONFLICT, with r.ID set to the existing record's, when one
	// exists for the same CVE and model. Audited as "remediation.create".
	CreateRemediation(ctx context.Context, r *RemediationRecord) error
	// FindRemediationByID returns a record, or ENOTFOUND.
	FindRemediationByID(ctx context.Context, id int64) (*RemediationRecord, error)
	// FindRemediations returns a page of matching records, newest first,
	// and the total. EINVALID for a bad filter.
	FindRemediations(ctx context.Context, f RemediationFilter) ([]*RemediationRecord, int, error)
	// TransitionRemediation moves a record (RemediationRecord.Transition).
	// Audited as "remediation.update". EINVALID, ENOTFOUND.
	TransitionRemediation(ctx context.Context, id int64, t RemediationTransition) (*RemediationRecord, error)
	// UpdateRemediationDevices changes devices' deployment
	// (RemediationRecord.ChangeDevices). Audited as "remediation.devices".
	// EINVALID, ENOTFOUND.
	UpdateRemediationDevices(ctx context.Context, id int64, cs []RemediationDeviceChange) (*RemediationRecord, error)
}

// ObservedVersions lists what a device shows of its software, against
// which a remediation's approved version is confirmed:
// the operating system with its version, each software CPE, the DICOM
// implementation version, and evidence facts that name a version or build.
func ObservedVersions(d *Device) []string {
	if d == nil {
		return nil
	}
	var out []string
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			for _, x := range out {
				if x == s {
					return
				}
			}
			out = append(out, s)
		}
	}
	add(strings.TrimSpace(d.OS.Name + " " + d.OS.Version))
	for _, s := range d.Software {
		add(s.CPE)
	}
	if d.DICOM != nil {
		add(d.DICOM.ImplementationVersion)
	}
	for _, e := range d.Evidence {
		f := strings.ToLower(e.Fact)
		if strings.Contains(f, "version") || strings.Contains(f, "build") || strings.Contains(f, "revision") {
			add(e.Value)
		}
	}
	return out
}
