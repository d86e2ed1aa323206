package storetest

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// policyRun is a small learning run: a modality reaching PACS on DICOM,
// DNS, and two flows held for review (one the guidance forbids).
func policyRun() (*cordon.PolicyLearning, []*cordon.PolicyRule, []*cordon.PolicyReview, []*cordon.PolicyBaseline) {
	l := &cordon.PolicyLearning{WindowStart: Epoch.Add(-7 * 24 * time.Hour), WindowEnd: Epoch, Days: 7, Conversations: 4,
		Zones: json.RawMessage(`[{"name":"modalities"}]`), Matrix: json.RawMessage(`[]`)}
	ev := cordon.PolicyEvidence{FirstSeen: Epoch.Add(-48 * time.Hour), LastSeen: Epoch, Flows: 12}
	rules := []*cordon.PolicyRule{
		{SrcZone: "modalities", DstZone: "pacs", Src: []string{"10.1.80.10"}, Dst: []string{"10.1.10.5"}, Proto: "tcp",
			Port: 104, App: "dicom", Basis: "NHS pattern: modalities reach PACS on DICOM only", Evidence: ev},
		{SrcZone: "modalities", DstZone: "servers", Src: []string{"10.1.80.10"}, Dst: []string{"10.1.1.53"}, Proto: "udp",
			Port: 53, App: "dns", Basis: "core network service", Evidence: ev},
	}
	review := []*cordon.PolicyReview{
		{Kind: "direct_internet", Reason: "Direct internet access from zone modalities.", Src: "10.1.80.10", Dst: "203.0.113.9",
			SrcZone: "modalities", DstZone: "internet", Proto: "tcp", Port: 443, App: "tls", Evidence: ev},
		{Kind: "email", Forbidden: true, Reason: "Email (SMTP (tcp/25)) from zone modalities: the guidance forbids it.",
			Src: "10.1.80.10", Dst: "198.51.100.25", SrcZone: "modalities", DstZone: "internet", Proto: "tcp", Port: 25, App: "smtp", Evidence: ev},
	}
	bases := []*cordon.PolicyBaseline{{Scope: cordon.BaselineDevice, Key: "mac:00:09:02:00:00:01", Data: json.RawMessage(`{"device":"x"}`)},
		{Scope: cordon.BaselineModel, Key: "Siemens/CT", Data: json.RawMessage(`{"model":"CT"}`)}}
	return l, rules, review, bases
}

