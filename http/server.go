// Package http serves Cordon over HTTP: the JSON API under /api/v1, the
// sign-in page, and (later) the server-rendered UI, with authentication,
// roles, CSRF protection and security headers applied in one place.
package http

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/auth"
	"github.com/cordonsec/cordon/detect"
	"github.com/cordonsec/cordon/guidance"
)

// ShutdownTimeout is how long Close waits for requests in flight.
const ShutdownTimeout = 10 * time.Second

// DefaultMaxUploadBytes bounds an uploaded capture when MaxUploadBytes is 0.
const DefaultMaxUploadBytes = 4 << 30

// Login throttling: failures per user name and per client address within a
// sliding window, and how many of each the server remembers.
const (
	loginMaxFailures = 5
	// A ward's workstations may share an address behind NAT, so the
	// address allows more failures than one user name.
	loginMaxFailuresPerIP = 20
	loginWindow           = 15 * time.Minute
	loginMaxKeys          = 10000
)

// Ingester takes captures to analyse in the background.
type Ingester interface {
	Enqueue(id int64)
}

// UI is the web interface mounted beside the API (package http/ui). The
// server authenticates, checks CSRF tokens and sets security headers for its
// routes as for its own; it decides what each role may see.
type UI interface {
	Register(mux *http.ServeMux)
	// AssetPath returns the URL of an embedded asset ("cordon.css"), for
	// the sign-in page, or "".
	AssetPath(name string) string
}

// Server is Cordon's HTTP server. Set the exported fields, then call Open.
type Server struct {
	ln     net.Listener
	server *http.Server
	router *http.ServeMux
	routes []route

	// Failed sign-ins, by user name and by client address.
	userThrottle, ipThrottle *auth.Throttle

	// Addr is the address to listen on; ":0" picks a free port.
	Addr string
	// TLSCert and TLSKey are PEM files; when both are set the server speaks
	// HTTPS only and marks cookies Secure.
	TLSCert, TLSKey string

	DeviceService  cordon.DeviceService
	CaptureService cordon.CaptureService
	UserService    cordon.UserService
	AuditService   cordon.AuditService
	Ingester       Ingester
	// IntelService, FindingService and Assessor serve vulnerability
	// intelligence, findings and exposure. Without them those routes
	// answer 500 (and log why); without an Assessor, changes are stored
	// and reflected at the next assessment run.
	IntelService   cordon.IntelService
	FindingService cordon.FindingService
	Assessor       cordon.Assessor
	// Governance of device models (issue 5): models and their manufacturer
	// documents, remediation clocks, exceptions, suppliers, lifecycle and
	// alerts. Without one, its routes answer 500 (and log why).
	ModelService       cordon.ModelService
	DocumentService    cordon.DocumentService
	RemediationService cordon.RemediationService
	ExceptionService   cordon.ExceptionService
	SupplierService    cordon.SupplierService
	LifecycleService   cordon.LifecycleService
	AlertService       cordon.AlertService
	// OutboxService serves /metrics (metrics.go); without it, 500.
	OutboxService cordon.OutboxService
	// Issue 6: suppression rules, the network policy and the guidance
	// checks per device. Without one, its routes answer 500.
	SuppressionService cordon.SuppressionService
	PolicyService      cordon.PolicyService
	// SensorBatchService takes the batches remote sensors ship (POST
	// /api/v1/sensor/batches); without it that route answers 500.
	SensorBatchService cordon.SensorBatchService
	// DetectConfig is what the server's detections approve (--detect-config),
	// handed to remote sensors (GET /api/v1/sensor/config); nil approves
	// nothing.
	DetectConfig *detect.Config
	// SensorContactService remembers when each remote sensor interface
	// last shipped, for GET /api/v1/sensors, its DELETE and /metrics;
	// without it the list is empty and the families are left out.
	SensorContactService cordon.SensorContactService
	// SensorSilentAfter is how long a remote sensor interface may send no
	// batch before the API and /metrics mark it silent (0 means
	// cordon.DefaultSensorSilentAfter, 15 minutes). It only labels the answers:
	// the sensor_silent alert is raised by cmd/cordon, which should pass
	// the same value.
	SensorSilentAfter time.Duration
	// Guidance holds what the hospital approves (web endpoints, jump
	// hosts, file servers) for the guidance checks.
	Guidance guidance.Options
	// ConversationService reads devices' traffic, so that an MDS2 uploaded
	// through the API is checked against it at once; without it the check
	// waits for the next ingest.
	ConversationService cordon.ConversationService
	// LiveCaptures returns the state of each live capture interface, for
	// GET /api/v1/captures/live and /metrics; nil when the server captures
	// nothing live. It is called on every such request, so it must be
	// cheap and safe for concurrent use.
	LiveCaptures func() []cordon.LiveCapture
	// UI, when set, serves the pages; without it "/" is a bare page that
	// says who is signed in.
	UI UI

	// CaptureDir is where uploaded captures are stored, as <sha256>.pcap.
	CaptureDir string
	// MaxUploadBytes bounds an uploaded capture (DefaultMaxUploadBytes if 0).
	MaxUploadBytes int64

	Logger *slog.Logger
	Now    func() time.Time
}

