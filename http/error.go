package http

import (
	"encoding/json"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/cordonsec/cordon"
)

// Error codes of the HTTP layer only, beside cordon's own: they describe
// the request, not the domain.
const (
	ETOOLARGE    = "too_large"
	EMETHOD      = "method_not_allowed"
	ETHROTTLED   = "throttled"
	EUNSUPPORTED = "unsupported_media_type"
)

// codes maps error codes to HTTP statuses: the one table of it.
var codes = map[string]int{
	cordon.EINVALID:      http.StatusBadRequest,
	cordon.EUNAUTHORIZED: http.StatusUnauthorized,
	cordon.EFORBIDDEN:    http.StatusForbidden,
	cordon.ENOTFOUND:     http.StatusNotFound,
	cordon.ECONFLICT:     http.StatusConflict,
	EMETHOD:              http.StatusMethodNotAllowed,
	ETOOLARGE:            http.StatusRequestEntityTooLarge,
	EUNSUPPORTED:         http.StatusUnsupportedMediaType,
	ETHROTTLED:           http.StatusTooManyRequests,
	cordon.EINTERNAL:     http.StatusInternalServerError,
}

// ErrorStatusCode returns the HTTP status for an error code; unknown codes
// are internal errors.
func ErrorStatusCode(code string) int {
	if v, ok := codes[code]; ok {
		return v
	}
	return http.StatusInternalServerError
}

// ErrorResponse is the JSON body of every error.
type ErrorResponse struct {
	Error ErrorBody `json:"error"`
}

// ErrorBody carries a stable code for programs and a sentence for people,
// and for a refused input, the field at fault by its JSON name.
type ErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// Error writes err as a JSON error (or, for a browser asking for a page, an
// HTML one). Internal errors are logged with their detail, which the client
// never sees.
func Error(w http.ResponseWriter, r *http.Request, err error) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		err = cordon.Errorf(ETOOLARGE, "The request body is larger than the %d bytes allowed.", tooBig.Limit)
	}
	code, msg, field := cordon.ErrorCode(err), cordon.ErrorMessage(err), cordon.ErrorField(err)
	if code == cordon.EINTERNAL || ErrorStatusCode(code) == http.StatusInternalServerError {
		logFrom(r).Error("http error", slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.String("error", err.Error()))
		code, msg, field = cordon.EINTERNAL, "Internal error.", ""
	}
	status := ErrorStatusCode(code)
	if status == http.StatusUnauthorized && isAPI(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="cordon"`)
	}
	if wantsHTML(r) {
		if status == http.StatusUnauthorized && r.Method == http.MethodGet {
			// A browser without a session goes to the sign-in page.
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		_ = errorPage.Execute(w, struct {
			Status  int
			Title   string
			Message string
		}{status, http.StatusText(status), msg})
		return
	}
	writeJSON(w, status, ErrorResponse{Error: ErrorBody{Code: code, Message: msg, Field: field}})
}

// isAPI reports whether r is for the JSON API rather than a page.
func isAPI(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/healthz"
}

// wantsHTML reports whether r comes from a browser navigating to a page.
func wantsHTML(r *http.Request) bool {
	return !isAPI(r) && strings.Contains(r.Header.Get("Accept"), "text/html")
}

// writeJSON writes v with status. HTML-significant characters are escaped
// (\u003c), so JSON shown in a page by mistake still cannot open a tag.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v) // the client went away; nothing to tell it
}

var errorPage = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · Cordon</title></head>
<body><main>
<h1>{{.Title}}</h1>
<p role="alert">{{.Message}}</p>
<p><a href="/">Back to Cordon</a></p>
</main></body>
</html>
`))
