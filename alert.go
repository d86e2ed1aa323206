package cordon

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Alert states: an alert's lifecycle from raised to closed.
const (
	AlertNew           = "new"
	AlertAcknowledged  = "acknowledged"
	AlertResolved      = "resolved"
	AlertFalsePositive = "false_positive"
)

// AlertStatuses lists the states in lifecycle order.
var AlertStatuses = []string{AlertNew, AlertAcknowledged, AlertResolved, AlertFalsePositive}

// Alert severities, most urgent first.
const (
	AlertCritical = "critical"
	AlertHigh     = "high"
	AlertMedium   = "medium"
	AlertLow      = "low"
	AlertInfo     = "info"
)

// AlertSeverities lists the severities, most urgent first.
var AlertSeverities = []string{AlertCritical, AlertHigh, AlertMedium, AlertLow, AlertInfo}

// Alert kinds raised by governance (detections from traffic add their own).
const (
	AlertRemediationOverdue       = "remediation_overdue"       // a remediation clock passed its limit
	AlertExceptionExpired         = "exception_expired"         // an exception passed its expiry or review date
	AlertDecommissionedReappeared = "decommissioned_reappeared" // a decommissioned device talks again
	AlertUnexplainedRemoteAccess  = "unexplained_remote_access" // remote access no supplier record explains
	AlertMDS2Contradiction        = "mds2_contradiction"        // traffic contradicts the manufacturer's MDS2
)

// Alert kinds a live capture raises about itself, with no device and the
// subject "interface:NAME": monitoring that has stopped seeing the
// network (a SPAN session lost in a switch change) or that misses part of
// it is a gap in the compensating controls, and someone must know.
const (
	AlertCaptureSilent = "capture_silent" // an interface saw no packet for longer than allowed
	AlertCaptureDrops  = "capture_drops"  // the kernel dropped a share of an interface's packets
)

// Alert is something a person should look at, with the evidence and where
// it stands. Alerts are de-duplicated: while one of a kind about a device
// and subject is new or acknowledged, raising it again counts it again.
type Alert struct {
	ID   int64  `json:"id"`
	Kind string `json:"kind"` // stable identifier, such as "remediation_overdue"
	// Severity is one of AlertSeverities.
	Severity string `json:"severity"`
	// DeviceID is the device the alert is about, 0 when about none; the
	// store fills Device from the register when reading.
	DeviceID int64          `json:"device_id,omitempty"`
	Device   *FindingDevice `json:"device,omitempty"`
	// Subject names what else the alert is about, such as "remediation:12"
	// or "model:3"; with Kind and DeviceID it is the de-duplication key.
	Subject  string   `json:"subject,omitempty"`
	Title    string   `json:"title"`    // one line a person reads first
	Evidence []string `json:"evidence"` // what was seen or computed, and when

	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	Count     int       `json:"count"`

	Status    string    `json:"status"`
	Owner     string    `json:"owner,omitempty"`
	Note      string    `json:"note,omitempty"`
	UpdatedBy string    `json:"updated_by,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate reports the first problem of an alert to raise as an EINVALID
// error.
func (a *Alert) Validate() error {
	switch {
	case a.Kind == "" || len(a.Kind) > 64:
		return Errorf(EINVALID, "An alert needs a kind of 1 to 64 characters.")
	case a.Title == "" || len(a.Title) > 512:
		return Errorf(EINVALID, "An alert needs a title of 1 to 512 characters.")
	case len(a.Subject) > 256:
		return Errorf(EINVALID, "An alert's subject is at most 256 characters.")
	case len(a.Evidence) > 64:
		return Errorf(EINVALID, "An alert carries at most 64 lines of evidence.")
	}
	for i, e := range a.Evidence {
		if len(e) > 1024 {
			return Errorf(EINVALID, "Evidence line %d of the alert is longer than 1024 characters.", i+1)
		}
	}
	for _, s := range AlertSeverities {
		if s == a.Severity {
			return nil
		}
	}
	return Errorf(EINVALID, "Unknown alert severity %q.", a.Severity)
}

// AlertChange moves an alert in its lifecycle.
type AlertChange struct {
	Status string `json:"status"`          // one of AlertStatuses
	Owner  string `json:"owner,omitempty"` // who works on it
	Note   string `json:"note,omitempty"`
}

// AlertFilter selects alerts, newest activity first. Zero values match all.
type AlertFilter struct {
	Kind     string
	Severity string
	Status   string // "" matches all; "open" matches new and acknowledged
	DeviceID int64
	Subject  string
	Offset   int
	Limit    int // 0 means the store's default page
}

// AlertService keeps alerts and their lifecycle.
type AlertService interface {
	// RaiseAlert records an alert (Validate first). When an alert of the
	// same kind, device and subject is new or acknowledged, that one is
	// counted again instead: LastSeen becomes now, Count grows, Evidence,
	// Title and Severity are replaced, and a's fields are set from it. Not
	// audited: the system raises alerts, people change them.
	RaiseAlert(ctx context.Context, a *Alert) error
	// FindAlertByID returns an alert, or ENOTFOUND.
	FindAlertByID(ctx context.Context, id int64) (*Alert, error)
	// FindAlerts returns a page of matching alerts and the total.
	FindAlerts(ctx context.Context, f AlertFilter) ([]*Alert, int, error)
	// UpdateAlert moves an alert in its lifecycle and records who did it;
	// audited as "alert.update". EINVALID, ENOTFOUND.
	UpdateAlert(ctx context.Context, id int64, c AlertChange) (*Alert, error)
	// ResolveAlerts closes the open alerts of kind that the check raising
	// them no longer finds: those in scope whose device and subject are not
	// in keep. Each is resolved by the actor in ctx with note, and audited
	// as "alert.update". It returns how many it resolved.
	ResolveAlerts(ctx context.Context, kind string, keep []AlertKey, scope AlertScope, note string) (int, error)
}

// AlertScope is the part of what a kind of alert covers that a check
// looked at; the zero value is all of it.
type AlertScope struct {
	Devices []int64 // when set, only alerts about these devices
	// When either is set, only alerts with one of Subjects, or whose
	// subject starts with one of SubjectPrefixes.
	Subjects        []string
	SubjectPrefixes []string
}

// Contains reports whether an alert about k is in the scope.
func (s AlertScope) Contains(k AlertKey) bool {
	if s.Devices != nil && !slices.Contains(s.Devices, k.DeviceID) {
		return false
	}
	if s.Subjects == nil && s.SubjectPrefixes == nil {
		return true
	}
	if slices.Contains(s.Subjects, k.Subject) {
		return true
	}
	for _, p := range s.SubjectPrefixes {
		if strings.HasPrefix(k.Subject, p) {
			return true
		}
	}
	return false
}

// AlertKey identifies what an alert is about: de-duplication and
// resolution go by kind, device and subject.
type AlertKey struct {
	DeviceID int64
	Subject  string
}

// Key returns what the alert is about.
func (a *Alert) Key() AlertKey { return AlertKey{DeviceID: a.DeviceID, Subject: a.Subject} }
