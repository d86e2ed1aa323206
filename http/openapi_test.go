package http

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
)

// TestOpenAPIRoutes fails if the server has an API route the document
// lacks, or the document one the server lacks, or they disagree on roles.
func TestOpenAPIRoutes(t *testing.T) {
	s := NewServer()
	registered := map[string]string{}
	for _, rt := range s.routes {
		method, path, _ := strings.Cut(rt.Pattern, " ")
		if strings.HasPrefix(path, "/api/") || path == "/healthz" {
			registered[strings.ToLower(method)+" "+path] = rt.Role
		}
	}
	documented := map[string]bool{}
	for path, ops := range OpenAPI()["paths"].(map[string]any) {
		for method := range ops.(map[string]any) {
			documented[method+" "+path] = true
		}
	}
	for r := range registered {
		if !documented[r] {
			t.Errorf("route %s is not in the OpenAPI document", r)
		}
	}
	for d := range documented {
		if _, ok := registered[d]; !ok {
			t.Errorf("the OpenAPI document has %s, which the server lacks", d)
		}
	}
	for _, op := range apiOps {
		method, path, _ := strings.Cut(op.route, " ")
		if role, ok := registered[strings.ToLower(method)+" "+path]; ok && role != op.role {
			t.Errorf("%s: documented role %q, server requires %q", op.route, op.role, role)
		}
	}
	// An operation open to sensor tokens says so, and no other does.
	sensor := map[string]bool{}
	for _, rt := range s.routes {
		sensor[rt.Pattern] = slices.Contains(rt.Scopes, cordon.TokenScopeSensor)
	}
	for _, op := range apiOps {
		if says := strings.Contains(op.summary, "A sensor-scoped token may use this"); says != sensor[op.route] {
			t.Errorf("%s: the summary says a sensor token may use it: %v; the server: %v", op.route, says, sensor[op.route])
		}
	}
}

// TestOpenAPIDocument checks the document is JSON with every reference
// resolvable and the device schema carrying cordon analyze's field names.
func TestOpenAPIDocument(t *testing.T) {
	e := MustOpenEnv(t, nil)
	resp := e.do(e.bearer(cordon.RoleViewer), req{method: "GET", path: "/api/v1/openapi.json"})
	var doc map[string]any
	decode(t, resp, &doc)
	if doc["openapi"] != "3.0.3" {
		t.Errorf("openapi = %v", doc["openapi"])
	}
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	var refs []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if r, ok := v["$ref"].(string); ok {
				refs = append(refs, r)
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(doc)
	sort.Strings(refs)
	for _, r := range refs {
		name := strings.TrimPrefix(r, "#/components/schemas/")
		if schemas[name] == nil {
			t.Errorf("dangling reference %s", r)
		}
	}
	device := schemas["Device"].(map[string]any)["properties"].(map[string]any)
	for _, k := range []string{"id", "key", "observed", "recorded", "differences"} {
		if device[k] == nil {
			t.Errorf("Device schema lacks %s", k)
		}
	}
	observed, _ := json.Marshal(device["observed"])
	if !strings.Contains(string(observed), `"#/components/schemas/ObservedDevice"`) {
		t.Errorf("observed schema: %s", observed)
	}
	obs := schemas["ObservedDevice"].(map[string]any)["properties"].(map[string]any)
	for _, k := range []string{"mac", "ips", "hostnames", "manufacturer", "model", "category", "os", "evidence"} {
		if obs[k] == nil {
			t.Errorf("ObservedDevice schema lacks %s", k)
		}
	}
	if mac := obs["mac"].(map[string]any); mac["type"] != "string" {
		t.Errorf("mac schema = %v", mac)
	}
	live, _ := schemas["LiveCapture"].(map[string]any)
	if live == nil {
		t.Fatal("no LiveCapture schema")
	}
	props := live["properties"].(map[string]any)
	for _, k := range []string{"interface", "filter", "started", "packets", "bytes", "drops", "last_packet", "batches", "merged", "failed", "silent"} {
		if props[k] == nil {
			t.Errorf("LiveCapture schema lacks %s", k)
		}
	}
	if s := props["last_packet"].(map[string]any); s["format"] != "date-time" {
		t.Errorf("last_packet schema = %v", s)
	}
}
