package policy

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/cordonsec/cordon"
)

// DevicePolicy is one device's place in the network policy, as its page
// and GET /devices/{id}/policy show it.
type DevicePolicy struct {
	Key string `json:"key"`
	// Learned says whether the policy was ever learned.
	Learned bool `json:"learned"`
	// UnderPolicy says the device is held to the approved policy, as the
	// Enforcer holds it: an approved rule names it on a side whose zone
	// is protected. Since is the hour of the earliest such approval,
	// from which its traffic can be a flow_violation.
	UnderPolicy bool       `json:"under_policy"`
	Since       *time.Time `json:"since,omitempty"`
	// Outbound are the approved rules in force with the device as a
	// source, Inbound with it as a destination; Lapsed the approved
	// temporary rules that expired: what they allowed is now a violation.
	Outbound []*cordon.PolicyRule `json:"outbound"`
	Inbound  []*cordon.PolicyRule `json:"inbound"`
	Lapsed   []*cordon.PolicyRule `json:"lapsed"`
	// Suggested are the learned rules naming it that await review.
	Suggested []*cordon.PolicyRule `json:"suggested"`
	// Review are the open review items with the device at either end.
	Review []*cordon.PolicyReview `json:"review"`
	// Baseline is the device's learned baseline (policy.Baseline), null
	// when none was learned.
	Baseline json.RawMessage `json:"baseline"`
}

// Device returns the policy of the device with register key key.
func (s *Server) Device(ctx context.Context, key string) (*DevicePolicy, error) {
	l, err := s.latest(ctx)
	if err != nil {
		return nil, err
	}
	rules, err := s.Policies.FindPolicyRules(ctx, "")
	if err != nil {
		return nil, err
	}
	review, err := s.Policies.FindPolicyReview(ctx)
	if err != nil {
		return nil, err
	}
	bs, err := s.Policies.FindPolicyBaselines(ctx, cordon.BaselineDevice, key)
	if err != nil {
		return nil, err
	}
	var zones []Zone
	if l != nil && len(l.Zones) > 0 {
		if err := json.Unmarshal(l.Zones, &zones); err != nil {
			return nil, fmt.Errorf("stored policy zones: %w", err)
		}
	}
	v := DeviceView(key, zones, rules, review, s.Now())
	v.Learned = l != nil
	if len(bs) == 1 {
		v.Baseline = bs[0].Data
	}
	return v, nil
}

// DeviceView sorts out the rules and review items that name key at now;
// zones are the latest learning's, which say which sides are protected.
func DeviceView(key string, zones []Zone, rules []*cordon.PolicyRule, review []*cordon.PolicyReview, now time.Time) *DevicePolicy {
	v := &DevicePolicy{Key: key, Outbound: []*cordon.PolicyRule{}, Inbound: []*cordon.PolicyRule{}, Lapsed: []*cordon.PolicyRule{},
		Suggested: []*cordon.PolicyRule{}, Review: []*cordon.PolicyReview{}, Baseline: json.RawMessage("null")}
	protected := map[string]bool{}
	for _, z := range zones {
		protected[z.Name] = z.Protected
	}
	for _, r := range rules {
		src, dst := slices.Contains(r.SrcDevices, key), slices.Contains(r.DstDevices, key)
		switch {
		case !src && !dst:
			continue
		case r.State == cordon.PolicyRuleSuggested:
			v.Suggested = append(v.Suggested, r)
			continue
		case r.State != cordon.PolicyRuleApproved:
			continue
		case !r.Active(now):
			v.Lapsed = append(v.Lapsed, r)
		default:
			if src {
				v.Outbound = append(v.Outbound, r)
			}
			if dst {
				v.Inbound = append(v.Inbound, r)
			}
		}
		if src && protected[r.SrcZone] || dst && protected[r.DstZone] {
			v.UnderPolicy = true
			if r.DecidedAt != nil && (v.Since == nil || r.DecidedAt.Truncate(time.Hour).Before(*v.Since)) {
				since := r.DecidedAt.Truncate(time.Hour)
				v.Since = &since
			}
		}
	}
	for _, it := range review {
		if it.Rule == 0 && (it.SrcDevice == key || it.DstDevice == key) {
			v.Review = append(v.Review, it)
		}
	}
	return v
}
