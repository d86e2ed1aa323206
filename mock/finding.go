package mock

import (
	"context"

	"github.com/cordonsec/cordon"
)

var _ cordon.FindingService = (*FindingService)(nil)

// FindingService is a cordon.FindingService whose methods call its
// function fields.
type FindingService struct {
	FindFindingsFn        func(ctx context.Context, f cordon.FindingFilter) ([]*cordon.Finding, int, error)
	FindFindingByIDFn     func(ctx context.Context, id int64) (*cordon.Finding, error)
	UpdateFindingStatusFn func(ctx context.Context, id int64, st cordon.FindingStatus) (*cordon.Finding, error)
	ReplaceFindingsFn     func(ctx context.Context, set []cordon.DeviceAssessment) error
	FindExposuresFn       func(ctx context.Context, f cordon.ExposureFilter) ([]*cordon.Exposure, int, error)
	FindExposureFn        func(ctx context.Context, deviceID int64) (*cordon.Exposure, error)
	ExposureSummaryFn     func(ctx context.Context) (*cordon.ExposureSummary, error)
}

// FindFindings calls FindFindingsFn.
func (s *FindingService) FindFindings(ctx context.Context, f cordon.FindingFilter) ([]*cordon.Finding, int, error) {
	if s.FindFindingsFn == nil {
		panic(unset("FindingService.FindFindings"))
	}
	return s.FindFindingsFn(ctx, f)
}

// FindFindingByID calls FindFindingByIDFn.
func (s *FindingService) FindFindingByID(ctx context.Context, id int64) (*cordon.Finding, error) {
	if s.FindFindingByIDFn == nil {
		panic(unset("FindingService.FindFindingByID"))
	}
	return s.FindFindingByIDFn(ctx, id)
}

// UpdateFindingStatus calls UpdateFindingStatusFn.
func (s *FindingService) UpdateFindingStatus(ctx context.Context, id int64, st cordon.FindingStatus) (*cordon.Finding, error) {
	if s.UpdateFindingStatusFn == nil {
		panic(unset("FindingService.UpdateFindingStatus"))
	}
	return s.UpdateFindingStatusFn(ctx, id, st)
}

// ReplaceFindings calls ReplaceFindingsFn.
func (s *FindingService) ReplaceFindings(ctx context.Context, set []cordon.DeviceAssessment) error {
	if s.ReplaceFindingsFn == nil {
		panic(unset("FindingService.ReplaceFindings"))
	}
	return s.ReplaceFindingsFn(ctx, set)
}

// FindExposures calls FindExposuresFn.
func (s *FindingService) FindExposures(ctx context.Context, f cordon.ExposureFilter) ([]*cordon.Exposure, int, error) {
	if s.FindExposuresFn == nil {
		panic(unset("FindingService.FindExposures"))
	}
	return s.FindExposuresFn(ctx, f)
}

// FindExposure calls FindExposureFn.
func (s *FindingService) FindExposure(ctx context.Context, deviceID int64) (*cordon.Exposure, error) {
	if s.FindExposureFn == nil {
		panic(unset("FindingService.FindExposure"))
	}
	return s.FindExposureFn(ctx, deviceID)
}

// ExposureSummary calls ExposureSummaryFn.
func (s *FindingService) ExposureSummary(ctx context.Context) (*cordon.ExposureSummary, error) {
	if s.ExposureSummaryFn == nil {
		panic(unset("FindingService.ExposureSummary"))
	}
	return s.ExposureSummaryFn(ctx)
}
