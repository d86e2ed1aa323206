package cordon

import (
	"context"
	"time"
)

// Statuses of a finding: its remediation workflow.
const (
	FindingOpen         = "open"
	FindingRiskAccepted = "risk_accepted" // with a reason and an expiry
	FindingMitigated    = "mitigated"     // with the compensating controls
	FindingNotAffected  = "not_affected"  // with a VEX justification
	FindingFixed        = "fixed"
)

// FindingStatuses lists the statuses in workflow order.
var FindingStatuses = []string{FindingOpen, FindingRiskAccepted, FindingMitigated, FindingNotAffected, FindingFixed}

// VEX justifications for "not affected" (CISA's minimum requirements for
// VEX, as CSAF and OpenVEX spell them).
var VEXJustifications = []string{
	"component_not_present",
	"vulnerable_code_not_present",
	"vulnerable_code_not_in_execute_path",
	"vulnerable_code_cannot_be_controlled_by_adversary",
	"inline_mitigations_already_exist",
}

// Severities of a finding, from its chosen CVSS score; "unknown" when no
// source scored it.
const (
	SeverityCritical = "critical"
	SeverityHigh     = "high"
	SeverityMedium   = "medium"
	SeverityLow      = "low"
	SeverityNone     = "none"
	SeverityUnknown  = "unknown"
)

// FindingDevice identifies a finding's device and says where it is and who
// answers for it, so that an alert response needs no second look-up.
type FindingDevice struct {
	ID           int64  `json:"id"`
	Key          string `json:"key"`
	MAC          string `json:"mac"` // "" for a device known only by address
	IP           string `json:"ip"`
	Hostname     string `json:"hostname"`
	Manufacturer string `json:"manufacturer"`
	Model        string `json:"model"`
	Category     string `json:"category"`
	Site         string `json:"site"`
	Location     string `json:"location"` // building, ward, room as recorded
	Owner        string `json:"owner"`
}

// Fix says whether a fix exists for a finding and since when.
type Fix struct {
	Available bool      `json:"available"`
	Since     time.Time `json:"since,omitzero"` // when it became public, if known
	Category  string    `json:"category,omitempty"`
	Details   string    `json:"details,omitempty"`
	URL       string    `json:"url,omitempty"`
	Source    string    `json:"source,omitempty"` // "csaf:ICSMA-23-145-01", "nvd"
}

// FindingStatus is a finding's place in the workflow with what that place
// requires. The store sets By and At.
type FindingStatus struct {
	Status        string    `json:"status"`
	Reason        string    `json:"reason,omitempty"`        // risk accepted: why; any status: a note
	Expires       time.Time `json:"expires,omitzero"`        // risk accepted: when to decide again
	Controls      []string  `json:"controls,omitempty"`      // mitigated: compensating controls in place
	Justification string    `json:"justification,omitempty"` // not affected: one of VEXJustifications
	By            string    `json:"by,omitempty"`
	At            time.Time `json:"at,omitzero"`
}

// Validate reports the first problem as an EINVALID error.
func (s *FindingStatus) Validate() error {
	switch s.Status {
	case FindingOpen, FindingFixed:
	case FindingRiskAccepted:
		if s.Reason == "" || s.Expires.IsZero() {
			return Errorf(EINVALID, "Accepting a risk needs a reason and an expiry date.")
		}
	case FindingMitigated:
		if len(s.Controls) == 0 {
			return Errorf(EINVALID, "A mitigated finding needs the compensating controls in place.")
		}
	case FindingNotAffected:
		ok := false
		for _, j := range VEXJustifications {
			ok = ok || j == s.Justification
		}
		if !ok {
			return Errorf(EINVALID, "Not affected needs a justification: one of component_not_present, vulnerable_code_not_present, vulnerable_code_not_in_execute_path, vulnerable_code_cannot_be_controlled_by_adversary, inline_mitigations_already_exist.")
		}
	default:
		return Errorf(EINVALID, "Unknown finding status %q.", s.Status)
	}
	if len(s.Reason) > 4096 {
		return Errorf(EINVALID, "The reason is longer than 4096 characters.")
	}
	if len(s.Controls) > 32 {
		return Errorf(EINVALID, "More than 32 controls.")
	}
	for _, c := range s.Controls {
		if c == "" || len(c) > 256 {
			return Errorf(EINVALID, "Each control must be 1 to 256 characters.")
		}
	}
	return nil
}

