package mock

import (
	"context"

	"github.com/cordonsec/cordon"
)

var _ cordon.AuditService = (*AuditService)(nil)

// AuditService is a cordon.AuditService whose methods call its function
// fields.
type AuditService struct {
	FindAuditEntriesFn func(ctx context.Context, f cordon.AuditFilter) ([]*cordon.AuditEntry, int, error)
}

// FindAuditEntries calls FindAuditEntriesFn.
func (s *AuditService) FindAuditEntries(ctx context.Context, f cordon.AuditFilter) ([]*cordon.AuditEntry, int, error) {
	if s.FindAuditEntriesFn == nil {
		panic(unset("AuditService.FindAuditEntries"))
	}
	return s.FindAuditEntriesFn(ctx, f)
}
