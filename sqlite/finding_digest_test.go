package sqlite

import (
	"reflect"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// TestFindingDigestCoversFields changes each field of a finding, one at a
// time, and checks that the digest changes: a field added to
// cordon.Finding (or to the types it holds) but not to digester.finding
// would otherwise never be stored once a finding exists.
func TestFindingDigestCoversFields(t *testing.T) {
	// Not match data: set by the store, or ignored by ReplaceFindings.
	skip := map[string]bool{"ID": true, "Device": true, "Status": true, "FirstFound": true, "LastFound": true, "Gone": true}
	base := func() cordon.Finding {
		return cordon.Finding{CVE: "CVE-2017-0144", Title: "t", Match: "confirmed", Criteria: "c", Software: "s",
			Evidence: []string{"e"}, Sources: []string{"nvd"}, Severity: cordon.SeverityHigh,
			EPSS: &cordon.EPSSScore{Model: "m"}, CVSS: &cordon.CVSS{Version: "3.1"}}
	}
	digest := func(f *cordon.Finding) int64 {
		var d digester
		return d.finding(f, normCVE(f.CVE), f.Severity)
	}
	want := base()
	orig := digest(&want)
	if again := base(); digest(&again) != orig {
		t.Fatal("the digest of equal findings differs")
	}
	n := 0
	var walk func(path string, v reflect.Value)
	walk = func(path string, v reflect.Value) {
		check := func(what string) {
			n++
			if got := digest(&want); got == orig {
				t.Errorf("%s: %s does not change the digest", path, what)
			}
			want = base()
		}
		switch v.Interface().(type) {
		case time.Time:
			v.Set(reflect.ValueOf(time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)))
			check("a time")
			return
		}
		switch v.Kind() {
		case reflect.String:
			v.SetString(v.String() + "x")
			check("a string")
		case reflect.Bool:
			v.SetBool(!v.Bool())
			check("a flag")
		case reflect.Float64:
			v.SetFloat(v.Float() + 0.5)
			check("a number")
		case reflect.Slice:
			v.Set(reflect.Append(v, reflect.ValueOf("y")))
			check("one more element")
			v.Index(0).SetString("z")
			check("an element")
		case reflect.Pointer:
			v.SetZero()
			check("nil")
			for i := range v.Elem().NumField() {
				walk(path+"."+v.Elem().Type().Field(i).Name, reflectField(&want, path, i))
			}
		case reflect.Struct:
			for i := range v.NumField() {
				walk(path+"."+v.Type().Field(i).Name, reflectField(&want, path, i))
			}
		default:
			t.Errorf("%s: kind %s is not handled by this test", path, v.Kind())
		}
	}
	rt := reflect.TypeFor[cordon.Finding]()
	for i := range rt.NumField() {
		name := rt.Field(i).Name
		if skip[name] {
			continue
		}
		walk(name, reflect.ValueOf(&want).Elem().Field(i))
	}
	if n < 30 {
		t.Errorf("only %d changes tried", n)
	}
}

// reflectField returns field i of the struct at path (a dotted path from a
// field of f, through pointers), addressable in f.
func reflectField(f *cordon.Finding, path string, i int) reflect.Value {
	v := reflect.ValueOf(f).Elem()
	start := 0
	for j := 0; j <= len(path); j++ {
		if j == len(path) || path[j] == '.' {
			v = v.FieldByName(path[start:j])
			if v.Kind() == reflect.Pointer {
				v = v.Elem()
			}
			start = j + 1
		}
	}
	return v.Field(i)
}

func TestSetDigestOrder(t *testing.T) {
	if setDigest([]int64{1, 2, 3}) != setDigest([]int64{3, 1, 2}) {
		t.Error("the set digest depends on order")
	}
	for _, other := range [][]int64{{1, 2}, {1, 2, 4}, {1, 2, 3, 0}, {}} {
		if setDigest([]int64{1, 2, 3}) == setDigest(other) {
			t.Errorf("sets {1, 2, 3} and %v have one digest", other)
		}
	}
}
