package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// tokenHash stands for the SHA-256 of a token's secret.
var tokenHash = Hash("token secret")

// users creates an analyst "erin" and a viewer "frank" for token and
// session tests.
func (e *env) users(tb testing.TB) (erin, frank *cordon.User) {
	tb.Helper()
	erin = &cordon.User{Name: "erin", Role: cordon.RoleAnalyst, PasswordHash: secretHash}
	frank = &cordon.User{Name: "frank", Role: cordon.RoleViewer, PasswordHash: secretHash}
	must(tb, e.Users.CreateUser(e.ctx, erin))
	must(tb, e.Users.CreateUser(e.ctx, frank))
	return erin, frank
}

func testTokens(t *testing.T, open func(tb testing.TB) *Store) {
	t.Run("Create", func(t *testing.T) {
		e := setup(t, open)
		erin, _ := e.users(t)
		expires := Epoch.Add(time.Hour)
		tests := []struct {
			name string
			tok  cordon.Token
			code string
		}{
			{"OK", cordon.Token{UserID: erin.ID, Name: "ci", Hash: tokenHash, Prefix: "cdn_abcd"}, ""},
			{"OKExpiring", cordon.Token{UserID: erin.ID, Name: "temp", Hash: Hash("t2"), Prefix: "cdn_efgh", ExpiresAt: &expires}, ""},
			{"OKSensorScope", cordon.Token{UserID: erin.ID, Name: "sensor ward 7", Hash: Hash("t4"), Prefix: "cdn_ijkl", Scope: cordon.TokenScopeSensor}, ""},
			{"ErrUnknownScope", cordon.Token{UserID: erin.ID, Name: "admin", Hash: Hash("t5"), Scope: "admin"}, cordon.EINVALID},
			{"ErrScopeCase", cordon.Token{UserID: erin.ID, Name: "Sensor", Hash: Hash("t6"), Scope: "Sensor"}, cordon.EINVALID},
			{"ErrUnknownUser", cordon.Token{UserID: erin.ID + 100, Name: "x", Hash: Hash("t3")}, cordon.ENOTFOUND},
			{"ErrDuplicateHash", cordon.Token{UserID: erin.ID, Name: "again", Hash: tokenHash}, cordon.ECONFLICT},
			{"ErrNoHash", cordon.Token{UserID: erin.ID, Name: "none"}, cordon.EINVALID},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				tok := tt.tok
				err := e.Users.CreateToken(e.ctx, &tok)
				wantCode(t, err, tt.code)
				if err == nil && (tok.ID == 0 || !tok.CreatedAt.Equal(Epoch) || tok.LastUsedAt != nil) {
					t.Errorf("created %+v", tok)
				}
				if tt.code == cordon.EINVALID && tt.tok.Scope != "" && cordon.ErrorField(err) != "scope" {
					t.Errorf("bad scope refused with field %q, want scope", cordon.ErrorField(err))
				}
			})
		}
		ts, err := e.Users.FindTokens(e.sys, erin.ID)
		must(t, err)
		if len(ts) != 3 {
			t.Fatalf("FindTokens = %d tokens, want 3", len(ts))
		}
		for _, tok := range ts {
			if tok.Name == "temp" && (tok.ExpiresAt == nil || !tok.ExpiresAt.Equal(expires)) {
				t.Errorf("expiry = %v, want %v", tok.ExpiresAt, expires)
			}
			wantScope := ""
			if tok.Name == "sensor ward 7" {
				wantScope = cordon.TokenScopeSensor
			}
			if tok.Scope != wantScope {
				t.Errorf("token %q scope = %q, want %q", tok.Name, tok.Scope, wantScope)
			}
		}
		noSecretInAudit(t, e)
	})

	t.Run("Scope", func(t *testing.T) {
		e := setup(t, open)
		erin, _ := e.users(t)
		full := &cordon.Token{UserID: erin.ID, Name: "ci", Hash: tokenHash, Prefix: "cdn_abcd"}
		sensor := &cordon.Token{UserID: erin.ID, Name: "sensor", Hash: Hash("sensor"), Prefix: "cdn_sens", Scope: cordon.TokenScopeSensor}
		must(t, e.Users.CreateToken(e.ctx, full))
		must(t, e.Users.CreateToken(e.ctx, sensor))
		for _, want := range []*cordon.Token{full, sensor} {
			tok, u, err := e.Users.FindTokenByHash(e.sys, want.Hash)
			must(t, err)
			if tok.ID != want.ID || tok.Scope != want.Scope || u.ID != erin.ID {
				t.Errorf("FindTokenByHash(%s) = token %d scope %q of user %d, want %d %q of %d",
					want.Name, tok.ID, tok.Scope, u.ID, want.ID, want.Scope, erin.ID)
			}
		}
		// The audit log says which token was narrowed, and a full-access
		// token's entry is as it was before scopes.
		for _, tc := range []struct {
			tok  *cordon.Token
			want bool
		}{{sensor, true}, {full, false}} {
			es, _, err := e.Audit.FindAuditEntries(e.sys, cordon.AuditFilter{Object: "token:" + itoa(tc.tok.ID)})
			must(t, err)
			if len(es) != 1 || es[0].Action != "token.create" {
				t.Fatalf("audit = %s", actions(es))
			}
			if got := strings.Contains(string(es[0].After), `"scope":"sensor"`); got != tc.want {
				t.Errorf("audit of %s mentions the sensor scope: %v, want %v: %s", tc.tok.Name, got, tc.want, es[0].After)
			}
		}
		must(t, e.Users.DeleteToken(e.ctx, sensor.ID))
		es, _, err := e.Audit.FindAuditEntries(e.sys, cordon.AuditFilter{Object: "token:" + itoa(sensor.ID)})
		must(t, err)
		if len(es) != 2 || es[0].Action != "token.delete" || !strings.Contains(string(es[0].Before), `"scope":"sensor"`) {
			t.Errorf("delete audit = %s, before %s", actions(es), es[0].Before)
		}
	})

	t.Run("FindByHash", func(t *testing.T) {
		e := setup(t, open)
		erin, frank := e.users(t)
		soon := Epoch.Add(10 * time.Minute)
		live := &cordon.Token{UserID: erin.ID, Name: "live", Hash: tokenHash}
		expiring := &cordon.Token{UserID: erin.ID, Name: "expiring", Hash: Hash("expiring"), ExpiresAt: &soon}
		franks := &cordon.Token{UserID: frank.ID, Name: "franks", Hash: Hash("franks")}
		for _, tok := range []*cordon.Token{live, expiring, franks} {
			must(t, e.Users.CreateToken(e.ctx, tok))
		}

		tok, u, err := e.Users.FindTokenByHash(e.sys, tokenHash)
		must(t, err)
		if tok.ID != live.ID || u.ID != erin.ID || u.Role != cordon.RoleAnalyst || tok.LastUsedAt == nil || !tok.LastUsedAt.Equal(Epoch) {
			t.Fatalf("FindTokenByHash = %+v, %+v", tok, u)
		}
		// Last use is kept within a minute; a use two minutes on is recorded.
		e.clock.Add(2 * time.Minute)
		_, _, err = e.Users.FindTokenByHash(e.sys, tokenHash)
		must(t, err)
		ts, err := e.Users.FindTokens(e.sys, erin.ID)
		must(t, err)
		for _, tk := range ts {
			if tk.ID == live.ID && (tk.LastUsedAt == nil || !tk.LastUsedAt.Equal(Epoch.Add(2*time.Minute))) {
				t.Errorf("last use = %v, want %v", tk.LastUsedAt, Epoch.Add(2*time.Minute))
			}
		}

		_, _, err = e.Users.FindTokenByHash(e.sys, expiring.Hash)
		must(t, err)
		e.clock.Add(10 * time.Minute) // past expiry
		tests := []struct {
			name string
			hash string
			code string
		}{
			{"OK", tokenHash, ""},
			{"ErrExpired", expiring.Hash, cordon.ENOTFOUND},
			{"ErrUnknown", Hash("nope"), cordon.ENOTFOUND},
			{"ErrEmpty", "", cordon.ENOTFOUND},
			{"ErrSQL", "' OR '1'='1", cordon.ENOTFOUND},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				tok, u, err := e.Users.FindTokenByHash(e.sys, tt.hash)
				wantCode(t, err, tt.code)
				if err != nil && (tok != nil || u != nil) {
					t.Errorf("error with a token or user: %v %v", tok, u)
				}
			})
		}

		t.Run("ErrDisabledUser", func(t *testing.T) {
			_, _, err := e.Users.FindTokenByHash(e.sys, franks.Hash)
			must(t, err)
			must(t, e.Users.UpdateUser(e.ctx, &cordon.User{ID: frank.ID, Role: frank.Role, Disabled: true}))
			_, _, err = e.Users.FindTokenByHash(e.sys, franks.Hash)
			wantCode(t, err, cordon.ENOTFOUND)
		})
	})

	t.Run("Delete", func(t *testing.T) {
		e := setup(t, open)
		erin, _ := e.users(t)
		tok := &cordon.Token{UserID: erin.ID, Name: "ci", Hash: tokenHash, Prefix: "cdn_abcd"}
		must(t, e.Users.CreateToken(e.ctx, tok))
		must(t, e.Users.DeleteToken(e.ctx, tok.ID))
		_, _, err := e.Users.FindTokenByHash(e.sys, tokenHash)
		wantCode(t, err, cordon.ENOTFOUND)
		wantCode(t, e.Users.DeleteToken(e.ctx, tok.ID), cordon.ENOTFOUND)
		ts, err := e.Users.FindTokens(e.sys, erin.ID)
		must(t, err)
		if len(ts) != 0 {
			t.Errorf("FindTokens after delete = %v", ts)
		}
		es, _, err := e.Audit.FindAuditEntries(e.sys, cordon.AuditFilter{Object: "token:" + itoa(tok.ID)})
		must(t, err)
		if len(es) != 2 || es[0].Action != "token.delete" || es[0].After != nil && string(es[0].After) != "null" ||
			es[1].Action != "token.create" || es[0].Actor != "alice" {
			t.Errorf("audit = %s", actions(es))
		}
		noSecretInAudit(t, e)
	})
}

