package assess

import (
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/feed/csaf"
	"github.com/cordonsec/cordon/feed/nvd"
	"github.com/cordonsec/cordon/feed/nvd/nvdgen"
)

// benchCVEs is the generated corpus's size: NVD holds about 300,000 CVEs.
// -cves changes it, to profile quickly.
var benchCVEs = flag.Int("cves", 300000, "generated CVEs for BenchmarkEngine50k")

// benchImages is how many distinct device images the fleet holds: a
// trust's 50,000 devices are copies of a few thousand models, firmware
// releases and desktop builds (see "Vulnerability matching" in
// docs/benchmarks.md).
const benchImages = 2500

// benchIntel generates an NVD-sized corpus with nvdgen, decoded by the NVD
// importer as the store would hold it, with EPSS scores on a tenth; the
// advisories are the shared ICSMA corpus when present, else the test
// advisory.
func benchIntel(b *testing.B) Intel {
	b.Helper()
	pr, pw := io.Pipe()
	gen := nvdgen.Generator{Products: benchProducts(b)}
	go func() { pw.CloseWithError(gen.Generate(pw, *benchCVEs, 7)) }()
	var in Intel
	r := rand.New(rand.NewPCG(7, 7))
	if _, err := nvd.Decode(pr, "generated", func(v *cordon.Vulnerability) error {
		if r.IntN(10) == 0 {
			v.EPSS = &cordon.EPSSScore{Score: r.Float64() * r.Float64(), Date: now}
		}
		in.Vulnerabilities = append(in.Vulnerabilities, *v)
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "data", "csaf", "icsma", "icsma-*.json"))
	for _, f := range files {
		if d, err := csaf.ParseFile(f); err == nil {
			in.Advisories = append(in.Advisories, &d.Advisory)
		}
	}
	if len(in.Advisories) == 0 {
		in.Advisories = []*cordon.Advisory{pumpAdvisory()}
	}
	in.Lifecycles = windowsLifecycles()
	return in
}

// benchProducts spreads the CVEs as NVD does: a long tail of products
// with a few CVEs each (the shared CPE dictionary's 70,000 products, or
// 20,000 made-up ones without it) and a head of common hospital software
// (nvdgen's defaults, which the fleet's devices run) with hundreds each.
func benchProducts(b *testing.B) []nvdgen.Product {
	var tail []nvdgen.Product
	if f, err := os.Open(filepath.Join("..", "..", "shared", "data", "cpe", "tiiuae-cpedict-cpes.csv")); err == nil {
		tail, err = nvdgen.LoadProducts(f)
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
	}
	if len(tail) == 0 {
		for i := range 20000 {
			tail = append(tail, nvdgen.Product{Vendor: fmt.Sprintf("vendor%d", i/4), Product: fmt.Sprintf("product%d", i)})
		}
	}
	head := nvdgen.DefaultProducts()
	// Each head product gets about 1/500 of the CVEs: 600 of 300,000,
	// OpenSSL's order of magnitude.
	reps := len(tail) / 500
	out := slices.Clip(tail)
	for range max(reps, 1) {
		out = append(out, head...)
	}
	return out
}

// benchOSes are OSes as classify names them, with their CPE.
var benchOSes = []struct{ name, version, cpe string }{
	{"Windows 10", "10.0.19045", "cpe:2.3:o:microsoft:windows_10_22h2:-:*:*:*:*:*:*:*"},
	{"Windows 11", "10.0.22631", "cpe:2.3:o:microsoft:windows_11_23h2:-:*:*:*:*:*:*:*"},
	{"Windows 7", "6.1.7601", "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*"},
	{"Windows Server 2019", "10.0.17763", "cpe:2.3:o:microsoft:windows_server_2019:-:*:*:*:*:*:*:*"},
	{"Windows Server 2008 R2", "6.1.7601", "cpe:2.3:o:microsoft:windows_server_2008:r2:sp1:*:*:*:*:*:*"},
	{"Linux", "", ""},
	{"", "", ""},
}

// benchMedical are medical models as classify's profiles name them, some
// with the version an advisory needs.
var benchMedical = []struct{ manufacturer, model, category, dicom string }{
	{"Philips", "IntelliVue", cordon.CategoryPatientMonitor, ""},
	{"BD", "Alaris System", cordon.CategoryInfusionPump, ""},
	{"Baxter", "Sigma Spectrum", cordon.CategoryInfusionPump, ""},
	{"GE HealthCare", "CARESCAPE", cordon.CategoryPatientMonitor, ""},
	{"Philips", "Vue PACS", cordon.CategoryMedicalServer, "VUEPACS_12.1.5"},
	{"Siemens Healthineers", "MAGNETOM", cordon.CategoryImagingModality, "MR_VE11C"},
	{"Medtronic", "Paceart Optima", cordon.CategoryMedicalServer, ""},
	{"B. Braun", "Space", cordon.CategoryInfusionPump, ""},
}