// NewServer returns a server with its routes registered.
func NewServer() *Server {
	s := &Server{
		router: http.NewServeMux(),
		Logger: slog.New(slog.DiscardHandler),
		Now:    time.Now,
	}
	now := func() time.Time { return s.Now() }
	s.userThrottle = auth.NewThrottle(loginMaxFailures, loginWindow, loginMaxKeys, now)
	s.ipThrottle = auth.NewThrottle(loginMaxFailuresPerIP, loginWindow, loginMaxKeys, now)

	s.registerHealthRoutes()
	s.registerLoginRoutes()
	s.registerDeviceRoutes()
	s.registerCaptureRoutes()
	s.registerRegisterRoutes()
	s.registerUserRoutes()
	s.registerTokenRoutes()
	s.registerAuditRoutes()
	s.registerFindingRoutes()
	s.registerFeedRoutes()
	s.registerExposureRoutes()
	s.registerModelRoutes()
	s.registerRemediationRoutes()
	s.registerExceptionRoutes()
	s.registerSupplierRoutes()
	s.registerLifecycleRoutes()
	s.registerAlertRoutes()
	s.registerMetricsRoutes()
	s.registerSuppressionRoutes()
	s.registerPolicyRoutes()
	s.registerGuidanceRoutes()
	s.registerSensorRoutes()
	s.registerSensorContactRoutes()
	s.registerOpenAPIRoutes()
	s.router.HandleFunc("/", s.handleNotFound)
	return s
}

// UseTLS reports whether the server is configured for HTTPS.
func (s *Server) UseTLS() bool { return s.TLSCert != "" && s.TLSKey != "" }

// Open checks the configuration, starts listening and serves in the
// background.
func (s *Server) Open() error {
	if s.DeviceService == nil || s.CaptureService == nil || s.UserService == nil || s.AuditService == nil {
		return errors.New("http: open: every service must be set")
	}
	if s.CaptureDir == "" {
		return errors.New("http: open: capture directory not set")
	}
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.UI != nil {
		s.UI.Register(s.router)
	} else {
		s.handle("GET /{$}", cordon.RoleViewer, s.handleHome)
	}
	if s.MaxUploadBytes <= 0 {
		s.MaxUploadBytes = DefaultMaxUploadBytes
	}
	addr := s.Addr
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	var cert tls.Certificate
	if s.UseTLS() {
		var err error
		if cert, err = tls.LoadX509KeyPair(s.TLSCert, s.TLSKey); err != nil {
			return fmt.Errorf("http: open: %w", err)
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("http: open: %w", err)
	}
	s.ln = ln
	s.server = &http.Server{
		Handler: s.Handler(),
		// Headers must arrive promptly (slow-loris); bodies may not, since
		// a capture upload over a ward's link can take many minutes.
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.Logger.Handler(), slog.LevelWarn),
	}
	if s.UseTLS() {
		s.server.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}
		s.ln = tls.NewListener(ln, s.server.TLSConfig)
	}
	go func() {
		if err := s.server.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.Logger.Error("http serve", slog.String("error", err.Error()))
		}
	}()
	return nil
}

// Close stops taking connections and waits up to ShutdownTimeout for the
// requests in flight.
func (s *Server) Close() error {
	if s.server == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	if err := s.server.Shutdown(ctx); err != nil {
		return fmt.Errorf("http: close: %w", err)
	}
	return nil
}

// URL returns the base URL the server listens on, with "localhost" for an
// unspecified host, or "" before Open.
func (s *Server) URL() string {
	if s.ln == nil {
		return ""
	}
	scheme := "http"
	if s.UseTLS() {
		scheme = "https"
	}
	host, port, err := net.SplitHostPort(s.ln.Addr().String())
	if err != nil {
		return scheme + "://" + s.ln.Addr().String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// Handler returns the whole middleware chain around the router: logging
// and panic recovery outermost, so that they see every response, then
// security headers, cross-origin refusal, authentication, the token
// scope's limit and the CSRF check.
func (s *Server) Handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		Error(w, r, cordon.Errorf(cordon.EFORBIDDEN, "Cross-origin requests that change data are refused."))
	}))
	var h http.Handler = s.router
	h = s.checkCSRF(h)
	h = s.limitScope(h)
	h = s.authenticate(h)
	h = cop.Handler(h)
	h = s.securityHeaders(h)
	h = s.logRequests(h)
	return h
}

// handleNotFound answers what no route matched. Because this catch-all
// matches every method, the mux would never answer 405 by itself, so it
// looks for routes of the same path under other methods first.
func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.router.Handler(probe); pattern != "/" && pattern != "" {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		Error(w, r, cordon.Errorf(EMETHOD, "%s does not take %s; it takes %s.", r.URL.Path, r.Method, strings.Join(allowed, ", ")))
		return
	}
	Error(w, r, cordon.Errorf(cordon.ENOTFOUND, "There is no page at %s.", r.URL.Path))
}

func (s *Server) registerHealthRoutes() {
	s.handle("GET /healthz", "", s.handleHealth)
}

// handleHealth reports whether the server can reach its store, for load
// balancers and monitoring; it needs no sign-in and says nothing more.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	if _, err := s.UserService.CountUsers(ctx); err != nil {
		logFrom(r).Error("health check", slog.String("error", err.Error()))
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// configured returns a service of the server, or, when the server was
// started without it, an internal error naming it: the detail is logged,
// and the client sees only that something failed.
func configured[T any](svc T, name string) (T, error) {
	if any(svc) == nil {
		return svc, fmt.Errorf("http: %s service not configured", name)
	}
	return svc, nil
}
