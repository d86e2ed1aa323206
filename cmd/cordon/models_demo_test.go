package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
)

// The demo's documents for the simulated CT console: the SBOM's
// components become findings, the VEX marks one not affected, and the
// MDS2's declarations meet the traffic that contradicts them.
func TestDemoDocuments(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole demo")
	}
	dir := t.TempDir()
	var out strings.Builder
	if _, err := prepareDemo(context.Background(), dir, 150, 1, slog.New(slog.DiscardHandler), &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Imported an SBOM, a VEX and an MDS2 for Siemens Healthineers SOMATOM: 5 components") {
		t.Errorf("demo output:\n%s", out.String())
	}
	st, err := openStore(dir, slog.New(slog.DiscardHandler), "")
	mustOK(t, err)
	defer st.Close()
	ctx := context.Background()
	ms, _, err := st.models.FindModels(ctx, demoDocumentModel)
	mustOK(t, err)
	if len(ms) != 1 {
		t.Fatalf("models %+v", ms)
	}
	docs, n, err := st.documents.FindDocuments(ctx, cordon.DocumentFilter{ModelID: ms[0].ID})
	mustOK(t, err)
	if n != 3 {
		t.Fatalf("documents: %d %+v", n, docs)
	}
	ids, err := st.models.FindModelDevices(ctx, ms[0].ID)
	mustOK(t, err)
	if len(ids) == 0 {
		t.Fatal("the model has no device")
	}
	byCVE := map[string]*cordon.Finding{}
	fs, _, err := st.findings.FindFindings(ctx, cordon.FindingFilter{DeviceID: ids[0], Limit: 1000})
	mustOK(t, err)
	for _, f := range fs {
		byCVE[f.CVE] = f
	}
	// OpenSSL 1.0.1f: SWEET32, closed by the VEX; Heartbleed stays open.
	if f := byCVE["CVE-2016-2183"]; f == nil || f.Status.Status != cordon.FindingNotAffected || f.Status.By != "vex:somatom-vex.openvex.json" {
		t.Errorf("CVE-2016-2183 = %+v", f)
	}
	if f := byCVE["CVE-2014-0160"]; f == nil || f.Status.Status != cordon.FindingOpen {
		t.Errorf("CVE-2014-0160 = %+v", f)
	}
	// Tomcat 8.5.40: Ghostcat, affected.
	if f := byCVE["CVE-2020-1938"]; f == nil || f.Status.Status != cordon.FindingOpen {
		t.Errorf("CVE-2020-1938 = %+v", f)
	}
	cs, err := st.documents.FindContradictions(ctx, ms[0].ID)
	mustOK(t, err)
	found := map[string]bool{}
	for _, c := range cs {
		found[c.QuestionID] = true
	}
	if !found["RMOT-1"] || !found["TXCF-2"] {
		t.Errorf("contradictions %+v, want RMOT-1 (RDP from the jump host) and TXCF-2 (DICOM in clear)", cs)
	}
}
