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
	q, args := conversationQuery(f)
	q += ` ORDER BY SUM(bytes) DESC, client, server, port LIMIT ?`
	out := []cordon.Conversation{}
	err := s.each(ctx, q, append(args, limit), func(c cordon.Conversation) error {
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, wrap("find conversations", err)
	}
	return out, nil
}

// EachConversation streams every conversation in range to fn, unbounded.
func (s *ConversationService) EachConversation(ctx context.Context, f cordon.ConversationFilter, fn func(cordon.Conversation) error) error {
	q, args := conversationQuery(f)
	return wrap("read conversations", s.each(ctx, q, args, fn))
}

// conversationQuery sums the hourly rows f selects, one row per client,
// server, protocol, port and application.
func conversationQuery(f cordon.ConversationFilter) (string, []any) {
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
	return q + ` GROUP BY client, server, proto, port, app`, args
}

// each runs a conversation query in a read transaction, scanning each row
// into fn.
func (s *ConversationService) each(ctx context.Context, q string, args []any, fn func(cordon.Conversation) error) error {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var c cordon.Conversation
		var hour string
		var port int64
		if err := rows.Scan(&c.Client, &c.Server, &c.Proto, &port, &c.App, &hour, &c.Flows, &c.Packets, &c.Bytes); err != nil {
			return err
		}
		c.Port = uint16(port)
		if c.Hour, err = parseTime(hour); err != nil {
			return fmt.Errorf("hour %q: %w", hour, err)
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	return rows.Err()
}
