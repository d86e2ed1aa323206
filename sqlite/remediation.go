package sqlite

// RemediationService is a skeleton while issue 5's remediation store is written.
type RemediationService struct {
	db *DB
}

// NewRemediationService returns the remediation store of db.
func NewRemediationService(db *DB) *RemediationService { return &RemediationService{db: db} }
