package policy

import (
	"fmt"
	"strings"

	"github.com/cordonsec/cordon"
)

// The NHS patterns, as the justification or review reason that names them.
const (
	patternPACS     = "NHS pattern: modalities reach PACS on DICOM only"
	patternLIS      = "NHS pattern: pathology analysers reach the LIS only"
	patternJump     = "NHS pattern: supplier access only through the jump-host zone"
	patternProxy    = "NHS pattern: device zones reach the internet only through a proxy, if at all"
	patternCore     = "core network service (DNS, DHCP, NTP) every device needs"
	patternLearned  = "learned: seen in the learning window"
	guidanceForbids = "the guidance forbids it (step 3: keep untrusted content away from medical devices)"
)

func isDICOM(app string, port uint16) bool {
	return app == "dicom" || (app == "" && (port == 104 || port == 11112))
}

func coreService(proto string, port uint16) bool {
	return (proto == "udp" && (port == 53 || port == 67 || port == 68 || port == 123)) || (proto == "tcp" && port == 53)
}

var emailApps = map[string]bool{"smtp": true, "imap": true, "pop3": true, "pop": true, "submission": true}
var emailPorts = map[uint16]bool{25: true, 465: true, 587: true, 110: true, 995: true, 143: true, 993: true}

func isEmail(app string, port uint16) bool {
	return emailApps[app] || (app == "" || app == "tls") && emailPorts[port]
}

var webPorts = map[uint16]bool{80: true, 8000: true, 8080: true, 8008: true}

func isPlainWeb(app string, port uint16) bool {
	return app == "http" || (app == "" && webPorts[port])
}

// verdict is what the guidance says of one conversation: a rule with a
// justification, or a review item with its reason.
type verdict struct {
	review    string // review kind; "" for a rule
	forbidden bool
	text      string // justification or reason
}

// deviceKind reports whether a zone kind holds medical devices proper
// (not the clinical servers they talk to).
func deviceKind(k string) bool {
	return k == KindModality || k == KindPathology || k == KindMedical
}

// judge applies the guidance and the NHS patterns to a conversation from
// zone sz to zone dz, at least one of them protected.
func judge(proto string, port uint16, app string, sz, dz *Zone) verdict {
	remote := cordon.RemoteMethod(app, port)
	svc := describe(proto, port, app)
	switch {
	case sz.Kind == KindInternet && remote != "":
		return verdict{ReviewInboundRemote, true, fmt.Sprintf("Inbound remote access (%s) from the internet to zone %s: %s; suppliers come in through the jump-host zone.", remote, dz.Name, guidanceForbids)}
	case sz.Kind == KindInternet:
		return verdict{ReviewInbound, false, fmt.Sprintf("Inbound %s from the internet to zone %s: nothing outside the trust should open connections to a device zone.", svc, dz.Name)}
	case isEmail(app, port) && (dz.Kind == KindInternet || deviceKind(sz.Kind)):
		return verdict{ReviewEmail, true, fmt.Sprintf("Email (%s) from zone %s: %s.", svc, sz.Name, guidanceForbids)}
	case dz.Kind == KindInternet && deviceKind(sz.Kind) && isPlainWeb(app, port):
		return verdict{ReviewWebBrowsing, true, fmt.Sprintf("Web browsing (%s) from medical devices in zone %s: %s.", svc, sz.Name, guidanceForbids)}
	case dz.Kind == KindInternet:
		return verdict{ReviewDirectInternet, false, fmt.Sprintf("Direct internet access (%s) from zone %s: %s; send it through the proxy zone, to the manufacturer's endpoint only, or drop it.", svc, sz.Name, patternProxy)}
	case remote != "" && dz.Protected && sz.Kind != KindJump:
		return verdict{ReviewSupplierAccess, false, fmt.Sprintf("Remote access (%s) into zone %s from zone %s: %s.", remote, dz.Name, sz.Name, patternJump)}
	case sz.Kind == KindModality && dz.Kind == KindPACS && !isDICOM(app, port):
		return verdict{ReviewPattern, false, fmt.Sprintf("%s from modalities to PACS: %s.", capitalise(svc), patternPACS)}
	case sz.Kind == KindPathology && dz.Kind != KindLIS && !coreService(proto, port):
		return verdict{ReviewPattern, false, fmt.Sprintf("%s from pathology analysers to zone %s: %s.", capitalise(svc), dz.Name, patternLIS)}
	case dz.Kind == KindPathology && sz.Kind != KindLIS && !(sz.Kind == KindJump && remote != ""):
		return verdict{ReviewPattern, false, fmt.Sprintf("%s from zone %s to pathology analysers: %s.", capitalise(svc), sz.Name, patternLIS)}
	}
	switch {
	case sz.Kind == KindModality && dz.Kind == KindPACS:
		return verdict{text: patternPACS}
	case sz.Kind == KindPathology && dz.Kind == KindLIS, sz.Kind == KindLIS && dz.Kind == KindPathology:
		return verdict{text: patternLIS}
	case sz.Kind == KindJump && remote != "":
		return verdict{text: patternJump}
	case dz.Kind == KindProxy:
		return verdict{text: patternProxy}
	case coreService(proto, port):
		return verdict{text: patternCore}
	}
	return verdict{text: patternLearned}
}

// describe names a service for people: "DICOM (tcp/104)".
func describe(proto string, port uint16, app string) string {
	if app == "" {
		return fmt.Sprintf("%s/%d", proto, port)
	}
	return fmt.Sprintf("%s (%s/%d)", strings.ToUpper(app), proto, port)
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
