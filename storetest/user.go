package storetest

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// secretHash stands for an argon2id hash; no audit entry may contain it.
const secretHash = "$argon2id$v=19$m=65536,t=3,p=2$c2FsdHNhbHQ$SECRETSECRETSECRET"

func testUsers(t *testing.T, open func(tb testing.TB) *Store) {
	t.Run("Create", func(t *testing.T) {
		e := setup(t, open)
		n, err := e.Users.CountUsers(e.sys)
		must(t, err)
		if n != 0 {
			t.Fatalf("CountUsers = %d on an empty store", n)
		}
		tests := []struct {
			name string
			u    cordon.User
			code string
		}{
			{"OK", cordon.User{Name: "alice", Role: cordon.RoleAdmin, PasswordHash: secretHash}, ""},
			{"OKEmail", cordon.User{Name: "bob.smith@nhs.net", Role: cordon.RoleViewer}, ""},
			{"ErrDuplicate", cordon.User{Name: "alice", Role: cordon.RoleViewer}, cordon.ECONFLICT},
			{"ErrDuplicateOtherCase", cordon.User{Name: "ALICE", Role: cordon.RoleViewer}, cordon.ECONFLICT},
			{"ErrRole", cordon.User{Name: "carol", Role: "root"}, cordon.EINVALID},
			{"ErrName", cordon.User{Name: "'; DROP TABLE users; --", Role: cordon.RoleViewer}, cordon.EINVALID},
			{"ErrEmptyName", cordon.User{Role: cordon.RoleViewer}, cordon.EINVALID},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				u := tt.u
				err := e.Users.CreateUser(e.ctx, &u)
				wantCode(t, err, tt.code)
				if err != nil {
					return
				}
				if u.ID == 0 || !u.CreatedAt.Equal(Epoch) {
					t.Errorf("created %+v", u)
				}
				got, err := e.Users.FindUserByID(e.sys, u.ID)
				must(t, err)
				if got.Name != tt.u.Name || got.Role != tt.u.Role || got.PasswordHash != tt.u.PasswordHash || got.Disabled {
					t.Errorf("stored %+v", got)
				}
			})
		}
		n, err = e.Users.CountUsers(e.sys)
		must(t, err)
		us, err := e.Users.FindUsers(e.sys)
		must(t, err)
		if n != 2 || len(us) != 2 || us[0].Name != "alice" || us[1].Name != "bob.smith@nhs.net" {
			t.Errorf("CountUsers = %d, FindUsers = %v", n, us)
		}
		got, err := e.Users.FindUserByName(e.sys, "Alice")
		must(t, err)
		if got.Name != "alice" {
			t.Errorf("FindUserByName(Alice) = %+v", got)
		}
		_, err = e.Users.FindUserByName(e.sys, "nobody")
		wantCode(t, err, cordon.ENOTFOUND)
		_, err = e.Users.FindUserByID(e.sys, 999)
		wantCode(t, err, cordon.ENOTFOUND)
		noSecretInAudit(t, e)
	})

	t.Run("Update", func(t *testing.T) {
		e := setup(t, open)
		u := &cordon.User{Name: "dave", Role: cordon.RoleViewer, PasswordHash: secretHash}
		must(t, e.Users.CreateUser(e.ctx, u))
		e.clock.Add(time.Minute)
		tests := []struct {
			name string
			u    cordon.User
			want cordon.User // name, role, hash, disabled
			code string
		}{
			{"OKRoleKeepsPassword", cordon.User{ID: u.ID, Role: cordon.RoleAnalyst},
				cordon.User{Name: "dave", Role: cordon.RoleAnalyst, PasswordHash: secretHash}, ""},
			{"OKPassword", cordon.User{ID: u.ID, Role: cordon.RoleAnalyst, PasswordHash: secretHash + "2"},
				cordon.User{Name: "dave", Role: cordon.RoleAnalyst, PasswordHash: secretHash + "2"}, ""},
			{"OKDisable", cordon.User{ID: u.ID, Role: cordon.RoleAnalyst, Disabled: true},
				cordon.User{Name: "dave", Role: cordon.RoleAnalyst, PasswordHash: secretHash + "2", Disabled: true}, ""},
			{"ErrRole", cordon.User{ID: u.ID, Role: "god"}, cordon.User{}, cordon.EINVALID},
			{"ErrNotFound", cordon.User{ID: u.ID + 100, Role: cordon.RoleViewer}, cordon.User{}, cordon.ENOTFOUND},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := tt.u
				err := e.Users.UpdateUser(e.ctx, &in)
				wantCode(t, err, tt.code)
				if err != nil {
					return
				}
				got, err := e.Users.FindUserByID(e.sys, u.ID)
				must(t, err)
				if got.Name != tt.want.Name || got.Role != tt.want.Role || got.PasswordHash != tt.want.PasswordHash ||
					got.Disabled != tt.want.Disabled || !got.CreatedAt.Equal(Epoch) || !got.UpdatedAt.Equal(Epoch.Add(time.Minute)) {
					t.Errorf("stored %+v, want %+v", got, tt.want)
				}
				if in.Name != "dave" {
					t.Errorf("UpdateUser left u.Name = %q, want it filled from the store", in.Name)
				}
			})
		}
		es, n, err := e.Audit.FindAuditEntries(e.sys, cordon.AuditFilter{Object: "user:" + itoa(u.ID)})
		must(t, err)
		if n != 4 || es[0].Action != "user.update" || es[3].Action != "user.create" || es[0].Actor != "alice" {
			t.Fatalf("audit = %s", actions(es))
		}
		var before, after struct {
			Role     string `json:"role"`
			Disabled bool   `json:"disabled"`
		}
		must(t, json.Unmarshal(es[0].Before, &before))
		must(t, json.Unmarshal(es[0].After, &after))
		if before.Disabled || !after.Disabled {
			t.Errorf("disable audited as before %s after %s", es[0].Before, es[0].After)
		}
		noSecretInAudit(t, e)
	})
}

// noSecretInAudit fails tb if any audit entry holds a password or token
// hash.
func noSecretInAudit(tb testing.TB, e *env) {
	tb.Helper()
	es, _, err := e.Audit.FindAuditEntries(e.sys, cordon.AuditFilter{Limit: 1000})
	must(tb, err)
	for _, a := range es {
		for _, doc := range []json.RawMessage{a.Before, a.After} {
			if strings.Contains(string(doc), "SECRET") || strings.Contains(string(doc), "argon2id") || strings.Contains(string(doc), tokenHash) {
				tb.Errorf("audit entry %s %s holds a secret: %s", a.Action, a.Object, doc)
			}
		}
	}
}
