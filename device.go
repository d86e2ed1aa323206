package cordon

import "time"

// Device categories: stable identifiers used in the API and JSON (PRODUCT.md).
const (
	CategoryInfusionPump       = "infusion_pump"
	CategoryPatientMonitor     = "patient_monitor"
	CategoryImagingModality    = "imaging_modality"
	CategoryLabAnalyzer        = "lab_analyzer"
	CategoryMedicalWorkstation = "medical_workstation"
	CategoryMedicalServer      = "medical_server"
	CategoryOtherMedical       = "other_medical"
	CategoryWorkstation        = "workstation"
	CategoryServer             = "server"
	CategoryPrinter            = "printer"
	CategoryNetwork            = "network_infrastructure"
	CategoryVoIPPhone          = "voip_phone"
	CategoryIoT                = "iot"
	CategoryMobile             = "mobile"
	CategoryUnknown            = "unknown"
)

// Categories lists every category in display order.
var Categories = []string{
	CategoryInfusionPump, CategoryPatientMonitor, CategoryImagingModality,
	CategoryLabAnalyzer, CategoryMedicalWorkstation, CategoryMedicalServer,
	CategoryOtherMedical, CategoryWorkstation, CategoryServer, CategoryPrinter,
	CategoryNetwork, CategoryVoIPPhone, CategoryIoT, CategoryMobile, CategoryUnknown,
}

// IsMedicalCategory reports whether devices of category c are medical devices
// or clinical systems.
func IsMedicalCategory(c string) bool {
	switch c {
	case CategoryInfusionPump, CategoryPatientMonitor, CategoryImagingModality,
		CategoryLabAnalyzer, CategoryMedicalWorkstation, CategoryMedicalServer,
		CategoryOtherMedical:
		return true
	}
	return false
}

// Device is one thing on the network as Cordon understands it, with the
// evidence for every conclusion. Its JSON field names are a contract shared by
// `cordon analyze`, the API and users' scripts (docs/analyze-json.md).
type Device struct {
	MAC          MAC        `json:"mac"`
	IPs          []string   `json:"ips"`
	Hostnames    []string   `json:"hostnames"`
	Vendor       string     `json:"vendor"`       // NIC organisation (IEEE registry)
	Manufacturer string     `json:"manufacturer"` // device maker, best evidence
	Model        string     `json:"model"`
	Category     string     `json:"category"`
	Modality     string     `json:"modality"`
	Medical      bool       `json:"medical"`
	Profile      string     `json:"profile,omitempty"` // id of the matched profile
	OS           OS         `json:"os"`
	Software     []Software `json:"software"`
	Services     []Service  `json:"services"`
	DICOM        *DICOMInfo `json:"dicom"`
	HL7          *HL7Info   `json:"hl7"`
	PatientData  bool       `json:"patient_data"`
	Confidence   float64    `json:"confidence"`
	Reasons      []Reason   `json:"reasons"`
	Evidence     []Evidence `json:"evidence"`
	FirstSeen    time.Time  `json:"first_seen"`
	LastSeen     time.Time  `json:"last_seen"`
}

// OS is the operating system a device runs, as far as traffic shows.
type OS struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Software is one piece of software named as a CPE 2.3 formatted string.
type Software struct {
	CPE    string `json:"cpe"`
	Source string `json:"source,omitempty"` // the fact it was derived from
}

// Service is a transport port a device offers (role "server") or uses
// (role "client"), with the application seen on it.
type Service struct {
	Proto string `json:"proto"`
	Port  uint16 `json:"port"`
	App   string `json:"app"`
	Role  string `json:"role"`
}

// DICOMInfo summarises a device's DICOM associations.
type DICOMInfo struct {
	AETitles               []string `json:"ae_titles"`
	ImplementationClassUID string   `json:"implementation_class_uid"`
	ImplementationVersion  string   `json:"implementation_version"`
	SOPClasses             []string `json:"sop_classes"`
}

// HL7Info summarises the HL7 v2 messages a device sends.
type HL7Info struct {
	Applications []string `json:"applications"`
	Facilities   []string `json:"facilities"`
	MessageTypes []string `json:"message_types"`
	Versions     []string `json:"versions"`
}

// Evidence is one fact behind a device, with when it was first and last seen
// and how often.
type Evidence struct {
	Fact      string    `json:"fact"`
	Value     string    `json:"value"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	Count     int       `json:"count"`
}

// Reason explains one conclusion ("category", "manufacturer", "os" …): what
// was concluded, from which facts, and how strongly.
type Reason struct {
	Field      string   `json:"field"`
	Value      string   `json:"value"`
	Confidence float64  `json:"confidence"`
	Facts      []string `json:"facts"` // "fact=value" strings from Evidence
	Rule       string   `json:"rule,omitempty"`
}

// Empty reports whether no DICOM was seen.
func (d *DICOMInfo) Empty() bool {
	return d == nil || len(d.AETitles)+len(d.SOPClasses) == 0 && d.ImplementationClassUID == ""
}

// Empty reports whether no HL7 was seen.
func (h *HL7Info) Empty() bool {
	return h == nil || len(h.Applications)+len(h.MessageTypes)+len(h.Facilities) == 0
}
