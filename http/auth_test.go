package http

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/auth"
)

// accessCase is one row of the access table: a route, a request for a
// role, and the statuses expected for anonymous, viewer, analyst and admin.
type accessCase struct {
	route string
	req   func(role string) req
	want  [4]int
}

// TestAccess is the table of who may do what: every route, for anonymous
// callers and each role, with the status expected. A route missing from the
// table fails the test.
func TestAccess(t *testing.T) {
	e, _ := mustOpenIntelEnv(t, nil)
	ctx := cordon.NewContextWithUser(context.Background(), &cordon.User{Name: "test-setup"})
	other := &cordon.User{Name: "other", Role: cordon.RoleViewer, PasswordHash: fastHash()}
	must(t, e.s.UserService.CreateUser(ctx, other))
	capID := func() string {
		caps, _, err := e.s.CaptureService.FindCaptures(ctx, cordon.CaptureFilter{})
		must(t, err)
		return fmt.Sprint(caps[0].ID)
	}()
	dev := fmt.Sprint(e.device)

	// A token of another user for each role to try to revoke.
	otherToken := func() string {
		_, hash, prefix := auth.NewAPIToken()
		tok := &cordon.Token{UserID: other.ID, Name: "victim", Hash: hash, Prefix: prefix}
		must(t, e.s.UserService.CreateToken(ctx, tok))
		return fmt.Sprint(tok.ID)
	}

	// Statuses below are for anonymous, viewer, analyst and admin.
	roles := []string{"", cordon.RoleViewer, cordon.RoleAnalyst, cordon.RoleAdmin}
	tests := []accessCase{
		{"GET /healthz", get("/healthz"), [4]int{200, 200, 200, 200}},
		{"GET /login", get("/login"), [4]int{200, 200, 200, 200}},
		{"POST /login", func(string) req { return formReq("/login", url.Values{"name": {"nobody"}, "password": {"wrong"}}) }, [4]int{401, 401, 401, 401}},
		{"POST /logout", func(string) req { return formReq("/logout", nil) }, [4]int{401, 303, 303, 303}},
		{"GET /{$}", get("/"), [4]int{401, 200, 200, 200}},
		{"GET /api/v1/openapi.json", get("/api/v1/openapi.json"), [4]int{401, 200, 200, 200}},
		{"GET /api/v1/me", get("/api/v1/me"), [4]int{401, 200, 200, 200}},
		{"GET /api/v1/devices", get("/api/v1/devices"), [4]int{401, 200, 200, 200}},
		{"GET /api/v1/devices/{id}", get("/api/v1/devices/" + dev), [4]int{401, 200, 200, 200}},
		{"GET /api/v1/devices/{id}/history", get("/api/v1/devices/" + dev + "/history"), [4]int{401, 200, 200, 200}},
		{"PATCH /api/v1/devices/{id}", func(role string) req {
			return jsonReq("PATCH", "/api/v1/devices/"+dev, `{"ward": "Ward `+role+`"}`)
		}, [4]int{401, 403, 200, 200}},
		{"GET /api/v1/captures", get("/api/v1/captures"), [4]int{401, 200, 200, 200}},
		{"GET /api/v1/captures/{id}", get("/api/v1/captures/" + capID), [4]int{401, 200, 200, 200}},
		{"GET /api/v1/captures/live", get("/api/v1/captures/live"), [4]int{401, 200, 200, 200}},
		{"POST /api/v1/captures", func(role string) req {
			// Different bytes per role, so that each is a new capture.
			return uploadReq("file", string(dnsPcap)+role)
		}, [4]int{401, 403, 202, 202}},
		{"POST /api/v1/register/preview", func(string) req {
			return registerReq("/api/v1/register/preview", "file", ebmeRegister)
		}, [4]int{401, 403, 200, 200}},
		{"POST /api/v1/register/import", func(string) req {
			return registerReq("/api/v1/register/import", "file", ebmeRegister, "dry_run", "true")
		}, [4]int{401, 403, 200, 200}},
		{"GET /api/v1/register/export", get("/api/v1/register/export?format=json"), [4]int{401, 200, 200, 200}},
		{"GET /api/v1/users", get("/api/v1/users"), [4]int{401, 403, 403, 200}},
		{"POST /api/v1/users", func(role string) req {
			return jsonReq("POST", "/api/v1/users", `{"name": "new-`+role+`", "role": "viewer", "password": "a long enough password"}`)
		}, [4]int{401, 403, 403, 201}},
		{"PATCH /api/v1/users/{id}", func(string) req {
			return jsonReq("PATCH", fmt.Sprint("/api/v1/users/", other.ID), `{"role": "analyst"}`)
		}, [4]int{401, 403, 403, 200}},
		{"GET /api/v1/tokens", get("/api/v1/tokens"), [4]int{401, 200, 200, 200}},
		{"POST /api/v1/tokens", func(string) req { return jsonReq("POST", "/api/v1/tokens", `{"name": "script"}`) }, [4]int{401, 201, 201, 201}},
		{"DELETE /api/v1/tokens/{id}", func(string) req {
			return req{method: "DELETE", path: "/api/v1/tokens/" + otherToken()}
		}, [4]int{401, 404, 404, 204}},
		{"GET /api/v1/audit", get("/api/v1/audit"), [4]int{401, 200, 200, 200}},
		{"GET /api/v1/findings", get("/api/v1/findings?kev=true"), [4]int{401, 200, 200, 200}},
		{"GET /api/v1/findings/{id}", get("/api/v1/findings/1"), [4]int{401, 200, 200, 200}},
		{"POST /api/v1/findings/{id}/status", func(string) req {
			return jsonReq("POST", "/api/v1/findings/1/status", `{"status": "fixed"}`)
		}, [4]int{401, 403, 200, 200}},
		{"GET /api/v1/affected", get("/api/v1/affected?cve=CVE-2017-0144"), [4]int{401, 200, 200, 200}},
		{"GET /api/v1/vulnerabilities/{cve}", get("/api/v1/vulnerabilities/CVE-2017-0144"), [4]int{401, 200, 200, 200}},
		{"GET /api/v1/advisories", get("/api/v1/advisories"), [4]int{401, 200, 200, 200}},
		{"GET /api/v1/advisories/{advisory}", get("/api/v1/advisories/ICSMA-17-009-01A"), [4]int{401, 200, 200, 200}},
		{"GET /api/v1/feeds", get("/api/v1/feeds"), [4]int{401, 200, 200, 200}},
		{"POST /api/v1/feeds", func(string) req { return feedReq("known_exploited_vulnerabilities.json", kevCatalog) }, [4]int{401, 403, 403, 201}},
		{"GET /api/v1/worklist", get("/api/v1/worklist"), [4]int{401, 200, 200, 200}},
		{"GET /api/v1/devices/{id}/exposure", get("/api/v1/devices/" + dev + "/exposure"), [4]int{401, 200, 200, 200}},
		{"GET /api/v1/exposure/summary", get("/api/v1/exposure/summary"), [4]int{401, 200, 200, 200}},
	}
	// Issue 5's routes, each area's cases in its own test file.
	for _, more := range []func(*testing.T, *env) []accessCase{
		modelAccess, remediationAccess, exceptionAccess, supplierAccess, lifecycleAccess, alertAccess, metricsAccess,
		suppressionAccess, policyAccess, guidanceAccess, sensorAccess, sensorContactAccess,
	} {
		tests = append(tests, more(t, e)...)
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.route] = true
		for i, role := range roles {
			name := role
			if name == "" {
				name = "anonymous"
			}
			t.Run(tt.route+"/"+name, func(t *testing.T) {
				who := anonymous
				if role != "" {
					who = e.bearer(role)
				}
				resp := e.do(who, tt.req(role))
				if resp.StatusCode != tt.want[i] {
					t.Errorf("status %d, want %d", resp.StatusCode, tt.want[i])
				}
			})
		}
	}
	for _, rt := range e.s.routes {
		if !covered[rt.Pattern] {
			t.Errorf("route %s is missing from the access table", rt.Pattern)
		}
	}
}

