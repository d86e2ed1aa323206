package sqlite

import (
	"context"
	"database/sql"

	"github.com/cordonsec/cordon"
)

// CreateSession stores a session; ENOTFOUND for an unknown user. It also
// removes expired sessions, so the table does not grow with every sign-in.
func (s *UserService) CreateSession(ctx context.Context, sess *cordon.Session) error {
	if sess.Hash == "" || len(sess.Hash) > 255 || sess.CSRF == "" {
		return cordon.Errorf(cordon.EINVALID, "A session needs a hash and a CSRF token.")
	}
	if sess.ExpiresAt.IsZero() {
		return cordon.Errorf(cordon.EINVALID, "A session needs an expiry time.")
	}
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return wrap("create session", err)
	}
	defer tx.Rollback()
	if _, err := findUser(ctx, tx, `id = ?`, sess.UserID); err != nil {
		return wrap("create session", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, formatTime(tx.now)); err != nil {
		return wrap("create session", err)
	}
	if sess.CreatedAt.IsZero() {
		sess.CreatedAt = tx.now
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		sess.Hash, sess.UserID, sess.CSRF, formatTime(sess.CreatedAt), formatTime(sess.ExpiresAt)); err != nil {
		return wrap("create session", err)
	}
	return wrap("create session", tx.Commit())
}

// FindSessionByHash returns a live session and its user; ENOTFOUND if
// unknown, expired, or its user is disabled.
func (s *UserService) FindSessionByHash(ctx context.Context, hash string) (*cordon.Session, *cordon.User, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, nil, wrap("find session", err)
	}
	defer tx.Rollback()
	sess, u, err := findSessionByHash(ctx, tx, hash)
	if err != nil {
		return nil, nil, wrap("find session", err)
	}
	return sess, u, nil
}

func findSessionByHash(ctx context.Context, tx *Tx, hash string) (*cordon.Session, *cordon.User, error) {
	notFound := cordon.Errorf(cordon.ENOTFOUND, "Unknown or expired session.")
	if hash == "" {
		return nil, nil, notFound
	}
	var sess cordon.Session
	var created, expires string
	u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+`, sessions.hash, sessions.csrf,
		sessions.created_at, sessions.expires_at FROM sessions JOIN users ON users.id = sessions.user_id
		WHERE sessions.hash = ?`, hash), &sess.Hash, &sess.CSRF, &created, &expires)
	if err == sql.ErrNoRows {
		return nil, nil, notFound
	} else if err != nil {
		return nil, nil, err
	}
	sess.UserID = u.ID
	if sess.CreatedAt, err = parseTime(created); err != nil {
		return nil, nil, err
	}
	if sess.ExpiresAt, err = parseTime(expires); err != nil {
		return nil, nil, err
	}
	if u.Disabled || !tx.now.Before(sess.ExpiresAt) {
		return nil, nil, notFound
	}
	return &sess, u, nil
}

// DeleteSession ends a session. Ending one that does not exist is not an
// error: signing out twice signs out.
func (s *UserService) DeleteSession(ctx context.Context, hash string) error {
	if _, err := s.db.write.ExecContext(ctx, `DELETE FROM sessions WHERE hash = ?`, hash); err != nil {
		return wrap("delete session", err)
	}
	return nil
}
