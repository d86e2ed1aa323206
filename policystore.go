package cordon

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Policy rule states. A learned rule starts suggested; only an analyst's
// approval puts it in force, and a rejection keeps it from being suggested
// again by the next learning run.
const (
	PolicyRuleSuggested = "suggested"
	PolicyRuleApproved  = "approved"
	PolicyRuleRejected  = "rejected"
)

// PolicyRuleStates lists the rule states, in review order.
var PolicyRuleStates = []string{PolicyRuleSuggested, PolicyRuleApproved, PolicyRuleRejected}

// Limits of a policy decision.
const (
	maxPolicyText = 1024
	// MaxPolicyRuleLife bounds a temporary rule: a supplier's visit or a
	// migration, not a permanent exception dressed as a temporary one.
	MaxPolicyRuleLife = 366 * 24 * time.Hour
)

// PolicyLearning is one run of the learner over the stored conversations:
// the window, and the zones and zone-to-zone matrix it found. Zones,
// Matrix and ZoneSpecs hold the policy package's JSON ([]policy.Zone,
// []policy.Cell, []policy.ZoneSpec) so that this package stays free of it.
type PolicyLearning struct {
	ID            int64           `json:"id"`
	WindowStart   time.Time       `json:"window_start"`
	WindowEnd     time.Time       `json:"window_end"`
	Days          int             `json:"days"`
	Conversations int             `json:"conversations"`
	Skipped       uint64          `json:"skipped"`
	Zones         json.RawMessage `json:"zones"`
	Matrix        json.RawMessage `json:"matrix"`
	ZoneSpecs     json.RawMessage `json:"zone_specs"`
	// BySubnet says the automatic zones were split by /24 subnet.
	BySubnet  bool      `json:"by_subnet"`
	LearnedBy string    `json:"learned_by"`
	LearnedAt time.Time `json:"learned_at"`
}

// PolicyEvidence is the traffic behind a rule or a review item.
type PolicyEvidence struct {
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	Flows     uint64    `json:"flows"`
	Packets   uint64    `json:"packets"`
	Bytes     uint64    `json:"bytes"`
}

// PolicyRule is a rule of the network policy: one service allowed from a
// set of source addresses to a set of destinations.
type PolicyRule struct {
	ID         int64    `json:"id"`
	SrcZone    string   `json:"src_zone"`
	DstZone    string   `json:"dst_zone"`
	Src        []string `json:"src"`
	Dst        []string `json:"dst"`
	SrcDevices []string `json:"src_devices"`
	DstDevices []string `json:"dst_devices"`
	Proto      string   `json:"proto"`
	Port       uint16   `json:"port"`
	App        string   `json:"app"`
	// Basis is why the learner suggested it (an NHS pattern, or "seen in
	// the learning window"); Justification the analyst's reason to
	// approve or reject it.
	Basis         string `json:"basis"`
	State         string `json:"state"`
	Justification string `json:"justification,omitempty"`
	// Expires makes an approved rule temporary.
	Expires   *time.Time     `json:"expires,omitempty"`
	DecidedBy string         `json:"decided_by,omitempty"`
	DecidedAt *time.Time     `json:"decided_at,omitempty"`
	Evidence  PolicyEvidence `json:"evidence"`
	// Review is the review item an analyst approved into this rule; 0 for
	// a learned rule.
	Review int64 `json:"review,omitempty"`
}

// Signature identifies the flow a rule allows, so that a rule learned
// again is recognised as the one already decided.
func (r *PolicyRule) Signature() string {
	return strings.Join([]string{r.SrcZone, r.DstZone, r.Proto, strconv.Itoa(int(r.Port)), r.App,
		strings.Join(r.Src, ","), strings.Join(r.Dst, ",")}, "|")
}

// Active reports whether an approved rule is in force at now.
func (r *PolicyRule) Active(now time.Time) bool {
	return r.State == PolicyRuleApproved && (r.Expires == nil || now.Before(*r.Expires))
}

// PolicyReview is a flow the learner did not turn into a rule, and why.
// Forbidden ones (email, web browsing, inbound remote access from the
// internet) the guidance rules out and can never be approved.
type PolicyReview struct {
	ID        int64          `json:"id"`
	Kind      string         `json:"kind"`
	Forbidden bool           `json:"forbidden"`
	Reason    string         `json:"reason"`
	Src       string         `json:"src"`
	Dst       string         `json:"dst"`
	SrcDevice string         `json:"src_device"`
	DstDevice string         `json:"dst_device"`
	SrcZone   string         `json:"src_zone"`
	DstZone   string         `json:"dst_zone"`
	Proto     string         `json:"proto"`
	Port      uint16         `json:"port"`
	App       string         `json:"app"`
	Evidence  PolicyEvidence `json:"evidence"`
	// Rule is the rule an analyst approved it into, 0 while open.
	Rule int64 `json:"rule,omitempty"`
}

