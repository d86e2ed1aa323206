package data_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/cordonsec/cordon/classify"
	"github.com/cordonsec/cordon/classify/data"
	"github.com/cordonsec/cordon/oui"
)

type dicomRoot struct {
	Root         string `json:"root"`
	Organization string `json:"organization"`
	Manufacturer string `json:"manufacturer"`
	Toolkit      string `json:"toolkit"`
	Source       string `json:"source"`
}

type sopClass struct {
	UID      string `json:"uid"`
	Name     string `json:"name"`
	Modality string `json:"modality"`
	Kind     string `json:"kind"`
	Weak     bool   `json:"weak,omitempty"`
}

// decodeStrict decodes name from data.FS into v, refusing unknown fields and
// trailing data.
func decodeStrict(t *testing.T, name string, v any) {
	t.Helper()
	b, err := data.FS.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if dec.More() {
		t.Fatalf("%s: trailing data after the JSON value", name)
	}
}

func loadRoots(t *testing.T) []dicomRoot {
	var f struct {
		Roots []dicomRoot `json:"roots"`
	}
	decodeStrict(t, "dicom_roots.json", &f)
	return f.Roots
}

func loadSOP(t *testing.T) []sopClass {
	var f struct {
		Source     string     `json:"source"`
		SOPClasses []sopClass `json:"sop_classes"`
	}
	decodeStrict(t, "dicom_sop.json", &f)
	if f.Source == "" {
		t.Error("dicom_sop.json: missing source")
	}
	return f.SOPClasses
}

func loadProfiles(t *testing.T) []classify.Profile {
	b, err := data.FS.ReadFile("profiles.json")
	if err != nil {
		t.Fatal(err)
	}
	ps, err := classify.ParseProfiles("profiles.json", b)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// uidRE is a DICOM UID (PS3.5 9.1): numeric components without leading
// zeros, separated by dots, at most 64 characters.
var uidRE = regexp.MustCompile(`^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$`)

func TestEveryFileIsKnown(t *testing.T) {
	known := map[string]bool{"profiles.json": true, "dicom_roots.json": true, "dicom_sop.json": true}
	names, err := fs.Glob(data.FS, "*.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if !known[n] {
			t.Errorf("%s is embedded but not checked by this test", n)
		}
		delete(known, n)
	}
	for n := range known {
		t.Errorf("%s is missing", n)
	}
}

func TestDICOMRoots(t *testing.T) {
	roots := loadRoots(t)
	if len(roots) < 25 {
		t.Errorf("%d roots, want at least 25", len(roots))
	}
	seen := map[string]bool{}
	for i, r := range roots {
		if !uidRE.MatchString(r.Root) || len(r.Root) > 64 {
			t.Errorf("root %d: %q is not a UID", i, r.Root)
		}
		if seen[r.Root] {
			t.Errorf("root %q listed twice", r.Root)
		}
		seen[r.Root] = true
		if r.Organization == "" || r.Source == "" {
			t.Errorf("root %q: organization and source are required", r.Root)
		}
		if (r.Manufacturer == "") == (r.Toolkit == "") {
			t.Errorf("root %q: exactly one of manufacturer and toolkit must be set", r.Root)
		}
		if r.Manufacturer != "" && !canonical[r.Manufacturer] {
			t.Errorf("root %q: manufacturer %q is not a canonical name", r.Root, r.Manufacturer)
		}
	}
}

