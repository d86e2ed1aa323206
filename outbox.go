package cordon

import (
	"context"
	"time"
)

// Outbox entry states. An entry is pending until delivered or given up on
// (failed): a failed entry is a poison message set aside, so that it no
// longer holds back the queue, and kept for a person to see.
const (
	OutboxPending   = "pending"
	OutboxDelivered = "delivered"
	OutboxFailed    = "failed"
)

// OutboxEntry is one alert to deliver to one destination. Entries are
// written in the transaction that raises the alert, so a notification is
// never lost between the database and the network: the worker delivers
// at least once, and retries across restarts.
type OutboxEntry struct {
	ID          int64     `json:"id"`
	AlertID     int64     `json:"alert_id"`
	Destination string    `json:"destination"`
	Status      string    `json:"status"`
	Attempts    int       `json:"attempts"`
	NextAttempt time.Time `json:"next_attempt"`
	LastError   string    `json:"last_error,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	// Alert is the alert to deliver, filled by DueOutbox.
	Alert *Alert `json:"alert,omitempty"`
}

// OutboxFilter selects outbox entries, newest first.
type OutboxFilter struct {
	Status      string
	Destination string
	AlertID     int64
	Offset      int
	Limit       int
}

// AlertTally counts alerts of one kind, severity and status.
type AlertTally struct {
	Kind, Severity, Status string
	Count                  int
}

// DeliveryCount is how many deliveries to a destination succeeded and how
// many attempts failed.
type DeliveryCount struct {
	Destination string
	OK, Failed  int64
}

// DeliveryMetrics is what /metrics exposes, read in one snapshot.
type DeliveryMetrics struct {
	Alerts     []AlertTally
	Outbox     map[string]int // entries by status
	Deliveries []DeliveryCount
	Devices    int
	Captures   int
}

// OutboxService keeps the alerts waiting for delivery.
type OutboxService interface {
	// SetDestinations names the destinations that alerts raised from now
	// on are queued for (the delivery configuration's names).
	SetDestinations(ctx context.Context, names []string) error
	// DueOutbox returns up to limit pending entries whose next attempt is
	// due, earliest first, each with its alert.
	DueOutbox(ctx context.Context, limit int) ([]*OutboxEntry, error)
	// MarkDelivered records a successful delivery. ENOTFOUND.
	MarkDelivered(ctx context.Context, id int64) error
	// MarkFailed records a failed attempt: the entry is tried again at
	// next, or, with giveUp, set aside as failed. ENOTFOUND.
	MarkFailed(ctx context.Context, id int64, msg string, next time.Time, giveUp bool) error
	// FindOutbox returns a page of entries and the total.
	FindOutbox(ctx context.Context, f OutboxFilter) ([]*OutboxEntry, int, error)
	// PruneOutbox deletes the delivered entries last changed before t and
	// returns how many: they are kept a while for the record.
	PruneOutbox(ctx context.Context, before time.Time) (int, error)
	// DeliveryMetrics counts alerts, the outbox, deliveries, devices and
	// captures.
	DeliveryMetrics(ctx context.Context) (*DeliveryMetrics, error)
}
