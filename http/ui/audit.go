package ui

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/cordonsec/cordon"
)

// auditPerPage is the audit log's page length.
const auditPerPage = 50

func (h *Handler) registerAuditRoutes(mux *http.ServeMux) {
	h.route(mux, "GET /audit", cordon.RoleViewer, h.handleAudit)
}

// fieldChange is one field of an audited object before and after.
type fieldChange struct {
	Field, Before, After string
}

// auditRow is an audit entry with its change as a field diff.
type auditRow struct {
	*cordon.AuditEntry
	ObjectURL string
	Changes   []fieldChange
	// Created and Deleted mark entries with only one side, which read
	// better as a list of values than as changes from or to nothing.
	Created, Deleted bool
}

// auditPage is the data of the audit log.
type auditPage struct {
	page
	Object, Actor string
	Rows          []auditRow
	Pager         *pager
}

func (h *Handler) handleAudit(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	q := r.URL.Query()
	n := pageNumber(q)
	f := cordon.AuditFilter{Object: strings.TrimSpace(q.Get("object")), Actor: strings.TrimSpace(q.Get("actor")),
		Offset: (n - 1) * auditPerPage, Limit: auditPerPage}
	es, total, err := h.cfg.Audit.FindAuditEntries(r.Context(), f)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	p := &auditPage{page: h.base(r, u, "Audit log", "audit"), Object: f.Object, Actor: f.Actor,
		Pager: newPager("/audit", q, n, auditPerPage, total)}
	for _, e := range es {
		p.Rows = append(p.Rows, auditRow{AuditEntry: e, ObjectURL: objectURL(e.Object), Changes: fieldDiff(e.Before, e.After),
			Created: isNull(e.Before), Deleted: isNull(e.After) && !isNull(e.Before)})
	}
	h.render(w, r, http.StatusOK, "audit", p)
}

// objectURL links an audited object to its page, where it has one.
func objectURL(obj string) string {
	kind, id, ok := strings.Cut(obj, ":")
	if !ok {
		return ""
	}
	if _, err := strconv.ParseInt(id, 10, 64); err != nil {
		return ""
	}
	switch kind {
	case "device":
		return "/devices/" + id
	case "capture":
		return "/captures/" + id
	case "finding":
		return "/findings/" + id
	}
	return ""
}

// fieldDiff compares two JSON objects field by field, nested objects as
// dotted names, and returns the fields that differ in name order. An object
// that is null on one side (created, deleted) shows its other side's
// non-empty fields.
func fieldDiff(before, after json.RawMessage) []fieldChange {
	b, a := flatten(before), flatten(after)
	keys := map[string]bool{}
	for k := range b {
		keys[k] = true
	}
	for k := range a {
		keys[k] = true
	}
	var out []fieldChange
	for k := range keys {
		bv, av := b[k], a[k]
		if bv == av {
			continue
		}
		out = append(out, fieldChange{Field: k, Before: bv, After: av})
	}
	slices.SortFunc(out, func(x, y fieldChange) int { return strings.Compare(x.Field, y.Field) })
	return out
}

// isNull reports whether a JSON document is absent or null.
func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}

// flatten reads a JSON object into dotted field names and display values;
// empty values (null, "", empty lists) are left out, so that "not recorded"
// and "empty" read alike. Anything that is not an object is one field
// named "value".
func flatten(raw json.RawMessage) map[string]string {
	out := map[string]string{}
	if len(bytes.TrimSpace(raw)) == 0 {
		return out
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		out["value"] = string(raw)
		return out
	}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case nil:
		case map[string]any:
			for k, e := range x {
				name := k
				if prefix != "" {
					name = prefix + "." + k
				}
				walk(name, e)
			}
		case string:
			if x != "" {
				out[prefix] = x
			}
		case bool:
			out[prefix] = map[bool]string{true: "yes", false: "no"}[x]
		case json.Number:
			out[prefix] = x.String()
		case []any:
			if len(x) > 0 {
				js, _ := json.Marshal(x)
				out[prefix] = string(js)
			}
		}
	}
	if _, ok := v.(map[string]any); ok {
		walk("", v)
	} else {
		walk("value", v)
	}
	return out
}