// Finding is one vulnerability that applies to one device, with what makes
// it urgent and where its remediation stands.
type Finding struct {
	ID     int64         `json:"id"`
	Device FindingDevice `json:"device"`
	CVE    string        `json:"cve"`
	Title  string        `json:"title,omitempty"` // first line of the description or the advisory title
	// Match is "confirmed" when the evidence pins an affected version and
	// "possible" when it cannot (an OS known without its build).
	Match    string   `json:"match"`
	Criteria string   `json:"criteria,omitempty"` // the NVD criterion or advisory product clause satisfied
	Software string   `json:"software,omitempty"` // the device's CPE or product that satisfied it
	Evidence []string `json:"evidence"`           // device fact → CPE → criterion → configuration/advisory
	Sources  []string `json:"sources"`            // "nvd", "kev", "epss", "csaf:ICSMA-…"

	KEV           bool       `json:"kev"`
	KEVDateAdded  time.Time  `json:"kev_date_added,omitzero"`
	KEVDueDate    time.Time  `json:"kev_due_date,omitzero"`
	KEVRansomware bool       `json:"kev_ransomware,omitempty"`
	EPSS          *EPSSScore `json:"epss"`
	CVSS          *CVSS      `json:"cvss"` // the score severity comes from: primary, newest version
	Severity      string     `json:"severity"`
	Fix           Fix        `json:"fix"`

	Status FindingStatus `json:"status"`
	// FirstFound and LastFound are when the matcher first and last
	// produced the finding; Gone is when it stopped (the device changed or
	// the intelligence did) and is zero while it applies.
	FirstFound time.Time `json:"first_found"`
	LastFound  time.Time `json:"last_found"`
	Gone       time.Time `json:"gone,omitzero"`
}

// FindingFilter selects findings. Zero values match all; gone findings are
// left out unless Gone is set.
type FindingFilter struct {
	DeviceID int64
	MAC      string
	CVEs     []string // any of (at most 1000)
	Status   string
	Match    string
	Severity string
	KEV      *bool
	Site     string
	Category string
	Gone     bool
	// Sort: "priority" (default: KEV, then EPSS, then CVSS, descending),
	// "cve", "device", "-first_found".
	Sort   string
	Offset int
	Limit  int // 0 means the store's default page
}

// FindingService stores findings and their workflow.
type FindingService interface {
	// FindFindings returns a page of matching findings and the total that
	// match. EINVALID for an unknown sort or a bad filter value.
	FindFindings(ctx context.Context, f FindingFilter) ([]*Finding, int, error)
	// FindFindingByID returns a finding, or ENOTFOUND.
	FindFindingByID(ctx context.Context, id int64) (*Finding, error)
	// UpdateFindingStatus moves a finding in the workflow (validated with
	// FindingStatus.Validate) and records who did it; audited as
	// "finding.status".
	UpdateFindingStatus(ctx context.Context, id int64, st FindingStatus) (*Finding, error)
	// ReplaceFindings sets, in one transaction, the computed findings and
	// exposure of each device in set: findings new to a device are added
	// open; ones it still has keep their ID, status and FirstFound and take
	// the new match data; ones it no longer has are marked Gone (and come
	// back with their status if they return). Device fields of the given
	// findings are ignored except Device.ID. Not audited: it is the
	// matcher's output, not a person's change.
	ReplaceFindings(ctx context.Context, set []DeviceAssessment) error
	// FindExposures returns a page of device exposures, highest risk first
	// (the worklist), and the total that match.
	FindExposures(ctx context.Context, f ExposureFilter) ([]*Exposure, int, error)
	// FindExposure returns one device's exposure, or ENOTFOUND if it was
	// never assessed.
	FindExposure(ctx context.Context, deviceID int64) (*Exposure, error)
	// ExposureSummary counts exposure across the register for the
	// dashboard.
	ExposureSummary(ctx context.Context) (*ExposureSummary, error)
}

