package ui

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/mock"
	"github.com/cordonsec/cordon/sqlite"
)

// vulnWorld is the intelligence and findings the vulnerability pages read:
// hand-made at the domain-interface boundary (mock doubles), around the
// real SQLite register of testEnv.
type vulnWorld struct {
	mu        sync.Mutex
	findings  []*cordon.Finding
	exposures []*cordon.Exposure
	vulns     map[string]*cordon.Vulnerability
	history   map[string][]cordon.EPSSScore
	advs      []*cordon.Advisory
	imports   []*cordon.FeedImport
	// lastFilter and lastExposureFilter are what the pages asked for.
	lastFilter         cordon.FindingFilter
	lastExposureFilter cordon.ExposureFilter
	// assessed records each Assess call's IDs ("all" for nil).
	assessed  []string
	assessErr error
}

// Test CVEs: EternalBlue and BlueKeep (both in KEV, used by ransomware),
// the BD Alaris session flaw of ICSMA-20-317-01, and Log4Shell carrying a
// hostile title.
const (
	cveEternalBlue = "CVE-2017-0144"
	cveBlueKeep    = "CVE-2019-0708"
	cveAlaris      = "CVE-2020-25165"
	cveHostile     = "CVE-2021-44228"
)

// newVulnWorld builds findings on the test ward's devices, whose register
// IDs come from e.
func newVulnWorld(e *testEnv) *vulnWorld {
	day := func(s string) time.Time {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			panic(err)
		}
		return t
	}
	ct := cordon.FindingDevice{ID: e.ids[keyCT], Key: keyCT, MAC: "00:1b:63:84:45:e6", IP: "10.1.2.15", Hostname: "CT-SCAN-01",
		Manufacturer: "Siemens Healthineers", Model: "SOMATOM go.Up", Category: cordon.CategoryImagingModality,
		Site: "St Elsewhere", Location: "Radiology 2", Owner: "Imaging physics"}
	pump := cordon.FindingDevice{ID: e.ids[keyPump], Key: keyPump, MAC: "00:09:fb:12:34:56", IP: "10.1.3.20", Hostname: "alaris-ward7-03",
		Manufacturer: "BD", Model: "Alaris 8015", Category: cordon.CategoryInfusionPump, Site: "St Elsewhere", Location: "Ward 7", Owner: "Medical engineering"}
	bad := cordon.FindingDevice{ID: e.ids[keyHostile], Key: keyHostile, IP: "10.1.4.31", Hostname: hostile, Category: cordon.CategoryUnknown, Location: hostile}
	smb := &cordon.CVSS{Version: "3.1", Vector: "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", BaseScore: 8.1, Severity: "HIGH", Source: "nvd@nist.gov", Primary: true}
	rdp := &cordon.CVSS{Version: "3.1", Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", BaseScore: 9.8, Severity: "CRITICAL", Source: "nvd@nist.gov", Primary: true}
	alaris := &cordon.CVSS{Version: "3.1", Vector: "CVSS:3.1/AV:A/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H", BaseScore: 7.1, Severity: "HIGH", Source: "ics-cert@hq.dhs.gov", Primary: true}
	found := testNow.AddDate(0, 0, -3)
	w := &vulnWorld{
		findings: []*cordon.Finding{
			{ID: 1, Device: ct, CVE: cveEternalBlue, Title: "Microsoft SMBv1 remote code execution (EternalBlue)", Match: "confirmed",
				Criteria: "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*", Software: "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*",
				Evidence: []string{"smb.native_os=Windows 7 Professional 7601 Service Pack 1", "os → cpe:2.3:o:microsoft:windows_7:-:sp1", "NVD configuration 1: cpe:2.3:o:microsoft:windows_7:-:sp1 (vulnerable)"},
				Sources:  []string{"nvd", "kev", "epss"}, KEV: true, KEVDateAdded: day("2022-02-10"), KEVDueDate: day("2022-08-10"), KEVRansomware: true,
				EPSS: &cordon.EPSSScore{Score: 0.94, Percentile: 0.999, Date: day("2026-11-01")}, CVSS: smb, Severity: cordon.SeverityHigh,
				Fix:    cordon.Fix{Available: true, Since: day("2017-03-14"), Category: "vendor_fix", Details: "Install MS17-010.", URL: "https://learn.microsoft.com/en-us/security-updates/securitybulletins/2017/ms17-010", Source: "nvd"},
				Status: cordon.FindingStatus{Status: cordon.FindingOpen}, FirstFound: found, LastFound: testNow},
			{ID: 2, Device: ct, CVE: cveBlueKeep, Title: "Remote Desktop Services remote code execution (BlueKeep)", Match: "possible",
				Criteria: "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*", Software: "cpe:2.3:o:microsoft:windows_7:*:*:*:*:*:*:*:*",
				Evidence: []string{"smb.native_os=Windows 7", "os → cpe:2.3:o:microsoft:windows_7 (no build)"}, Sources: []string{"nvd", "kev"},
				KEV: true, KEVDateAdded: day("2021-11-03"), EPSS: &cordon.EPSSScore{Score: 0.0004, Percentile: 0.1, Date: day("2026-11-01")}, CVSS: rdp, Severity: cordon.SeverityCritical,
				Status: cordon.FindingStatus{Status: cordon.FindingOpen}, FirstFound: found, LastFound: testNow},
			{ID: 3, Device: pump, CVE: cveAlaris, Title: "BD Alaris PC Unit session handling", Match: "confirmed",
				Criteria: "ICSMA-20-317-01: BD Alaris 8015 PC Unit <=9.33.1", Software: "BD Alaris 8015 9.19",
				Evidence: []string{"model=Alaris 8015", "advisory product BD Alaris 8015 PC Unit, versions <=9.33.1"}, Sources: []string{"csaf:ICSMA-20-317-01"},
				CVSS: alaris, Severity: cordon.SeverityHigh, Fix: cordon.Fix{Category: "mitigation", Details: "Segment the pumps' network."},
				Status: cordon.FindingStatus{Status: cordon.FindingMitigated, Controls: []string{"Pump VLAN isolated"}, By: "analyst1", At: found}, FirstFound: found, LastFound: testNow},
			{ID: 4, Device: bad, CVE: cveHostile, Title: hostile, Match: "possible", Evidence: []string{hostile}, Sources: []string{"nvd"},
				Severity: cordon.SeverityUnknown, Status: cordon.FindingStatus{Status: cordon.FindingOpen, Reason: hostile}, FirstFound: found, LastFound: testNow},
		},
		exposures: []*cordon.Exposure{
			{Device: ct, Findings: 2, Open: 2, KEV: 2, Critical: 1, Confirmed: 1, Unsupported: true, AssessedAt: testNow.Add(-time.Hour),
				Risk: cordon.Risk{Score: 86, Likelihood: 0.95, Impact: 0.9, Controls: 0,
					Summary: "A CT scanner on Windows 7 with two known exploited vulnerabilities reachable over SMB.",
					Factors: []cordon.RiskFactor{
						{Part: "likelihood", Name: "kev", Value: "2 findings", Weight: 0.6, Why: "Attackers exploit these vulnerabilities in the wild."},
						{Part: "likelihood", Name: "epss", Value: "94%", Weight: 0.3, Why: "FIRST expects exploitation within 30 days."},
						{Part: "impact", Name: "patient_data", Value: "yes", Weight: 0.4, Why: "Traffic carries patient-identifiable content."},
						{Part: "impact", Name: "unsupported", Value: "Windows 7", Weight: 0.3, Why: "No security updates since 2020."},
					}},
				Support: []cordon.SupportStatus{
					{Subject: "os", Name: "Windows 7 SP1", State: cordon.SupportUnsupported, Since: day("2020-01-14"), Until: day("2020-01-14"), Source: "endoflife.date/windows", Reason: "Microsoft ended security updates on 2020-01-14."},
					{Subject: "model", Name: "Siemens Healthineers SOMATOM go.Up", State: cordon.SupportUnknown, Reason: "No lifecycle is loaded for this model."},
				}},
			{Device: bad, Findings: 1, Open: 1, Risk: cordon.Risk{Score: 22, Summary: hostile,
				Factors: []cordon.RiskFactor{{Part: "likelihood", Name: "cvss", Value: hostile, Weight: 0.2, Why: hostile}}}, AssessedAt: testNow},
		},
		vulns: map[string]*cordon.Vulnerability{
			cveEternalBlue: {ID: cveEternalBlue, Published: day("2017-03-17"), Modified: day("2024-11-21"),
				Description: "The SMBv1 server in Microsoft Windows Vista SP2; Windows Server 2008 SP2 and R2 SP1; Windows 7 SP1 … allows remote attackers to execute arbitrary code via crafted packets.",
				CVSS:        []cordon.CVSS{*smb},
				Configurations: []cordon.Configuration{{Nodes: []cordon.Node{{Operator: "OR", CPEMatch: []cordon.CPEMatch{
					{Vulnerable: true, Criteria: "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*"},
					{Vulnerable: true, Criteria: "cpe:2.3:o:microsoft:windows_server_2008:-:sp2:*:*:*:*:*:*"},
				}}}}},
				References: []string{"https://learn.microsoft.com/en-us/security-updates/securitybulletins/2017/ms17-010", "javascript:alert(1)"},
				KEV: &cordon.KEVEntry{VendorProject: "Microsoft", Product: "SMBv1", Name: "Microsoft SMBv1 Remote Code Execution", DateAdded: day("2022-02-10"), DueDate: day("2022-08-10"),
					RequiredAction: "Apply updates per vendor instructions.", Ransomware: true},
				EPSS: &cordon.EPSSScore{Score: 0.94, Percentile: 0.999, Date: day("2026-11-01"), Model: "v2025.03.14"}},
			cveBlueKeep: {ID: cveBlueKeep, Description: "A remote code execution vulnerability exists in Remote Desktop Services.", CVSS: []cordon.CVSS{*rdp},
				KEV: &cordon.KEVEntry{VendorProject: "Microsoft", Product: "Remote Desktop Services", DateAdded: day("2021-11-03"), DueDate: day("2022-05-03")}},
			cveAlaris:  {ID: cveAlaris, Description: "BD Alaris PC Unit, Model 8015, versions 9.33.1 and earlier: a malicious actor can …", CVSS: []cordon.CVSS{*alaris}},
			cveHostile: {ID: cveHostile, Description: hostile, References: []string{"https://logging.apache.org/security.html"}},
			// Known to the feeds, affecting nothing in the register.
			"CVE-2014-0160": {ID: "CVE-2014-0160", Description: "Heartbleed."},
		},
		history: map[string][]cordon.EPSSScore{cveEternalBlue: {
			{Score: 0.91, Date: day("2026-10-28")}, {Score: 0.92, Date: day("2026-10-29")}, {Score: 0.95, Date: day("2026-10-30")},
			{Score: 0.94, Date: day("2026-10-31")}, {Score: 0.94, Date: day("2026-11-01")},
		}},
		advs: []*cordon.Advisory{{ID: "ICSMA-20-317-01", Title: "BD Alaris 8015 PC Unit and BD Alaris Systems Manager", Publisher: "CISA",
			Released: day("2020-11-12"), Updated: day("2020-11-12"), URL: "https://www.cisa.gov/news-events/ics-medical-advisories/icsma-20-317-01",
			CVEs:         []string{cveAlaris},
			Products:     []cordon.ProductStatus{{ProductID: "CSAFPID-0001", CVE: cveAlaris, Vendor: "BD", Product: "Alaris 8015 PC Unit", Versions: "<=9.33.1", Status: cordon.StatusKnownAffected}},
			Remediations: []cordon.Remediation{{Category: cordon.RemediationMitigation, Details: "Segment the pumps' network from the hospital network.", CVEs: []string{cveAlaris}}},
		}},
		imports: []*cordon.FeedImport{{ID: 7, Source: cordon.FeedKEV, Name: "known_exploited_vulnerabilities.json", SHA256: strings.Repeat("ab", 32),
			Records: 1239, Changed: 4, ImportedAt: testNow.Add(-26 * time.Hour), By: "admin1"}},
	}
	return w
}

