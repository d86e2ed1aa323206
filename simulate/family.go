package simulate

// family is one kind of device in the catalog: who makes it, what it runs,
// where it lives and the evidence its traffic carries. The catalog is data;
// behaviours read these fields and nothing else.
type family struct {
	id       string // catalog id
	profile  string // id of the matching classify profile
	category string
	maker    string
	model    string
	modality string
	st       *stack
	ouis     []string // MA-L prefixes (hex) registered to the NIC maker
	host     string   // hostname pattern; %d takes the instance number
	zones    []string // zones the family is placed in
	weight   int      // relative frequency in the random mix
	remote   bool     // may sit at a satellite site: its evidence is unicast
	// makerByNIC: only the MAC prefix shows who made it (a PC), so a
	// routed instance's maker is not observable.
	makerByNIC bool
	role       string  // infrastructure role this family fills, if any
	os         *osInfo // overrides the stack's OS evidence (nil: use the stack's)

	vendorClass string // overrides the stack's DHCP option 60
	smb         bool   // logs on to file servers over SMB with NTLM
	winUpdate   bool   // fetches Windows updates over HTTP
	print       bool   // sends print jobs
	rdp         bool   // suppliers reach it over RDP from the jump host

	dicom *dicomSpec
	hl7   *hl7Spec
	sni   []string // HTTPS endpoints it calls (maker cloud)
	ua    string   // HTTP User-Agent of its own requests
	uaURL string   // host/path it fetches over plain HTTP
	web   *webSpec // its embedded web server
	mdns  []mdnsService
	ssdp  string // SSDP SERVER header
	lldp  *lldpSpec
	cdp   *cdpSpec
	snmp  *snmpSpec
	ssh   string // SSH identification string
	tel   string // telnet banner
	ftp   string // FTP 220 greeting
	// pde is Philips' IntelliVue data export over UDP 24105.
	pde bool
}

// dicomSpec is a family's DICOM behaviour.
type dicomSpec struct {
	ae       string // AE title prefix; the instance number is appended
	impl     dicomImpl
	sops     []string // storage SOP classes it sends
	worklist bool     // queries the modality worklist
	query    bool     // a review station: C-ECHO and study C-FIND
	scp      bool     // an archive: answers associations
	imageKB  int      // size of one image
	images   int      // images per study at Bulk 1
}

// hl7Spec is a family's HL7 behaviour.
type hl7Spec struct {
	app     string // MSH-3 sending application
	to      string // role of the receiver
	kind    string // "vitals", "lab", "adt", "ecg"
	version string
	every   int // minutes between messages
}

// webSpec is an embedded web server.
type webSpec struct {
	server, title string
	port          uint16
}

// snmpSpec is the system group of an SNMP agent.
type snmpSpec struct {
	descr, oid string
}

// DICOM SOP classes used by the catalog.
const (
	sopCT         = "1.2.840.10008.5.1.4.1.1.2"
	sopEnhancedCT = "1.2.840.10008.5.1.4.1.1.2.1"
	sopMR         = "1.2.840.10008.5.1.4.1.1.4"
	sopEnhancedMR = "1.2.840.10008.5.1.4.1.1.4.1"
	sopUS         = "1.2.840.10008.5.1.4.1.1.6.1"
	sopUSMulti    = "1.2.840.10008.5.1.4.1.1.3.1"
	sopCR         = "1.2.840.10008.5.1.4.1.1.1"
	sopDX         = "1.2.840.10008.5.1.4.1.1.1.1"
	sopMG         = "1.2.840.10008.5.1.4.1.1.1.2"
	sopBTO        = "1.2.840.10008.5.1.4.1.1.13.1.3"
	sopNM         = "1.2.840.10008.5.1.4.1.1.20"
	sopPT         = "1.2.840.10008.5.1.4.1.1.128"
	sopXA         = "1.2.840.10008.5.1.4.1.1.12.1"
	sopRF         = "1.2.840.10008.5.1.4.1.1.12.2"
	sopSC         = "1.2.840.10008.5.1.4.1.1.7"
	sopGSPS       = "1.2.840.10008.5.1.4.1.1.11.1"
	sopDoseSR     = "1.2.840.10008.5.1.4.1.1.88.67"
	sopRTImage    = "1.2.840.10008.5.1.4.1.1.481.1"
	sopRTPlan     = "1.2.840.10008.5.1.4.1.1.481.5"
)

// zone ids.
const (
	zED         = "ed"
	zICU        = "icu"
	zTheatres   = "theatres"
	zWards      = "wards"
	zRadiology  = "radiology"
	zPathology  = "pathology"
	zPharmacy   = "pharmacy"
	zOutpatient = "outpatients"
	zDC         = "datacentre"
	zCorporate  = "corporate"
	zBMS        = "bms"
	zGuest      = "guest"
	zTransit    = "transit"
)

// clinical lists the zones where bedside equipment lives.
var clinical = []string{zED, zICU, zTheatres, zWards}
