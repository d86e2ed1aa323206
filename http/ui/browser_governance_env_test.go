package ui_test

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/auth"
	cordonhttp "github.com/cordonsec/cordon/http"
	"github.com/cordonsec/cordon/http/ui"
	"github.com/cordonsec/cordon/modeldoc"
	"github.com/cordonsec/cordon/sqlite"
)

// The governance browser test runs the production server (package http:
// sessions, CSRF checks, security headers and CSP) around the real pages
// over a real SQLite store, so it lives in the external test package.

// govNow is the store's and the server's clock: a Monday morning.
var govNow = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// govPassword is every test user's password.
const govPassword = "correct horse battery"

// formula is a spreadsheet formula typed where a name belongs; exports must
// defuse it.
const formula = `=HYPERLINK("http://evil.example/","EBME")`

// Register keys of the ward's devices.
const (
	govCT1   = "mac:00:1b:63:84:45:e6"
	govCT2   = "mac:00:1b:63:84:45:e7"
	govPump  = "mac:00:09:fb:12:34:56"
	govUS    = "mac:00:00:ab:10:20:30"
	govWS    = "mac:f8:bc:12:aa:bb:cc"
	govOddly = "mac:02:00:00:00:00:66"
)

// govEnv is the production server over a store seeded with what issue 5
// manages: models with documents, remediations in every state, exceptions,
// a supplier, lifecycle plans and alerts.
type govEnv struct {
	t   *testing.T
	db  *sqlite.DB
	srv *cordonhttp.Server
	url string
	ids map[string]int64 // device IDs by key

	models       *sqlite.ModelService
	remediations *sqlite.RemediationService
	exceptions   *sqlite.ExceptionService
	suppliers    *sqlite.SupplierService
	lifecycles   *sqlite.LifecycleService
	alerts       *sqlite.AlertService

	siemens, alaris *cordon.DeviceModel
	// rem holds the remediation IDs by the state they were seeded in;
	// "move" is the one the browser approves.
	rem map[string]int64
	// exception is the seeded model exception; supplier the seeded
	// supplier; alert the unexplained-access alert the browser
	// acknowledges.
	exception, supplier, alert int64
}

func govMust(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func govDay(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func govMAC(s string) cordon.MAC {
	m, err := cordon.ParseMAC(s)
	if err != nil {
		panic(err)
	}
	return m
}

// newGovEnv opens the store, seeds it through the services and starts the
// server on a free port.
func newGovEnv(t *testing.T) *govEnv {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "cordon.db"))
	govMust(t, err)
	t.Cleanup(func() { db.Close() })
	db.Now = func() time.Time { return govNow }
	e := &govEnv{t: t, db: db, ids: map[string]int64{}, rem: map[string]int64{},
		models: sqlite.NewModelService(db), remediations: sqlite.NewRemediationService(db),
		exceptions: sqlite.NewExceptionService(db), suppliers: sqlite.NewSupplierService(db),
		lifecycles: sqlite.NewLifecycleService(db), alerts: sqlite.NewAlertService(db)}

	users := sqlite.NewUserService(db)
	hash, err := auth.HashPasswordParams(govPassword, auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	govMust(t, err)
	setup := cordon.NewContextWithUser(context.Background(), &cordon.User{Name: "setup"})
	for _, u := range []*cordon.User{{Name: "admin1", Role: cordon.RoleAdmin}, {Name: "analyst1", Role: cordon.RoleAnalyst}, {Name: "viewer1", Role: cordon.RoleViewer}} {
		u.PasswordHash = hash
		govMust(t, users.CreateUser(setup, u))
	}
	e.seed()

	s := cordonhttp.NewServer()
	s.Addr = "127.0.0.1:0"
	s.DeviceService, s.CaptureService = sqlite.NewDeviceService(db), sqlite.NewCaptureService(db)
	s.UserService, s.AuditService = users, sqlite.NewAuditService(db)
	s.IntelService, s.FindingService = sqlite.NewIntelService(db), sqlite.NewFindingService(db)
	s.ModelService, s.DocumentService, s.RemediationService = e.models, sqlite.NewDocumentService(db), e.remediations
	s.ExceptionService, s.SupplierService = e.exceptions, e.suppliers
	s.LifecycleService, s.AlertService = e.lifecycles, e.alerts
	s.Ingester = nopQueue{}
	s.CaptureDir = t.TempDir()
	// The server's log is shown when the test fails: a 500 says why there.
	log := &syncBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server log:\n%s", log.String())
		}
	})
	s.Logger = slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelWarn}))
	s.Now = func() time.Time { return govNow }
	pages, err := ui.New(ui.Config{
		Devices: s.DeviceService, Captures: s.CaptureService, Conversations: sqlite.NewConversationService(db),
		Users: users, Audit: s.AuditService, Queue: nopQueue{}, CaptureDir: s.CaptureDir, MaxUpload: 1 << 20,
		Intel: s.IntelService, Findings: s.FindingService,
		Models: e.models, Documents: s.DocumentService, Remediations: e.remediations,
		Exceptions: e.exceptions, Suppliers: e.suppliers, Lifecycles: e.lifecycles, Alerts: e.alerts,
		CSRFToken: cordonhttp.CSRFToken,
		Logger:    s.Logger,
		Now:       func() time.Time { return govNow },
	})
	govMust(t, err)
	s.UI = pages
	govMust(t, s.Open())
	t.Cleanup(func() { s.Close() })
	e.srv, e.url = s, s.URL()
	return e
}