func get(path string) func(string) req {
	return func(string) req { return req{method: "GET", path: path} }
}

func TestAccessWithSession(t *testing.T) {
	e := MustOpenEnv(t, nil)
	viewer, analyst := e.login("viewer1"), e.login("analyst1")
	patch := jsonReq("PATCH", fmt.Sprint("/api/v1/devices/", e.device), `{"ward": "ICU"}`)
	if resp := e.do(viewer, patch); resp.StatusCode != http.StatusForbidden {
		t.Errorf("viewer PATCH: %d, want 403", resp.StatusCode)
	}
	patch = jsonReq("PATCH", fmt.Sprint("/api/v1/devices/", e.device), `{"ward": "ICU"}`)
	if resp := e.do(analyst, patch); resp.StatusCode != http.StatusOK {
		t.Errorf("analyst PATCH: %d, want 200", resp.StatusCode)
	}
}

// otherToken returns a token of the same length and alphabet that differs from
// tok in its first character, so the test never sends the real token by chance.
func otherToken(tok string) string {
	first := byte('x')
	if tok[0] == first {
		first = 'y'
	}
	return string(first) + tok[1:]
}

func TestCSRF(t *testing.T) {
	e := MustOpenEnv(t, nil)
	s := e.login("analyst1")
	noToken, wrongToken := s, s
	noToken.csrf, wrongToken.csrf = "", otherToken(s.csrf)
	patch := func() req { return jsonReq("PATCH", fmt.Sprint("/api/v1/devices/", e.device), `{"room": "3"}`) }
	tests := []struct {
		name string
		who  as
		req  req
		want int
	}{
		{"PatchNoToken", noToken, patch(), 403},
		{"PatchWrongToken", wrongToken, patch(), 403},
		{"PatchHeaderToken", s, patch(), 200},
		{"PatchBearerNeedsNone", e.bearer(cordon.RoleAnalyst), patch(), 200},
		{"UploadNoToken", noToken, uploadReq("file", string(dnsPcap)), 403},
		{"UploadTokenAfterFile", noToken, uploadReq("file", string(dnsPcap)+"a", "csrf", s.csrf), 403},
		{"UploadWrongTokenPart", noToken, uploadReq("csrf", "nope", "file", string(dnsPcap)+"b"), 403},
		{"UploadTokenPart", noToken, uploadReq("csrf", s.csrf, "file", string(dnsPcap)+"c"), 202},
		{"LogoutFormNoToken", noToken, formReq("/logout", nil), 403},
		{"CrossOrigin", s, func() req {
			r := patch()
			r.header = map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}
			return r
		}(), 403},
		{"SafeMethodNoToken", noToken, req{method: "GET", path: "/api/v1/devices"}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := e.do(tt.who, tt.req)
			if resp.StatusCode != tt.want {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.want)
			}
			if tt.want == 403 {
				wantError(t, resp, 403, cordon.EFORBIDDEN, "")
			}
		})
	}
	t.Run("LogoutFormToken", func(t *testing.T) {
		resp := e.do(noToken, formReq("/logout", url.Values{"csrf": {s.csrf}}))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
			t.Fatalf("logout: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp := e.do(s, req{method: "GET", path: "/api/v1/me"}); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("session still works after logout: %d", resp.StatusCode)
		}
	})
}

