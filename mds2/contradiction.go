package mds2

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Severity ranks a contradiction by what it exposes: High when the
// difference puts patient data or the device within an attacker's reach
// (remote access from outside, patient data in clear), Medium when the
// device does more than declared, Low when the form is merely inaccurate or
// the mapping is uncertain.
type Severity string

// Severities, from most to least urgent.
const (
	High   Severity = "high"
	Medium Severity = "medium"
	Low    Severity = "low"
)

func (s Severity) rank() int {
	switch s {
	case High:
		return 0
	case Medium:
		return 1
	}
	return 2
}

// Contradiction is a declaration of the form that the network shows to be
// untrue.
type Contradiction struct {
	QuestionID  string   // "RMOT-1"
	Declared    string   // "RMOT-1: No (permits remote service connections)"
	Observed    string   // "RDP from 203.0.113.9 (outside the network)"
	Severity    Severity //
	Explanation string   // full sentences: what differs, why it matters, what to do
}

// Contradictions compares what a form declares with what the network
// shows and returns each disagreement, most severe first. It is pure: the
// same declarations and observation give the same result. Questions the
// form leaves unanswered, answers N/A or See Note contradict nothing; only
// a plain Yes or No is held against the traffic.
//
// Declarations the network cannot test are not checked: malware
// protection, the SBOM, MFA and, for want of the list itself, the port
// list of CONN-2 and the fixed destinations of TXCF-3.
func Contradictions(decl Declarations, obs Observation) []Contradiction {
	var out []Contradiction
	add := func(c Claim, meaning string, sev Severity, observed, explanation string) {
		out = append(out, Contradiction{
			QuestionID:  c.QuestionID,
			Declared:    fmt.Sprintf("%s: %s (%s)", c.QuestionID, answerWord(c.Value), meaning),
			Observed:    observed,
			Severity:    sev,
			Explanation: explanation,
		})
	}

	// Remote service (RMOT-1).
	if c := decl.RemoteService; c.No() && len(obs.RemoteAccess) > 0 {
		sev, where := Medium, "from inside the hospital network"
		if anyExternal(obs.RemoteAccess) {
			sev, where = High, "including from outside the hospital network"
		}
		add(c, "permits remote service connections", sev, sessions(obs.RemoteAccess),
			fmt.Sprintf("The manufacturer declares that the device permits no remote service connections, yet remote-access sessions reach it %s: %s. Either the form is wrong or someone enabled remote access the manufacturer does not support; find out who connects and why, then record the connection against a supplier or block it.",
				where, sessions(obs.RemoteAccess)))
	}

	// Communication outside the customer environment (CONN-4).
	if c := decl.ExternalComms; c.No() {
		peers := append([]string(nil), obs.InternetPeers...)
		for _, s := range obs.RemoteAccess {
			if s.External {
				peers = append(peers, s.Peer)
			}
		}
		for _, f := range obs.PatientData {
			if f.External {
				peers = append(peers, f.Peer)
			}
		}
		if peers = unique(peers); len(peers) > 0 {
			add(c, "can communicate with systems external to the customer environment", High, "traffic with "+listSome(peers, 5),
				fmt.Sprintf("The manufacturer declares that the device cannot communicate with systems outside the hospital, yet it exchanges traffic with %s. A device the manufacturer never meant to reach the internet is unlikely to be hardened for it; block the traffic at the boundary or have the manufacturer explain it.", listSome(peers, 5)))
		}
	}

	// Communication inside the customer environment (CONN-3).
	if c := decl.InternalComms; c.No() {
		peers := append([]string(nil), obs.InternalPeers...)
		for _, s := range obs.RemoteAccess {
			if !s.External {
				peers = append(peers, s.Peer)
			}
		}
		for _, f := range obs.PatientData {
			if !f.External {
				peers = append(peers, f.Peer)
			}
		}
		if peers = unique(peers); len(peers) > 0 {
			add(c, "can communicate with other systems within the customer environment", Medium, "traffic with "+listSome(peers, 5),
				fmt.Sprintf("The manufacturer declares that the device does not communicate with other systems in the hospital, yet it exchanges traffic with %s. Check whether the form describes a stand-alone configuration that this installation does not follow.", listSome(peers, 5)))
		}
	}

	// Patient data at all (MPII-1, else MPII-3).
	if len(obs.PatientData) > 0 {
		c, meaning := decl.HandlesPII, "can display, transmit, store or modify personally identifiable information"
		if !c.No() {
			c, meaning = decl.TransmitsPII, "has mechanisms for transmitting, importing or exporting personally identifiable information"
		}
		if c.No() {
			add(c, meaning, High, flows(obs.PatientData),
				fmt.Sprintf("The manufacturer declares that the device handles no patient data, yet it sends or receives %s, protocols that carry patient records. The device's risk assessment, data-protection impact assessment and disposal (sanitisation) plan must treat it as holding patient data.", flows(obs.PatientData)))
		}
	}

	// Patient data over an external network (MPII-3.7).
	if c := decl.PIIExternal; c.No() {
		if ext := filterFlows(obs.PatientData, func(f DataFlow) bool { return f.External }); len(ext) > 0 {
			add(c, "transmits/receives personally identifiable information over an external network", High, flows(ext),
				fmt.Sprintf("The manufacturer declares that patient data never crosses an external network, yet the network shows %s. Confirm the destination is contracted and covered by a data-processing agreement, or block it.", flows(ext)))
		}
	}

	// Point-to-point only (TXCF-1).
	if c := decl.PIIPointToPoint; c.Yes() && len(obs.PatientData) > 0 {
		add(c, "personally identifiable information is transmitted only via a point-to-point dedicated cable", High, flows(obs.PatientData),
			fmt.Sprintf("The manufacturer declares that patient data travels only over a dedicated point-to-point cable, yet the network shows %s. The protections the manufacturer relied on (no one else on the wire) do not hold here.", flows(obs.PatientData)))
	}

	// Encryption in transit (TXCF-2, else the weaker TXCF-5).
	inClear := filterFlows(obs.PatientData, func(f DataFlow) bool { return !f.Encrypted })
	if len(inClear) > 0 {
		if c := decl.PIIEncrypted; c.Yes() {
			add(c, "personally identifiable information is encrypted prior to transmission", High, flows(inClear),
				fmt.Sprintf("The manufacturer declares that patient data is encrypted before transmission, yet the network shows %s, which anyone on the path can read or alter. Enable the encryption the form describes, or put the flow inside an encrypted tunnel or a segment only its endpoints share.", flows(inClear)))
		} else if c := decl.SecureProtocols; c.Yes() {
			add(c, "secure transmission methods are supported/implemented", Low, flows(inClear),
				fmt.Sprintf("The manufacturer declares that secure transmission (such as DICOM or HL7 over TLS) is supported, yet the network shows %s. The capability is there but not in use; configure it with the manufacturer.", flows(inClear)))
		}
		// TXIG-1 is uncertain: a device may sign data inside the message,
		// which a clear-text flow does not disprove; hence Low.
		if c := decl.TransmissionIntegrity; c.Yes() {
			add(c, "a mechanism ensures data is not modified during transmission", Low, flows(inClear),
				fmt.Sprintf("The manufacturer declares a mechanism that keeps data from being modified in transit, yet the network shows %s, without transport protection. Unless the messages themselves are signed, anyone on the path can alter them; ask the manufacturer which mechanism the form means.", flows(inClear)))
		}
	}

	// TLS support (CONN-7): inaccurate, not dangerous.
	if c := decl.TLS; c.No() && obs.TLS {
		add(c, "supports Transport Layer Security", Low, "TLS sessions",
			"The manufacturer declares that the device does not support TLS, yet it speaks TLS. The form is inaccurate or out of date; ask for a current one, since other answers may be stale too.")
	}

	// Wireless (CONN-1.1, else CONN-1.1.1; then MPII-3.6 for patient data).
	if obs.Wireless {
		c, meaning := decl.Wireless, "supports wireless connections"
		if !c.No() {
			c, meaning = decl.WiFi, "supports Wi-Fi"
		}
		if c.No() {
			add(c, meaning, Medium, "seen on a wireless network",
				"The manufacturer declares that the device has no wireless connection, yet it was seen on a wireless network: perhaps through an add-on adapter or bridge the manufacturer did not supply. Find the adapter; an unsupported radio is an unmanaged way in.")
		}
		if c := decl.PIIWireless; c.No() && len(obs.PatientData) > 0 {
			add(c, "transmits/receives personally identifiable information via a wireless network connection", Medium, "seen on a wireless network; "+flows(obs.PatientData),
				fmt.Sprintf("The manufacturer declares that patient data never travels over wireless, yet the device is on a wireless network and sends or receives %s.", flows(obs.PatientData)))
		}
	}

	// Authentication (AUTH-1).
	if c := decl.AccessControl; c.Yes() && len(obs.OpenAccess) > 0 {
		add(c, "prevents access by unauthorized users through login requirements or another mechanism", High, sessions(obs.OpenAccess),
			fmt.Sprintf("The manufacturer declares that the device lets no unauthorised user in, yet it accepted sessions without authentication: %s. Anyone who can reach the port can use it; require authentication or restrict who can reach it.", sessions(obs.OpenAccess)))
	}

	// Hardening (SAHD-9, SAHD-7, SAHD-1/SAHD-8).
	if c := decl.ServicesDisabled; c.Yes() {
		if s := servicesOf(obs.Services, "telnet", "ftp", "tftp"); len(s) > 0 {
			add(c, "services not required for intended use (telnet, FTP…) are deleted/disabled", Medium, "offers "+strings.Join(s, ", "),
				fmt.Sprintf("The manufacturer declares that unneeded services such as telnet and FTP are disabled, yet the device offers %s, which send passwords in clear text. Ask whether the service is required; if not, have it disabled.", strings.Join(s, ", ")))
		}
	}
	// SAHD-7 is uncertain: the shares may be the ones intended use needs.
	if c := decl.SharesDisabled; c.Yes() {
		if s := servicesOf(obs.Services, "smb"); len(s) > 0 {
			add(c, "shared resources not required for intended use are disabled", Low, "offers "+strings.Join(s, ", "),
				fmt.Sprintf("The manufacturer declares that file shares not needed for intended use are disabled, yet the device offers %s. Confirm the share is one the device needs.", strings.Join(s, ", ")))
		}
	}
	if obs.SMBv1 {
		c, meaning := decl.Hardened, "hardened in accordance with industry standards"
		if !c.Yes() {
			c, meaning = decl.PortsDisabled, "ports and protocols not required for intended use are disabled"
		}
		if c.Yes() {
			add(c, meaning, Medium, "SMB version 1",
				"The manufacturer declares the device hardened, yet it speaks SMB version 1, the protocol WannaCry and NotPetya spread by, which every hardening guide disables. Ask the manufacturer for a validated way to disable it, or keep the device in a segment that blocks SMB.")
		}
	}

	// Operating system (CSUP-2, and the OS the form names).
	if obs.OS != "" {
		if c := decl.HasOS; c.No() {
			add(c, "contains an operating system", Medium, "runs "+obs.OS,
				fmt.Sprintf("The manufacturer declares that the device contains no operating system, yet the network shows it running %s. Its vulnerabilities and end of support must be tracked like any other system's.", obs.OS))
		}
		if c := decl.OS; c.Raw != "" {
			df, dv := osIdentity(c.Raw)
			of, ov := osIdentity(obs.OS)
			switch {
			case df != "" && of != "" && df != of:
				add(c, "names "+c.Raw, Medium, "runs "+obs.OS,
					fmt.Sprintf("The form names %s as the device's operating system, yet the network shows %s. The form may describe another model or revision; the vulnerabilities that apply follow what runs, so confirm it with the manufacturer.", c.Raw, obs.OS))
			case df != "" && df == of && dv != "" && ov != "" && dv != ov:
				add(c, "names "+c.Raw, Low, "runs "+obs.OS,
					fmt.Sprintf("The form names %s, yet the network shows %s. The form is likely out of date (an operating-system upgrade or an older installed base); ask for the current one.", c.Raw, obs.OS))
			}
		}
	}

	sort.SliceStable(out, func(i, j int) bool {
		if a, b := out[i].Severity.rank(), out[j].Severity.rank(); a != b {
			return a < b
		}
		return out[i].QuestionID < out[j].QuestionID
	})
	return out
}

