package nvd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// TestCorpus decodes every shared NVD record and checks each against the
// generic JSON of the same file: the ID, the number of scores, every
// criterion in order, and the KEV fields.
func TestCorpus(t *testing.T) {
	dir := filepath.Join(sharedData(t), "nvd", "cve")
	files, err := filepath.Glob(filepath.Join(dir, "CVE-*.json"))
	if err != nil || len(files) == 0 {
		t.Skipf("no NVD records in %s", dir)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got, st, err := decodeAll(t, string(raw))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || st.Format != FormatRecord {
				t.Fatalf("%d records, stats %+v", len(got), st)
			}
			checkAgainstJSON(t, got[0], raw)
		})
	}
}

// checkAgainstJSON compares v with the record's JSON read generically.
func checkAgainstJSON(t *testing.T, v *cordon.Vulnerability, raw []byte) {
	t.Helper()
	var rec struct {
		ID           string                       `json:"id"`
		Metrics      map[string][]json.RawMessage `json:"metrics"`
		KEVAdded     string                       `json:"cisaExploitAdd"`
		KEVDue       string                       `json:"cisaActionDue"`
		Descriptions []struct{ Lang, Value string }
		Configs      []struct {
			Nodes []struct {
				CPEMatch []struct {
					Criteria   string
					Vulnerable bool
				} `json:"cpeMatch"`
			}
		} `json:"configurations"`
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatal(err)
	}
	if v.ID != rec.ID {
		t.Errorf("ID %q, JSON %q", v.ID, rec.ID)
	}
	scores := 0
	for key, ms := range rec.Metrics {
		if strings.HasPrefix(key, "cvssMetric") { // not ssvcV203 and the like
			scores += len(ms)
		}
	}
	if len(v.CVSS) != scores {
		t.Errorf("%d CVSS scores, JSON has %d", len(v.CVSS), scores)
	}
	var want, have []string
	for _, c := range rec.Configs {
		for _, n := range c.Nodes {
			for _, m := range n.CPEMatch {
				want = append(want, m.Criteria+vulnMark(m.Vulnerable))
			}
		}
	}
	for _, c := range v.Configurations {
		for _, n := range c.Nodes {
			for _, m := range n.CPEMatch {
				have = append(have, m.Criteria+vulnMark(m.Vulnerable))
			}
		}
	}
	if !slices.Equal(have, want) {
		t.Errorf("criteria differ:\n got %q\nwant %q", have, want)
	}
	if (rec.KEVAdded != "") != (v.KEV != nil) {
		t.Fatalf("KEV %+v, JSON cisaExploitAdd %q", v.KEV, rec.KEVAdded)
	}
	if v.KEV != nil && (v.KEV.DateAdded.Format(time.DateOnly) != rec.KEVAdded || v.KEV.DueDate.Format(time.DateOnly) != rec.KEVDue) {
		t.Errorf("KEV dates %v %v, JSON %q %q", v.KEV.DateAdded, v.KEV.DueDate, rec.KEVAdded, rec.KEVDue)
	}
	for _, d := range rec.Descriptions {
		if d.Lang == "en" && d.Value != v.Description {
			t.Errorf("description is not the English one")
		}
	}
}

func vulnMark(vulnerable bool) string {
	if vulnerable {
		return " (vulnerable)"
	}
	return ""
}