func TestTokens(t *testing.T) {
	e := MustOpenEnv(t, nil)
	var created TokenCreated
	resp := e.do(e.bearer(cordon.RoleViewer), jsonReq("POST", "/api/v1/tokens", `{"name": "nightly export", "expires_in_days": 30}`))
	decode(t, resp, &created)
	if resp.StatusCode != 201 || !auth.IsAPIToken(created.Secret) || created.Prefix != created.Secret[:8] || created.ExpiresAt == nil {
		t.Fatalf("create: %d %+v", resp.StatusCode, created)
	}
	mine := as{token: created.Secret}
	if resp := e.do(mine, req{method: "GET", path: "/api/v1/me"}); resp.StatusCode != 200 {
		t.Fatalf("new token refused: %d", resp.StatusCode)
	}
	var list struct{ Tokens []map[string]any }
	decode(t, e.do(mine, req{method: "GET", path: "/api/v1/tokens"}), &list)
	if len(list.Tokens) != 2 {
		t.Errorf("tokens listed: %d, want 2", len(list.Tokens))
	}
	for _, tok := range list.Tokens {
		if _, ok := tok["hash"]; ok {
			t.Error("token list shows hashes")
		}
		if _, ok := tok["secret"]; ok {
			t.Error("token list shows secrets")
		}
	}
	if resp := e.do(mine, req{method: "GET", path: fmt.Sprint("/api/v1/tokens?user_id=", e.users[cordon.RoleAdmin].ID)}); resp.StatusCode != 403 {
		t.Errorf("viewer listing admin's tokens: %d, want 403", resp.StatusCode)
	}
	if resp := e.do(mine, jsonReq("POST", "/api/v1/tokens", fmt.Sprintf(`{"name": "x", "user_id": %d}`, e.users[cordon.RoleAdmin].ID))); resp.StatusCode != 403 {
		t.Errorf("viewer creating admin's token: %d, want 403", resp.StatusCode)
	}
	if resp := e.do(mine, req{method: "DELETE", path: fmt.Sprint("/api/v1/tokens/", created.ID)}); resp.StatusCode != 204 {
		t.Fatalf("revoke own token: %d", resp.StatusCode)
	}
	resp = e.do(mine, req{method: "GET", path: "/api/v1/me"})
	wantError(t, resp, 401, cordon.EUNAUTHORIZED, "revoked")
	if got := resp.Header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
		t.Errorf("WWW-Authenticate = %q", got)
	}

	// An admin makes a token for another user; it acts with that user's role.
	var forViewer TokenCreated
	decode(t, e.do(e.bearer(cordon.RoleAdmin), jsonReq("POST", "/api/v1/tokens", fmt.Sprintf(`{"name": "for viewer", "user_id": %d}`, e.users[cordon.RoleViewer].ID))), &forViewer)
	if resp := e.do(as{token: forViewer.Secret}, req{method: "GET", path: "/api/v1/users"}); resp.StatusCode != 403 {
		t.Errorf("viewer's token made by admin reached admin route: %d", resp.StatusCode)
	}

	bad := []struct{ name, header string }{
		{"Basic", "Basic dXNlcjpwYXNz"},
		{"Malformed", "Bearer cdn_short"},
		{"Unknown", "Bearer cdn_" + strings.Repeat("A", 43)},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			r := req{method: "GET", path: "/api/v1/devices", header: map[string]string{"Authorization": tt.header}}
			wantError(t, e.do(anonymous, r), 401, cordon.EUNAUTHORIZED, "")
		})
	}

	// Disabling a user stops their tokens.
	resp = e.do(e.bearer(cordon.RoleAdmin), jsonReq("PATCH", fmt.Sprint("/api/v1/users/", e.users[cordon.RoleAnalyst].ID), `{"disabled": true}`))
	if resp.StatusCode != 200 {
		t.Fatalf("disable: %d", resp.StatusCode)
	}
	if resp := e.do(e.bearer(cordon.RoleAnalyst), req{method: "GET", path: "/api/v1/me"}); resp.StatusCode != 401 {
		t.Errorf("disabled user's token: %d, want 401", resp.StatusCode)
	}
}

