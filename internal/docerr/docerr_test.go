package docerr

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
)

// TestLineCol: an offset counts the bytes read, so it points just past the
// byte it reports, as json.SyntaxError.Offset does.
func TestLineCol(t *testing.T) {
	data := []byte("{\n  \"a\": 1,\n  x\n}")
	for _, tt := range []struct {
		off       int64
		line, col int
	}{{0, 1, 1}, {2, 2, 1}, {4, 2, 2}, {15, 3, 3}, {-5, 1, 1}, {999, 4, 1}} {
		if l, c := LineCol(data, tt.off); l != tt.line || c != tt.col {
			t.Errorf("LineCol(%d) = %d:%d, want %d:%d", tt.off, l, c, tt.line, tt.col)
		}
	}
}

func TestJSON(t *testing.T) {
	data := []byte("{\n  \"a\": 1,\n  x\n}")
	var v any
	err := JSON("pump.cdx.json", data, json.Unmarshal(data, &v))
	if cordon.ErrorCode(err) != cordon.EINVALID || !strings.HasPrefix(cordon.ErrorMessage(err), "pump.cdx.json: line 3, column 3: invalid JSON") {
		t.Errorf("JSON error = %v", err)
	}
	var n struct{ A string }
	err = JSON("x.json", []byte(`{"A": 5}`), json.Unmarshal([]byte(`{"A": 5}`), &n))
	if !strings.Contains(cordon.ErrorMessage(err), "field A is a JSON number, want string") {
		t.Errorf("type error = %v", err)
	}
}

func TestWarnings(t *testing.T) {
	var w Warnings
	for i := range MaxWarnings + 3 {
		w.Addf("warning %d", i)
	}
	l := w.List()
	if len(l) != MaxWarnings+1 || l[MaxWarnings] != "3 more warnings not shown" {
		t.Errorf("%d warnings, last %q", len(l), l[len(l)-1])
	}
	if tm := ParseTime(&w, "created", "yesterday"); !tm.IsZero() {
		t.Error("a bad time should be zero")
	}
	if tm := ParseTime(&w, "created", "2024-05-01T10:00:00+02:00"); tm.Hour() != 8 || tm.Location().String() != "UTC" {
		t.Errorf("time = %v", tm)
	}
}
