package remoteaccess

import (
	"context"

	"github.com/cordonsec/cordon"
)

// supplierPage is how many suppliers FindUnexplained reads at a time.
const supplierPage = 500

// maxSuppliers bounds the suppliers read: far more than any trust keeps.
const maxSuppliers = 100_000

// FindUnexplained reads the sessions f selects and every supplier, and
// returns the decisions on the sessions no supplier record explains.
func FindUnexplained(ctx context.Context, svc cordon.SupplierService, f cordon.RemoteSessionFilter) ([]Decision, error) {
	sessions, err := svc.FindRemoteSessions(ctx, f)
	if err != nil {
		return nil, err
	}
	if len(sessions) == 0 {
		return []Decision{}, nil
	}
	suppliers, err := AllSuppliers(ctx, svc)
	if err != nil {
		return nil, err
	}
	return Unexplained(sessions, suppliers), nil
}

// AllSuppliers reads every supplier, page by page.
func AllSuppliers(ctx context.Context, svc cordon.SupplierService) ([]*cordon.Supplier, error) {
	var all []*cordon.Supplier
	for len(all) < maxSuppliers {
		page, total, err := svc.FindSuppliers(ctx, cordon.SupplierFilter{Offset: len(all), Limit: supplierPage})
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if len(page) == 0 || len(all) >= total {
			break
		}
	}
	return all, nil
}
