package assess_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/assess"
	"github.com/cordonsec/cordon/sqlite"
)

var runNow = time.Date(2025, 9, 1, 12, 0, 0, 0, time.UTC)

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

func mustOpenDB(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(filepath.Join(tb.TempDir(), "cordon.db"))
	must(tb, err)
	tb.Cleanup(func() { must(tb, db.Close()) })
	return db
}

// countingIntel counts how often the Runner loads the vulnerabilities, to
// show that it rebuilds its Engine only when the intelligence changed.
type countingIntel struct {
	cordon.IntelService
	loads atomic.Int32
}

func (c *countingIntel) EachVulnerability(ctx context.Context, fn func(v *cordon.Vulnerability) error) error {
	c.loads.Add(1)
	return c.IntelService.EachVulnerability(ctx, fn)
}

// importIntel loads the excerpt of CVE-2017-0144 (see records_test.go),
// its KEV listing and an EPSS score, and Windows 7's lifecycle.
func importIntel(tb testing.TB, intel cordon.IntelService) {
	tb.Helper()
	ctx := context.Background()
	imp := func(source string, fn func(w cordon.FeedWriter) error) {
		sum := sha256.Sum256([]byte(source + tb.Name()))
		must(tb, intel.ImportFeed(ctx, &cordon.FeedImport{Source: source, Name: source + ".json", SHA256: fmt.Sprintf("%x", sum), By: "test"}, fn))
	}
	imp(cordon.FeedNVD, func(w cordon.FeedWriter) error {
		return w.PutVulnerability(&cordon.Vulnerability{
			ID: "CVE-2017-0144", Published: time.Date(2017, 3, 17, 0, 59, 4, 0, time.UTC), Modified: time.Date(2025, 10, 21, 0, 0, 0, 0, time.UTC),
			Description: "The SMBv1 server in Microsoft Windows Vista SP2; … Windows 7 SP1 … allows remote attackers to execute arbitrary code via crafted packets.",
			CVSS:        []cordon.CVSS{{Version: "3.1", Vector: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", BaseScore: 8.8, Severity: "HIGH", Source: "nvd@nist.gov", Primary: true}},
			Configurations: []cordon.Configuration{{Operator: "AND", Nodes: []cordon.Node{
				{Operator: "OR", CPEMatch: []cordon.CPEMatch{{Vulnerable: true, Criteria: "cpe:2.3:a:microsoft:server_message_block:1.0:*:*:*:*:*:*:*"}}},
				{Operator: "OR", CPEMatch: []cordon.CPEMatch{{Criteria: "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*"}}},
			}}},
		})
	})
	imp(cordon.FeedKEV, func(w cordon.FeedWriter) error {
		return w.PutKEV("CVE-2017-0144", &cordon.KEVEntry{VendorProject: "Microsoft", Product: "SMBv1", Name: "Microsoft SMBv1 Remote Code Execution Vulnerability",
			DateAdded: time.Date(2022, 2, 10, 0, 0, 0, 0, time.UTC), DueDate: time.Date(2022, 8, 10, 0, 0, 0, 0, time.UTC), Ransomware: true})
	})
	imp(cordon.FeedEPSS, func(w cordon.FeedWriter) error {
		return w.PutEPSS("CVE-2017-0144", &cordon.EPSSScore{Score: 0.94, Percentile: 0.999, Date: time.Date(2025, 8, 25, 0, 0, 0, 0, time.UTC), Model: "v2025.03.14"})
	})
	imp(cordon.FeedLifecycle, func(w cordon.FeedWriter) error {
		return w.PutLifecycle(&cordon.Lifecycle{Product: "windows", Release: "7-sp1", Label: "7 SP1",
			EndOfLife: time.Date(2020, 1, 14, 0, 0, 0, 0, time.UTC), Latest: "6.1.7601", Source: "endoflife.date"})
	})
}

// ingest stores devices and their conversations as one capture.
func ingest(tb testing.TB, db *sqlite.DB, devs map[string]*cordon.Device, convs []cordon.Conversation) {
	tb.Helper()
	ctx := context.Background()
	caps := sqlite.NewCaptureService(db)
	c := &cordon.Capture{Name: "ward.pcap", SHA256: fmt.Sprintf("%x", sha256.Sum256([]byte(tb.Name()))), Size: 1}
	must(tb, caps.CreateCapture(ctx, c))
	must(tb, caps.StartCapture(ctx, c.ID))
	must(tb, sqlite.NewIngestService(db).CommitIngest(ctx, c.ID, devs, convs, cordon.IngestStats{Devices: len(devs)}))
}

func TestRunner_SQLite(t *testing.T) {
	ctx := context.Background()
	db := mustOpenDB(t)
	intel := &countingIntel{IntelService: sqlite.NewIntelService(db)}
	findings := sqlite.NewFindingService(db)
	devices := sqlite.NewDeviceService(db)
	importIntel(t, intel)

	mac := func(s string) cordon.MAC { m, err := cordon.ParseMAC(s); must(t, err); return m }
	pump := &cordon.Device{MAC: mac("00:11:22:33:44:55"), IPs: []string{"10.1.20.5"}, Manufacturer: "Acme Medical", Model: "FlowMax 3",
		Category: cordon.CategoryInfusionPump, Medical: true, OS: cordon.OS{Name: "Windows 7", Version: "6.1.7601"},
		Software:  []cordon.Software{{CPE: "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*", Source: "os"}},
		FirstSeen: runNow.Add(-2 * time.Hour), LastSeen: runNow.Add(-time.Hour)}
	prn := &cordon.Device{MAC: mac("00:11:22:33:44:66"), IPs: []string{"10.1.30.7"}, Manufacturer: "HP", Category: cordon.CategoryPrinter,
		FirstSeen: runNow.Add(-2 * time.Hour), LastSeen: runNow.Add(-time.Hour)}
	pumpKey, prnKey := cordon.DeviceKey(pump), cordon.DeviceKey(prn)
	var convs []cordon.Conversation
	hour := runNow.Add(-time.Hour).Truncate(time.Hour)
	for i := range 60 { // the pump talks with sixty peers over twelve subnets
		convs = append(convs, cordon.Conversation{Client: fmt.Sprintf("ip:10.%d.%d.9", 2+i%12, i), Server: pumpKey, Proto: "tcp", Port: 445, App: "smb", Hour: hour, Flows: 1, Packets: 2, Bytes: 100})
	}
	convs = append(convs, cordon.Conversation{Client: "ip:10.9.0.10", Server: prnKey, Proto: "tcp", Port: 9100, Hour: hour, Flows: 1, Packets: 2, Bytes: 100})
	ingest(t, db, map[string]*cordon.Device{pumpKey: pump, prnKey: prn}, convs)
	// A PC only the register knows.
	pc, err := devices.CreateDevice(ctx, cordon.Recorded{Hostname: "ward-pc", Manufacturer: "Dell", Category: cordon.CategoryWorkstation, OS: "Windows 7 SP1"})
	must(t, err)

	r := &assess.Runner{Intel: intel, Devices: devices, Conversations: sqlite.NewConversationService(db), Findings: findings,
		Now: func() time.Time { return runNow }}
	must(t, r.Assess(ctx, nil))

	recs, _, err := devices.FindDevices(ctx, cordon.DeviceFilter{})
	must(t, err)
	ids := map[string]int64{}
	for _, rec := range recs {
		ids[rec.Key] = rec.ID
	}
	fs, n, err := findings.FindFindings(ctx, cordon.FindingFilter{DeviceID: ids[pumpKey]})
	must(t, err)
	if n != 1 || fs[0].CVE != "CVE-2017-0144" || !fs[0].KEV || fs[0].Match != "confirmed" || fs[0].EPSS == nil {
		t.Fatalf("pump findings %d: %+v", n, fs)
	}
	x, err := findings.FindExposure(ctx, ids[pumpKey])
	must(t, err)
	if x.Risk.Score < 90 || !x.Unsupported || x.KEV != 1 {
		t.Errorf("pump exposure %+v", x)
	}
	px, err := findings.FindExposure(ctx, ids[prnKey])
	must(t, err)
	if px.Risk.Score > 10 || px.Findings != 0 {
		t.Errorf("printer exposure %+v", px)
	}
	if _, n, _ := findings.FindFindings(ctx, cordon.FindingFilter{DeviceID: pc.ID}); n != 1 {
		t.Errorf("register-only PC: %d findings, want EternalBlue", n)
	}

	// Marking the finding fixed lowers the pump's risk on the next run,
	// which reuses the Engine: the intelligence did not change.
	_, err = findings.UpdateFindingStatus(ctx, fs[0].ID, cordon.FindingStatus{Status: cordon.FindingFixed})
	must(t, err)
	must(t, r.Assess(ctx, []int64{ids[pumpKey]}))
	x2, err := findings.FindExposure(ctx, ids[pumpKey])
	must(t, err)
	if x2.Risk.Score >= x.Risk.Score || factorNamed(x2.Risk, "kev") {
		t.Errorf("after fix: %d (was %d) %+v", x2.Risk.Score, x.Risk.Score, x2.Risk.Factors)
	}
	if got := intel.loads.Load(); got != 1 {
		t.Errorf("intel loaded %d times, want 1", got)
	}
	// Concurrent runs share one Engine build per intelligence version.
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() { defer wg.Done(); must(t, r.Assess(ctx, nil)) }()
	}
	wg.Wait()
	if got := intel.loads.Load(); got != 1 {
		t.Errorf("intel loaded %d times, want 1", got)
	}
}

func factorNamed(r cordon.Risk, name string) bool {
	for _, f := range r.Factors {
		if f.Name == name {
			return true
		}
	}
	return false
}

// TestRunner_NoIntel assesses with nothing imported: support states and
// exposure still come out.
func TestRunner_NoIntel(t *testing.T) {
	ctx := context.Background()
	db := mustOpenDB(t)
	devices := sqlite.NewDeviceService(db)
	findings := sqlite.NewFindingService(db)
	rec, err := devices.CreateDevice(ctx, cordon.Recorded{Hostname: "pump-1", Category: cordon.CategoryInfusionPump, OS: "Windows XP"})
	must(t, err)
	r := &assess.Runner{Intel: sqlite.NewIntelService(db), Devices: devices, Conversations: sqlite.NewConversationService(db), Findings: findings,
		Now: func() time.Time { return runNow }}
	must(t, r.Assess(ctx, nil))
	x, err := findings.FindExposure(ctx, rec.ID)
	must(t, err)
	if len(x.Support) == 0 || x.Support[0].Subject != "os" || x.Support[0].Reason == "" || x.Risk.Summary == "" {
		t.Errorf("exposure %+v", x)
	}
}

// TestRunner_Errors checks that a failing store stops the run with the
// error.
func TestRunner_Errors(t *testing.T) {
	ctx := context.Background()
	db := mustOpenDB(t)
	devices := sqlite.NewDeviceService(db)
	_, err := devices.CreateDevice(ctx, cordon.Recorded{Hostname: "x"})
	must(t, err)
	r := &assess.Runner{Intel: sqlite.NewIntelService(db), Devices: devices, Conversations: failingConversations{},
		Findings: sqlite.NewFindingService(db), Now: func() time.Time { return runNow }}
	if err := r.Assess(ctx, nil); err == nil {
		t.Fatal("no error from a failing conversation store")
	}
}

type failingConversations struct{}

func (failingConversations) FindConversations(context.Context, cordon.ConversationFilter) ([]cordon.Conversation, error) {
	return nil, fmt.Errorf("disk on fire")
}

func (failingConversations) EachConversation(context.Context, cordon.ConversationFilter, func(cordon.Conversation) error) error {
	return fmt.Errorf("disk on fire")
}
