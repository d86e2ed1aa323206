package mock

import (
	"context"

	"github.com/cordonsec/cordon"
)

var _ cordon.DeviceService = (*DeviceService)(nil)

// DeviceService is a cordon.DeviceService whose methods call its function
// fields.
type DeviceService struct {
	FindDeviceByIDFn    func(ctx context.Context, id int64) (*cordon.DeviceRecord, error)
	FindDevicesFn       func(ctx context.Context, f cordon.DeviceFilter) ([]*cordon.DeviceRecord, int, error)
	UpdateRecordedFn    func(ctx context.Context, id int64, r cordon.Recorded) (*cordon.DeviceRecord, error)
	CreateDeviceFn      func(ctx context.Context, r cordon.Recorded) (*cordon.DeviceRecord, error)
	FindDeviceHistoryFn func(ctx context.Context, id int64) (*cordon.DeviceHistory, error)
}

// FindDeviceByID calls FindDeviceByIDFn.
func (s *DeviceService) FindDeviceByID(ctx context.Context, id int64) (*cordon.DeviceRecord, error) {
	if s.FindDeviceByIDFn == nil {
		panic(unset("DeviceService.FindDeviceByID"))
	}
	return s.FindDeviceByIDFn(ctx, id)
}

// FindDevices calls FindDevicesFn.
func (s *DeviceService) FindDevices(ctx context.Context, f cordon.DeviceFilter) ([]*cordon.DeviceRecord, int, error) {
	if s.FindDevicesFn == nil {
		panic(unset("DeviceService.FindDevices"))
	}
	return s.FindDevicesFn(ctx, f)
}

// UpdateRecorded calls UpdateRecordedFn.
func (s *DeviceService) UpdateRecorded(ctx context.Context, id int64, r cordon.Recorded) (*cordon.DeviceRecord, error) {
	if s.UpdateRecordedFn == nil {
		panic(unset("DeviceService.UpdateRecorded"))
	}
	return s.UpdateRecordedFn(ctx, id, r)
}

// CreateDevice calls CreateDeviceFn.
func (s *DeviceService) CreateDevice(ctx context.Context, r cordon.Recorded) (*cordon.DeviceRecord, error) {
	if s.CreateDeviceFn == nil {
		panic(unset("DeviceService.CreateDevice"))
	}
	return s.CreateDeviceFn(ctx, r)
}

// FindDeviceHistory calls FindDeviceHistoryFn.
func (s *DeviceService) FindDeviceHistory(ctx context.Context, id int64) (*cordon.DeviceHistory, error) {
	if s.FindDeviceHistoryFn == nil {
		panic(unset("DeviceService.FindDeviceHistory"))
	}
	return s.FindDeviceHistoryFn(ctx, id)
}
