package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs the command in-process and returns its exit code and output.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// pcapHeader returns a little-endian microsecond pcap global header.
func pcapHeader(snaplen, link uint32) []byte {
	b := make([]byte, 24)
	binary.LittleEndian.PutUint32(b[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(b[4:], 2)
	binary.LittleEndian.PutUint16(b[6:], 4)
	binary.LittleEndian.PutUint32(b[16:], snaplen)
	binary.LittleEndian.PutUint32(b[20:], link)
	return b
}

// record returns a pcap record header and data.
func record(data []byte) []byte {
	b := make([]byte, 16, 16+len(data))
	binary.LittleEndian.PutUint32(b[0:], 1793606400)
	binary.LittleEndian.PutUint32(b[8:], uint32(len(data)))
	binary.LittleEndian.PutUint32(b[12:], uint32(len(data)))
	return append(b, data...)
}

// arpFrame is an ARP request from 00:1b:21:00:00:01 (10.0.0.1).
var arpFrame = []byte{
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x1b, 0x21, 0x00, 0x00, 0x01, 0x08, 0x06,
	0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
	0x00, 0x1b, 0x21, 0x00, 0x00, 0x01, 10, 0, 0, 1,
	0, 0, 0, 0, 0, 0, 10, 0, 0, 2,
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func TestAnalyzeBadInput(t *testing.T) {
	good := append(pcapHeader(65535, 1), record(arpFrame)...)
	truncated := append(append([]byte{}, good...), record(arpFrame)[:30]...)
	tests := []struct {
		name       string
		data       []byte
		wantExit   int
		wantStderr []string // all must appear
		wantStdout string
	}{
		{"Empty", nil, exitError, []string{"empty file"}, ""},
		{"Garbage", []byte("<!DOCTYPE html><html>not a capture</html>"), exitError, []string{"byte 0", "magic"}, ""},
		{"TruncatedHeader", good[:10], exitError, []string{"byte 0"}, ""},
		{"UnknownLinkType", pcapHeader(65535, 147), exitError, []string{"link type 147"}, ""},
		{"AbsurdSnaplen", pcapHeader(0xffffffff, 1), exitError, []string{"snaplen"}, ""},
		{"TruncatedTail", truncated, exitPartial, []string{"byte 82", "warning"}, "00:1b:21:00:00:01"},
		{"Gzip", gzipped(good), exitOK, nil, "00:1b:21:00:00:01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, "in.pcap", tt.data)
			code, stdout, stderr := runCLI(t, "analyze", path)
			if code != tt.wantExit {
				t.Fatalf("exit = %d, want %d; stderr: %s", code, tt.wantExit, stderr)
			}
			for _, w := range tt.wantStderr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q lacks %q", stderr, w)
				}
			}
			if tt.wantExit == exitError && !strings.Contains(stderr, path) {
				t.Errorf("stderr %q does not name the file", stderr)
			}
			if !strings.Contains(stdout, tt.wantStdout) {
				t.Errorf("stdout %q lacks %q", stdout, tt.wantStdout)
			}
			if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine") {
				t.Errorf("stderr shows a panic: %s", stderr)
			}
		})
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantExit int
		want     string
	}{
		{"NoArgs", nil, exitUsage, "Usage"},
		{"Unknown", []string{"frobnicate"}, exitUsage, "unknown command"},
		{"AnalyzeNoFiles", []string{"analyze"}, exitUsage, "at least one capture"},
		{"AnalyzeBadFormat", []string{"analyze", "--format", "xml", "x.pcap"}, exitUsage, "unknown format"},
		{"AnalyzeMissingFile", []string{"analyze", "/nonexistent/x.pcap"}, exitError, "/nonexistent/x.pcap"},
		{"BadProfiles", []string{"analyze", "--profiles", "/nonexistent/p.json", "x.pcap"}, exitError, "profiles"},
		{"SimulateNoOut", []string{"simulate"}, exitUsage, "--out"},
		{"Version", []string{"version"}, exitOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != tt.wantExit {
				t.Fatalf("exit = %d, want %d; stderr: %s", code, tt.wantExit, stderr)
			}
			if !strings.Contains(stdout+stderr, tt.want) {
				t.Errorf("output %q lacks %q", stdout+stderr, tt.want)
			}
		})
	}
}

// TestEveryCommandHelp asks every command and subcommand for its flags:
// two flags of one name (a command's own and a shared set's) would panic
// at definition, which no other test of that command may reach.
func TestEveryCommandHelp(t *testing.T) {
	subs := map[string][]string{
		"feeds": {"import", "sync", "status"}, "models": {"list", "sync", "show", "import-sbom", "import-mds2", "import-vex"},
		"policy": {"suggest", "learn", "show", "export"}, "lifecycle": {"forecast", "decommission", "dispose"},
		"alerts": {"list"}, "suppliers": {"list", "unexplained", "import"}, "token": {"create"}, "user": {"add"},
		"remediations": {"list", "check"}, "exceptions": {"list"},
		"deliver": {"check", "outbox", "suppress add", "suppress list", "suppress delete"},
	}
	for _, c := range commands() {
		calls := [][]string{{c.name, "-h"}}
		for _, s := range subs[c.name] {
			calls = append(calls, append(append([]string{c.name}, strings.Fields(s)...), "-h"))
		}
		for _, args := range calls {
			code, _, stderr := runCLI(t, args...)
			if code != exitOK && code != exitUsage {
				t.Errorf("%s: exit %d: %s", strings.Join(args, " "), code, stderr)
			}
		}
	}
}