func TestDICOMSOPClasses(t *testing.T) {
	sops := loadSOP(t)
	if len(sops) < 80 {
		t.Errorf("%d SOP classes, want at least 80", len(sops))
	}
	kinds := map[string]bool{"storage": true, "query": true, "worklist": true, "mpps": true,
		"verification": true, "commitment": true, "print": true}
	modalityRE := regexp.MustCompile(`^[A-Z]{2,8}$`)
	seen := map[string]bool{}
	for _, s := range sops {
		if !uidRE.MatchString(s.UID) || !strings.HasPrefix(s.UID, "1.2.840.10008.") {
			t.Errorf("%q is not a DICOM standard UID", s.UID)
		}
		if seen[s.UID] {
			t.Errorf("%s listed twice", s.UID)
		}
		seen[s.UID] = true
		if s.Name == "" {
			t.Errorf("%s: missing name", s.UID)
		}
		if !kinds[s.Kind] {
			t.Errorf("%s: unknown kind %q", s.UID, s.Kind)
		}
		if s.Modality != "" && !modalityRE.MatchString(s.Modality) {
			t.Errorf("%s: modality %q is not a DICOM modality code", s.UID, s.Modality)
		}
		if s.Modality != "" && s.Kind != "storage" {
			t.Errorf("%s: only storage classes imply a modality", s.UID)
		}
	}
	// Spot checks against PS3.6 Annex A, so an edit cannot shift a UID.
	want := map[string]string{
		"1.2.840.10008.1.1":              "",
		"1.2.840.10008.5.1.4.1.1.2":      "CT",
		"1.2.840.10008.5.1.4.1.1.4":      "MR",
		"1.2.840.10008.5.1.4.1.1.6.1":    "US",
		"1.2.840.10008.5.1.4.1.1.1.2":    "MG",
		"1.2.840.10008.5.1.4.1.1.13.1.3": "MG",
		"1.2.840.10008.5.1.4.1.1.128":    "PT",
		"1.2.840.10008.5.1.4.1.1.12.1":   "XA",
		"1.2.840.10008.5.1.4.31":         "",
		"1.2.840.10008.3.1.2.3.3":        "",
	}
	for uid, mod := range want {
		found := false
		for _, s := range sops {
			if s.UID == uid {
				found = true
				if s.Modality != mod {
					t.Errorf("%s: modality %q, want %q", uid, s.Modality, mod)
				}
			}
		}
		if !found {
			t.Errorf("%s is missing", uid)
		}
	}
}

var idRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func TestProfiles(t *testing.T) {
	ps := loadProfiles(t)
	if len(ps) < 100 {
		t.Errorf("%d profiles, want at least 100", len(ps))
	}
	medical := 0
	for _, p := range ps {
		if !idRE.MatchString(p.ID) {
			t.Errorf("%s: id is not kebab-case", p.ID)
		}
		if p.Source == "" {
			t.Errorf("%s: missing source", p.ID)
		}
		if p.Manufacturer != "" && !canonical[p.Manufacturer] {
			t.Errorf("%s: manufacturer %q is not a canonical name", p.ID, p.Manufacturer)
		}
		if p.Category == "imaging_modality" && p.Modality == "" {
			t.Errorf("%s: an imaging modality needs its modality code", p.ID)
		}
		if p.OS != nil && p.OS.Name == "" {
			t.Errorf("%s: os without a name", p.ID)
		}
		if strings.HasPrefix(p.Category, "infusion") || p.Category == "patient_monitor" ||
			p.Category == "imaging_modality" || p.Category == "lab_analyzer" ||
			strings.HasPrefix(p.Category, "medical") || p.Category == "other_medical" {
			medical++
		}
	}
	if medical < 100 {
		t.Errorf("%d medical profiles, want at least 100", medical)
	}
}

// TestProfileFacts checks every rule's fact name against docs/facts.md, so a
// misspelt fact (a rule that can never match) fails here.
func TestProfileFacts(t *testing.T) {
	f, err := os.Open("../../docs/facts.md")
	if err != nil {
		t.Skipf("docs/facts.md not found: %v", err)
	}
	defer f.Close()
	exact, prefixes := map[string]bool{}, []string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		name, _, _ := strings.Cut(strings.TrimPrefix(line, "| `"), "`")
		if before, _, ok := strings.Cut(name, "<"); ok {
			prefixes = append(prefixes, before)
			continue
		}
		exact[name] = true
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, p := range loadProfiles(t) {
		for _, r := range p.Rules {
			ok := exact[r.Fact]
			for _, pre := range prefixes {
				ok = ok || strings.HasPrefix(r.Fact, pre)
			}
			if !ok {
				t.Errorf("%s: fact %q is not in docs/facts.md", p.ID, r.Fact)
			}
		}
	}
}