// syncBuffer is a log the server's goroutines write to at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type nopQueue struct{}

func (nopQueue) Enqueue(int64) {}

// govSBOM is a CycloneDX 1.4 excerpt in the shape of the FDA-era device
// SBOMs (github.com/spacelab-ccny/sbom-completeness), written for this test.
const govSBOM = `{"bomFormat": "CycloneDX", "specVersion": "1.4", "version": 1,
 "metadata": {"component": {"type": "device", "name": "SOMATOM go.Up", "version": "VA40"}},
 "components": [
  {"type": "operating-system", "name": "windows_7", "version": "6.1.7601", "cpe": "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*",
   "properties": [{"name": "End-of-Support", "value": "2020-01-14"}]},
  {"type": "library", "name": "openssl", "version": "1.0.2k", "cpe": "cpe:2.3:a:openssl:openssl:1.0.2k:*:*:*:*:*:*:*",
   "properties": [{"name": "End-of-Support", "value": "2019-12-31"}]},
  {"type": "library", "name": "zlib", "version": "1.2.11", "purl": "pkg:generic/zlib@1.2.11",
   "properties": [{"name": "End-of-Support", "value": "Unknown"}]}]}`

// govMDS2 is an MDS2 answer sheet as a manufacturer's CSV export would
// carry it (ANSI/NEMA HN 1-2019 question IDs), written for this test.
const govMDS2 = "Question ID,Question,Answer,Note\n" +
	"RMOT-1,Does the device allow remote service?,Yes,Siemens Smart Remote Services\n" +
	"TXCF-2,Is data encrypted in transit?,No,DICOM in clear inside the modality VLAN\n" +
	"MLDP-2,Does the device employ anti-malware?,No,\n"

