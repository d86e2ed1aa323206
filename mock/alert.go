package mock

import (
	"context"

	"github.com/cordonsec/cordon"
)

var _ cordon.AlertService = (*AlertService)(nil)

// AlertService is a cordon.AlertService whose methods call its function
// fields.
type AlertService struct {
	RaiseAlertFn    func(ctx context.Context, a *cordon.Alert) error
	FindAlertByIDFn func(ctx context.Context, id int64) (*cordon.Alert, error)
	FindAlertsFn    func(ctx context.Context, f cordon.AlertFilter) ([]*cordon.Alert, int, error)
	UpdateAlertFn   func(ctx context.Context, id int64, c cordon.AlertChange) (*cordon.Alert, error)
	ResolveAlertsFn func(ctx context.Context, kind string, keep []cordon.AlertKey, scope cordon.AlertScope, note string) (int, error)
}

// RaiseAlert calls RaiseAlertFn.
func (s *AlertService) RaiseAlert(ctx context.Context, a *cordon.Alert) error {
	if s.RaiseAlertFn == nil {
		panic(unset("AlertService.RaiseAlert"))
	}
	return s.RaiseAlertFn(ctx, a)
}

// FindAlertByID calls FindAlertByIDFn.
func (s *AlertService) FindAlertByID(ctx context.Context, id int64) (*cordon.Alert, error) {
	if s.FindAlertByIDFn == nil {
		panic(unset("AlertService.FindAlertByID"))
	}
	return s.FindAlertByIDFn(ctx, id)
}

// FindAlerts calls FindAlertsFn.
func (s *AlertService) FindAlerts(ctx context.Context, f cordon.AlertFilter) ([]*cordon.Alert, int, error) {
	if s.FindAlertsFn == nil {
		panic(unset("AlertService.FindAlerts"))
	}
	return s.FindAlertsFn(ctx, f)
}

// UpdateAlert calls UpdateAlertFn.
func (s *AlertService) UpdateAlert(ctx context.Context, id int64, c cordon.AlertChange) (*cordon.Alert, error) {
	if s.UpdateAlertFn == nil {
		panic(unset("AlertService.UpdateAlert"))
	}
	return s.UpdateAlertFn(ctx, id, c)
}

// ResolveAlerts calls ResolveAlertsFn.
func (s *AlertService) ResolveAlerts(ctx context.Context, kind string, keep []cordon.AlertKey, scope cordon.AlertScope, note string) (int, error) {
	if s.ResolveAlertsFn == nil {
		panic(unset("AlertService.ResolveAlerts"))
	}
	return s.ResolveAlertsFn(ctx, kind, keep, scope, note)
}