// cvssOf and epssOf are a finding's scores for the fake's priority sort,
// -1 when unscored.
func cvssOf(f *cordon.Finding) float64 {
	if f.CVSS == nil {
		return -1
	}
	return f.CVSS.BaseScore
}

func epssOf(f *cordon.Finding) float64 {
	if f.EPSS == nil {
		return -1
	}
	return f.EPSS.Score
}

// findFindings filters and sorts as the store's contract says.
func (w *vulnWorld) findFindings(_ context.Context, f cordon.FindingFilter) ([]*cordon.Finding, int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lastFilter = f
	var out []*cordon.Finding
	for _, x := range w.findings {
		switch {
		case f.DeviceID != 0 && x.Device.ID != f.DeviceID,
			len(f.CVEs) > 0 && !slices.Contains(f.CVEs, x.CVE),
			f.Status != "" && x.Status.Status != f.Status,
			f.Match != "" && x.Match != f.Match,
			f.Severity != "" && x.Severity != f.Severity,
			f.KEV != nil && x.KEV != *f.KEV,
			f.Site != "" && x.Device.Site != f.Site,
			f.Category != "" && x.Device.Category != f.Category,
			!f.Gone && !x.Gone.IsZero():
			continue
		}
		c := *x
		out = append(out, &c)
	}
	switch f.Sort {
	case "", "priority":
		slices.SortStableFunc(out, func(a, b *cordon.Finding) int {
			if a.KEV != b.KEV {
				if a.KEV {
					return -1
				}
				return 1
			}
			if c := cmp.Compare(epssOf(b), epssOf(a)); c != 0 {
				return c
			}
			return cmp.Compare(cvssOf(b), cvssOf(a))
		})
	case "cve":
		slices.SortStableFunc(out, func(a, b *cordon.Finding) int { return strings.Compare(a.CVE, b.CVE) })
	case "device":
		slices.SortStableFunc(out, func(a, b *cordon.Finding) int { return cmp.Compare(a.Device.ID, b.Device.ID) })
	case "-first_found":
	default:
		return nil, 0, cordon.Errorf(cordon.EINVALID, "Unknown sort %q.", f.Sort)
	}
	total := len(out)
	out = out[min(f.Offset, len(out)):]
	if f.Limit > 0 {
		out = out[:min(f.Limit, len(out))]
	}
	return out, total, nil
}

