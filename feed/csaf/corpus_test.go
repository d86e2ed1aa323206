package csaf

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// sharedData returns the shared data directory, the repository root's
// parent + /shared/data, or skips the test when it is absent.
func sharedData(tb testing.TB, sub string) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Skip("repository root (go.mod) not found")
		}
		dir = parent
	}
	p := filepath.Join(filepath.Dir(dir), "shared", "data", sub)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("shared data %s not present: %v", p, err)
	}
	return p
}

// icsmaFiles lists the shared ICSMA advisories.
func icsmaFiles(tb testing.TB) []string {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(sharedData(tb, "csaf/icsma"), "icsma-*.json"))
	if err != nil {
		tb.Fatal(err)
	}
	if len(files) == 0 {
		tb.Skip("no ICSMA advisories in the shared data")
	}
	return files
}

// TestCorpus loads every shared ICSMA advisory.
func TestCorpus(t *testing.T) {
	files := icsmaFiles(t)
	var products, rows, rems int
	for _, f := range files {
		d, err := ParseFile(f)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		a := d.Advisory
		if !strings.EqualFold(a.ID+".json", filepath.Base(f)) && !strings.HasPrefix(strings.ToLower(filepath.Base(f)), strings.ToLower(a.ID)) {
			t.Errorf("%s: tracking id %q does not match the file name", f, a.ID)
		}
		if a.Released.IsZero() || a.Updated.Before(a.Released) {
			t.Errorf("%s: released %v, updated %v", f, a.Released, a.Updated)
		}
		if len(a.CVEs) == 0 || len(a.Products) == 0 {
			t.Errorf("%s: %d CVEs, %d product statuses", f, len(a.CVEs), len(a.Products))
		}
		products += len(d.Products)
		rows += len(a.Products)
		rems += len(a.Remediations)
	}
	t.Logf("%d advisories: %d products, %d product statuses, %d remediations", len(files), products, rows, rems)
}

// TestCorpusVersions counts the version expressions of the corpus that
// ParseVersions cannot read, and lists them in the log.
func TestCorpusVersions(t *testing.T) {
	files := icsmaFiles(t)
	exprs := map[string]int{}
	for _, f := range files {
		d, err := ParseFile(f)
		if err != nil {
			continue // TestCorpus reports it
		}
		for _, p := range d.Products {
			exprs[p.Versions]++
		}
	}
	var bad []string
	total, failed := 0, 0
	for e, n := range exprs {
		total += n
		if _, ok := ParseVersions(e); !ok {
			bad = append(bad, e)
			failed += n
		}
	}
	sort.Strings(bad)
	for _, e := range bad {
		t.Logf("unparsed (%d×): %q", exprs[e], e)
	}
	t.Logf("version expressions: %d distinct, %d unparsed; products: %d, %d unparsed", len(exprs), len(bad), total, failed)
	// What is left is model names, dates and prose that is no version
	// ("882160 Gemini Dual", "distributed < april 1, 2018"); guard against
	// regressions in what is read.
	if failed > 85 {
		t.Errorf("%d of %d products have unreadable versions, want at most 85", failed, total)
	}
}

