package sqlite

// LifecycleService is a skeleton while issue 5's lifecycle store is written.
type LifecycleService struct {
	db *DB
}

// NewLifecycleService returns the lifecycle store of db.
func NewLifecycleService(db *DB) *LifecycleService { return &LifecycleService{db: db} }
