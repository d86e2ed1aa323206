package http

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/auth"
)

func TestUsers(t *testing.T) {
	e := MustOpenEnv(t, nil)
	admin := e.bearer(cordon.RoleAdmin)

	resp := e.do(admin, jsonReq("POST", "/api/v1/users", `{"name": "sister.jones", "role": "analyst", "password": "twelve chars"}`))
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 201 || strings.Contains(string(raw), "argon2") || strings.Contains(string(raw), "password") {
		t.Fatalf("create: %d %s", resp.StatusCode, raw)
	}
	u, err := e.s.UserService.FindUserByName(t.Context(), "sister.jones")
	must(t, err)
	if ok, _, _ := auth.VerifyPassword(u.PasswordHash, "twelve chars"); !ok || u.Role != cordon.RoleAnalyst {
		t.Errorf("stored user %+v", u)
	}

	bad := []struct {
		name, method, path, body string
		status                   int
		code, msg                string
	}{
		{"ErrShortPassword", "POST", "/api/v1/users", `{"name": "a", "role": "viewer", "password": "eleven char"}`, 400, cordon.EINVALID, "at least 12"},
		{"ErrHugePassword", "POST", "/api/v1/users", `{"name": "a", "role": "viewer", "password": "` + strings.Repeat("p", 2000) + `"}`, 400, cordon.EINVALID, "at most"},
		{"ErrRole", "POST", "/api/v1/users", `{"name": "a", "role": "root", "password": "long enough password"}`, 400, cordon.EINVALID, "Role must be"},
		{"ErrName", "POST", "/api/v1/users", `{"name": "<b>x</b>", "role": "viewer", "password": "long enough password"}`, 400, cordon.EINVALID, "user name"},
		{"ErrTaken", "POST", "/api/v1/users", `{"name": "sister.jones", "role": "viewer", "password": "long enough password"}`, 409, cordon.ECONFLICT, ""},
		{"ErrUnknownField", "POST", "/api/v1/users", `{"name": "a", "role": "viewer", "password": "long enough password", "admin": true}`, 400, cordon.EINVALID, `Unknown field "admin"`},
		{"ErrDemoteSelf", "PATCH", fmt.Sprint("/api/v1/users/", e.users[cordon.RoleAdmin].ID), `{"role": "viewer"}`, 400, cordon.EINVALID, "your own"},
		{"ErrDisableSelf", "PATCH", fmt.Sprint("/api/v1/users/", e.users[cordon.RoleAdmin].ID), `{"disabled": true}`, 400, cordon.EINVALID, "your own"},
		{"ErrPatchRole", "PATCH", fmt.Sprint("/api/v1/users/", u.ID), `{"role": "superuser"}`, 400, cordon.EINVALID, "Role must be"},
		{"ErrPatchPassword", "PATCH", fmt.Sprint("/api/v1/users/", u.ID), `{"password": "short"}`, 400, cordon.EINVALID, "at least 12"},
		{"ErrPatchMissing", "PATCH", "/api/v1/users/999", `{"role": "viewer"}`, 404, cordon.ENOTFOUND, ""},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, e.do(admin, jsonReq(tt.method, tt.path, tt.body)), tt.status, tt.code, tt.msg)
		})
	}

	// An admin may change their own password, and another user's role.
	if resp := e.do(admin, jsonReq("PATCH", fmt.Sprint("/api/v1/users/", e.users[cordon.RoleAdmin].ID), `{"password": "a brand new passphrase"}`)); resp.StatusCode != 200 {
		t.Errorf("own password: %d", resp.StatusCode)
	}
	var got cordon.User
	decode(t, e.do(admin, jsonReq("PATCH", fmt.Sprint("/api/v1/users/", u.ID), `{"role": "viewer", "password": "another long password"}`)), &got)
	if got.Role != cordon.RoleViewer || got.Name != "sister.jones" {
		t.Errorf("patched %+v", got)
	}
	u, _ = e.s.UserService.FindUserByName(t.Context(), "sister.jones")
	if ok, _, _ := auth.VerifyPassword(u.PasswordHash, "another long password"); !ok {
		t.Error("password not changed")
	}

	var list struct{ Users []map[string]any }
	decode(t, e.do(admin, req{method: "GET", path: "/api/v1/users"}), &list)
	if len(list.Users) != 4 {
		t.Errorf("users: %d, want 4", len(list.Users))
	}
	for _, u := range list.Users {
		if _, ok := u["password_hash"]; ok {
			t.Error("user list shows password hashes")
		}
	}

	var me Me
	decode(t, e.do(e.bearer(cordon.RoleViewer), req{method: "GET", path: "/api/v1/me"}), &me)
	if me.Name != "viewer1" || me.Role != cordon.RoleViewer || me.Auth != "token" || me.CSRFToken != "" {
		t.Errorf("me = %+v", me)
	}
}
