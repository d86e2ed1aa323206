package simulate

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// The catalog is checked against two outside sources: the IEEE registry
// (every OUI must be assigned, to the organisation the profiles expect) and
// the classify profile library (each family's evidence must satisfy the
// profile it names).

func allFamilies() []*family {
	fams := slices.Clone(infraFamilies)
	for _, g := range familyGroups {
		fams = append(fams, g...)
	}
	return fams
}

// ouiRegistry loads the MA-L registry: assignment → organisation.
func ouiRegistry(tb testing.TB) map[string]string {
	tb.Helper()
	for _, p := range []string{"/usr/share/ieee-data/oui.csv", filepath.Join("..", "..", "shared", "data", "oui", "ieee-data-20220827", "oui.csv")} {
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		defer f.Close()
		r := csv.NewReader(f)
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		if err != nil {
			tb.Fatalf("%s: %v", p, err)
		}
		m := map[string]string{}
		for _, rec := range recs {
			if len(rec) >= 3 {
				m[rec[1]] = rec[2]
			}
		}
		return m
	}
	tb.Skip("IEEE OUI registry not found (Debian ieee-data or shared/data/oui)")
	return nil
}

func TestCatalogOUIsRegistered(t *testing.T) {
	reg := ouiRegistry(t)
	ids := map[string]bool{}
	for _, f := range allFamilies() {
		if ids[f.id] {
			t.Errorf("family id %s used twice", f.id)
		}
		ids[f.id] = true
		for _, o := range f.ouis {
			if reg[o] == "" {
				t.Errorf("%s: OUI %s is not in the IEEE registry", f.id, o)
			}
		}
	}
}

type testProfile struct {
	ID           string `json:"id"`
	Category     string `json:"category"`
	Manufacturer string `json:"manufacturer"`
	Modality     string `json:"modality"`
	Rules        []struct {
		Fact     string  `json:"fact"`
		Op       string  `json:"op"`
		Value    string  `json:"value"`
		Weight   float64 `json:"weight"`
		Required bool    `json:"required"`
	} `json:"rules"`
}

func matchRule(op, want, v string) bool {
	lw, lv := strings.ToLower(want), strings.ToLower(v)
	switch op {
	case "equals":
		return lv == lw
	case "prefix":
		return strings.HasPrefix(lv, lw)
	case "suffix":
		return strings.HasSuffix(lv, lw)
	case "contains":
		return strings.Contains(lv, lw)
	case "regex":
		re, err := regexp.Compile("(?i)" + want)
		return err == nil && re.MatchString(v)
	}
	return false
}

// score is 1-Π(1-w) over matched rules, or -1 when a required rule fails.
func (p *testProfile) score(facts map[string][]string) float64 {
	miss := 1.0
	for _, r := range p.Rules {
		hit := false
		for _, v := range facts[r.Fact] {
			hit = hit || matchRule(r.Op, r.Value, v)
		}
		if hit {
			miss *= 1 - r.Weight
		} else if r.Required {
			return -1
		}
	}
	return 1 - miss
}

// expectedFacts lists the facts the sensor should derive for d from what
// the simulator emits (an approximation of the dissectors' output).
func expectedFacts(g *gen, d *device, tr *TruthDevice, reg map[string]string) map[string][]string {
	f := d.fam
	m := map[string][]string{}
	add := func(k, v string) {
		if v != "" {
			m[k] = append(m[k], v)
		}
	}
	if !d.routed {
		add("mac.vendor", reg[fmt.Sprintf("%02X%02X%02X", d.h.mac[0], d.h.mac[1], d.h.mac[2])])
		if st := f.st.dhcp; st != nil {
			vc := st.vendorClass
			if f.vendorClass != "" {
				vc = f.vendorClass
			}
			add("dhcp.vendor_class", vc)
			var ps []string
			for _, p := range st.params {
				ps = append(ps, fmt.Sprint(p))
			}
			add("dhcp.param_list", strings.Join(ps, ","))
		}
		for _, s := range f.mdns {
			add("mdns.service", s.typ)
			for _, kv := range s.txt {
				if k, v, ok := strings.Cut(kv, "="); ok {
					add("mdns.txt."+k, v)
				}
			}
		}
		if f.lldp != nil {
			add("lldp.system_description", f.lldp.sysDescr)
			if med := f.lldp.med; med != nil {
				add("lldp.med.manufacturer", med.mfr)
				add("lldp.med.model", med.model)
			}
		}
		if f.cdp != nil {
			add("cdp.platform", f.cdp.platform)
			add("cdp.software_version", f.cdp.software)
		}
	}
	for _, h := range tr.Hostnames {
		add("hostname", h)
	}
	if dc := f.dicom; dc != nil {
		add("dicom.implementation_class_uid", dc.impl.classUID)
		add("dicom.implementation_version", dc.impl.version)
		for _, s := range dc.sops {
			add("dicom.sop_class", s)
		}
		if dc.scp {
			add("dicom.sop_class", uidStudyFind)
			add("dicom.sop_class", uidMWLFind)
			add("service", "tcp/104/dicom/server")
		}
	}
	if f.hl7 != nil {
		add("hl7.sending_application", f.hl7.app)
	}
	for _, app := range tr.HL7Applications {
		add("hl7.sending_application", app)
		if f.hl7 == nil || app != f.hl7.app {
			add("service", "tcp/2575/hl7/server")
		}
	}
	if f.snmp != nil {
		add("snmp.sys_descr", f.snmp.descr)
		add("snmp.sys_object_id", f.snmp.oid)
	}
	if f.web != nil {
		add("http.server", f.web.server)
		add("http.title", f.web.title)
	}
	if f.ssh != "" {
		add("ssh.banner", f.ssh)
	}
	if tr.OS.Name != "" && f.st.ver.major != 0 {
		add("ntlm.os_version", fmt.Sprintf("%d.%d.%d", f.st.ver.major, f.st.ver.minor, f.st.ver.build))
		add("smb.native_os", f.st.nativeOS)
	}
	if f.pde || f.role == "mon:Philips" {
		add("service", "udp/24105//server")
	}
	if f.role == "dc" || f.role == "dc2" {
		add("service", "tcp/389/ldap/server")
		add("service", "udp/53/dns/server")
	}
	return m
}

