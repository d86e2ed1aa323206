package assess_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/assess"
	"github.com/cordonsec/cordon/sqlite"
)

// vulnOn returns an NVD record that affects exactly the CPE given.
func vulnOn(id, cpe string) *cordon.Vulnerability {
	return &cordon.Vulnerability{ID: id, Published: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Modified: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC),
		Description: "A flaw in " + cpe + ".",
		CVSS:        []cordon.CVSS{{Version: "3.1", BaseScore: 7.5, Severity: "HIGH", Source: "nvd@nist.gov", Primary: true}},
		Configurations: []cordon.Configuration{{Nodes: []cordon.Node{{Operator: "OR",
			CPEMatch: []cordon.CPEMatch{{Vulnerable: true, Criteria: cpe}}}}}}}
}

// TestRunner_ModelDocuments: the SBOM of a pump's model brings its
// components into matching and its support periods into the exposure; the
// model's VEX statement closes the one finding it names, on the model's
// devices only; a statement for another version does nothing; a person's
// later decision survives re-assessment.
func TestRunner_ModelDocuments(t *testing.T) {
	ctx := context.Background()
	alice := cordon.NewContextWithUser(ctx, &cordon.User{Name: "alice", Role: cordon.RoleAnalyst})
	db := mustOpenDB(t)
	intel := sqlite.NewIntelService(db)
	findings := sqlite.NewFindingService(db)
	devices := sqlite.NewDeviceService(db)
	models := sqlite.NewModelService(db)
	docs := sqlite.NewDocumentService(db)
	sum := sha256.Sum256([]byte(t.Name()))
	must(t, intel.ImportFeed(ctx, &cordon.FeedImport{Source: cordon.FeedNVD, Name: "nvd.json", SHA256: fmt.Sprintf("%x", sum), By: "test"},
		func(w cordon.FeedWriter) error {
			for _, v := range []*cordon.Vulnerability{
				vulnOn("CVE-2024-1001", "cpe:2.3:a:openssl:openssl:1.0.2k:*:*:*:*:*:*:*"),
				vulnOn("CVE-2024-1002", "cpe:2.3:a:zlib:zlib:1.2.11:*:*:*:*:*:*:*"),
				vulnOn("CVE-2024-1003", "cpe:2.3:a:zlib:zlib:1.2.11:*:*:*:*:*:*:*"),
			} {
				if err := w.PutVulnerability(v); err != nil {
					return err
				}
			}
			return nil
		}))

	mac := func(s string) cordon.MAC { m, err := cordon.ParseMAC(s); must(t, err); return m }
	seen := func(d *cordon.Device) *cordon.Device {
		d.FirstSeen, d.LastSeen = runNow.Add(-2*time.Hour), runNow.Add(-time.Hour)
		return d
	}
	pump := seen(&cordon.Device{MAC: mac("00:11:22:33:44:55"), IPs: []string{"10.1.20.5"}, Manufacturer: "Acme", Model: "FlowMax",
		Category: cordon.CategoryInfusionPump, Medical: true})
	other := seen(&cordon.Device{MAC: mac("00:11:22:33:44:66"), IPs: []string{"10.1.20.6"}, Manufacturer: "Acme", Model: "FlowMax",
		Category: cordon.CategoryInfusionPump, Medical: true})
	ingest(t, db, map[string]*cordon.Device{cordon.DeviceKey(pump): pump, cordon.DeviceKey(other): other}, nil)
	recs, _, err := devices.FindDevices(ctx, cordon.DeviceFilter{})
	must(t, err)
	ids := map[string]int64{}
	for _, r := range recs {
		ids[r.Key] = r.ID
	}
	pumpID, otherID := ids[cordon.DeviceKey(pump)], ids[cordon.DeviceKey(other)]

	m := &cordon.DeviceModel{Manufacturer: "Acme", Model: "FlowMax", Version: "3.2"}
	must(t, models.CreateModel(alice, m))
	must(t, models.AssignDevices(alice, m.ID, []int64{pumpID}))
	hash := func(s string) string { h := sha256.Sum256([]byte(s)); return fmt.Sprintf("%x", h) }
	must(t, docs.ImportDocument(alice, &cordon.ModelDocument{ModelID: m.ID, Kind: cordon.DocumentSBOM, Format: "cyclonedx", FileName: "flowmax.cdx.json", SHA256: hash("sbom")},
		&cordon.DocumentContent{Components: []cordon.ModelComponent{
			{Name: "openssl", Version: "1.0.2k", CPE: "cpe:2.3:a:openssl:openssl:1.0.2k:*:*:*:*:*:*:*", EndOfSupport: time.Date(2019, 12, 31, 0, 0, 0, 0, time.UTC), EndOfSupportRaw: "2019-12-31"},
			{Name: "zlib", Version: "1.2.11", CPE: "cpe:2.3:a:zlib:zlib:1.2.11:*:*:*:*:*:*:*", EndOfSupportRaw: "Unknown"},
			{Name: "manual", Version: "1"}, // no CPE: listed, never matched
		}}))
	must(t, docs.ImportDocument(alice, &cordon.ModelDocument{ModelID: m.ID, Kind: cordon.DocumentVEX, Format: "openvex", FileName: "flowmax.vex.json", SHA256: hash("vex")},
		&cordon.DocumentContent{Statements: []cordon.VEXStatement{
			{CVE: "CVE-2024-1002", Status: cordon.VEXNotAffected, Justification: "vulnerable_code_not_in_execute_path", Product: "FlowMax", Version: "3.2"},
			// Another version of the product: does not apply.
			{CVE: "CVE-2024-1003", Status: cordon.VEXFixed, Product: "FlowMax", Version: "3.1"},
			{CVE: "CVE-2024-1001", Status: cordon.VEXUnderInvestigation, Product: "openssl", Version: "1.0.2k", Detail: "Assessing."},
		}}))

	r := &assess.Runner{Intel: intel, Devices: devices, Conversations: sqlite.NewConversationService(db), Findings: findings,
		Documents: docs, Now: func() time.Time { return runNow }}
	must(t, r.Assess(ctx, nil))

	byCVE := func(id int64) map[string]*cordon.Finding {
		fs, _, err := findings.FindFindings(ctx, cordon.FindingFilter{DeviceID: id})
		must(t, err)
		out := map[string]*cordon.Finding{}
		for _, f := range fs {
			out[f.CVE] = f
		}
		return out
	}
	got := byCVE(pumpID)
	if len(got) != 3 {
		t.Fatalf("pump findings: %v", got)
	}
	if f := got["CVE-2024-1002"]; f.Status.Status != cordon.FindingNotAffected || f.Status.By != "vex:flowmax.vex.json" ||
		f.Status.Justification != "vulnerable_code_not_in_execute_path" {
		t.Errorf("CVE-2024-1002 status %+v", f.Status)
	}
	if f := got["CVE-2024-1003"]; f.Status.Status != cordon.FindingOpen || f.Status.By != "" {
		t.Errorf("a statement for version 3.1 changed CVE-2024-1003: %+v", f.Status)
	}
	if f := got["CVE-2024-1001"]; f.Status.Status != cordon.FindingOpen || !strings.Contains(f.Status.Reason, "under investigation") {
		t.Errorf("CVE-2024-1001 status %+v", f.Status)
	}
	if f := got["CVE-2024-1001"]; !strings.Contains(strings.Join(f.Evidence, "\n"), "sbom:flowmax.cdx.json component openssl 1.0.2k") {
		t.Errorf("evidence does not name the SBOM and component: %q", f.Evidence)
	}
	if n := len(byCVE(otherID)); n != 0 {
		t.Errorf("a device of no model has %d findings from the SBOM", n)
	}
	x, err := findings.FindExposure(ctx, pumpID)
	must(t, err)
	states := map[string]string{}
	for _, s := range x.Support {
		if s.Source == "sbom:flowmax.cdx.json" {
			states[s.Name] = s.State
		}
	}
	if states["openssl 1.0.2k"] != cordon.SupportUnsupported || states["zlib 1.2.11"] != cordon.SupportUnknown || !x.Unsupported || x.Open != 2 {
		t.Errorf("support %v, unsupported %v, open %d", states, x.Unsupported, x.Open)
	}

	// A person reopens the finding the VEX closed; re-assessment keeps it.
	_, err = findings.UpdateFindingStatus(alice, got["CVE-2024-1002"].ID, cordon.FindingStatus{Status: cordon.FindingOpen, Reason: "Our configuration runs that code."})
	must(t, err)
	must(t, r.Assess(ctx, nil))
	if f := byCVE(pumpID)["CVE-2024-1002"]; f.Status.Status != cordon.FindingOpen || f.Status.By != "alice" {
		t.Errorf("re-assessment overwrote a person's status: %+v", f.Status)
	}

	// A device assigned later gets the SBOM's findings and the statement.
	must(t, models.AssignDevices(alice, m.ID, []int64{otherID}))
	must(t, r.Assess(ctx, []int64{otherID}))
	if f := byCVE(otherID)["CVE-2024-1002"]; f == nil || f.Status.Status != cordon.FindingNotAffected {
		t.Errorf("the later device's CVE-2024-1002: %+v", f)
	}
}

