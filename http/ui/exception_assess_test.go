package ui

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cordonsec/cordon/sqlite"
)

// recordingAssessor records which devices the pages ask to re-assess.
type recordingAssessor struct {
	mu    sync.Mutex
	calls [][]int64
}

func (a *recordingAssessor) Assess(_ context.Context, ids []int64) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls = append(a.calls, slices.Clone(ids))
	return nil
}

func (a *recordingAssessor) take() [][]int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	c := a.calls
	a.calls = nil
	return c
}

// TestExceptionPages_Reassess checks that saving and revoking an exception
// re-assesses its device, whose risk its controls change, and that a
// refused form re-assesses nothing.
func TestExceptionPages_Reassess(t *testing.T) {
	e := newTestEnv(t)
	rec := &recordingAssessor{}
	h, err := New(Config{
		Devices: e.devices, Captures: e.captures, Users: e.users, Audit: sqlite.NewAuditService(e.db),
		Queue: e.queue, CaptureDir: filepath.Join(t.TempDir(), "captures"),
		CSRFToken:  func(*http.Request) string { return testCSRF },
		Now:        func() time.Time { return testNow },
		Exceptions: sqlite.NewExceptionService(e.db), Models: sqlite.NewModelService(e.db), Assessor: rec,
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	e.srv = httptest.NewServer(e.csrf.wrap(withTestUser(e.users, mux)))
	t.Cleanup(e.srv.Close)
	ct := e.ids["mac:00:1b:63:84:45:e6"]
	want := [][]int64{{ct}}

	bad := exceptionFormFor(ct)
	bad.Set("expires", "soon")
	if r := e.post("analyst1", "/exceptions", bad); r.status != 400 || len(rec.take()) != 0 {
		t.Errorf("refused form: %d", r.status)
	}
	r := e.post("analyst1", "/exceptions", exceptionFormFor(ct))
	if r.status != 303 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	if got := rec.take(); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("after create: %v, want %v", got, want)
	}
	page := strings.TrimSuffix(r.header.Get("Location"), "?saved=1")
	if r := e.post("analyst1", page, exceptionFormFor(ct)); r.status != 303 {
		t.Fatalf("update: %d %s", r.status, r.body)
	}
	if got := rec.take(); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("after update: %v", got)
	}
	if r := e.post("analyst1", page+"/revoke", url.Values{"revoke_reason": {"Replaced."}}); r.status != 303 {
		t.Fatalf("revoke: %d", r.status)
	}
	if got := rec.take(); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("after revoke: %v", got)
	}
}
