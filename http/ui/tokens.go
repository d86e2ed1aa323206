package ui

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/auth"
)

func (h *Handler) registerTokenRoutes(mux *http.ServeMux) {
	// Every signed-in user manages their own tokens: a viewer's token reads
	// only, as the viewer does.
	h.route(mux, "GET /tokens", cordon.RoleViewer, h.handleTokenList)
	h.route(mux, "POST /tokens", cordon.RoleViewer, h.handleTokenCreate)
	h.route(mux, "POST /tokens/{id}/delete", cordon.RoleViewer, h.handleTokenDelete)
}

// tokenRow is a token with its owner's name.
type tokenRow struct {
	*cordon.Token
	Owner string
}

// tokensPage is the data of the tokens page.
type tokensPage struct {
	page
	Tokens []tokenRow
	Users  []*cordon.User // admins create tokens for anyone
	// Secret is a token just made, shown this once.
	Secret, SecretName string
	NewName            string
	NewUser            int64
	NewScope           string
	Scopes             []tokenScope
	Errors             map[string]string
	Notice             string
}

// tokenExpiries are the choices of lifetime, in days; 0 never expires.
var tokenExpiries = []int{90, 30, 365, 0}

// tokenScope is a choice of what a new token may do.
type tokenScope struct {
	Value, Label string
}

// tokenScopes are the choices of scope, full access first as the default.
// A sensor box at another site gets a sensor token, which can neither read
// the register nor change it, whoever takes the box.
var tokenScopes = []tokenScope{
	{"", "Full access (your role)"},
	{cordon.TokenScopeSensor, "Sensor only: ship batches and read the approved policy and detection config"},
}

// ScopeLabel names the token's scope in the list.
func (t tokenRow) ScopeLabel() string {
	switch t.Scope {
	case "":
		return "Full access"
	case cordon.TokenScopeSensor:
		return "Sensor only"
	}
	return t.Scope
}

// visibleTokens returns the tokens u may see: their own, or everyone's for
// an administrator.
func (h *Handler) visibleTokens(r *http.Request, u *cordon.User) ([]tokenRow, []*cordon.User, error) {
	owners := []*cordon.User{u}
	if u.Role == cordon.RoleAdmin {
		var err error
		if owners, err = h.cfg.Users.FindUsers(r.Context()); err != nil {
			return nil, nil, err
		}
	}
	var rows []tokenRow
	for _, o := range owners {
		ts, err := h.cfg.Users.FindTokens(r.Context(), o.ID)
		if err != nil {
			return nil, nil, err
		}
		for _, t := range ts {
			rows = append(rows, tokenRow{Token: t, Owner: o.Name})
		}
	}
	slices.SortStableFunc(rows, func(a, b tokenRow) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return rows, owners, nil
}

func (h *Handler) tokensPage(w http.ResponseWriter, r *http.Request, u *cordon.User, status int, p *tokensPage) {
	rows, owners, err := h.visibleTokens(r, u)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	p.page = h.base(r, u, "API tokens", "tokens")
	p.Tokens = rows
	p.Scopes = tokenScopes
	if u.Role == cordon.RoleAdmin {
		p.Users = owners
		// An admin makes tokens for others too, each with its owner's role.
		p.Scopes = slices.Clone(tokenScopes)
		p.Scopes[0].Label = "Full access (the user's role)"
	}
	if p.NewUser == 0 {
		p.NewUser = u.ID
	}
	// The secret must not be cached anywhere, nor the page reloaded from
	// history with it (render sets no-store).
	h.render(w, r, status, "tokens", p)
}

func (h *Handler) handleTokenList(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	p := &tokensPage{}
	if r.URL.Query().Get("done") == "revoked" {
		p.Notice = "The token was revoked. Programs using it can no longer sign in."
	}
	h.tokensPage(w, r, u, http.StatusOK, p)
}

func (h *Handler) handleTokenCreate(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		h.renderError(w, r, cordon.Errorf(cordon.EINVALID, "The form could not be read."))
		return
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	p := &tokensPage{NewName: name, Errors: map[string]string{}}
	if name == "" || utf8.RuneCountInString(name) > 64 {
		p.Errors["name"] = "Give the token a name of 1 to 64 characters, such as the program that will use it."
	}
	owner := u.ID
	if v := r.PostFormValue("user"); v != "" && u.Role == cordon.RoleAdmin {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			p.Errors["user"] = "Choose a user."
		}
		owner = id
	}
	p.NewUser = owner
	days, err := strconv.Atoi(r.PostFormValue("expires"))
	if err != nil || !slices.Contains(tokenExpiries, days) {
		p.Errors["expires"] = "Choose when the token expires."
	}
	p.NewScope = r.PostFormValue("scope")
	if !slices.ContainsFunc(tokenScopes, func(s tokenScope) bool { return s.Value == p.NewScope }) {
		p.Errors["scope"] = "Choose what the token may do: full access, or sensor only."
		p.NewScope = ""
	}
	if len(p.Errors) > 0 {
		h.tokensPage(w, r, u, http.StatusBadRequest, p)
		return
	}
	secret, hash, prefix := auth.NewAPIToken()
	t := &cordon.Token{UserID: owner, Name: name, Hash: hash, Prefix: prefix, Scope: p.NewScope}
	if days > 0 {
		exp := h.now().UTC().Add(time.Duration(days) * 24 * time.Hour)
		t.ExpiresAt = &exp
	}
	switch err := h.cfg.Users.CreateToken(r.Context(), t); cordon.ErrorCode(err) {
	case "":
	case cordon.ENOTFOUND:
		p.Errors["user"] = "That user no longer exists."
		h.tokensPage(w, r, u, http.StatusBadRequest, p)
		return
	case cordon.EINVALID:
		field := "name"
		if cordon.ErrorField(err) == "scope" {
			field = "scope"
		}
		p.Errors[field] = cordon.ErrorMessage(err)
		h.tokensPage(w, r, u, http.StatusBadRequest, p)
		return
	default:
		h.renderError(w, r, err)
		return
	}
	// Shown in this response only: it is not stored, so it cannot be
	// shown again after a redirect.
	h.tokensPage(w, r, u, http.StatusCreated, &tokensPage{Secret: secret, SecretName: name})
}

func (h *Handler) handleTokenDelete(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.renderError(w, r, notFound("token"))
		return
	}
	if u.Role != cordon.RoleAdmin {
		// Others may revoke only their own tokens; someone else's is
		// reported as missing, so that token IDs do not leak.
		own, err := h.cfg.Users.FindTokens(r.Context(), u.ID)
		if err != nil {
			h.renderError(w, r, err)
			return
		}
		if !slices.ContainsFunc(own, func(t *cordon.Token) bool { return t.ID == id }) {
			h.renderError(w, r, notFound("token"))
			return
		}
	}
	switch err := h.cfg.Users.DeleteToken(r.Context(), id); cordon.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/tokens?done=revoked", http.StatusSeeOther)
	case cordon.ENOTFOUND:
		h.renderError(w, r, notFound("token"))
	default:
		h.renderError(w, r, err)
	}
}