func (w *vulnWorld) findingByID(_ context.Context, id int64) (*cordon.Finding, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, x := range w.findings {
		if x.ID == id {
			c := *x
			return &c, nil
		}
	}
	return nil, cordon.Errorf(cordon.ENOTFOUND, "Finding not found.")
}

func (w *vulnWorld) updateStatus(ctx context.Context, id int64, st cordon.FindingStatus) (*cordon.Finding, error) {
	if err := st.Validate(); err != nil {
		return nil, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, x := range w.findings {
		if x.ID == id {
			st.By, st.At = cordon.Actor(ctx), testNow
			x.Status = st
			c := *x
			return &c, nil
		}
	}
	return nil, cordon.Errorf(cordon.ENOTFOUND, "Finding not found.")
}

// status is finding id's stored status.
func (w *vulnWorld) status(id int64) cordon.FindingStatus {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, x := range w.findings {
		if x.ID == id {
			return x.Status
		}
	}
	return cordon.FindingStatus{}
}

func (w *vulnWorld) findExposures(_ context.Context, f cordon.ExposureFilter) ([]*cordon.Exposure, int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lastExposureFilter = f
	var out []*cordon.Exposure
	for _, e := range w.exposures {
		switch {
		case f.Site != "" && e.Device.Site != f.Site,
			f.Category != "" && e.Device.Category != f.Category,
			f.Medical != nil && cordon.IsMedicalCategory(e.Device.Category) != *f.Medical,
			f.Unsupported != nil && e.Unsupported != *f.Unsupported,
			f.KEV != nil && (e.KEV > 0) != *f.KEV:
			continue
		}
		out = append(out, e)
	}
	slices.SortStableFunc(out, func(a, b *cordon.Exposure) int { return cmp.Compare(b.Risk.Score, a.Risk.Score) })
	total := len(out)
	out = out[min(f.Offset, len(out)):]
	if f.Limit > 0 {
		out = out[:min(f.Limit, len(out))]
	}
	return out, total, nil
}

func (w *vulnWorld) findExposure(_ context.Context, id int64) (*cordon.Exposure, error) {
	for _, e := range w.exposures {
		if e.Device.ID == id {
			return e, nil
		}
	}
	return nil, cordon.Errorf(cordon.ENOTFOUND, "Not assessed.")
}

func (w *vulnWorld) summary(context.Context) (*cordon.ExposureSummary, error) {
	return &cordon.ExposureSummary{Assessed: 3, Exposed: 2, KEVDevices: 1, Unsupported: 1, Ending: 1,
		ByCategory: []cordon.ExposureBucket{
			{Name: cordon.CategoryImagingModality, Devices: 1, Exposed: 1, KEV: 1, Unsupported: 1, MaxScore: 86},
			{Name: cordon.CategoryInfusionPump, Devices: 1, Exposed: 0, MaxScore: 30},
			{Name: cordon.CategoryUnknown, Devices: 1, Exposed: 1, MaxScore: 22},
		},
		BySite:     []cordon.ExposureBucket{{Name: "St Elsewhere", Devices: 2, Exposed: 1, KEV: 1, MaxScore: 86}, {Name: "", Devices: 1, Exposed: 1}},
		BySeverity: map[string]int{cordon.SeverityCritical: 1, cordon.SeverityHigh: 1, cordon.SeverityUnknown: 1},
		ByStatus:   map[string]int{cordon.FindingOpen: 3, cordon.FindingMitigated: 1},
	}, nil
}

func (w *vulnWorld) findVulnerability(_ context.Context, id string) (*cordon.Vulnerability, error) {
	if v, ok := w.vulns[id]; ok {
		return v, nil
	}
	return nil, cordon.Errorf(cordon.ENOTFOUND, "Unknown vulnerability.")
}

func (w *vulnWorld) feedStatus(context.Context) ([]cordon.FeedStatus, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []cordon.FeedStatus
	for _, s := range cordon.FeedSources {
		st := cordon.FeedStatus{Source: s}
		for _, imp := range w.imports {
			if imp.Source == s {
				st.Records += imp.Records
				st.Newest = imp.ImportedAt.Add(-24 * time.Hour)
				st.LastImport = imp
			}
		}
		out = append(out, st)
	}
	return out, nil
}

func (w *vulnWorld) feedImports(_ context.Context, limit int) ([]*cordon.FeedImport, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := slices.Clone(w.imports)
	slices.Reverse(out)
	return out[:min(limit, len(out))], nil
}

// importFeed stands in for feeds.Import: it recognises a file by its
// hash, refuses one holding "malformed" as the importer refuses a bad
// record, and records the rest as KEV imports.
func (w *vulnWorld) importFeed(_ context.Context, name string, r io.Reader, by string) (*cordon.FeedImport, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	hash := hex.EncodeToString(sum[:])
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, imp := range w.imports {
		if imp.SHA256 == hash {
			return imp, cordon.Errorf(cordon.ECONFLICT, "Already imported.")
		}
	}
	if strings.Contains(string(b), "malformed") {
		return nil, cordon.Errorf(cordon.EINVALID, "%s: line 3: vulnerabilities[0].cveID is missing.", name)
	}
	imp := &cordon.FeedImport{ID: int64(len(w.imports) + 100), Source: cordon.FeedKEV, Name: name, SHA256: hash,
		Records: strings.Count(string(b), "cveID"), Changed: 1, ImportedAt: testNow, By: by}
	w.imports = append(w.imports, imp)
	return imp, nil
}

// Assess records what it was asked to recompute.
func (w *vulnWorld) Assess(_ context.Context, ids []int64) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if ids == nil {
		w.assessed = append(w.assessed, "all")
	}
	for _, id := range ids {
		w.assessed = append(w.assessed, formatInt(id))
	}
	return w.assessErr
}

