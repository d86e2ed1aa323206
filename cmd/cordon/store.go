package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/cordonsec/cordon"
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
	worker        *ingest.Worker
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
		dir:           dir,
		db:            db,
		devices:       sqlite.NewDeviceService(db),
		captures:      sqlite.NewCaptureService(db),
		ingests:       sqlite.NewIngestService(db),
		users:         sqlite.NewUserService(db),
		audit:         sqlite.NewAuditService(db),
		conversations: sqlite.NewConversationService(db),
	}
	s.worker = ingest.NewWorker(s.captures, s.ingests, cl, s.captureDir())
	s.worker.Logger = logger
	return s, nil
}

func (s *store) captureDir() string { return filepath.Join(s.dir, "captures") }

func (s *store) Close() error { return s.db.Close() }
