package http

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// maxJSONBytes bounds a JSON request body.
const maxJSONBytes = 1 << 20

// decodeJSON reads one JSON value from the body into v, refusing other
// content types, unknown fields, trailing data and bodies over
// maxJSONBytes, each with a message that says what is wrong.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if !isJSON(r) {
		return cordon.Errorf(EUNSUPPORTED, "The request body must be JSON (Content-Type: application/json).")
	}
	return decodeJSONFrom(http.MaxBytesReader(w, r.Body, maxJSONBytes), v)
}

// isJSON reports whether r says its body is JSON.
func isJSON(r *http.Request) bool {
	mt := mediaType(r)
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// decodeJSONFrom reads one JSON value from body into v as decodeJSON does,
// for a body that is not the request's own (decompressed, or bounded
// otherwise). The caller bounds body.
func decodeJSONFrom(body io.Reader, v any) error {
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return err
		}
		return cordon.Errorf(cordon.EINVALID, "The request body must hold one JSON object and nothing after it.")
	}
	return nil
}

// jsonError turns a decoding error into a message for the client.
func jsonError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return err
	case errors.Is(err, io.EOF):
		return cordon.Errorf(cordon.EINVALID, "The request body is empty; it must be a JSON object.")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return cordon.Errorf(cordon.EINVALID, "The request body is cut-off JSON.")
	case errors.As(err, &syntax):
		return cordon.Errorf(cordon.EINVALID, "The request body is not valid JSON (at byte %d).", syntax.Offset)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return cordon.Errorf(cordon.EINVALID, "The request body must be a JSON object.")
		}
		return cordon.Errorf(cordon.EINVALID, "Field %q must be %s.", typ.Field, jsonKind(typ.Type))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// encoding/json has no type for this error; its text is stable.
		return cordon.Errorf(cordon.EINVALID, "Unknown field %s.", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return cordon.Errorf(cordon.EINVALID, "The request body could not be read as JSON.")
}

func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "an object"
}

// query checks a request's query parameters against the allowed names, so
// that a misspelt filter fails loudly instead of being ignored.
func query(r *http.Request, allowed ...string) (url.Values, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, cordon.Errorf(cordon.EINVALID, "The query string is malformed.")
	}
	for k, vs := range q {
		known := false
		for _, a := range allowed {
			known = known || a == k
		}
		if !known {
			return nil, cordon.Errorf(cordon.EINVALID, "Unknown query parameter %q; this route takes %s.", k, strings.Join(allowed, ", "))
		}
		if len(vs) > 1 {
			return nil, cordon.Errorf(cordon.EINVALID, "Query parameter %q is given more than once.", k)
		}
	}
	return q, nil
}

// Page limits for list routes.
const (
	DefaultPageLimit = 50
	MaxPageLimit     = 1000
)

// page reads offset and limit.
func page(q url.Values) (offset, limit int, err error) {
	offset, limit = 0, DefaultPageLimit
	if v := q.Get("offset"); v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 {
			return 0, 0, cordon.Errorf(cordon.EINVALID, "offset must be a whole number of 0 or more, not %q.", v)
		}
	}
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > MaxPageLimit {
			return 0, 0, cordon.Errorf(cordon.EINVALID, "limit must be a whole number from 1 to %d, not %q.", MaxPageLimit, v)
		}
	}
	return offset, limit, nil
}

// pathID reads the {id} path value.
func pathID(r *http.Request, what string) (int64, error) {
	v := r.PathValue("id")
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 1 {
		return 0, cordon.Errorf(cordon.EINVALID, "A %s ID is a positive whole number, not %q.", what, v)
	}
	return id, nil
}

// list is the envelope of a paged list.
func list(name string, items any, total, offset, limit int) map[string]any {
	return map[string]any{name: items, "total": total, "offset": offset, "limit": limit}
}

// parseDay reads an optional date ("2025-01-14", meaning its midnight UTC)
// or RFC 3339 time, naming the field in any error.
func parseDay(field, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, cordon.Errorf(cordon.EINVALID, "%s must be a date such as 2025-01-14 or an RFC 3339 time, not %q.", field, v)
	}
	return t.UTC(), nil
}
