package match

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/feed/csaf"
)

// testAdvisories are written for these tests in the shape feed/csaf gives
// (vendors and versions as CISA writes them).
func testAdvisories() []*cordon.Advisory {
	return []*cordon.Advisory{
		{
			ID:   "ICSMA-TEST-01",
			CVEs: []string{"CVE-2023-0001", "CVE-2023-0002"},
			Products: []cordon.ProductStatus{
				{ProductID: "P1", CVE: "CVE-2023-0001", Vendor: "Phillips", Product: "IntelliVue MX800", Versions: "< M.00.03", Status: cordon.StatusKnownAffected},
				{ProductID: "P2", CVE: "CVE-2023-0001", Vendor: "Philips", Product: "Philips EPIQ", Versions: "<= 7.0.5", Status: cordon.StatusKnownAffected},
				{ProductID: "P3", CVE: "CVE-2023-0002", Vendor: "Philips", Product: "EPIQ", Versions: "vers:all/*", Status: cordon.StatusKnownAffected},
			},
		},
		{
			ID:   "ICSMA-TEST-02",
			CVEs: []string{"CVE-2023-0003"},
			Products: []cordon.ProductStatus{
				{ProductID: "G1", CVE: "CVE-2023-0003", Vendor: "General Electric (GE)", Product: "CARESCAPE B650", Versions: "<= 2.0", Status: cordon.StatusKnownAffected},
				{ProductID: "G2", CVE: "CVE-2023-0003", Vendor: "GE Healthcare", Product: "CARESCAPE B650", Versions: "1.9.1", Status: cordon.StatusFixed},
				{ProductID: "G3", CVE: "CVE-2023-0003", Vendor: "GE Healthcare", Product: "Aespire", Versions: "All versions prior to 7.1", Status: cordon.StatusKnownAffected},
			},
		},
		{
			ID:   "ICSMA-TEST-03",
			CVEs: []string{"CVE-2023-0004"},
			Products: []cordon.ProductStatus{
				{ProductID: "C1", CVE: "CVE-2023-0004", Vendor: "Acme", Product: "Viewer", Versions: "< 2.0", Status: cordon.StatusKnownAffected,
					CPE: "cpe:2.3:a:acme:viewer:*:*:*:*:*:*:*:*"},
			},
		},
	}
}