// parseShared parses one shared ICSMA advisory.
func parseShared(tb testing.TB, name string) *Document {
	tb.Helper()
	d, err := ParseFile(filepath.Join(sharedData(tb, "csaf/icsma"), name))
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// TestCorpusAdvisories checks three shared advisories against their JSON.
func TestCorpusAdvisories(t *testing.T) {
	for _, tc := range []struct {
		file, id                       string
		products, cves, rows, rems     int
		product, versions, remediation string
	}{
		// Philips Vue PACS: 4 products × 16 CVEs, 13 remediations each.
		{"icsma-21-187-01.json", "ICSMA-21-187-01", 4, 16, 64, 208, "Vue Motion", "<= 12.2.1.5", "Philips released Version 12.2.1.5"},
		// BD Pyxis: CISA's ">= a | < b" interval.
		{"icsma-19-248-01.json", "ICSMA-19-248-01", 2, 1, 2, 1, "Pyxis ES", ">= 1.3.4 | < 1.5.3", "BD notes that connecting medication dispensing cabinets"},
		// Medtronic Paceart Optima, the full file of testdata's excerpt.
		{"icsma-23-180-01.json", "ICSMA-23-180-01", 1, 1, 1, 6, "Paceart Optima", "<= 1.11", "Medtronic recommends updating the Paceart Optima system to v1.12"},
	} {
		t.Run(tc.id, func(t *testing.T) {
			d := parseShared(t, tc.file)
			a := d.Advisory
			if a.ID != tc.id || len(d.Products) != tc.products || len(a.CVEs) != tc.cves || len(a.Products) != tc.rows || len(a.Remediations) != tc.rems {
				t.Errorf("%s: %d products, %d CVEs, %d statuses, %d remediations; want %d, %d, %d, %d",
					a.ID, len(d.Products), len(a.CVEs), len(a.Products), len(a.Remediations), tc.products, tc.cves, tc.rows, tc.rems)
			}
			found := false
			for _, p := range a.Products {
				if p.Product == tc.product && p.Versions == tc.versions && p.Status == "known_affected" {
					found = true
				}
			}
			if !found {
				t.Errorf("no known_affected %q at %q", tc.product, tc.versions)
			}
			found = false
			for _, r := range a.Remediations {
				if strings.HasPrefix(r.Details, tc.remediation) && r.Category == "vendor_fix" && len(r.CVEs) == 1 && len(r.ProductIDs) > 0 {
					found = true
				}
			}
			if !found {
				t.Errorf("no vendor_fix starting %q", tc.remediation)
			}
		})
	}
}

// TestCorpusAffectedDevice checks the CSAF criterion on the shared
// advisories: a device recorded as an affected product at an affected
// version matches, the fixed version does not.
func TestCorpusAffectedDevice(t *testing.T) {
	for _, tc := range []struct {
		name, file, vendor, product, version string
		affected, known                      bool
	}{
		{"PaceartAffected", "icsma-23-180-01.json", "Medtronic", "Paceart Optima", "1.11", true, true},
		{"PaceartOlder", "icsma-23-180-01.json", "Medtronic", "Paceart Optima", "1.9.2", true, true},
		{"PaceartFixed", "icsma-23-180-01.json", "Medtronic", "Paceart Optima", "1.12", false, true},
		{"PaceartUnknownVersion", "icsma-23-180-01.json", "Medtronic", "Paceart Optima", "", false, false},
		{"PyxisAffected", "icsma-19-248-01.json", "BD", "Pyxis ES", "1.4.7", true, true},
		{"PyxisFixed", "icsma-19-248-01.json", "BD", "Pyxis ES", "1.5.3", false, true},
		{"PyxisBefore", "icsma-19-248-01.json", "BD", "Pyxis ES", "1.3.3", false, true},
		{"VuePACSWildcard", "icsma-21-187-01.json", "Philips", "Vue PACS", "12.2.7.0", true, true},
		{"VuePACSFixed", "icsma-21-187-01.json", "Philips", "Vue PACS", "12.3", false, true},
		{"VuePACSMisspelt", "icsma-21-187-01.json", "Phillips", "Vue PACS", "11.0", true, true},
		{"SiemensAllVersions", "icsma-17-215-02.json", "Siemens Healthineers", "PET/CT Systems Windows 7-Based", "VA40", true, true},
		{"OtherProduct", "icsma-19-248-01.json", "BD", "Alaris PC Unit", "1.4", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := parseShared(t, tc.file).Advisory
			in, known := affected(&a, tc.vendor, tc.product, tc.version)
			if in != tc.affected || known != tc.known {
				t.Errorf("affected(%s %s %s) = %v, %v; want %v, %v", tc.vendor, tc.product, tc.version, in, known, tc.affected, tc.known)
			}
		})
	}
}
