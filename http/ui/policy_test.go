package ui

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/sqlite"
)

// newPolicyEnv is the test UI with the policy store and a fixed traffic
// history: the ward's conversations plus email out of the CT scanner (the
// guidance forbids it) and HTTPS out of it (held for review).
func newPolicyEnv(t *testing.T) *testEnv {
	t.Helper()
	e := newTestEnv(t)
	h := testNow.Truncate(time.Hour).Add(-time.Hour)
	convs := append(testConversations(),
		cordon.Conversation{Client: keyCT, Server: "ip:198.51.100.25", Proto: "tcp", Port: 25, App: "smtp", Hour: h, Flows: 2, Packets: 20, Bytes: 2000},
		cordon.Conversation{Client: keyCT, Server: "ip:203.0.113.9", Proto: "tcp", Port: 443, App: "tls", Hour: h, Flows: 3, Packets: 30, Bytes: 3000})
	cfg := Config{
		Devices: e.devices, Captures: e.captures, Users: e.users, Audit: sqlite.NewAuditService(e.db),
		Queue: e.queue, CaptureDir: filepath.Join(t.TempDir(), "captures"),
		Conversations: &fakeConversations{cs: convs}, Policies: sqlite.NewPolicyService(e.db), Alerts: sqlite.NewAlertService(e.db),
		CSRFToken: func(*http.Request) string { return testCSRF },
		Now:       func() time.Time { return testNow },
	}
	hd, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	hd.Register(mux)
	e.srv.Close()
	e.srv = httptest.NewServer(e.csrf.wrap(withTestUser(e.users, mux)))
	t.Cleanup(e.srv.Close)
	return e
}

var ruleIDs = regexp.MustCompile(`action="/policy/rules/(\d+)"`)
var reviewIDs = regexp.MustCompile(`action="/policy/review/(\d+)"`)

func TestPolicyPage(t *testing.T) {
	e := newPolicyEnv(t)
	if r := e.get("viewer1", "/policy"); r.status != 200 || !strings.Contains(r.body, "Nothing learned yet") || strings.Contains(r.body, `action="/policy/learn"`) {
		t.Fatalf("empty page for a viewer = %d\n%s", r.status, r.body)
	}
	if r := e.post("viewer1", "/policy/learn", url.Values{"days": {"7"}}); r.status != http.StatusForbidden {
		t.Errorf("viewer learning: %d", r.status)
	}
	if r := e.post("analyst1", "/policy/learn", url.Values{"days": {"365"}}); r.status != 400 || !strings.Contains(r.body, "days must be 1 to 90") {
		t.Errorf("bad window = %d", r.status)
	}
	if r := e.post("analyst1", "/policy/learn", url.Values{"days": {"7"}, "zones": {`[{"name": "x", "vlans": [5000]}]`}}); r.status != 400 ||
		!strings.Contains(r.body, "VLAN 5000 is outside 1-4094") {
		t.Errorf("bad zones = %d", r.status)
	}
	r := e.post("analyst1", "/policy/learn", url.Values{"days": {"7"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/policy?done=learned" {
		t.Fatalf("learn = %d %s", r.status, r.header.Get("Location"))
	}
	r = e.get("analyst1", "/policy?done=learned")
	for _, want := range []string{"Learned:", "modalities", "Zone-to-zone matrix", "10.9.0.5", "Forbidden", "Email (SMTP", "cannot be allowed",
		`href="/api/v1/policy/export?format=nftables"`, `name="csrf" value="` + testCSRF + `"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("policy page lacks %q", want)
		}
	}
	rules := ruleIDs.FindAllStringSubmatch(r.body, -1)
	reviews := reviewIDs.FindAllStringSubmatch(r.body, -1)
	if len(rules) == 0 || len(reviews) != 1 {
		t.Fatalf("forms: %d rules, %d review items (the forbidden one has none)", len(rules), len(reviews))
	}

	// Simulation before approving: the CT scanner would lose DICOM.
	r = e.get("viewer1", "/policy?simulate=1")
	if r.status != 200 || !strings.Contains(r.body, `id="simulation"`) || !strings.Contains(r.body, "CT-SCAN-01") {
		t.Errorf("simulation = %d", r.status)
	}
	if r := e.get("viewer1", "/policy?simulate=1&include=abc"); r.status != 400 || !strings.Contains(r.body, "include must list rule numbers") {
		t.Errorf("bad include = %d", r.status)
	}

	// Approve needs a justification; then it is in the approved policy.
	id := rules[0][1]
	if r := e.post("analyst1", "/policy/rules/"+id, url.Values{"action": {"approve"}}); r.status != 400 || !strings.Contains(r.body, "Policy rule "+id+": A policy decision needs a justification") {
		t.Errorf("approve without justification = %d", r.status)
	}
	if r := e.post("analyst1", "/policy/rules/"+id, url.Values{"action": {"approve"}, "justification": {"x"}, "expires": {"June"}}); r.status != 400 ||
		!strings.Contains(r.body, "Expiry must be a date") {
		t.Errorf("approve with a bad expiry = %d", r.status)
	}
	if r := e.post("viewer1", "/policy/rules/"+id, url.Values{"action": {"approve"}, "justification": {"x"}}); r.status != http.StatusForbidden {
		t.Errorf("viewer approval = %d", r.status)
	}
	r = e.post("analyst1", "/policy/rules/"+id, url.Values{"action": {"approve"}, "justification": {hostile}, "expires": {"2026-12-31"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("approve = %d\n%s", r.status, r.body)
	}
	r = e.get("viewer1", "/policy?done=approve")
	if !strings.Contains(r.body, "Rule approved") || !strings.Contains(r.body, "&lt;script&gt;") || strings.Contains(r.body, hostile) ||
		!strings.Contains(r.body, "2027-01-01") {
		t.Errorf("approved rule not shown escaped with its expiry")
	}

	// The one approvable review item becomes a rule.
	rid := reviews[0][1]
	if r := e.post("analyst1", "/policy/review/"+rid, url.Values{"justification": {"Manufacturer licence server"}}); r.status != http.StatusSeeOther {
		t.Errorf("approve review item = %d", r.status)
	}
	if r := e.post("analyst1", "/policy/review/"+rid, url.Values{"justification": {"again"}}); r.status != 400 || !strings.Contains(r.body, "already approved") {
		t.Errorf("approve review item again = %d", r.status)
	}
	if r := e.post("analyst1", "/policy/review/99999", url.Values{"justification": {"x"}}); r.status != 404 {
		t.Errorf("missing review item = %d", r.status)
	}
}

// FuzzPolicyDecisionForm feeds the decision form's reader arbitrary
// justifications and expiry dates: it must never panic, and a decision it
// accepts must pass or fail validation cleanly.
func FuzzPolicyDecisionForm(f *testing.F) {
	f.Add("Images to PACS", "2026-12-31")
	f.Add("", "June")
	f.Add(hostile, "")
	f.Fuzz(func(t *testing.T, justification, expires string) {
		d, err := decisionFrom(url.Values{"justification": {justification}, "expires": {expires}})
		if err != nil {
			if cordon.ErrorCode(err) != cordon.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		if (d.Expires != nil) != (strings.TrimSpace(expires) != "") {
			t.Fatalf("expires %q gave %v", expires, d.Expires)
		}
		if err := d.Validate(testNow, true); err != nil && cordon.ErrorCode(err) != cordon.EINVALID {
			t.Fatalf("validate: %v", err)
		}
	})
}
