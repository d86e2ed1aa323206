package cordon

import (
	"context"
	"time"
)

// Roles, from least to most privileged.
const (
	RoleViewer  = "viewer"  // reads everything, changes nothing
	RoleAnalyst = "analyst" // also edits the register and ingests captures
	RoleAdmin   = "admin"   // also manages users and tokens
)

// RoleRank orders roles so that a check reads "at least analyst".
func RoleRank(role string) int {
	switch role {
	case RoleViewer:
		return 1
	case RoleAnalyst:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// User is a local account.
type User struct {
	ID           int64     `json:"id"`
	Name         string    `json:"name"`
	Role         string    `json:"role"`
	PasswordHash string    `json:"-"` // argon2id, PHC string format
	Disabled     bool      `json:"disabled"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Validate checks the name and role.
func (u *User) Validate() error {
	if u.Name == "" || len(u.Name) > 64 {
		return Errorf(EINVALID, "A user name must have 1 to 64 characters.")
	}
	for _, r := range u.Name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_' || r == '@') {
			return Errorf(EINVALID, "A user name may hold only letters, digits and . - _ @.")
		}
	}
	if RoleRank(u.Role) == 0 {
		return Errorf(EINVALID, "Role must be admin, analyst or viewer, not %q.", u.Role)
	}
	return nil
}

// Token is an API token. Only its SHA-256 hash is stored; the secret is
// shown once, when it is made.
type Token struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	Hash       string     `json:"-"`
	Prefix     string     `json:"prefix"` // first characters, to recognise it in lists
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	// Scope narrows what the token may do below its user's role: "" is
	// everything the role allows; TokenScopeSensor only what a remote
	// sensor needs. A sensor box holds a token that cannot read the
	// register or change it, whoever stole it.
	Scope string `json:"scope"`
}

// Token scopes.
const (
	// TokenScopeSensor allows only the routes a remote sensor uses: shipping
	// batches and reading the approved policy.
	TokenScopeSensor = "sensor"
)

// Session is a signed-in browser. Only the hash of its cookie is stored.
type Session struct {
	Hash      string
	UserID    int64
	CSRF      string // per-session token every state-changing form carries
	CreatedAt time.Time
	ExpiresAt time.Time
}

// UserService manages users, their API tokens and sessions. Changes write
// audit entries in the same transaction.
type UserService interface {
	// CreateUser adds a user. EINVALID, ECONFLICT if the name is taken.
	CreateUser(ctx context.Context, u *User) error
	// FindUserByID and FindUserByName return ENOTFOUND when absent.
	FindUserByID(ctx context.Context, id int64) (*User, error)
	FindUserByName(ctx context.Context, name string) (*User, error)
	FindUsers(ctx context.Context) ([]*User, error)
	// UpdateUser changes role, disabled state and, if non-empty, password
	// hash. A new password or disabling the user ends all of the user's
	// sessions. EINVALID, ENOTFOUND.
	UpdateUser(ctx context.Context, u *User) error
	// CountUsers counts users, so that first start can offer set-up.
	CountUsers(ctx context.Context) (int, error)

	// CreateToken stores a token (its hash). ENOTFOUND for an unknown user.
	CreateToken(ctx context.Context, t *Token) error
	// FindTokenByHash returns a live token and its user, updating its last
	// use; ENOTFOUND if unknown, expired, or its user is disabled.
	FindTokenByHash(ctx context.Context, hash string) (*Token, *User, error)
	FindTokens(ctx context.Context, userID int64) ([]*Token, error)
	// DeleteToken revokes a token. ENOTFOUND.
	DeleteToken(ctx context.Context, id int64) error

	CreateSession(ctx context.Context, s *Session) error
	// FindSessionByHash returns a live session and its user; ENOTFOUND if
	// unknown, expired, or its user is disabled.
	FindSessionByHash(ctx context.Context, hash string) (*Session, *User, error)
	DeleteSession(ctx context.Context, hash string) error
}

// userContextKey carries the acting user in a context.
type userContextKey struct{}

// NewContextWithUser returns ctx carrying the acting user, which stores
// record in audit entries.
func NewContextWithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, userContextKey{}, u)
}

// UserFromContext returns the acting user, or nil.
func UserFromContext(ctx context.Context) *User {
	u, _ := ctx.Value(userContextKey{}).(*User)
	return u
}

// Actor names whoever acts in ctx for the audit log: the user's name, or
// "system" for the server's own work (ingest, migrations).
func Actor(ctx context.Context) string {
	if u := UserFromContext(ctx); u != nil {
		return u.Name
	}
	return "system"
}
