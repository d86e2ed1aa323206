package http

import (
	"net/http"
	"strconv"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/auth"
)

func (s *Server) registerTokenRoutes() {
	s.handle("GET /api/v1/tokens", cordon.RoleViewer, s.handleTokenIndex)
	s.handle("POST /api/v1/tokens", cordon.RoleViewer, s.handleTokenCreate)
	s.handle("DELETE /api/v1/tokens/{id}", cordon.RoleViewer, s.handleTokenDelete)
}

// MaxTokenTTL bounds the lifetime asked for a token; 0 means no expiry.
const MaxTokenTTL = 5 * 365 * 24 * time.Hour

// TokenCreate is the body of POST /api/v1/tokens.
type TokenCreate struct {
	Name string `json:"name"`
	// UserID names the token's owner; only an admin may name another user.
	UserID int64 `json:"user_id"`
	// ExpiresInDays is the token's lifetime; 0 means it never expires.
	ExpiresInDays int `json:"expires_in_days"`
	// Scope narrows the token below its user's role: "" (the default)
	// allows everything the role does, "sensor" only what a remote sensor
	// needs (POST /api/v1/sensor/batches, GET /api/v1/policy/export).
	Scope string `json:"scope"`
}

// TokenCreated is the answer to POST /api/v1/tokens: the only time the
// secret is ever shown.
type TokenCreated struct {
	*cordon.Token
	Secret string `json:"secret"`
}

// tokenOwner resolves the user whose tokens a request is about: the caller,
// or with user_id another user, which only an admin may name.
func tokenOwner(me *cordon.User, id int64) (int64, error) {
	if id == 0 || id == me.ID {
		return me.ID, nil
	}
	if me.Role != cordon.RoleAdmin {
		return 0, cordon.Errorf(cordon.EFORBIDDEN, "Only an admin may manage another user's tokens.")
	}
	return id, nil
}

func (s *Server) handleTokenIndex(w http.ResponseWriter, r *http.Request) {
	q, err := query(r, "user_id")
	if err != nil {
		Error(w, r, err)
		return
	}
	var id int64
	if v := q.Get("user_id"); v != "" {
		if id, err = strconv.ParseInt(v, 10, 64); err != nil || id < 1 {
			Error(w, r, cordon.Errorf(cordon.EINVALID, "user_id must be a positive whole number, not %q.", v))
			return
		}
	}
	owner, err := tokenOwner(cordon.UserFromContext(r.Context()), id)
	if err != nil {
		Error(w, r, err)
		return
	}
	toks, err := s.UserService.FindTokens(r.Context(), owner)
	if err != nil {
		Error(w, r, err)
		return
	}
	if toks == nil {
		toks = []*cordon.Token{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": toks})
}

func (s *Server) handleTokenCreate(w http.ResponseWriter, r *http.Request) {
	var in TokenCreate
	if err := decodeJSON(w, r, &in); err != nil {
		Error(w, r, err)
		return
	}
	if in.Name == "" || len(in.Name) > 100 {
		Error(w, r, cordon.Errorf(cordon.EINVALID, "A token needs a name of 1 to 100 characters, to recognise it later."))
		return
	}
	if in.ExpiresInDays < 0 || time.Duration(in.ExpiresInDays)*24*time.Hour > MaxTokenTTL {
		Error(w, r, cordon.Errorf(cordon.EINVALID, "expires_in_days must be from 0 (never) to %d.", int(MaxTokenTTL/(24*time.Hour))))
		return
	}
	owner, err := tokenOwner(cordon.UserFromContext(r.Context()), in.UserID)
	if err != nil {
		Error(w, r, err)
		return
	}
	secret, hash, prefix := auth.NewAPIToken()
	// The store refuses an unknown scope, naming the field.
	t := &cordon.Token{UserID: owner, Name: in.Name, Hash: hash, Prefix: prefix, Scope: in.Scope}
	if in.ExpiresInDays > 0 {
		at := s.timeNow().Add(time.Duration(in.ExpiresInDays) * 24 * time.Hour)
		t.ExpiresAt = &at
	}
	if err := s.UserService.CreateToken(r.Context(), t); err != nil {
		Error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, TokenCreated{Token: t, Secret: secret})
}

// handleTokenDelete revokes a token. A non-admin may revoke only their own;
// someone else's answers "not found", so as not to reveal that it exists.
func (s *Server) handleTokenDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "token")
	if err != nil {
		Error(w, r, err)
		return
	}
	me := cordon.UserFromContext(r.Context())
	if me.Role != cordon.RoleAdmin {
		toks, err := s.UserService.FindTokens(r.Context(), me.ID)
		if err != nil {
			Error(w, r, err)
			return
		}
		own := false
		for _, t := range toks {
			own = own || t.ID == id
		}
		if !own {
			Error(w, r, cordon.Errorf(cordon.ENOTFOUND, "You have no token %d.", id))
			return
		}
	}
	if err := s.UserService.DeleteToken(r.Context(), id); err != nil {
		Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
