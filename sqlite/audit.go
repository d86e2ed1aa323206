package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cordonsec/cordon"
)

// AuditService reads the audit log that the other services write.
type AuditService struct {
	db *DB
}

var _ cordon.AuditService = (*AuditService)(nil)

// NewAuditService returns the audit log of db.
func NewAuditService(db *DB) *AuditService { return &AuditService{db: db} }

// FindAuditEntries returns a page of entries, newest first, and the total
// that match.
func (s *AuditService) FindAuditEntries(ctx context.Context, f cordon.AuditFilter) ([]*cordon.AuditEntry, int, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, 0, wrap("find audit entries", err)
	}
	defer tx.Rollback()
	es, n, err := findAuditEntries(ctx, tx, f)
	if err != nil {
		return nil, 0, wrap("find audit entries", err)
	}
	return es, n, nil
}

func findAuditEntries(ctx context.Context, tx *Tx, f cordon.AuditFilter) ([]*cordon.AuditEntry, int, error) {
	offset, limit, err := pageBounds(f.Offset, f.Limit)
	if err != nil {
		return nil, 0, err
	}
	var where []string
	var args []any
	if f.Object != "" {
		where, args = append(where, "object = ?"), append(args, f.Object)
	}
	if f.Actor != "" {
		where, args = append(where, "actor = ?"), append(args, f.Actor)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM audit`+cond, args...).Scan(&n); err != nil {
		return nil, 0, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, at, actor, action, object, before, after FROM audit`+cond+
		` ORDER BY at DESC, id DESC LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	es := make([]*cordon.AuditEntry, 0, min(n, limit))
	for rows.Next() {
		var e cordon.AuditEntry
		var at string
		var before, after sql.NullString
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Object, &before, &after); err != nil {
			return nil, 0, err
		}
		if e.At, err = parseTime(at); err != nil {
			return nil, 0, err
		}
		if before.Valid {
			e.Before = json.RawMessage(before.String)
		}
		if after.Valid {
			e.After = json.RawMessage(after.String)
		}
		es = append(es, &e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	return es, n, nil
}

// insertAudit records a change in tx: the acting user from ctx, the action,
// the object ("device:12") and the object before and after as JSON, nil
// meaning none. Callers pass views that leave secrets out.
func insertAudit(ctx context.Context, tx *Tx, action, object string, before, after any) error {
	b, err := auditJSON(before)
	if err != nil {
		return err
	}
	a, err := auditJSON(after)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit (at, actor, action, object, before, after) VALUES (?, ?, ?, ?, ?, ?)`,
		formatTime(tx.now), cordon.Actor(ctx), action, object, b, a)
	return err
}

func auditJSON(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	return string(b), nil
}
