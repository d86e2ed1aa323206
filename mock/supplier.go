package mock

import (
	"context"

	"github.com/cordonsec/cordon"
)

var _ cordon.SupplierService = (*SupplierService)(nil)

// SupplierService is a cordon.SupplierService whose methods call its
// function fields.
type SupplierService struct {
	CreateSupplierFn     func(ctx context.Context, s *cordon.Supplier) error
	FindSupplierByIDFn   func(ctx context.Context, id int64) (*cordon.Supplier, error)
	FindSuppliersFn      func(ctx context.Context, f cordon.SupplierFilter) ([]*cordon.Supplier, int, error)
	UpdateSupplierFn     func(ctx context.Context, s *cordon.Supplier) error
	DeleteSupplierFn     func(ctx context.Context, id int64) error
	PatchServiceLevelFn  func(ctx context.Context, modelID int64) (int, string, string, error)
	FindRemoteSessionsFn func(ctx context.Context, f cordon.RemoteSessionFilter) ([]*cordon.RemoteSession, error)
}

// CreateSupplier calls CreateSupplierFn.
func (s *SupplierService) CreateSupplier(ctx context.Context, sup *cordon.Supplier) error {
	if s.CreateSupplierFn == nil {
		panic(unset("SupplierService.CreateSupplier"))
	}
	return s.CreateSupplierFn(ctx, sup)
}

// FindSupplierByID calls FindSupplierByIDFn.
func (s *SupplierService) FindSupplierByID(ctx context.Context, id int64) (*cordon.Supplier, error) {
	if s.FindSupplierByIDFn == nil {
		panic(unset("SupplierService.FindSupplierByID"))
	}
	return s.FindSupplierByIDFn(ctx, id)
}

// FindSuppliers calls FindSuppliersFn.
func (s *SupplierService) FindSuppliers(ctx context.Context, f cordon.SupplierFilter) ([]*cordon.Supplier, int, error) {
	if s.FindSuppliersFn == nil {
		panic(unset("SupplierService.FindSuppliers"))
	}
	return s.FindSuppliersFn(ctx, f)
}

// UpdateSupplier calls UpdateSupplierFn.
func (s *SupplierService) UpdateSupplier(ctx context.Context, sup *cordon.Supplier) error {
	if s.UpdateSupplierFn == nil {
		panic(unset("SupplierService.UpdateSupplier"))
	}
	return s.UpdateSupplierFn(ctx, sup)
}

// DeleteSupplier calls DeleteSupplierFn.
func (s *SupplierService) DeleteSupplier(ctx context.Context, id int64) error {
	if s.DeleteSupplierFn == nil {
		panic(unset("SupplierService.DeleteSupplier"))
	}
	return s.DeleteSupplierFn(ctx, id)
}

// PatchServiceLevel calls PatchServiceLevelFn.
func (s *SupplierService) PatchServiceLevel(ctx context.Context, modelID int64) (int, string, string, error) {
	if s.PatchServiceLevelFn == nil {
		panic(unset("SupplierService.PatchServiceLevel"))
	}
	return s.PatchServiceLevelFn(ctx, modelID)
}

// FindRemoteSessions calls FindRemoteSessionsFn.
func (s *SupplierService) FindRemoteSessions(ctx context.Context, f cordon.RemoteSessionFilter) ([]*cordon.RemoteSession, error) {
	if s.FindRemoteSessionsFn == nil {
		panic(unset("SupplierService.FindRemoteSessions"))
	}
	return s.FindRemoteSessionsFn(ctx, f)
}