// TestProfileRulesMatchData checks rules against the other knowledge: a
// mac.vendor rule must match an organisation the IEEE registry holds, an
// implementation class UID rule must lie under a known root, and a SOP class
// rule must match a known SOP class.
func TestProfileRulesMatchData(t *testing.T) {
	var orgs []string
	for o := range oui.Organizations() {
		orgs = append(orgs, o)
	}
	var rootUIDs []string
	for _, r := range loadRoots(t) {
		rootUIDs = append(rootUIDs, r.Root+".")
	}
	var sopUIDs []string
	for _, s := range loadSOP(t) {
		sopUIDs = append(sopUIDs, s.UID)
	}
	anyMatch := func(r *classify.Rule, values []string) bool {
		for _, v := range values {
			if r.Match(v) {
				return true
			}
		}
		return false
	}
	ps := loadProfiles(t)
	for i := range ps {
		p := &ps[i]
		for j := range p.Rules {
			r := &p.Rules[j]
			switch r.Fact {
			case "mac.vendor":
				if !anyMatch(r, orgs) {
					t.Errorf("%s: mac.vendor %s %q matches no IEEE organisation", p.ID, r.Op, r.Value)
				}
			case "dicom.implementation_class_uid":
				under := false
				for _, root := range rootUIDs {
					under = under || strings.HasPrefix(r.Value, root) || r.Value+"." == root
				}
				if r.Op != "prefix" || !under {
					t.Errorf("%s: implementation class UID rule %s %q is not a prefix under a root of dicom_roots.json", p.ID, r.Op, r.Value)
				}
			case "dicom.sop_class":
				if !anyMatch(r, sopUIDs) {
					t.Errorf("%s: dicom.sop_class %s %q matches no SOP class of dicom_sop.json", p.ID, r.Op, r.Value)
				}
			}
		}
	}
}

// canonical lists the manufacturer names profiles and roots may use: the
// shared naming convention, plus makers added in the same style.
var canonical = map[string]bool{}

func init() {
	for _, s := range []string{
		// Medical, from the shared convention.
		"Siemens Healthineers", "GE HealthCare", "Philips", "Canon Medical", "Fujifilm", "Agfa",
		"Carestream", "Hologic", "Konica Minolta", "Samsung Medison", "Esaote", "Shimadzu", "BD",
		"Baxter", "B. Braun", "ICU Medical", "Fresenius Kabi", "Fresenius Medical Care", "Mindray",
		"Nihon Kohden", "Dräger", "Masimo", "Medtronic", "Spacelabs Healthcare", "Sysmex", "Abbott",
		"Roche", "Radiometer", "Beckman Coulter", "Ortho Clinical Diagnostics", "bioMérieux",
		"Bio-Rad", "Werfen", "Hamilton Medical", "Getinge", "Stryker", "Natus", "Olympus",
		"Karl Storz", "Elekta", "Varian", "Sectra", "Intelerad", "Epic", "InterSystems", "Cerner",
		"Allscripts", "Nuance", "Vocera", "Ascom", "Omnicell", "Zoll", "Cardinal Health",
		// IT, from the shared convention.
		"Dell", "HP", "HPE", "Lenovo", "Apple", "Samsung", "Microsoft", "Cisco", "Aruba", "Juniper",
		"Fortinet", "Palo Alto Networks", "Ubiquiti", "Extreme Networks", "Ricoh", "Canon", "Xerox",
		"Brother", "Lexmark", "Kyocera", "Zebra", "Poly", "Avaya", "Mitel", "Yealink", "Axis",
		"Hikvision", "Honeywell", "Johnson Controls", "Siemens", "Schneider Electric", "APC",
		"VMware", "Raspberry Pi",
		// Added in the same style.
		"Edan", "Criticare", "Nonin", "HemoCue", "Cepheid", "Stago", "Tecan", "Schiller", "Laerdal",
		"Rhapsody", "NextGen Healthcare", "Infor", "Clinisys", "Magentus", "Orthanc", "dcm4che",
		"Paxton", "Trane", "Eaton", "Rauland", "Spectralink",
	} {
		canonical[s] = true
	}
}
