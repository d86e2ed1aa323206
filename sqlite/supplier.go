package sqlite

// SupplierService is a skeleton while issue 5's supplier store is written.
type SupplierService struct {
	db *DB
}

// NewSupplierService returns the supplier store of db.
func NewSupplierService(db *DB) *SupplierService { return &SupplierService{db: db} }
