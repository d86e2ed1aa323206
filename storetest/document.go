package storetest

import (
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// newDocument returns a document of kind for model with a digest made
// from seed.
func newDocument(modelID int64, kind, file, seed string) *cordon.ModelDocument {
	return &cordon.ModelDocument{ModelID: modelID, Kind: kind, Format: "cyclonedx", SpecVersion: "1.4",
		FileName: file, SHA256: Hash(seed), Size: 100, Title: "Pump 2.1", Warnings: []string{"component x: bad CPE"}}
}

var (
	eosPast   = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	eosFuture = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
)

func sbomContent(names ...string) *cordon.DocumentContent {
	c := &cordon.DocumentContent{}
	for i, n := range names {
		x := cordon.ModelComponent{Ref: "ref-" + n, Type: "library", Supplier: "Acme", Name: n, Version: "1.0",
			CPE: "cpe:2.3:a:acme:" + n + ":1.0:*:*:*:*:*:*:*", PURL: "pkg:generic/" + n + "@1.0",
			LevelOfSupport: "Actively maintained"}
		switch i % 3 {
		case 0:
			x.EndOfSupport, x.EndOfSupportRaw = eosFuture, "2030-01-01"
		case 1:
			x.EndOfSupport, x.EndOfSupportRaw = eosPast, "2024-01-01"
		case 2:
			x.EndOfSupportRaw = "Unknown"
		}
		c.Components = append(c.Components, x)
	}
	return c
}

func testDocuments(t *testing.T, open func(tb testing.TB) *Store) {
	t.Run("ImportFindDelete", func(t *testing.T) {
		e := setup(t, open)
		m := e.createModel(t, "Acme", "Pump", "2.1")
		d := newDocument(m.ID, cordon.DocumentSBOM, "pump.cdx.json", "one")
		c := sbomContent("openssl", "zlib", "busybox")
		must(t, e.Documents.ImportDocument(e.ctx, d, c))
		if d.ID == 0 || d.Components != 3 || d.Unsupported != 2 || !d.Current || d.ImportedBy != "alice" || !d.ImportedAt.Equal(Epoch) {
			t.Fatalf("imported %+v", d)
		}
		got, err := e.Documents.FindDocumentByID(e.sys, d.ID)
		must(t, err)
		if !reflect.DeepEqual(got, d) {
			t.Errorf("FindDocumentByID = %+v\nwant %+v", got, d)
		}
		content, err := e.Documents.FindDocumentContent(e.sys, d.ID)
		must(t, err)
		if !reflect.DeepEqual(content.Components, c.Components) {
			t.Errorf("components = %+v\nwant %+v", content.Components, c.Components)
		}
		if got := e.audited(t, "document:1"); !slices.Equal(got, []string{"document.import"}) {
			t.Errorf("audit = %v", got)
		}

		// The same bytes again: ECONFLICT with the earlier import.
		again := newDocument(m.ID, cordon.DocumentSBOM, "renamed.json", "one")
		wantCode(t, e.Documents.ImportDocument(e.ctx, again, sbomContent("other")), cordon.ECONFLICT)
		if again.ID != d.ID || again.FileName != "pump.cdx.json" {
			t.Errorf("conflict left %+v", again)
		}

		// A newer SBOM is current; the older one stays listed.
		e.clock.Add(time.Hour)
		newer := newDocument(m.ID, cordon.DocumentSBOM, "pump-2.cdx.json", "two")
		must(t, e.Documents.ImportDocument(e.ctx, newer, sbomContent("openssl")))
		docs, n, err := e.Documents.FindDocuments(e.sys, cordon.DocumentFilter{ModelID: m.ID})
		must(t, err)
		if n != 2 || docs[0].ID != newer.ID || !docs[0].Current || docs[1].Current {
			t.Fatalf("documents after a newer SBOM: %d %+v", n, docs)
		}

		// Deleting the current SBOM makes the older one current again.
		must(t, e.Documents.DeleteDocument(e.ctx, newer.ID))
		wantCode(t, e.Documents.DeleteDocument(e.ctx, newer.ID), cordon.ENOTFOUND)
		old, err := e.Documents.FindDocumentByID(e.sys, d.ID)
		must(t, err)
		if !old.Current {
			t.Error("the older SBOM did not become current")
		}
		if got := e.audited(t, "document:2"); !slices.Equal(got, []string{"document.import", "document.delete"}) {
			t.Errorf("audit = %v", got)
		}
		_, err = e.Documents.FindDocumentContent(e.sys, newer.ID)
		wantCode(t, err, cordon.ENOTFOUND)
	})

	t.Run("Invalid", func(t *testing.T) {
		e := setup(t, open)
		m := e.createModel(t, "Acme", "Pump", "2.1")
		for name, tc := range map[string]struct {
			d    *cordon.ModelDocument
			c    *cordon.DocumentContent
			code string
		}{
			"NoModel":        {newDocument(0, cordon.DocumentSBOM, "a.json", "a"), nil, cordon.EINVALID},
			"UnknownModel":   {newDocument(99, cordon.DocumentSBOM, "a.json", "a"), nil, cordon.ENOTFOUND},
			"BadKind":        {newDocument(m.ID, "pdf", "a.json", "a"), nil, cordon.EINVALID},
			"NoName":         {newDocument(m.ID, cordon.DocumentSBOM, "", "a"), nil, cordon.EINVALID},
			"WrongContent":   {newDocument(m.ID, cordon.DocumentMDS2, "a.csv", "a"), sbomContent("x"), cordon.EINVALID},
			"NamelessPart":   {newDocument(m.ID, cordon.DocumentSBOM, "a.json", "a"), &cordon.DocumentContent{Components: []cordon.ModelComponent{{Version: "1"}}}, cordon.EINVALID},
			"BadVEXStatus":   {newDocument(m.ID, cordon.DocumentVEX, "a.json", "a"), &cordon.DocumentContent{Statements: []cordon.VEXStatement{{CVE: "CVE-2024-1", Status: "maybe"}}}, cordon.EINVALID},
			"AnswerNoID":     {newDocument(m.ID, cordon.DocumentMDS2, "a.csv", "a"), &cordon.DocumentContent{Answers: []cordon.MDS2Answer{{Answer: "Yes"}}}, cordon.EINVALID},
			"StatementNoCVE": {newDocument(m.ID, cordon.DocumentVEX, "a.json", "a"), &cordon.DocumentContent{Statements: []cordon.VEXStatement{{Status: "fixed"}}}, cordon.EINVALID},
		} {
			t.Run(name, func(t *testing.T) {
				wantCode(t, e.Documents.ImportDocument(e.ctx, tc.d, tc.c), tc.code)
			})
		}
		if _, n, err := e.Documents.FindDocuments(e.sys, cordon.DocumentFilter{}); err != nil || n != 0 {
			t.Errorf("refused imports stored %d documents (%v)", n, err)
		}
	})

	t.Run("EvidenceAndVEX", func(t *testing.T) {
		e, ct, pump, _ := findingsEnv(t, open)
		m := e.createModel(t, "Acme", "Pump", "2.1")
		must(t, e.Models.AssignDevices(e.ctx, m.ID, []int64{pump.ID}))
		must(t, e.Documents.ImportDocument(e.ctx, newDocument(m.ID, cordon.DocumentSBOM, "pump.cdx.json", "sbom"), sbomContent("openssl")))
		vexDoc := newDocument(m.ID, cordon.DocumentVEX, "pump.vex.json", "vex")
		must(t, e.Documents.ImportDocument(e.ctx, vexDoc, &cordon.DocumentContent{Statements: []cordon.VEXStatement{
			{CVE: "CVE-2024-0001", Status: cordon.VEXNotAffected, Justification: "vulnerable_code_not_present", Product: "Pump", Version: "2.1"},
		}}))
		evs, err := e.Documents.FindModelEvidence(e.sys)
		must(t, err)
		if len(evs) != 1 || evs[0].Model.ID != m.ID || !slices.Equal(evs[0].Devices, []int64{pump.ID}) ||
			len(evs[0].Software) != 1 || evs[0].SBOM == nil || len(evs[0].Statements) != 1 || evs[0].Statements[0].File != "pump.vex.json" {
			t.Fatalf("evidence = %+v", evs)
		}

		must(t, e.Findings.ReplaceFindings(e.sys, []cordon.DeviceAssessment{
			{DeviceID: pump.ID, Findings: []cordon.Finding{NewFinding("CVE-2024-0001", false, 0.1, 7, "confirmed"), NewFinding("CVE-2024-0002", false, 0.1, 7, "confirmed")}},
			{DeviceID: ct.ID, Findings: []cordon.Finding{NewFinding("CVE-2024-0001", false, 0.1, 7, "confirmed")}},
		}))
		vex := cordon.FindingStatus{Status: cordon.FindingNotAffected, Justification: "vulnerable_code_not_present", By: "vex:pump.vex.json"}
		n, err := e.Documents.ApplyVEX(e.sys, []cordon.VEXFinding{{DeviceID: pump.ID, CVE: "CVE-2024-0001", Status: vex}})
		must(t, err)
		f := e.byCVE(t, pump.ID)["CVE-2024-0001"]
		if n != 1 || f.Status.Status != cordon.FindingNotAffected || f.Status.By != "vex:pump.vex.json" {
			t.Fatalf("ApplyVEX = %d, finding status %+v", n, f.Status)
		}
		if other := e.byCVE(t, pump.ID)["CVE-2024-0002"]; other.Status.Status != cordon.FindingOpen {
			t.Errorf("another CVE changed: %+v", other.Status)
		}
		if other := e.byCVE(t, ct.ID)["CVE-2024-0001"]; other.Status.Status != cordon.FindingOpen {
			t.Errorf("another device changed: %+v", other.Status)
		}
		if x := e.exposure(t, pump.ID); x.Open != 1 {
			t.Errorf("exposure open = %d after VEX, want 1", x.Open)
		}
		// Applying it again changes nothing.
		if n, err := e.Documents.ApplyVEX(e.sys, []cordon.VEXFinding{{DeviceID: pump.ID, CVE: "CVE-2024-0001", Status: vex}}); err != nil || n != 0 {
			t.Errorf("second ApplyVEX = %d, %v", n, err)
		}
		// A person's decision stands against a later statement.
		_, err = e.Findings.UpdateFindingStatus(e.ctx, f.ID, cordon.FindingStatus{Status: cordon.FindingOpen, Reason: "we disagree"})
		must(t, err)
		if n, err := e.Documents.ApplyVEX(e.sys, []cordon.VEXFinding{{DeviceID: pump.ID, CVE: "CVE-2024-0001", Status: vex}}); err != nil || n != 0 {
			t.Errorf("ApplyVEX over a person's status = %d, %v", n, err)
		}
		if got := e.byCVE(t, pump.ID)["CVE-2024-0001"].Status; got.By != "alice" {
			t.Errorf("status after ApplyVEX = %+v", got)
		}
		_, err = e.Documents.ApplyVEX(e.sys, []cordon.VEXFinding{{DeviceID: pump.ID, CVE: "CVE-2024-0002", Status: cordon.FindingStatus{Status: cordon.FindingFixed, By: "alice"}}})
		wantCode(t, err, cordon.EINVALID)
	})

	t.Run("DeleteVEX", func(t *testing.T) {
		e, ct, pump, _ := findingsEnv(t, open)
		m := e.createModel(t, "Acme", "Pump", "2.1")
		other := e.createModel(t, "Siemens Healthineers", "SOMATOM", "")
		must(t, e.Models.AssignDevices(e.ctx, m.ID, []int64{pump.ID}))
		must(t, e.Models.AssignDevices(e.ctx, other.ID, []int64{ct.ID}))
		stmt := &cordon.DocumentContent{Statements: []cordon.VEXStatement{{CVE: "CVE-2024-0001", Status: cordon.VEXNotAffected, Justification: "vulnerable_code_not_present"}}}
		a := newDocument(m.ID, cordon.DocumentVEX, "a.vex.json", "a")
		must(t, e.Documents.ImportDocument(e.ctx, a, stmt))
		must(t, e.Documents.ImportDocument(e.ctx, newDocument(m.ID, cordon.DocumentVEX, "b.vex.json", "b"), stmt))
		// The other model has a document of the same file name.
		must(t, e.Documents.ImportDocument(e.ctx, newDocument(other.ID, cordon.DocumentVEX, "a.vex.json", "other"), stmt))
		must(t, e.Findings.ReplaceFindings(e.sys, []cordon.DeviceAssessment{
			{DeviceID: pump.ID, Findings: []cordon.Finding{NewFinding("CVE-2024-0001", false, 0.1, 7, "confirmed"),
				NewFinding("CVE-2024-0002", false, 0.1, 7, "confirmed"), NewFinding("CVE-2024-0003", false, 0.1, 7, "confirmed")}},
			{DeviceID: ct.ID, Findings: []cordon.Finding{NewFinding("CVE-2024-0001", false, 0.1, 7, "confirmed")}},
		}))
		by := func(file string) cordon.FindingStatus {
			return cordon.FindingStatus{Status: cordon.FindingNotAffected, Justification: "vulnerable_code_not_present", By: "vex:" + file}
		}
		n, err := e.Documents.ApplyVEX(e.sys, []cordon.VEXFinding{
			{DeviceID: pump.ID, CVE: "CVE-2024-0001", Status: by("a.vex.json")},
			{DeviceID: pump.ID, CVE: "CVE-2024-0002", Status: by("a.vex.json")},
			{DeviceID: pump.ID, CVE: "CVE-2024-0003", Status: by("b.vex.json")},
			{DeviceID: ct.ID, CVE: "CVE-2024-0001", Status: by("a.vex.json")},
		})
		must(t, err)
		if n != 4 || e.exposure(t, pump.ID).Open != 0 {
			t.Fatalf("ApplyVEX = %d, open %d", n, e.exposure(t, pump.ID).Open)
		}
		// A person decides on CVE-2024-0002 after the statement.
		decided := e.byCVE(t, pump.ID)["CVE-2024-0002"]
		_, err = e.Findings.UpdateFindingStatus(e.ctx, decided.ID, cordon.FindingStatus{Status: cordon.FindingFixed, Reason: "patched by the engineer"})
		must(t, err)

		must(t, e.Documents.DeleteDocument(e.ctx, a.ID))
		got := e.byCVE(t, pump.ID)
		if st := got["CVE-2024-0001"].Status; st.Status != cordon.FindingOpen || st.By != "" || st.Justification != "" {
			t.Errorf("the deleted document's status stayed: %+v", st)
		}
		if st := got["CVE-2024-0002"].Status; st.Status != cordon.FindingFixed || st.By != "alice" {
			t.Errorf("a person's status changed: %+v", st)
		}
		if st := got["CVE-2024-0003"].Status; st.By != "vex:b.vex.json" || st.Status != cordon.FindingNotAffected {
			t.Errorf("another document's status changed: %+v", st)
		}
		if st := e.byCVE(t, ct.ID)["CVE-2024-0001"].Status; st.By != "vex:a.vex.json" {
			t.Errorf("another model's device changed: %+v", st)
		}
		if x := e.exposure(t, pump.ID); x.Open != 1 {
			t.Errorf("exposure open = %d after the delete, want 1", x.Open)
		}
		object := "finding:" + strconv.FormatInt(got["CVE-2024-0001"].ID, 10)
		if acts := e.audited(t, object); !slices.Equal(acts, []string{"finding.status", "finding.status"}) {
			t.Errorf("audit of the reopened finding = %v", acts)
		}
		es, _, err := e.Audit.FindAuditEntries(e.sys, cordon.AuditFilter{Object: object, Limit: 1})
		must(t, err)
		if len(es) != 1 || es[0].Actor != "alice" {
			t.Errorf("reopened by %+v, want alice", es)
		}
	})

	t.Run("DeleteModelVEX", func(t *testing.T) {
		e, ct, pump, _ := findingsEnv(t, open)
		m := e.createModel(t, "Acme", "Pump", "2.1")
		other := e.createModel(t, "Siemens Healthineers", "SOMATOM", "")
		must(t, e.Models.AssignDevices(e.ctx, m.ID, []int64{pump.ID}))
		must(t, e.Models.AssignDevices(e.ctx, other.ID, []int64{ct.ID}))
		stmt := &cordon.DocumentContent{Statements: []cordon.VEXStatement{{CVE: "CVE-2024-0001", Status: cordon.VEXNotAffected, Justification: "vulnerable_code_not_present"}}}
		a := newDocument(m.ID, cordon.DocumentVEX, "a.vex.json", "a")
		must(t, e.Documents.ImportDocument(e.ctx, a, stmt))
		sbom := newDocument(m.ID, cordon.DocumentSBOM, "pump.cdx.json", "sbom")
		must(t, e.Documents.ImportDocument(e.ctx, sbom, sbomContent("openssl")))
		// The other model's document of the same file name keeps its statuses.
		must(t, e.Documents.ImportDocument(e.ctx, newDocument(other.ID, cordon.DocumentVEX, "a.vex.json", "other"), stmt))
		must(t, e.Findings.ReplaceFindings(e.sys, []cordon.DeviceAssessment{
			{DeviceID: pump.ID, Findings: []cordon.Finding{NewFinding("CVE-2024-0001", false, 0.1, 7, "confirmed"),
				NewFinding("CVE-2024-0002", false, 0.1, 7, "confirmed")}},
			{DeviceID: ct.ID, Findings: []cordon.Finding{NewFinding("CVE-2024-0001", false, 0.1, 7, "confirmed")}},
		}))
		vex := cordon.FindingStatus{Status: cordon.FindingNotAffected, Justification: "vulnerable_code_not_present", By: "vex:a.vex.json"}
		_, err := e.Documents.ApplyVEX(e.sys, []cordon.VEXFinding{
			{DeviceID: pump.ID, CVE: "CVE-2024-0001", Status: vex},
			{DeviceID: pump.ID, CVE: "CVE-2024-0002", Status: vex},
			{DeviceID: ct.ID, CVE: "CVE-2024-0001", Status: vex},
		})
		must(t, err)
		// A person decides on CVE-2024-0002 after the statement.
		decided := e.byCVE(t, pump.ID)["CVE-2024-0002"]
		_, err = e.Findings.UpdateFindingStatus(e.ctx, decided.ID, cordon.FindingStatus{Status: cordon.FindingFixed, Reason: "patched by the engineer"})
		must(t, err)

		// An exception of the model stops the delete, changing nothing.
		x := e.createException(t, NewException(-m.ID))
		err = e.Models.DeleteModel(e.ctx, m.ID)
		wantCode(t, err, cordon.ECONFLICT)
		if msg := cordon.ErrorMessage(err); !strings.Contains(msg, "exception "+strconv.FormatInt(x.ID, 10)) {
			t.Errorf("refusal %q does not name the exception", msg)
		}
		if st := e.byCVE(t, pump.ID)["CVE-2024-0001"].Status; st.By != "vex:a.vex.json" {
			t.Errorf("a refused delete reopened a finding: %+v", st)
		}
		if _, err := e.Documents.FindDocumentByID(e.sys, a.ID); err != nil {
			t.Errorf("a refused delete removed a document: %v", err)
		}

		_, err = e.Exceptions.RevokeException(e.ctx, x.ID, "The pump is being replaced.")
		must(t, err)
		must(t, e.Models.DeleteModel(e.ctx, m.ID))
		got := e.byCVE(t, pump.ID)
		if st := got["CVE-2024-0001"].Status; st.Status != cordon.FindingOpen || st.By != "" || st.Justification != "" {
			t.Errorf("the deleted model's VEX status stayed: %+v", st)
		}
		if st := got["CVE-2024-0002"].Status; st.Status != cordon.FindingFixed || st.By != "alice" {
			t.Errorf("a person's status changed: %+v", st)
		}
		if st := e.byCVE(t, ct.ID)["CVE-2024-0001"].Status; st.By != "vex:a.vex.json" {
			t.Errorf("another model's device changed: %+v", st)
		}
		if x := e.exposure(t, pump.ID); x.Open != 1 {
			t.Errorf("exposure open = %d after the delete, want 1", x.Open)
		}
		reopened := got["CVE-2024-0001"].ID
		object := "finding:" + strconv.FormatInt(reopened, 10)
		if acts := e.audited(t, object); !slices.Equal(acts, []string{"finding.status", "finding.status"}) {
			t.Errorf("audit of the reopened finding = %v", acts)
		}
		for _, d := range []int64{a.ID, sbom.ID} {
			if acts := e.audited(t, "document:"+strconv.FormatInt(d, 10)); !slices.Equal(acts, []string{"document.import", "document.delete"}) {
				t.Errorf("audit of document %d = %v", d, acts)
			}
			_, err := e.Documents.FindDocumentByID(e.sys, d)
			wantCode(t, err, cordon.ENOTFOUND)
		}
		_, err = e.Exceptions.FindExceptionByID(e.sys, x.ID)
		wantCode(t, err, cordon.ENOTFOUND)
		// The model's entry says what went with it.
		es, _, err := e.Audit.FindAuditEntries(e.sys, cordon.AuditFilter{Object: "model:" + strconv.FormatInt(m.ID, 10), Limit: 1})
		must(t, err)
		var rec struct {
			Manufacturer      string  `json:"manufacturer"`
			Documents         []int64 `json:"documents"`
			Reopened          []int64 `json:"reopened_findings"`
			RevokedExceptions []int64 `json:"revoked_exceptions"`
		}
		if len(es) != 1 || es[0].Action != "model.delete" || es[0].Actor != "alice" {
			t.Fatalf("model audit = %+v", es)
		}
		must(t, json.Unmarshal(es[0].Before, &rec))
		if rec.Manufacturer != "Acme" || !slices.Equal(rec.Documents, []int64{a.ID, sbom.ID}) ||
			!slices.Equal(rec.Reopened, []int64{reopened}) || !slices.Equal(rec.RevokedExceptions, []int64{x.ID}) {
			t.Errorf("model.delete audit = %s", es[0].Before)
		}
	})

	t.Run("Contradictions", func(t *testing.T) {
		e := setup(t, open)
		m := e.createModel(t, "Acme", "Pump", "2.1")
		d := newDocument(m.ID, cordon.DocumentMDS2, "mds2.csv", "mds2")
		must(t, e.Documents.ImportDocument(e.ctx, d, &cordon.DocumentContent{Answers: []cordon.MDS2Answer{
			{Section: "RMOT", SectionTitle: "Remote service", QuestionID: "RMOT-1", Question: "Remote service?", Answer: "No"},
		}}))
		cs := []cordon.ModelContradiction{
			{DocumentID: d.ID, QuestionID: "CONN-4", Declared: "d1", Observed: "o1", Severity: "low", Explanation: "e1", Devices: []int64{}},
			{DocumentID: d.ID, QuestionID: "RMOT-1", Declared: "d2", Observed: "o2", Severity: "high", Explanation: "e2", Devices: []int64{7, 9}},
		}
		must(t, e.Documents.ReplaceContradictions(e.sys, m.ID, cs))
		got, err := e.Documents.FindContradictions(e.sys, m.ID)
		must(t, err)
		if len(got) != 2 || got[0].QuestionID != "RMOT-1" || !slices.Equal(got[0].Devices, []int64{7, 9}) || !got[0].FoundAt.Equal(Epoch) || got[1].ModelID != m.ID {
			t.Fatalf("contradictions = %+v", got)
		}
		must(t, e.Documents.ReplaceContradictions(e.sys, m.ID, nil))
		if got, err := e.Documents.FindContradictions(e.sys, m.ID); err != nil || len(got) != 0 {
			t.Errorf("after replacing with none: %+v, %v", got, err)
		}
		wantCode(t, e.Documents.ReplaceContradictions(e.sys, 99, cs), cordon.ENOTFOUND)
	})
}
