package ingest

import (
	"os"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
)

func TestSave(t *testing.T) {
	dir := t.TempDir()
	sum, size, err := Save(dir, strings.NewReader("pcap bytes"), 0)
	if err != nil || size != 10 || len(sum) != 64 {
		t.Fatalf("Save = %q, %d, %v", sum, size, err)
	}
	if b, err := os.ReadFile(Path(dir, sum)); err != nil || string(b) != "pcap bytes" {
		t.Fatalf("saved file = %q, %v", b, err)
	}
	tests := []struct {
		name  string
		in    string
		limit int64
	}{
		{"TooLarge", "0123456789", 9},
		{"Empty", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if _, _, err := Save(dir, strings.NewReader(tt.in), tt.limit); cordon.ErrorCode(err) != cordon.EINVALID {
				t.Fatalf("err = %v, want EINVALID", err)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("left %d files behind", len(entries))
			}
		})
	}
}