// TestCorpus_EternalBlue checks the full shared record of CVE-2017-0144:
// the MS17-010 configurations name Windows 7 SP1 as a platform of SMBv1 and
// the KEV listing carries CISA's dates.
func TestCorpus_EternalBlue(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(sharedData(t), "nvd", "cve", "CVE-2017-0144.json"))
	if err != nil {
		t.Skip(err)
	}
	got, _, err := decodeAll(t, string(raw))
	if err != nil {
		t.Fatal(err)
	}
	v := got[0]
	if len(v.Configurations) != 9 {
		t.Errorf("%d configurations, the JSON has 9", len(v.Configurations))
	}
	var win7 bool
	for _, c := range v.Configurations {
		for _, n := range c.Nodes {
			for _, m := range n.CPEMatch {
				if m.Criteria == "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*" {
					win7 = true
					if m.Vulnerable || c.Operator != "AND" {
						t.Errorf("windows_7 sp1 is vulnerable=%v in a %q configuration; want a platform of an AND", m.Vulnerable, c.Operator)
					}
				}
			}
		}
	}
	if !win7 {
		t.Error("no configuration names windows_7 sp1")
	}
	wantKEV := &cordon.KEVEntry{
		Name:           "Microsoft SMBv1 Remote Code Execution Vulnerability",
		DateAdded:      time.Date(2022, 2, 10, 0, 0, 0, 0, time.UTC),
		DueDate:        time.Date(2022, 8, 10, 0, 0, 0, 0, time.UTC),
		RequiredAction: "Apply updates per vendor instructions.",
	}
	if v.KEV == nil || *v.KEV != *wantKEV {
		t.Errorf("KEV %+v, want %+v", v.KEV, wantKEV)
	}
	if len(v.References) == 0 || len(v.References) > 24 {
		t.Errorf("%d references, the JSON lists 24 (some duplicated)", len(v.References))
	}
}

// TestCorpus_SchemaRequired checks that the shared records carry the fields
// the NVD API 2.0 schema requires of a cve_item and of each cpeMatch and
// node (read from shared/data/nvd/schemas, so a schema update is followed),
// and that the bundle and page shapes this package accepts are the
// schema's.
func TestCorpus_SchemaRequired(t *testing.T) {
	data := sharedData(t)
	raw, err := os.ReadFile(filepath.Join(data, "nvd", "schemas", "cve-api-json-v2.2.0.schema"))
	if err != nil {
		t.Skip(err)
	}
	var schema struct {
		Required    []string `json:"required"`
		Definitions map[string]struct {
			Required []string `json:"required"`
		} `json:"definitions"`
	}
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(schema.Required, "vulnerabilities") || !slices.Contains(schema.Definitions["def_cve_item"].Required, "cve") {
		t.Errorf("the schema's page shape changed: %v", schema.Required)
	}
	required := schema.Definitions["cve_item"].Required
	if len(required) == 0 {
		t.Fatal("schema has no required fields for cve_item")
	}
	for _, name := range []string{"CVE-2017-0144.json", "CVE-2022-0778.json", "CVE-2019-10964.json", "CVE-2018-0886.json"} {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(data, "nvd", "cve", name))
			if err != nil {
				t.Skip(err)
			}
			var rec map[string]any
			if err := json.Unmarshal(raw, &rec); err != nil {
				t.Fatal(err)
			}
			for _, f := range required {
				if _, ok := rec[f]; !ok {
					t.Errorf("record lacks required %q", f)
				}
			}
			configs, _ := rec["configurations"].([]any)
			for _, c := range configs {
				for _, n := range c.(map[string]any)["nodes"].([]any) {
					node := n.(map[string]any)
					for _, f := range schema.Definitions["node"].Required {
						if _, ok := node[f]; !ok {
							t.Errorf("node lacks required %q", f)
						}
					}
					for _, m := range node["cpeMatch"].([]any) {
						for _, f := range schema.Definitions["cpe_match"].Required {
							if _, ok := m.(map[string]any)[f]; !ok {
								t.Errorf("cpeMatch lacks required %q", f)
							}
						}
					}
				}
			}
			// The same record as an API page decodes identically.
			single, _, err := decodeAll(t, string(raw))
			if err != nil {
				t.Fatal(err)
			}
			paged, _, err := decodeAll(t, apiPage(string(raw)))
			if err != nil {
				t.Fatal(err)
			}
			if len(paged) != 1 || paged[0].ID != single[0].ID || len(paged[0].Configurations) != len(single[0].Configurations) {
				t.Errorf("page and record decode differently")
			}
		})
	}
}

// TestCorpus_Bundle decodes every shared record at once as a fkie-cad
// bundle compressed with xz, the release format.
func TestCorpus_Bundle(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(sharedData(t), "nvd", "cve", "CVE-*.json"))
	if len(files) == 0 {
		t.Skip("no shared records")
	}
	var records []string
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		records = append(records, string(raw))
	}
	got, st, err := decodeAll(t, xzed(t, bundle(records...)))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(files) || st.Declared != len(files) || st.Compression != CompressionXZ {
		t.Errorf("%d records, stats %+v, want %d", len(got), st, len(files))
	}
}
