package main

import (
	"context"
	"log/slog"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/detect"
	"github.com/cordonsec/cordon/policy"
)

// policyCheck is the approved network policy that captures and live
// batches are held to (flow_violation), or nil when no approved rule
// holds any device yet.
func (s *store) policyCheck(ctx context.Context) (detect.PolicyCheck, error) {
	e, err := s.policyServer().Enforcer(ctx)
	if e == nil {
		return nil, err // not a typed nil: "no policy" must compare equal to nil
	}
	return e, nil
}

// policyServer is the policy learner, simulator and exporter over the store.
func (s *store) policyServer() *policy.Server {
	return &policy.Server{Devices: s.devices, Conversations: s.conversations, Policies: s.policies, Now: s.db.Now}
}

// settleViolations resolves the open flow_violation alerts the approved
// policy no longer forbids: a rule approved since allows the flow, or the
// device is no longer held to a policy. A violation is judged as of now,
// so one whose temporary allowance lapsed stays open.
func settleViolations(ctx context.Context, st *store) error {
	open, err := findOpenAlerts(ctx, st, detect.KindFlowViolation)
	if err != nil || len(open) == 0 {
		return err
	}
	e, err := st.policyServer().Enforcer(ctx)
	if err != nil {
		return err
	}
	now := st.db.Now()
	var keep []cordon.AlertKey
	for _, a := range open {
		src, dst, proto, port, ok := detect.ParseViolationSubject(a.Subject)
		if !ok {
			keep = append(keep, cordon.AlertKey{DeviceID: a.DeviceID, Subject: a.Subject}) // not ours to judge
			continue
		}
		if e != nil {
			if _, _, bad := e.Forbids(src, dst, proto, port, now); bad {
				keep = append(keep, cordon.AlertKey{DeviceID: a.DeviceID, Subject: a.Subject})
			}
		}
	}
	_, err = st.alerts.ResolveAlerts(ctx, detect.KindFlowViolation, keep, cordon.AlertScope{},
		"The approved network policy now allows this flow, or no longer holds the device to a policy.")
	return err
}

// findOpenAlerts returns every new or acknowledged alert of kind.
func findOpenAlerts(ctx context.Context, st *store, kind string) ([]*cordon.Alert, error) {
	var open []*cordon.Alert
	f := cordon.AlertFilter{Kind: kind, Status: "open", Limit: 1000}
	for {
		page, total, err := st.alerts.FindAlerts(ctx, f)
		if err != nil {
			return nil, err
		}
		open = append(open, page...)
		f.Offset += len(page)
		if len(page) == 0 || f.Offset >= total {
			return open, nil
		}
	}
}

// settlingPolicies is the policy store as the server's pages and API use
// it: after an analyst approves or revokes a rule, the open violations it
// decides are settled at once rather than at the next hourly check, so
// that the alert list agrees with the decision just made.
type settlingPolicies struct {
	cordon.PolicyService
	st     *store
	logger *slog.Logger
}

func (p settlingPolicies) settle(ctx context.Context) {
	if err := settleViolations(ctx, p.st); err != nil {
		p.logger.Warn("policy violations not settled after a decision; the hourly check will", slog.String("error", err.Error()))
	}
}

func (p settlingPolicies) ApprovePolicyRule(ctx context.Context, id int64, d cordon.PolicyDecision) (*cordon.PolicyRule, error) {
	r, err := p.PolicyService.ApprovePolicyRule(ctx, id, d)
	if err == nil {
		p.settle(ctx)
	}
	return r, err
}

func (p settlingPolicies) RejectPolicyRule(ctx context.Context, id int64, d cordon.PolicyDecision) (*cordon.PolicyRule, error) {
	r, err := p.PolicyService.RejectPolicyRule(ctx, id, d)
	if err == nil {
		p.settle(ctx)
	}
	return r, err
}

func (p settlingPolicies) ApprovePolicyReview(ctx context.Context, id int64, d cordon.PolicyDecision) (*cordon.PolicyRule, error) {
	r, err := p.PolicyService.ApprovePolicyReview(ctx, id, d)
	if err == nil {
		p.settle(ctx)
	}
	return r, err
}
