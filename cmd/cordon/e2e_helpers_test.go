package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	cordonhttp "github.com/cordonsec/cordon/http"
	"github.com/cordonsec/cordon/simulate"
)

// testPassword is long enough for `user add`; every test user has it.
const testPassword = "correct horse battery staple"

// testServer is the real server, started in-process by serve on a free
// port over a data directory.
type testServer struct {
	url  string
	st   *store
	stop func() error // shuts down and waits; safe to call more than once
}

// startServer runs serve on 127.0.0.1:0 over dir until the test ends or
// stop is called. Warnings and errors the server logs go to the test log.
func startServer(t testing.TB, dir string) *testServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	type readyInfo struct {
		url string
		st  *store
	}
	ready := make(chan readyInfo, 1)
	done := make(chan error, 1)
	logger := slog.New(slog.NewTextHandler(testLogWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	go func() {
		done <- serve(ctx, serveConfig{data: dir, addr: "127.0.0.1:0"}, logger, func(url string, st *store) error {
			ready <- readyInfo{url, st}
			return nil
		})
	}()
	var ts *testServer
	select {
	case r := <-ready:
		ts = &testServer{url: r.url, st: r.st}
	case err := <-done:
		cancel()
		t.Fatalf("serve: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("serve did not start within 30 s")
	}
	var once sync.Once
	var stopErr error
	ts.stop = func() error {
		once.Do(func() {
			cancel()
			stopErr = <-done
		})
		return stopErr
	}
	t.Cleanup(func() {
		if err := ts.stop(); err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return ts
}

// testLogWriter sends the server's log lines to the test log.
type testLogWriter struct{ t testing.TB }

func (w testLogWriter) Write(p []byte) (int, error) {
	w.t.Logf("server: %s", bytes.TrimRight(p, "\n"))
	return len(p), nil
}

// runOK runs a cordon command in-process with stdin and fails the test
// unless it succeeds; it returns standard output.
func runOK(t testing.TB, stdin string, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), args, strings.NewReader(stdin), &stdout, &stderr); code != exitOK {
		t.Fatalf("cordon %s: exit %d: %s", strings.Join(args, " "), code, stderr.String())
	}
	return stdout.String()
}

// addUsers creates one user per role in dir through `cordon user add`,
// named after their role with a 1: admin1, analyst1, viewer1.
func addUsers(t testing.TB, dir string) {
	t.Helper()
	for _, role := range []string{cordon.RoleAdmin, cordon.RoleAnalyst, cordon.RoleViewer} {
		runOK(t, testPassword+"\n", "user", "add", role+"1", "--role", role, "--data", dir)
	}
}

// simulateCapture writes a simulated hospital capture into a temporary
// directory and returns its path and ground truth.
func simulateCapture(t testing.TB, cfg simulate.Config) (string, *simulate.Truth) {
	t.Helper()
	path := filepath.Join(t.TempDir(), fmt.Sprintf("hospital-%d.pcap", cfg.Devices))
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	truth, err := simulate.Generate(cfg, f)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return path, truth
}

// apiClient calls the JSON API with a bearer token.
type apiClient struct {
	t     testing.TB
	base  string
	token string
}

// do sends a request and returns the status and body. A body that is an
// io.Reader is sent as is with contentType; anything else as JSON.
func (c apiClient) do(method, path, contentType string, body any) (int, []byte) {
	c.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case io.Reader:
		r = b
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		r, contentType = bytes.NewReader(buf), "application/json"
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		c.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp.StatusCode, out
}

// getJSON GETs path, requires 200 and decodes the answer into v.
func (c apiClient) getJSON(path string, v any) {
	c.t.Helper()
	status, body := c.do(http.MethodGet, path, "", nil)
	if status != http.StatusOK {
		c.t.Fatalf("GET %s: %d %s", path, status, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		c.t.Fatalf("GET %s: %v in %.200s", path, err, body)
	}
}

// upload sends a capture file as POST /api/v1/captures, streaming it as
// the multipart field "file".
func (c apiClient) upload(path string) (int, cordonhttp.CaptureUpload) {
	c.t.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		f, err := os.Open(path)
		if err != nil {
			pw.CloseWithError(err)
			return
		}
		defer f.Close()
		part, err := mw.CreateFormFile("file", filepath.Base(path))
		if err == nil {
			_, err = io.Copy(part, f)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	status, body := c.do(http.MethodPost, "/api/v1/captures", mw.FormDataContentType(), pr)
	var up cordonhttp.CaptureUpload
	if status == http.StatusOK || status == http.StatusAccepted {
		if err := json.Unmarshal(body, &up); err != nil {
			c.t.Fatalf("upload: %v in %.200s", err, body)
		}
	} else {
		c.t.Fatalf("upload %s: %d %s", path, status, body)
	}
	return status, up
}

// capture returns the capture as the API shows it.
func (c apiClient) capture(id int64) *cordon.Capture {
	c.t.Helper()
	var got cordon.Capture
	c.getJSON(fmt.Sprintf("/api/v1/captures/%d", id), &got)
	return &got
}

// waitCapture polls a capture until its status is one of want.
func (c apiClient) waitCapture(id int64, timeout time.Duration, want ...string) *cordon.Capture {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got := c.capture(id)
		for _, w := range want {
			if got.Status == w {
				return got
			}
		}
		if got.Status == cordon.CaptureFailed {
			c.t.Fatalf("capture %d failed: %s", id, got.Error)
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("capture %d still %s (%.0f%%) after %v", id, got.Status, 100*got.Progress, timeout)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// deviceList is the API's paged device list.
type deviceList struct {
	Devices []cordonhttp.Device `json:"devices"`
	Total   int                 `json:"total"`
}

// auditList is the API's paged audit log.
type auditList struct {
	Entries []cordon.AuditEntry `json:"entries"`
	Total   int                 `json:"total"`
}

// findCT returns the first CT scanner of the truth that sits on a captured
// segment (it has a MAC, so its register key is known).
func findCT(t testing.TB, truth *simulate.Truth) simulate.TruthDevice {
	t.Helper()
	for _, d := range truth.Devices {
		if d.Modality == "CT" && d.MAC != "" {
			return d
		}
	}
	t.Fatal("the simulated hospital has no CT scanner with a MAC; pick another seed")
	return simulate.TruthDevice{}
}
