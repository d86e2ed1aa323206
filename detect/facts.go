package detect

import (
	"net/netip"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// fact checks one observation of a protocol detections care about.
func (d *Detector) fact(o cordon.Observation) {
	ep := endpoint{mac: o.MAC, ip: o.IP}
	at := o.Time
	switch o.Fact {
	case "tls.sni", "http.host":
		d.name(o.IP, o.Value)
	case "dns.answer":
		if name, addr, ok := strings.Cut(o.Value, "="); ok {
			if a, err := netip.ParseAddr(addr); err == nil && cordon.PublicAddr(a) {
				d.name(a, name)
			}
		}
	case "smb.version":
		if o.Value == "1" {
			d.add(cand{kind: KindSMBv1, ep: ep, subject: "smb1", severity: cordon.AlertMedium,
				title: "SMB version 1 in use (the protocol WannaCry and NotPetya spread through)"},
				at, "speaks SMB1 (smb.version=1)")
		}
	case "smb.dialect":
		if o.Value != "" && (o.Value[0] < '0' || o.Value[0] > '9') {
			d.add(cand{kind: KindSMBv1, ep: ep, subject: "smb1", severity: cordon.AlertMedium,
				title: "SMB version 1 in use (the protocol WannaCry and NotPetya spread through)"},
				at, "as a server chose the SMB1 dialect "+quote(o.Value))
		}
	case "http.auth_realm":
		d.add(cand{kind: KindCleartextManagement, ep: ep, subject: "http-auth", severity: cordon.AlertMedium,
			title: "Asks for a password over unencrypted HTTP"},
			at, "HTTP authentication (Basic/Digest) realm "+quote(o.Value)+" served without TLS")
	case "http.cleartext_password":
		d.cleartextPassword(ep, at, o.Value)
	case "http.title":
		if loginTitle(o.Value) {
			d.add(cand{kind: KindCleartextManagement, ep: ep, subject: "http-login", severity: cordon.AlertMedium,
				title: "Serves a login page over unencrypted HTTP"},
				at, "HTTP page titled "+quote(o.Value)+" served without TLS")
		}
	case "snmp.sys_descr", "snmp.sys_name", "snmp.sys_object_id":
		d.add(cand{kind: KindCleartextManagement, ep: ep, subject: "snmp", severity: cordon.AlertLow,
			title: "Managed with SNMP v1/v2c (community strings in the clear)"},
			at, "answers SNMP v1/v2c queries")
	case "snmp.community_default":
		d.add(cand{kind: KindDefaultCredentials, ep: ep, subject: "snmp-community", severity: cordon.AlertHigh,
			title: "Accepts a default SNMP community"},
			at, "answered or sent SNMP with a factory-default community (the community itself is not recorded)")
	case "credential.default":
		// Emitted by the FTP, Telnet and HTTP dissectors (Basic, login
		// forms, JSON logins) as "<service> default account <user>",
		// "<service> default account (password only)" or "<product>
		// default account": never the password (sensor/proto/credentials*.go).
		d.add(cand{kind: KindDefaultCredentials, ep: ep, subject: "login:" + o.Value, severity: cordon.AlertHigh,
			title: "A factory-default password is in use"},
			at, o.Value+" accepted or tried in the clear")
	case "patient_data":
		if !o.IP.IsValid() {
			return
		}
		s := d.patient[o.IP]
		if s == nil {
			if len(d.patient) >= maxPatient {
				return
			}
			s = &span{first: at, kind: o.Value}
			d.patient[o.IP] = s
		}
		s.last = at
	case "exploit.target":
		// "ms17-010 eternalblue trans2 session_setup from 198.51.100.9"
		d.add(cand{kind: KindExploitAttempt, ep: ep, subject: exploitID(o.Value), severity: cordon.AlertCritical,
			title: "Targeted by an exploit: " + exploitName(o.Value)},
			at, o.Value)
	case "exploit.source":
		d.add(cand{kind: KindExploitAttempt, ep: ep, subject: exploitID(o.Value) + ":source", severity: cordon.AlertCritical,
			title: "Sends exploit traffic (infected or attacking): " + exploitName(o.Value)},
			at, o.Value)
	}
}

// Titles and evidence of http.cleartext_password by value: the kind of
// login, never what was typed.
var cleartextPasswords = map[string]struct{ title, evidence string }{
	"basic": {"Takes passwords over unencrypted HTTP (Basic authentication)",
		"was sent an HTTP Basic Authorization header without TLS (the credentials are not recorded)"},
	"form": {"Takes passwords over unencrypted HTTP (a login form)",
		"was posted a login form or JSON login with a password field without TLS (the values are not recorded)"},
}

// cleartextPassword raises cleartext_management for a server that was
// sent a password over HTTP. The fact is emitted by the HTTP dissector
// whatever the password, default or not (sensor/proto/httprequests.go);
// other values, which no dissector emits, are ignored rather than shown.
// One alert covers both kinds of login; its title names both once both
// are seen.
func (d *Detector) cleartextPassword(ep endpoint, at time.Time, value string) {
	p, ok := cleartextPasswords[value]
	if !ok {
		return
	}
	c := d.add(cand{kind: KindCleartextManagement, ep: ep, subject: "http-password", severity: cordon.AlertMedium,
		title: p.title}, at, p.evidence)
	if c != nil && c.title != p.title {
		c.title = "Takes passwords over unencrypted HTTP (Basic authentication and a login form)"
	}
}

// name remembers the name a public server was reached by.
func (d *Detector) name(a netip.Addr, name string) {
	if !cordon.PublicAddr(a) || name == "" {
		return
	}
	if _, ok := d.names[a]; !ok && len(d.names) >= maxNames {
		return
	}
	d.names[a] = strings.ToLower(name)
}

// loginTitle reports whether an HTML title names a login page.
func loginTitle(t string) bool {
	t = strings.ToLower(t)
	for _, w := range []string{"login", "log in", "logon", "log on", "sign in", "signin", "authentication", "password"} {
		if strings.Contains(t, w) {
			return true
		}
	}
	return false
}

// exploitID is the identifier before the first space of an exploit fact
// value: "ms17-010", "cve-2019-0708".
func exploitID(v string) string {
	id, _, _ := strings.Cut(v, " ")
	return id
}

// exploitName is the value up to " from ": the pattern without the peer.
func exploitName(v string) string {
	n, _, _ := strings.Cut(v, " from ")
	n, _, _ = strings.Cut(n, " to ")
	return n
}

func quote(s string) string { return "\"" + s + "\"" }
