package mds2

import (
	"regexp"
	"strings"
)

// Claim is one thing the form declares: the answer to the question that
// says it, or nothing when the form does not answer that question.
type Claim struct {
	QuestionID string // "RMOT-1"; "" when the form does not have the question
	Value      Value  // Yes, No, NA, SeeNote or Unknown
	Raw        string // the answer as written
	Note       string
	Where      string // the answer's cell, for evidence
}

// Yes reports whether the form answers the question Yes.
func (c Claim) Yes() bool { return c.Value == Yes }

// No reports whether the form answers the question No.
func (c Claim) No() bool { return c.Value == No }

// Declarations are the answers of a form that the network can confirm or
// contradict, each tied to its HN 1-2019 question. The question each field
// reads is named beside it with the question's wording, paraphrased from
// the 2019 form; mappings marked "uncertain" rely on a reading of the
// question that a manufacturer may not share, and Contradictions treats
// them with lower severity.
type Declarations struct {
	// Remote service. The brief this package was written from placed remote
	// service under RDMP; in HN 1-2019 RDMP is the third-party component
	// roadmap, and remote service is its own section, RMOT.
	RemoteService     Claim // RMOT-1: permits remote service connections for device analysis or repair
	RemoteOther       Claim // RMOT-3: any other remotely accessible functionality (software updates, remote training)
	RemotePredictive  Claim // RMOT-2: permits or uses remote service connections for predictive maintenance data
	OwnerInitiated    Claim // RMOT-1.1: owner/operator can initiate remote service sessions
	RemoteSessionData Claim // RMOT-1.3: patient data can be accessed or viewed during a remote session

	// Connectivity.
	Wireless           Claim // CONN-1.1: supports wireless connections
	WiFi               Claim // CONN-1.1.1: supports Wi-Fi
	Ethernet           Claim // CONN-1.2.1: has available RJ45 Ethernet ports
	PortsListed        Claim // CONN-2: manufacturer provides a list of network ports and protocols
	InternalComms      Claim // CONN-3: can communicate with other systems within the customer environment
	ExternalComms      Claim // CONN-4: can communicate with systems external to the customer environment (e.g. a service host)
	InternetRequired   Claim // CONN-6: requires an internet connection for its intended use
	TLS                Claim // CONN-7: supports Transport Layer Security
	RemoteOperatorCtrl Claim // CONN-8: operator control from a separate device (telemedicine)

	// Personally identifiable information (patient data).
	HandlesPII        Claim // MPII-1: can display, transmit, store or modify PII (ePHI)
	TransmitsPII      Claim // MPII-3: has mechanisms for transmitting, importing or exporting PII
	PIIWired          Claim // MPII-3.5: transmits/receives PII via a wired network connection
	PIIWireless       Claim // MPII-3.6: transmits/receives PII via a wireless network connection
	PIIExternal       Claim // MPII-3.7: transmits/receives PII over an external network (Internet)
	PIIPointToPoint   Claim // TXCF-1: PII transmitted only via a point-to-point dedicated cable
	PIIEncrypted      Claim // TXCF-2: PII encrypted prior to transmission via a network or removable media
	PIIFixedDests     Claim // TXCF-3: PII transmission restricted to a fixed list of network destinations
	AuthenticatedOnly Claim // TXCF-4: connections limited to authenticated systems
	SecureProtocols   Claim // TXCF-5: secure transmission methods supported/implemented (DICOM, HL7, IEEE 11073)

	// Integrity and node authentication.
	TransmissionIntegrity Claim // TXIG-1: mechanism (e.g. digital signatures) ensures data is not modified in transmission
	NodeAuthentication    Claim // NAUT-1: node authentication of sender and recipient
	Firewall              Claim // NAUT-2: network access control (internal firewall, connection allow list)
	CertificateAuth       Claim // NAUT-3: certificate-based network connection authentication

	// People.
	AccessControl Claim // AUTH-1: prevents access by unauthorized users through login or other mechanism
	UniqueIDs     Claim // PAUT-1: supports and enforces unique IDs and passwords for all users and roles
	MFA           Claim // PAUT-8: supports multi-factor authentication

	// Malware protection; not visible on the network, kept for the model page.
	AntiMalware        Claim // MLDP-2: supports anti-malware software or another anti-malware mechanism
	AntiMalwareDefault Claim // MLDP-2.1: includes anti-malware software by default
	Allowlisting       Claim // MLDP-4: application allow-listing

	// Software.
	SBOM        Claim // SBOM-1: an SBOM for the product is available
	HasOS       Claim // CSUP-2: the device contains an operating system
	RemoteFixes Claim // CSUP-2.3: can receive remote installation of patches or software updates
	SupportInfo Claim // RDMP-3: manufacturer publishes software support dates and updates
	// OS is the operating system the form names, found by pattern in the
	// text of CSUP-2, then of the DOC answers, then of any answer or note
	// (uncertain: the 2019 form has no question "which OS"; manufacturers
	// name it in CSUP-2's note, DOC-2 or an SBOM note). Raw holds the name
	// as matched, "Windows 10 IoT Enterprise"; QuestionID where it was found.
	OS Claim

	// Hardening.
	Hardened         Claim // SAHD-1: hardened in accordance with industry standards
	SharesDisabled   Claim // SAHD-7: shared resources (file shares) not required for intended use are disabled
	PortsDisabled    Claim // SAHD-8: communication ports and protocols not required are disabled
	ServicesDisabled Claim // SAHD-9: services not required (telnet, FTP, IIS…) are deleted/disabled
}

