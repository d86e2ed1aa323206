package cordon

import (
	"context"
	"strings"
	"time"
)

// Limits of a suppression rule.
const (
	maxSuppressionReason = 1024
	// MaxSuppressionLife bounds how long a rule may run: a suppression is a
	// decision to revisit, not a way to switch a detection off for good.
	MaxSuppressionLife = 366 * 24 * time.Hour
)

// SuppressionRule keeps matching alerts from being delivered while it runs.
// A suppressed alert is still stored and counted, so that the record shows
// what happened; only the notification is withheld. Zero fields match any
// value, but a rule must narrow by at least one of them.
type SuppressionRule struct {
	ID            int64  `json:"id"`
	Kind          string `json:"kind,omitempty"`           // alert kind, "" for any
	DeviceID      int64  `json:"device_id,omitempty"`      // one device, 0 for any
	ModelID       int64  `json:"model_id,omitempty"`       // the devices of one model, 0 for any
	SubjectPrefix string `json:"subject_prefix,omitempty"` // subjects starting with it
	Reason        string `json:"reason"`
	// ExpiresAt is when the rule stops suppressing; required.
	ExpiresAt time.Time `json:"expires_at"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// Validate reports the first problem of a rule to create at now as an
// EINVALID error.
func (r *SuppressionRule) Validate(now time.Time) error {
	r.Reason = strings.TrimSpace(r.Reason)
	switch {
	case r.Kind == "" && r.DeviceID == 0 && r.ModelID == 0 && r.SubjectPrefix == "":
		return Errorf(EINVALID, "A suppression rule needs a kind, device, model or subject prefix: it may not silence every alert.")
	case len(r.Kind) > 64:
		return Errorf(EINVALID, "A suppression rule's kind is at most 64 characters.")
	case r.DeviceID < 0 || r.ModelID < 0:
		return Errorf(EINVALID, "A suppression rule's device and model IDs must not be negative.")
	case len(r.SubjectPrefix) > 256:
		return Errorf(EINVALID, "A suppression rule's subject prefix is at most 256 characters.")
	case r.Reason == "" || len(r.Reason) > maxSuppressionReason:
		return Errorf(EINVALID, "A suppression rule needs a reason of 1 to %d characters.", maxSuppressionReason)
	case r.ExpiresAt.IsZero() || !r.ExpiresAt.After(now):
		return Errorf(EINVALID, "A suppression rule needs an expiry in the future.")
	case r.ExpiresAt.Sub(now) > MaxSuppressionLife:
		return Errorf(EINVALID, "A suppression rule may run at most 366 days; renew it when it expires.")
	}
	return nil
}

// Active reports whether the rule still suppresses at now.
func (r *SuppressionRule) Active(now time.Time) bool { return now.Before(r.ExpiresAt) }

// SuppressionService keeps suppression rules. Rules apply when an alert is
// first raised (or raised again after it was closed): the store then holds
// it back from the outbox and records which rule did.
type SuppressionService interface {
	// CreateSuppression validates and stores r, setting its ID, creator
	// and creation time; audited as "suppression.create".
	CreateSuppression(ctx context.Context, r *SuppressionRule) error
	// DeleteSuppression ends a rule at once; audited as
	// "suppression.delete". ENOTFOUND.
	DeleteSuppression(ctx context.Context, id int64) error
	// FindSuppressions returns the rules, newest first; with activeOnly,
	// only those not yet expired.
	FindSuppressions(ctx context.Context, activeOnly bool) ([]*SuppressionRule, error)
	// AlertSuppressions returns, for those of ids that a rule suppressed,
	// the rule's ID and the reason it gave.
	AlertSuppressions(ctx context.Context, ids []int64) (map[int64]Suppressed, error)
}

// Suppressed says which rule held an alert back, and why.
type Suppressed struct {
	RuleID int64  `json:"rule_id"`
	Reason string `json:"reason"`
}