func answerWord(v Value) string {
	switch v {
	case Yes:
		return "Yes"
	case No:
		return "No"
	}
	return string(v)
}

func anyExternal(ss []Session) bool {
	for _, s := range ss {
		if s.External {
			return true
		}
	}
	return false
}

// sessions describes sessions for a person: "RDP from 203.0.113.9
// (outside the network), VNC from 10.1.2.3".
func sessions(ss []Session) string {
	var parts []string
	for _, s := range ss {
		p := fmt.Sprintf("%s from %s", appName(s.App), s.Peer)
		if s.External {
			p += " (outside the network)"
		}
		parts = append(parts, p)
	}
	return joinSome(unique(parts), 5)
}

// flows describes data flows: "HL7 in clear text with 10.0.0.5 port 2575".
func flows(fs []DataFlow) string {
	var parts []string
	for _, f := range fs {
		how := "in clear text"
		if f.Encrypted {
			how = "encrypted"
		}
		p := fmt.Sprintf("%s %s with %s", appName(f.Protocol), how, f.Peer)
		if f.Port > 0 {
			p += fmt.Sprintf(" port %d", f.Port)
		}
		if f.External {
			p += " (outside the network)"
		}
		parts = append(parts, p)
	}
	return joinSome(unique(parts), 5)
}

