// Package ui serves Cordon's web pages: the dashboard, the device register
// and each device's page, the network map, captures, register import and
// export, the vulnerability worklist, findings and feeds, users, tokens and
// the audit log. Pages are rendered on the server with html/template;
// templates and assets (one stylesheet, one small script, the logo) are
// embedded, so the server works offline and the pages satisfy a strict
// Content-Security-Policy without inline script or style.
//
// The package does not authenticate anyone: the HTTP server in front of it
// reads the session, puts the user in the request context
// (cordon.NewContextWithUser), checks the CSRF token of every state-changing
// request and sets the security headers. The handlers here only decide what
// each role may see and do.
package ui

import (
	"context"
	"errors"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/guidance"
	"github.com/cordonsec/cordon/ingest"
)

// Config is what the pages need. Conversations may be nil, in which case the
// pages say that communications are not available yet.
type Config struct {
	Devices       cordon.DeviceService
	Captures      cordon.CaptureService
	Conversations cordon.ConversationService
	Users         cordon.UserService
	Audit         cordon.AuditService
	// Queue takes uploaded captures for ingest (see ingest.Accept).
	Queue ingest.Queue
	// CaptureDir is where uploads are stored; MaxUpload bounds one (0: no
	// limit).
	CaptureDir string
	MaxUpload  int64
	// ImportDir is where an uploaded register waits between the mapping
	// step and the import (default: CaptureDir/register-imports).
	ImportDir string
	// Intel, Findings and Assessor serve the vulnerability pages (findings,
	// worklist, feeds, affected devices). Each may be nil, in which case
	// those pages say that findings are not configured.
	Intel    cordon.IntelService
	Findings cordon.FindingService
	// Assessor recomputes a device's findings and risk after a status
	// change, and every device's after a feed import.
	Assessor cordon.Assessor
	// ImportFeed loads one uploaded feed file (name is its file name; the
	// format is detected from the content), as feeds.Import does; nil
	// leaves the feeds page without an upload form. An error with code
	// ECONFLICT and the earlier import means the same file again.
	ImportFeed func(ctx context.Context, name string, r io.Reader, by string) (*cordon.FeedImport, error)
	// Governance of device models (issue 5): models and their documents,
	// remediation, exceptions, suppliers, lifecycle and alerts. Each may be
	// nil, in which case its pages say that it is not configured.
	Models       cordon.ModelService
	Documents    cordon.DocumentService
	Remediations cordon.RemediationService
	Exceptions   cordon.ExceptionService
	Suppliers    cordon.SupplierService
	Lifecycles   cordon.LifecycleService
	Alerts       cordon.AlertService
	// Issue 6: suppression rules and the network policy; nil leaves their
	// pages saying they are not configured.
	Suppressions cordon.SuppressionService
	Policies     cordon.PolicyService
	// Guidance holds what the hospital approves for the guidance checks.
	Guidance guidance.Options
	// Outbox shows admins where an alert was delivered; nil hides it.
	Outbox cordon.OutboxService
	// LiveCaptures returns the state of each live capture interface, shown
	// on the captures page; nil (or none returned) when the server captures
	// nothing live, and the page then shows no live card.
	LiveCaptures func() []cordon.LiveCapture
	// SensorContacts lists the remote sensors that ship batches to this
	// server, on the captures page, and lets an admin forget a retired
	// one; nil (or none listed) shows no remote sensors card.
	SensorContacts cordon.SensorContactService
	// SensorSilentAfter is how long a remote sensor may send no batch
	// before the page shows it silent (0 means 15 minutes); pass the
	// value the sensor_silent check uses, so that page and alert agree.
	SensorSilentAfter time.Duration
	// CSRFToken returns the session's CSRF token, which every form carries
	// as the hidden field "csrf".
	CSRFToken func(r *http.Request) string
	Logger    *slog.Logger
	Now       func() time.Time
}

// Handler serves the pages. Make one with New.
type Handler struct {
	cfg    Config
	pages  map[string]*template.Template
	assets *assetSet
	log    *slog.Logger
	now    func() time.Time
}

// New checks the configuration and parses every template, so that a broken
// template stops the server at start rather than failing a page view.
func New(cfg Config) (*Handler, error) {
	if cfg.Devices == nil || cfg.Captures == nil || cfg.Users == nil || cfg.Audit == nil {
		return nil, errors.New("ui: new: the device, capture, user and audit services must be set")
	}
	if cfg.Queue == nil || cfg.CaptureDir == "" {
		return nil, errors.New("ui: new: the ingest queue and capture directory must be set")
	}
	if cfg.CSRFToken == nil {
		return nil, errors.New("ui: new: CSRFToken must be set")
	}
	h := &Handler{cfg: cfg, log: cfg.Logger, now: cfg.Now}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.now == nil {
		h.now = time.Now
	}
	var err error
	if h.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if h.pages, err = h.parseTemplates(); err != nil {
		return nil, err
	}
	return h, nil
}

// Register adds the page routes to mux, which must understand Go 1.22
// method patterns. Sign-in and sign-out belong to the server.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /assets/{hash}/{name}", h.handleAsset)
	h.registerDashboardRoutes(mux)
	h.registerDeviceRoutes(mux)
	h.registerMapRoutes(mux)
	h.registerCaptureRoutes(mux)
	h.registerRegisterRoutes(mux)
	h.registerUserRoutes(mux)
	h.registerTokenRoutes(mux)
	h.registerAuditRoutes(mux)
	h.registerWorklistRoutes(mux)
	h.registerFindingRoutes(mux)
	h.registerVulnRoutes(mux)
	h.registerFeedRoutes(mux)
	h.registerModelRoutes(mux)
	h.registerRemediationRoutes(mux)
	h.registerExceptionRoutes(mux)
	h.registerSupplierRoutes(mux)
	h.registerLifecycleRoutes(mux)
	h.registerAlertRoutes(mux)
	h.registerSuppressionRoutes(mux)
	h.registerPolicyRoutes(mux)
	h.registerGuidanceRoutes(mux)
}

// AssetPath returns the content-hashed URL of an embedded asset such as
// "cordon.css", for pages served outside this package (the sign-in page).
// It returns "" for an unknown name.
func (h *Handler) AssetPath(name string) string { return h.assets.path(name) }

// route registers a page that needs at least role minRole. Anonymous
// visitors are sent to sign in and come back; a user below the role gets the
// 403 page.
func (h *Handler) route(mux *http.ServeMux, pattern, minRole string, fn func(http.ResponseWriter, *http.Request, *cordon.User)) {
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		u := cordon.UserFromContext(r.Context())
		if u == nil {
			next := r.URL.Path
			if r.Method == http.MethodGet && r.URL.RawQuery != "" {
				next += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, "/login?next="+queryEscape(next), http.StatusSeeOther)
			return
		}
		if cordon.RoleRank(u.Role) < cordon.RoleRank(minRole) {
			h.renderError(w, r, cordon.Errorf(cordon.EFORBIDDEN, "Your role (%s) may not do this. Ask an administrator if you need it.", u.Role))
			return
		}
		fn(w, r, u)
	})
}
