package epssgen

import (
	"bytes"
	"strings"
	"testing"
)

func TestAppendFixed5(t *testing.T) {
	for _, tt := range []struct {
		name string
		v    int64
		want string
	}{
		{"Floor", 4, "0.00004"},
		{"Small", 43, "0.00043"},
		{"Tenth", 10000, "0.10000"},
		{"One", 100000, "1.00000"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(appendFixed5(nil, tt.v)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWrite(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, Options{N: 3, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 5 || lines[1] != "cve,epss,percentile" {
		t.Fatalf("output %q", buf.String())
	}
	if err := Write(&buf, Options{N: -1}); err == nil {
		t.Error("negative N accepted")
	}
}
