package inventory

import (
	"cmp"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/cordonsec/cordon"
)

// hostnameFacts are the facts that name a host, best first, with how to read
// each: a DHCP host name is what the device calls itself; NetBIOS names come
// next because Windows consoles announce them in upper case as people know
// them.
var hostnameFacts = []struct {
	fact string
	read func(string) string
}{
	{"dhcp.hostname", plainName},
	{"nbns.name", netbiosName},
	{"ntlm.netbios_computer", plainName},
	{"dhcp.fqdn", firstLabel},
	{"dhcpv6.fqdn", firstLabel},
	{"ntlm.dns_computer", firstLabel},
	{"mdns.hostname", plainName},
	{"lldp.system_name", plainName},
	{"cdp.device_id", plainName},
	{"snmp.sys_name", plainName},
}

func plainName(v string) string { return strings.TrimSuffix(v, ".") }

func firstLabel(v string) string {
	v = strings.TrimSuffix(v, ".")
	if i := strings.IndexByte(v, '.'); i > 0 {
		if _, err := netip.ParseAddr(v); err == nil {
			return ""
		}
		return v[:i]
	}
	return v
}

// netbiosName keeps the unique workstation (<00>) and server (<20>) names.
func netbiosName(v string) string {
	name, suffix, ok := strings.Cut(v, "<")
	if ok && suffix != "00>" && suffix != "20>" {
		return ""
	}
	return strings.TrimSpace(name)
}

// finish turns the gathered sets into the device's sorted fields and adds
// the derived facts.
func (dev *device) finish(opt Options) {
	d := dev.d
	var ips []netip.Addr
	for ip := range dev.ips {
		ips = append(ips, ip)
	}
	slices.SortFunc(ips, func(a, b netip.Addr) int {
		if a.Is4() != b.Is4() {
			if a.Is4() {
				return -1
			}
			return 1
		}
		return a.Compare(b)
	})
	d.IPs = make([]string, len(ips))
	for i, ip := range ips {
		d.IPs[i] = ip.String()
	}

	derive := func(fact, value string, like *cordon.Evidence) {
		k := factKey{fact, value}
		if dev.facts[k] != nil || value == "" {
			return
		}
		e := &cordon.Evidence{Fact: fact, Value: value, FirstSeen: d.FirstSeen, LastSeen: d.LastSeen, Count: 1}
		if like != nil {
			e.FirstSeen, e.LastSeen, e.Count = like.FirstSeen, like.LastSeen, like.Count
		}
		dev.facts[k] = e
	}
	if !d.MAC.IsZero() {
		// 00:00:00 is registered (to Xerox) but in traffic it is the mark
		// of a placeholder or anonymised address, not of a Xerox device.
		if opt.Vendor != nil && d.MAC.OUI() != [3]byte{} {
			d.Vendor = opt.Vendor(d.MAC)
			derive("mac.vendor", d.Vendor, nil)
		}
		if d.MAC.IsLocal() {
			derive("mac.local", "true", nil)
		}
		if dev.fronts > 0 {
			derive("ip.forwards", strconv.Itoa(dev.fronts), nil)
		}
		if opt.Virtual != nil {
			derive("mac.virtual", opt.Virtual(d.MAC), nil)
		}
	}
	seenName := map[string]bool{}
	facts := dev.sortedFacts()
	for _, h := range hostnameFacts {
		for _, e := range facts {
			if e.Fact != h.fact {
				continue
			}
			if name := h.read(e.Value); name != "" && !seenName[strings.ToUpper(name)] {
				seenName[strings.ToUpper(name)] = true
				d.Hostnames = append(d.Hostnames, name)
				derive("hostname", name, e)
			}
		}
	}
	for s := range dev.svcs {
		d.Services = append(d.Services, s)
	}
	slices.SortFunc(d.Services, func(a, b cordon.Service) int {
		return cmp.Or(cmp.Compare(a.Role, b.Role), cmp.Compare(a.Proto, b.Proto), cmp.Compare(a.Port, b.Port), cmp.Compare(a.App, b.App))
	})
	for _, s := range d.Services {
		derive("service", s.Proto+"/"+strconv.Itoa(int(s.Port))+"/"+s.App+"/"+s.Role, nil)
	}
	d.Evidence = make([]cordon.Evidence, 0, len(dev.facts))
	for _, e := range dev.sortedFacts() {
		d.Evidence = append(d.Evidence, *e)
	}
	Summarise(d)
	if d.Hostnames == nil {
		d.Hostnames = []string{}
	}
	if d.Services == nil {
		d.Services = []cordon.Service{}
	}
}

// sortedFacts returns the evidence ordered by fact name, then first seen.
func (dev *device) sortedFacts() []*cordon.Evidence {
	out := make([]*cordon.Evidence, 0, len(dev.facts))
	for _, e := range dev.facts {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b *cordon.Evidence) int {
		return cmp.Or(cmp.Compare(a.Fact, b.Fact), a.FirstSeen.Compare(b.FirstSeen), cmp.Compare(a.Value, b.Value))
	})
	return out
}

// Summarise fills the DICOM, HL7 and patient-data fields from the evidence.
// Ingest calls it again after merging a device's evidence across captures.
func Summarise(d *cordon.Device) {
	d.PatientData = false
	var dicom cordon.DICOMInfo
	var hl7 cordon.HL7Info
	var uidCount, verCount int
	for _, e := range d.Evidence {
		switch e.Fact {
		case "dicom.ae_title":
			dicom.AETitles = appendUnique(dicom.AETitles, e.Value)
		case "dicom.sop_class":
			dicom.SOPClasses = appendUnique(dicom.SOPClasses, e.Value)
		case "dicom.implementation_class_uid":
			if e.Count > uidCount {
				dicom.ImplementationClassUID, uidCount = e.Value, e.Count
			}
		case "dicom.implementation_version":
			if e.Count > verCount {
				dicom.ImplementationVersion, verCount = e.Value, e.Count
			}
		case "hl7.sending_application":
			hl7.Applications = appendUnique(hl7.Applications, e.Value)
		case "hl7.sending_facility":
			hl7.Facilities = appendUnique(hl7.Facilities, e.Value)
		case "hl7.message_type":
			hl7.MessageTypes = appendUnique(hl7.MessageTypes, e.Value)
		case "hl7.version":
			hl7.Versions = appendUnique(hl7.Versions, e.Value)
		case "patient_data":
			d.PatientData = true
		}
	}
	// Both objects are always present, empty where the device spoke
	// neither protocol, so that scripts can read them without checks.
	dicom.AETitles = nonNil(dicom.AETitles)
	dicom.SOPClasses = nonNil(dicom.SOPClasses)
	d.DICOM = &dicom
	hl7.Applications, hl7.Facilities = nonNil(hl7.Applications), nonNil(hl7.Facilities)
	hl7.MessageTypes, hl7.Versions = nonNil(hl7.MessageTypes), nonNil(hl7.Versions)
	d.HL7 = &hl7
}

func appendUnique(list []string, v string) []string {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	slices.Sort(s)
	return s
}
