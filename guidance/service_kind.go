package guidance

import "github.com/cordonsec/cordon"

// The ports and applications each check recognises. They follow detect's
// flow checks (detect/flow.go), which keeps its tables unexported; an
// application the sensor named wins over the port, so that DICOM on port
// 443 is not web browsing.
var (
	emailPorts  = map[uint16]string{25: "SMTP", 587: "SMTP submission", 465: "SMTPS", 143: "IMAP", 993: "IMAPS", 110: "POP3", 995: "POP3S"}
	emailApps   = map[string]string{"smtp": "SMTP", "imap": "IMAP", "pop3": "POP3"}
	sharePorts  = map[uint16]string{445: "SMB", 139: "SMB over NetBIOS", 2049: "NFS"}
	shareApps   = map[string]string{"smb": "SMB", "nfs": "NFS"}
	webPorts    = map[uint16]string{80: "HTTP", 443: "HTTPS", 8080: "HTTP", 8443: "HTTPS"}
	webApps     = map[string]string{"http": "HTTP", "tls": "HTTPS"}
	remotePorts = map[uint16]string{3389: "RDP", 5900: "VNC", 5901: "VNC", 5902: "VNC", 5938: "TeamViewer",
		7070: "AnyDesk", 6568: "AnyDesk", 22: "SSH"}
	remoteApps = map[string]string{"rdp": "RDP", "ssh": "SSH", "vnc": "VNC"}
	// relayTools call out to their vendor's relay, which then carries
	// inbound sessions: an outbound connection is a tunnel left open.
	relayTools = map[string]bool{"TeamViewer": true, "AnyDesk": true}
)

// service names what a conversation is for one of the checks' kinds:
// table by port, apps by sensor-named application. An application other
// than the kind's own (or TLS) on its port is something else.
func service(c *cordon.Conversation, apps map[string]string, ports map[uint16]string) string {
	if c.Proto != "tcp" {
		return ""
	}
	if s := apps[c.App]; s != "" {
		return s
	}
	if c.App != "" && c.App != "tls" {
		return ""
	}
	return ports[c.Port]
}

func emailService(c *cordon.Conversation) string  { return service(c, emailApps, emailPorts) }
func shareService(c *cordon.Conversation) string  { return service(c, shareApps, sharePorts) }
func remoteService(c *cordon.Conversation) string { return service(c, remoteApps, remotePorts) }

func webService(c *cordon.Conversation) string {
	if c.Proto != "tcp" {
		return ""
	}
	if s := webApps[c.App]; s != "" {
		return s
	}
	if c.App != "" {
		return ""
	}
	return webPorts[c.Port]
}
