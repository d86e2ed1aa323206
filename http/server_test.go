package http

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/auth"
	"github.com/cordonsec/cordon/sqlite"
	"github.com/cordonsec/cordon/storetest"
)

// dnsPcap is the first 138 bytes of tcpdump-tests/dns_udp.pcap: the pcap
// header (little-endian, microseconds, Ethernet) and frame 1, which tshark
// shows as "192.168.1.11 → 209.87.249.18 DNS 98 Standard query 0x5934 A
// www.tcpdump.org OPT".
var dnsPcap = mustHex("d4c3b2a10200040000000000000000000000040001000000baa5e05eef4a0b0062000000" +
	"6200000000112233446600112233445508004500005459cd0000401194aec0a8010bd157f912abbe00350040" +
	"7824593401200001000000000001037777770774637064756d70036f72670000010001000029100000000000" +
	"000c000a000842f5d00996f90b13")

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// testPassword is every test user's password.
const testPassword = "correct horse battery"

// clock is a settable clock shared by the server and the store.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is a real server on :0 over a real SQLite database, with one user
// (and one API token) per role and a device in the register.
type env struct {
	t      *testing.T
	s      *Server
	db     *sqlite.DB
	clock  *clock
	users  map[string]*cordon.User // by role
	tokens map[string]string       // API token secret by role
	device int64
	// batches is the server's SensorBatchService, a fake: the real one
	// is wired in cmd/cordon.
	batches *fakeBatches
	queued  []int64
	logs    *bytes.Buffer
	mu      sync.Mutex
}

// fastHash hashes testPassword cheaply: test users need no real cost.
var fastHash = sync.OnceValue(func() string {
	h, err := auth.HashPasswordParams(testPassword, auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	if err != nil {
		panic(err)
	}
	return h
})

// MustOpenEnv starts a server; configure, if not nil, changes it before Open.
func MustOpenEnv(t *testing.T, configure func(*Server)) *env {
	t.Helper()
	e := &env{t: t, clock: &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)},
		users: map[string]*cordon.User{}, tokens: map[string]string{}, logs: new(bytes.Buffer)}
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "cordon.db"))
	if err != nil {
		t.Fatal(err)
	}
	db.Now = e.clock.Now
	t.Cleanup(func() { db.Close() })
	e.db = db

	s := NewServer()
	s.Addr = "127.0.0.1:0"
	s.DeviceService = sqlite.NewDeviceService(db)
	s.CaptureService = sqlite.NewCaptureService(db)
	s.UserService = sqlite.NewUserService(db)
	s.AuditService = sqlite.NewAuditService(db)
	s.ModelService = sqlite.NewModelService(db)
	s.DocumentService = sqlite.NewDocumentService(db)
	s.RemediationService = sqlite.NewRemediationService(db)
	s.ExceptionService = sqlite.NewExceptionService(db)
	s.SupplierService = sqlite.NewSupplierService(db)
	s.LifecycleService = sqlite.NewLifecycleService(db)
	s.SuppressionService = sqlite.NewSuppressionService(db)
	s.PolicyService = sqlite.NewPolicyService(db)
	s.AlertService = sqlite.NewAlertService(db)
	s.ConversationService = sqlite.NewConversationService(db)
	e.batches = &fakeBatches{seen: map[string]*cordon.Capture{}}
	s.SensorBatchService = e.batches
	s.Ingester = ingesterFunc(func(id int64) {
		e.mu.Lock()
		e.queued = append(e.queued, id)
		e.mu.Unlock()
	})
	s.CaptureDir = t.TempDir()
	s.Logger = slog.New(slog.NewTextHandler(&lockedWriter{w: e.logs, mu: &e.mu}, nil))
	s.Now = e.clock.Now
	e.s = s

	ctx := cordon.NewContextWithUser(context.Background(), &cordon.User{Name: "test-setup"})
	for _, role := range []string{cordon.RoleViewer, cordon.RoleAnalyst, cordon.RoleAdmin} {
		u := &cordon.User{Name: role + "1", Role: role, PasswordHash: fastHash()}
		if err := s.UserService.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		e.users[role] = u
		secret, hash, prefix := auth.NewAPIToken()
		if err := s.UserService.CreateToken(ctx, &cordon.Token{UserID: u.ID, Name: "test", Hash: hash, Prefix: prefix}); err != nil {
			t.Fatal(err)
		}
		e.tokens[role] = secret
	}
	e.device = e.addDevice(storetest.NewDevice("00:09:fb:01:02:03", "10.1.2.3", cordon.CategoryImagingModality,
		storetest.WithHost("ct01.radiology.example.nhs.uk"), storetest.WithMaker("Siemens Healthineers", "SOMATOM go.Up")))

	if configure != nil {
		configure(s)
	}
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return e
}

type ingesterFunc func(id int64)

func (f ingesterFunc) Enqueue(id int64) { f(id) }

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (e *env) logText() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.logs.String()
}

