package sqlite

// ExceptionService is a skeleton while issue 5's exception store is written.
type ExceptionService struct {
	db *DB
}

// NewExceptionService returns the exception store of db.
func NewExceptionService(db *DB) *ExceptionService { return &ExceptionService{db: db} }
