package ingest

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
)

func TestSave(t *testing.T) {
	dir := t.TempDir()
	const pcap = "\xd4\xc3\xb2\xa1 and the rest"
	sum, size, err := Save(dir, strings.NewReader(pcap), 0)
	if err != nil || size != int64(len(pcap)) || len(sum) != 64 {
		t.Fatalf("Save = %q, %d, %v", sum, size, err)
	}
	if b, err := os.ReadFile(Path(dir, sum)); err != nil || string(b) != pcap {
		t.Fatalf("saved file = %q, %v", b, err)
	}
	tests := []struct {
		name  string
		in    string
		limit int64
		ok    func(error) bool
	}{
		{"TooLarge", pcap, 9, func(err error) bool { var e *TooLargeError; return errors.As(err, &e) }},
		{"Empty", "", 0, invalid},
		{"NotACapture", "<!DOCTYPE html>", 0, invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if _, _, err := Save(dir, strings.NewReader(tt.in), tt.limit); !tt.ok(err) {
				t.Fatalf("err = %v", err)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("left %d files behind", len(entries))
			}
		})
	}
}

func invalid(err error) bool { return cordon.ErrorCode(err) == cordon.EINVALID }
