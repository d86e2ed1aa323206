package sqlite

// PolicyService is a skeleton while issue 6's policy store is written.
type PolicyService struct {
	db *DB
}

// NewPolicyService returns the policy store of db.
func NewPolicyService(db *DB) *PolicyService { return &PolicyService{db: db} }