func (w *vulnWorld) assessCalls() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.assessed)
}

func (w *vulnWorld) services() (*mock.IntelService, *mock.FindingService) {
	intel := &mock.IntelService{
		FindVulnerabilityFn: w.findVulnerability,
		EPSSHistoryFn: func(_ context.Context, cve string) ([]cordon.EPSSScore, error) {
			return w.history[cve], nil
		},
		FindAdvisoriesFn:  func(context.Context) ([]*cordon.Advisory, error) { return w.advs, nil },
		FeedStatusFn:      w.feedStatus,
		FindFeedImportsFn: w.feedImports,
	}
	fs := &mock.FindingService{
		FindFindingsFn:        w.findFindings,
		FindFindingByIDFn:     w.findingByID,
		UpdateFindingStatusFn: w.updateStatus,
		FindExposuresFn:       w.findExposures,
		FindExposureFn:        w.findExposure,
		ExposureSummaryFn:     w.summary,
	}
	return intel, fs
}

// newVulnEnv is testEnv with findings configured: the same register and
// users, served by a handler that also has the intelligence, findings,
// assessor and feed import of w.
func newVulnEnv(t *testing.T, opts ...envOptions) (*testEnv, *vulnWorld) {
	t.Helper()
	var opt envOptions
	if len(opts) > 0 {
		opt = opts[0]
	}
	return newVulnEnvWith(t, opt, nil)
}

// newVulnEnvWith is newVulnEnv with the configuration changed by tweak
// before the handler is made.
func newVulnEnvWith(t *testing.T, opt envOptions, tweak func(*Config)) (*testEnv, *vulnWorld) {
	t.Helper()
	e := newTestEnv(t, opt)
	w := newVulnWorld(e)
	intel, fs := w.services()
	cfg := Config{
		Devices: e.devices, Captures: e.captures, Users: e.users, Audit: sqlite.NewAuditService(e.db),
		Queue: e.queue, CaptureDir: t.TempDir(), MaxUpload: 1 << 20,
		Intel: intel, Findings: fs, Assessor: w, ImportFeed: w.importFeed,
		CSRFToken: func(*http.Request) string { return testCSRF },
		Now:       func() time.Time { return testNow },
	}
	if tweak != nil {
		tweak(&cfg)
	}
	h, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	var handler http.Handler = e.csrf.wrap(withTestUser(e.users, mux))
	if opt.csp {
		inner := handler
		handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Security-Policy", testCSP)
			inner.ServeHTTP(w, r)
		})
	}
	e.srv.Close()
	e.srv = httptest.NewServer(handler)
	t.Cleanup(e.srv.Close)
	return e, w
}