func TestSessionExpiry(t *testing.T) {
	e := MustOpenEnv(t, nil)
	s := e.login("viewer1")
	me := func(who as) *http.Response { return e.do(who, req{method: "GET", path: "/api/v1/me"}) }

	// Within the first hour the cookie stays as it is.
	e.clock.Add(30 * time.Minute)
	if resp := me(s); resp.StatusCode != 200 || len(resp.Cookies()) != 0 {
		t.Fatalf("early: %d, cookies %v", resp.StatusCode, resp.Cookies())
	}
	// Later, use renews it: a new cookie, the same CSRF token, the old one gone.
	e.clock.Add(2 * time.Hour)
	resp := me(s)
	var renewed as
	for _, c := range resp.Cookies() {
		if c.Name == e.s.cookieName() {
			renewed = as{cookie: c}
		}
	}
	if resp.StatusCode != 200 || renewed.cookie == nil || renewed.cookie.Value == s.cookie.Value {
		t.Fatalf("renewal: %d, cookie %v", resp.StatusCode, renewed.cookie)
	}
	if !renewed.cookie.HttpOnly || renewed.cookie.SameSite != http.SameSiteLaxMode || renewed.cookie.Secure {
		t.Errorf("cookie attributes: %+v", renewed.cookie)
	}
	var m Me
	decode(t, me(renewed), &m)
	if m.CSRFToken != s.csrf || m.Auth != "session" || m.Name != "viewer1" {
		t.Errorf("after renewal: %+v", m)
	}
	if resp := me(s); resp.StatusCode != 401 {
		t.Errorf("old cookie after renewal: %d, want 401", resp.StatusCode)
	}
	// Idle past the expiry: signed out, and the cookie is cleared.
	e.clock.Add(SessionTTL + time.Minute)
	resp = me(renewed)
	if resp.StatusCode != 401 {
		t.Errorf("expired: %d, want 401", resp.StatusCode)
	}
	cleared := false
	for _, c := range resp.Cookies() {
		cleared = cleared || (c.Name == e.s.cookieName() && c.MaxAge < 0)
	}
	if !cleared {
		t.Error("expired session cookie not cleared")
	}
}
