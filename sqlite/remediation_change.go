package sqlite

import (
	"context"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// TransitionRemediation moves a record in its state machine and records
// who did it, auditing the record before and after.
func (s *RemediationService) TransitionRemediation(ctx context.Context, id int64, t cordon.RemediationTransition) (*cordon.RemediationRecord, error) {
	return s.change(ctx, id, "remediation.update", func(r *cordon.RemediationRecord, now time.Time) error {
		return r.Transition(t, now, cordon.Actor(ctx))
	})
}

// UpdateRemediationDevices changes where devices' deployment stands; the
// record moves to applied when the last device is.
func (s *RemediationService) UpdateRemediationDevices(ctx context.Context, id int64, cs []cordon.RemediationDeviceChange) (*cordon.RemediationRecord, error) {
	return s.change(ctx, id, "remediation.devices", func(r *cordon.RemediationRecord, now time.Time) error {
		return r.ChangeDevices(cs, now, cordon.Actor(ctx))
	})
}

// change loads a record, applies fn at the transaction's time, and stores
// the record and its devices with one audit entry, all in one transaction.
func (s *RemediationService) change(ctx context.Context, id int64, action string, fn func(*cordon.RemediationRecord, time.Time) error) (*cordon.RemediationRecord, error) {
	op := strings.TrimPrefix(action, "remediation.") + " remediation"
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return nil, wrap(op, err)
	}
	defer tx.Rollback()
	before, err := findRemediation(ctx, tx, id)
	if err != nil {
		return nil, wrap(op, err)
	}
	after := *before
	if err := fn(&after, tx.now); err != nil {
		return nil, err
	}
	after.UpdatedAt = tx.now
	doc, err := remediationDocJSON(&after)
	if err != nil {
		return nil, wrap(op, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE remediations SET state = ?, doc = ?, updated_at = ? WHERE id = ?`,
		after.State, doc, formatTime(tx.now), id); err != nil {
		return nil, wrap(op, err)
	}
	for i, d := range after.Devices {
		if b := before.Devices[i]; b.State != d.State || !b.Scheduled.Equal(d.Scheduled) || !b.Applied.Equal(d.Applied) || b.AppliedBy != d.AppliedBy {
			if err := upsertRemediationDevice(ctx, tx, id, d); err != nil {
				return nil, wrap(op, err)
			}
		}
	}
	if err := insertAudit(ctx, tx, action, remediationObject(id), auditRemediation(before), auditRemediation(&after)); err != nil {
		return nil, wrap(op, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, wrap(op, err)
	}
	return &after, nil
}
