package http

import (
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// testLiveCaptures is what a server capturing on two interfaces reports:
// eth2 carries traffic and drops some; span0 lost its SPAN session and has
// seen nothing for a while. Listed out of order, as a snapshot may be.
func testLiveCaptures() []cordon.LiveCapture {
	started := time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC)
	return []cordon.LiveCapture{
		{Interface: "span0", Started: started, Packets: 1200, Bytes: 880_000,
			LastPacket: time.Date(2026, 3, 2, 7, 12, 30, 0, time.UTC), Batches: 120, Silent: true},
		{Interface: "eth2", Filter: "not port 22", Started: started, Packets: 5_000_000_000, Bytes: 3_100_000_000_000, Drops: 4096,
			LastPacket: time.Date(2026, 3, 2, 8, 59, 59, 250_000_000, time.UTC), Batches: 118, Merged: 2, Failed: 1},
	}
}

func TestCaptureLive(t *testing.T) {
	t.Run("NoLiveCapture", func(t *testing.T) {
		e := MustOpenEnv(t, nil)
		resp := e.do(e.bearer(cordon.RoleViewer), req{method: "GET", path: "/api/v1/captures/live"})
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || strings.TrimSpace(string(body)) != `{"captures":[]}` {
			t.Errorf("without live capture: %d %s", resp.StatusCode, body)
		}
	})
	t.Run("NoneYet", func(t *testing.T) {
		e := MustOpenEnv(t, func(s *Server) { s.LiveCaptures = func() []cordon.LiveCapture { return nil } })
		resp := e.do(e.bearer(cordon.RoleViewer), req{method: "GET", path: "/api/v1/captures/live"})
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || strings.TrimSpace(string(body)) != `{"captures":[]}` {
			t.Errorf("with none: %d %s", resp.StatusCode, body)
		}
	})
	t.Run("TwoInterfaces", func(t *testing.T) {
		e := MustOpenEnv(t, func(s *Server) { s.LiveCaptures = testLiveCaptures })
		var got struct{ Captures []map[string]any }
		resp := e.do(e.bearer(cordon.RoleViewer), req{method: "GET", path: "/api/v1/captures/live"})
		decode(t, resp, &got)
		if resp.StatusCode != 200 || len(got.Captures) != 2 {
			t.Fatalf("live: %d %+v", resp.StatusCode, got)
		}
		eth2, span0 := got.Captures[0], got.Captures[1]
		if eth2["interface"] != "eth2" || span0["interface"] != "span0" {
			t.Errorf("interfaces %v, %v: want eth2 then span0", eth2["interface"], span0["interface"])
		}
		for k, want := range map[string]any{
			"filter": "not port 22", "started": "2026-03-02T07:00:00Z", "packets": 5e9, "bytes": 3.1e12, "drops": 4096.0,
			"last_packet": "2026-03-02T08:59:59.25Z", "batches": 118.0, "merged": 2.0, "failed": 1.0, "silent": false,
		} {
			if eth2[k] != want {
				t.Errorf("eth2 %s = %v (%T), want %v", k, eth2[k], eth2[k], want)
			}
		}
		if span0["silent"] != true || span0["drops"] != 0.0 {
			t.Errorf("span0: %v", span0)
		}
		// A numeric ID still reaches the capture itself.
		wantError(t, e.do(e.bearer(cordon.RoleViewer), req{method: "GET", path: "/api/v1/captures/999"}), 404, cordon.ENOTFOUND, "")
		wantError(t, e.do(e.bearer(cordon.RoleViewer), req{method: "GET", path: "/api/v1/captures/live?x=1"}), 400, cordon.EINVALID, "Unknown query parameter")
	})
}

// TestCaptureLiveRoute checks that the mux gives "live" to its own route,
// not to {id} (which would answer 400 or 404 for a non-numeric ID).
func TestCaptureLiveRoute(t *testing.T) {
	s := NewServer()
	for path, want := range map[string]string{
		"/api/v1/captures/live":  "GET /api/v1/captures/live",
		"/api/v1/captures/12":    "GET /api/v1/captures/{id}",
		"/api/v1/captures/lives": "GET /api/v1/captures/{id}",
	} {
		r := httptest.NewRequest("GET", path, nil)
		if _, pattern := s.router.Handler(r); pattern != want {
			t.Errorf("GET %s: pattern %q, want %q", path, pattern, want)
		}
	}
}
