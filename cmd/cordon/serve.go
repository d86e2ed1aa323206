package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/detect"
	"github.com/cordonsec/cordon/feeds"
	"github.com/cordonsec/cordon/guidance"
	cordonhttp "github.com/cordonsec/cordon/http"
	"github.com/cordonsec/cordon/http/ui"
)

// serveConfig is what `cordon serve` and `cordon demo` need to run a server.
type serveConfig struct {
	data, addr, tlsCert, tlsKey, profiles string
	delivery                              string // delivery configuration file (deliver.go)
	detect                                *detect.Config
	// live reports the live capture's state (nil: none).
	live func() []cordon.LiveCapture
	// sensorSilentAfter is how long a remote sensor may send nothing.
	sensorSilentAfter time.Duration
}

func runServe(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", "[--data DIR] [--addr 127.0.0.1:8080] [--tls-cert FILE --tls-key FILE]", stderr)
	var cfg serveConfig
	data := dataFlag(fs)
	fs.StringVar(&cfg.addr, "addr", envOr("CORDON_ADDR", "127.0.0.1:8080"), "`address` to listen on (env CORDON_ADDR)")
	fs.StringVar(&cfg.tlsCert, "tls-cert", os.Getenv("CORDON_TLS_CERT"), "TLS certificate `file` (PEM)")
	fs.StringVar(&cfg.tlsKey, "tls-key", os.Getenv("CORDON_TLS_KEY"), "TLS private key `file` (PEM)")
	fs.StringVar(&cfg.profiles, "profiles", "", "JSON `file` of extra device profiles")
	fs.StringVar(&cfg.delivery, "delivery", os.Getenv("CORDON_DELIVERY"), "alert delivery configuration `file` (JSON; see docs/server.md)")
	liveCfg := liveFlags(fs)
	fs.DurationVar(&cfg.sensorSilentAfter, "sensor-silent-after", cordon.DefaultSensorSilentAfter,
		"raise sensor_silent when a remote sensor sends no batch for this `long` (at least 2m)")
	silentFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg.data, cfg.detect = *data, liveCfg.detect
	if cfg.sensorSilentAfter < 2*time.Minute {
		return &usageError{msg: "--sensor-silent-after must be at least 2m: a sensor ships every --flush (1m by default)"}
	}
	var running atomic.Pointer[liveLoop]
	if liveCfg.iface != "" {
		cfg.live = func() []cordon.LiveCapture {
			if l := running.Load(); l != nil {
				return []cordon.LiveCapture{l.Status()}
			}
			return nil
		}
	}
	if (cfg.tlsCert == "") != (cfg.tlsKey == "") {
		return &usageError{msg: "--tls-cert and --tls-key go together"}
	}
	logger := slog.New(slog.NewJSONHandler(stderr, nil))
	return serve(ctx, cfg, logger, func(url string, st *store) error {
		n, err := st.users.CountUsers(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Cordon is serving %s at %s\n", cfg.data, url)
		if n == 0 {
			fmt.Fprintf(stdout, "No users yet: create the first admin with\n  cordon user add NAME --role admin --data %s\n", cfg.data)
		}
		// With --interface, capture live until ctx ends; the server shuts
		// down only after the last batch is written.
		return runLiveIn(ctx, st, liveCfg, logger, &running)
	})
}

// serve runs the server on an opened store until ctx ends, calling ready
// once it listens.
func serve(ctx context.Context, cfg serveConfig, logger *slog.Logger, ready func(url string, st *store) error) error {
	st, err := openStore(cfg.data, logger, cfg.profiles)
	if err != nil {
		return err
	}
	defer st.Close()
	st.worker.Detect = cfg.detect // uploaded captures are checked as live traffic is

	srv := cordonhttp.NewServer()
	srv.Addr, srv.TLSCert, srv.TLSKey = cfg.addr, cfg.tlsCert, cfg.tlsKey
	srv.DeviceService, srv.CaptureService = st.devices, st.captures
	srv.UserService, srv.AuditService = st.users, st.audit
	srv.Ingester = st.worker
	srv.IntelService, srv.FindingService, srv.Assessor = st.intel, st.findings, st.assessor
	srv.ModelService, srv.DocumentService, srv.RemediationService = st.models, st.documents, st.remediations
	srv.ExceptionService, srv.SupplierService = st.exceptions, st.suppliers
	srv.LifecycleService, srv.AlertService = st.lifecycles, st.alerts
	srv.OutboxService = st.outbox
	policies := settlingPolicies{PolicyService: st.policies, st: st, logger: logger}
	srv.SuppressionService, srv.PolicyService = st.suppressions, policies
	srv.Guidance = guidance.FromDetect(cfg.detect)
	srv.ConversationService = st.conversations
	srv.LiveCaptures = cfg.live
	srv.SensorBatchService = st   // remote sensors' batches, as the server's own are written
	srv.DetectConfig = cfg.detect // what remote sensors' detections approve
	srv.SensorContactService, srv.SensorSilentAfter = st.sensorContacts, cfg.sensorAllowance()
	srv.CaptureDir = st.captureDir()
	srv.Logger = logger
	pages, err := ui.New(ui.Config{
		Devices: st.devices, Captures: st.captures, Conversations: st.conversations,
		Users: st.users, Audit: st.audit,
		Queue: st.worker, CaptureDir: st.captureDir(), MaxUpload: cordonhttp.DefaultMaxUploadBytes,
		ImportDir: filepath.Join(cfg.data, "imports"),
		Intel:     st.intel, Findings: st.findings, Assessor: st.assessor,
		Models: st.models, Documents: st.documents, Remediations: st.remediations,
		Exceptions: st.exceptions, Suppliers: st.suppliers, Lifecycles: st.lifecycles, Alerts: st.alerts,
		Suppressions: st.suppressions, Policies: policies, Outbox: st.outbox,
		Guidance: guidance.FromDetect(cfg.detect), LiveCaptures: cfg.live,
		SensorContacts: st.sensorContacts, SensorSilentAfter: cfg.sensorAllowance(),
		ImportFeed: func(ctx context.Context, name string, r io.Reader, by string) (*cordon.FeedImport, error) {
			return feeds.Import(ctx, st.intel, name, r, by)
		},
		CSRFToken: cordonhttp.CSRFToken,
		Logger:    logger,
	})
	if err != nil {
		return err
	}
	srv.UI = pages

	// Background work stops with workerCtx. Delivery starts first: a bad
	// delivery file stops the server before it listens.
	workerCtx, stopWorker := context.WithCancel(context.WithoutCancel(ctx))
	delivered, err := startDelivery(workerCtx, st, cfg.delivery, logger)
	if err != nil {
		stopWorker()
		return err
	}
	defer func() { stopWorker(); <-delivered }()
	if err := srv.Open(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- st.worker.Run(workerCtx) }()
	go runChecks(workerCtx, st, logger)
	go runSensorChecks(workerCtx, st, cfg.sensorAllowance(), logger)

	err = ready(srv.URL(), st)
	if err == nil {
		<-ctx.Done()
		logger.Info("shutting down")
	}
	// Stop taking requests first, then let the worker leave its capture
	// running (it is requeued at the next start).
	err = errors.Join(err, srv.Close())
	stopWorker()
	return errors.Join(err, <-done)
}

// runChecks runs the time-driven governance checks at start and then every
// checkInterval until ctx ends, logging failures: a failed check is retried
// at the next tick rather than stopping the server.
func runChecks(ctx context.Context, st *store, logger *slog.Logger) {
	t := time.NewTicker(checkInterval)
	defer t.Stop()
	for {
		if err := st.governanceChecks(ctx); err != nil && ctx.Err() == nil {
			logger.Error("governance checks failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// sensorAllowance is how long a remote sensor may send nothing before
// sensor_silent: the flag's value, or the default for a server started
// without the flag (demo, tests).
func (c serveConfig) sensorAllowance() time.Duration {
	if c.sensorSilentAfter > 0 {
		return c.sensorSilentAfter
	}
	return cordon.DefaultSensorSilentAfter
}
