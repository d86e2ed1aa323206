package sqlite

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"github.com/cordonsec/cordon"
)

// SuppressionService keeps suppression rules.
type SuppressionService struct {
	db *DB
}

var _ cordon.SuppressionService = (*SuppressionService)(nil)

// NewSuppressionService returns the suppression rules of db.
func NewSuppressionService(db *DB) *SuppressionService { return &SuppressionService{db: db} }

// CreateSuppression stores r, audited as "suppression.create".
func (s *SuppressionService) CreateSuppression(ctx context.Context, r *cordon.SuppressionRule) error {
	if r == nil {
		return cordon.Errorf(cordon.EINVALID, "No suppression rule given.")
	}
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return wrap("create suppression", err)
	}
	defer tx.Rollback()
	if err := r.Validate(tx.now); err != nil {
		return err
	}
	r.CreatedBy, r.CreatedAt = cordon.Actor(ctx), tx.now
	r.ExpiresAt = r.ExpiresAt.UTC()
	if r.DeviceID != 0 {
		if err := exists(ctx, tx, `SELECT 1 FROM devices WHERE id = ?`, r.DeviceID); err != nil {
			return cordon.Errorf(cordon.ENOTFOUND, "Device %d not found.", r.DeviceID)
		}
	}
	if r.ModelID != 0 {
		if err := exists(ctx, tx, `SELECT 1 FROM device_models WHERE id = ?`, r.ModelID); err != nil {
			return cordon.Errorf(cordon.ENOTFOUND, "Model %d not found.", r.ModelID)
		}
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO suppression_rules (kind, device_id, model_id, subject_prefix, reason,
		expires_at, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.Kind, r.DeviceID, r.ModelID, r.SubjectPrefix, r.Reason, formatTime(r.ExpiresAt), r.CreatedBy,
		formatTime(r.CreatedAt)).Scan(&r.ID); err != nil {
		return wrap("create suppression", err)
	}
	if err := insertAudit(ctx, tx, "suppression.create", suppressionObject(r.ID), nil, r); err != nil {
		return wrap("create suppression", err)
	}
	return wrap("create suppression", tx.Commit())
}

// exists returns sql.ErrNoRows unless the query finds a row.
func exists(ctx context.Context, tx *Tx, query string, args ...any) error {
	var one int
	return tx.QueryRowContext(ctx, query, args...).Scan(&one)
}

// DeleteSuppression removes a rule, audited as "suppression.delete".
func (s *SuppressionService) DeleteSuppression(ctx context.Context, id int64) error {
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return wrap("delete suppression", err)
	}
	defer tx.Rollback()
	r, err := scanSuppression(tx.QueryRowContext(ctx, selectSuppressions+` WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return cordon.Errorf(cordon.ENOTFOUND, "Suppression rule %d not found.", id)
	} else if err != nil {
		return wrap("delete suppression", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM suppression_rules WHERE id = ?`, id); err != nil {
		return wrap("delete suppression", err)
	}
	if err := insertAudit(ctx, tx, "suppression.delete", suppressionObject(id), r, nil); err != nil {
		return wrap("delete suppression", err)
	}
	return wrap("delete suppression", tx.Commit())
}

const selectSuppressions = `SELECT id, kind, device_id, model_id, subject_prefix, reason, expires_at, created_by,
	created_at FROM suppression_rules`

func scanSuppression(row interface{ Scan(...any) error }) (*cordon.SuppressionRule, error) {
	var r cordon.SuppressionRule
	var expires, created string
	if err := row.Scan(&r.ID, &r.Kind, &r.DeviceID, &r.ModelID, &r.SubjectPrefix, &r.Reason, &expires, &r.CreatedBy,
		&created); err != nil {
		return nil, err
	}
	var err error
	if r.ExpiresAt, err = parseTime(expires); err != nil {
		return nil, err
	}
	if r.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	return &r, nil
}

// FindSuppressions returns the rules, newest first.
func (s *SuppressionService) FindSuppressions(ctx context.Context, activeOnly bool) ([]*cordon.SuppressionRule, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("find suppressions", err)
	}
	defer tx.Rollback()
	q, args := selectSuppressions, []any{}
	if activeOnly {
		q, args = q+` WHERE expires_at > ?`, append(args, formatTime(tx.now))
	}
	rows, err := tx.QueryContext(ctx, q+` ORDER BY created_at DESC, id DESC`, args...)
	if err != nil {
		return nil, wrap("find suppressions", err)
	}
	defer rows.Close()
	rs := []*cordon.SuppressionRule{}
	for rows.Next() {
		r, err := scanSuppression(rows)
		if err != nil {
			return nil, wrap("find suppressions", err)
		}
		rs = append(rs, r)
	}
	return rs, wrap("find suppressions", rows.Err())
}

// AlertSuppressions returns the rule that held back each suppressed alert
// of ids.
func (s *SuppressionService) AlertSuppressions(ctx context.Context, ids []int64) (map[int64]cordon.Suppressed, error) {
	m := map[int64]cordon.Suppressed{}
	if len(ids) == 0 {
		return m, nil
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("find alert suppressions", err)
	}
	defer tx.Rollback()
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := tx.QueryContext(ctx, `SELECT alert_id, rule_id, reason FROM alert_suppressions WHERE alert_id IN (?`+
			strings.Repeat(", ?", len(chunk)-1)+`)`, args...)
		if err != nil {
			return nil, wrap("find alert suppressions", err)
		}
		for rows.Next() {
			var id int64
			var sp cordon.Suppressed
			if err := rows.Scan(&id, &sp.RuleID, &sp.Reason); err != nil {
				rows.Close()
				return nil, wrap("find alert suppressions", err)
			}
			m[id] = sp
		}
		if err := rows.Close(); err != nil {
			return nil, wrap("find alert suppressions", err)
		}
	}
	return m, nil
}

// suppressAlert records, when an active rule matches the new alert id, that
// the rule held it back, and reports whether one did.
func suppressAlert(ctx context.Context, tx *Tx, id int64, kind string, device, model int64, subject string) (bool, error) {
	var rule int64
	var reason string
	err := tx.QueryRowContext(ctx, `SELECT id, reason FROM suppression_rules
		WHERE (kind = '' OR kind = ?) AND (device_id = 0 OR device_id = ?) AND (model_id = 0 OR model_id = ?)
		AND substr(?, 1, length(subject_prefix)) = subject_prefix AND expires_at > ?
		ORDER BY id LIMIT 1`, kind, device, model, subject, formatTime(tx.now)).Scan(&rule, &reason)
	if err == sql.ErrNoRows {
		return false, nil
	} else if err != nil {
		return false, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO alert_suppressions (alert_id, rule_id, reason, at) VALUES (?, ?, ?, ?)`,
		id, rule, reason, formatTime(tx.now))
	return err == nil, err
}

func suppressionObject(id int64) string { return "suppression:" + strconv.FormatInt(id, 10) }