func testSessions(t *testing.T, open func(tb testing.TB) *Store) {
	e := setup(t, open)
	erin, frank := e.users(t)
	for _, s := range []*cordon.Session{
		{Hash: Hash("s1"), UserID: erin.ID, CSRF: "csrf-1", ExpiresAt: Epoch.Add(time.Hour)},
		{Hash: Hash("s2"), UserID: erin.ID, CSRF: "csrf-2", ExpiresAt: Epoch.Add(10 * time.Minute)},
		{Hash: Hash("s3"), UserID: frank.ID, CSRF: "csrf-3", ExpiresAt: Epoch.Add(time.Hour)},
		{Hash: Hash("s4"), UserID: erin.ID, CSRF: "csrf-4", ExpiresAt: Epoch.Add(time.Hour)},
	} {
		must(t, e.Users.CreateSession(e.sys, s))
	}
	wantCode(t, e.Users.CreateSession(e.sys, &cordon.Session{Hash: Hash("s5"), UserID: 999, CSRF: "c", ExpiresAt: Epoch.Add(time.Hour)}), cordon.ENOTFOUND)
	wantCode(t, e.Users.CreateSession(e.sys, &cordon.Session{Hash: Hash("s1"), UserID: erin.ID, CSRF: "c", ExpiresAt: Epoch.Add(time.Hour)}), cordon.ECONFLICT)

	s, u, err := e.Users.FindSessionByHash(e.sys, Hash("s1"))
	must(t, err)
	if s.UserID != erin.ID || s.CSRF != "csrf-1" || !s.CreatedAt.Equal(Epoch) || !s.ExpiresAt.Equal(Epoch.Add(time.Hour)) || u.Name != "erin" {
		t.Fatalf("FindSessionByHash = %+v, %+v", s, u)
	}
	must(t, e.Users.DeleteSession(e.sys, Hash("s4")))
	must(t, e.Users.DeleteSession(e.sys, Hash("s4"))) // signing out twice is fine
	must(t, e.Users.UpdateUser(e.ctx, &cordon.User{ID: frank.ID, Role: frank.Role, Disabled: true}))
	e.clock.Add(10 * time.Minute)

	tests := []struct {
		name string
		hash string
		code string
	}{
		{"OK", Hash("s1"), ""},
		{"ErrExpired", Hash("s2"), cordon.ENOTFOUND},
		{"ErrDisabledUser", Hash("s3"), cordon.ENOTFOUND},
		{"ErrDeleted", Hash("s4"), cordon.ENOTFOUND},
		{"ErrUnknown", Hash("s9"), cordon.ENOTFOUND},
		{"ErrEmpty", "", cordon.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, u, err := e.Users.FindSessionByHash(e.sys, tt.hash)
			wantCode(t, err, tt.code)
			if err != nil && (s != nil || u != nil) {
				t.Errorf("error with a session or user: %v %v", s, u)
			}
		})
	}

	t.Run("NewPasswordEndsSessions", func(t *testing.T) {
		must(t, e.Users.UpdateUser(e.ctx, &cordon.User{ID: erin.ID, Role: erin.Role, PasswordHash: "$argon2id$new"}))
		_, _, err := e.Users.FindSessionByHash(e.sys, Hash("s1"))
		wantCode(t, err, cordon.ENOTFOUND)
	})
}
