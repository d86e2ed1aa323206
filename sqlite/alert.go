package sqlite

// AlertService is a skeleton while issue 5's alert store is written.
type AlertService struct {
	db *DB
}

// NewAlertService returns the alert store of db.
func NewAlertService(db *DB) *AlertService { return &AlertService{db: db} }
