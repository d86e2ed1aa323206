package guidance

import (
	"net/netip"
	"time"
)

// Check identifiers: stable names used in the API, CSV columns and the UI.
const (
	CheckEmail          = "email"
	CheckWeb            = "web"
	CheckFileShares     = "file_shares"
	CheckRemoteAccess   = "remote_access"
	CheckRemovableMedia = "removable_media"
	CheckSegmented      = "segmented"
	CheckInternet       = "internet"
)

// Check states.
const (
	Pass    = "pass"
	Fail    = "fail"
	Unknown = "unknown"
)

// States lists the states, worst first.
var States = []string{Fail, Unknown, Pass}

// Sources of a check's state.
const (
	SourceTraffic = "traffic"
	SourceRecords = "records"
)

// CheckInfo describes one check: its guidance step and the question it
// answers.
type CheckInfo struct {
	ID    string `json:"id"`
	Step  int    `json:"step"`
	Label string `json:"label"`
}

// Checks lists every check in display order: step 3 (likelihood) then
// step 4 (impact).
var Checks = []CheckInfo{
	{CheckEmail, 3, "No email"},
	{CheckWeb, 3, "No web browsing"},
	{CheckFileShares, 3, "No external file shares"},
	{CheckRemoteAccess, 3, "No inbound remote access"},
	{CheckRemovableMedia, 3, "Removable media blocked"},
	{CheckSegmented, 4, "Segmented"},
	{CheckInternet, 4, "No internet"},
}

// IsCheck reports whether id names a check.
func IsCheck(id string) bool {
	for _, c := range Checks {
		if c.ID == id {
			return true
		}
	}
	return false
}

// TrafficWindow is the span of traffic a check read.
type TrafficWindow struct {
	Since time.Time `json:"since"`
	Until time.Time `json:"until"`
}

// CheckResult is one check of one device.
type CheckResult struct {
	Check  string `json:"check"`
	Step   int    `json:"step"`
	Label  string `json:"label"`
	State  string `json:"state"`
	Source string `json:"source"` // SourceTraffic or SourceRecords
	// Window is the traffic read, nil for a check from records.
	Window *TrafficWindow `json:"window,omitempty"`
	// Summary says in one sentence why the check has its state.
	Summary string `json:"summary"`
	// CheckEvidence lists the facts behind the state, most telling first, at
	// most MaxEvidence; More counts those left out.
	Evidence []CheckEvidence `json:"evidence"`
	More     int             `json:"more,omitempty"`
}

// MaxEvidence bounds the evidence of one check.
const MaxEvidence = 10

// CheckEvidence is one fact behind a check: a conversation (peer, direction,
// port, application, last seen, how often) or a record (an exception's
// control and what its owner wrote as proof).
type CheckEvidence struct {
	Peer      string    `json:"peer,omitempty"` // device key or "ip:ADDR"
	Direction string    `json:"direction,omitempty"`
	Proto     string    `json:"proto,omitempty"`
	Port      uint16    `json:"port,omitempty"`
	App       string    `json:"app,omitempty"`
	Service   string    `json:"service,omitempty"` // "SMTP", "RDP" …
	LastSeen  time.Time `json:"last_seen,omitzero"`
	Flows     uint64    `json:"flows,omitempty"`
	Bytes     uint64    `json:"bytes,omitempty"`
	// ExceptionID names the exception a control comes from.
	ExceptionID int64  `json:"exception_id,omitempty"`
	Note        string `json:"note,omitempty"`
}

// Directions of a conversation seen from the device.
const (
	Outbound = "outbound" // the device initiated
	Inbound  = "inbound"  // the peer initiated
)

// DeviceReport is every check of one device.
type DeviceReport struct {
	DeviceID int64  `json:"device_id"`
	Key      string `json:"key"`
	Name     string `json:"name"` // host name, else address, else MAC
	IP       string `json:"ip,omitempty"`
	Category string `json:"category"`
	Medical  bool   `json:"medical"`
	Site     string `json:"site,omitempty"`
	// Zone is the recorded zone, else the device's subnet.
	Zone          string        `json:"zone,omitempty"`
	ZoneRecorded  bool          `json:"zone_recorded"`
	Window        TrafficWindow `json:"window"`
	Conversations int           `json:"conversations"` // in the window
	Checks        []CheckResult `json:"checks"`
	Pass          int           `json:"pass"`
	Fail          int           `json:"fail"`
	Unknown       int           `json:"unknown"`
}

// Result returns the result of check id, or nil.
func (r *DeviceReport) Result(id string) *CheckResult {
	for i := range r.Checks {
		if r.Checks[i].Check == id {
			return &r.Checks[i]
		}
	}
	return nil
}

// Options are what the hospital approves, which the checks measure traffic
// against. The zero Options approve nothing, as detect.Config's zero value
// does: every public web endpoint fails, and remote access from any host
// fails.
type Options struct {
	// Window is how far back conversations count (DefaultWindow if 0).
	Window time.Duration
	// AllowWeb are the manufacturer endpoints devices may reach on the web
	// (update and telemetry services), as addresses or prefixes.
	AllowWeb []netip.Prefix
	// JumpHosts are the internal hosts approved to reach devices by RDP,
	// VNC, SSH and remote-support tools.
	JumpHosts []netip.Prefix
	// FileServers are the internal hosts approved as file servers; with
	// none, any internal share passes and only shares on the internet fail.
	FileServers []netip.Prefix
}

// DefaultWindow is the traffic the checks read by default: 30 days.
const DefaultWindow = 30 * 24 * time.Hour

func (o *Options) window() time.Duration {
	if o == nil || o.Window <= 0 {
		return DefaultWindow
	}
	return o.Window
}
