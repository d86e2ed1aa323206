package ui

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/sqlite"
)

// pageSection returns the part of a page from the element with id to the end
// of its section.
func pageSection(body, id string) string {
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	end := strings.Index(body[i:], "</section>")
	if end < 0 {
		return body[i:]
	}
	return body[i : i+end]
}

func TestPolicyRevoke(t *testing.T) {
	e := newPolicyEnv(t)
	e.learnWard("7")
	rule := e.ctRule()
	id := strconv.FormatInt(rule.ID, 10)
	path := "/policy/rules/" + id
	if r := e.post("analyst1", path, url.Values{"action": {"approve"}, "justification": {"CT sends studies to PACS"}}); r.status != http.StatusSeeOther {
		t.Fatalf("approve = %d", r.status)
	}

	// The approved table offers analysts a revoke form with the session's
	// CSRF token; viewers see the rule without it.
	r := e.get("analyst1", "/policy")
	approved := pageSection(r.body, "approved")
	if !strings.Contains(approved, `id="rule-`+id+`"`) || !strings.Contains(approved, `action="`+path+`" class="revoke-form"`) ||
		!strings.Contains(approved, `name="csrf" value="`+testCSRF+`"`) || !strings.Contains(approved, `value="reject">Revoke</button>`) {
		t.Fatalf("approved table lacks the revoke form:\n%s", approved)
	}
	if r := e.get("viewer1", "/policy"); !strings.Contains(pageSection(r.body, "approved"), `id="rule-`+id+`"`) || strings.Contains(r.body, "revoke-form") {
		t.Errorf("viewer's approved table: rule missing or revoke form shown")
	}

	// A viewer may not revoke; an analyst must say why.
	if r := e.post("viewer1", path, url.Values{"action": {"reject"}, "justification": {"x"}}); r.status != http.StatusForbidden {
		t.Errorf("viewer revoking = %d", r.status)
	}
	if r := e.post("analyst1", path, url.Values{"action": {"reject"}, "justification": {"  "}}); r.status != http.StatusBadRequest ||
		!strings.Contains(r.body, "Policy rule "+id+": A policy decision needs a justification") {
		t.Errorf("revoke without a reason = %d", r.status)
	}
	ps := sqlite.NewPolicyService(e.db)
	if got, err := ps.FindPolicyRule(context.Background(), rule.ID); err != nil || got.State != cordon.PolicyRuleApproved {
		t.Fatalf("after refused revocations: %v %v", got, err)
	}

	r = e.post("analyst1", path, url.Values{"action": {"reject"}, "justification": {"PACS replaced " + hostile}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/policy?done=revoke" {
		t.Fatalf("revoke = %d %s", r.status, r.header.Get("Location"))
	}
	r = e.get("viewer1", "/policy?done=revoke")
	if !strings.Contains(r.body, "Rule revoked: it is no longer in the policy.") {
		t.Errorf("no revocation banner")
	}
	if strings.Contains(pageSection(r.body, "approved"), `id="rule-`+id+`"`) {
		t.Errorf("revoked rule still in the approved table")
	}
	rejected := pageSection(r.body, "rejected")
	if !strings.Contains(rejected, `id="rule-`+id+`"`) || !strings.Contains(rejected, "PACS replaced &lt;script&gt;") || !strings.Contains(rejected, "analyst1") {
		t.Errorf("rejected list lacks the revoked rule:\n%s", rejected)
	}
	if got, err := ps.FindPolicyRule(context.Background(), rule.ID); err != nil || got.State != cordon.PolicyRuleRejected || got.Active(testNow) {
		t.Errorf("stored rule after revocation: %+v %v", got, err)
	}
	// The device page no longer counts it.
	if r := e.get("viewer1", e.devicePath(keyCT)); !strings.Contains(r.body, "No approved policy") {
		t.Errorf("device still under the revoked rule")
	}

	// Rejecting a suggestion is not a revocation.
	var suggested int64
	rules, err := ps.FindPolicyRules(context.Background(), cordon.PolicyRuleSuggested)
	if err != nil || len(rules) == 0 {
		t.Fatalf("no suggestion left: %v", err)
	}
	suggested = rules[0].ID
	if r := e.post("analyst1", "/policy/rules/"+strconv.FormatInt(suggested, 10), url.Values{"action": {"reject"}, "justification": {"not needed"}}); r.header.Get("Location") != "/policy?done=reject" {
		t.Errorf("rejecting a suggestion redirects to %q", r.header.Get("Location"))
	}
	if r := e.post("analyst1", "/policy/rules/99999", url.Values{"action": {"reject"}, "justification": {"x"}}); r.status != http.StatusNotFound {
		t.Errorf("revoking a missing rule = %d", r.status)
	}
}