func TestAdvisoryIndex_Device(t *testing.T) {
	ix := NewAdvisories(testAdvisories())
	if ix.Len() != 3 {
		t.Fatalf("Len = %d", ix.Len())
	}
	type want struct{ cve, status string }
	for _, tc := range []struct {
		name string
		d    *cordon.Device
		rec  *cordon.Recorded
		want []want
	}{
		{"ObservedFamilyModelIsPossible",
			&cordon.Device{Manufacturer: "Philips", Model: "IntelliVue"}, nil,
			[]want{{"CVE-2023-0001", Possible}}},
		{"RecordedExactVersionInRange",
			nil, &cordon.Recorded{Manufacturer: "Philips Medical Systems", Model: "IntelliVue MX800", OS: "M.00.02"},
			[]want{{"CVE-2023-0001", Confirmed}}},
		{"RecordedExactVersionFixed",
			nil, &cordon.Recorded{Manufacturer: "Philips", Model: "IntelliVue MX800", OS: "M.00.03"},
			nil},
		{"RecordedExactVersionUnknown",
			nil, &cordon.Recorded{Manufacturer: "Philips", Model: "IntelliVue MX800", OS: "Windows XP"},
			[]want{{"CVE-2023-0001", Possible}}},
		{"DICOMVersionInRangeAndAllVersions",
			&cordon.Device{Manufacturer: "Philips", Model: "EPIQ", DICOM: &cordon.DICOMInfo{ImplementationVersion: "EPIQ_7.0.5"}}, nil,
			[]want{{"CVE-2023-0001", Confirmed}, {"CVE-2023-0002", Confirmed}}},
		{"DICOMVersionAboveRange",
			&cordon.Device{Manufacturer: "Philips", Model: "EPIQ", DICOM: &cordon.DICOMInfo{ImplementationVersion: "EPIQ_8.0.1"}}, nil,
			[]want{{"CVE-2023-0002", Confirmed}}},
		{"GEAliasInRange",
			nil, &cordon.Recorded{Manufacturer: "GE HealthCare", Model: "CARESCAPE B650", OS: "2.0"},
			[]want{{"CVE-2023-0003", Confirmed}}},
		{"FixedStatusRulesOut",
			nil, &cordon.Recorded{Manufacturer: "GE HealthCare", Model: "CARESCAPE B650", OS: "1.9.1"},
			nil},
		{"ProseRange",
			&cordon.Device{Manufacturer: "GE HealthCare", Model: "Aespire", Evidence: []cordon.Evidence{{Fact: "lldp.med.software_revision", Value: "v7.0"}}}, nil,
			[]want{{"CVE-2023-0003", Confirmed}}},
		{"CPEWithVersion",
			&cordon.Device{Software: []cordon.Software{{CPE: "cpe:2.3:a:acme:viewer:1.5:*:*:*:*:*:*:*", Source: "http.server"}}}, nil,
			[]want{{"CVE-2023-0004", Confirmed}}},
		{"CPEFixedVersion",
			&cordon.Device{Software: []cordon.Software{{CPE: "cpe:2.3:a:acme:viewer:2.0:*:*:*:*:*:*:*"}}}, nil,
			nil},
		{"OtherVendorSameProduct",
			nil, &cordon.Recorded{Manufacturer: "Mindray", Model: "IntelliVue MX800", OS: "M.00.02"},
			nil},
		{"NoModel",
			&cordon.Device{Manufacturer: "Philips"}, nil,
			nil},
		{"Nothing", nil, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ix.Device(tc.d, tc.rec)
			var gw []want
			for _, m := range got {
				gw = append(gw, want{m.CVE, m.Status})
				if len(m.Evidence) < 3 || !strings.HasPrefix(m.Criteria, "ICSMA-TEST-") {
					t.Errorf("%s: thin match %+v", m.CVE, m)
				}
				if m.Status == Possible && !strings.HasPrefix(m.Evidence[len(m.Evidence)-1], "possible: ") {
					t.Errorf("%s: possible without a reason: %q", m.CVE, m.Evidence)
				}
			}
			if !slices.Equal(gw, tc.want) {
				t.Errorf("got %v, want %v\n%+v", gw, tc.want, got)
			}
		})
	}
}

func TestAdvisoryIndex_Evidence(t *testing.T) {
	ix := NewAdvisories(testAdvisories())
	ms := ix.Device(nil, &cordon.Recorded{Manufacturer: "Philips", Model: "IntelliVue MX800", OS: "M.00.02"})
	if len(ms) != 1 {
		t.Fatalf("got %+v", ms)
	}
	m := ms[0]
	if m.Criteria != "ICSMA-TEST-01: Philips IntelliVue MX800 < M.00.03 (known_affected)" {
		t.Errorf("Criteria = %q", m.Criteria)
	}
	if m.Software != "Philips IntelliVue MX800 M.00.02" {
		t.Errorf("Software = %q", m.Software)
	}
	want := []string{
		"fact manufacturer=Philips (recorded)",
		"fact model=IntelliVue MX800 (recorded)",
		"fact recorded os=M.00.02",
		`product Philips IntelliVue MX800 (the advisory writes "Phillips IntelliVue MX800")`,
		"advisory ICSMA-TEST-01 Philips IntelliVue MX800 < M.00.03 (known_affected) for CVE-2023-0001",
	}
	if !slices.Equal(m.Evidence, want) {
		t.Errorf("Evidence:\n%q\nwant\n%q", m.Evidence, want)
	}
	// Matches carries the advisory for remediations and scores.
	ams := ix.Matches(nil, &cordon.Recorded{Manufacturer: "Philips", Model: "IntelliVue MX800", OS: "M.00.02"})
	if len(ams) != 1 || ams[0].Advisory.ID != "ICSMA-TEST-01" || ams[0].Product.ProductID != "P1" {
		t.Errorf("Matches = %+v", ams)
	}
}

