package http

import (
	"context"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/auth"
)

// Sessions last SessionTTL after their last renewal; a session in use is
// renewed (a new cookie, same CSRF token) once sessionRenewAfter has passed,
// so an active user stays signed in and an idle one is signed out.
const (
	SessionTTL        = 12 * time.Hour
	sessionRenewAfter = time.Hour
)

// route is one registered pattern and the least role that may use it (""
// for anyone).
type route struct {
	Pattern string
	Role    string
	// Scopes are the token scopes (cordon.TokenScopeSensor) that may use
	// the route as well as a full-access token; a scoped token may use no
	// other route that needs a role, and no page (limitScope).
	Scopes []string
}

// handle registers h for pattern behind the role check, and records the
// route so that tests can hold the access table and the OpenAPI document
// against every route.
func (s *Server) handle(pattern, role string, h http.HandlerFunc) {
	s.handleRoute(route{Pattern: pattern, Role: role}, h)
}

// handleScoped registers h as handle does and opens the route to tokens
// narrowed to one of scopes, still within their user's role.
func (s *Server) handleScoped(pattern, role string, scopes []string, h http.HandlerFunc) {
	s.handleRoute(route{Pattern: pattern, Role: role, Scopes: scopes}, h)
}

func (s *Server) handleRoute(rt route, h http.HandlerFunc) {
	s.routes = append(s.routes, rt)
	s.router.Handle(rt.Pattern, s.authorize(rt, h))
}

// sensorScope opens a route to sensor tokens.
var sensorScope = []string{cordon.TokenScopeSensor}

// authMethod says how a request authenticated.
type authMethod struct {
	session *cordon.Session // nil for a bearer token
	bearer  bool
	// scope is the bearer token's scope: "" for full access, as for every
	// session (a browser signs in with a password, which is not narrowed).
	scope string
}

type authKey struct{}

func authFrom(ctx context.Context) authMethod {
	a, _ := ctx.Value(authKey{}).(authMethod)
	return a
}

// cookieName is the session cookie. Under TLS the __Host- prefix makes the
// browser refuse it unless Secure, host-only and for path /.
func (s *Server) cookieName() string {
	if s.UseTLS() {
		return "__Host-cordon_session"
	}
	return "cordon_session"
}

// authenticate puts the acting user (from a bearer token or a session
// cookie) in the request context. A request with neither goes on anonymous;
// the route's role check decides whether that is enough.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if h := r.Header.Get("Authorization"); h != "" {
			scheme, tok, _ := strings.Cut(h, " ")
			tok = strings.TrimSpace(tok)
			if !strings.EqualFold(scheme, "Bearer") || !auth.IsAPIToken(tok) {
				Error(w, r, cordon.Errorf(cordon.EUNAUTHORIZED, "The Authorization header must be \"Bearer\" and a Cordon API token."))
				return
			}
			t, u, err := s.UserService.FindTokenByHash(ctx, auth.HashSecret(tok))
			if cordon.ErrorCode(err) == cordon.ENOTFOUND {
				Error(w, r, cordon.Errorf(cordon.EUNAUTHORIZED, "The API token is unknown, expired or revoked."))
				return
			} else if err != nil {
				Error(w, r, err)
				return
			}
			ctx = context.WithValue(cordon.NewContextWithUser(ctx, u), authKey{}, authMethod{bearer: true, scope: t.Scope})
			infoFrom(ctx).user = u.Name
		} else if c, err := r.Cookie(s.cookieName()); err == nil && c.Value != "" {
			sess, u, err := s.UserService.FindSessionByHash(ctx, auth.HashSecret(c.Value))
			switch {
			case cordon.ErrorCode(err) == cordon.ENOTFOUND:
				s.clearSessionCookie(w) // expired or signed out elsewhere
			case err != nil:
				Error(w, r, err)
				return
			default:
				ctx = cordon.NewContextWithUser(ctx, u)
				sess = s.renewSession(ctx, w, sess)
				ctx = context.WithValue(ctx, authKey{}, authMethod{session: sess})
				infoFrom(ctx).user = u.Name
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// renewSession replaces a session that has been in use for a while by a
// fresh one with the same CSRF token, giving sliding expiry through the
// store's create and delete alone. On failure the old session carries on.
func (s *Server) renewSession(ctx context.Context, w http.ResponseWriter, old *cordon.Session) *cordon.Session {
	now := s.timeNow()
	if old.ExpiresAt.Sub(now) > SessionTTL-sessionRenewAfter {
		return old
	}
	secret := auth.NewSecret()
	fresh := &cordon.Session{Hash: auth.HashSecret(secret), UserID: old.UserID, CSRF: old.CSRF,
		CreatedAt: now, ExpiresAt: now.Add(SessionTTL)}
	if err := s.UserService.CreateSession(ctx, fresh); err != nil {
		infoFrom(ctx).logger.Warn("renew session", slog.String("error", err.Error()))
		return old
	}
	if err := s.UserService.DeleteSession(ctx, old.Hash); err != nil {
		infoFrom(ctx).logger.Warn("renew session: delete old", slog.String("error", err.Error()))
	}
	s.setSessionCookie(w, secret)
	return fresh
}

// setSessionCookie sets a browser-session cookie: no Max-Age, so closing
// the browser on a shared ward workstation ends it; the server enforces the
// 12-hour expiry.
func (s *Server) setSessionCookie(w http.ResponseWriter, secret string) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: secret, Path: "/",
		HttpOnly: true, Secure: s.UseTLS(), SameSite: http.SameSiteLaxMode})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.UseTLS(), SameSite: http.SameSiteLaxMode})
}

