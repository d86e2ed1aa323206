package modeldoc_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/assess"
	"github.com/cordonsec/cordon/feed/nvd"
	"github.com/cordonsec/cordon/feed/nvd/nvdgen"
	"github.com/cordonsec/cordon/modeldoc"
	"github.com/cordonsec/cordon/sqlite"
)

var (
	sbomDevices    = flag.Int("sbom-devices", 50, "devices of the model the SBOM benchmarks import into and re-assess (a large fleet: 1,000)")
	sbomCVEs       = flag.Int("sbom-cves", 2_000, "generated NVD records the re-assessment matches against (NVD: 300,000)")
	sbomComponents = flag.Int("sbom-components", 10_000, "components of the generated SBOM")
)

// benchNow is the benchmarks' clock.
var benchNow = time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)

// generatedSBOM returns a CycloneDX 1.6 JSON SBOM of n components with
// CPEs and purls of the products nvdgen's CVEs name (so the re-assessment
// finds matches) and the FDA-style support properties the real
// medical-device SBOMs carry.
func generatedSBOM(n int) []byte {
	products := nvdgen.DefaultProducts()
	type prop struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	type comp struct {
		Ref        string `json:"bom-ref"`
		Type       string `json:"type"`
		Name       string `json:"name"`
		Version    string `json:"version"`
		Publisher  string `json:"publisher"`
		CPE        string `json:"cpe"`
		PURL       string `json:"purl"`
		Properties []prop `json:"properties"`
	}
	comps := make([]comp, n)
	for i := range comps {
		p := products[i%len(products)]
		v := fmt.Sprintf("%d.%d.%d", 1+i%7, i/7%10, i%13)
		eos := "2027-06-30"
		if i%4 == 0 {
			eos = "2024-12-31"
		}
		comps[i] = comp{Ref: "comp-" + strconv.Itoa(i), Type: "library", Name: fmt.Sprintf("%s-%d", p.Product, i), Version: v, Publisher: p.Vendor,
			CPE:        fmt.Sprintf("cpe:2.3:a:%s:%s:%s:*:*:*:*:*:*:*", p.Vendor, p.Product, v),
			PURL:       fmt.Sprintf("pkg:generic/%s/%s-%d@%s", p.Vendor, p.Product, i, v),
			Properties: []prop{{"End-of-Support", eos}, {"Level of Support", "Security patches only"}}}
	}
	data, err := json.Marshal(map[string]any{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
		"metadata":   map[string]any{"component": map[string]any{"type": "device", "name": "Generated infusion system"}},
		"components": comps})
	if err != nil {
		panic(err)
	}
	return data
}

// benchEnv is a database with generated intelligence, -sbom-devices
// devices and a modeldoc.Service that re-assesses them through a real
// assess.Runner.
type benchEnv struct {
	db      *sqlite.DB
	ctx     context.Context
	models  *sqlite.ModelService
	svc     *modeldoc.Service
	devices []int64
	serial  int
}

func newBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	now := benchNow
	ctx := cordon.NewContextWithUser(context.Background(), &cordon.User{Name: "bench", Role: cordon.RoleAnalyst})
	db, err := sqlite.Open(filepath.Join(b.TempDir(), "cordon.db"))
	must(b, err)
	b.Cleanup(func() { db.Close() })
	db.Now = func() time.Time { return now }

	var nvdJSON bytes.Buffer
	must(b, nvdgen.Generate(&nvdJSON, *sbomCVEs, 1))
	intel := sqlite.NewIntelService(db)
	must(b, intel.ImportFeed(ctx, &cordon.FeedImport{Source: cordon.FeedNVD, Name: "nvd.json", SHA256: fmt.Sprintf("%064x", 1)}, func(w cordon.FeedWriter) error {
		_, err := nvd.Decode(&nvdJSON, "nvd.json", func(v *cordon.Vulnerability) error { return w.PutVulnerability(v) })
		return err
	}))

	devs := make(map[string]*cordon.Device, *sbomDevices)
	for i := range *sbomDevices {
		mac, err := cordon.ParseMAC(fmt.Sprintf("02:00:00:00:%02x:%02x", i>>8&0xff, i&0xff))
		must(b, err)
		d := &cordon.Device{MAC: mac, IPs: []string{fmt.Sprintf("10.20.%d.%d", i>>8&0xff, i&0xff)}, Manufacturer: "Acme", Model: "FlowMax",
			Category: cordon.CategoryInfusionPump, FirstSeen: now.Add(-48 * time.Hour), LastSeen: now.Add(-time.Hour)}
		devs[cordon.DeviceKey(d)] = d
	}
	caps := sqlite.NewCaptureService(db)
	c := &cordon.Capture{Name: "ward.pcap", SHA256: fmt.Sprintf("%064x", 2), Size: 1}
	must(b, caps.CreateCapture(ctx, c))
	must(b, caps.StartCapture(ctx, c.ID))
	must(b, sqlite.NewIngestService(db).CommitIngest(ctx, c.ID, devs, nil, cordon.IngestStats{Devices: len(devs)}))
	devices := sqlite.NewDeviceService(db)
	recs, _, err := devices.FindDevices(ctx, cordon.DeviceFilter{Limit: 1000})
	must(b, err)
	e := &benchEnv{db: db, ctx: ctx, models: sqlite.NewModelService(db)}
	for _, r := range recs {
		e.devices = append(e.devices, r.ID)
	}
	docs, findings, convs := sqlite.NewDocumentService(db), sqlite.NewFindingService(db), sqlite.NewConversationService(db)
	runner := &assess.Runner{Intel: intel, Devices: devices, Conversations: convs, Findings: findings, Documents: docs,
		Exceptions: sqlite.NewExceptionService(db), Models: e.models, Now: db.Now}
	// Build the engine before any timer runs: it is built once per
	// intelligence version, not per import.
	if _, err := runner.Engine(ctx); err != nil {
		b.Fatal(err)
	}
	e.svc = &modeldoc.Service{Models: e.models, Documents: docs, Devices: devices, Conversations: convs,
		Findings: findings, Assessor: runner, Now: db.Now}
	return e
}

