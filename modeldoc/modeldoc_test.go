package modeldoc_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/modeldoc"
	"github.com/cordonsec/cordon/sqlite"
)

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// The two real medical-device SBOMs of github.com/spacelab-ccny/sbom-completeness
// (CycloneDX 1.4; 55 and 65 components per /work/shared/data/PROVENANCE.md)
// load with every component, CPE and support property.
func TestRead_MedicalDeviceSBOMs(t *testing.T) {
	for file, want := range map[string]int{"narrow.sbom.json": 55, "extended.sbom.json": 65} {
		t.Run(file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("/work/shared/data/sbom/sbom-completeness", file))
			if os.IsNotExist(err) {
				t.Skipf("shared data absent: %v", err)
			}
			must(t, err)
			d, c, err := modeldoc.Read(1, file, "", data)
			must(t, err)
			if d.Kind != cordon.DocumentSBOM || d.Format != "cyclonedx" || d.SpecVersion != "1.4" || len(c.Components) != want {
				t.Fatalf("%s: kind %s format %s %s, %d components, want %d", file, d.Kind, d.Format, d.SpecVersion, len(c.Components), want)
			}
			for _, x := range c.Components {
				if x.CPE == "" || x.PURL == "" || x.EndOfSupportRaw == "" || x.LevelOfSupport == "" {
					t.Errorf("%s: %+v", x.Name, x)
				}
			}
		})
	}
}

// The other shared examples are told apart by content.
func TestDetect_SharedExamples(t *testing.T) {
	root := "/work/shared/data/sbom"
	if _, err := os.Stat(root); err != nil {
		t.Skipf("shared data absent: %v", err)
	}
	for _, tc := range []struct{ file, kind string }{
		{"spdx-examples/ACME-v2.3.spdx.json", cordon.DocumentSBOM},
		{"sbom-completeness/narrow.sbom.json", cordon.DocumentSBOM},
	} {
		data, err := os.ReadFile(filepath.Join(root, tc.file))
		if err != nil {
			t.Skip(err)
		}
		if kind, err := modeldoc.Detect(tc.file, data); err != nil || kind != tc.kind {
			t.Errorf("%s: %q, %v; want %s", tc.file, kind, err, tc.kind)
		}
	}
	vexes, _ := filepath.Glob(filepath.Join(root, "cyclonedx-bom-examples/VEX/*/*.json"))
	for _, f := range vexes {
		data, err := os.ReadFile(f)
		must(t, err)
		d, c, err := modeldoc.Read(1, filepath.Base(f), "", data)
		if err != nil {
			t.Logf("%s: %v", f, err) // some examples are scanner reports, not statements
			continue
		}
		if d.Kind != cordon.DocumentVEX || len(c.Statements) == 0 {
			t.Errorf("%s: kind %s, %d statements", f, d.Kind, len(c.Statements))
		}
	}
}

// mds2Rows is an MDS2 excerpt written for these tests in the NEMA HN
// 1-2019 layout (question ID, question, answer, note).
var mds2Rows = [][]string{
	{"Question ID", "Question", "Yes, No, N/A, or See Note", "Note #"},
	{"DOC-1", "Manufacturer Name", "Acme Medical", ""},
	{"DOC-4", "Document ID", "ACME-MDS2-0042", ""},
	{"RMOT-1", "Does the device permit remote service connections for device analysis or repair?", "No", ""},
	{"CONN-4", "Can the device communicate with systems external to the customer environment?", "No", ""},
	{"TXCF-2", "Is PII encrypted prior to transmission via a network or removable media?", "Yes", "Note 1"},
	{"MPII-1", "Does the device display, transmit, store or modify PII?", "Yes", ""},
}

