package mock

import (
	"context"

	"github.com/cordonsec/cordon"
)

var _ cordon.PolicyService = (*PolicyService)(nil)

// PolicyService is a cordon.PolicyService whose methods call its function
// fields.
type PolicyService struct {
	SaveLearningFn        func(ctx context.Context, l *cordon.PolicyLearning, rules []*cordon.PolicyRule, review []*cordon.PolicyReview, baselines []*cordon.PolicyBaseline) error
	PolicyLearningFn      func(ctx context.Context) (*cordon.PolicyLearning, error)
	FindPolicyRulesFn     func(ctx context.Context, state string) ([]*cordon.PolicyRule, error)
	FindPolicyRuleFn      func(ctx context.Context, id int64) (*cordon.PolicyRule, error)
	ApprovePolicyRuleFn   func(ctx context.Context, id int64, d cordon.PolicyDecision) (*cordon.PolicyRule, error)
	RejectPolicyRuleFn    func(ctx context.Context, id int64, d cordon.PolicyDecision) (*cordon.PolicyRule, error)
	FindPolicyReviewFn    func(ctx context.Context) ([]*cordon.PolicyReview, error)
	ApprovePolicyReviewFn func(ctx context.Context, id int64, d cordon.PolicyDecision) (*cordon.PolicyRule, error)
	FindPolicyBaselinesFn func(ctx context.Context, scope, key string) ([]*cordon.PolicyBaseline, error)
}

// SaveLearning calls SaveLearningFn.
func (s *PolicyService) SaveLearning(ctx context.Context, l *cordon.PolicyLearning, rules []*cordon.PolicyRule, review []*cordon.PolicyReview, baselines []*cordon.PolicyBaseline) error {
	if s.SaveLearningFn == nil {
		panic(unset("PolicyService.SaveLearning"))
	}
	return s.SaveLearningFn(ctx, l, rules, review, baselines)
}

// PolicyLearning calls PolicyLearningFn.
func (s *PolicyService) PolicyLearning(ctx context.Context) (*cordon.PolicyLearning, error) {
	if s.PolicyLearningFn == nil {
		panic(unset("PolicyService.PolicyLearning"))
	}
	return s.PolicyLearningFn(ctx)
}

// FindPolicyRules calls FindPolicyRulesFn.
func (s *PolicyService) FindPolicyRules(ctx context.Context, state string) ([]*cordon.PolicyRule, error) {
	if s.FindPolicyRulesFn == nil {
		panic(unset("PolicyService.FindPolicyRules"))
	}
	return s.FindPolicyRulesFn(ctx, state)
}

// FindPolicyRule calls FindPolicyRuleFn.
func (s *PolicyService) FindPolicyRule(ctx context.Context, id int64) (*cordon.PolicyRule, error) {
	if s.FindPolicyRuleFn == nil {
		panic(unset("PolicyService.FindPolicyRule"))
	}
	return s.FindPolicyRuleFn(ctx, id)
}

// ApprovePolicyRule calls ApprovePolicyRuleFn.
func (s *PolicyService) ApprovePolicyRule(ctx context.Context, id int64, d cordon.PolicyDecision) (*cordon.PolicyRule, error) {
	if s.ApprovePolicyRuleFn == nil {
		panic(unset("PolicyService.ApprovePolicyRule"))
	}
	return s.ApprovePolicyRuleFn(ctx, id, d)
}

// RejectPolicyRule calls RejectPolicyRuleFn.
func (s *PolicyService) RejectPolicyRule(ctx context.Context, id int64, d cordon.PolicyDecision) (*cordon.PolicyRule, error) {
	if s.RejectPolicyRuleFn == nil {
		panic(unset("PolicyService.RejectPolicyRule"))
	}
	return s.RejectPolicyRuleFn(ctx, id, d)
}

// FindPolicyReview calls FindPolicyReviewFn.
func (s *PolicyService) FindPolicyReview(ctx context.Context) ([]*cordon.PolicyReview, error) {
	if s.FindPolicyReviewFn == nil {
		panic(unset("PolicyService.FindPolicyReview"))
	}
	return s.FindPolicyReviewFn(ctx)
}

// ApprovePolicyReview calls ApprovePolicyReviewFn.
func (s *PolicyService) ApprovePolicyReview(ctx context.Context, id int64, d cordon.PolicyDecision) (*cordon.PolicyRule, error) {
	if s.ApprovePolicyReviewFn == nil {
		panic(unset("PolicyService.ApprovePolicyReview"))
	}
	return s.ApprovePolicyReviewFn(ctx, id, d)
}

// FindPolicyBaselines calls FindPolicyBaselinesFn.
func (s *PolicyService) FindPolicyBaselines(ctx context.Context, scope, key string) ([]*cordon.PolicyBaseline, error) {
	if s.FindPolicyBaselinesFn == nil {
		panic(unset("PolicyService.FindPolicyBaselines"))
	}
	return s.FindPolicyBaselinesFn(ctx, scope, key)
}