// Signature identifies the flow of a review item, so that a flow learned
// again is recognised as one an analyst already approved into a rule.
func (v *PolicyReview) Signature() string {
	return strings.Join([]string{v.Kind, v.Src, v.Dst, v.Proto, strconv.Itoa(int(v.Port)), v.App}, "|")
}

// PolicyBaseline is a learned communication pattern of one device
// (Scope "device", Key the device key) or one model (Scope "model", Key
// "manufacturer/model"). Data holds policy.Baseline or policy.ModelBaseline.
type PolicyBaseline struct {
	Scope string          `json:"scope"`
	Key   string          `json:"key"`
	Data  json.RawMessage `json:"data"`
}

// Baseline scopes.
const (
	BaselineDevice = "device"
	BaselineModel  = "model"
)

// PolicyDecision is an analyst's approval or rejection.
type PolicyDecision struct {
	Justification string     `json:"justification"`
	Expires       *time.Time `json:"expires,omitempty"`
}

// Validate reports the first problem of a decision taken at now as an
// EINVALID error; approve says whether an expiry is allowed.
func (d *PolicyDecision) Validate(now time.Time, approve bool) error {
	d.Justification = strings.TrimSpace(d.Justification)
	switch {
	case d.Justification == "" || len(d.Justification) > maxPolicyText:
		return Errorf(EINVALID, "A policy decision needs a justification of 1 to %d characters.", maxPolicyText)
	case d.Expires != nil && !approve:
		return Errorf(EINVALID, "Only an approval takes an expiry.")
	case d.Expires != nil && !d.Expires.After(now):
		return Errorf(EINVALID, "A temporary rule's expiry must be in the future.")
	case d.Expires != nil && d.Expires.Sub(now) > MaxPolicyRuleLife:
		return Errorf(EINVALID, "A temporary rule may run at most 366 days; leave the expiry empty for a permanent one.")
	}
	if d.Expires != nil {
		t := d.Expires.UTC()
		d.Expires = &t
	}
	return nil
}

// PolicyService keeps the network policy: the latest learning (zones,
// matrix, baselines, suggested rules and flows held for review) and the
// rules analysts approved or rejected. Nothing is in force until approved.
type PolicyService interface {
	// SaveLearning stores a learning run: it replaces the previous zones,
	// matrix, baselines, open review items and still-suggested rules, keeps
	// every decided rule, and skips suggestions whose Signature matches a
	// decided rule and review items whose Signature matches one already
	// approved into a rule. Sets l's ID, LearnedBy and LearnedAt and each stored
	// rule's and review item's ID. Audited as "policy.learn".
	SaveLearning(ctx context.Context, l *PolicyLearning, rules []*PolicyRule, review []*PolicyReview, baselines []*PolicyBaseline) error
	// PolicyLearning returns the latest learning run, or ENOTFOUND.
	PolicyLearning(ctx context.Context) (*PolicyLearning, error)
	// FindPolicyRules returns the rules in state (all for ""), by zone pair.
	FindPolicyRules(ctx context.Context, state string) ([]*PolicyRule, error)
	// FindPolicyRule returns one rule, or ENOTFOUND.
	FindPolicyRule(ctx context.Context, id int64) (*PolicyRule, error)
	// ApprovePolicyRule puts a suggested or rejected rule in force;
	// audited as "policy.approve". ENOTFOUND; EINVALID for a bad decision.
	ApprovePolicyRule(ctx context.Context, id int64, d PolicyDecision) (*PolicyRule, error)
	// RejectPolicyRule takes a rule out of (or keeps it from) force;
	// audited as "policy.reject".
	RejectPolicyRule(ctx context.Context, id int64, d PolicyDecision) (*PolicyRule, error)
	// FindPolicyReview returns the review items, forbidden first.
	FindPolicyReview(ctx context.Context) ([]*PolicyReview, error)
	// ApprovePolicyReview turns an open, non-forbidden review item into an
	// approved rule; audited as "policy.approve_review". EINVALID with the
	// reason for a forbidden item, ECONFLICT for one already approved.
	ApprovePolicyReview(ctx context.Context, id int64, d PolicyDecision) (*PolicyRule, error)
	// FindPolicyBaselines returns the baselines of scope ("" for both)
	// and key ("" for every key).
	FindPolicyBaselines(ctx context.Context, scope, key string) ([]*PolicyBaseline, error)
}
