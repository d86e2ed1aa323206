package sqlite

import (
	"context"
	"fmt"

	"github.com/cordonsec/cordon"
)

// ConversationService reads the register's communications.
type ConversationService struct {
	db *DB
}

var _ cordon.ConversationService = (*ConversationService)(nil)

// NewConversationService returns the conversation side of db.
func NewConversationService(db *DB) *ConversationService { return &ConversationService{db: db} }

// maxConversations bounds one query; the network map aggregates beyond it.
const maxConversations = 20_000

// FindConversations sums conversations over the hours in range, one row per
// client, server, protocol, port and application, busiest first.
func (s *ConversationService) FindConversations(ctx context.Context, f cordon.ConversationFilter) ([]cordon.Conversation, error) {
	limit := f.Limit
	if limit <= 0 || limit > maxConversations {
		limit = maxConversations
	}
	q := `SELECT client, server, proto, port, app, MAX(hour), SUM(flows), SUM(packets), SUM(bytes)
		FROM conversations WHERE 1=1`
	var args []any
	if f.Device != "" {
		q += ` AND (client = ? OR server = ?)`
		args = append(args, f.Device, f.Device)
	}
	if !f.Since.IsZero() {
		q += ` AND hour >= ?`
		args = append(args, formatTime(f.Since.UTC()))
	}
	if !f.Until.IsZero() {
		q += ` AND hour < ?`
		args = append(args, formatTime(f.Until.UTC()))
	}
	q += ` GROUP BY client, server, proto, port, app ORDER BY SUM(bytes) DESC, client, server, port LIMIT ?`
	args = append(args, limit)

	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("find conversations", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, wrap("find conversations", err)
	}
	defer rows.Close()
	out := []cordon.Conversation{}
	for rows.Next() {
		var c cordon.Conversation
		var hour string
		var port int64
		if err := rows.Scan(&c.Client, &c.Server, &c.Proto, &port, &c.App, &hour, &c.Flows, &c.Packets, &c.Bytes); err != nil {
			return nil, wrap("find conversations", err)
		}
		c.Port = uint16(port)
		if c.Hour, err = parseTime(hour); err != nil {
			return nil, wrap("find conversations", fmt.Errorf("hour %q: %w", hour, err))
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("find conversations", err)
	}
	return out, nil
}