// weakProfiles have a single rule weighing less than the classifier's 0.5
// threshold; their families are simulated all the same.
var weakProfiles = map[string]bool{"ge-carescape-gateway": true, "mindray-egateway": true}

// TestCatalogMatchesProfiles checks each family against the profile it
// names in classify/data/profiles.json, and logs the families whose
// evidence another profile matches better (the classifier must break those
// ties, usually in favour of the device profile over an OS profile).
func TestCatalogMatchesProfiles(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "classify", "data", "profiles.json"))
	if err != nil {
		t.Skip("classify/data/profiles.json not found")
	}
	var lib struct {
		Profiles []testProfile `json:"profiles"`
	}
	if err := json.Unmarshal(data, &lib); err != nil {
		t.Fatalf("profiles.json: %v", err)
	}
	byID := map[string]*testProfile{}
	for i := range lib.Profiles {
		byID[lib.Profiles[i].ID] = &lib.Profiles[i]
	}
	reg := ouiRegistry(t)
	// A real network, so that hostnames and HL7 names are what was sent.
	g := newGen(Config{Seed: 9, Devices: 900, Start: DefaultStart, Duration: 20 * time.Minute, Bulk: 0.05})
	g.build()
	var sink countWriter
	pw, _ := newPcapWriter(&sink)
	if err := g.run(pw); err != nil {
		t.Fatal(err)
	}
	tr := g.truth()
	done := map[*family]bool{}
	var conflicts []string
	for i, d := range g.devices {
		f := d.fam
		if done[f] {
			continue
		}
		done[f] = true
		p := byID[f.profile]
		if p == nil {
			t.Errorf("%s: profile %q does not exist", f.id, f.profile)
			continue
		}
		if p.Category != f.category || p.Manufacturer != f.maker || p.Modality != f.modality {
			t.Errorf("%s: family is %s/%s/%s, profile %s is %s/%s/%s", f.id, f.category, f.maker, f.modality, p.ID, p.Category, p.Manufacturer, p.Modality)
		}
		facts := expectedFacts(g, d, &tr.Devices[i], reg)
		if testing.Verbose() && f.role == "pacs" {
			t.Logf("%s facts: %v", f.id, facts)
		}
		s := p.score(facts)
		if s < 0.5 && weakProfiles[p.ID] {
			t.Logf("%s: evidence scores %.2f on profile %s, whose rules cannot reach 0.5 from traffic alone", f.id, s, p.ID)
			continue
		}
		if s < 0.5 {
			t.Errorf("%s: evidence scores %.2f on profile %s (facts %v)", f.id, s, p.ID, facts)
			continue
		}
		best, bestScore := p.ID, s
		for j := range lib.Profiles {
			q := &lib.Profiles[j]
			if qs := q.score(facts); qs > bestScore+1e-9 {
				best, bestScore = q.ID, qs
			}
		}
		if best != p.ID {
			conflicts = append(conflicts, fmt.Sprintf("%s: %s %.2f beaten by %s %.2f", f.id, p.ID, s, best, bestScore))
		}
	}
	sort.Strings(conflicts)
	for _, c := range conflicts {
		t.Log("profile conflict:", c)
	}
	for _, f := range allFamilies() {
		if !done[f] && f.role == "" {
			t.Errorf("%s never placed in a 900-device network", f.id)
		}
	}
}
