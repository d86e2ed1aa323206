package ui

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/sqlite"
)

// testCSRF is the fixed CSRF token of the test middleware.
const testCSRF = "test-csrf-token"

// testNow is the clock of every test: a Monday morning.
var testNow = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// hostile is markup that must come back escaped wherever it is shown.
const hostile = `<script>alert(1)</script>`

// testEnv is the UI on a real HTTP server over a real SQLite store.
type testEnv struct {
	t        *testing.T
	srv      *httptest.Server
	db       *sqlite.DB
	devices  *sqlite.DeviceService
	captures *sqlite.CaptureService
	users    *sqlite.UserService
	queue    *fakeQueue
	csrf     csrfRecorder
	ids      map[string]int64 // device IDs by key
}

// fakeQueue records what was queued for ingest.
type fakeQueue struct {
	mu  sync.Mutex
	ids []int64
}

func (q *fakeQueue) Enqueue(id int64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.ids = append(q.ids, id)
}

// fakeConversations is a fixed set of conversations: the SQLite store does
// not serve them yet, and this is a domain-interface boundary.
type fakeConversations struct{ cs []cordon.Conversation }

func (f *fakeConversations) FindConversations(_ context.Context, cf cordon.ConversationFilter) ([]cordon.Conversation, error) {
	var out []cordon.Conversation
	for _, c := range f.cs {
		if cf.Device == "" || c.Client == cf.Device || c.Server == cf.Device {
			out = append(out, c)
		}
	}
	return out, nil
}

func (f *fakeConversations) EachConversation(ctx context.Context, cf cordon.ConversationFilter, fn func(cordon.Conversation) error) error {
	cs, _ := f.FindConversations(ctx, cf)
	for _, c := range cs {
		if err := fn(c); err != nil {
			return err
		}
	}
	return nil
}

// withTestUser is the test's stand-in for the server's authentication: the
// X-Test-User header names the signed-in user, whom it puts in the context.
// The real middleware (sessions, CSRF checks) belongs to the server.
func withTestUser(users cordon.UserService, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if name := r.Header.Get("X-Test-User"); name != "" {
			u, err := users.FindUserByName(r.Context(), name)
			if err != nil {
				http.Error(w, "test: unknown user", http.StatusUnauthorized)
				return
			}
			r = r.WithContext(cordon.NewContextWithUser(r.Context(), u))
		}
		next.ServeHTTP(w, r)
	})
}

type envOptions struct {
	conversations bool
	// csp sets the server's Content-Security-Policy on every response, so
	// that browser tests see what production serves.
	csp bool
}

// testCSP is the policy the server sets (see the http package).
const testCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'"

// csrfRecorder remembers the value of the first multipart part of the last
// upload, where the server looks for the CSRF token.
type csrfRecorder struct {
	mu    sync.Mutex
	first string
}

func (c *csrfRecorder) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil && r.Method == "POST" && mt == "multipart/form-data" {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, "test: read body", http.StatusBadRequest)
				return
			}
			first := ""
			if p, err := multipart.NewReader(bytes.NewReader(body), params["boundary"]).NextPart(); err == nil && p.FormName() == "csrf" {
				b, _ := io.ReadAll(p)
				first = string(b)
			}
			c.mu.Lock()
			c.first = first
			c.mu.Unlock()
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		next.ServeHTTP(w, r)
	})
}

// lastCSRF is the CSRF value the last upload sent first.
func (e *testEnv) lastCSRF() string {
	e.csrf.mu.Lock()
	defer e.csrf.mu.Unlock()
	return e.csrf.first
}

