package http

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/auth"
)

func TestCaptureUpload(t *testing.T) {
	e := MustOpenEnv(t, func(s *Server) { s.MaxUploadBytes = 1024 })
	analyst := e.bearer(cordon.RoleAnalyst)

	var up CaptureUpload
	resp := e.do(analyst, uploadReq("file", string(dnsPcap)))
	decode(t, resp, &up)
	sum := auth.HashSecret(string(dnsPcap)) // SHA-256 hex, as the file is named
	if resp.StatusCode != 202 || up.Duplicate || up.SHA256 != sum || up.Size != int64(len(dnsPcap)) ||
		up.Status != cordon.CaptureQueued || up.CreatedBy != "analyst1" || up.Name != "dns.pcap" {
		t.Fatalf("upload: %d %+v", resp.StatusCode, up)
	}
	if b, err := os.ReadFile(filepath.Join(e.s.CaptureDir, sum+".pcap")); err != nil || string(b) != string(dnsPcap) {
		t.Errorf("stored file: %v", err)
	}
	if len(e.queued) != 1 || e.queued[0] != up.ID {
		t.Errorf("queued %v, want [%d]", e.queued, up.ID)
	}

	// The same bytes again: the existing capture, nothing queued.
	var dup CaptureUpload
	resp = e.do(e.bearer(cordon.RoleAdmin), uploadReq("file", string(dnsPcap)))
	decode(t, resp, &dup)
	if resp.StatusCode != 200 || !dup.Duplicate || dup.ID != up.ID || len(e.queued) != 1 {
		t.Errorf("duplicate: %d %+v, queued %v", resp.StatusCode, dup, e.queued)
	}

	var got cordon.Capture
	decode(t, e.do(analyst, req{method: "GET", path: fmt.Sprint("/api/v1/captures/", up.ID)}), &got)
	if got.SHA256 != sum {
		t.Errorf("capture view: %+v", got)
	}
	var list struct {
		Captures []cordon.Capture
		Total    int
	}
	decode(t, e.do(analyst, req{method: "GET", path: "/api/v1/captures?status=queued"}), &list)
	if list.Total != 1 || len(list.Captures) != 1 {
		t.Errorf("queued captures: %+v", list)
	}
	wantError(t, e.do(analyst, req{method: "GET", path: "/api/v1/captures?status=lost"}), 400, cordon.EINVALID, "status must be")
	wantError(t, e.do(analyst, req{method: "GET", path: "/api/v1/captures/999"}), 404, cordon.ENOTFOUND, "")

	bad := []struct {
		name   string
		req    req
		status int
		code   string
		msg    string
	}{
		{"ErrTooLarge", uploadReq("file", string(dnsPcap)+strings.Repeat("x", 1024)), 413, ETOOLARGE, "larger than"},
		{"ErrWrongField", uploadReq("upload", string(dnsPcap)), 400, cordon.EINVALID, `field "file"`},
		{"ErrNoFile", uploadReq("csrf", "x"), 400, cordon.EINVALID, `field "file"`},
		{"ErrEmpty", uploadReq("file", ""), 400, cordon.EINVALID, "empty"},
		{"ErrNotCapture", uploadReq("file", "%PDF-1.7 not a capture"), 400, cordon.EINVALID, "not a pcap"},
		{"ErrJSON", jsonReq("POST", "/api/v1/captures", `{"file": "x"}`), 415, EUNSUPPORTED, "multipart/form-data"},
		{"ErrBrokenMultipart", req{method: "POST", path: "/api/v1/captures", body: strings.NewReader("garbage"),
			ctype: "multipart/form-data; boundary=xyz"}, 400, cordon.EINVALID, `field "file"`},
		{"ErrNoBoundary", req{method: "POST", path: "/api/v1/captures", body: strings.NewReader("garbage"),
			ctype: "multipart/form-data"}, 400, cordon.EINVALID, "not valid multipart"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, e.do(analyst, tt.req), tt.status, tt.code, tt.msg)
		})
	}
	// Refused uploads leave nothing behind: only the one good capture.
	files, _ := os.ReadDir(e.s.CaptureDir)
	if len(files) != 1 {
		var names []string
		for _, f := range files {
			names = append(names, f.Name())
		}
		t.Errorf("capture directory holds %v", names)
	}
}

func TestCleanFileName(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"Plain", "ward7.pcapng", "ward7.pcapng"},
		{"Path", "../../etc/passwd", "passwd"},
		{"WindowsPath", `C:\captures\icu.pcap`, "icu.pcap"},
		{"Control", "a\x00b\nc.pcap", "abc.pcap"},
		{"Empty", "", "capture"},
		{"Slash", "/", "capture"},
		{"Long", strings.Repeat("é", 200), strings.Repeat("é", 127)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cleanFileName(tt.in); got != tt.want {
				t.Errorf("cleanFileName(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
