package http

import (
	"net/http"
	"unicode/utf8"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/auth"
)

// MinPasswordLen is the shortest password accepted, in characters. Length
// beats composition rules (NCSC password guidance).
const MinPasswordLen = 12

func (s *Server) registerUserRoutes() {
	s.handle("GET /api/v1/me", cordon.RoleViewer, s.handleMe)
	s.handle("GET /api/v1/users", cordon.RoleAdmin, s.handleUserIndex)
	s.handle("POST /api/v1/users", cordon.RoleAdmin, s.handleUserCreate)
	s.handle("PATCH /api/v1/users/{id}", cordon.RoleAdmin, s.handleUserPatch)
}

// Me describes the signed-in user and how they signed in. A session's
// CSRF token is included so that a script using the cookie can send it.
type Me struct {
	*cordon.User
	Auth      string `json:"auth"` // "session" or "token"
	CSRFToken string `json:"csrf_token,omitempty"`
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) {
	me := Me{User: cordon.UserFromContext(r.Context()), Auth: "token"}
	if sess := authFrom(r.Context()).session; sess != nil {
		me.Auth, me.CSRFToken = "session", sess.CSRF
	}
	writeJSON(w, http.StatusOK, me)
}

func (s *Server) handleUserIndex(w http.ResponseWriter, r *http.Request) {
	if _, err := query(r); err != nil {
		Error(w, r, err)
		return
	}
	users, err := s.UserService.FindUsers(r.Context())
	if err != nil {
		Error(w, r, err)
		return
	}
	if users == nil {
		users = []*cordon.User{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": users})
}

// UserCreate is the body of POST /api/v1/users.
type UserCreate struct {
	Name     string `json:"name"`
	Role     string `json:"role"`
	Password string `json:"password"`
}

func (s *Server) handleUserCreate(w http.ResponseWriter, r *http.Request) {
	var in UserCreate
	if err := decodeJSON(w, r, &in); err != nil {
		Error(w, r, err)
		return
	}
	u := &cordon.User{Name: in.Name, Role: in.Role}
	if err := u.Validate(); err != nil {
		Error(w, r, err)
		return
	}
	hash, err := hashPassword(in.Password)
	if err != nil {
		Error(w, r, err)
		return
	}
	u.PasswordHash = hash
	if err := s.UserService.CreateUser(r.Context(), u); err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, u)
}

// UserPatch is the body of PATCH /api/v1/users/{id}; absent members stay.
type UserPatch struct {
	Role     *string `json:"role"`
	Disabled *bool   `json:"disabled"`
	Password *string `json:"password"`
}

func (s *Server) handleUserPatch(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "user")
	if err != nil {
		Error(w, r, err)
		return
	}
	var in UserPatch
	if err := decodeJSON(w, r, &in); err != nil {
		Error(w, r, err)
		return
	}
	u, err := s.UserService.FindUserByID(r.Context(), id)
	if err != nil {
		Error(w, r, err)
		return
	}
	// An admin who demotes or disables themselves could leave nobody
	// able to manage users; another admin must do it.
	if me := cordon.UserFromContext(r.Context()); me.ID == u.ID &&
		(in.Role != nil && *in.Role != u.Role || in.Disabled != nil && *in.Disabled) {
		Error(w, r, cordon.Errorf(cordon.EINVALID, "You cannot change your own role or disable your own account; ask another admin."))
		return
	}
	u.PasswordHash = "" // unchanged unless a password is given
	if in.Role != nil {
		u.Role = *in.Role
	}
	if in.Disabled != nil {
		u.Disabled = *in.Disabled
	}
	if err := u.Validate(); err != nil {
		Error(w, r, err)
		return
	}
	if in.Password != nil {
		if u.PasswordHash, err = hashPassword(*in.Password); err != nil {
			Error(w, r, err)
			return
		}
	}
	if err := s.UserService.UpdateUser(r.Context(), u); err != nil {
		Error(w, r, err)
		return
	}
	if u, err = s.UserService.FindUserByID(r.Context(), id); err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, u)
}

// hashPassword checks the password policy and hashes.
func hashPassword(p string) (string, error) {
	if utf8.RuneCountInString(p) < MinPasswordLen {
		return "", cordon.Errorf(cordon.EINVALID, "A password must have at least %d characters.", MinPasswordLen)
	}
	if len(p) > auth.MaxPasswordLen {
		return "", cordon.Errorf(cordon.EINVALID, "A password may have at most %d bytes.", auth.MaxPasswordLen)
	}
	return auth.HashPassword(p)
}
