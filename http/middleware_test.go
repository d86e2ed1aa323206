package http

import (
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
)

func TestSecurityHeaders(t *testing.T) {
	e := MustOpenEnv(t, nil)
	tests := []struct {
		name string
		who  as
		req  req
	}{
		{"API", e.bearer(cordon.RoleViewer), req{method: "GET", path: "/api/v1/devices"}},
		{"LoginPage", anonymous, req{method: "GET", path: "/login"}},
		{"Unauthorized", anonymous, req{method: "GET", path: "/api/v1/devices"}},
		{"NotFound", anonymous, req{method: "GET", path: "/no/such/page"}},
		{"Health", anonymous, req{method: "GET", path: "/healthz"}},
		{"MethodNotAllowed", e.bearer(cordon.RoleViewer), req{method: "PUT", path: "/api/v1/devices"}},
	}
	want := map[string]string{
		"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
		"X-Frame-Options":         "DENY",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "same-origin",
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := e.do(tt.who, tt.req)
			for k, v := range want {
				if got := resp.Header.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if got := resp.Header.Get("Strict-Transport-Security"); got != "" {
				t.Errorf("HSTS without TLS: %q", got)
			}
		})
	}
}

func TestRequestLog(t *testing.T) {
	e := MustOpenEnv(t, nil)
	s := e.login("analyst1")
	r := jsonReq("PATCH", "/api/v1/devices/1?secret=query", `{"notes": "body text must not be logged"}`)
	e.do(s, r)
	e.do(e.bearer(cordon.RoleViewer), req{method: "GET", path: "/api/v1/devices?q=findme"})
	log := e.logText()
	for _, want := range []string{"method=PATCH", "path=/api/v1/devices/1", "status=200", "user=analyst1", "user=viewer1", "duration="} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %s:\n%s", want, log)
		}
	}
	for _, secret := range []string{s.cookie.Value, s.csrf, e.tokens[cordon.RoleViewer], "body text", "secret=query", "findme", testPassword} {
		if strings.Contains(log, secret) {
			t.Errorf("log holds %q", secret)
		}
	}
}
