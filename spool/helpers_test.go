package spool

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// testToken is the bearer token of the tests, long and unusual enough
// that finding it in a log cannot be a coincidence.
const testToken = "cst_Zq8vN3xYt4Lw0pRk2Hs9Jd6Fg1Bm5Cn7"

// NewID returns a random batch ID.
func NewID(tb testing.TB) string {
	tb.Helper()
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// BatchJSON returns a batch's JSON with n random bytes in it, which
// gzip cannot shrink much, so that sizes in the tests are predictable.
func BatchJSON(tb testing.TB, id string, n int) []byte {
	tb.Helper()
	pad := make([]byte, n)
	rand.Read(pad)
	return fmt.Appendf(nil, `{"id":%q,"interface":"eth0","pad":%q}`, id, base64.StdEncoding.EncodeToString(pad))
}

// MustOpen opens a spool directory or fails the test.
func MustOpen(tb testing.TB, path string, opt Options) *Dir {
	tb.Helper()
	d, err := Open(path, opt)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	return d
}

// MustPut puts a batch or fails the test.
func MustPut(tb testing.TB, d *Dir, id string, batch []byte) {
	tb.Helper()
	if err := d.Put(id, batch); err != nil {
		tb.Fatalf("Put %s: %v", id, err)
	}
}

// Files lists the names of the regular files in dir.
func Files(tb testing.TB, dir string) []string {
	tb.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var names []string
	for _, de := range des {
		if de.Type().IsRegular() {
			names = append(names, de.Name())
		}
	}
	return names
}

// IDs returns the batch IDs of file names, in their order.
func IDs(names []string) []string {
	var ids []string
	for _, n := range names {
		if _, id, ok := parseName(n); ok {
			ids = append(ids, id)
		}
	}
	return ids
}

// LogBuffer is a log destination safe for the Shipper's goroutine and the
// test to share.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *LogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Logger returns a logger writing everything, debug included, to b.
func (b *LogBuffer) Logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// Request is what the test server saw of one request.
type Request struct {
	Path, Authorization, ContentType, ContentEncoding string
	Body                                              []byte // decompressed
	ID                                                string
}

// Answer is how the test server answers one request.
type Answer struct {
	Status int
	Header map[string]string
	Body   string
}

// Server is a central server for the tests: it records each request and
// answers from a function of the request's number (0 for the first) and
// the batch's ID.
type Server struct {
	*httptest.Server
	mu       sync.Mutex
	requests []Request
	answer   func(n int, id string) Answer
}

// NewServer starts a server answering batches posted under prefix.
func NewServer(tb testing.TB, prefix string, answer func(n int, id string) Answer) *Server {
	tb.Helper()
	s := &Server{answer: answer}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+prefix+"/api/v1/sensor/batches", s.handle)
	s.Server = httptest.NewServer(mux)
	tb.Cleanup(s.Close)
	return s
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	req := Request{
		Path: r.URL.Path, Authorization: r.Header.Get("Authorization"),
		ContentType: r.Header.Get("Content-Type"), ContentEncoding: r.Header.Get("Content-Encoding"),
	}
	if zr, err := gzip.NewReader(r.Body); err == nil {
		req.Body, _ = io.ReadAll(zr)
	}
	if i := bytes.Index(req.Body, []byte(`"id":"`)); i >= 0 && len(req.Body) >= i+6+32 {
		req.ID = string(req.Body[i+6 : i+6+32])
	}
	s.mu.Lock()
	n := len(s.requests)
	s.requests = append(s.requests, req)
	answer := s.answer
	s.mu.Unlock()
	a := answer(n, req.ID)
	for k, v := range a.Header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(a.Status)
	io.WriteString(w, a.Body)
}

// SetAnswer changes how the server answers from now on.
func (s *Server) SetAnswer(answer func(n int, id string) Answer) {
	s.mu.Lock()
	s.answer = answer
	s.mu.Unlock()
}

// Requests returns the requests seen so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Created answers 201, as the server does for a batch it stored.
func Created(int, string) Answer {
	return Answer{Status: http.StatusCreated, Body: `{"capture":{"id":1},"duplicate":false}`}
}

// ErrorAnswer is the server's JSON error answer (http.Error's shape).
func ErrorAnswer(status int, code, message, field string) Answer {
	return Answer{Status: status, Body: fmt.Sprintf(`{"error":{"code":%q,"message":%q,"field":%q}}`, code, message, field)}
}

// Sleeps records the back-off waits of a Shipper without taking them.
type Sleeps struct {
	mu sync.Mutex
	ds []time.Duration
}

func (s *Sleeps) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.ds = append(s.ds, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *Sleeps) All() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.ds)
}

// MustShipper makes a Shipper of d for srv, fast to back off, logging to
// logs when not nil.
func MustShipper(tb testing.TB, d *Dir, srv *Server, prefix string, c Config) *Shipper {
	tb.Helper()
	c.Server = srv.URL + prefix
	if c.Token == "" {
		c.Token = testToken
	}
	if c.MinBackoff == 0 {
		c.MinBackoff = time.Millisecond
	}
	if c.MaxBackoff == 0 {
		c.MaxBackoff = 5 * time.Millisecond
	}
	s, err := NewShipper(d, c)
	if err != nil {
		tb.Fatalf("NewShipper: %v", err)
	}
	return s
}

// Start runs s until the test ends, and fails the test if Run returns an
// error.
func Start(tb testing.TB, s *Shipper) (stop func()) {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				tb.Errorf("Run: %v", err)
			}
		})
	}
	tb.Cleanup(stop)
	return stop
}

// WaitFor polls cond until it holds, failing the test after a generous
// deadline; it asserts nothing about how long that takes.
func WaitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// Pending lists the batch files waiting in the spool at path.
func Pending(tb testing.TB, path string) []string {
	tb.Helper()
	var names []string
	for _, n := range Files(tb, path) {
		if !strings.HasPrefix(n, ".") {
			names = append(names, n)
		}
	}
	return names
}

// Rejected lists the batch files in rejected/.
func Rejected(tb testing.TB, path string) []string {
	tb.Helper()
	return Files(tb, filepath.Join(path, rejectedDir))
}
