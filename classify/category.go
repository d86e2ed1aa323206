package classify

import (
	"strconv"
	"strings"

	"github.com/cordonsec/cordon"
)

// category decides the device category: a matched profile when there is one,
// else the strongest behavioural rule, else unknown.
func category(best *match, im imaging, behaved cordon.Reason) cordon.Reason {
	if best != nil {
		r := cordon.Reason{Field: "category", Value: best.profile.Category, Confidence: round(best.score), Facts: best.facts, Rule: "profile " + best.profile.ID}
		// A profile that only knows the maker cannot tell a modality from
		// its PACS; DICOM behaviour can.
		if best.profile.Category == cordon.CategoryImagingModality && im.scp && im.storageSCP && im.modality == "" {
			r.Value = cordon.CategoryMedicalServer
			r.Rule += ", overridden: accepts image storage"
		}
		return r
	}
	if behaved.Confidence > 0 {
		return behaved
	}
	return cordon.Reason{Field: "category", Value: cordon.CategoryUnknown, Confidence: 0, Facts: []string{}, Rule: "no profile or behaviour matched"}
}

// behaviourCategory is the category the first matching behavioural rule
// gives, with zero confidence when none matches.
func behaviourCategory(d *cordon.Device, ev []cordon.Evidence, im imaging, osr cordon.Reason) cordon.Reason {
	for _, rule := range behaviour {
		if v, conf, facts := rule(d, ev, im, osr); v != "" {
			return cordon.Reason{Field: "category", Value: v, Confidence: conf, Facts: facts, Rule: "behaviour"}
		}
	}
	return cordon.Reason{}
}

// behaviourRule recognises a category from what a device does rather than
// who made it; rules are tried in order.
type behaviourRule func(d *cordon.Device, ev []cordon.Evidence, im imaging, osr cordon.Reason) (string, float64, []string)

var behaviour = []behaviourRule{
	func(d *cordon.Device, ev []cordon.Evidence, im imaging, osr cordon.Reason) (string, float64, []string) {
		if e, ok := hasFact(ev, "ip.forwards", nil); ok {
			return cordon.CategoryNetwork, 0.7, []string{factString(e)}
		}
		return "", 0, nil
	},
	func(d *cordon.Device, ev []cordon.Evidence, im imaging, osr cordon.Reason) (string, float64, []string) {
		if im.modality != "" && !im.scp {
			return cordon.CategoryImagingModality, 0.8, im.modalityFacts
		}
		return "", 0, nil
	},
	func(d *cordon.Device, ev []cordon.Evidence, im imaging, osr cordon.Reason) (string, float64, []string) {
		if im.scp {
			return cordon.CategoryMedicalServer, 0.75, serviceFacts(d, "dicom", "server")
		}
		if f := serviceFacts(d, "hl7", "server"); len(f) > 0 {
			return cordon.CategoryMedicalServer, 0.7, f
		}
		return "", 0, nil
	},
	func(d *cordon.Device, ev []cordon.Evidence, im imaging, osr cordon.Reason) (string, float64, []string) {
		if im.querySCU {
			return cordon.CategoryMedicalWorkstation, 0.6, serviceFacts(d, "dicom", "client")
		}
		return "", 0, nil
	},
	func(d *cordon.Device, ev []cordon.Evidence, im imaging, osr cordon.Reason) (string, float64, []string) {
		if e, ok := hasFact(ev, "hl7.sending_application", nil); ok {
			return cordon.CategoryOtherMedical, 0.4, []string{factString(e)}
		}
		return "", 0, nil
	},
	func(d *cordon.Device, ev []cordon.Evidence, im imaging, osr cordon.Reason) (string, float64, []string) {
		if e, ok := hasFact(ev, "mdns.service", func(v string) bool {
			return v == "_ipp._tcp" || v == "_printer._tcp" || v == "_pdl-datastream._tcp" || v == "_ipps._tcp"
		}); ok {
			return cordon.CategoryPrinter, 0.8, []string{factString(e)}
		}
		if f := servicePort(d, "tcp", 9100, "server"); len(f) > 0 {
			return cordon.CategoryPrinter, 0.6, f
		}
		return "", 0, nil
	},
	func(d *cordon.Device, ev []cordon.Evidence, im imaging, osr cordon.Reason) (string, float64, []string) {
		for _, fact := range []string{"lldp.capabilities", "cdp.capabilities"} {
			if e, ok := hasFact(ev, fact, nil); ok {
				v := strings.ToLower(e.Value)
				switch {
				case strings.Contains(v, "telephone") || strings.Contains(v, "phone"):
					return cordon.CategoryVoIPPhone, 0.8, []string{factString(e)}
				case strings.Contains(v, "router") || strings.Contains(v, "bridge") || strings.Contains(v, "switch") || strings.Contains(v, "wlan"):
					return cordon.CategoryNetwork, 0.8, []string{factString(e)}
				}
			}
		}
		return "", 0, nil
	},
	func(d *cordon.Device, ev []cordon.Evidence, im imaging, osr cordon.Reason) (string, float64, []string) {
		name, facts := d.OS.Name, osr.Facts
		switch {
		case name == "Android" || name == "iOS":
			return cordon.CategoryMobile, 0.7, facts
		case strings.HasPrefix(name, "Windows Server"):
			return cordon.CategoryServer, 0.7, facts
		case strings.HasPrefix(name, "Windows"):
			return cordon.CategoryWorkstation, 0.6, facts
		case name == "macOS":
			return cordon.CategoryWorkstation, 0.6, facts
		case name == "Cisco IOS" || name == "Cisco IOS XE" || name == "Junos" || name == "FortiOS" || name == "PAN-OS" || name == "ArubaOS":
			return cordon.CategoryNetwork, 0.7, facts
		}
		if f := serverRoles(d); len(f) > 0 {
			return cordon.CategoryServer, 0.5, f
		}
		return "", 0, nil
	},
}

// serviceFacts lists the device's services with app and role as facts.
func serviceFacts(d *cordon.Device, app, role string) []string {
	var out []string
	for _, e := range d.Evidence {
		if e.Fact == "service" && strings.HasSuffix(e.Value, "/"+app+"/"+role) {
			out = append(out, factString(e))
		}
	}
	return out
}

func servicePort(d *cordon.Device, proto string, port uint16, role string) []string {
	for _, s := range d.Services {
		if s.Proto == proto && s.Port == port && s.Role == role {
			return []string{"service=" + serviceString(s)}
		}
	}
	return nil
}

// serverRoles finds infrastructure services only servers offer.
func serverRoles(d *cordon.Device) []string {
	var out []string
	for _, s := range d.Services {
		if s.Role != "server" {
			continue
		}
		switch s.Port {
		case 53, 88, 389, 445, 636, 1433, 3306, 5432, 2049:
			out = append(out, "service="+serviceString(s))
		}
	}
	return out
}

func serviceString(s cordon.Service) string {
	return s.Proto + "/" + strconv.Itoa(int(s.Port)) + "/" + s.App + "/" + s.Role
}
