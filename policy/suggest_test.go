package policy

import (
	"strings"
	"testing"
)

func findRule(p *Policy, src, dst string, port uint16) *Rule {
	for i := range p.Rules {
		r := &p.Rules[i]
		if r.Port == port && contains(r.Src, src) && contains(r.Dst, dst) {
			return r
		}
	}
	return nil
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func findReview(p *Policy, dstOrSrc string, port uint16) *Review {
	for i := range p.Review {
		v := &p.Review[i]
		if v.Port == port && (v.Dst == dstOrSrc || v.Src == dstOrSrc) {
			return v
		}
	}
	return nil
}

func TestSuggestNHSPatterns(t *testing.T) {
	devs, convs := fixture()
	p, err := Suggest(devs, convs, Options{Now: t0, Baselines: true})
	if err != nil {
		t.Fatal(err)
	}
	zones := map[string]string{}
	for _, z := range p.Zones {
		for _, d := range z.Devices {
			zones[d] = z.Kind
		}
	}
	for key, kind := range map[string]string{"mac:00:00:00:00:00:03": KindPACS, "mac:00:00:00:00:00:05": KindLIS,
		"mac:00:00:00:00:00:06": KindJump, "mac:00:00:00:00:00:08": KindProxy, "mac:00:00:00:00:00:01": KindModality} {
		if zones[key] != kind {
			t.Errorf("%s in a zone of kind %q, want %q", key, zones[key], kind)
		}
	}
	r := findRule(p, "10.1.80.11", "10.1.160.13", 104)
	if r == nil || !contains(r.Src, "10.1.80.12") || !strings.Contains(r.Justification, patternPACS) || r.State != StateSuggested {
		t.Fatalf("modalities to PACS rule = %+v", r)
	}
	if r.Evidence.Flows != 10 || r.App != "dicom" || !contains(r.SrcDevices, "mac:00:00:00:00:00:01") {
		t.Errorf("evidence %+v app %q devices %v", r.Evidence, r.App, r.SrcDevices)
	}
	if r := findRule(p, "10.1.100.10", "10.1.160.15", 2575); r == nil || !strings.Contains(r.Justification, patternLIS) {
		t.Errorf("analyser to LIS rule = %+v", r)
	}
	if r := findRule(p, "10.1.160.20", "10.1.80.11", 3389); r == nil || !strings.Contains(r.Justification, patternJump) {
		t.Errorf("jump host rule = %+v", r)
	}
	if r := findRule(p, "10.1.20.10", "10.1.160.40", 3128); r == nil || !strings.Contains(r.Justification, patternProxy) {
		t.Errorf("proxy rule = %+v", r)
	}
	if r := findRule(p, "10.1.100.10", "10.1.160.11", 53); r == nil {
		t.Errorf("no DNS rule for the analyser")
	}
	for _, tt := range []struct {
		addr      string
		port      uint16
		kind      string
		forbidden bool
	}{
		{"198.51.100.5", 80, ReviewWebBrowsing, true},
		{"198.51.100.6", 587, ReviewEmail, true},
		{"203.0.113.7", 3389, ReviewInboundRemote, true},
		{"198.51.100.7", 443, ReviewDirectInternet, false},
		{"10.1.140.10", 3389, ReviewSupplierAccess, false},
		{"10.1.160.99", 80, ReviewPattern, false},
	} {
		v := findReview(p, tt.addr, tt.port)
		if v == nil || v.Kind != tt.kind || v.Forbidden != tt.forbidden || v.Reason == "" {
			t.Errorf("review of %s:%d = %+v, want kind %s forbidden %v", tt.addr, tt.port, v, tt.kind, tt.forbidden)
		}
		if findRule(p, tt.addr, "", tt.port) != nil {
			t.Errorf("a rule allows %s:%d", tt.addr, tt.port)
		}
	}
	if v := findReview(p, "10.1.160.13", 445); v == nil || !strings.Contains(v.Reason, patternPACS) {
		t.Errorf("SMB to PACS review = %+v", v)
	}
	for _, r := range p.Rules {
		for _, a := range append(append([]string{}, r.Src...), r.Dst...) {
			if strings.HasPrefix(a, "198.51.100.") || strings.HasPrefix(a, "203.0.113.") {
				t.Errorf("rule %s reaches the internet: %+v", r.ID, r)
			}
		}
	}
	if p.Skipped != 9 {
		t.Errorf("skipped %d flows, want the 9 DNS lookups between unprotected ends", p.Skipped)
	}
	var ct *Baseline
	for i := range p.Baselines {
		if p.Baselines[i].Device == "mac:00:00:00:00:00:01" {
			ct = &p.Baselines[i]
		}
	}
	if ct == nil || ct.Hours[8] == 0 || ct.Hours[9] != 3 || len(ct.Patterns) < 5 {
		t.Errorf("CT baseline = %+v", ct)
	}
	if len(p.Models) != 2 || p.Models[0].Model != "MAGNETOM" {
		t.Errorf("models = %+v", p.Models)
	}
}

func TestSuggestZoneSpecs(t *testing.T) {
	devs, convs := fixture()
	devs[8].Zone = "Ward 7B"
	specs := []ZoneSpec{{Name: "Radiology VLAN 180", Subnets: []string{"10.1.80.0/24"}}}
	p, err := Suggest(devs, convs, Options{Now: t0, Zones: specs})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Zone{}
	for _, z := range p.Zones {
		byName[z.Name] = z
	}
	if z := byName["Radiology VLAN 180"]; z.Kind != KindModality || len(z.Devices) != 2 || !z.Protected || z.Basis != "subnet 10.1.80.0/24" {
		t.Errorf("radiology zone = %+v", z)
	}
	if z := byName["Ward 7B"]; z.Kind != KindMedical || z.Basis != "recorded in the register" {
		t.Errorf("recorded zone = %+v", z)
	}
	if r := findRule(p, "10.1.80.11", "10.1.160.13", 104); r == nil || r.SrcZone != "Radiology VLAN 180" {
		t.Errorf("rule from the declared zone = %+v", r)
	}
	_, err = Suggest(devs, convs, Options{Zones: []ZoneSpec{{Name: "x", Subnets: []string{"10.1.80/24"}}}})
	if err == nil || !strings.Contains(err.Error(), `Zone 1 ("x"): subnet "10.1.80/24"`) {
		t.Errorf("bad subnet: %v", err)
	}
}

func TestParseZones(t *testing.T) {
	specs, err := ParseZones(strings.NewReader(`[{"name":"Radiology","kind":"modality","subnets":["10.1.80.0/24"],"vlans":[180]}]`))
	if err != nil || len(specs) != 1 || specs[0].VLANs[0] != 180 {
		t.Fatalf("ParseZones = %+v, %v", specs, err)
	}
	for _, tt := range []struct{ in, want string }{
		{`[{"name":""}]`, "Zone 1: name is empty"},
		{`[{"name":"a","kind":"dmz"}]`, `kind "dmz" is not one of`},
		{`[{"name":"a","vlans":[5000]}]`, "VLAN 5000 is outside"},
		{`[{"name":"a","categories":["toaster"]}]`, `category "toaster"`},
		{`[{"name":"a"},{"name":"a"}]`, "declared twice"},
		{`[{"name":"a","colour":"red"}]`, `unknown field "colour"`},
		{`[{"name":1}]`, "field name must be string"},
		{`[{"name":"a"`, "Zones file"},
	} {
		if _, err := ParseZones(strings.NewReader(tt.in)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseZones(%s) = %v, want %q", tt.in, err, tt.want)
		}
	}
}

func FuzzParseZones(f *testing.F) {
	f.Add([]byte(`[{"name":"Radiology","kind":"modality","subnets":["10.1.80.0/24"],"vlans":[180],"categories":["imaging_modality"],"devices":["mac:00:00:00:00:00:01"]}]`))
	f.Add([]byte(`[{"name":"a","subnets":["::/0"]}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		specs, err := ParseZones(strings.NewReader(string(b)))
		if err != nil {
			return
		}
		devs, convs := fixture()
		if _, err := Suggest(devs, convs, Options{Zones: specs}); err != nil {
			t.Fatalf("valid specs %+v refused by Suggest: %v", specs, err)
		}
	})
}
