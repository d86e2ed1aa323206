package mds2

// Observation is what the network shows of one device (or of every device
// of one model), filled by the caller from traffic. It holds addresses,
// protocol names and ports, never message content: a flow is known to
// carry patient data by its protocol (HL7, DICOM), not by reading it.
type Observation struct {
	// RemoteAccess lists inbound remote-access and remote-administration
	// sessions to the device (RDP, VNC, TeamViewer, SSH, telnet…).
	RemoteAccess []Session
	// PatientData lists flows of protocols that carry patient data (HL7
	// v2 over MLLP, DICOM, FHIR, ASTM…), encrypted or not.
	PatientData []DataFlow
	// InternetPeers lists the public-internet addresses (or names) the
	// device exchanged traffic with, in either direction.
	InternetPeers []string
	// InternalPeers lists addresses inside the hospital network the device
	// exchanged traffic with, infrastructure (DHCP, DNS, NTP) excluded.
	InternalPeers []string
	// Services lists what the device offers: ports it accepted connections
	// or requests on.
	Services []Service
	// OpenAccess lists sessions the device accepted without
	// authentication: VNC security type None, anonymous FTP, a telnet shell
	// without a login prompt, SMB guest sessions.
	OpenAccess []Session
	OS         string // the operating system seen ("Windows 7", "Linux"); "" when unknown
	SMBv1      bool   // the device spoke SMB version 1
	TLS        bool   // the device spoke TLS, as client or server
	Wireless   bool   // the device was seen on a wireless network
}

// Session is one remote peer's use of an application on the device.
type Session struct {
	App      string // "rdp", "vnc", "teamviewer", "ssh", "telnet", "ftp"…
	Peer     string // the remote address or name
	External bool   // the peer is outside the hospital network
}

// DataFlow is a flow carrying patient data between the device and a peer.
type DataFlow struct {
	Protocol  string // "hl7", "dicom", "fhir", "astm"…
	Peer      string
	Port      int
	Encrypted bool // inside TLS (or another encrypted transport)
	External  bool // the peer is outside the hospital network
}

// Service is a port the device offers.
type Service struct {
	Proto string // "tcp" or "udp"
	Port  int
	App   string // "telnet", "ftp", "tftp", "smb", "http"…; "" when not identified
}