// limitScope refuses a request made with a scoped token unless the route
// it matches lists the token's scope. It runs for every request, the
// pages' and unmatched paths' included, so that whatever is added later is
// closed to a sensor's token until marked open: a sensor box at another
// site holds its token on a disk that a visitor can walk away with.
func (s *Server) limitScope(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scope := authFrom(r.Context()).scope
		if scope == "" || s.scopeAllows(scope, r) {
			next.ServeHTTP(w, r)
			return
		}
		Error(w, r, scopeRefusal(scope))
	})
}

// scopeAllows reports whether the route that r matches lists scope. A route
// open to anyone (the health check, the sign-in page) is open to every
// scope too: a narrowed token never does less than no token. A path no
// route of the server's matches (the pages, an unknown path, one the mux
// would redirect) is allowed to no scope.
func (s *Server) scopeAllows(scope string, r *http.Request) bool {
	_, pattern := s.router.Handler(r)
	for _, rt := range s.routes {
		if rt.Pattern == pattern {
			return rt.Role == "" || slices.Contains(rt.Scopes, scope)
		}
	}
	return false
}

// scopeRefusal says what a scoped token may do instead.
func scopeRefusal(scope string) error {
	if scope == cordon.TokenScopeSensor {
		return cordon.Errorf(cordon.EFORBIDDEN, "This is a sensor token: it may only ship batches (POST /api/v1/sensor/batches) and read the approved policy (GET /api/v1/policy/export) and detection config (GET /api/v1/sensor/config).")
	}
	return cordon.Errorf(cordon.EFORBIDDEN, "This token is narrowed to the scope %q, which does not allow this.", scope)
}

// authorize enforces a route's role.
func (s *Server) authorize(rt route, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rt.Role == "" {
			h(w, r)
			return
		}
		u := cordon.UserFromContext(r.Context())
		if u == nil {
			Error(w, r, cordon.Errorf(cordon.EUNAUTHORIZED, "Sign in, or send an API token, to use this."))
			return
		}
		if cordon.RoleRank(u.Role) < cordon.RoleRank(rt.Role) {
			Error(w, r, cordon.Errorf(cordon.EFORBIDDEN, "This needs the %s role; you are %s.", rt.Role, article(u.Role)))
			return
		}
		h(w, r)
	})
}

// maxFormBytes bounds a URL-encoded form body (the register's notes are up
// to 4096 characters, and a form holds many fields).
const maxFormBytes = 1 << 20

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

func mediaType(r *http.Request) string {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt
}

func isForm(r *http.Request) bool { return mediaType(r) == "application/x-www-form-urlencoded" }

func isMultipart(r *http.Request) bool { return mediaType(r) == "multipart/form-data" }

func article(role string) string {
	if role == cordon.RoleAdmin || role == cordon.RoleAnalyst {
		return "an " + role
	}
	return "a " + role
}