// newTestEnv opens a store in a temporary directory, adds users of every
// role and a few devices through the real services, and serves the UI.
func newTestEnv(t *testing.T, opts ...envOptions) *testEnv {
	t.Helper()
	var opt envOptions
	if len(opts) > 0 {
		opt = opts[0]
	}
	dir := t.TempDir()
	db, err := sqlite.Open(filepath.Join(dir, "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.Now = func() time.Time { return testNow }
	e := &testEnv{t: t, db: db, devices: sqlite.NewDeviceService(db), captures: sqlite.NewCaptureService(db),
		users: sqlite.NewUserService(db), queue: &fakeQueue{}, ids: map[string]int64{}}
	ctx := context.Background()
	for _, u := range []*cordon.User{
		{Name: "admin1", Role: cordon.RoleAdmin},
		{Name: "analyst1", Role: cordon.RoleAnalyst},
		{Name: "viewer1", Role: cordon.RoleViewer},
	} {
		if err := e.users.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	e.ingest(testDevices())

	cfg := Config{
		Devices: e.devices, Captures: e.captures, Users: e.users, Audit: sqlite.NewAuditService(db),
		Queue: e.queue, CaptureDir: filepath.Join(dir, "captures"), MaxUpload: 1 << 20,
		CSRFToken: func(*http.Request) string { return testCSRF },
		Now:       func() time.Time { return testNow },
	}
	if opt.conversations {
		cfg.Conversations = &fakeConversations{cs: testConversations()}
	}
	h, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	var handler http.Handler = e.csrf.wrap(withTestUser(e.users, mux))
	if opt.csp {
		inner := handler
		handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Security-Policy", testCSP)
			inner.ServeHTTP(w, r)
		})
	}
	e.srv = httptest.NewServer(handler)
	t.Cleanup(e.srv.Close)
	return e
}

// ingest commits devices as one capture, as the ingest worker does.
func (e *testEnv) ingest(devs []*cordon.Device) {
	e.t.Helper()
	ctx := context.Background()
	sum := sha256.Sum256([]byte(devs[0].FirstSeen.String() + devs[0].MAC.String()))
	c := &cordon.Capture{Name: "ward-7-span.pcapng", SHA256: hex.EncodeToString(sum[:]), Size: 123456, CreatedBy: "analyst1"}
	if err := e.captures.CreateCapture(ctx, c); err != nil {
		e.t.Fatal(err)
	}
	if err := e.captures.StartCapture(ctx, c.ID); err != nil {
		e.t.Fatal(err)
	}
	m := map[string]*cordon.Device{}
	for _, d := range devs {
		m[cordon.DeviceKey(d)] = d
	}
	stats := cordon.IngestStats{Packets: 48213, Bytes: 31_000_000, Flows: 812, Devices: len(devs), NewDevices: len(devs), Conversations: 3}
	if err := sqlite.NewIngestService(e.db).CommitIngest(ctx, c.ID, m, nil, stats); err != nil {
		e.t.Fatal(err)
	}
	ds, _, err := e.devices.FindDevices(ctx, cordon.DeviceFilter{Limit: 1000})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, d := range ds {
		e.ids[d.Key] = d.ID
	}
}

func mustMAC(s string) cordon.MAC {
	m, err := cordon.ParseMAC(s)
	if err != nil {
		panic(err)
	}
	return m
}

// Keys of the test devices.
const (
	keyCT      = "mac:00:1b:63:84:45:e6"
	keyPump    = "mac:00:09:fb:12:34:56"
	keyPC      = "mac:f8:bc:12:aa:bb:cc"
	keyHostile = "mac:02:00:00:00:00:66"
)

// testDevices is a small ward: a CT scanner, an infusion pump, a desktop,
// and a device whose host name and maker are hostile text from the network.
func testDevices() []*cordon.Device {
	day := func(n int) time.Time { return testNow.AddDate(0, 0, -n) }
	return []*cordon.Device{
		{
			MAC: mustMAC("00:1b:63:84:45:e6"), IPs: []string{"10.1.2.15"}, Hostnames: []string{"CT-SCAN-01"},
			Vendor: "Siemens Healthineers", Manufacturer: "Siemens Healthineers", Model: "SOMATOM go.Up",
			Category: cordon.CategoryImagingModality, Modality: "CT", Medical: true,
			OS: cordon.OS{Name: "Windows 7", Version: "SP1"}, PatientData: true, Confidence: 0.96,
			Services: []cordon.Service{{Proto: "tcp", Port: 104, App: "dicom", Role: "client"}, {Proto: "tcp", Port: 445, App: "smb", Role: "server"}},
			DICOM:    &cordon.DICOMInfo{AETitles: []string{"CT01"}, ImplementationClassUID: "1.3.12.2.1107.5.2", ImplementationVersion: "SIEMENS_SWF", SOPClasses: []string{"1.2.840.10008.5.1.4.1.1.2"}},
			Reasons: []cordon.Reason{
				{Field: "category", Value: "imaging_modality", Confidence: 0.96, Facts: []string{"dicom.sop_class=1.2.840.10008.5.1.4.1.1.2"}, Rule: "siemens-ct"},
				{Field: "os", Value: "Windows 7", Confidence: 0.9, Facts: []string{"smb.native_os=Windows 7 Professional 7601 Service Pack 1"}},
			},
			Evidence: []cordon.Evidence{
				{Fact: "dicom.ae_title", Value: "CT01", FirstSeen: day(3), LastSeen: day(0), Count: 42},
				{Fact: "smb.native_os", Value: "Windows 7 Professional 7601 Service Pack 1", FirstSeen: day(3), LastSeen: day(1), Count: 3},
			},
			FirstSeen: day(3), LastSeen: testNow.Add(-2 * time.Hour),
		},
		{
			MAC: mustMAC("00:09:fb:12:34:56"), IPs: []string{"10.1.3.20"}, Hostnames: []string{"alaris-ward7-03"},
			Manufacturer: "BD", Model: "Alaris 8015", Category: cordon.CategoryInfusionPump, Medical: true, Confidence: 0.8,
			FirstSeen: day(10), LastSeen: testNow.Add(-30 * time.Minute),
		},
		{
			MAC: mustMAC("f8:bc:12:aa:bb:cc"), IPs: []string{"10.1.4.30"}, Hostnames: []string{"WS-RECEPTION"},
			Manufacturer: "Dell", Category: cordon.CategoryWorkstation, OS: cordon.OS{Name: "Windows 10"}, Confidence: 0.7,
			FirstSeen: day(20), LastSeen: testNow.Add(-5 * time.Minute),
		},
		{
			MAC: mustMAC("02:00:00:00:00:66"), IPs: []string{"10.1.4.31"}, Hostnames: []string{hostile},
			Manufacturer: `=HYPERLINK("http://evil.example/")`, Category: cordon.CategoryUnknown,
			FirstSeen: day(1), LastSeen: testNow.Add(-1 * time.Hour),
		},
	}
}

func testConversations() []cordon.Conversation {
	h := testNow.Truncate(time.Hour).Add(-time.Hour)
	return []cordon.Conversation{
		{Client: keyCT, Server: "ip:10.9.0.5", Proto: "tcp", Port: 104, App: "dicom", Hour: h, Flows: 12, Packets: 9000, Bytes: 8_000_000},
		{Client: keyPump, Server: "ip:10.9.0.7", Proto: "tcp", Port: 2575, App: "hl7", Hour: h, Flows: 60, Packets: 600, Bytes: 90_000},
		{Client: keyPC, Server: keyCT, Proto: "tcp", Port: 445, App: "smb", Hour: h, Flows: 2, Packets: 40, Bytes: 4000},
	}
}

// response is what a test request returned.
type response struct {
	status int
	header http.Header
	body   string
}

// do sends a request as user ("" for anonymous) without following
// redirects.
func (e *testEnv) do(user, method, path string, body io.Reader, ctype string) response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if user != "" {
		req.Header.Set("X-Test-User", user)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

func (e *testEnv) get(user, path string) response { return e.do(user, "GET", path, nil, "") }

func (e *testEnv) post(user, path string, form url.Values) response {
	form.Set("csrf", testCSRF)
	return e.do(user, "POST", path, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
}

// devicePath is the page of the test device with key.
func (e *testEnv) devicePath(key string) string {
	id, ok := e.ids[key]
	if !ok {
		e.t.Fatalf("no device %s", key)
	}
	return "/devices/" + formatInt(id)
}
