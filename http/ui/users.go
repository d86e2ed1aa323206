package ui

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/auth"
)

// MinPasswordLen is the shortest password the users page accepts.
const MinPasswordLen = 12

func (h *Handler) registerUserRoutes(mux *http.ServeMux) {
	h.route(mux, "GET /users", cordon.RoleAdmin, h.handleUserList)
	h.route(mux, "POST /users", cordon.RoleAdmin, h.handleUserCreate)
	h.route(mux, "POST /users/{id}", cordon.RoleAdmin, h.handleUserUpdate)
}

// usersPage is the data of the users page.
type usersPage struct {
	page
	Users []*cordon.User
	// New holds what was typed into the create form when it is shown
	// again with errors; the password is never sent back.
	NewName, NewRole string
	Errors           map[string]string
	// RowError is a message for the user row RowID.
	RowID    int64
	RowError string
	Notice   string
}

func (h *Handler) usersPage(w http.ResponseWriter, r *http.Request, u *cordon.User, status int, p *usersPage) {
	users, err := h.cfg.Users.FindUsers(r.Context())
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	p.page = h.base(r, u, "Users", "users")
	p.Users = users
	if p.NewRole == "" {
		p.NewRole = cordon.RoleViewer
	}
	h.render(w, r, status, "users", p)
}

func (h *Handler) handleUserList(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	p := &usersPage{}
	switch r.URL.Query().Get("done") {
	case "created":
		p.Notice = "The user was created. They can sign in now."
	case "updated":
		p.Notice = "The user was updated."
	}
	h.usersPage(w, r, u, http.StatusOK, p)
}

// checkPassword applies the password rule; "" means acceptable.
func checkPassword(pw string) string {
	switch {
	case utf8.RuneCountInString(pw) < MinPasswordLen:
		return "A password needs at least " + strconv.Itoa(MinPasswordLen) + " characters."
	case len(pw) > auth.MaxPasswordLen:
		return "A password may have at most " + strconv.Itoa(auth.MaxPasswordLen) + " bytes."
	}
	return ""
}

func (h *Handler) handleUserCreate(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		h.renderError(w, r, cordon.Errorf(cordon.EINVALID, "The form could not be read."))
		return
	}
	nu := &cordon.User{Name: strings.TrimSpace(r.PostFormValue("name")), Role: r.PostFormValue("role")}
	p := &usersPage{NewName: nu.Name, NewRole: nu.Role, Errors: map[string]string{}}
	if err := nu.Validate(); err != nil {
		field := "name"
		if strings.HasPrefix(cordon.ErrorMessage(err), "Role") {
			field = "role"
		}
		p.Errors[field] = cordon.ErrorMessage(err)
	}
	pw := r.PostFormValue("password")
	if msg := checkPassword(pw); msg != "" {
		p.Errors["password"] = msg
	}
	if len(p.Errors) == 0 {
		hash, err := auth.HashPassword(pw)
		if err != nil {
			h.renderError(w, r, err)
			return
		}
		nu.PasswordHash = hash
		err = h.cfg.Users.CreateUser(r.Context(), nu)
		switch cordon.ErrorCode(err) {
		case "":
			http.Redirect(w, r, "/users?done=created", http.StatusSeeOther)
			return
		case cordon.ECONFLICT:
			p.Errors["name"] = "A user with this name exists already."
		case cordon.EINVALID:
			p.Errors["name"] = cordon.ErrorMessage(err)
		default:
			h.renderError(w, r, err)
			return
		}
	}
	h.usersPage(w, r, u, http.StatusBadRequest, p)
}

func (h *Handler) handleUserUpdate(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.renderError(w, r, notFound("user"))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		h.renderError(w, r, cordon.Errorf(cordon.EINVALID, "The form could not be read."))
		return
	}
	ctx := r.Context()
	target, err := h.cfg.Users.FindUserByID(ctx, id)
	if cordon.ErrorCode(err) == cordon.ENOTFOUND {
		err = notFound("user")
	}
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	changed := *target
	changed.PasswordHash = "" // unchanged unless a new password is given
	changed.Role = r.PostFormValue("role")
	changed.Disabled = r.PostFormValue("disabled") == "yes"
	fail := func(msg string) {
		h.usersPage(w, r, u, http.StatusBadRequest, &usersPage{RowID: id, RowError: msg})
	}
	// An administrator who demotes or disables themselves could leave
	// nobody able to manage users.
	if target.ID == u.ID && (changed.Role != cordon.RoleAdmin || changed.Disabled) {
		fail("You cannot remove your own administrator role or disable yourself; ask another administrator.")
		return
	}
	if err := changed.Validate(); err != nil {
		fail(cordon.ErrorMessage(err))
		return
	}
	if pw := r.PostFormValue("password"); pw != "" {
		if msg := checkPassword(pw); msg != "" {
			fail(msg)
			return
		}
		if changed.PasswordHash, err = auth.HashPassword(pw); err != nil {
			h.renderError(w, r, err)
			return
		}
	}
	switch err := h.cfg.Users.UpdateUser(ctx, &changed); cordon.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/users?done=updated", http.StatusSeeOther)
	case cordon.EINVALID:
		fail(cordon.ErrorMessage(err))
	default:
		h.renderError(w, r, err)
	}
}
