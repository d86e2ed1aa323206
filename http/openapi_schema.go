package http

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/reconcile"
)

// schemaOf derives an OpenAPI 3.0 schema from a Go type by the rules
// encoding/json follows, so that the document cannot drift from the JSON the
// handlers write. Named struct types become components, referenced by name.
func schemaOf(t reflect.Type, components map[string]any) map[string]any {
	nullable := false
	for t.Kind() == reflect.Pointer {
		t, nullable = t.Elem(), true
	}
	s := schemaOfValue(t, components)
	if nullable {
		if _, ref := s["$ref"]; ref {
			// OpenAPI 3.0 ignores siblings of $ref; allOf carries nullable.
			return map[string]any{"allOf": []any{s}, "nullable": true}
		}
		s["nullable"] = true
	}
	return s
}

var (
	timeType     = reflect.TypeFor[time.Time]()
	rawJSONType  = reflect.TypeFor[json.RawMessage]()
	textMarshalT = reflect.TypeFor[encoding.TextMarshaler]()
)

func schemaOfValue(t reflect.Type, components map[string]any) map[string]any {
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == rawJSONType:
		return map[string]any{"description": "any JSON value", "nullable": true}
	case t.Implements(textMarshalT):
		return map[string]any{"type": "string"}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		s := map[string]any{"type": "integer"}
		if t.Size() == 8 {
			s["format"] = "int64"
		}
		return s
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem(), components)}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem(), components)}
	case reflect.Struct:
		if t.Name() == "" {
			return structSchema(t, components)
		}
		name := schemaName(t)
		if _, ok := components[name]; !ok {
			components[name] = nil // placeholder: breaks recursion
			components[name] = structSchema(t, components)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

// schemaNames renames types whose names collide across packages.
var schemaNames = map[reflect.Type]string{
	reflect.TypeFor[cordon.Device](): "ObservedDevice", // beside this package's Device
	// Register import and export: bare, these names say too little.
	reflect.TypeFor[reconcile.Report]():   "ImportReport",
	reflect.TypeFor[reconcile.Counts]():   "ImportCounts",
	reflect.TypeFor[reconcile.Entry]():    "RegisterEntry",
	reflect.TypeFor[reconcile.Identity](): "ObservedIdentity",
}

// schemaTypes remembers which type took each component name, so that a
// collision fails loudly (in TestOpenAPIDocument) instead of pointing one
// type at another's schema.
var (
	schemaTypesMu sync.Mutex
	schemaTypes   = map[string]reflect.Type{}
)

func schemaName(t reflect.Type) string {
	name, ok := schemaNames[t]
	if !ok {
		// Unexported envelope types still get component-style names.
		name = strings.ToUpper(t.Name()[:1]) + t.Name()[1:]
	}
	schemaTypesMu.Lock()
	defer schemaTypesMu.Unlock()
	if prev, ok := schemaTypes[name]; ok && prev != t {
		panic("http: openapi: two types named " + name + ": " + prev.String() + " and " + t.String())
	}
	schemaTypes[name] = t
	return name
}

// structSchema lists a struct's JSON members, flattening embedded structs
// as encoding/json does.
func structSchema(t reflect.Type, components map[string]any) map[string]any {
	props := map[string]any{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" || (!f.IsExported() && !f.Anonymous) {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" {
				ft := f.Type
				for ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					walk(ft)
					continue
				}
			}
			if name == "" {
				name = f.Name
			}
			props[name] = schemaOf(f.Type, components)
		}
	}
	walk(t)
	return map[string]any{"type": "object", "properties": props}
}
