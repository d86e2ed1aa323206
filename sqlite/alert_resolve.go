package sqlite

import (
	"context"
	"strings"

	"github.com/cordonsec/cordon"
)

// ResolveAlerts closes the open alerts of kind in scope that are not in
// keep, in one transaction.
func (s *AlertService) ResolveAlerts(ctx context.Context, kind string, keep []cordon.AlertKey, scope cordon.AlertScope, note string) (int, error) {
	note = strings.TrimSpace(note)
	if kind == "" {
		return 0, cordon.Errorf(cordon.EINVALID, "Resolving alerts needs their kind.")
	}
	if len(note) > maxAlertNote {
		return 0, cordon.Errorf(cordon.EINVALID, "An alert's note is at most %d characters.", maxAlertNote)
	}
	kept := make(map[cordon.AlertKey]bool, len(keep))
	for _, k := range keep {
		kept[k] = true
	}
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return 0, wrap("resolve alerts", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT id, device_id, subject, status, owner, note FROM alerts
		WHERE kind = ? AND status IN ('new', 'acknowledged')`, kind)
	if err != nil {
		return 0, wrap("resolve alerts", err)
	}
	var stale []alertRow
	for rows.Next() {
		var a alertRow
		if err := rows.Scan(&a.id, &a.key.DeviceID, &a.key.Subject, &a.state.Status, &a.state.Owner, &a.state.Note); err != nil {
			rows.Close()
			return 0, wrap("resolve alerts", err)
		}
		if !kept[a.key] && scope.Contains(a.key) {
			stale = append(stale, a)
		}
	}
	if err := rows.Close(); err != nil {
		return 0, wrap("resolve alerts", err)
	}
	if err := rows.Err(); err != nil {
		return 0, wrap("resolve alerts", err)
	}
	now := formatTime(tx.now)
	for _, a := range stale {
		after := alertState{Status: cordon.AlertResolved, Owner: a.state.Owner, Note: note}
		if _, err := tx.ExecContext(ctx, `UPDATE alerts SET status = ?, note = ?, updated_by = ?, updated_at = ? WHERE id = ?`,
			after.Status, after.Note, cordon.Actor(ctx), now, a.id); err != nil {
			return 0, wrap("resolve alerts", err)
		}
		if err := insertAudit(ctx, tx, "alert.update", alertObject(a.id), a.state, after); err != nil {
			return 0, wrap("resolve alerts", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, wrap("resolve alerts", err)
	}
	return len(stale), nil
}

// alertRow is an open alert as ResolveAlerts reads it.
type alertRow struct {
	id    int64
	key   cordon.AlertKey
	state alertState
}