func filterFlows(fs []DataFlow, keep func(DataFlow) bool) []DataFlow {
	var out []DataFlow
	for _, f := range fs {
		if keep(f) {
			out = append(out, f)
		}
	}
	return out
}

// servicesOf describes the offered services among apps: "telnet on 23/tcp".
// SMB is also recognised by port, as dissectors may not name it.
func servicesOf(ss []Service, apps ...string) []string {
	var out []string
	for _, s := range ss {
		app := strings.ToLower(s.App)
		match := false
		for _, a := range apps {
			if app == a || (a == "smb" && app == "" && s.Proto == "tcp" && (s.Port == 445 || s.Port == 139)) ||
				(a == "telnet" && app == "" && s.Proto == "tcp" && s.Port == 23) {
				match = true
			}
		}
		if match {
			name := appName(s.App)
			if name == "" {
				name = "port"
			}
			out = append(out, fmt.Sprintf("%s on %d/%s", name, s.Port, s.Proto))
		}
	}
	return unique(out)
}

// appName spells protocol names as people write them.
func appName(s string) string {
	switch l := strings.ToLower(s); l {
	case "rdp", "vnc", "ssh", "ftp", "tftp", "smb", "hl7", "dicom", "fhir", "astm", "http", "https", "snmp":
		return strings.ToUpper(l)
	case "teamviewer":
		return "TeamViewer"
	}
	return s
}