// seed fills the store as the product would: ingest, documents, then each
// issue 5 service through its interface, acting as analyst1.
func (e *govEnv) seed() {
	t := e.t
	ctx := cordon.NewContextWithUser(context.Background(), &cordon.User{Name: "analyst1", Role: cordon.RoleAnalyst})
	e.ingest()

	// Models: the two CT scanners share one, with an SBOM and an MDS2.
	e.siemens = &cordon.DeviceModel{Manufacturer: "Siemens Healthineers", Model: "SOMATOM go.Up", Version: "VA40"}
	e.alaris = &cordon.DeviceModel{Manufacturer: "BD", Model: "Alaris 8015", Version: "9.19"}
	govMust(t, e.models.CreateModel(ctx, e.siemens))
	govMust(t, e.models.CreateModel(ctx, e.alaris))
	govMust(t, e.models.AssignDevices(ctx, e.siemens.ID, []int64{e.ids[govCT1], e.ids[govCT2]}))
	govMust(t, e.models.AssignDevices(ctx, e.alaris.ID, []int64{e.ids[govPump]}))
	docs := &modeldoc.Service{Models: e.models, Documents: sqlite.NewDocumentService(e.db), Now: func() time.Time { return govNow }}
	_, err := docs.Import(ctx, e.siemens.ID, "somatom-go-up.cdx.json", "", []byte(govSBOM))
	govMust(t, err)
	_, err = docs.Import(ctx, e.siemens.ID, "somatom-mds2.csv", "mds2", []byte(govMDS2))
	govMust(t, err)

	// Findings make the CTs and the odd device exposed.
	var as []cordon.DeviceAssessment
	for _, k := range []string{govCT1, govCT2, govOddly} {
		as = append(as, cordon.DeviceAssessment{DeviceID: e.ids[k],
			Findings: []cordon.Finding{{CVE: "CVE-2019-0708", Match: "confirmed", Severity: cordon.SeverityCritical, Evidence: []string{"os=Windows 7"}, Sources: []string{"nvd"}}},
			Exposure: cordon.Exposure{Risk: cordon.Risk{Score: 88}}})
	}
	govMust(t, sqlite.NewFindingService(e.db).ReplaceFindings(ctx, as))

	e.seedRemediations(ctx)
	e.seedExceptions(ctx)

	sup := &cordon.Supplier{Name: "Siemens Healthineers", Contact: "Service desk", Email: "service@example.com",
		Contracts: []cordon.Contract{{Reference: "SH-2025-01", Start: govDay("2025-01-01"), End: govDay("2028-01-01"), AttendHours: 4, PatchDays: 30}},
		Access:    []cordon.RemoteAccess{{Method: "rdp", Mode: cordon.AccessOnDemand, MFA: true, Sources: []string{"10.50.0.10"}}},
		ModelIDs:  []int64{e.siemens.ID}, DeviceIDs: []int64{}}
	govMust(t, e.suppliers.CreateSupplier(ctx, sup))
	e.supplier = sup.ID

	for k, p := range map[string]cordon.LifecyclePlan{
		govCT1:   {CommissionedOn: govDay("2017-01-10"), LifeYears: 10, ReplacementCost: 850000, FundingNote: "Capital 2026/27", EndOfSupportOn: govDay("2027-06-30"), EndOfSupportSource: "Siemens letter 2025-04"},
		govCT2:   {CommissionedOn: govDay("2018-03-01"), LifeYears: 10, ReplacementCost: 850000},
		govPump:  {CommissionedOn: govDay("2019-05-01"), LifeYears: 8, ReplacementCost: 2500},
		govUS:    {CommissionedOn: govDay("2014-02-01"), LifeYears: 12, ReplacementCost: 95000},
		govOddly: {ReplaceOn: govDay("2027-03-01"), ReplacementCost: 1000, FundingNote: formula},
	} {
		_, err := e.lifecycles.UpdateLifecycle(ctx, e.ids[k], p)
		govMust(t, err)
	}

	for _, a := range []*cordon.Alert{
		{Kind: cordon.AlertUnexplainedRemoteAccess, Severity: cordon.AlertHigh, DeviceID: e.ids[govCT2], Subject: "ip:203.0.113.9",
			Title: "Remote access from 203.0.113.9 that no supplier record explains", Evidence: []string{"tcp/5900 (vnc) from 203.0.113.9", "First seen 2026-11-02 07:00 UTC"}},
		{Kind: cordon.AlertRemediationOverdue, Severity: cordon.AlertMedium, Subject: "remediation:" + formatID(e.rem["move"]),
			Title: "CVE-2017-0144 on SOMATOM go.Up: manufacturer validation past 90 days", Evidence: []string{"Validation requested 2026-06-01"}},
		{Kind: cordon.AlertMDS2Contradiction, Severity: cordon.AlertLow, Subject: "model:" + formatID(e.siemens.ID),
			Title: "MDS2 says no encryption in transit; HL7 flows in clear", Evidence: []string{"TXCF-2: No"}},
	} {
		govMust(t, e.alerts.RaiseAlert(ctx, a))
		if a.Kind == cordon.AlertUnexplainedRemoteAccess {
			e.alert = a.ID
		}
	}
}

func formatID(id int64) string { return strconv.FormatInt(id, 10) }

