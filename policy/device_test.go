package policy

import (
	"slices"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// TestDeviceView sorts a device's rules as its page shows them, and holds
// it to the policy as the Enforcer does: a lapsed temporary rule still
// holds it, a rule naming it only on an unprotected side does not.
func TestDeviceView(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	past, future := now.Add(-time.Minute), now.AddDate(0, 1, 0)
	early, late := now.AddDate(0, -2, 0).Add(17*time.Minute), now.AddDate(0, -1, 0)
	zones := []Zone{{Name: "Imaging", Protected: true}, {Name: "PACS", Protected: true}, {Name: "Corporate"}}
	rule := func(id int64, state string, src, dst []string, sz, dz string, decided, expires *time.Time) *cordon.PolicyRule {
		return &cordon.PolicyRule{ID: id, State: state, SrcDevices: src, DstDevices: dst, SrcZone: sz, DstZone: dz, DecidedAt: decided, Expires: expires}
	}
	k := []string{"k"}
	rules := []*cordon.PolicyRule{
		rule(1, cordon.PolicyRuleApproved, k, nil, "Imaging", "PACS", &late, nil),
		rule(2, cordon.PolicyRuleApproved, []string{"pc"}, []string{"a", "k"}, "Corporate", "Imaging", &late, &future),
		rule(3, cordon.PolicyRuleApproved, k, nil, "Imaging", "PACS", &early, &past), // lapsed
		rule(4, cordon.PolicyRuleSuggested, nil, k, "Imaging", "Imaging", nil, nil),
		rule(5, cordon.PolicyRuleRejected, k, nil, "Imaging", "PACS", &early, nil),
		rule(6, cordon.PolicyRuleApproved, []string{"other"}, nil, "Imaging", "PACS", &early, nil),
		rule(7, cordon.PolicyRuleApproved, k, k, "Imaging", "Imaging", &late, nil),
	}
	review := []*cordon.PolicyReview{{ID: 1, SrcDevice: "k"}, {ID: 2, DstDevice: "k", Rule: 9}, {ID: 3, SrcDevice: "x"}}
	ids := func(rs []*cordon.PolicyRule) (out []int64) {
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return out
	}
	v := DeviceView("k", zones, rules, review, now)
	if !v.UnderPolicy || v.Since == nil || !v.Since.Equal(early.Truncate(time.Hour)) {
		t.Errorf("held %v since %v, want since the lapsed rule's approval hour", v.UnderPolicy, v.Since)
	}
	if !slices.Equal(ids(v.Outbound), []int64{1, 7}) || !slices.Equal(ids(v.Inbound), []int64{2, 7}) ||
		!slices.Equal(ids(v.Lapsed), []int64{3}) || !slices.Equal(ids(v.Suggested), []int64{4}) {
		t.Errorf("out %v in %v lapsed %v suggested %v", ids(v.Outbound), ids(v.Inbound), ids(v.Lapsed), ids(v.Suggested))
	}
	if len(v.Review) != 1 || v.Review[0].ID != 1 {
		t.Errorf("review = %+v", v.Review)
	}
	// Named only on the corporate side of an approved rule: not held.
	pc := DeviceView("pc", zones, rules, nil, now)
	if pc.UnderPolicy || pc.Since != nil {
		t.Errorf("a corporate source is held: %+v", pc)
	}
	// Rejected and suggested rules hold nobody.
	if none := DeviceView("k", zones, []*cordon.PolicyRule{rules[3], rules[4]}, nil, now); none.UnderPolicy {
		t.Errorf("suggested or rejected rules hold the device: %+v", none)
	}
}
