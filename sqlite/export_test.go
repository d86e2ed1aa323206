package sqlite

import "database/sql"

// QueryRowForTest runs a query on the write connection, for tests that
// inspect tables the services do not expose.
func (db *DB) QueryRowForTest(q string, args ...any) *sql.Row { return db.write.QueryRow(q, args...) }

// QueryForTest runs a query on the write connection.
func (db *DB) QueryForTest(q string, args ...any) (*sql.Rows, error) {
	return db.write.Query(q, args...)
}