// DeviceAssessment is what the matcher concluded for one device.
type DeviceAssessment struct {
	DeviceID int64
	Findings []Finding
	Exposure Exposure
}

// Exposure is one device's vulnerability and support posture: its risk,
// explained, and the support state of what it runs.
type Exposure struct {
	Device  FindingDevice   `json:"device"`
	Risk    Risk            `json:"risk"`
	Support []SupportStatus `json:"support"`
	// Counts of findings that apply (not gone), by what matters.
	Findings  int `json:"findings"`
	Open      int `json:"open"` // status open
	KEV       int `json:"kev"`
	Critical  int `json:"critical"`
	Confirmed int `json:"confirmed"`
	// Unsupported is true when anything in Support is unsupported.
	Unsupported bool      `json:"unsupported"`
	AssessedAt  time.Time `json:"assessed_at"`
}

// Support states of an OS, software or device model.
const (
	SupportSupported   = "supported"
	SupportEnding      = "ending"
	SupportUnsupported = "unsupported"
	SupportUnknown     = "unknown"
)

// SupportStatus is the support state of one thing a device runs.
type SupportStatus struct {
	Subject string    `json:"subject"` // "os", "software", "model"
	Name    string    `json:"name"`    // "Windows 7 SP1", a CPE, "GE CARESCAPE B650 2.0"
	State   string    `json:"state"`   // supported, ending, unsupported, unknown
	Since   time.Time `json:"since,omitzero"`
	Until   time.Time `json:"until,omitzero"`
	Source  string    `json:"source,omitempty"`
	Reason  string    `json:"reason"`
}

// Risk is a device's score from 0 to 100 with the factors that make it, so
// that anyone can read why: likelihood × impact, less the compensating
// controls in place.
type Risk struct {
	Score      int          `json:"score"`
	Likelihood float64      `json:"likelihood"` // 0 to 1
	Impact     float64      `json:"impact"`     // 0 to 1
	Controls   float64      `json:"controls"`   // 0 to 1: share of the risk the controls remove
	Factors    []RiskFactor `json:"factors"`
	Summary    string       `json:"summary"` // one sentence
}

// RiskFactor is one input to the score.
type RiskFactor struct {
	Part   string  `json:"part"` // "likelihood", "impact", "controls"
	Name   string  `json:"name"` // "kev", "epss", "cvss", "fix_age", "internet", "inbound_remote", "flat_network", "category", "criticality", "patient_data", "unsupported", "mitigated"
	Value  string  `json:"value"`
	Weight float64 `json:"weight"` // its contribution to its part, 0 to 1
	Why    string  `json:"why"`
}

// ExposureFilter selects device exposures.
type ExposureFilter struct {
	Site        string
	Category    string
	Medical     *bool
	Unsupported *bool
	KEV         *bool // with at least one KEV finding
	MinScore    int
	Offset      int
	Limit       int
}

// ExposureSummary is the register's exposure at a glance.
type ExposureSummary struct {
	Assessed    int              `json:"assessed"` // devices assessed
	Exposed     int              `json:"exposed"`  // with at least one open finding
	KEVDevices  int              `json:"kev_devices"`
	Unsupported int              `json:"unsupported"`
	Ending      int              `json:"ending"`
	ByCategory  []ExposureBucket `json:"by_category"`
	BySite      []ExposureBucket `json:"by_site"`
	BySeverity  map[string]int   `json:"by_severity"` // open findings
	ByStatus    map[string]int   `json:"by_status"`   // findings that apply
}

// ExposureBucket counts exposure in one category or site.
type ExposureBucket struct {
	Name        string `json:"name"`
	Devices     int    `json:"devices"`
	Exposed     int    `json:"exposed"`
	KEV         int    `json:"kev"`
	Unsupported int    `json:"unsupported"`
	MaxScore    int    `json:"max_score"`
}

// Assessor recomputes findings and exposure from the register and the
// intelligence: after an import, an ingest or a change of status.
type Assessor interface {
	// Assess recomputes the devices with these IDs, or every device when
	// ids is nil.
	Assess(ctx context.Context, ids []int64) error
}