func TestStatementApplies(t *testing.T) {
	m := &cordon.DeviceModel{Manufacturer: "Acme", Model: "FlowMax", Version: "3.2"}
	sw := []cordon.ModelComponent{{Name: "openssl", Version: "1.0.2k"}}
	for name, tc := range map[string]struct {
		s    cordon.VEXStatement
		want bool
	}{
		"NoVersion":          {cordon.VEXStatement{Status: cordon.VEXFixed, Product: "FlowMax"}, true},
		"ModelVersion":       {cordon.VEXStatement{Status: cordon.VEXFixed, Product: "FlowMax", Version: "v3.2"}, true},
		"OtherModelVersion":  {cordon.VEXStatement{Status: cordon.VEXFixed, Product: "FlowMax", Version: "3.1"}, false},
		"ComponentVersion":   {cordon.VEXStatement{Status: cordon.VEXFixed, Product: "openssl", Version: "1.0.2k"}, true},
		"OtherComponentVer":  {cordon.VEXStatement{Status: cordon.VEXFixed, Product: "OpenSSL", Version: "3.0.1"}, false},
		"RangeClosesNothing": {cordon.VEXStatement{Status: cordon.VEXNotAffected, Product: "FlowMax", Version: "vers:generic/>=3.0"}, false},
		"RangeKeepsOpen":     {cordon.VEXStatement{Status: cordon.VEXAffected, Product: "FlowMax", Version: "vers:generic/>=3.0"}, true},
	} {
		t.Run(name, func(t *testing.T) {
			if got := assess.StatementApplies(m, sw, tc.s); got != tc.want {
				t.Errorf("StatementApplies = %v, want %v", got, tc.want)
			}
		})
	}
}
