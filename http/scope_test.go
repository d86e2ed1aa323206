package http

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/auth"
	"github.com/cordonsec/cordon/http/ui"
)

// scopedToken makes a token of the role's test user narrowed to scope and
// returns its secret.
func (e *env) scopedToken(role, scope string) string {
	e.t.Helper()
	secret, hash, prefix := auth.NewAPIToken()
	ctx := cordon.NewContextWithUser(context.Background(), &cordon.User{Name: "test-setup"})
	must(e.t, e.s.UserService.CreateToken(ctx, &cordon.Token{UserID: e.users[role].ID, Name: scope + " " + role,
		Hash: hash, Prefix: prefix, Scope: scope}))
	return secret
}

// withPages mounts the real web pages, so that the scope's limit is
// proved on them as well as on the API.
func withPages(t *testing.T) func(*Server) {
	return func(s *Server) {
		pages, err := ui.New(ui.Config{Devices: s.DeviceService, Captures: s.CaptureService, Users: s.UserService,
			Audit: s.AuditService, Queue: s.Ingester, CaptureDir: s.CaptureDir, MaxUpload: 1 << 20,
			Policies: s.PolicyService, CSRFToken: CSRFToken, Logger: s.Logger, Now: s.Now})
		must(t, err)
		s.UI = pages
	}
}

var wildcard = regexp.MustCompile(`\{[^}]*\}`)

// anyReq builds a request that matches pattern, with each wildcard "1" and
// an empty JSON object as the body of a change: enough to reach the route,
// whatever its handler would then make of it.
func anyReq(pattern string) req {
	method, path, _ := strings.Cut(pattern, " ")
	path = strings.ReplaceAll(path, "{$}", "")
	path = wildcard.ReplaceAllString(path, "1")
	if safeMethod(method) || method == http.MethodDelete {
		return req{method: method, path: path}
	}
	return jsonReq(method, path, `{}`)
}