var benchOther = []string{cordon.CategoryWorkstation, cordon.CategoryServer, cordon.CategoryPrinter, cordon.CategoryVoIPPhone, cordon.CategoryIoT}

// benchFleet builds 50,000 device records from benchImages images drawn
// with a Zipf law, with traffic of each kind (quiet, flat, internet,
// remote access).
func benchFleet() ([]*cordon.DeviceRecord, []Traffic) {
	r := rand.New(rand.NewPCG(42, 42))
	products := nvdgen.DefaultProducts()
	images := make([]cordon.Device, benchImages)
	for i := range images {
		d := &images[i]
		o := benchOSes[r.IntN(len(benchOSes))]
		d.OS = cordon.OS{Name: o.name, Version: o.version}
		if o.cpe != "" {
			d.Software = append(d.Software, cordon.Software{CPE: o.cpe, Source: "os"})
		}
		if r.IntN(3) == 0 {
			m := benchMedical[r.IntN(len(benchMedical))]
			d.Manufacturer, d.Model, d.Category, d.Medical = m.manufacturer, m.model, m.category, true
			if m.dicom != "" {
				d.DICOM = &cordon.DICOMInfo{ImplementationVersion: m.dicom}
			}
		} else {
			d.Manufacturer, d.Category = "Dell", benchOther[r.IntN(len(benchOther))]
		}
		for k := r.IntN(4); k > 0; k-- {
			p := products[r.IntN(len(products))]
			v := fmt.Sprintf("%d.%d.%d", 1+r.IntN(12), r.IntN(10), r.IntN(30))
			d.Software = append(d.Software, cordon.Software{CPE: "cpe:2.3:a:" + p.Vendor + ":" + p.Product + ":" + v + ":*:*:*:*:*:*:*", Source: "http.server"})
		}
	}
	z := rand.NewZipf(r, 1.1, 4, benchImages-1)
	recs := make([]*cordon.DeviceRecord, 50000)
	traffic := make([]Traffic, len(recs))
	for i := range recs {
		d := images[z.Uint64()]
		recs[i] = &cordon.DeviceRecord{ID: int64(i + 1), Key: fmt.Sprintf("ip:10.%d.%d.%d", i>>16, i>>8&0xff, i&0xff), Observed: &d}
		switch i % 10 {
		case 0:
			traffic[i] = Traffic{Peers: 80, Subnets: 14}
		case 1:
			traffic[i] = Traffic{Peers: 3, InternetPeers: 1, Internet: []string{"203.0.113.5"}}
		case 2:
			traffic[i] = Traffic{Peers: 5, RemoteAccess: []string{"rdp"}}
		default:
			traffic[i] = Traffic{Peers: 2, Subnets: 1}
		}
		if i%7 == 0 {
			recs[i].Recorded.Zone = "VLAN 40"
		}
	}
	return recs, traffic
}

// BenchmarkEngine50k assesses a hospital-like fleet of 50,000 devices,
// one pass per operation with one goroutine per core sharing the Engine,
// against 300,000 generated CVEs and the ICSMA advisories; the Engine is
// built once, outside the timing (its build time is reported). Run with
// -benchtime=1x for a pass from cold caches.
func BenchmarkEngine50k(b *testing.B) {
	in := benchIntel(b)
	start := time.Now()
	e := New(in)
	build := time.Since(start)
	// Room for every image's matches, as a server assessing the register
	// would configure it.
	e.SetCacheMatches(1 << 22)
	e.SetCacheFindings(1 << 21)
	recs, traffic := benchFleet()
	workers := runtime.GOMAXPROCS(0)
	var findings atomic.Int64
	b.ResetTimer()
	for b.Loop() {
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < len(recs); i += workers {
					a := e.Device(recs[i], traffic[i], nil, now)
					findings.Add(int64(len(a.Findings)))
				}
			}()
		}
		wg.Wait()
	}
	n := float64(b.N * len(recs))
	b.ReportMetric(n/b.Elapsed().Seconds(), "devices/s")
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/50k")
	b.ReportMetric(float64(findings.Load())/n, "findings/device")
	b.ReportMetric(build.Seconds(), "engine-build-s")
	b.ReportMetric(float64(len(in.Vulnerabilities)), "cves")
}
