package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/assess"
	"github.com/cordonsec/cordon/classify"
	"github.com/cordonsec/cordon/ingest"
	"github.com/cordonsec/cordon/sqlite"
)

// store is an opened data directory: the database, its services and the
// ingest worker. It is the one place the concrete store is wired.
type store struct {
	dir           string
	db            *sqlite.DB
	devices       cordon.DeviceService
	captures      cordon.CaptureService
	ingests       cordon.IngestService
	users         cordon.UserService
	audit         cordon.AuditService
	conversations cordon.ConversationService
	intel         cordon.IntelService
	findings      cordon.FindingService
	models        cordon.ModelService
	documents     cordon.DocumentService
	remediations  cordon.RemediationService
	exceptions    cordon.ExceptionService
	suppliers     cordon.SupplierService
	lifecycles    cordon.LifecycleService
	alerts        cordon.AlertService
	outbox        cordon.OutboxService      // deliver.go
	suppressions  cordon.SuppressionService // deliver.go
	policies      cordon.PolicyService
	assessor      cordon.Assessor
	worker        *ingest.Worker
	logger        *slog.Logger
	// sensorContacts is when each remote sensor last shipped (sensor_check.go).
	sensorContacts cordon.SensorContactService
}

// dataFlag adds the --data flag, defaulting to $CORDON_DATA or ./cordon-data.
func dataFlag(fs *flag.FlagSet) *string {
	def := os.Getenv("CORDON_DATA")
	if def == "" {
		def = "cordon-data"
	}
	return fs.String("data", def, "data `directory` (database and captures; env CORDON_DATA)")
}

// openStore opens (creating if needed) the data directory.
func openStore(dir string, logger *slog.Logger, profiles string) (*store, error) {
	if err := os.MkdirAll(filepath.Join(dir, "captures"), 0o750); err != nil {
		return nil, fmt.Errorf("cannot create data directory: %w", err)
	}
	db, err := sqlite.Open(filepath.Join(dir, "cordon.db"))
	if err != nil {
		return nil, err
	}
	db.Logger = logger
	var extra []classify.Profile
	if profiles != "" {
		if extra, err = classify.LoadProfiles(profiles); err != nil {
			db.Close()
			return nil, err
		}
	}
	cl, err := classify.New(extra)
	if err != nil {
		db.Close()
		return nil, err
	}
	s := &store{
		dir:            dir,
		logger:         logger,
		sensorContacts: sqlite.NewSensorContactService(db),
		db:             db,
		devices:        sqlite.NewDeviceService(db),
		captures:       sqlite.NewCaptureService(db),
		ingests:        sqlite.NewIngestService(db),
		users:          sqlite.NewUserService(db),
		audit:          sqlite.NewAuditService(db),
		conversations:  sqlite.NewConversationService(db),
		intel:          sqlite.NewIntelService(db),
		findings:       sqlite.NewFindingService(db),
		models:         sqlite.NewModelService(db),
		documents:      sqlite.NewDocumentService(db),
		remediations:   sqlite.NewRemediationService(db),
		exceptions:     sqlite.NewExceptionService(db),
		suppliers:      sqlite.NewSupplierService(db),
		lifecycles:     sqlite.NewLifecycleService(db),
		alerts:         sqlite.NewAlertService(db),
		outbox:         sqlite.NewOutboxService(db),
		suppressions:   sqlite.NewSuppressionService(db),
		policies:       sqlite.NewPolicyService(db),
	}
	s.assessor = &assess.Runner{
		Intel: s.intel, Devices: s.devices, Conversations: s.conversations, Findings: s.findings, Documents: s.documents,
		Exceptions: s.exceptions, Models: s.models, Now: time.Now, Logger: logger,
	}
	s.worker = ingest.NewWorker(s.captures, s.ingests, cl, s.captureDir())
	s.worker.Logger = logger
	s.worker.AfterCommit = s.afterIngest
	s.worker.Detected = s.raiseDetections
	s.worker.Policy = s.policyCheck
	return s, nil
}

func (s *store) captureDir() string { return filepath.Join(s.dir, "captures") }

func (s *store) Close() error { return s.db.Close() }

// afterIngest follows a committed capture: the models its devices show
// join the register, its devices are re-assessed, and the governance
// checks a capture can trigger run.
func (s *store) afterIngest(ctx context.Context, keys []string) error {
	_, _, err := s.models.SyncDiscoveredModels(ctx)
	return errors.Join(err, s.assessKeys(ctx, keys), s.governanceAfterIngest(ctx, keys))
}

// assessKeys re-assesses the devices with these keys: those a capture just
// changed.
func (s *store) assessKeys(ctx context.Context, keys []string) error {
	var ids []int64
	for len(keys) > 0 {
		chunk := keys[:min(len(keys), 1000)]
		keys = keys[len(chunk):]
		recs, _, err := s.devices.FindDevices(ctx, cordon.DeviceFilter{Keys: chunk, Limit: len(chunk)})
		if err != nil {
			return err
		}
		for _, r := range recs {
			ids = append(ids, r.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	return s.assessor.Assess(ctx, ids)
}
