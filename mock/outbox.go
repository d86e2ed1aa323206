package mock

import (
	"context"
	"time"

	"github.com/cordonsec/cordon"
)

var _ cordon.OutboxService = (*OutboxService)(nil)

// OutboxService is a cordon.OutboxService whose methods call its function
// fields.
type OutboxService struct {
	SetDestinationsFn func(ctx context.Context, names []string) error
	DueOutboxFn       func(ctx context.Context, limit int) ([]*cordon.OutboxEntry, error)
	MarkDeliveredFn   func(ctx context.Context, id int64) error
	MarkFailedFn      func(ctx context.Context, id int64, msg string, next time.Time, giveUp bool) error
	FindOutboxFn      func(ctx context.Context, f cordon.OutboxFilter) ([]*cordon.OutboxEntry, int, error)
	PruneOutboxFn     func(ctx context.Context, before time.Time) (int, error)
	DeliveryMetricsFn func(ctx context.Context) (*cordon.DeliveryMetrics, error)
}

// SetDestinations calls SetDestinationsFn.
func (s *OutboxService) SetDestinations(ctx context.Context, names []string) error {
	if s.SetDestinationsFn == nil {
		panic(unset("OutboxService.SetDestinations"))
	}
	return s.SetDestinationsFn(ctx, names)
}

// DueOutbox calls DueOutboxFn.
func (s *OutboxService) DueOutbox(ctx context.Context, limit int) ([]*cordon.OutboxEntry, error) {
	if s.DueOutboxFn == nil {
		panic(unset("OutboxService.DueOutbox"))
	}
	return s.DueOutboxFn(ctx, limit)
}

// MarkDelivered calls MarkDeliveredFn.
func (s *OutboxService) MarkDelivered(ctx context.Context, id int64) error {
	if s.MarkDeliveredFn == nil {
		panic(unset("OutboxService.MarkDelivered"))
	}
	return s.MarkDeliveredFn(ctx, id)
}

// MarkFailed calls MarkFailedFn.
func (s *OutboxService) MarkFailed(ctx context.Context, id int64, msg string, next time.Time, giveUp bool) error {
	if s.MarkFailedFn == nil {
		panic(unset("OutboxService.MarkFailed"))
	}
	return s.MarkFailedFn(ctx, id, msg, next, giveUp)
}

// FindOutbox calls FindOutboxFn.
func (s *OutboxService) FindOutbox(ctx context.Context, f cordon.OutboxFilter) ([]*cordon.OutboxEntry, int, error) {
	if s.FindOutboxFn == nil {
		panic(unset("OutboxService.FindOutbox"))
	}
	return s.FindOutboxFn(ctx, f)
}

// PruneOutbox calls PruneOutboxFn.
func (s *OutboxService) PruneOutbox(ctx context.Context, before time.Time) (int, error) {
	if s.PruneOutboxFn == nil {
		panic(unset("OutboxService.PruneOutbox"))
	}
	return s.PruneOutboxFn(ctx, before)
}

// DeliveryMetrics calls DeliveryMetricsFn.
func (s *OutboxService) DeliveryMetrics(ctx context.Context) (*cordon.DeliveryMetrics, error) {
	if s.DeliveryMetricsFn == nil {
		panic(unset("OutboxService.DeliveryMetrics"))
	}
	return s.DeliveryMetricsFn(ctx)
}
