package http

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/auth"
)

func TestLoginPage(t *testing.T) {
	e := MustOpenEnv(t, nil)
	resp := e.do(anonymous, req{method: "GET", path: "/login?next=/devices%3Fq%3Dct"})
	b, _ := io.ReadAll(resp.Body)
	page := string(b)
	for _, want := range []string{`<label for="name">`, `<label for="password">`, `autocomplete="current-password"`,
		`method="post" action="/login"`, `name="next" value="/devices?q=ct"`, `lang="en"`} {
		if !strings.Contains(page, want) {
			t.Errorf("login page lacks %s", want)
		}
	}
	for _, banned := range []string{"<script", "style=", "onclick", "<style"} {
		if strings.Contains(page, banned) {
			t.Errorf("login page has %s, which the CSP forbids", banned)
		}
	}
	// A signed-in browser is sent on.
	s := e.login("viewer1")
	if resp := e.do(s, req{method: "GET", path: "/login"}); resp.StatusCode != 303 || resp.Header.Get("Location") != "/" {
		t.Errorf("signed in: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// A browser without a session asking for a page is sent to sign in.
	r := req{method: "GET", path: "/", header: map[string]string{"Accept": "text/html"}}
	if resp := e.do(anonymous, r); resp.StatusCode != 303 || resp.Header.Get("Location") != "/login?next=%2F" {
		t.Errorf("anonymous page: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestLogin(t *testing.T) {
	e := MustOpenEnv(t, nil)
	ctx := cordon.NewContextWithUser(context.Background(), &cordon.User{Name: "test-setup"})
	disabled := &cordon.User{Name: "gone", Role: cordon.RoleAdmin, PasswordHash: fastHash(), Disabled: true}
	must(t, e.s.UserService.CreateUser(ctx, disabled))
	form := func(name, password, next string) req {
		return formReq("/login", url.Values{"name": {name}, "password": {password}, "next": {next}})
	}
	tests := []struct {
		name     string
		req      req
		status   int
		location string
	}{
		{"OK", form("viewer1", testPassword, ""), 303, "/"},
		{"Next", form("viewer1", testPassword, "/devices/3"), 303, "/devices/3"},
		{"OpenRedirect", form("viewer1", testPassword, "//evil.example/"), 303, "/"},
		{"OpenRedirectBackslash", form("viewer1", testPassword, `/\evil.example`), 303, "/"},
		{"AbsoluteURL", form("viewer1", testPassword, "https://evil.example/"), 303, "/"},
		{"WrongPassword", form("analyst1", "wrong password", ""), 401, ""},
		{"UnknownUser", form("nobody", testPassword, ""), 401, ""},
		{"Disabled", form("gone", testPassword, ""), 401, ""},
		{"Empty", form("", "", ""), 401, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := e.do(anonymous, tt.req)
			if resp.StatusCode != tt.status || resp.Header.Get("Location") != tt.location {
				t.Fatalf("%d %q; want %d %q", resp.StatusCode, resp.Header.Get("Location"), tt.status, tt.location)
			}
			if tt.status == 401 {
				b, _ := io.ReadAll(resp.Body)
				if !strings.Contains(string(b), "The user name or password is not right") {
					t.Errorf("failure page lacks the generic message")
				}
				if len(resp.Cookies()) != 0 {
					t.Errorf("failed sign-in set cookies")
				}
			}
		})
	}
	if log := e.logText(); strings.Contains(log, testPassword) || strings.Contains(log, "wrong password") {
		t.Error("a password reached the log")
	}
}

func TestLoginThrottle(t *testing.T) {
	e := MustOpenEnv(t, nil)
	try := func(name, password string) *http.Response {
		return e.do(anonymous, formReq("/login", url.Values{"name": {name}, "password": {password}}))
	}
	for i := range loginMaxFailures {
		if resp := try("Analyst1", fmt.Sprint("guess ", i)); resp.StatusCode != 401 {
			t.Fatalf("failure %d: %d", i, resp.StatusCode)
		}
	}
	// Now even the right password waits, whatever the case of the name.
	resp := try("analyst1", testPassword)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "900" {
		t.Fatalf("throttled: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if b, _ := io.ReadAll(resp.Body); !strings.Contains(string(b), "Too many failed sign-ins") {
		t.Error("429 page does not explain")
	}
	// Other users are not locked out by it.
	if resp := try("viewer1", testPassword); resp.StatusCode != 303 {
		t.Errorf("other user: %d", resp.StatusCode)
	}
	e.clock.Add(loginWindow)
	if resp := try("analyst1", testPassword); resp.StatusCode != 303 {
		t.Errorf("after the window: %d", resp.StatusCode)
	}

	// One address spraying many user names is throttled too.
	for i := range loginMaxFailuresPerIP {
		try(fmt.Sprint("user", i), "password guess")
	}
	if resp := try("admin1", testPassword); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("address throttle: %d", resp.StatusCode)
	}
}

func TestLoginRehash(t *testing.T) {
	e := MustOpenEnv(t, nil)
	before := e.users[cordon.RoleViewer].PasswordHash // made with cheap parameters
	e.login("viewer1")
	u, err := e.s.UserService.FindUserByName(t.Context(), "viewer1")
	must(t, err)
	if u.PasswordHash == before || !strings.HasPrefix(u.PasswordHash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash not upgraded: %s", u.PasswordHash[:30])
	}
	if ok, rehash, _ := auth.VerifyPassword(u.PasswordHash, testPassword); !ok || rehash {
		t.Error("upgraded hash does not verify")
	}
}

func TestLocalPath(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"Empty", "", "/"},
		{"Path", "/devices?q=ct", "/devices?q=ct"},
		{"SchemeRelative", "//evil.example", "/"},
		{"Backslash", `/\evil.example`, "/"},
		{"Absolute", "https://evil.example", "/"},
		{"Relative", "devices", "/"},
		{"HeaderInjection", "/x\r\nSet-Cookie: a=b", "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := localPath(tt.in); got != tt.want {
				t.Errorf("localPath(%q) = %q", tt.in, got)
			}
		})
	}
}
