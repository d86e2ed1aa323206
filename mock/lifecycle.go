package mock

import (
	"context"

	"github.com/cordonsec/cordon"
)

var _ cordon.LifecycleService = (*LifecycleService)(nil)

// LifecycleService is a cordon.LifecycleService whose methods call its
// function fields.
type LifecycleService struct {
	FindLifecycleFn   func(ctx context.Context, deviceID int64) (*cordon.DeviceLifecycle, error)
	FindLifecyclesFn  func(ctx context.Context, f cordon.LifecycleFilter) ([]*cordon.DeviceLifecycle, int, error)
	UpdateLifecycleFn func(ctx context.Context, deviceID int64, p cordon.LifecyclePlan) (*cordon.DeviceLifecycle, error)
	DecommissionFn    func(ctx context.Context, deviceID int64, d cordon.Decommissioning) (*cordon.DeviceLifecycle, error)
	DisposeFn         func(ctx context.Context, deviceID int64, d cordon.Disposal) (*cordon.DeviceLifecycle, error)
}

// FindLifecycle calls FindLifecycleFn.
func (s *LifecycleService) FindLifecycle(ctx context.Context, deviceID int64) (*cordon.DeviceLifecycle, error) {
	if s.FindLifecycleFn == nil {
		panic(unset("LifecycleService.FindLifecycle"))
	}
	return s.FindLifecycleFn(ctx, deviceID)
}

// FindLifecycles calls FindLifecyclesFn.
func (s *LifecycleService) FindLifecycles(ctx context.Context, f cordon.LifecycleFilter) ([]*cordon.DeviceLifecycle, int, error) {
	if s.FindLifecyclesFn == nil {
		panic(unset("LifecycleService.FindLifecycles"))
	}
	return s.FindLifecyclesFn(ctx, f)
}

// UpdateLifecycle calls UpdateLifecycleFn.
func (s *LifecycleService) UpdateLifecycle(ctx context.Context, deviceID int64, p cordon.LifecyclePlan) (*cordon.DeviceLifecycle, error) {
	if s.UpdateLifecycleFn == nil {
		panic(unset("LifecycleService.UpdateLifecycle"))
	}
	return s.UpdateLifecycleFn(ctx, deviceID, p)
}

// Decommission calls DecommissionFn.
func (s *LifecycleService) Decommission(ctx context.Context, deviceID int64, d cordon.Decommissioning) (*cordon.DeviceLifecycle, error) {
	if s.DecommissionFn == nil {
		panic(unset("LifecycleService.Decommission"))
	}
	return s.DecommissionFn(ctx, deviceID, d)
}

// Dispose calls DisposeFn.
func (s *LifecycleService) Dispose(ctx context.Context, deviceID int64, d cordon.Disposal) (*cordon.DeviceLifecycle, error) {
	if s.DisposeFn == nil {
		panic(unset("LifecycleService.Dispose"))
	}
	return s.DisposeFn(ctx, deviceID, d)
}