// TestSensorScope holds a sensor token to its two routes: every other route
// of the server that needs a role, every page and an unknown path answer
// 403 saying why; the two routes still check the user's role.
func TestSensorScope(t *testing.T) {
	e := MustOpenEnv(t, withPages(t))
	sensor := as{token: e.scopedToken(cordon.RoleAnalyst, cordon.TokenScopeSensor)}
	viewerSensor := as{token: e.scopedToken(cordon.RoleViewer, cordon.TokenScopeSensor)}
	exportReq := req{method: "GET", path: "/api/v1/policy/export?format=json"}

	allowed := map[string]bool{"GET /api/v1/policy/export": true, "POST /api/v1/sensor/batches": true, "GET /api/v1/sensor/config": true}
	for _, rt := range e.s.routes {
		if allowed[rt.Pattern] {
			if !slicesEqual(rt.Scopes, []string{cordon.TokenScopeSensor}) {
				t.Errorf("%s: scopes %v, want [sensor]", rt.Pattern, rt.Scopes)
			}
			continue
		}
		if len(rt.Scopes) > 0 {
			t.Errorf("%s is open to scopes %v; only %v should be", rt.Pattern, rt.Scopes, allowed)
		}
		t.Run(rt.Pattern, func(t *testing.T) {
			resp := e.do(sensor, anyReq(rt.Pattern))
			if rt.Role == "" {
				// Open to anyone, so to a sensor as well.
				if resp.StatusCode == http.StatusForbidden {
					t.Errorf("public route refused a sensor token")
				}
				return
			}
			wantError(t, resp, 403, cordon.EFORBIDDEN, "This is a sensor token: it may only ship batches")
		})
	}
	// The pages read the register as the API does, and a path that
	// matches nothing is refused rather than told apart from one that
	// exists.
	for _, r := range []req{
		{method: "GET", path: "/"},
		{method: "GET", path: "/devices"},
		{method: "GET", path: "/policy"},
		{method: "GET", path: "/tokens"},
		formReq("/tokens", url.Values{"name": {"full"}, "expires": {"0"}}),
		{method: "GET", path: "/no/such/page"},
		{method: "GET", path: "/api/v1/sensor/batches"},
		{method: "GET", path: "/api/v1/policy/export/"},
	} {
		t.Run("Page "+r.method+" "+r.path, func(t *testing.T) {
			wantError(t, e.do(sensor, r), 403, cordon.EFORBIDDEN, "sensor token")
		})
	}

	t.Run("ShipsBatches", func(t *testing.T) {
		resp := e.do(sensor, batchReq(gzipped(t, batchJSON(t, testBatch(42))), "gzip"))
		var got SensorBatchIngested
		decode(t, resp, &got)
		if resp.StatusCode != http.StatusCreated || got.Capture == nil || got.Capture.CreatedBy != "analyst1" {
			t.Errorf("batch: %d %+v", resp.StatusCode, got)
		}
	})
	t.Run("ReadsPolicy", func(t *testing.T) {
		for _, who := range []as{sensor, viewerSensor} {
			if resp := e.do(who, exportReq); resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
				t.Errorf("export: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
		}
	})
	t.Run("RoleStillApplies", func(t *testing.T) {
		resp := e.do(viewerSensor, batchReq(batchJSON(t, testBatch(43)), ""))
		wantError(t, resp, 403, cordon.EFORBIDDEN, "needs the analyst role")
	})
	t.Run("FullTokenOfTheSameUser", func(t *testing.T) {
		if resp := e.do(e.bearer(cordon.RoleAnalyst), req{method: "GET", path: "/devices"}); resp.StatusCode != http.StatusOK {
			t.Errorf("full-access token on a page: %d", resp.StatusCode)
		}
	})
	if strings.Contains(e.logText(), sensor.token) {
		t.Error("a token secret is in the log")
	}
}

func slicesEqual(a, b []string) bool { return strings.Join(a, "\x00") == strings.Join(b, "\x00") }

// TestTokenScope makes and lists a sensor token through the API, and
// checks that it cannot make a token of wider reach.
func TestTokenScope(t *testing.T) {
	e := MustOpenEnv(t, nil)
	analyst := e.bearer(cordon.RoleAnalyst)
	var created TokenCreated
	resp := e.do(analyst, jsonReq("POST", "/api/v1/tokens", `{"name": "site 2 sensor", "scope": "sensor"}`))
	decode(t, resp, &created)
	if resp.StatusCode != http.StatusCreated || created.Scope != cordon.TokenScopeSensor || !auth.IsAPIToken(created.Secret) {
		t.Fatalf("create: %d %+v", resp.StatusCode, created.Token)
	}
	var full TokenCreated
	decode(t, e.do(analyst, jsonReq("POST", "/api/v1/tokens", `{"name": "script"}`)), &full)
	if full.Token == nil || full.Scope != "" {
		t.Fatalf("token without a scope: %+v", full.Token)
	}

	var list struct{ Tokens []map[string]any }
	decode(t, e.do(analyst, req{method: "GET", path: "/api/v1/tokens"}), &list)
	scopes := map[string]any{}
	for _, tok := range list.Tokens {
		scopes[fmt.Sprint(tok["name"])] = tok["scope"]
	}
	if scopes["site 2 sensor"] != "sensor" || scopes["script"] != "" {
		t.Errorf("listed scopes: %v", scopes)
	}

	sensor := as{token: created.Secret}
	for _, r := range []req{
		jsonReq("POST", "/api/v1/tokens", `{"name": "wider"}`),
		{method: "GET", path: "/api/v1/tokens"},
		{method: "DELETE", path: fmt.Sprint("/api/v1/tokens/", full.ID)},
		{method: "GET", path: "/api/v1/me"},
	} {
		wantError(t, e.do(sensor, r), 403, cordon.EFORBIDDEN, "sensor token")
	}

	for _, bad := range []string{`"admin"`, `"Sensor"`, `7`} {
		resp := e.do(analyst, jsonReq("POST", "/api/v1/tokens", `{"name": "x", "scope": `+bad+`}`))
		var er ErrorResponse
		decode(t, resp, &er)
		if resp.StatusCode != 400 || er.Error.Code != cordon.EINVALID || !strings.Contains(er.Error.Message, "scope") {
			t.Errorf("scope %s: %d %+v", bad, resp.StatusCode, er.Error)
		}
		if bad != `7` && er.Error.Field != "scope" {
			t.Errorf("scope %s: field %q, want scope", bad, er.Error.Field)
		}
	}
}
