package ui

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// The suppression rules page: analysts decide, for a while and with a
// reason, which alerts are stored but not delivered. Rules are created
// here or from an alert's page ("Suppress alerts like this"), which posts
// the same form pre-filled with the alert's kind, device and subject.
func (h *Handler) registerSuppressionRoutes(mux *http.ServeMux) {
	h.route(mux, "GET /suppressions", cordon.RoleViewer, h.handleSuppressionList)
	h.route(mux, "POST /suppressions", cordon.RoleAnalyst, h.handleSuppressionCreate)
	h.route(mux, "POST /suppressions/{id}/delete", cordon.RoleAnalyst, h.handleSuppressionDelete)
}

// suppressionForm is the create form as typed.
type suppressionForm struct {
	Kind, Device, Model, SubjectPrefix, Reason, ExpiresOn string
	Alert                                                 string // the alert it came from, to go back to
}

// ruleTable is a table of rules; only active ones can be ended.
type ruleTable struct {
	Rules           []*cordon.SuppressionRule
	Active, CanEdit bool
	CSRF            string
}

// suppressionsPage is the data of the suppressions page.
type suppressionsPage struct {
	page
	Available       bool
	Active, Expired ruleTable
	Form            suppressionForm
	Errors          map[string]string
	FormError       string
	Notice          string
	MaxExpiry       string // the latest expiry date allowed, for the date input
}

func (h *Handler) suppressionsPage(w http.ResponseWriter, r *http.Request, u *cordon.User, status int, p *suppressionsPage) {
	p.page = h.base(r, u, "Suppression rules", "suppressions")
	now := h.now().UTC()
	p.MaxExpiry = now.Add(cordon.MaxSuppressionLife - 24*time.Hour).Format(time.DateOnly)
	if p.Form.ExpiresOn == "" {
		p.Form.ExpiresOn = now.AddDate(0, 0, 7).Format(time.DateOnly)
	}
	if h.cfg.Suppressions == nil {
		h.render(w, r, status, "suppressions", p)
		return
	}
	p.Available = true
	p.Active = ruleTable{Active: true, CanEdit: p.CanEdit, CSRF: p.CSRF}
	p.Expired = ruleTable{CanEdit: p.CanEdit, CSRF: p.CSRF}
	rs, err := h.cfg.Suppressions.FindSuppressions(r.Context(), false)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	for _, rule := range rs {
		if rule.Active(now) {
			p.Active.Rules = append(p.Active.Rules, rule)
		} else {
			p.Expired.Rules = append(p.Expired.Rules, rule)
		}
	}
	h.render(w, r, status, "suppressions", p)
}

func (h *Handler) handleSuppressionList(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	q := r.URL.Query()
	// Links may pre-fill the form (kind, device, subject_prefix).
	p := &suppressionsPage{Form: suppressionForm{Kind: q.Get("kind"), Device: q.Get("device"),
		SubjectPrefix: q.Get("subject_prefix")}}
	switch q.Get("done") {
	case "created":
		p.Notice = "The rule was created. Matching alerts are still recorded, but not delivered until it expires."
	case "deleted":
		p.Notice = "The rule was ended. Alerts raised from now on are delivered again."
	}
	h.suppressionsPage(w, r, u, http.StatusOK, p)
}

// parseSuppressionForm reads the form into a rule, naming each field at
// fault. The expiry date is inclusive: the rule runs to the end of that
// day, UTC.
func parseSuppressionForm(f suppressionForm) (cordon.SuppressionRule, map[string]string) {
	rule := cordon.SuppressionRule{Kind: f.Kind, SubjectPrefix: f.SubjectPrefix, Reason: f.Reason}
	errs := map[string]string{}
	id := func(field, v, what string) int64 {
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			errs[field] = "The " + what + " must be a " + what + " number, such as 12, or empty for any."
			return 0
		}
		return n
	}
	rule.DeviceID = id("device", f.Device, "device")
	rule.ModelID = id("model", f.Model, "model")
	if d, err := time.Parse(time.DateOnly, f.ExpiresOn); err != nil {
		errs["expires_on"] = "Give the last day the rule runs as a date (YYYY-MM-DD)."
	} else {
		rule.ExpiresAt = d.AddDate(0, 0, 1)
	}
	return rule, errs
}

func (h *Handler) handleSuppressionCreate(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	if h.cfg.Suppressions == nil {
		h.renderError(w, r, cordon.Errorf(cordon.ENOTFOUND, "Suppression rules are not configured on this server."))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		h.renderError(w, r, cordon.Errorf(cordon.EINVALID, "The form could not be read."))
		return
	}
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := suppressionForm{Kind: v("kind"), Device: v("device"), Model: v("model"), SubjectPrefix: v("subject_prefix"),
		Reason: v("reason"), ExpiresOn: v("expires_on"), Alert: v("alert")}
	if f.Alert != "" {
		if n, err := strconv.ParseInt(f.Alert, 10, 64); err != nil || n <= 0 {
			f.Alert = ""
		}
	}
	rule, errs := parseSuppressionForm(f)
	p := &suppressionsPage{Form: f, Errors: errs}
	if len(errs) > 0 {
		h.suppressionsPage(w, r, u, http.StatusBadRequest, p)
		return
	}
	switch err := h.cfg.Suppressions.CreateSuppression(r.Context(), &rule); cordon.ErrorCode(err) {
	case "":
		if f.Alert != "" {
			http.Redirect(w, r, "/alerts/"+f.Alert+"?suppressed=1#suppression", http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, "/suppressions?done=created", http.StatusSeeOther)
	case cordon.EINVALID, cordon.ENOTFOUND:
		p.FormError = cordon.ErrorMessage(err)
		h.suppressionsPage(w, r, u, http.StatusBadRequest, p)
	default:
		h.renderError(w, r, err)
	}
}

func (h *Handler) handleSuppressionDelete(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	if h.cfg.Suppressions == nil {
		h.renderError(w, r, cordon.Errorf(cordon.ENOTFOUND, "Suppression rules are not configured on this server."))
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.renderError(w, r, notFound("suppression rule"))
		return
	}
	if err := h.cfg.Suppressions.DeleteSuppression(r.Context(), id); err != nil {
		h.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/suppressions?done=deleted", http.StatusSeeOther)
}
