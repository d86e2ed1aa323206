package mock

import (
	"context"

	"github.com/cordonsec/cordon"
)

var _ cordon.ModelService = (*ModelService)(nil)

// ModelService is a cordon.ModelService whose methods call its function
// fields.
type ModelService struct {
	CreateModelFn          func(ctx context.Context, m *cordon.DeviceModel) error
	FindModelByIDFn        func(ctx context.Context, id int64) (*cordon.DeviceModel, error)
	FindModelsFn           func(ctx context.Context, f cordon.ModelFilter) ([]*cordon.DeviceModel, int, error)
	UpdateModelFn          func(ctx context.Context, m *cordon.DeviceModel) error
	DeleteModelFn          func(ctx context.Context, id int64) error
	AssignDevicesFn        func(ctx context.Context, modelID int64, deviceIDs []int64) error
	ModelOfDeviceFn        func(ctx context.Context, deviceID int64) (*cordon.DeviceModel, string, error)
	FindModelDevicesFn     func(ctx context.Context, modelID int64) ([]int64, error)
	SyncDiscoveredModelsFn func(ctx context.Context) (created, assigned int, err error)
}

// CreateModel calls CreateModelFn.
func (s *ModelService) CreateModel(ctx context.Context, m *cordon.DeviceModel) error {
	if s.CreateModelFn == nil {
		panic(unset("ModelService.CreateModel"))
	}
	return s.CreateModelFn(ctx, m)
}

// FindModelByID calls FindModelByIDFn.
func (s *ModelService) FindModelByID(ctx context.Context, id int64) (*cordon.DeviceModel, error) {
	if s.FindModelByIDFn == nil {
		panic(unset("ModelService.FindModelByID"))
	}
	return s.FindModelByIDFn(ctx, id)
}

// FindModels calls FindModelsFn.
func (s *ModelService) FindModels(ctx context.Context, f cordon.ModelFilter) ([]*cordon.DeviceModel, int, error) {
	if s.FindModelsFn == nil {
		panic(unset("ModelService.FindModels"))
	}
	return s.FindModelsFn(ctx, f)
}

// UpdateModel calls UpdateModelFn.
func (s *ModelService) UpdateModel(ctx context.Context, m *cordon.DeviceModel) error {
	if s.UpdateModelFn == nil {
		panic(unset("ModelService.UpdateModel"))
	}
	return s.UpdateModelFn(ctx, m)
}

// DeleteModel calls DeleteModelFn.
func (s *ModelService) DeleteModel(ctx context.Context, id int64) error {
	if s.DeleteModelFn == nil {
		panic(unset("ModelService.DeleteModel"))
	}
	return s.DeleteModelFn(ctx, id)
}

// AssignDevices calls AssignDevicesFn.
func (s *ModelService) AssignDevices(ctx context.Context, modelID int64, deviceIDs []int64) error {
	if s.AssignDevicesFn == nil {
		panic(unset("ModelService.AssignDevices"))
	}
	return s.AssignDevicesFn(ctx, modelID, deviceIDs)
}

// ModelOfDevice calls ModelOfDeviceFn.
func (s *ModelService) ModelOfDevice(ctx context.Context, deviceID int64) (*cordon.DeviceModel, string, error) {
	if s.ModelOfDeviceFn == nil {
		panic(unset("ModelService.ModelOfDevice"))
	}
	return s.ModelOfDeviceFn(ctx, deviceID)
}

// FindModelDevices calls FindModelDevicesFn.
func (s *ModelService) FindModelDevices(ctx context.Context, modelID int64) ([]int64, error) {
	if s.FindModelDevicesFn == nil {
		panic(unset("ModelService.FindModelDevices"))
	}
	return s.FindModelDevicesFn(ctx, modelID)
}

// SyncDiscoveredModels calls SyncDiscoveredModelsFn.
func (s *ModelService) SyncDiscoveredModels(ctx context.Context) (created, assigned int, err error) {
	if s.SyncDiscoveredModelsFn == nil {
		panic(unset("ModelService.SyncDiscoveredModels"))
	}
	return s.SyncDiscoveredModelsFn(ctx)
}
