package sqlite

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"github.com/cordonsec/cordon"
)

// lastUseGranularity is how stale a token's last use may grow before a
// request records it again: one write per token a minute, not one per API
// request.
const lastUseGranularity = time.Minute

// tokenAudit is what the audit log shows of a token: never its hash.
type tokenAudit struct {
	ID        int64      `json:"id"`
	UserID    int64      `json:"user_id"`
	Name      string     `json:"name"`
	Prefix    string     `json:"prefix"`
	ExpiresAt *time.Time `json:"expires_at"`
	// Scope is left out for a full-access token, as audit entries written
	// before scopes existed have it.
	Scope string `json:"scope,omitempty"`
}

func auditOfToken(t *cordon.Token) tokenAudit {
	return tokenAudit{ID: t.ID, UserID: t.UserID, Name: t.Name, Prefix: t.Prefix, ExpiresAt: t.ExpiresAt, Scope: t.Scope}
}

func tokenObject(id int64) string { return "token:" + strconv.FormatInt(id, 10) }

// CreateToken stores a token; ENOTFOUND for an unknown user, ECONFLICT for
// a hash already stored.
func (s *UserService) CreateToken(ctx context.Context, t *cordon.Token) error {
	if t.Hash == "" || len(t.Hash) > 255 {
		return cordon.Errorf(cordon.EINVALID, "A token needs a hash.")
	}
	if len(t.Name) > 255 || len(t.Prefix) > 64 {
		return cordon.Errorf(cordon.EINVALID, "A token's name must have at most 255 characters.")
	}
	switch t.Scope {
	case "", cordon.TokenScopeSensor:
	default:
		return cordon.Invalidf("scope", "A token's scope is empty (everything its user's role allows) or %q (only what a remote sensor needs), not %q.",
			cordon.TokenScopeSensor, clip(t.Scope))
	}
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return wrap("create token", err)
	}
	defer tx.Rollback()
	if err := createToken(ctx, tx, t); err != nil {
		return wrap("create token", err)
	}
	return wrap("create token", tx.Commit())
}

func createToken(ctx context.Context, tx *Tx, t *cordon.Token) error {
	if _, err := findUser(ctx, tx, `id = ?`, t.UserID); err != nil {
		return err
	}
	t.CreatedAt, t.LastUsedAt = tx.now, nil
	if err := tx.QueryRowContext(ctx, `INSERT INTO tokens (user_id, name, hash, prefix, created_at, expires_at, scope)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, t.UserID, t.Name, t.Hash, t.Prefix, formatTime(tx.now),
		nullTime(t.ExpiresAt), t.Scope).Scan(&t.ID); err != nil {
		return err
	}
	return insertAudit(ctx, tx, "token.create", tokenObject(t.ID), nil, auditOfToken(t))
}

const tokenColumns = `tokens.id, tokens.user_id, tokens.name, tokens.hash, tokens.prefix, tokens.created_at, tokens.last_used_at, tokens.expires_at, tokens.scope`

func scanToken(row interface{ Scan(...any) error }, extra ...any) (*cordon.Token, error) {
	var t cordon.Token
	var created string
	var lastUsed, expires sql.NullString
	dest := append([]any{&t.ID, &t.UserID, &t.Name, &t.Hash, &t.Prefix, &created, &lastUsed, &expires, &t.Scope}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	var err error
	if t.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if t.LastUsedAt, err = parseNullTime(lastUsed); err != nil {
		return nil, err
	}
	if t.ExpiresAt, err = parseNullTime(expires); err != nil {
		return nil, err
	}
	return &t, nil
}

// FindTokenByHash returns a live token and its user, recording its use at
// most once a minute; ENOTFOUND if unknown, expired or its user disabled.
func (s *UserService) FindTokenByHash(ctx context.Context, hash string) (*cordon.Token, *cordon.User, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, nil, wrap("find token", err)
	}
	t, u, err := findTokenByHash(ctx, tx, hash)
	tx.Rollback()
	if err != nil {
		return nil, nil, wrap("find token", err)
	}
	// Most requests end here, on the read pool; only a stale last use takes
	// the write lock.
	now := s.db.Now().UTC()
	if t.LastUsedAt != nil && now.Sub(*t.LastUsedAt) < lastUseGranularity && !now.Before(*t.LastUsedAt) {
		return t, u, nil
	}
	if _, err := s.db.write.ExecContext(ctx, `UPDATE tokens SET last_used_at = ? WHERE id = ?`, formatTime(now), t.ID); err != nil {
		return nil, nil, wrap("find token", err)
	}
	t.LastUsedAt = &now
	return t, u, nil
}

func findTokenByHash(ctx context.Context, tx *Tx, hash string) (*cordon.Token, *cordon.User, error) {
	notFound := cordon.Errorf(cordon.ENOTFOUND, "Unknown or expired token.")
	if hash == "" {
		return nil, nil, notFound
	}
	var u *cordon.User
	var uid int64
	var name, role, pw, uc, uu string
	var disabled bool
	t, err := scanToken(tx.QueryRowContext(ctx, `SELECT `+tokenColumns+`, `+userColumns+`
		FROM tokens JOIN users ON users.id = tokens.user_id WHERE tokens.hash = ?`, hash),
		&uid, &name, &role, &pw, &disabled, &uc, &uu)
	if err == sql.ErrNoRows {
		return nil, nil, notFound
	} else if err != nil {
		return nil, nil, err
	}
	if disabled || t.ExpiresAt != nil && !tx.now.Before(*t.ExpiresAt) {
		return nil, nil, notFound
	}
	u = &cordon.User{ID: uid, Name: name, Role: role, PasswordHash: pw, Disabled: disabled}
	if u.CreatedAt, err = parseTime(uc); err != nil {
		return nil, nil, err
	}
	if u.UpdatedAt, err = parseTime(uu); err != nil {
		return nil, nil, err
	}
	return t, u, nil
}

// FindTokens returns a user's tokens, newest first.
func (s *UserService) FindTokens(ctx context.Context, userID int64) ([]*cordon.Token, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("find tokens", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE user_id = ? ORDER BY created_at DESC, id DESC`, userID)
	if err != nil {
		return nil, wrap("find tokens", err)
	}
	defer rows.Close()
	ts := []*cordon.Token{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, wrap("find tokens", err)
		}
		ts = append(ts, t)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("find tokens", err)
	}
	return ts, nil
}

// DeleteToken revokes a token; ENOTFOUND.
func (s *UserService) DeleteToken(ctx context.Context, id int64) error {
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return wrap("delete token", err)
	}
	defer tx.Rollback()
	t, err := scanToken(tx.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return cordon.Errorf(cordon.ENOTFOUND, "Token %d not found.", id)
	} else if err != nil {
		return wrap("delete token", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM tokens WHERE id = ?`, id); err != nil {
		return wrap("delete token", err)
	}
	if err := insertAudit(ctx, tx, "token.delete", tokenObject(id), auditOfToken(t), nil); err != nil {
		return wrap("delete token", err)
	}
	return wrap("delete token", tx.Commit())
}