func TestVersionToken(t *testing.T) {
	for in, want := range map[string]string{
		"EPIQ_7.0.5": "7.0.5", "MR_VE11C": "VE11C", "Firmware v2.3.6": "2.3.6",
		"SECTRA_IDS7_24": "24", "M.00.02": "M.00.02", "none": "", "": "",
	} {
		if got := versionToken(in); got != want {
			t.Errorf("versionToken(%q) = %q, want %q", in, got, want)
		}
	}
}

// sharedAdvisories parses every shared ICSMA advisory (../shared/data), or
// skips when they are absent.
func sharedAdvisories(tb testing.TB) map[string]*cordon.Advisory {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	// match/ is one level below the repository root.
	files, _ := filepath.Glob(filepath.Join(dir, "..", "..", "shared", "data", "csaf", "icsma", "icsma-*.json"))
	if len(files) == 0 {
		tb.Skip("shared ICSMA advisories not present")
	}
	out := map[string]*cordon.Advisory{}
	for _, f := range files {
		d, err := csaf.ParseFile(f)
		if err != nil {
			tb.Errorf("%v", err)
			continue
		}
		out[d.Advisory.ID] = &d.Advisory
	}
	return out
}

// TestAdvisoryIndex_Corpus loads every shared ICSMA advisory and checks
// real ones: a device recorded as an affected product at an affected
// version matches, the fixed version does not.
func TestAdvisoryIndex_Corpus(t *testing.T) {
	advs := sharedAdvisories(t)
	all := make([]*cordon.Advisory, 0, len(advs))
	for _, a := range advs {
		all = append(all, a)
	}
	ix := NewAdvisories(all)
	if ix.Len() != len(advs) {
		t.Fatalf("indexed %d of %d", ix.Len(), len(advs))
	}
	for _, tc := range []struct {
		name, advisory, cve string
		rec                 cordon.Recorded
		want                string // Confirmed, Possible or "" for no match of that advisory
	}{
		// ICSMA-23-180-01: Medtronic Paceart Optima <= 1.11, fixed in 1.12.
		{"PaceartAffected", "ICSMA-23-180-01", "CVE-2023-31222", cordon.Recorded{Manufacturer: "Medtronic", Model: "Paceart Optima", OS: "1.11"}, Confirmed},
		{"PaceartFixed", "ICSMA-23-180-01", "CVE-2023-31222", cordon.Recorded{Manufacturer: "Medtronic", Model: "Paceart Optima", OS: "1.12"}, ""},
		{"PaceartUnknownVersion", "ICSMA-23-180-01", "CVE-2023-31222", cordon.Recorded{Manufacturer: "Medtronic", Model: "Paceart Optima"}, Possible},
		// ICSMA-19-248-01: BD Pyxis ES >= 1.3.4 | < 1.5.3.
		{"PyxisAffected", "ICSMA-19-248-01", "CVE-2019-13517", cordon.Recorded{Manufacturer: "Becton Dickinson", Model: "Pyxis ES", OS: "1.4.7"}, Confirmed},
		{"PyxisFixed", "ICSMA-19-248-01", "CVE-2019-13517", cordon.Recorded{Manufacturer: "BD", Model: "Pyxis ES", OS: "1.5.3"}, ""},
		// ICSMA-21-187-01: Philips Vue PACS <= 12.2.1.5, vendor misspelt.
		{"VuePACSMisspelt", "ICSMA-21-187-01", "", cordon.Recorded{Manufacturer: "Phillips", Model: "Vue PACS", OS: "11.0"}, Confirmed},
		{"VuePACSFixed", "ICSMA-21-187-01", "", cordon.Recorded{Manufacturer: "Philips", Model: "Vue PACS", OS: "12.3"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := advs[tc.advisory]
			if a == nil {
				t.Skipf("%s not in the shared data", tc.advisory)
			}
			cve := tc.cve
			if cve == "" {
				cve = a.CVEs[0]
			}
			if !slices.Contains(a.CVEs, cve) {
				t.Fatalf("%s does not list %s: %v", tc.advisory, cve, a.CVEs)
			}
			got := ""
			for _, m := range ix.Matches(nil, &tc.rec) {
				if m.Advisory.ID == tc.advisory && m.CVE == cve {
					got = m.Status
					if m.Evidence[len(m.Evidence)-1] == "" {
						t.Error("empty evidence")
					}
				}
			}
			if got != tc.want {
				t.Errorf("%s %s for %+v: got %q, want %q", tc.advisory, cve, tc.rec, got, tc.want)
			}
		})
	}
}

