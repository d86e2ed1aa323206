package sqlite_test

import (
	"context"
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/sqlite"
	"github.com/cordonsec/cordon/storetest"
)

// TestTokenScopeColumn checks that the table itself, not only CreateToken,
// holds a token's scope to the known ones: a scope widened by hand in the
// database would otherwise reach the HTTP layer as an unknown scope.
func TestTokenScopeColumn(t *testing.T) {
	db := MustOpenDB(t)
	users := sqlite.NewUserService(db)
	ctx := cordon.NewContextWithUser(context.Background(), &cordon.User{Name: "test-setup"})
	u := &cordon.User{Name: "sensor.site2", Role: cordon.RoleAnalyst, PasswordHash: "$argon2id$x"}
	if err := users.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	tok := &cordon.Token{UserID: u.ID, Name: "site 2", Hash: storetest.Hash("site 2"), Prefix: "cdn_site"}
	if err := users.CreateToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	var scope string
	if err := db.QueryRowForTest(`SELECT scope FROM tokens WHERE id = ?`, tok.ID).Scan(&scope); err != nil || scope != "" {
		t.Fatalf("scope of a token made without one = %q, %v; want empty", scope, err)
	}
	for _, bad := range []string{"admin", "SENSOR", " sensor"} {
		var id int64
		err := db.QueryRowForTest(`UPDATE tokens SET scope = ? WHERE id = ? RETURNING id`, bad, tok.ID).Scan(&id)
		if err == nil {
			t.Errorf("scope %q stored", bad)
		}
	}
	var id int64
	if err := db.QueryRowForTest(`UPDATE tokens SET scope = 'sensor' WHERE id = ? RETURNING id`, tok.ID).Scan(&id); err != nil {
		t.Fatalf("sensor scope refused: %v", err)
	}
	got, _, err := users.FindTokenByHash(context.Background(), tok.Hash)
	if err != nil || got.Scope != cordon.TokenScopeSensor {
		t.Fatalf("FindTokenByHash = %+v, %v; want the sensor scope", got, err)
	}
}
