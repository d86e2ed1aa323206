package http

import (
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/auth"
)

func (s *Server) registerLoginRoutes() {
	s.handle("GET /login", "", s.handleLoginPage)
	s.handle("POST /login", "", s.handleLogin)
	s.handle("POST /logout", cordon.RoleViewer, s.handleLogout)
}

// loginFailed is the one message for every failed sign-in, so that it does
// not tell an attacker which user names exist or are disabled.
const loginFailed = "The user name or password is not right, or the account is disabled."

// loginPage holds what the sign-in form shows.
type loginPage struct {
	Name    string
	Message string
	Next    string // where to go after signing in
	CSS     string // the UI's stylesheet, if there is a UI
	Logo    string // the UI's logo, also the page icon
}

// localPath returns p if it is a path on this server, else "/": a sign-in
// link must not send anyone elsewhere (open redirect).
func localPath(p string) string {
	if p == "" || p[0] != '/' || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n") {
		return "/"
	}
	return p
}

func (s *Server) newLoginPage(r *http.Request, name, msg string) loginPage {
	p := loginPage{Name: name, Message: msg, Next: localPath(r.FormValue("next"))}
	if s.UI != nil {
		p.CSS = s.UI.AssetPath("cordon.css")
		p.Logo = s.UI.AssetPath("logo.svg")
	}
	return p
}

func (s *Server) handleLoginPage(w http.ResponseWriter, r *http.Request) {
	if authFrom(r.Context()).session != nil {
		http.Redirect(w, r, localPath(r.FormValue("next")), http.StatusSeeOther)
		return
	}
	renderLogin(w, http.StatusOK, s.newLoginPage(r, "", ""))
}

func renderLogin(w http.ResponseWriter, status int, p loginPage) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = loginTemplate.Execute(w, p)
}

// handleLogin checks a user name and password, throttled per user name and
// per client address, and on success starts a new session.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		renderLogin(w, http.StatusBadRequest, loginPage{Next: "/", Message: "The sign-in form could not be read. Reload the page and try again."})
		return
	}
	name, password := strings.TrimSpace(r.PostForm.Get("name")), r.PostForm.Get("password")
	userKey, ipKey := "user:"+strings.ToLower(name), "ip:"+clientIP(r)
	okUser, waitUser := s.userThrottle.Allow(userKey)
	okIP, waitIP := s.ipThrottle.Allow(ipKey)
	if !okUser || !okIP {
		wait := max(waitUser, waitIP)
		w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
		renderLogin(w, http.StatusTooManyRequests, s.newLoginPage(r, name,
			"Too many failed sign-ins. Wait "+minutes(wait)+" and try again."))
		return
	}
	u, err := s.checkPassword(r, name, password)
	if err != nil {
		if cordon.ErrorCode(err) != cordon.EUNAUTHORIZED {
			Error(w, r, err)
			return
		}
		s.userThrottle.Fail(userKey)
		s.ipThrottle.Fail(ipKey)
		logFrom(r).Warn("sign-in failed", slog.String("remote", clientIP(r)))
		renderLogin(w, http.StatusUnauthorized, s.newLoginPage(r, name, loginFailed))
		return
	}
	s.userThrottle.Reset(userKey)
	ctx := cordon.NewContextWithUser(r.Context(), u)
	infoFrom(ctx).user = u.Name

	// A session cookie brought to the sign-in is replaced, never reused:
	// no session fixation.
	if old := authFrom(r.Context()).session; old != nil {
		_ = s.UserService.DeleteSession(ctx, old.Hash)
	}
	secret, now := auth.NewSecret(), s.timeNow()
	sess := &cordon.Session{Hash: auth.HashSecret(secret), UserID: u.ID, CSRF: auth.NewSecret(),
		CreatedAt: now, ExpiresAt: now.Add(SessionTTL)}
	if err := s.UserService.CreateSession(ctx, sess); err != nil {
		Error(w, r, err)
		return
	}
	s.setSessionCookie(w, secret)
	http.Redirect(w, r, localPath(r.PostForm.Get("next")), http.StatusSeeOther)
}

