package ui_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/auth"
	"github.com/cordonsec/cordon/detect"
	cordonhttp "github.com/cordonsec/cordon/http"
	"github.com/cordonsec/cordon/http/ui"
	"github.com/cordonsec/cordon/policy"
	"github.com/cordonsec/cordon/sqlite"
)

// policyBrowserEnv is the production server with the network policy over
// a store holding a learned policy: the CT scanner's DICOM to the PACS
// approved, its email out held as forbidden, and a flow violation raised
// against it.
type policyBrowserEnv struct {
	*govEnv
	policies *sqlite.PolicyService
	rule     int64 // the approved DICOM rule
}

func newPolicyBrowserEnv(t *testing.T) *policyBrowserEnv {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "cordon.db"))
	govMust(t, err)
	t.Cleanup(func() { db.Close() })
	db.Now = func() time.Time { return govNow }
	e := &policyBrowserEnv{govEnv: &govEnv{t: t, db: db, ids: map[string]int64{}, alerts: sqlite.NewAlertService(db)},
		policies: sqlite.NewPolicyService(db)}

	users := sqlite.NewUserService(db)
	hash, err := auth.HashPasswordParams(govPassword, auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	govMust(t, err)
	setup := cordon.NewContextWithUser(context.Background(), &cordon.User{Name: "setup"})
	for _, u := range []*cordon.User{{Name: "analyst1", Role: cordon.RoleAnalyst}, {Name: "viewer1", Role: cordon.RoleViewer}} {
		u.PasswordHash = hash
		govMust(t, users.CreateUser(setup, u))
	}

	s := cordonhttp.NewServer()
	s.Addr = "127.0.0.1:0"
	s.DeviceService, s.CaptureService = sqlite.NewDeviceService(db), sqlite.NewCaptureService(db)
	s.UserService, s.AuditService = users, sqlite.NewAuditService(db)
	s.AlertService, s.PolicyService, s.ConversationService = e.alerts, e.policies, sqlite.NewConversationService(db)
	s.Ingester = nopQueue{}
	s.CaptureDir = t.TempDir()
	log := &syncBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server log:\n%s", log.String())
		}
	})
	s.Logger = slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelWarn}))
	s.Now = func() time.Time { return govNow }
	e.seedPolicy(s)

	pages, err := ui.New(ui.Config{
		Devices: s.DeviceService, Captures: s.CaptureService, Conversations: s.ConversationService,
		Users: users, Audit: s.AuditService, Queue: nopQueue{}, CaptureDir: s.CaptureDir, MaxUpload: 1 << 20,
		Alerts: e.alerts, Policies: e.policies,
		CSRFToken: cordonhttp.CSRFToken, Logger: s.Logger, Now: func() time.Time { return govNow },
	})
	govMust(t, err)
	s.UI = pages
	govMust(t, s.Open())
	t.Cleanup(func() { s.Close() })
	e.srv, e.url = s, s.URL()
	return e
}

