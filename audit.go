package cordon

import (
	"context"
	"encoding/json"
	"time"
)

// AuditEntry records one change: who, when, what, before and after.
type AuditEntry struct {
	ID     int64           `json:"id"`
	At     time.Time       `json:"at"`
	Actor  string          `json:"actor"`
	Action string          `json:"action"` // "device.update", "user.create", "capture.ingest" …
	Object string          `json:"object"` // "device:12", "user:3"
	Before json.RawMessage `json:"before"` // null when created
	After  json.RawMessage `json:"after"`  // null when deleted
}

// AuditFilter selects audit entries, newest first.
type AuditFilter struct {
	Object string
	Actor  string
	Offset int
	Limit  int
}

// AuditService reads the audit log. Entries are written by the other
// services, in the transaction of the change they record, never by callers.
type AuditService interface {
	FindAuditEntries(ctx context.Context, f AuditFilter) ([]*AuditEntry, int, error)
}
