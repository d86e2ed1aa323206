package policy

import (
	"context"
	"io"
	"slices"
	"time"

	"github.com/cordonsec/cordon"
)

// Learning window bounds, in days.
const (
	DefaultLearnDays = 14
	MaxLearnDays     = 90
)

// Server runs the learner, the simulator and the exporters against the
// server's store, so that the API, the pages and the CLI share them.
type Server struct {
	Devices       cordon.DeviceService
	Conversations cordon.ConversationService
	Policies      cordon.PolicyService
	// Now is injected so that windows and expiries are testable.
	Now func() time.Time
}

// LearnRequest is a learning run to do.
type LearnRequest struct {
	// Days is the learning window, ending now or with the latest stored
	// traffic: 1 to MaxLearnDays, 0 for DefaultLearnDays.
	Days     int        `json:"days"`
	Zones    []ZoneSpec `json:"zones"`
	BySubnet bool       `json:"by_subnet"`
}

// window returns the learning window of days on hour boundaries, ending
// now or, when the stored traffic stops earlier (a demo's capture, a
// sensor that went quiet), at the end of the latest traffic's hour: a
// window of empty hours would learn nothing.
func (s *Server) window(ctx context.Context, days int) (time.Time, time.Time, int, error) {
	if days == 0 {
		days = DefaultLearnDays
	}
	if days < 1 || days > MaxLearnDays {
		return time.Time{}, time.Time{}, 0, cordon.Errorf(cordon.EINVALID, "days must be 1 to %d, not %d.", MaxLearnDays, days)
	}
	until := s.Now().UTC().Truncate(time.Hour).Add(time.Hour)
	latest, _, err := s.Devices.FindDevices(ctx, cordon.DeviceFilter{Sort: "-last_seen", Limit: 1})
	if err != nil {
		return time.Time{}, time.Time{}, 0, err
	}
	if len(latest) == 1 && latest[0].Observed != nil && !latest[0].Observed.LastSeen.IsZero() {
		if end := latest[0].Observed.LastSeen.UTC().Truncate(time.Hour).Add(time.Hour); end.Before(until) {
			until = end
		}
	}
	return until.Add(-time.Duration(days) * 24 * time.Hour), until, days, nil
}

// Learn runs policy.Suggest over the stored conversations of the window
// and stores the result as suggestions; nothing is approved by it.
func (s *Server) Learn(ctx context.Context, req LearnRequest) (*Learning, error) {
	since, until, days, err := s.window(ctx, req.Days)
	if err != nil {
		return nil, err
	}
	if err := ValidateZones(req.Zones); err != nil {
		return nil, err
	}
	devs, err := RegisterDevices(ctx, s.Devices)
	if err != nil {
		return nil, err
	}
	convs, err := History(ctx, s.Conversations, since, until)
	if err != nil {
		return nil, err
	}
	p, err := Suggest(devs, convs, Options{Zones: req.Zones, BySubnet: req.BySubnet, Baselines: true, Now: s.Now()})
	if err != nil {
		return nil, err
	}
	// The window is the one asked for, not just the hours that had traffic.
	p.Window = Window{Start: since, End: until}
	l, err := ToStore(p, req.Zones, days, len(convs))
	if err != nil {
		return nil, err
	}
	l.Learning.BySubnet = req.BySubnet
	if err := s.Policies.SaveLearning(ctx, l.Learning, l.Rules, l.Review, l.Baselines); err != nil {
		return nil, err
	}
	return l, nil
}

// latest returns the latest learning, or nil when nothing was learned.
func (s *Server) latest(ctx context.Context) (*cordon.PolicyLearning, error) {
	l, err := s.Policies.PolicyLearning(ctx)
	if cordon.ErrorCode(err) == cordon.ENOTFOUND {
		return nil, nil
	}
	return l, err
}

// Candidate is the approved policy plus the suggested rules with the IDs
// in include: what an analyst is about to approve.
func (s *Server) Candidate(ctx context.Context, include []int64) (*Policy, error) {
	l, err := s.latest(ctx)
	if err != nil {
		return nil, err
	}
	all, err := s.Policies.FindPolicyRules(ctx, "")
	if err != nil {
		return nil, err
	}
	var keep []*cordon.PolicyRule
	found := map[int64]bool{}
	for _, r := range all {
		switch {
		case r.State == cordon.PolicyRuleApproved:
			keep = append(keep, r)
		case r.State == cordon.PolicyRuleSuggested && slices.Contains(include, r.ID):
			keep = append(keep, r)
			found[r.ID] = true
		}
	}
	for _, id := range include {
		if !found[id] {
			return nil, cordon.Errorf(cordon.EINVALID, "Rule %d is not a suggested rule; a candidate adds suggested rules to the approved ones.", id)
		}
	}
	return FromStore(l, keep)
}

// SimulateRequest is a candidate to replay over the stored history.
type SimulateRequest struct {
	// Include lists the suggested rules to add to the approved ones.
	Include []int64 `json:"include"`
	// Days of history to replay, ending as a learning window does (0:
	// DefaultLearnDays).
	Days int `json:"days"`
}

// Simulate replays the stored conversations of the window against the
// candidate and reports what it would block, by device and clinical
// impact.
func (s *Server) Simulate(ctx context.Context, req SimulateRequest) (*Report, error) {
	if len(req.Include) > 10000 {
		return nil, cordon.Errorf(cordon.EINVALID, "include lists at most 10000 rules.")
	}
	since, until, _, err := s.window(ctx, req.Days)
	if err != nil {
		return nil, err
	}
	p, err := s.Candidate(ctx, req.Include)
	if err != nil {
		return nil, err
	}
	devs, err := RegisterDevices(ctx, s.Devices)
	if err != nil {
		return nil, err
	}
	convs, err := History(ctx, s.Conversations, since, until)
	if err != nil {
		return nil, err
	}
	return Simulate(p, slices.Values(convs), SimOptions{Devices: devs, Now: s.Now()}), nil
}

// Approved is the policy in force: the approved rules still active.
func (s *Server) Approved(ctx context.Context) (*Policy, error) {
	return s.Candidate(ctx, nil)
}

// Enforcer is the approved policy's flow check, or nil when no approved
// rule holds any device to it (nothing to enforce yet).
func (s *Server) Enforcer(ctx context.Context) (*Enforcer, error) {
	rules, err := s.Policies.FindPolicyRules(ctx, cordon.PolicyRuleApproved)
	if err != nil || len(rules) == 0 {
		return nil, err
	}
	l, err := s.latest(ctx)
	if err != nil {
		return nil, err
	}
	p, err := FromStore(l, rules)
	if err != nil {
		return nil, err
	}
	if e := NewEnforcer(p, true); e.Holds() > 0 {
		return e, nil
	}
	return nil, nil
}

// Export writes the approved policy in format (one of Formats).
func (s *Server) Export(ctx context.Context, w io.Writer, format string) error {
	if !slices.Contains(Formats, format) {
		return cordon.Errorf(cordon.EINVALID, "format must be one of %v, not %q.", Formats, format)
	}
	p, err := s.Approved(ctx)
	if err != nil {
		return err
	}
	return Export(w, p, format, ExportOptions{Now: s.Now(), ApprovedOnly: true})
}