// BenchmarkAdvisories matches 50,000 varied devices against the shared
// ICSMA corpus (or the test advisories when it is absent).
func BenchmarkAdvisories(b *testing.B) {
	var advs []*cordon.Advisory
	dir, _ := os.Getwd()
	files, _ := filepath.Glob(filepath.Join(dir, "..", "..", "shared", "data", "csaf", "icsma", "icsma-*.json"))
	for _, f := range files {
		if d, err := csaf.ParseFile(f); err == nil {
			advs = append(advs, &d.Advisory)
		}
	}
	if len(advs) == 0 {
		advs = testAdvisories()
	}
	ix := NewAdvisories(advs)
	models := []cordon.Recorded{
		{Manufacturer: "Philips", Model: "IntelliVue"}, {Manufacturer: "BD", Model: "Alaris System"},
		{Manufacturer: "Baxter", Model: "Spectrum IQ"}, {Manufacturer: "GE HealthCare", Model: "CARESCAPE"},
		{Manufacturer: "Medtronic", Model: "Paceart Optima", OS: "1.11"}, {Manufacturer: "Dell"}, {Manufacturer: "HP"},
		{Manufacturer: "Philips", Model: "Vue PACS", OS: "12.1"},
	}
	matches := 0
	for i := 0; b.Loop(); i++ {
		rec := models[i%len(models)]
		matches += len(ix.Device(&cordon.Device{Manufacturer: rec.Manufacturer, Model: rec.Model}, &rec))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "devices/s")
	b.ReportMetric(float64(matches)/float64(b.N), "matches/device")
}

// FuzzAdvisoryDevice matches devices whose recorded fields are arbitrary
// text (people type them) against the test advisories: no panic, and
// every match names its advisory clause and evidence.
func FuzzAdvisoryDevice(f *testing.F) {
	for _, s := range [][3]string{{"Phillips", "IntelliVue MX800", "M.00.02"}, {"GE", "CARESCAPE B650", "2.0"}, {"", "", ""}, {"Philips", "EPIQ", "EPIQ_7.0.5"}, {"Acme", "Viewer", "v1.5 beta"}} {
		f.Add(s[0], s[1], s[2])
	}
	ix := NewAdvisories(testAdvisories())
	f.Fuzz(func(t *testing.T, manufacturer, model, version string) {
		rec := &cordon.Recorded{Manufacturer: manufacturer, Model: model, OS: version}
		d := &cordon.Device{Manufacturer: manufacturer, Model: model, DICOM: &cordon.DICOMInfo{ImplementationVersion: version}}
		for _, m := range ix.Device(d, rec) {
			if m.Criteria == "" || len(m.Evidence) < 3 || (m.Status != Confirmed && m.Status != Possible) {
				t.Fatalf("bad match %+v", m)
			}
		}
	})
}
