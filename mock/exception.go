package mock

import (
	"context"

	"github.com/cordonsec/cordon"
)

var _ cordon.ExceptionService = (*ExceptionService)(nil)

// ExceptionService is a cordon.ExceptionService whose methods call its
// function fields.
type ExceptionService struct {
	CreateExceptionFn   func(ctx context.Context, e *cordon.Exception) error
	FindExceptionByIDFn func(ctx context.Context, id int64) (*cordon.Exception, error)
	FindExceptionsFn    func(ctx context.Context, f cordon.ExceptionFilter) ([]*cordon.Exception, int, error)
	UpdateExceptionFn   func(ctx context.Context, e *cordon.Exception) error
	RevokeExceptionFn   func(ctx context.Context, id int64, reason string) (*cordon.Exception, error)
	DevicePlanFn        func(ctx context.Context, deviceID int64) (*cordon.MitigationPlan, error)
	ModelPlanFn         func(ctx context.Context, modelID int64) (*cordon.MitigationPlan, error)
	ExceptionCoverageFn func(ctx context.Context) (*cordon.ExceptionCoverage, error)
}

// CreateException calls CreateExceptionFn.
func (s *ExceptionService) CreateException(ctx context.Context, e *cordon.Exception) error {
	if s.CreateExceptionFn == nil {
		panic(unset("ExceptionService.CreateException"))
	}
	return s.CreateExceptionFn(ctx, e)
}

// FindExceptionByID calls FindExceptionByIDFn.
func (s *ExceptionService) FindExceptionByID(ctx context.Context, id int64) (*cordon.Exception, error) {
	if s.FindExceptionByIDFn == nil {
		panic(unset("ExceptionService.FindExceptionByID"))
	}
	return s.FindExceptionByIDFn(ctx, id)
}

// FindExceptions calls FindExceptionsFn.
func (s *ExceptionService) FindExceptions(ctx context.Context, f cordon.ExceptionFilter) ([]*cordon.Exception, int, error) {
	if s.FindExceptionsFn == nil {
		panic(unset("ExceptionService.FindExceptions"))
	}
	return s.FindExceptionsFn(ctx, f)
}

// UpdateException calls UpdateExceptionFn.
func (s *ExceptionService) UpdateException(ctx context.Context, e *cordon.Exception) error {
	if s.UpdateExceptionFn == nil {
		panic(unset("ExceptionService.UpdateException"))
	}
	return s.UpdateExceptionFn(ctx, e)
}

// RevokeException calls RevokeExceptionFn.
func (s *ExceptionService) RevokeException(ctx context.Context, id int64, reason string) (*cordon.Exception, error) {
	if s.RevokeExceptionFn == nil {
		panic(unset("ExceptionService.RevokeException"))
	}
	return s.RevokeExceptionFn(ctx, id, reason)
}

// DevicePlan calls DevicePlanFn.
func (s *ExceptionService) DevicePlan(ctx context.Context, deviceID int64) (*cordon.MitigationPlan, error) {
	if s.DevicePlanFn == nil {
		panic(unset("ExceptionService.DevicePlan"))
	}
	return s.DevicePlanFn(ctx, deviceID)
}

// ModelPlan calls ModelPlanFn.
func (s *ExceptionService) ModelPlan(ctx context.Context, modelID int64) (*cordon.MitigationPlan, error) {
	if s.ModelPlanFn == nil {
		panic(unset("ExceptionService.ModelPlan"))
	}
	return s.ModelPlanFn(ctx, modelID)
}

// ExceptionCoverage calls ExceptionCoverageFn.
func (s *ExceptionService) ExceptionCoverage(ctx context.Context) (*cordon.ExceptionCoverage, error) {
	if s.ExceptionCoverageFn == nil {
		panic(unset("ExceptionService.ExceptionCoverage"))
	}
	return s.ExceptionCoverageFn(ctx)
}