// checkPassword returns the user whose name and password these are, or
// EUNAUTHORIZED. Unknown and disabled users cost the same time as known
// ones, so timing reveals nothing either.
func (s *Server) checkPassword(r *http.Request, name, password string) (*cordon.User, error) {
	failed := cordon.Errorf(cordon.EUNAUTHORIZED, loginFailed)
	if name == "" || password == "" {
		return nil, failed
	}
	u, err := s.UserService.FindUserByName(r.Context(), name)
	if cordon.ErrorCode(err) == cordon.ENOTFOUND {
		auth.DummyVerify(password)
		return nil, failed
	} else if err != nil {
		return nil, err
	}
	ok, rehash, err := auth.VerifyPassword(u.PasswordHash, password)
	if err != nil {
		logFrom(r).Error("sign-in: stored password hash unusable", slog.String("user", u.Name))
		return nil, failed
	}
	if !ok || u.Disabled {
		return nil, failed
	}
	if rehash {
		// Bring an old hash up to today's cost while the password is at hand.
		if h, err := auth.HashPassword(password); err == nil {
			up := *u
			up.PasswordHash = h
			if err := s.UserService.UpdateUser(cordon.NewContextWithUser(r.Context(), u), &up); err != nil {
				logFrom(r).Warn("sign-in: rehash password", slog.String("error", err.Error()))
			}
		}
	}
	return u, nil
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if sess := authFrom(r.Context()).session; sess != nil {
		if err := s.UserService.DeleteSession(r.Context(), sess.Hash); err != nil {
			Error(w, r, err)
			return
		}
	}
	s.clearSessionCookie(w)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// handleHome is a placeholder for the dashboard of the UI to come: it says
// who is signed in and offers to sign out.
func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	p := struct {
		User *cordon.User
		CSRF string
	}{User: cordon.UserFromContext(r.Context())}
	if sess := authFrom(r.Context()).session; sess != nil {
		p.CSRF = sess.CSRF
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = homeTemplate.Execute(w, p)
}

func minutes(d time.Duration) string {
	m := int((d + time.Minute - 1) / time.Minute)
	if m <= 1 {
		return "a minute"
	}
	return strconv.Itoa(m) + " minutes"
}

// The pages hold no script and no inline style, as the Content-Security-
// Policy demands; the UI to come will add its stylesheet.
var loginTemplate = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · Cordon</title>{{if .CSS}}
<link rel="stylesheet" href="{{.CSS}}">{{end}}{{if .Logo}}
<link rel="icon" type="image/svg+xml" href="{{.Logo}}">{{end}}</head>
<body class="signin">
<main class="signin-box">
<p class="signin-brand">{{if .Logo}}<img src="{{.Logo}}" alt="" width="40" height="40">{{end}}<span>Cordon</span></p>
<section class="card">
<h1>Sign in</h1>
{{if .Message}}<div class="banner banner-error" role="alert" id="login-error">{{.Message}}</div>{{end}}
<form method="post" action="/login">
<input type="hidden" name="next" value="{{.Next}}">
<div class="field"><label for="name">User name</label>
<input id="name" name="name" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus value="{{.Name}}"{{if .Message}} aria-describedby="login-error"{{end}}></div>
<div class="field"><label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required></div>
<p><button type="submit" class="btn">Sign in</button></p>
</form>
</section>
<p class="muted small">Cordon keeps the connected medical device register. No patient data is stored.</p>
</main>
</body>
</html>
`))

var homeTemplate = template.Must(template.New("home").Parse(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cordon</title></head>
<body>
<main>
<h1>Cordon</h1>
<p>Signed in as {{.User.Name}} ({{.User.Role}}).</p>
<p><a href="/api/v1/devices">Devices (JSON)</a> · <a href="/api/v1/openapi.json">API description</a></p>
{{if .CSRF}}<form method="post" action="/logout"><input type="hidden" name="csrf" value="{{.CSRF}}"><button type="submit">Sign out</button></form>{{end}}
</main>
</body>
</html>
`))