// Declared returns the declarations of the form.
func (f *Form) Declared() Declarations {
	get := func(id string) Claim {
		a, ok := f.Answer(id)
		if !ok {
			return Claim{}
		}
		return Claim{QuestionID: a.ID, Value: a.Value, Raw: a.Raw, Note: a.Note, Where: a.Where}
	}
	return Declarations{
		RemoteService:     get("RMOT-1"),
		RemoteOther:       get("RMOT-3"),
		RemotePredictive:  get("RMOT-2"),
		OwnerInitiated:    get("RMOT-1.1"),
		RemoteSessionData: get("RMOT-1.3"),

		Wireless:           get("CONN-1.1"),
		WiFi:               get("CONN-1.1.1"),
		Ethernet:           get("CONN-1.2.1"),
		PortsListed:        get("CONN-2"),
		InternalComms:      get("CONN-3"),
		ExternalComms:      get("CONN-4"),
		InternetRequired:   get("CONN-6"),
		TLS:                get("CONN-7"),
		RemoteOperatorCtrl: get("CONN-8"),

		HandlesPII:        get("MPII-1"),
		TransmitsPII:      get("MPII-3"),
		PIIWired:          get("MPII-3.5"),
		PIIWireless:       get("MPII-3.6"),
		PIIExternal:       get("MPII-3.7"),
		PIIPointToPoint:   get("TXCF-1"),
		PIIEncrypted:      get("TXCF-2"),
		PIIFixedDests:     get("TXCF-3"),
		AuthenticatedOnly: get("TXCF-4"),
		SecureProtocols:   get("TXCF-5"),

		TransmissionIntegrity: get("TXIG-1"),
		NodeAuthentication:    get("NAUT-1"),
		Firewall:              get("NAUT-2"),
		CertificateAuth:       get("NAUT-3"),

		AccessControl: get("AUTH-1"),
		UniqueIDs:     get("PAUT-1"),
		MFA:           get("PAUT-8"),

		AntiMalware:        get("MLDP-2"),
		AntiMalwareDefault: get("MLDP-2.1"),
		Allowlisting:       get("MLDP-4"),

		SBOM:        get("SBOM-1"),
		HasOS:       get("CSUP-2"),
		RemoteFixes: get("CSUP-2.3"),
		SupportInfo: get("RDMP-3"),
		OS:          f.declaredOS(),

		Hardened:         get("SAHD-1"),
		SharesDisabled:   get("SAHD-7"),
		PortsDisabled:    get("SAHD-8"),
		ServicesDisabled: get("SAHD-9"),
	}
}

// osPattern finds an operating system's name in prose. It knows the systems
// medical devices run; "Linux" alone counts, a distribution name refines it.
var osPattern = regexp.MustCompile(`(?i)\b(?:` +
	`(?:microsoft\s+)?windows(?:\s+(?:server|embedded|iot|enterprise|ltsc|ltsb|professional|pro|standard|compact|posready|` +
	`xp|vista|7|8\.1|8|10|11|2000|2003|2008|2012|2016|2019|2022|2025|r2|nt|ce|sp[0-9]|x64|64-bit|32-bit)\b)*` +
	`|(?:red\s*hat(?:\s+enterprise)?|rhel|centos|ubuntu|debian|suse|sles|yocto|wind\s*river)(?:\s+linux)?(?:\s+[0-9][0-9.]*)?(?:\s+lts)?` +
	`|linux(?:\s+(?:kernel\s+)?[0-9][0-9.]*)?` +
	`|vxworks(?:\s+[0-9][0-9.]*)?|qnx(?:\s+(?:neutrino\s+)?[0-9][0-9.]*)?|mac\s*os(?:\s*x)?(?:\s+[0-9][0-9.]*)?|macos(?:\s+[0-9][0-9.]*)?` +
	`|android(?:\s+[0-9][0-9.]*)?|ios\s+[0-9][0-9.]*|freertos|integrity\s+rtos|threadx|nucleus\s+rtos)\b`)

// declaredOS looks for an operating system's name where manufacturers
// write it: CSUP-2 (answer and note), the DOC answers, then any answer or
// note, in form order.
func (f *Form) declaredOS() Claim {
	try := func(a Answer) (Claim, bool) {
		for _, s := range []string{a.Raw, a.Note} {
			if m := osPattern.FindString(s); m != "" {
				return Claim{QuestionID: a.ID, Raw: strings.Join(strings.Fields(m), " "), Note: a.Note, Where: a.Where}, true
			}
		}
		return Claim{}, false
	}
	if a, ok := f.Answer("CSUP-2"); ok {
		if c, ok := try(a); ok {
			return c
		}
	}
	for _, pass := range []func(Answer) bool{
		func(a Answer) bool { return a.Section == "DOC" },
		func(a Answer) bool { return a.Section != "DOC" },
	} {
		for _, a := range f.Answers {
			if pass(a) {
				if c, ok := try(a); ok {
					return c
				}
			}
		}
	}
	return Claim{}
}
