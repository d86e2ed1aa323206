package ui

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/detect"
	"github.com/cordonsec/cordon/policy"
	"github.com/cordonsec/cordon/sqlite"
)

// learnWard learns the policy env's traffic over days as analyst1.
func (e *testEnv) learnWard(days string) {
	e.t.Helper()
	if r := e.post("analyst1", "/policy/learn", url.Values{"days": {days}}); r.status != http.StatusSeeOther {
		e.t.Fatalf("learn = %d\n%s", r.status, r.body)
	}
}

// ctRule returns the CT scanner's suggested DICOM rule.
func (e *testEnv) ctRule() *cordon.PolicyRule {
	e.t.Helper()
	rules, err := sqlite.NewPolicyService(e.db).FindPolicyRules(context.Background(), cordon.PolicyRuleSuggested)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, r := range rules {
		if r.Port == 104 && slices.Contains(r.SrcDevices, keyCT) {
			return r
		}
	}
	e.t.Fatalf("no DICOM rule from the CT scanner in %d suggestions", len(rules))
	return nil
}

func TestDevicePolicySection(t *testing.T) {
	e := newPolicyEnv(t)
	ct := e.devicePath(keyCT)

	r := e.get("viewer1", ct)
	if r.status != 200 || !strings.Contains(r.body, `id="network-policy"`) || !strings.Contains(r.body, "No approved policy") ||
		!strings.Contains(r.body, "nothing has been learned yet") || !strings.Contains(r.body, "No baseline learned") ||
		!strings.Contains(r.body, "No open flow violation") {
		t.Fatalf("section before learning = %d\n%s", r.status, r.body)
	}

	// Learned: suggestions to review, the forbidden email held, the
	// baseline; still no approved policy.
	e.learnWard("7")
	rule := e.ctRule()
	r = e.get("viewer1", ct)
	for _, want := range []string{`href="/policy#rule-` + strconv.FormatInt(rule.ID, 10) + `"`, "Suggested rules awaiting review", "Forbidden",
		"198.51.100.25", "Learned baseline", "tcp/104 dicom", "10.9.0.5", "08:00–08:59", "No approved policy"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("section after learning lacks %q", want)
		}
	}
	// A baseline peer the register knows links to its page.
	if sec := pageSection(r.body, "network-policy"); !strings.Contains(sec, `<a href="/devices/`+strconv.FormatInt(e.ids[keyPC], 10)+`">`) {
		t.Errorf("the baseline does not link its peer in the register\n%s", sec)
	}
	if strings.Contains(r.body, "nothing has been learned yet") || strings.Contains(r.body, `id="netpol-out"`) {
		t.Errorf("section after learning says nothing was learned, or lists approved rules")
	}

	// Approved, the rule puts the CT under the policy since the approval;
	// an open violation links to its alert, escaped.
	if r := e.post("analyst1", "/policy/rules/"+strconv.FormatInt(rule.ID, 10), url.Values{"action": {"approve"}, "justification": {"CT sends studies to PACS"}}); r.status != http.StatusSeeOther {
		t.Fatalf("approve = %d", r.status)
	}
	alerts := sqlite.NewAlertService(e.db)
	a := &cordon.Alert{Kind: detect.KindFlowViolation, Severity: cordon.AlertHigh, DeviceID: e.ids[keyCT], Subject: "10.1.2.15 → 10.9.0.6 tcp/104",
		Title: "Traffic outside the approved policy " + hostile, Evidence: []string{"seen"}}
	other := &cordon.Alert{Kind: cordon.AlertDecommissionedReappeared, Severity: cordon.AlertHigh, DeviceID: e.ids[keyCT], Subject: "x", Title: "Not a policy violation"}
	for _, al := range []*cordon.Alert{a, other} {
		if err := alerts.RaiseAlert(context.Background(), al); err != nil {
			t.Fatal(err)
		}
	}
	r = e.get("viewer1", ct)
	for _, want := range []string{"Under an approved policy</span> since <time datetime=\"2026-11-02T09:00:00Z\">", `id="netpol-out"`, `id="device-rule-` + strconv.FormatInt(rule.ID, 10) + `"`,
		"CT sends studies to PACS", "No inbound rule", `href="/alerts/` + strconv.FormatInt(a.ID, 10) + `"`, "&lt;script&gt;"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("section after approval lacks %q", want)
		}
	}
	if strings.Contains(r.body, hostile) || strings.Contains(r.body, "Not a policy violation") ||
		strings.Contains(r.body, `href="/policy#rule-`+strconv.FormatInt(rule.ID, 10)+`">Rule`) {
		t.Errorf("section after approval shows raw markup, another kind of alert, or the approved rule as a suggestion")
	}
	// The pump is under no policy: the approved rule does not name it.
	if r := e.get("viewer1", e.devicePath(keyPump)); !strings.Contains(r.body, "No approved policy") || strings.Contains(r.body, "Traffic outside the approved policy") {
		t.Errorf("pump's section shows the CT's policy")
	}

	// Without the policy configured, there is no section.
	plain := newTestEnv(t)
	if r := plain.get("viewer1", plain.devicePath(keyCT)); r.status != 200 || strings.Contains(r.body, "network-policy") {
		t.Errorf("section shown without a policy store: %d", r.status)
	}
}

func TestSummarizeBaseline(t *testing.T) {
	b := &policy.Baseline{Zone: "modalities"}
	b.Hours[0], b.Hours[7], b.Hours[8], b.Hours[9], b.Hours[23] = 1, 2, 3, 4, 5
	for i := range devicePolicyPatterns + 3 {
		b.Patterns = append(b.Patterns, policy.Pattern{Peer: "ip:10.9.0." + strconv.Itoa(i%5), Direction: "out", Proto: "tcp", Port: uint16(100 + i%2),
			Evidence: policy.Evidence{Flows: uint64(i)}})
	}
	b.Patterns = append(b.Patterns, policy.Pattern{Peer: "mac:00:00:00:00:00:01", Direction: "in", Proto: "udp", Port: 161, App: "snmp", Evidence: policy.Evidence{Flows: 1000}})
	s := summarizeBaseline(b)
	if s.Peers != 6 || s.Outbound != devicePolicyPatterns+3 || s.Inbound != 1 || !slices.Equal(s.Services, []string{"tcp/100", "tcp/101", "udp/161 snmp"}) {
		t.Errorf("summary = %+v", s)
	}
	if !slices.Equal(s.Hours, []string{"00:00–00:59", "07:00–09:59", "23:00–23:59"}) {
		t.Errorf("hours = %v", s.Hours)
	}
	if len(s.Patterns) != devicePolicyPatterns || s.MorePatterns != 4 || s.Patterns[0].Flows != 1000 || s.Patterns[0].Out ||
		s.Patterns[0].Peer != "mac:00:00:00:00:00:01" || s.Patterns[1].Peer != "10.9.0.2" {
		t.Errorf("patterns = %d (+%d) first %+v second %+v", len(s.Patterns), s.MorePatterns, s.Patterns[0], s.Patterns[1])
	}
	if h := hourRanges([24]uint64{}); h != nil {
		t.Errorf("no hours = %v", h)
	}
	var all [24]uint64
	for i := range all {
		all[i] = 1
	}
	if h := hourRanges(all); !slices.Equal(h, []string{"00:00–23:59"}) {
		t.Errorf("all hours = %v", h)
	}
}