// ingest puts the ward in the register as one capture, with an RDP session
// from the supplier's jump host into CT 1 and a VNC session from outside
// into CT 2.
func (e *govEnv) ingest() {
	t := e.t
	ctx := context.Background()
	caps := sqlite.NewCaptureService(e.db)
	c := &cordon.Capture{Name: "radiology-span.pcapng", SHA256: "9f2c6a0e4b1d8c7f3a5e2d9b6c4f1a8e7d3b5c2a9f6e4d1c8b7a5f3e2d9c6b4a", Size: 734003200, CreatedBy: "analyst1"}
	govMust(t, caps.CreateCapture(ctx, c))
	govMust(t, caps.StartCapture(ctx, c.ID))
	day := func(n int) time.Time { return govNow.AddDate(0, 0, -n) }
	ct := func(mac, ip, host string) *cordon.Device {
		return &cordon.Device{MAC: govMAC(mac), IPs: []string{ip}, Hostnames: []string{host},
			Manufacturer: "Siemens Healthineers", Model: "SOMATOM go.Up", Category: cordon.CategoryImagingModality, Modality: "CT", Medical: true,
			OS: cordon.OS{Name: "Windows 7", Version: "SP1"}, PatientData: true, Confidence: 0.96,
			Services:  []cordon.Service{{Proto: "tcp", Port: 104, App: "dicom", Role: "client"}, {Proto: "tcp", Port: 3389, App: "rdp", Role: "server"}},
			FirstSeen: day(30), LastSeen: govNow.Add(-2 * time.Hour)}
	}
	devs := []*cordon.Device{
		ct("00:1b:63:84:45:e6", "10.1.2.15", "CT-SCAN-01"),
		ct("00:1b:63:84:45:e7", "10.1.2.16", "CT-SCAN-02"),
		{MAC: govMAC("00:09:fb:12:34:56"), IPs: []string{"10.1.3.20"}, Hostnames: []string{"alaris-ward7-03"},
			Manufacturer: "BD", Model: "Alaris 8015", Category: cordon.CategoryInfusionPump, Medical: true, Confidence: 0.8,
			FirstSeen: day(10), LastSeen: govNow.Add(-30 * time.Minute)},
		{MAC: govMAC("00:00:ab:10:20:30"), IPs: []string{"10.1.2.40"}, Hostnames: []string{"US-CARDIO-02"},
			Manufacturer: "GE HealthCare", Model: "Vivid E9", Category: cordon.CategoryImagingModality, Modality: "US", Medical: true, Confidence: 0.85,
			FirstSeen: day(200), LastSeen: day(20)},
		{MAC: govMAC("f8:bc:12:aa:bb:cc"), IPs: []string{"10.1.4.30"}, Hostnames: []string{"WS-RECEPTION"},
			Manufacturer: "Dell", Category: cordon.CategoryWorkstation, OS: cordon.OS{Name: "Windows 10"}, Confidence: 0.7,
			FirstSeen: day(20), LastSeen: govNow.Add(-5 * time.Minute)},
		// Text from the network is hostile: markup and a formula.
		{MAC: govMAC("02:00:00:00:00:66"), IPs: []string{"10.1.4.31"}, Hostnames: []string{"<script>alert(1)</script>"},
			Manufacturer: formula, Category: cordon.CategoryUnknown, FirstSeen: day(1), LastSeen: govNow.Add(-time.Hour)},
	}
	m := map[string]*cordon.Device{}
	for _, d := range devs {
		m[cordon.DeviceKey(d)] = d
	}
	h := govNow.Truncate(time.Hour).Add(-2 * time.Hour)
	conv := []cordon.Conversation{
		{Client: "ip:10.50.0.10", Server: govCT1, Proto: "tcp", Port: 3389, App: "rdp", Hour: h, Flows: 1, Packets: 900, Bytes: 500000},
		{Client: "ip:203.0.113.9", Server: govCT2, Proto: "tcp", Port: 5900, Hour: h, Flows: 2, Packets: 40, Bytes: 9000},
	}
	stats := cordon.IngestStats{Packets: 48213, Bytes: 31_000_000, Flows: 812, Devices: len(devs), NewDevices: len(devs), Conversations: len(conv)}
	govMust(t, sqlite.NewIngestService(e.db).CommitIngest(ctx, c.ID, m, conv, stats))
	ds, _, err := sqlite.NewDeviceService(e.db).FindDevices(ctx, cordon.DeviceFilter{Limit: 100})
	govMust(t, err)
	for _, d := range ds {
		e.ids[d.Key] = d.ID
	}
	if len(e.ids) != len(devs) {
		t.Fatalf("register holds %d devices, want %d", len(e.ids), len(devs))
	}
}