// newModel creates a model and moves every device to it. The testing
// package runs a benchmark function more than once, so names get a serial.
func (e *benchEnv) newModel(b *testing.B, name string) int64 {
	b.Helper()
	e.serial++
	m := &cordon.DeviceModel{Manufacturer: "Acme", Model: fmt.Sprintf("%s %d", name, e.serial)}
	must(b, e.models.CreateModel(e.ctx, m))
	must(b, e.models.AssignDevices(e.ctx, m.ID, e.devices))
	return m.ID
}

// revision returns data made distinct by n trailing spaces: the same
// document re-issued, so that the import is not skipped as a duplicate.
func revision(data []byte, n int) []byte {
	return append(bytes.Clone(data), bytes.Repeat([]byte(" "), n)...)
}

// BenchmarkImportSBOM imports an SBOM into a model of -sbom-devices
// devices and re-assesses them (modeldoc.Service.Import with a real
// assess.Runner), for the two real medical-device SBOMs of the shared
// data (skipped without it) and a generated one of -sbom-components
// components. First imports into a new model; Replace imports a new
// revision over the model's current SBOM (compared component by
// component); Read is the parse alone.
//
//	go test -run '^$' -bench BenchmarkImportSBOM -benchtime 3x -benchmem ./modeldoc/ -args -sbom-devices 1000 -sbom-cves 30000
func BenchmarkImportSBOM(b *testing.B) {
	files := []struct {
		name string
		data []byte
	}{}
	for _, f := range []string{"narrow.sbom.json", "extended.sbom.json"} {
		data, err := os.ReadFile(filepath.Join("/work/shared/data/sbom/sbom-completeness", f))
		if err != nil {
			b.Logf("shared data absent, %s skipped: %v", f, err)
			continue
		}
		files = append(files, struct {
			name string
			data []byte
		}{f, data})
	}
	files = append(files, struct {
		name string
		data []byte
	}{fmt.Sprintf("generated-%d.cdx.json", *sbomComponents), generatedSBOM(*sbomComponents)})
	e := newBenchEnv(b)
	for _, f := range files {
		b.Run(f.name+"/Read", func(b *testing.B) {
			b.SetBytes(int64(len(f.data)))
			for range b.N {
				if _, _, err := modeldoc.Read(1, f.name, "", f.data); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(f.name+"/First", func(b *testing.B) {
			var res *modeldoc.Result
			for i := range b.N {
				b.StopTimer()
				model := e.newModel(b, f.name+" first")
				b.StartTimer()
				var err error
				if res, err = e.svc.Import(e.ctx, model, f.name, "", revision(f.data, i)); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			e.report(b, res)
		})
		b.Run(f.name+"/Replace", func(b *testing.B) {
			b.StopTimer()
			model := e.newModel(b, f.name+" replaced")
			_, err := e.svc.Import(e.ctx, model, f.name, "", f.data)
			must(b, err)
			b.StartTimer()
			var res *modeldoc.Result
			for i := range b.N {
				if res, err = e.svc.Import(e.ctx, model, f.name, "", revision(f.data, i+1)); err != nil {
					b.Fatal(err)
				}
				if res.Replaced == nil {
					b.Fatal("the earlier SBOM was not replaced")
				}
			}
			b.StopTimer()
			e.report(b, res)
		})
	}
}

// report checks that the last import stored every component and
// re-assessed every device, and reports the findings it gave them.
func (e *benchEnv) report(b *testing.B, res *modeldoc.Result) {
	b.Helper()
	if res == nil || res.Unchanged || res.Devices != len(e.devices) || res.Document.Components == 0 {
		b.Fatalf("import: %+v", res)
	}
	_, n, err := e.svc.Findings.FindFindings(e.ctx, cordon.FindingFilter{DeviceID: e.devices[0], Limit: 1})
	must(b, err)
	b.ReportMetric(float64(res.Document.Components), "components")
	b.ReportMetric(float64(n), "findings/device")
}
