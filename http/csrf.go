package http

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/http"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/auth"
)

// csrfPeekBytes is how much of a multipart body is read to find its "csrf"
// part, which must come first (forms send fields in document order, so the
// hidden field goes before the file input).
const csrfPeekBytes = 8 << 10

// CSRFToken returns the CSRF token of the request's session, or "" when it
// did not come with a session. Pages put it in every form as the hidden
// field "csrf".
func CSRFToken(r *http.Request) string {
	if sess := authFrom(r.Context()).session; sess != nil {
		return sess.CSRF
	}
	return ""
}

// checkCSRF refuses a request that changes data with a session cookie
// unless it carries the session's CSRF token: in the X-CSRF-Token header, or
// the form field "csrf" (URL-encoded, or the first part of a multipart
// body). It runs for every route, the pages' included. Bearer-token
// requests need no token: a browser never adds the Authorization header by
// itself, so a forged cross-site request cannot carry one. Signing in needs
// none either: there is no session yet, and the cross-origin check covers
// it.
func (s *Server) checkCSRF(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess := authFrom(r.Context()).session
		if sess == nil || safeMethod(r.Method) || r.URL.Path == "/login" {
			next.ServeHTTP(w, r)
			return
		}
		tok := r.Header.Get("X-CSRF-Token")
		if tok == "" {
			switch {
			case isForm(r):
				r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
				tok = r.PostFormValue("csrf")
			case isMultipart(r):
				tok = peekMultipartCSRF(r)
			}
		}
		if !auth.Equal(tok, sess.CSRF) {
			Error(w, r, cordon.Errorf(cordon.EFORBIDDEN, "The form is out of date or was not sent from Cordon (missing or wrong CSRF token). Reload the page and try again."))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// peekMultipartCSRF reads the start of a multipart body and returns the
// value of its first part if that part is "csrf". The body is put back
// whole, so the handler reads it from the beginning.
func peekMultipartCSRF(r *http.Request) string {
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || params["boundary"] == "" {
		return ""
	}
	head := make([]byte, csrfPeekBytes)
	n, _ := io.ReadFull(r.Body, head)
	head = head[:n]
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), r.Body), r.Body}
	part, err := multipart.NewReader(bytes.NewReader(head), params["boundary"]).NextPart()
	if err != nil || part.FormName() != "csrf" {
		return ""
	}
	v, err := io.ReadAll(io.LimitReader(part, 256))
	if err != nil {
		return "" // the part runs past the peeked bytes: not a token
	}
	return string(bytes.TrimSpace(v))
}
