package policy

import (
	"time"
)

// Rule states: a suggestion becomes the device's policy only once an
// analyst approves it (the review workflow lives in the server).
const (
	StateSuggested = "suggested"
	StateApproved  = "approved"
)

// Zone kinds. The NHS patterns are written against kinds, so an operator
// may call a zone anything ("Radiology VLAN 180") and still get them.
const (
	KindModality       = "modality"        // imaging modalities
	KindPathology      = "pathology"       // laboratory analysers
	KindPACS           = "pacs"            // image archives
	KindLIS            = "lis"             // laboratory information systems
	KindJump           = "jump"            // supplier and admin jump hosts
	KindProxy          = "proxy"           // outbound web proxies
	KindMedical        = "medical"         // other medical devices
	KindClinicalServer = "clinical_server" // other clinical systems
	KindServer         = "server"          // enterprise servers (DNS, AD, files)
	KindNetwork        = "network"         // switches, routers, firewalls
	KindCorporate      = "corporate"       // desktops, printers, phones, guests
	KindInternet       = "internet"        // everything outside the trust
)

// Policy is a suggested or approved segmentation policy: zones, the
// zone-to-zone matrix, the rules, and the flows held back for review.
type Policy struct {
	Generated time.Time `json:"generated"`
	// Window is the learning window the rules were learned from.
	Window    Window          `json:"window"`
	Zones     []Zone          `json:"zones"`
	Matrix    []Cell          `json:"matrix"`
	Rules     []Rule          `json:"rules"`
	Review    []Review        `json:"review"`
	Baselines []Baseline      `json:"baselines,omitempty"`
	Models    []ModelBaseline `json:"models,omitempty"`
	// Skipped counts conversations outside the policy's scope: neither end
	// is in a protected zone, so a device firewall would not see them.
	Skipped uint64 `json:"skipped"`
}

// Window is a time range, start inclusive.
type Window struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Zone is a group of devices that share a policy.
type Zone struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
	// Protected zones hold medical devices or clinical systems: traffic to
	// or from them that no rule allows is dropped.
	Protected bool `json:"protected"`
	// Why the members are in the zone ("subnet 10.1.80.0/24", "category
	// imaging_modality", "serves DICOM to modalities").
	Basis   string   `json:"basis"`
	Devices []string `json:"devices"` // device keys
	Addrs   []string `json:"addrs"`   // IPv4 addresses of the members
}

// Cell is one entry of the zone-to-zone matrix: the services seen allowed
// from one zone to another, and the pattern that constrains the pair.
type Cell struct {
	From     string    `json:"from"`
	To       string    `json:"to"`
	Services []Service `json:"services"`
	Pattern  string    `json:"pattern,omitempty"`
	Rules    int       `json:"rules"`
	Review   int       `json:"review"`
}

// Service is a protocol, server port and application.
type Service struct {
	Proto string `json:"proto"`
	Port  uint16 `json:"port"`
	App   string `json:"app"`
}

// Rule allows one service from a set of sources to a set of destinations.
type Rule struct {
	ID      string `json:"id"`
	SrcZone string `json:"src_zone"`
	DstZone string `json:"dst_zone"`
	// Src and Dst are IPv4 addresses; SrcDevices and DstDevices the keys
	// of the devices they belong to (MACs as "mac:…"), for the reviewer.
	Src           []string `json:"src"`
	Dst           []string `json:"dst"`
	SrcDevices    []string `json:"src_devices"`
	DstDevices    []string `json:"dst_devices"`
	Proto         string   `json:"proto"`
	Port          uint16   `json:"port"`
	App           string   `json:"app"`
	Justification string   `json:"justification"`
	State         string   `json:"state"`
	// Expires, when set, makes the rule temporary (a supplier's visit, a
	// migration): exporters leave it out from then on.
	Expires    *time.Time `json:"expires,omitempty"`
	ApprovedBy string     `json:"approved_by,omitempty"`
	ApprovedAt *time.Time `json:"approved_at,omitempty"`
	Evidence   Evidence   `json:"evidence"`
}

// Active reports whether the rule is in force at now.
func (r *Rule) Active(now time.Time) bool {
	return r.Expires == nil || now.Before(*r.Expires)
}

// Evidence is the traffic behind a rule or a review item.
type Evidence struct {
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	Flows     uint64    `json:"flows"`
	Packets   uint64    `json:"packets"`
	Bytes     uint64    `json:"bytes"`
}

func (e *Evidence) add(hour time.Time, flows, packets, bytes uint64) {
	if e.FirstSeen.IsZero() || hour.Before(e.FirstSeen) {
		e.FirstSeen = hour
	}
	if end := hour.Add(time.Hour); end.After(e.LastSeen) {
		e.LastSeen = end
	}
	e.Flows += flows
	e.Packets += packets
	e.Bytes += bytes
}

// Review reasons' kinds: Forbidden ones the guidance rules out whatever
// the traffic says; the others break an NHS zone pattern and need a
// person's decision.
const (
	ReviewEmail          = "email"
	ReviewWebBrowsing    = "web_browsing"
	ReviewInboundRemote  = "inbound_remote_access"
	ReviewInbound        = "inbound_internet"
	ReviewDirectInternet = "direct_internet"
	ReviewPattern        = "zone_pattern"
	ReviewSupplierAccess = "supplier_access"
	ReviewNoAddress      = "no_ipv4_address"
)

// Review is a flow the suggestion did not turn into a rule, and why.
type Review struct {
	Kind      string   `json:"kind"`
	Forbidden bool     `json:"forbidden"`
	Reason    string   `json:"reason"`
	Src       string   `json:"src"` // address
	Dst       string   `json:"dst"`
	SrcDevice string   `json:"src_device"` // device key, or "ip:…" outside
	DstDevice string   `json:"dst_device"`
	SrcZone   string   `json:"src_zone"`
	DstZone   string   `json:"dst_zone"`
	Proto     string   `json:"proto"`
	Port      uint16   `json:"port"`
	App       string   `json:"app"`
	Evidence  Evidence `json:"evidence"`
}