// seedPolicy ingests a morning of radiology traffic, learns the policy
// from it, approves the CT scanner's DICOM to the PACS and raises a flow
// violation against the scanner.
func (e *policyBrowserEnv) seedPolicy(s *cordonhttp.Server) {
	t := e.t
	ctx := cordon.NewContextWithUser(context.Background(), &cordon.User{Name: "analyst1", Role: cordon.RoleAnalyst})
	caps := sqlite.NewCaptureService(e.db)
	c := &cordon.Capture{Name: "radiology-span.pcapng", SHA256: strings.Repeat("ab", 32), Size: 1 << 20, CreatedBy: "analyst1"}
	govMust(t, caps.CreateCapture(ctx, c))
	govMust(t, caps.StartCapture(ctx, c.ID))
	h := govNow.Truncate(time.Hour).Add(-2 * time.Hour)
	devs := []*cordon.Device{
		{MAC: govMAC("00:1b:63:84:45:e6"), IPs: []string{"10.1.2.15"}, Hostnames: []string{"CT-SCAN-01"}, Manufacturer: "Siemens Healthineers",
			Model: "SOMATOM go.Up", Category: cordon.CategoryImagingModality, Modality: "CT", Medical: true, Confidence: 0.96,
			FirstSeen: h.Add(-24 * time.Hour), LastSeen: h.Add(30 * time.Minute)},
		{MAC: govMAC("00:1b:21:0a:0b:0c"), IPs: []string{"10.1.10.5"}, Hostnames: []string{"PACS01"}, Category: cordon.CategoryMedicalServer,
			Confidence: 0.8, FirstSeen: h.Add(-24 * time.Hour), LastSeen: h.Add(30 * time.Minute)},
	}
	m := map[string]*cordon.Device{}
	for _, d := range devs {
		m[cordon.DeviceKey(d)] = d
	}
	conv := []cordon.Conversation{
		{Client: govCT1, Server: "mac:00:1b:21:0a:0b:0c", Proto: "tcp", Port: 104, App: "dicom", Hour: h, Flows: 40, Packets: 900, Bytes: 9e6},
		{Client: govCT1, Server: "ip:198.51.100.25", Proto: "tcp", Port: 25, App: "smtp", Hour: h, Flows: 2, Packets: 20, Bytes: 2000},
	}
	govMust(t, sqlite.NewIngestService(e.db).CommitIngest(ctx, c.ID, m, conv, cordon.IngestStats{Devices: 2, Conversations: len(conv)}))
	ds, _, err := s.DeviceService.FindDevices(ctx, cordon.DeviceFilter{Limit: 10})
	govMust(t, err)
	for _, d := range ds {
		e.ids[d.Key] = d.ID
	}

	ps := &policy.Server{Devices: s.DeviceService, Conversations: s.ConversationService, Policies: e.policies, Now: func() time.Time { return govNow }}
	_, err = ps.Learn(ctx, policy.LearnRequest{Days: 7})
	govMust(t, err)
	rules, err := e.policies.FindPolicyRules(ctx, cordon.PolicyRuleSuggested)
	govMust(t, err)
	for _, r := range rules {
		if r.Port == 104 && slices.Contains(r.SrcDevices, govCT1) {
			e.rule = r.ID
		}
	}
	if e.rule == 0 {
		t.Fatalf("no DICOM rule learned from %d suggestions", len(rules))
	}
	_, err = e.policies.ApprovePolicyRule(ctx, e.rule, cordon.PolicyDecision{Justification: "CT sends studies to PACS"})
	govMust(t, err)
	govMust(t, e.alerts.RaiseAlert(ctx, &cordon.Alert{Kind: detect.KindFlowViolation, Severity: cordon.AlertHigh, DeviceID: e.ids[govCT1],
		Subject: "10.1.2.15 → 10.1.10.9 tcp/104", Title: "CT-SCAN-01 sent DICOM outside the approved policy", Evidence: []string{"tcp/104 to 10.1.10.9"}}))
}

