package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/analysis"
	"github.com/cordonsec/cordon/capture"
	"github.com/cordonsec/cordon/detect"
	"github.com/cordonsec/cordon/policy"
	"github.com/cordonsec/cordon/simulate"
)

// allowedBy reports whether one of rules allows the flow of a violation
// subject.
func allowedBy(t *testing.T, subject string, rules []policy.Rule) bool {
	t.Helper()
	src, dst, proto, port, ok := detect.ParseViolationSubject(subject)
	if !ok {
		t.Fatalf("violation subject %q does not read back", subject)
	}
	for _, r := range rules {
		if r.Proto == proto && r.Port == port && slices.Contains(r.Src, src.String()) && slices.Contains(r.Dst, dst.String()) {
			return true
		}
	}
	return false
}

// takeDICOMRule removes a DICOM rule from p and returns it.
func takeDICOMRule(t *testing.T, p *policy.Policy) policy.Rule {
	t.Helper()
	for i, r := range p.Rules {
		if r.App == "dicom" && len(r.Src) > 0 && len(r.Dst) > 0 {
			p.Rules = slices.Delete(p.Rules, i, i+1)
			return r
		}
	}
	t.Fatal("the suggestion has no DICOM rule")
	return policy.Rule{}
}

// TestAnalyzePolicy holds a simulated hospital's capture to its own
// suggested policy with one DICOM rule taken out: the flows of that rule,
// and only flows no rule allows, are flow_violation alerts.
func TestAnalyzePolicy(t *testing.T) {
	path, _ := simulateCapture(t, simulate.Config{Seed: 1, Devices: 120, Duration: time.Hour})
	var p policy.Policy
	if err := json.Unmarshal([]byte(runOK(t, "", "policy", "suggest", "--format", "json", path)), &p); err != nil {
		t.Fatal(err)
	}
	removed := takeDICOMRule(t, &p)
	b, err := json.Marshal(&p)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "policy.json")
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	var res analysis.Result
	if err := json.Unmarshal([]byte(runOK(t, "", "analyze", "--format", "json", "--policy", file, path)), &res); err != nil {
		t.Fatal(err)
	}
	var hit bool
	for _, a := range res.Alerts {
		if a.Kind != detect.KindFlowViolation {
			continue
		}
		if allowedBy(t, a.Subject, p.Rules) {
			t.Errorf("violation of an allowed flow: %+v", a)
		}
		hit = hit || allowedBy(t, a.Subject, []policy.Rule{removed})
	}
	if !hit {
		t.Errorf("no violation for the removed rule %s → %s %s/%d", removed.Src, removed.Dst, removed.Proto, removed.Port)
	}

	// A bad policy file stops the command before it reads the capture.
	if err := os.WriteFile(file, []byte(`{"rules":[{"proto":"tcp","state":"approved","src":["10.1.2.300"]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"analyze", "--policy", file, path}, nil, &stdout, &stderr); code == exitOK ||
		!bytes.Contains(stderr.Bytes(), []byte("rules[0].src[0]")) {
		t.Errorf("bad policy: exit %d, stderr %q", code, stderr.String())
	}
}

// TestStoredPolicyViolations approves a learned policy but one DICOM rule;
// a later capture raises flow_violation for that rule's flows on the held
// devices, and approving the rule resolves them at the next check.
func TestStoredPolicyViolations(t *testing.T) {
	dir := t.TempDir()
	day := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	first, _ := simulateCapture(t, simulate.Config{Seed: 3, Devices: 60, Start: day, Duration: 20 * time.Minute})
	runOK(t, "", "ingest", "--data", dir, first)

	st, err := openStore(dir, slog.New(slog.DiscardHandler), "")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { st.Close() }()
	now := day.Add(2 * time.Hour)
	st.db.Now = func() time.Time { return now }
	ctx := cordon.NewContextWithUser(context.Background(), &cordon.User{Name: "analyst", Role: cordon.RoleAnalyst})
	if _, err := st.policyServer().Learn(ctx, policy.LearnRequest{Days: 1}); err != nil {
		t.Fatal(err)
	}
	// A policy learned but not approved holds nobody.
	if e, err := st.policyServer().Enforcer(ctx); e != nil || err != nil {
		t.Fatalf("enforcer before approval = %v, %v", e, err)
	}
	suggested, err := st.policies.FindPolicyRules(ctx, cordon.PolicyRuleSuggested)
	if err != nil {
		t.Fatal(err)
	}
	var held *cordon.PolicyRule
	var approved []policy.Rule
	for _, r := range suggested {
		if held == nil && r.App == "dicom" {
			held = r
			continue
		}
		if _, err := st.policies.ApprovePolicyRule(ctx, r.ID, cordon.PolicyDecision{Justification: "seen in the learning window"}); err != nil {
			t.Fatal(err)
		}
		approved = append(approved, policy.Rule{Src: r.Src, Dst: r.Dst, Proto: r.Proto, Port: r.Port})
	}
	if held == nil {
		t.Fatal("no DICOM rule learned")
	}
	st.Close()

	second, _ := simulateCapture(t, simulate.Config{Seed: 3, Devices: 60, Start: day.Add(3 * time.Hour), Duration: 20 * time.Minute})
	runOK(t, "", "ingest", "--data", dir, second)

	if st, err = openStore(dir, slog.New(slog.DiscardHandler), ""); err != nil {
		t.Fatal(err)
	}
	now = day.Add(5 * time.Hour)
	st.db.Now = func() time.Time { return now }
	open := func() []*cordon.Alert {
		t.Helper()
		as, err := findOpenAlerts(ctx, st, detect.KindFlowViolation)
		if err != nil {
			t.Fatal(err)
		}
		return as
	}
	heldRule := []policy.Rule{{Src: held.Src, Dst: held.Dst, Proto: held.Proto, Port: held.Port}}
	var ofHeld int
	for _, a := range open() {
		if allowedBy(t, a.Subject, approved) {
			t.Errorf("violation of an approved flow: %s %s", a.Subject, a.Title)
		}
		if allowedBy(t, a.Subject, heldRule) {
			ofHeld++
			if a.Device == nil || !slices.Contains(held.SrcDevices, a.Device.Key) {
				t.Errorf("violation %s is on %+v, not the modality that opened it", a.Subject, a.Device)
			}
		}
	}
	if ofHeld == 0 {
		t.Fatalf("no flow_violation for the unapproved DICOM rule %v → %v", held.Src, held.Dst)
	}
	// The live path holds its batches to the same policy: the same
	// traffic seen live counts the same alerts again.
	f, err := capture.Open(second)
	if err != nil {
		t.Fatal(err)
	}
	l := newLiveLoop(st, "eth9", f, 24*time.Hour, slog.New(slog.DiscardHandler))
	if sum, err := l.run(ctx); err != nil || sum.Batches != 1 {
		t.Fatalf("live run: %+v, %v", sum, err)
	}
	f.Close()
	for _, a := range open() {
		if allowedBy(t, a.Subject, heldRule) && a.Count < 2 {
			t.Errorf("violation %s counted %d times after the live batch, want at least 2", a.Subject, a.Count)
		}
	}
	// Approved as the server approves it, the rule settles its
	// violations at once.
	before := len(open())
	served := settlingPolicies{PolicyService: st.policies, st: st, logger: slog.New(slog.DiscardHandler)}
	if _, err := served.ApprovePolicyRule(ctx, held.ID, cordon.PolicyDecision{Justification: "studies to PACS"}); err != nil {
		t.Fatal(err)
	}
	after := open()
	if len(after) != before-ofHeld {
		t.Errorf("settling left %d of %d violations open; want the %d of the DICOM rule resolved", len(after), before, ofHeld)
	}
	for _, a := range after {
		if allowedBy(t, a.Subject, heldRule) {
			t.Errorf("violation %s still open after its rule was approved", a.Subject)
		}
	}
}

// TestDemoPolicy checks the demo's enforcement story: the imaging zone's
// rules approved, the rest left for the user, and the next morning's
// capture raising flow_violation only on devices held to the policy.
func TestDemoPolicy(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole demo")
	}
	dir := t.TempDir()
	var out bytes.Buffer
	if _, err := prepareDemo(context.Background(), dir, 150, 1, slog.New(slog.DiscardHandler), &out); err != nil {
		t.Fatal(err)
	}
	st, err := openStore(dir, slog.New(slog.DiscardHandler), "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	approved, err := st.policies.FindPolicyRules(ctx, cordon.PolicyRuleApproved)
	if err != nil {
		t.Fatal(err)
	}
	suggested, err := st.policies.FindPolicyRules(ctx, cordon.PolicyRuleSuggested)
	if err != nil {
		t.Fatal(err)
	}
	if len(approved) == 0 || len(suggested) == 0 {
		t.Fatalf("%d rules approved, %d left suggested; want some of each\n%s", len(approved), len(suggested), out.String())
	}
	vs, err := findOpenAlerts(ctx, st, detect.KindFlowViolation)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) == 0 {
		t.Fatalf("the next morning's capture raised no flow_violation\n%s", out.String())
	}
	for _, a := range vs {
		if a.Device == nil {
			t.Fatalf("violation without a device: %+v", a)
		}
		p, err := st.policyServer().Device(ctx, a.Device.Key)
		if err != nil {
			t.Fatal(err)
		}
		if !p.UnderPolicy {
			t.Errorf("violation %q on %s, which is not held to the policy", a.Subject, a.Device.Key)
		}
	}
}