func unique(ss []string) []string {
	seen := map[string]bool{}
	out := ss[:0:0]
	for _, s := range ss {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// joinSome joins up to n items in their order, saying how many more.
func joinSome(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:n], ", "), len(items)-n)
}

var linuxName = regexp.MustCompile(`linux|ubuntu|debian|red ?hat|rhel|centos|suse|sles|yocto`)

var osVersion = regexp.MustCompile(`\b(xp|vista|8\.1|2008 r2|2012 r2|2000|2003|2008|2012|2016|2019|2022|2025|7|8|10|11|[0-9]+(?:\.[0-9]+)?)\b`)

// osIdentity reduces an OS name to a family and, for Windows and the
// systems that number plainly, a major version: "Windows 10 IoT
// Enterprise" → ("windows", "10"). Linux distributions are one family with
// no version, since what a sensor sees (a TTL, a DHCP vendor class) does
// not tell them apart.
func osIdentity(s string) (family, version string) {
	l := strings.ToLower(strings.Join(strings.Fields(s), " "))
	switch {
	case strings.Contains(l, "windows"):
		family = "windows"
	case linuxName.MatchString(l):
		return "linux", ""
	case strings.Contains(l, "vxworks"):
		family = "vxworks"
	case strings.Contains(l, "qnx"):
		family = "qnx"
	case strings.Contains(l, "mac"):
		family = "macos"
	case strings.Contains(l, "android"):
		family = "android"
	case strings.HasPrefix(l, "ios"):
		family = "ios"
	default:
		return "", ""
	}
	if m := osVersion.FindStringSubmatch(l); m != nil {
		version = m[1]
		if family != "windows" {
			version, _, _ = strings.Cut(version, ".")
		}
	}
	return family, version
}
