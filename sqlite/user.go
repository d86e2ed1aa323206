package sqlite

import (
	"context"
	"database/sql"
	"strconv"

	"github.com/cordonsec/cordon"
)

// UserService manages users, their API tokens and their sessions.
type UserService struct {
	db *DB
}

var _ cordon.UserService = (*UserService)(nil)

// NewUserService returns the users of db.
func NewUserService(db *DB) *UserService { return &UserService{db: db} }

// userAudit is what the audit log shows of a user: never the password hash,
// only whether it changed.
type userAudit struct {
	ID              int64  `json:"id"`
	Name            string `json:"name"`
	Role            string `json:"role"`
	Disabled        bool   `json:"disabled"`
	PasswordChanged bool   `json:"password_changed,omitempty"`
}

func userObject(id int64) string { return "user:" + strconv.FormatInt(id, 10) }

// CreateUser adds a user; EINVALID, or ECONFLICT if the name is taken in
// any case.
func (s *UserService) CreateUser(ctx context.Context, u *cordon.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return wrap("create user", err)
	}
	defer tx.Rollback()
	if err := createUser(ctx, tx, u); err != nil {
		if isUnique(err) {
			return cordon.Errorf(cordon.ECONFLICT, "The user name %q is taken.", u.Name)
		}
		return wrap("create user", err)
	}
	return wrap("create user", tx.Commit())
}

func createUser(ctx context.Context, tx *Tx, u *cordon.User) error {
	u.CreatedAt, u.UpdatedAt = tx.now, tx.now
	if err := tx.QueryRowContext(ctx, `INSERT INTO users (name, role, password_hash, disabled, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, u.Name, u.Role, u.PasswordHash, u.Disabled,
		formatTime(tx.now), formatTime(tx.now)).Scan(&u.ID); err != nil {
		return err
	}
	return insertAudit(ctx, tx, "user.create", userObject(u.ID), nil,
		userAudit{ID: u.ID, Name: u.Name, Role: u.Role, Disabled: u.Disabled, PasswordChanged: u.PasswordHash != ""})
}

// FindUserByID returns the user, or ENOTFOUND.
func (s *UserService) FindUserByID(ctx context.Context, id int64) (*cordon.User, error) {
	return s.findUser(ctx, `id = ?`, id)
}

// FindUserByName returns the user, matching the name in any case, or
// ENOTFOUND.
func (s *UserService) FindUserByName(ctx context.Context, name string) (*cordon.User, error) {
	return s.findUser(ctx, `lower(name) = lower(?)`, name)
}

func (s *UserService) findUser(ctx context.Context, cond string, arg any) (*cordon.User, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("find user", err)
	}
	defer tx.Rollback()
	u, err := findUser(ctx, tx, cond, arg)
	if err != nil {
		return nil, wrap("find user", err)
	}
	return u, nil
}

const userColumns = `users.id, users.name, users.role, users.password_hash, users.disabled, users.created_at, users.updated_at`

func findUser(ctx context.Context, tx *Tx, cond string, arg any) (*cordon.User, error) {
	u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE `+cond, arg))
	if err == sql.ErrNoRows {
		return nil, cordon.Errorf(cordon.ENOTFOUND, "User not found.")
	}
	return u, err
}

func scanUser(row interface{ Scan(...any) error }, extra ...any) (*cordon.User, error) {
	var u cordon.User
	var created, updated string
	dest := append([]any{&u.ID, &u.Name, &u.Role, &u.PasswordHash, &u.Disabled, &created, &updated}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	var err error
	if u.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if u.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	return &u, nil
}

// FindUsers returns every user by name.
func (s *UserService) FindUsers(ctx context.Context) ([]*cordon.User, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("find users", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY lower(name), id`)
	if err != nil {
		return nil, wrap("find users", err)
	}
	defer rows.Close()
	us := []*cordon.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, wrap("find users", err)
		}
		us = append(us, u)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("find users", err)
	}
	return us, nil
}

// UpdateUser changes a user's role, disabled state and, if u.PasswordHash
// is not empty, password hash, then fills u from the stored user.
func (s *UserService) UpdateUser(ctx context.Context, u *cordon.User) error {
	if cordon.RoleRank(u.Role) == 0 {
		return cordon.Errorf(cordon.EINVALID, "Role must be admin, analyst or viewer, not %q.", u.Role)
	}
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return wrap("update user", err)
	}
	defer tx.Rollback()
	if err := updateUser(ctx, tx, u); err != nil {
		return wrap("update user", err)
	}
	return wrap("update user", tx.Commit())
}

func updateUser(ctx context.Context, tx *Tx, u *cordon.User) error {
	old, err := findUser(ctx, tx, `id = ?`, u.ID)
	if err != nil {
		return err
	}
	next := *old
	next.Role, next.Disabled, next.UpdatedAt = u.Role, u.Disabled, tx.now
	if u.PasswordHash != "" {
		next.PasswordHash = u.PasswordHash
	}
	if _, err := tx.ExecContext(ctx, `UPDATE users SET role = ?, disabled = ?, password_hash = ?, updated_at = ? WHERE id = ?`,
		next.Role, next.Disabled, next.PasswordHash, formatTime(tx.now), u.ID); err != nil {
		return err
	}
	// A new password or a disabled account ends every signed-in browser:
	// whoever changed it may be shutting out someone who learnt the old one.
	if u.PasswordHash != "" || next.Disabled {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, u.ID); err != nil {
			return err
		}
	}
	if err := insertAudit(ctx, tx, "user.update", userObject(u.ID),
		userAudit{ID: old.ID, Name: old.Name, Role: old.Role, Disabled: old.Disabled},
		userAudit{ID: next.ID, Name: next.Name, Role: next.Role, Disabled: next.Disabled, PasswordChanged: u.PasswordHash != ""}); err != nil {
		return err
	}
	*u = next
	return nil
}

// CountUsers counts users.
func (s *UserService) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := s.db.read.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
		return 0, wrap("count users", err)
	}
	return n, nil
}
