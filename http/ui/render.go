package ui

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// page is what every page's data carries for the layout: the title, the
// active navigation item, the signed-in user and what they may do.
type page struct {
	Title   string
	Nav     string
	User    *cordon.User
	CSRF    string
	CanEdit bool // analyst or admin: edits the register, uploads captures
	IsAdmin bool
	// Refresh, when positive, reloads the page after that many seconds
	// (a capture being ingested) with a <meta http-equiv="refresh">, which
	// the Content-Security-Policy allows where a script would not be.
	Refresh int
}

// base fills the layout's part of a page's data.
func (h *Handler) base(r *http.Request, u *cordon.User, title, nav string) page {
	p := page{Title: title, Nav: nav, User: u}
	if u != nil {
		p.CSRF = h.cfg.CSRFToken(r)
		p.CanEdit = cordon.RoleRank(u.Role) >= cordon.RoleRank(cordon.RoleAnalyst)
		p.IsAdmin = u.Role == cordon.RoleAdmin
	}
	return p
}

// funcs are the template functions. They are methods' closures so that
// "ago" reads the injected clock.
func (h *Handler) funcs() template.FuncMap {
	return template.FuncMap{
		"asset":      h.assets.path,
		"utc":        formatUTC,
		"iso":        formatISO,
		"ago":        func(t time.Time) string { return formatAgo(h.now(), t) },
		"num":        formatInt,
		"bytes":      formatBytes,
		"percent":    formatPercent,
		"percentInt": func(f float64) int { return int(f*100 + 0.5) },
		"category":   categoryLabel,
		"field":      fieldLabel,
		"yesno":      formatBool,
		"osName":     osName,
		"devname":    deviceName,
		"join":       strings.Join,
		// words turns an identifier such as no_validated_patch into words.
		"words":   func(s string) string { return strings.ReplaceAll(s, "_", " ") },
		"inc":     func(i int) int { return i + 1 },
		"medical": cordon.IsMedicalCategory,
		"ptrTime": func(t *time.Time) time.Time { return derefTime(t) },
		"roleAtLeast": func(u *cordon.User, role string) bool {
			return u != nil && cordon.RoleRank(u.Role) >= cordon.RoleRank(role)
		},
		"categories":    func() []string { return cordon.Categories },
		"criticalities": func() []string { return criticalities },
		"roles":         func() []string { return []string{cordon.RoleViewer, cordon.RoleAnalyst, cordon.RoleAdmin} },
	}
}

// criticalities lists the clinical criticality levels, most critical first.
var criticalities = []string{cordon.CriticalityLifeSustaining, cordon.CriticalityHigh, cordon.CriticalityMedium, cordon.CriticalityLow}

func derefTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// parseTemplates parses each page (templates/NAME.html) together with the
// layout and the shared partials (templates/_*.html).
func (h *Handler) parseTemplates() (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("ui: parse templates: %w", err)
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		base := path.Base(n)
		if strings.HasPrefix(base, "_") {
			continue
		}
		name := strings.TrimSuffix(base, ".html")
		t, err := template.New(name).Funcs(h.funcs()).ParseFS(templateFS, "templates/_*.html", n)
		if err != nil {
			return nil, fmt.Errorf("ui: parse template %s: %w", name, err)
		}
		if t.Lookup("layout") == nil || t.Lookup("content") == nil {
			return nil, fmt.Errorf("ui: parse template %s: it must define content for the layout", name)
		}
		pages[name] = t
	}
	if _, ok := pages["error"]; !ok {
		return nil, fmt.Errorf("ui: parse templates: no error page")
	}
	return pages, nil
}

// render executes a page into a buffer first, so that a failing template
// yields a clean error page rather than half a page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	t, ok := h.pages[name]
	if !ok {
		h.renderError(w, r, fmt.Errorf("ui: render: no page %q", name))
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		if name == "error" {
			// Rendering the error page itself failed: fall back to text,
			// never recurse.
			h.log.Error("render error page", slog.String("error", err.Error()))
			http.Error(w, "Internal error.", http.StatusInternalServerError)
			return
		}
		h.renderError(w, r, fmt.Errorf("ui: render %s: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	// Pages show the register as it is now and who is signed in: never
	// keep them in a shared cache.
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// errorPage is the data of the error page.
type errorPage struct {
	page
	Status  int
	Heading string
	Message string
}

// statuses maps error codes to HTTP statuses, in one place.
var statuses = map[string]int{
	cordon.EINVALID:      http.StatusBadRequest,
	cordon.ENOTFOUND:     http.StatusNotFound,
	cordon.ECONFLICT:     http.StatusConflict,
	cordon.EUNAUTHORIZED: http.StatusUnauthorized,
	cordon.EFORBIDDEN:    http.StatusForbidden,
	cordon.EINTERNAL:     http.StatusInternalServerError,
}

// headings are the error page's headline per status.
var headings = map[int]string{
	http.StatusBadRequest:          "This request could not be used",
	http.StatusNotFound:            "Not found",
	http.StatusConflict:            "This conflicts with what is already there",
	http.StatusUnauthorized:        "Please sign in",
	http.StatusForbidden:           "Not allowed",
	http.StatusInternalServerError: "Something went wrong",
}

// renderError shows the friendly error page for err. Internal errors are
// logged with their detail and shown with a generic sentence only.
func (h *Handler) renderError(w http.ResponseWriter, r *http.Request, err error) {
	code := cordon.ErrorCode(err)
	status, ok := statuses[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if code == cordon.EINTERNAL {
		h.log.Error("ui request failed", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("error", err.Error()))
	}
	u := cordon.UserFromContext(r.Context())
	p := errorPage{page: h.base(r, u, headings[status], ""), Status: status, Heading: headings[status], Message: cordon.ErrorMessage(err)}
	if status == http.StatusNotFound && code == cordon.ENOTFOUND && p.Message == "" {
		p.Message = "There is nothing at this address."
	}
	h.render(w, r, status, "error", &p)
}

// notFound is the error for a page or object that does not exist.
func notFound(what string) error {
	return cordon.Errorf(cordon.ENOTFOUND, "There is no %s at this address. It may have been removed, or the link may be wrong.", what)
}
