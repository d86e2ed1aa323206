package proto

// Frames returns the frame dissectors.
func Frames() []FrameDissector { return []FrameDissector{ARP, LLDP, CDP} }

// Datagrams returns the datagram dissectors. Where two claim a port the
// first wins.
func Datagrams() []DatagramDissector {
	return []DatagramDissector{DHCP, DHCPv6, DNS, MDNS, LLMNR, NBNS, SSDP, SNMP}
}

// Streams returns the stream dissectors in the order they are tried. The
// ones recognised by unmistakable magic come first; banner protocols, which
// lean on port hints, come last.
func Streams() []StreamDissector {
	return []StreamDissector{TLS, HTTP, SMBExploits, DICOM, HL7, RDPExploits, SSH, FTP, SMTP, POP3, IMAP, Telnet}
}