// seedRemediations tracks one fix of the CT model in each state, and a
// second awaiting validation for the browser to approve.
func (e *govEnv) seedRemediations(ctx context.Context) {
	t := e.t
	track := func(cve, published string, steps ...cordon.RemediationTransition) int64 {
		r := &cordon.RemediationRecord{CVE: cve, ModelID: e.siemens.ID, FixPublished: govDay(published),
			FixReference: "https://msrc.microsoft.com/update-guide/vulnerability/" + cve}
		govMust(t, e.remediations.CreateRemediation(ctx, r))
		for _, s := range steps {
			_, err := e.remediations.TransitionRemediation(ctx, r.ID, s)
			govMust(t, err)
		}
		return r.ID
	}
	ask := cordon.RemediationTransition{State: cordon.RemediationAwaitingValidation, At: govDay("2026-06-01")}
	approve := cordon.RemediationTransition{State: cordon.RemediationApproved, At: govDay("2026-09-15"), ApprovedVersion: "VA40A-SP3", Evidence: "https://example.nhs.uk/siemens-letter.pdf"}
	e.rem[cordon.RemediationFixPublished] = track("CVE-2024-38063", "2024-08-13")
	e.rem["move"] = track("CVE-2017-0144", "2017-03-14", ask)
	e.rem[cordon.RemediationAwaitingValidation] = track("CVE-2019-1181", "2019-08-13", ask)
	e.rem[cordon.RemediationApproved] = track("CVE-2020-0796", "2020-03-12", ask, approve)
	e.rem[cordon.RemediationRejected] = track("CVE-2020-1350", "2020-07-14", ask,
		cordon.RemediationTransition{State: cordon.RemediationRejected, At: govDay("2026-08-01"), Reason: "Breaks the DICOM print service; Siemens will ship it in VA50."})
	e.rem[cordon.RemediationNotApplicable] = track("CVE-2021-34527", "2021-07-06",
		cordon.RemediationTransition{State: cordon.RemediationNotApplicable, At: govDay("2026-05-01"), Reason: "The print spooler is disabled in the image."})
	e.rem[cordon.RemediationScheduled] = track("CVE-2022-21907", "2022-01-11", ask, approve,
		cordon.RemediationTransition{State: cordon.RemediationScheduled, At: govDay("2026-10-01"), Scheduled: govDay("2026-11-20")})
	applied := track("CVE-2023-23397", "2023-03-14", ask, approve)
	_, err := e.remediations.UpdateRemediationDevices(ctx, applied, []cordon.RemediationDeviceChange{
		{DeviceID: e.ids[govCT1], State: cordon.RemediationDeviceApplied, Date: govDay("2026-10-01")},
		{DeviceID: e.ids[govCT2], State: cordon.RemediationDeviceApplied, Date: govDay("2026-10-02")},
	})
	govMust(t, err)
	if r, err := e.remediations.FindRemediationByID(ctx, applied); err != nil || r.State != cordon.RemediationApplied {
		_, err = e.remediations.TransitionRemediation(ctx, applied, cordon.RemediationTransition{State: cordon.RemediationApplied, At: govDay("2026-10-02")})
		govMust(t, err)
	}
	e.rem[cordon.RemediationApplied] = applied
}

// seedExceptions records the pump model's exception (complete plan) and
// one for the odd device, due for review, owned by a formula.
func (e *govEnv) seedExceptions(ctx context.Context) {
	t := e.t
	x := &cordon.Exception{ModelID: e.alaris.ID, Reason: cordon.ExceptionNoValidatedPatch, CVEs: []string{"CVE-2020-25165"},
		RiskRef: "RR-17", Owner: "Medical engineering", Expires: govDay("2027-04-30"),
		Controls: []cordon.Control{
			{Kind: "segmented", Class: cordon.ControlImpact, Status: cordon.ControlVerified, Evidence: "Pump VLAN 30, firewall rule FW-112", ReviewDate: govDay("2027-01-15")},
			{Kind: "no_removable_media", Class: cordon.ControlLikelihood, Status: cordon.ControlInPlace, Evidence: "USB ports sealed", ReviewDate: govDay("2027-02-01")},
		}}
	govMust(t, e.exceptions.CreateException(ctx, x))
	e.exception = x.ID
	odd := &cordon.Exception{DeviceID: e.ids[govOddly], Reason: cordon.ExceptionOther, ReasonText: "Unidentified; under investigation.",
		RiskRef: "RR-99", Owner: formula, Expires: govDay("2026-11-20"),
		Controls: []cordon.Control{{Kind: "monitored", Class: cordon.ControlImpact, Status: cordon.ControlPlanned, ReviewDate: govDay("2026-11-16")}}}
	govMust(t, e.exceptions.CreateException(ctx, odd))
}
