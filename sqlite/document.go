package sqlite

// DocumentService is a skeleton while issue 5's document store is written.
type DocumentService struct {
	db *DB
}

// NewDocumentService returns the document store of db.
func NewDocumentService(db *DB) *DocumentService { return &DocumentService{db: db} }
