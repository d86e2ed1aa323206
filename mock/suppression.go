package mock

import (
	"context"

	"github.com/cordonsec/cordon"
)

var _ cordon.SuppressionService = (*SuppressionService)(nil)

// SuppressionService is a cordon.SuppressionService whose methods call its function
// fields.
type SuppressionService struct {
	CreateSuppressionFn func(ctx context.Context, r *cordon.SuppressionRule) error
	DeleteSuppressionFn func(ctx context.Context, id int64) error
	FindSuppressionsFn  func(ctx context.Context, activeOnly bool) ([]*cordon.SuppressionRule, error)
	AlertSuppressionsFn func(ctx context.Context, ids []int64) (map[int64]cordon.Suppressed, error)
}

// CreateSuppression calls CreateSuppressionFn.
func (s *SuppressionService) CreateSuppression(ctx context.Context, r *cordon.SuppressionRule) error {
	if s.CreateSuppressionFn == nil {
		panic(unset("SuppressionService.CreateSuppression"))
	}
	return s.CreateSuppressionFn(ctx, r)
}

// DeleteSuppression calls DeleteSuppressionFn.
func (s *SuppressionService) DeleteSuppression(ctx context.Context, id int64) error {
	if s.DeleteSuppressionFn == nil {
		panic(unset("SuppressionService.DeleteSuppression"))
	}
	return s.DeleteSuppressionFn(ctx, id)
}

// FindSuppressions calls FindSuppressionsFn.
func (s *SuppressionService) FindSuppressions(ctx context.Context, activeOnly bool) ([]*cordon.SuppressionRule, error) {
	if s.FindSuppressionsFn == nil {
		panic(unset("SuppressionService.FindSuppressions"))
	}
	return s.FindSuppressionsFn(ctx, activeOnly)
}

// AlertSuppressions calls AlertSuppressionsFn.
func (s *SuppressionService) AlertSuppressions(ctx context.Context, ids []int64) (map[int64]cordon.Suppressed, error) {
	if s.AlertSuppressionsFn == nil {
		panic(unset("SuppressionService.AlertSuppressions"))
	}
	return s.AlertSuppressionsFn(ctx, ids)
}
