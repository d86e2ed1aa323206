package detect

import (
	"fmt"
	"time"

	"github.com/cordonsec/cordon"
)

// Ports the flow checks recognise, where no dissector named the application.
var (
	emailPorts  = map[uint16]string{25: "SMTP", 587: "SMTP submission", 465: "SMTPS", 143: "IMAP", 993: "IMAPS", 110: "POP3", 995: "POP3S"}
	emailApps   = map[string]string{"smtp": "SMTP", "imap": "IMAP", "pop3": "POP3"}
	sharePorts  = map[uint16]string{445: "SMB", 139: "SMB over NetBIOS", 2049: "NFS"}
	webPorts    = map[uint16]bool{80: true, 443: true, 8080: true, 8443: true}
	remotePorts = map[uint16]string{3389: "RDP", 5900: "VNC", 5901: "VNC", 5902: "VNC", 5938: "TeamViewer",
		7070: "AnyDesk", 6568: "AnyDesk", 22: "SSH"}
	cleartextPorts = map[uint16]string{23: "Telnet", 21: "FTP"}
)

// flow checks one finished flow.
func (d *Detector) flow(f cordon.FlowRecord) {
	c, s := f.Client, f.Server
	cInt, sInt := cordon.InternalAddr(c.IP), cordon.InternalAddr(s.IP)
	cPub, sPub := !cInt && cordon.PublicAddr(c.IP), !sInt && cordon.PublicAddr(s.IP)
	if !f.Answered {
		return // a probe into the void shows no behaviour to act on
	}
	if d.cfg.policy != nil {
		// Judged when the record's traffic began: a link open since before
		// the policy took hold breaks it with what it carries after.
		if rule, onServer, bad := d.cfg.policy.Forbids(c.IP, s.IP, f.Proto, s.Port, f.Start()); bad {
			d.violation(f, rule, onServer)
		}
	}
	client := endpoint{mac: c.MAC, ip: c.IP}
	server := endpoint{mac: s.MAC, ip: s.IP}
	tcp := f.Proto == "tcp"
	desc := func() string { return describe(f) }

	// Outbound from the hospital to the internet.
	if cInt && sPub {
		name := d.names[s.IP]
		subject := hostPort(s.IP, s.Port)
		peer := s.IP.String()
		if name != "" {
			subject = fmt.Sprintf("%s:%d", name, s.Port)
			peer = name + " (" + s.IP.String() + ")"
		}
		switch {
		case tcp && (emailApps[f.App] != "" || emailPorts[s.Port] != ""):
			what := emailApps[f.App]
			if what == "" {
				what = emailPorts[s.Port]
			}
			d.addSpan(cand{kind: KindExternalEmail, ep: client, subject: subject, severity: cordon.AlertMedium, scope: medicalOnly,
				title: "Sends or reads email on an internet server (" + what + " to " + peer + ")", peer: s.IP, peerName: name},
				f.First, f.Last, desc())
		case tcp && sharePorts[s.Port] != "":
			d.addSpan(cand{kind: KindFileShare, ep: client, subject: subject, severity: cordon.AlertHigh, scope: medicalOnly, kindFile: true,
				title: "Mounts a file share on the internet (" + sharePorts[s.Port] + " to " + peer + ")", peer: s.IP, peerName: name},
				f.First, f.Last, desc())
		case tcp && (f.App == "http" || f.App == "tls" || (f.App == "" && webPorts[s.Port])):
			d.addSpan(cand{kind: KindInternetWeb, ep: client, subject: subject, severity: cordon.AlertMedium, scope: medicalOnly, allowable: true,
				title: "Reaches the web outside its allowed endpoints (" + peer + ")", peer: s.IP, peerName: name},
				f.First, f.Last, desc())
		}
		d.outboundTunnel(f, client, name, peer, desc)
		// A connection counts once towards a beacon, on its first record.
		if f.Since.IsZero() && !(f.Proto == "udp" && (s.Port == 53 || s.Port == 123)) {
			d.beacon(client, s.IP, s.Port, f.Proto, f.First, name)
		}
	}

	// File shares inside the hospital: Finish keeps those to servers that
	// are not approved and not servers.
	if cInt && sInt && tcp && sharePorts[s.Port] != "" && !inAny(d.cfg.fileServers, s.IP) {
		d.addSpan(cand{kind: KindFileShare, ep: client, subject: hostPort(s.IP, s.Port), severity: cordon.AlertMedium, scope: medicalOnly, kindFile: true,
			title: "Uses a file share on a host not approved for it (" + sharePorts[s.Port] + " to " + s.IP.String() + ")", peer: s.IP},
			f.First, f.Last, desc())
	}

	// Remote access reaching a device.
	if sInt && tcp {
		what := remotePorts[s.Port]
		switch f.App {
		case "rdp":
			what = "RDP"
		case "ssh":
			what = "SSH"
		case "":
		default:
			if what != "" && f.App != "tls" {
				what = "" // another protocol on a remote-access port
			}
		}
		if what != "" {
			switch {
			case cPub:
				d.addSpan(cand{kind: KindInboundRemoteAccess, ep: server, subject: what + " from " + c.IP.String(), severity: cordon.AlertHigh,
					title: what + " reaches it from the internet (" + c.IP.String() + ")", peer: c.IP},
					f.First, f.Last, desc())
			case cInt && !inAny(d.cfg.jumpHosts, c.IP):
				d.addSpan(cand{kind: KindInboundRemoteAccess, ep: server, subject: what + " from " + c.IP.String(), severity: cordon.AlertMedium, scope: medicalPeer,
					title: what + " reaches it from " + c.IP.String() + ", not an approved jump host", peer: c.IP},
					f.First, f.Last, desc())
			}
			d.openSession(f, server, what, desc)
		}
	}

	// Management protocols that carry passwords in the clear.
	if sInt {
		what := cleartextPorts[s.Port]
		switch f.App {
		case "telnet":
			what = "Telnet"
		case "ftp":
			what = "FTP"
		case "":
		default:
			what = ""
		}
		if tcp && what != "" {
			d.addSpan(cand{kind: KindCleartextManagement, ep: server, subject: lower(what), severity: cordon.AlertMedium,
				title: "Offers " + what + " (passwords in the clear)"},
				f.First, f.Last, desc())
		}
	}

	// Patient data in clear HL7 or DICOM leaving its zone.
	if (f.App == "hl7" || f.App == "dicom") && (cInt || sInt) {
		span := d.patient[c.IP]
		if span == nil || span.last.Before(f.First) || span.first.After(f.Last) {
			span = d.patient[s.IP]
		}
		if span != nil && !span.last.Before(f.First) && !span.first.After(f.Last) &&
			(cPub || sPub || d.cfg.zone(c.IP) != d.cfg.zone(s.IP)) {
			sev, where := cordon.AlertLow, "another zone ("+d.cfg.zone(s.IP).String()+")"
			if cPub || sPub {
				sev, where = cordon.AlertCritical, "the internet"
			}
			d.addSpan(cand{kind: KindPatientDataCleartext, ep: client, subject: hostPort(s.IP, s.Port), severity: sev,
				title: "Sends patient data (" + span.kind + ") unencrypted to " + where, peer: s.IP},
				f.First, f.Last, desc()+"; patient data kind "+span.kind+" (content not recorded)")
		}
	}
}

// describe is a flow's evidence line. A live sensor's records of a long
// flow say what they count from and whether the flow was still open.
func describe(f cordon.FlowRecord) string {
	s := fmt.Sprintf("%s %s → %s %s, %d packets, %d bytes, %s–%s", f.Proto, hostPort(f.Client.IP, f.Client.Port),
		hostPort(f.Server.IP, f.Server.Port), appName(f.App), f.Packets, f.Bytes,
		f.First.UTC().Format(time.RFC3339), f.Last.UTC().Format(time.RFC3339))
	if !f.Since.IsZero() {
		s += " (counted since " + f.Since.UTC().Format(time.RFC3339) + ")"
	}
	if f.Open {
		s += ", still open"
	}
	return s
}

func appName(a string) string {
	if a == "" {
		return "(unrecognised)"
	}
	return a
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}