func testPolicy(t *testing.T, open func(tb testing.TB) *Store) {
	policy := func(t *testing.T) *env {
		e := setup(t, open)
		if e.Policies == nil {
			t.Skip("store has no policy service")
		}
		return e
	}
	byState := func(t *testing.T, e *env, state string) []*cordon.PolicyRule {
		t.Helper()
		rs, err := e.Policies.FindPolicyRules(e.sys, state)
		must(t, err)
		return rs
	}

	t.Run("Empty", func(t *testing.T) {
		e := policy(t)
		_, err := e.Policies.PolicyLearning(e.sys)
		wantCode(t, err, cordon.ENOTFOUND)
		if rs := byState(t, e, ""); len(rs) != 0 {
			t.Errorf("rules = %d", len(rs))
		}
		_, err = e.Policies.FindPolicyRules(e.sys, "enforced")
		wantCode(t, err, cordon.EINVALID)
		_, err = e.Policies.ApprovePolicyRule(e.ctx, 9, cordon.PolicyDecision{Justification: "x"})
		wantCode(t, err, cordon.ENOTFOUND)
	})

	t.Run("LearnApproveRelearn", func(t *testing.T) {
		e := policy(t)
		l, rules, review, bases := policyRun()
		l.BySubnet = true
		must(t, e.Policies.SaveLearning(e.ctx, l, rules, review, bases))
		if l.ID == 0 || l.LearnedBy != "alice" || !l.LearnedAt.Equal(Epoch) || rules[0].ID == 0 || review[0].ID == 0 {
			t.Fatalf("learning = %+v, rule %d, review %d", l, rules[0].ID, review[0].ID)
		}
		if got := e.audited(t, "policy:learning:"+strconv.FormatInt(l.ID, 10)); len(got) != 1 || got[0] != "policy.learn" {
			t.Errorf("learn audit = %v", got)
		}
		got, err := e.Policies.PolicyLearning(e.sys)
		must(t, err)
		if got.Days != 7 || !got.BySubnet || !got.WindowStart.Equal(l.WindowStart) || !strings.Contains(string(got.Zones), "modalities") {
			t.Errorf("stored learning = %+v", got)
		}
		if sug := byState(t, e, cordon.PolicyRuleSuggested); len(sug) != 2 || sug[0].Port != 104 || sug[0].Evidence.Flows != 12 {
			t.Fatalf("suggested = %+v", sug)
		}
		bs, err := e.Policies.FindPolicyBaselines(e.sys, cordon.BaselineModel, "")
		must(t, err)
		if len(bs) != 1 || bs[0].Key != "Siemens/CT" {
			t.Errorf("model baselines = %+v", bs)
		}
		if one, err := e.Policies.FindPolicyBaselines(e.sys, "", "Siemens/CT"); err != nil || len(one) != 1 || one[0].Scope != cordon.BaselineModel {
			t.Errorf("baselines of key Siemens/CT = %+v, %v", one, err)
		}
		if none, err := e.Policies.FindPolicyBaselines(e.sys, cordon.BaselineDevice, "Siemens/CT"); err != nil || len(none) != 0 {
			t.Errorf("device baselines of a model key = %+v, %v", none, err)
		}

		// Approve the DICOM rule as temporary, reject DNS.
		exp := Epoch.Add(30 * 24 * time.Hour)
		for _, d := range []cordon.PolicyDecision{{}, {Justification: "ok", Expires: &Epoch}, {Justification: "ok", Expires: ptr(Epoch.Add(400 * 24 * time.Hour))}} {
			_, err := e.Policies.ApprovePolicyRule(e.ctx, rules[0].ID, d)
			wantCode(t, err, cordon.EINVALID)
		}
		_, err = e.Policies.RejectPolicyRule(e.ctx, rules[1].ID, cordon.PolicyDecision{Justification: "no", Expires: &exp})
		wantCode(t, err, cordon.EINVALID)
		if rs := byState(t, e, cordon.PolicyRuleApproved); len(rs) != 0 {
			t.Fatalf("a refused decision approved %+v", rs[0])
		}
		a, err := e.Policies.ApprovePolicyRule(e.ctx, rules[0].ID, cordon.PolicyDecision{Justification: " Images to PACS ", Expires: &exp})
		must(t, err)
		if a.State != cordon.PolicyRuleApproved || a.Justification != "Images to PACS" || a.DecidedBy != "alice" ||
			a.Expires == nil || !a.Expires.Equal(exp) || !a.Active(Epoch) || a.Active(exp) {
			t.Errorf("approved = %+v", a)
		}
		_, err = e.Policies.RejectPolicyRule(e.ctx, rules[1].ID, cordon.PolicyDecision{Justification: "DNS via resolver zone"})
		must(t, err)
		if got := e.audited(t, "policy:rule:"+strconv.FormatInt(rules[0].ID, 10)); len(got) != 1 || got[0] != "policy.approve" {
			t.Errorf("approve audit = %v", got)
		}
		if got := e.audited(t, "policy:rule:"+strconv.FormatInt(rules[1].ID, 10)); len(got) != 1 || got[0] != "policy.reject" {
			t.Errorf("reject audit = %v", got)
		}

		// Learning again keeps both decisions and does not suggest them again.
		e.clock.Add(24 * time.Hour)
		l2, rules2, review2, bases2 := policyRun()
		rules2 = append(rules2, &cordon.PolicyRule{SrcZone: "modalities", DstZone: "ntp", Src: []string{"10.1.80.10"},
			Dst: []string{"10.1.1.123"}, Proto: "udp", Port: 123, Basis: "core"})
		must(t, e.Policies.SaveLearning(e.ctx, l2, rules2, review2, bases2))
		if sug := byState(t, e, cordon.PolicyRuleSuggested); len(sug) != 1 || sug[0].Port != 123 {
			t.Errorf("suggested after relearning = %+v", sug)
		}
		if ap := byState(t, e, cordon.PolicyRuleApproved); len(ap) != 1 || ap[0].ID != rules[0].ID {
			t.Errorf("approved after relearning = %+v", ap)
		}
		if rj := byState(t, e, cordon.PolicyRuleRejected); len(rj) != 1 || rj[0].ID != rules[1].ID {
			t.Errorf("rejected after relearning = %+v", rj)
		}
		if got, _ := e.Policies.PolicyLearning(e.sys); got.ID != l2.ID {
			t.Errorf("latest learning = %d, want %d", got.ID, l2.ID)
		}
		if rv, _ := e.Policies.FindPolicyReview(e.sys); len(rv) != 2 {
			t.Errorf("review after relearning = %d items, want 2", len(rv))
		}
	})

	t.Run("Review", func(t *testing.T) {
		e := policy(t)
		l, rules, review, bases := policyRun()
		must(t, e.Policies.SaveLearning(e.ctx, l, rules, review, bases))
		rv, err := e.Policies.FindPolicyReview(e.sys)
		must(t, err)
		if len(rv) != 2 || !rv[0].Forbidden || rv[0].Kind != "email" {
			t.Fatalf("review = %+v", rv)
		}
		_, err = e.Policies.ApprovePolicyReview(e.ctx, rv[0].ID, cordon.PolicyDecision{Justification: "vendor needs it"})
		wantCode(t, err, cordon.EINVALID)
		if err == nil || !strings.Contains(err.Error(), "guidance forbids") {
			t.Errorf("forbidden approval error = %v, want the reason", err)
		}
		r, err := e.Policies.ApprovePolicyReview(e.ctx, rv[1].ID, cordon.PolicyDecision{Justification: "Manufacturer licence server"})
		must(t, err)
		if r.State != cordon.PolicyRuleApproved || r.Review != rv[1].ID || r.Port != 443 || len(r.Dst) != 1 || r.Dst[0] != "203.0.113.9" {
			t.Errorf("rule from review = %+v", r)
		}
		_, err = e.Policies.ApprovePolicyReview(e.ctx, rv[1].ID, cordon.PolicyDecision{Justification: "again"})
		wantCode(t, err, cordon.ECONFLICT)
		if got := e.audited(t, "policy:review:"+strconv.FormatInt(rv[1].ID, 10)); len(got) != 1 || got[0] != "policy.approve_review" {
			t.Errorf("review audit = %v", got)
		}
		if got := e.audited(t, "policy:review:"+strconv.FormatInt(rv[0].ID, 10)); len(got) != 0 {
			t.Errorf("refused approval audited: %v", got)
		}
		// The approved review item stays, linked to its rule, after
		// relearning, and the same flow learned again is not reopened.
		sig := rv[1].Signature()
		l2, rules2, review2, bases2 := policyRun()
		must(t, e.Policies.SaveLearning(e.ctx, l2, rules2, review2, bases2))
		rv, _ = e.Policies.FindPolicyReview(e.sys)
		linked, again := 0, 0
		for _, v := range rv {
			if v.Rule == r.ID {
				linked++
			} else if v.Signature() == sig {
				again++
			}
		}
		if linked != 1 || again != 0 {
			t.Errorf("review after relearning: %d linked to the rule, %d open again for the same flow; %+v", linked, again, rv)
		}
	})

	t.Run("BadLearning", func(t *testing.T) {
		e := policy(t)
		wantCode(t, e.Policies.SaveLearning(e.ctx, nil, nil, nil, nil), cordon.EINVALID)
		l, rules, review, _ := policyRun()
		bad := []*cordon.PolicyBaseline{{Scope: "ward", Key: "x", Data: json.RawMessage(`{}`)}}
		wantCode(t, e.Policies.SaveLearning(e.ctx, l, rules, review, bad), cordon.EINVALID)
		if _, err := e.Policies.PolicyLearning(e.sys); cordon.ErrorCode(err) != cordon.ENOTFOUND {
			t.Errorf("a refused learning run was stored: %v", err)
		}
	})
}

func ptr[T any](v T) *T { return &v }
