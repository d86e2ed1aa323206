package main

import (
	"context"
	"embed"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/modeldoc"
	"github.com/cordonsec/cordon/simulate"
)

// demoDocs are the manufacturer documents the demo imports for the
// simulated CT console, written for the demo (demodata/PROVENANCE.txt).
//
//go:embed demodata/somatom-*
var demoDocs embed.FS

// demoDocFiles are imported in this order: the SBOM first, so that its
// components produce findings the VEX can then speak about, and the MDS2
// last, against the traffic already ingested.
var demoDocFiles = []string{"somatom-sbom.cdx.json", "somatom-vex.openvex.json", "somatom-mds2.csv"}

// demoDocumentModel is the simulated model the documents describe: a
// Windows 7 CT console that sends DICOM in clear and that the supplier's
// engineers reach over RDP from the jump host.
var demoDocumentModel = cordon.ModelFilter{Manufacturer: "Siemens Healthineers", Query: "SOMATOM"}

// demoDocuments imports an SBOM, a VEX and an MDS2 for the simulated CT
// model through the same service as the API and the pages, so that the
// SBOM's components become findings, the VEX closes one of them and the
// MDS2's declarations meet the traffic that contradicts them.
func demoDocuments(ctx context.Context, st *store, _ *simulate.Truth, stdout io.Writer) error {
	ms, _, err := st.models.FindModels(ctx, demoDocumentModel)
	if err != nil {
		return err
	}
	if len(ms) == 0 {
		fmt.Fprintln(stdout, "No Siemens Healthineers SOMATOM in this simulated hospital; no demo manufacturer documents.")
		return nil
	}
	m := ms[0]
	svc := &modeldoc.Service{Models: st.models, Documents: st.documents, Devices: st.devices, Conversations: st.conversations,
		Findings: st.findings, Assessor: st.assessor, Alerts: st.alerts, Now: st.db.Now}
	actx := cordon.NewContextWithUser(ctx, &cordon.User{Name: "demo", Role: cordon.RoleAnalyst})
	var sbom *cordon.ModelDocument
	vex, contradictions := 0, 0
	for _, name := range demoDocFiles {
		data, err := demoDocs.ReadFile(path.Join("demodata", name))
		if err != nil {
			return err
		}
		res, err := svc.Import(actx, m.ID, name, "", data)
		if err != nil {
			return fmt.Errorf("demo documents: %s: %w", name, err)
		}
		switch res.Document.Kind {
		case cordon.DocumentSBOM:
			sbom = res.Document
		case cordon.DocumentVEX:
			vex += res.VEXFindings
		case cordon.DocumentMDS2:
			contradictions += len(res.Contradictions)
		}
	}
	fromSBOM, err := findingsFrom(ctx, st, m.ID, "sbom:"+sbom.FileName)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Imported an SBOM, a VEX and an MDS2 for %s %s: %d components giving %d findings, %d finding statuses set by the VEX, %d declarations the traffic contradicts.\n",
		m.Manufacturer, m.Model, sbom.Components, fromSBOM, vex, contradictions)
	return nil
}

// findingsFrom counts the findings of the model's devices whose evidence
// cites source ("sbom:<file>").
func findingsFrom(ctx context.Context, st *store, modelID int64, source string) (int, error) {
	ids, err := st.models.FindModelDevices(ctx, modelID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		fs, _, err := st.findings.FindFindings(ctx, cordon.FindingFilter{DeviceID: id, Limit: 1000})
		if err != nil {
			return 0, err
		}
		for _, f := range fs {
			if strings.Contains(strings.Join(f.Evidence, "\n")+f.Software, source) {
				n++
			}
		}
	}
	return n, nil
}