func mds2CSV() []byte {
	var b strings.Builder
	for _, r := range mds2Rows {
		for i, c := range r {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`"` + strings.ReplaceAll(c, `"`, `""`) + `"`)
		}
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// mds2XLSX writes the same rows as a one-sheet workbook with inline
// strings, the parts a workbook needs and no more.
func mds2XLSX(tb testing.TB) []byte {
	tb.Helper()
	var rows strings.Builder
	for i, r := range mds2Rows {
		fmt.Fprintf(&rows, `<row r="%d">`, i+1)
		for j, c := range r {
			fmt.Fprintf(&rows, `<c r="%c%d" t="inlineStr"><is><t>%s</t></is></c>`, 'A'+j, i+1, html.EscapeString(c))
		}
		rows.WriteString(`</row>`)
	}
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="MDS2" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
		{"xl/worksheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + rows.String() + `</sheetData></worksheet>`},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p.name)
		must(tb, err)
		_, err = w.Write([]byte(p.body))
		must(tb, err)
	}
	must(tb, zw.Close())
	return buf.Bytes()
}

var now = time.Date(2025, 9, 1, 12, 0, 0, 0, time.UTC)

// An MDS2 that declares no remote service and no external communication,
// imported as CSV and as .xlsx, is contradicted by RDP from the internet to
// a device of the model: stored per model and raised as an alert.
func TestService_MDS2Contradiction(t *testing.T) {
	for _, tc := range []struct {
		name string
		data func(testing.TB) []byte
	}{{"acme-mds2.csv", func(testing.TB) []byte { return mds2CSV() }}, {"acme-mds2.xlsx", mds2XLSX}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := cordon.NewContextWithUser(context.Background(), &cordon.User{Name: "alice", Role: cordon.RoleAnalyst})
			db, err := sqlite.Open(filepath.Join(t.TempDir(), "cordon.db"))
			must(t, err)
			t.Cleanup(func() { db.Close() })
			db.Now = func() time.Time { return now }
			mac, _ := cordon.ParseMAC("00:11:22:33:44:55")
			dev := &cordon.Device{MAC: mac, IPs: []string{"10.1.20.5"}, Manufacturer: "Acme", Model: "FlowMax", Category: cordon.CategoryInfusionPump,
				FirstSeen: now.Add(-2 * time.Hour), LastSeen: now.Add(-time.Hour)}
			key := cordon.DeviceKey(dev)
			hour := now.Add(-time.Hour).Truncate(time.Hour)
			caps := sqlite.NewCaptureService(db)
			c := &cordon.Capture{Name: "ward.pcap", SHA256: strings.Repeat("ab", 32), Size: 1}
			must(t, caps.CreateCapture(ctx, c))
			must(t, caps.StartCapture(ctx, c.ID))
			must(t, sqlite.NewIngestService(db).CommitIngest(ctx, c.ID, map[string]*cordon.Device{key: dev}, []cordon.Conversation{
				{Client: "ip:203.0.113.9", Server: key, Proto: "tcp", Port: 3389, App: "rdp", Hour: hour, Flows: 1, Packets: 10, Bytes: 1000},
				{Client: key, Server: "ip:10.1.20.9", Proto: "tcp", Port: 2575, App: "hl7", Hour: hour, Flows: 1, Packets: 10, Bytes: 1000},
			}, cordon.IngestStats{Devices: 1}))
			devices := sqlite.NewDeviceService(db)
			recs, _, err := devices.FindDevices(ctx, cordon.DeviceFilter{})
			must(t, err)
			models := sqlite.NewModelService(db)
			m := &cordon.DeviceModel{Manufacturer: "Acme", Model: "FlowMax"}
			must(t, models.CreateModel(ctx, m))
			must(t, models.AssignDevices(ctx, m.ID, []int64{recs[0].ID}))

			alerts := sqlite.NewAlertService(db)
			open := func() []*cordon.Alert {
				t.Helper()
				as, _, err := alerts.FindAlerts(ctx, cordon.AlertFilter{Kind: cordon.AlertMDS2Contradiction, Status: "open"})
				must(t, err)
				return as
			}
			svc := &modeldoc.Service{Models: models, Documents: sqlite.NewDocumentService(db), Devices: devices,
				Conversations: sqlite.NewConversationService(db), Alerts: alerts, Now: func() time.Time { return now }}
			res, err := svc.Import(ctx, m.ID, tc.name, "", tc.data(t))
			must(t, err)
			if res.Document.Kind != cordon.DocumentMDS2 || res.Document.Answers != len(mds2Rows)-1 || res.Document.Title != "ACME-MDS2-0042" {
				t.Fatalf("imported %+v", res.Document)
			}
			byQ := map[string]cordon.ModelContradiction{}
			for _, c := range res.Contradictions {
				byQ[c.QuestionID] = c
			}
			rmot, ok := byQ["RMOT-1"]
			if !ok || rmot.Severity != "high" || !strings.Contains(rmot.Observed, "203.0.113.9") || len(rmot.Devices) != 1 || rmot.Devices[0] != recs[0].ID {
				t.Fatalf("contradictions: %+v", res.Contradictions)
			}
			if c, ok := byQ["TXCF-2"]; !ok || !strings.Contains(strings.ToLower(c.Observed), "hl7") {
				t.Errorf("HL7 in clear against TXCF-2 Yes not found: %+v", res.Contradictions)
			}
			stored, err := svc.Documents.FindContradictions(ctx, m.ID)
			must(t, err)
			if len(stored) != len(res.Contradictions) {
				t.Errorf("stored %d of %d", len(stored), len(res.Contradictions))
			}
			as := open()
			if len(as) != 1 || as[0].DeviceID != recs[0].ID || as[0].Subject != fmt.Sprint("model:", m.ID) || as[0].Severity != cordon.AlertHigh || as[0].Count != 1 {
				t.Errorf("alerts: %+v", as)
			}
			// The same file again changes nothing and raises nothing.
			again, err := svc.Import(ctx, m.ID, "copy", "", tc.data(t))
			must(t, err)
			if as := open(); !again.Unchanged || len(as) != 1 || as[0].Count != 1 {
				t.Errorf("again: %+v, alerts %+v", again, as)
			}
			// After ingest, the check finds the same and counts the alert again.
			must(t, svc.CheckDevices(ctx, []string{key}))
			if as := open(); len(as) != 1 || as[0].Count != 2 {
				t.Errorf("after CheckDevices: alerts %+v, want the one counted twice", as)
			}
			// Without the form, the next check resolves the alert.
			must(t, svc.Documents.DeleteDocument(ctx, res.Document.ID))
			if _, err := svc.Check(ctx, m.ID); err != nil {
				t.Fatal(err)
			}
			if as := open(); len(as) != 0 {
				t.Errorf("after the form is deleted: open alerts %+v", as)
			}
		})
	}
}
