package mock

import (
	"context"

	"github.com/cordonsec/cordon"
)

var _ cordon.UserService = (*UserService)(nil)

// UserService is a cordon.UserService whose methods call its function
// fields.
type UserService struct {
	CreateUserFn        func(ctx context.Context, u *cordon.User) error
	FindUserByIDFn      func(ctx context.Context, id int64) (*cordon.User, error)
	FindUserByNameFn    func(ctx context.Context, name string) (*cordon.User, error)
	FindUsersFn         func(ctx context.Context) ([]*cordon.User, error)
	UpdateUserFn        func(ctx context.Context, u *cordon.User) error
	CountUsersFn        func(ctx context.Context) (int, error)
	CreateTokenFn       func(ctx context.Context, t *cordon.Token) error
	FindTokenByHashFn   func(ctx context.Context, hash string) (*cordon.Token, *cordon.User, error)
	FindTokensFn        func(ctx context.Context, userID int64) ([]*cordon.Token, error)
	DeleteTokenFn       func(ctx context.Context, id int64) error
	CreateSessionFn     func(ctx context.Context, s *cordon.Session) error
	FindSessionByHashFn func(ctx context.Context, hash string) (*cordon.Session, *cordon.User, error)
	DeleteSessionFn     func(ctx context.Context, hash string) error
}

// CreateUser calls CreateUserFn.
func (m *UserService) CreateUser(ctx context.Context, u *cordon.User) error {
	if m.CreateUserFn == nil {
		panic(unset("UserService.CreateUser"))
	}
	return m.CreateUserFn(ctx, u)
}

// FindUserByID calls FindUserByIDFn.
func (m *UserService) FindUserByID(ctx context.Context, id int64) (*cordon.User, error) {
	if m.FindUserByIDFn == nil {
		panic(unset("UserService.FindUserByID"))
	}
	return m.FindUserByIDFn(ctx, id)
}

// FindUserByName calls FindUserByNameFn.
func (m *UserService) FindUserByName(ctx context.Context, name string) (*cordon.User, error) {
	if m.FindUserByNameFn == nil {
		panic(unset("UserService.FindUserByName"))
	}
	return m.FindUserByNameFn(ctx, name)
}

// FindUsers calls FindUsersFn.
func (m *UserService) FindUsers(ctx context.Context) ([]*cordon.User, error) {
	if m.FindUsersFn == nil {
		panic(unset("UserService.FindUsers"))
	}
	return m.FindUsersFn(ctx)
}

// UpdateUser calls UpdateUserFn.
func (m *UserService) UpdateUser(ctx context.Context, u *cordon.User) error {
	if m.UpdateUserFn == nil {
		panic(unset("UserService.UpdateUser"))
	}
	return m.UpdateUserFn(ctx, u)
}

// CountUsers calls CountUsersFn.
func (m *UserService) CountUsers(ctx context.Context) (int, error) {
	if m.CountUsersFn == nil {
		panic(unset("UserService.CountUsers"))
	}
	return m.CountUsersFn(ctx)
}

// CreateToken calls CreateTokenFn.
func (m *UserService) CreateToken(ctx context.Context, t *cordon.Token) error {
	if m.CreateTokenFn == nil {
		panic(unset("UserService.CreateToken"))
	}
	return m.CreateTokenFn(ctx, t)
}

// FindTokenByHash calls FindTokenByHashFn.
func (m *UserService) FindTokenByHash(ctx context.Context, hash string) (*cordon.Token, *cordon.User, error) {
	if m.FindTokenByHashFn == nil {
		panic(unset("UserService.FindTokenByHash"))
	}
	return m.FindTokenByHashFn(ctx, hash)
}

// FindTokens calls FindTokensFn.
func (m *UserService) FindTokens(ctx context.Context, userID int64) ([]*cordon.Token, error) {
	if m.FindTokensFn == nil {
		panic(unset("UserService.FindTokens"))
	}
	return m.FindTokensFn(ctx, userID)
}

// DeleteToken calls DeleteTokenFn.
func (m *UserService) DeleteToken(ctx context.Context, id int64) error {
	if m.DeleteTokenFn == nil {
		panic(unset("UserService.DeleteToken"))
	}
	return m.DeleteTokenFn(ctx, id)
}

// CreateSession calls CreateSessionFn.
func (m *UserService) CreateSession(ctx context.Context, s *cordon.Session) error {
	if m.CreateSessionFn == nil {
		panic(unset("UserService.CreateSession"))
	}
	return m.CreateSessionFn(ctx, s)
}

// FindSessionByHash calls FindSessionByHashFn.
func (m *UserService) FindSessionByHash(ctx context.Context, hash string) (*cordon.Session, *cordon.User, error) {
	if m.FindSessionByHashFn == nil {
		panic(unset("UserService.FindSessionByHash"))
	}
	return m.FindSessionByHashFn(ctx, hash)
}

// DeleteSession calls DeleteSessionFn.
func (m *UserService) DeleteSession(ctx context.Context, hash string) error {
	if m.DeleteSessionFn == nil {
		panic(unset("UserService.DeleteSession"))
	}
	return m.DeleteSessionFn(ctx, hash)
}