// TestBrowserPolicy opens a device under an approved rule and sees its
// network policy, revokes the rule on the policy page, and declares a
// zone in the zone editor, in Chromium through the production server.
func TestBrowserPolicy(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	e := newPolicyBrowserEnv(t)
	g := signIn(t, e.govEnv, "analyst1")
	ct, rule := id(e.ids[govCT1]), id(e.rule)
	ctx := context.Background()

	g.visit("policy-device", "/devices/"+ct, "CT-SCAN-01", "Network policy", "Under an approved policy", "Outbound: the device may open",
		"CT sends studies to PACS", "Forbidden", "Learned baseline", "tcp/104 dicom", "CT-SCAN-01 sent DICOM outside the approved policy")
	g.visit("policy-device-pacs", "/devices/"+id(e.ids["mac:00:1b:21:0a:0b:0c"]), "PACS01", "Inbound: may be opened to the device")

	// Revoke: the approved table's form, with a reason.
	g.visit("policy", "/policy", "Zones and network policy", "Approved policy (1 rules)")
	g.do("revoke",
		chromedp.SendKeys(chromedp.ID("rv-"+rule), "PACS replaced by the regional archive"),
		chromedp.Click(chromedp.CSS(`form.revoke-form[action="/policy/rules/`+rule+`"] button[value=reject]`)),
		chromedp.WaitVisible(chromedp.CSS(`.banner-ok`)),
	)
	g.wantText("revoked", "Rule revoked: it is no longer in the policy.", "Approved policy (0 rules)", "PACS replaced by the regional archive")
	n, err := chromedp.Run(g.ctx, chromedp.Evaluate[int](`document.querySelectorAll('#rejected #rule-`+rule+`').length`))
	if err != nil || n != 1 {
		t.Errorf("revoked rule in the rejected list: %d (%v)", n, err)
	}
	g.audit("revoked")
	g.shot("policy-revoked")
	g.problems("revoke")
	if r, err := e.policies.FindPolicyRule(ctx, e.rule); err != nil || r.State != cordon.PolicyRuleRejected || r.DecidedBy != "analyst1" {
		t.Errorf("stored rule after revoking: %+v %v", r, err)
	}
	g.visit("policy-device-revoked", "/devices/"+ct, "CT-SCAN-01", "No approved policy")

	// A zone: from the policy page's link, through the structured form.
	g.do("zone editor",
		chromedp.Navigate(e.url+"/policy"),
		chromedp.WaitVisible(chromedp.ID("zone-editor-link")),
		chromedp.Click(chromedp.ID("zone-editor-link")),
		chromedp.WaitVisible(chromedp.ID("z-name")),
	)
	g.visit("policy-zones", "/policy/zones", "Declared zones", "No zone declared")
	// A bad subnet first: refused, naming the zone and the field.
	g.do("bad zone",
		chromedp.SendKeys(chromedp.ID("z-name"), "radiology"),
		chromedp.SendKeys(chromedp.ID("z-subnets"), "10.1.2/24"),
		chromedp.Click(chromedp.CSS(`#zone-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("zone-error")),
	)
	g.wantText("bad zone", `Zone 1 ("radiology"): subnet "10.1.2/24" is not an address prefix`)
	g.problems("bad zone", "status of 400")
	g.do("zone",
		chromedp.SetValue(chromedp.ID("z-subnets"), "10.1.2.0/24"),
		chromedp.SetValue(chromedp.ID("z-kind"), policy.KindModality),
		chromedp.SendKeys(chromedp.ID("z-vlans"), "30, 31"),
		chromedp.Click(chromedp.CSS(`#zone-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.banner-ok`)),
	)
	g.wantText("zone saved", "Zone saved", "radiology", "modality", "10.1.2.0/24", "30, 31")
	g.audit("zone saved")
	g.shot("policy-zone-saved")
	g.problems("zone")
	l, err := e.policies.PolicyLearning(ctx)
	govMust(t, err)
	var specs []policy.ZoneSpec
	govMust(t, json.Unmarshal(l.ZoneSpecs, &specs))
	if l.Days != 7 || l.LearnedBy != "analyst1" || len(specs) != 1 || specs[0].Name != "radiology" || specs[0].Kind != policy.KindModality ||
		!slices.Equal(specs[0].Subnets, []string{"10.1.2.0/24"}) || !slices.Equal(specs[0].VLANs, []uint16{30, 31}) {
		t.Errorf("stored learning: %d days by %s, zones %+v", l.Days, l.LearnedBy, specs)
	}

	// A viewer sees the section and the zones, without forms.
	v := signIn(t, e.govEnv, "viewer1")
	v.visit("viewer-policy-device", "/devices/"+ct, "CT-SCAN-01", "Network policy")
	v.visit("viewer-policy-zones", "/policy/zones", "Declared zones", "radiology", "Your role (viewer) reads the zones")
	if n, _ := chromedp.Run(v.ctx, chromedp.Evaluate[int](`document.querySelectorAll('main form[method=post]').length`)); n != 0 {
		t.Errorf("a viewer sees %d forms on the zone editor", n)
	}
}
