package mock

import (
	"context"

	"github.com/cordonsec/cordon"
)

var _ cordon.RemediationService = (*RemediationService)(nil)

// RemediationService is a cordon.RemediationService whose methods call its
// function fields.
type RemediationService struct {
	PrepareRemediationFn       func(ctx context.Context, modelID int64, cve string) (*cordon.RemediationRecord, error)
	CreateRemediationFn        func(ctx context.Context, r *cordon.RemediationRecord) error
	FindRemediationByIDFn      func(ctx context.Context, id int64) (*cordon.RemediationRecord, error)
	FindRemediationsFn         func(ctx context.Context, f cordon.RemediationFilter) ([]*cordon.RemediationRecord, int, error)
	TransitionRemediationFn    func(ctx context.Context, id int64, t cordon.RemediationTransition) (*cordon.RemediationRecord, error)
	UpdateRemediationDevicesFn func(ctx context.Context, id int64, cs []cordon.RemediationDeviceChange) (*cordon.RemediationRecord, error)
}

// PrepareRemediation calls PrepareRemediationFn.
func (s *RemediationService) PrepareRemediation(ctx context.Context, modelID int64, cve string) (*cordon.RemediationRecord, error) {
	if s.PrepareRemediationFn == nil {
		panic(unset("RemediationService.PrepareRemediation"))
	}
	return s.PrepareRemediationFn(ctx, modelID, cve)
}

// CreateRemediation calls CreateRemediationFn.
func (s *RemediationService) CreateRemediation(ctx context.Context, r *cordon.RemediationRecord) error {
	if s.CreateRemediationFn == nil {
		panic(unset("RemediationService.CreateRemediation"))
	}
	return s.CreateRemediationFn(ctx, r)
}

// FindRemediationByID calls FindRemediationByIDFn.
func (s *RemediationService) FindRemediationByID(ctx context.Context, id int64) (*cordon.RemediationRecord, error) {
	if s.FindRemediationByIDFn == nil {
		panic(unset("RemediationService.FindRemediationByID"))
	}
	return s.FindRemediationByIDFn(ctx, id)
}

// FindRemediations calls FindRemediationsFn.
func (s *RemediationService) FindRemediations(ctx context.Context, f cordon.RemediationFilter) ([]*cordon.RemediationRecord, int, error) {
	if s.FindRemediationsFn == nil {
		panic(unset("RemediationService.FindRemediations"))
	}
	return s.FindRemediationsFn(ctx, f)
}

// TransitionRemediation calls TransitionRemediationFn.
func (s *RemediationService) TransitionRemediation(ctx context.Context, id int64, t cordon.RemediationTransition) (*cordon.RemediationRecord, error) {
	if s.TransitionRemediationFn == nil {
		panic(unset("RemediationService.TransitionRemediation"))
	}
	return s.TransitionRemediationFn(ctx, id, t)
}

// UpdateRemediationDevices calls UpdateRemediationDevicesFn.
func (s *RemediationService) UpdateRemediationDevices(ctx context.Context, id int64, cs []cordon.RemediationDeviceChange) (*cordon.RemediationRecord, error) {
	if s.UpdateRemediationDevicesFn == nil {
		panic(unset("RemediationService.UpdateRemediationDevices"))
	}
	return s.UpdateRemediationDevicesFn(ctx, id, cs)
}
