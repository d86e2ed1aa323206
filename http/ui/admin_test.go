package ui

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
)

func TestUsersPage(t *testing.T) {
	e := newTestEnv(t)
	tests := []struct {
		name   string
		form   url.Values
		status int
		want   string
	}{
		{"ShortPassword", url.Values{"name": {"nurse.lead"}, "role": {"viewer"}, "password": {"short"}}, 400, "at least 12 characters"},
		{"BadName", url.Values{"name": {"no spaces"}, "role": {"viewer"}, "password": {"a-long-password-1"}}, 400, "may hold only"},
		{"Taken", url.Values{"name": {"viewer1"}, "role": {"viewer"}, "password": {"a-long-password-1"}}, 400, "exists already"},
		{"OK", url.Values{"name": {"ebme.eng"}, "role": {"analyst"}, "password": {"a-long-password-1"}}, 303, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.post("admin1", "/users", tt.form)
			if r.status != tt.status || !strings.Contains(r.body, tt.want) {
				t.Fatalf("status %d, want %d and %q:\n%s", r.status, tt.status, tt.want, r.body)
			}
			if strings.Contains(r.body, "a-long-password-1") {
				t.Errorf("password echoed")
			}
		})
	}
	u, err := e.users.FindUserByName(t.Context(), "ebme.eng")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u.PasswordHash, "$argon2id$") {
		t.Errorf("hash %q", u.PasswordHash)
	}
	id := formatInt(u.ID)
	if r := e.post("admin1", "/users/"+id, url.Values{"role": {"viewer"}, "disabled": {"yes"}}); r.status != http.StatusSeeOther {
		t.Fatalf("update status %d:\n%s", r.status, r.body)
	}
	if u, _ = e.users.FindUserByID(t.Context(), u.ID); u.Role != "viewer" || !u.Disabled {
		t.Errorf("user not updated: %+v", u)
	}
	admin, _ := e.users.FindUserByName(t.Context(), "admin1")
	if r := e.post("admin1", "/users/"+formatInt(admin.ID), url.Values{"role": {"viewer"}, "disabled": {"no"}}); r.status != http.StatusBadRequest {
		t.Errorf("self-demotion: status %d", r.status)
	}
	if !strings.Contains(e.get("viewer1", "/audit").body, "user.create") {
		t.Errorf("user creation not in the audit log")
	}
}

func TestTokens(t *testing.T) {
	e := newTestEnv(t)
	r := e.post("viewer1", "/tokens", url.Values{"name": {"CMMS sync"}, "expires": {"90"}})
	if r.status != http.StatusCreated {
		t.Fatalf("status %d:\n%s", r.status, r.body)
	}
	m := regexp.MustCompile(`id="new-secret" value="(cdn_[A-Za-z0-9_-]+)"`).FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("secret not shown:\n%s", r.body)
	}
	if strings.Contains(e.get("viewer1", "/tokens").body, m[1]) {
		t.Errorf("secret shown again")
	}
	if !strings.Contains(e.get("admin1", "/tokens").body, "CMMS sync") {
		t.Errorf("admin does not see the viewer's token")
	}
	if strings.Contains(e.get("analyst1", "/tokens").body, "CMMS sync") {
		t.Errorf("analyst sees the viewer's token")
	}
	viewer, _ := e.users.FindUserByName(t.Context(), "viewer1")
	ts, err := e.users.FindTokens(t.Context(), viewer.ID)
	if err != nil || len(ts) != 1 {
		t.Fatalf("tokens %v %v", ts, err)
	}
	del := "/tokens/" + formatInt(ts[0].ID) + "/delete"
	if r := e.post("analyst1", del, url.Values{}); r.status != http.StatusNotFound {
		t.Errorf("analyst revoked another's token: %d", r.status)
	}
	if r := e.post("viewer1", del, url.Values{}); r.status != http.StatusSeeOther {
		t.Errorf("revoke status %d", r.status)
	}
	if r := e.post("viewer1", "/tokens", url.Values{"name": {""}, "expires": {"90"}}); r.status != http.StatusBadRequest || !strings.Contains(r.body, "Give the token a name") {
		t.Errorf("empty name: %d", r.status)
	}
}

// TestTokenScopePage makes a sensor-only token through the page, sees it
// listed as such, and is refused an unknown scope.
func TestTokenScopePage(t *testing.T) {
	e := newTestEnv(t)
	form := e.get("analyst1", "/tokens").body
	for _, want := range []string{`name="scope"`, `<option value="" selected>Full access (your role)</option>`,
		`<option value="sensor">Sensor only: ship batches and read the approved policy and detection config</option>`} {
		if !strings.Contains(form, want) {
			t.Errorf("form lacks %s", want)
		}
	}
	if !strings.Contains(e.get("admin1", "/tokens").body, "Full access (the user&#39;s role)") {
		t.Errorf("admin's form offers the full access of their own role")
	}

	r := e.post("analyst1", "/tokens", url.Values{"name": {"site 2 sensor"}, "expires": {"365"}, "scope": {"sensor"}})
	if r.status != http.StatusCreated {
		t.Fatalf("status %d:\n%s", r.status, r.body)
	}
	r = e.post("analyst1", "/tokens", url.Values{"name": {"CMMS sync"}, "expires": {"90"}})
	if r.status != http.StatusCreated {
		t.Fatalf("status %d:\n%s", r.status, r.body)
	}
	analyst, _ := e.users.FindUserByName(t.Context(), "analyst1")
	ts, err := e.users.FindTokens(t.Context(), analyst.ID)
	if err != nil || len(ts) != 2 {
		t.Fatalf("tokens %v %v", ts, err)
	}
	scopes := map[string]string{}
	for _, tok := range ts {
		scopes[tok.Name] = tok.Scope
	}
	if scopes["site 2 sensor"] != cordon.TokenScopeSensor || scopes["CMMS sync"] != "" {
		t.Errorf("stored scopes %v", scopes)
	}
	list := e.get("analyst1", "/tokens").body
	row := regexp.MustCompile(`(?s)<th scope="row">site 2 sensor</th>.*?</tr>`).FindString(list)
	if !strings.Contains(row, "<td>Sensor only</td>") {
		t.Errorf("sensor token's row: %s", row)
	}
	row = regexp.MustCompile(`(?s)<th scope="row">CMMS sync</th>.*?</tr>`).FindString(list)
	if !strings.Contains(row, "<td>Full access</td>") {
		t.Errorf("full token's row: %s", row)
	}

	r = e.post("analyst1", "/tokens", url.Values{"name": {"wider"}, "expires": {"90"}, "scope": {"admin"}})
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, "Choose what the token may do") || !strings.Contains(r.body, `value="wider"`) {
		t.Errorf("unknown scope: %d\n%s", r.status, r.body)
	}
	if ts, _ := e.users.FindTokens(t.Context(), analyst.ID); len(ts) != 2 {
		t.Errorf("a token with an unknown scope was made: %d tokens", len(ts))
	}
}