// addDevice puts an observed device in the register the way ingest does.
func (e *env) addDevice(d *cordon.Device) int64 {
	e.t.Helper()
	ctx := context.Background()
	sum := auth.HashSecret(d.MAC.String())
	c := &cordon.Capture{Name: "seed.pcap", SHA256: sum, Size: 1}
	must(e.t, e.s.CaptureService.CreateCapture(ctx, c))
	must(e.t, e.s.CaptureService.StartCapture(ctx, c.ID))
	key := "mac:" + d.MAC.String()
	ing := sqlite.NewIngestService(e.db)
	must(e.t, ing.CommitIngest(ctx, c.ID, map[string]*cordon.Device{key: d}, nil, cordon.IngestStats{Devices: 1}))
	devs, _, err := e.s.DeviceService.FindDevices(ctx, cordon.DeviceFilter{Query: d.MAC.String()})
	must(e.t, err)
	if len(devs) != 1 {
		e.t.Fatalf("seeded device not found: %d", len(devs))
	}
	return devs[0].ID
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// as says who sends a request: nobody, an API token, or a session.
type as struct {
	token  string
	cookie *http.Cookie
	csrf   string
}

var anonymous = as{}

func (e *env) bearer(role string) as { return as{token: e.tokens[role]} }

// req describes one request.
type req struct {
	method, path string
	body         io.Reader
	ctype        string
	header       map[string]string
}

func jsonReq(method, path, body string) req {
	return req{method: method, path: path, body: strings.NewReader(body), ctype: "application/json"}
}

// do sends r without following redirects.
func (e *env) do(who as, r req) *http.Response {
	e.t.Helper()
	hr, err := http.NewRequest(r.method, e.s.URL()+r.path, r.body)
	must(e.t, err)
	if r.ctype != "" {
		hr.Header.Set("Content-Type", r.ctype)
	}
	if who.token != "" {
		hr.Header.Set("Authorization", "Bearer "+who.token)
	}
	if who.cookie != nil {
		hr.AddCookie(who.cookie)
	}
	if who.csrf != "" {
		hr.Header.Set("X-CSRF-Token", who.csrf)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	resp, err := noRedirect.Do(hr)
	must(e.t, err)
	e.t.Cleanup(func() { resp.Body.Close() })
	return resp
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// decode reads a JSON response into v.
func decode(tb testing.TB, resp *http.Response, v any) {
	tb.Helper()
	b, err := io.ReadAll(resp.Body)
	must(tb, err)
	if err := json.Unmarshal(b, v); err != nil {
		tb.Fatalf("response %d is not JSON: %v: %s", resp.StatusCode, err, b)
	}
}

// wantError checks a JSON error response.
func wantError(tb testing.TB, resp *http.Response, status int, code, msgPart string) {
	tb.Helper()
	var er ErrorResponse
	decode(tb, resp, &er)
	if resp.StatusCode != status || er.Error.Code != code || !strings.Contains(er.Error.Message, msgPart) {
		tb.Errorf("got %d %q %q; want %d %q containing %q", resp.StatusCode, er.Error.Code, er.Error.Message, status, code, msgPart)
	}
}

// login signs in through the form and returns the session.
func (e *env) login(name string) as {
	e.t.Helper()
	resp := e.do(anonymous, formReq("/login", url.Values{"name": {name}, "password": {testPassword}}))
	if resp.StatusCode != http.StatusSeeOther {
		b, _ := io.ReadAll(resp.Body)
		e.t.Fatalf("login %s: %d %s", name, resp.StatusCode, b)
	}
	var who as
	for _, c := range resp.Cookies() {
		if c.Name == e.s.cookieName() {
			who.cookie = c
		}
	}
	if who.cookie == nil {
		e.t.Fatal("login set no session cookie")
	}
	var me Me
	decode(e.t, e.do(who, req{method: "GET", path: "/api/v1/me"}), &me)
	who.csrf = me.CSRFToken
	return who
}

func formReq(path string, v url.Values) req {
	return req{method: "POST", path: path, body: strings.NewReader(v.Encode()), ctype: "application/x-www-form-urlencoded"}
}

// uploadReq builds a multipart upload whose parts are given in order as
// name, value pairs; the part "file" is sent as a file.
func uploadReq(parts ...string) req {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for i := 0; i+1 < len(parts); i += 2 {
		var w io.Writer
		var err error
		if parts[i] == "file" || parts[i] == "upload" {
			w, err = mw.CreateFormFile(parts[i], "ward 7/../dns.pcap")
		} else {
			w, err = mw.CreateFormField(parts[i])
		}
		if err != nil {
			panic(err)
		}
		io.WriteString(w, parts[i+1])
	}
	mw.Close()
	return req{method: "POST", path: "/api/v1/captures", body: &buf, ctype: mw.FormDataContentType()}
}
