package http

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/mock"
)

func TestErrorStatusCode(t *testing.T) {
	tests := []struct {
		code string
		want int
	}{
		{cordon.EINVALID, 400}, {cordon.EUNAUTHORIZED, 401}, {cordon.EFORBIDDEN, 403},
		{cordon.ENOTFOUND, 404}, {cordon.ECONFLICT, 409}, {EMETHOD, 405}, {ETOOLARGE, 413}, {EUNSUPPORTED, 415},
		{ETHROTTLED, 429}, {cordon.EINTERNAL, 500}, {"made_up", 500},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			if got := ErrorStatusCode(tt.code); got != tt.want {
				t.Errorf("ErrorStatusCode(%q) = %d, want %d", tt.code, got, tt.want)
			}
		})
	}
}

// TestInternalErrors uses mocks for failures a real store does not produce
// on demand: the detail is logged, the client sees a generic message.
func TestInternalErrors(t *testing.T) {
	const detail = "sqlite: disk I/O error at /var/lib/cordon/cordon.db"
	broken := errors.New(detail)
	e := MustOpenEnv(t, func(s *Server) {
		real := s.UserService
		s.DeviceService = &mock.DeviceService{
			FindDevicesFn: func(context.Context, cordon.DeviceFilter) ([]*cordon.DeviceRecord, int, error) {
				return nil, 0, fmt.Errorf("find devices: %w", broken)
			},
			FindDeviceByIDFn: func(context.Context, int64) (*cordon.DeviceRecord, error) {
				return nil, cordon.Errorf(cordon.ENOTFOUND, "No device %d.", 5)
			},
		}
		s.CaptureService = &mock.CaptureService{
			CreateCaptureFn: func(context.Context, *cordon.Capture) error { return broken },
		}
		s.UserService = &failingCount{UserService: real}
	})
	viewer, analyst := e.bearer(cordon.RoleViewer), e.bearer(cordon.RoleAnalyst)

	wantError(t, e.do(viewer, req{method: "GET", path: "/api/v1/devices"}), 500, cordon.EINTERNAL, "Internal error.")
	wantError(t, e.do(viewer, req{method: "GET", path: "/api/v1/devices/5"}), 404, cordon.ENOTFOUND, "No device 5.")
	wantError(t, e.do(analyst, uploadReq("file", string(dnsPcap))), 500, cordon.EINTERNAL, "Internal error.")

	resp := e.do(anonymous, req{method: "GET", path: "/healthz"})
	var h map[string]string
	decode(t, resp, &h)
	if resp.StatusCode != 503 || h["status"] != "unavailable" || len(h) != 1 {
		t.Errorf("healthz: %d %v", resp.StatusCode, h)
	}
	if log := e.logText(); !strings.Contains(log, detail) {
		t.Errorf("detail not logged:\n%s", log)
	}
}

// failingCount is the real user service whose CountUsers fails, as when
// the database is unreachable.
type failingCount struct{ cordon.UserService }

func (f *failingCount) CountUsers(context.Context) (int, error) {
	return 0, errors.New("sqlite: database is locked")
}

func TestNotFoundAndMethod(t *testing.T) {
	e := MustOpenEnv(t, nil)
	viewer := e.bearer(cordon.RoleViewer)
	wantError(t, e.do(viewer, req{method: "GET", path: "/api/v1/nothing"}), 404, cordon.ENOTFOUND, "/api/v1/nothing")
	resp := e.do(viewer, req{method: "PUT", path: "/api/v1/devices/1"})
	if got := resp.Header.Get("Allow"); got != "GET, PATCH" {
		t.Errorf("Allow = %q", got)
	}
	wantError(t, resp, 405, EMETHOD, "takes GET, PATCH")

	// A browser gets pages, not JSON.
	resp = e.do(anonymous, req{method: "GET", path: "/nothing", header: map[string]string{"Accept": "text/html"}})
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 404 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
		!strings.Contains(string(b), "There is no page at /nothing.") {
		t.Errorf("HTML 404: %d %s", resp.StatusCode, b)
	}
	resp = e.do(anonymous, req{method: "GET", path: "/<script>x", header: map[string]string{"Accept": "text/html"}})
	if b, _ := io.ReadAll(resp.Body); strings.Contains(string(b), "<script>") {
		t.Errorf("path echoed unescaped: %s", b)
	}
}
