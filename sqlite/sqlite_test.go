package sqlite_test

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/sqlite"
	"github.com/cordonsec/cordon/storetest"
)

// MustOpenDB opens a new database in a temporary directory, closed when tb
// ends.
func MustOpenDB(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(filepath.Join(tb.TempDir(), "cordon.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Error(err)
		}
	})
	return db
}

// store wraps db's services for the conformance suite.
func store(db *sqlite.DB) *storetest.Store {
	return &storetest.Store{
		Devices:       sqlite.NewDeviceService(db),
		Captures:      sqlite.NewCaptureService(db),
		Ingest:        sqlite.NewIngestService(db),
		Users:         sqlite.NewUserService(db),
		Audit:         sqlite.NewAuditService(db),
		Conversations: sqlite.NewConversationService(db),
		Intel:         sqlite.NewIntelService(db),
		Findings:      sqlite.NewFindingService(db),
		Models:        sqlite.NewModelService(db),
		Documents:     sqlite.NewDocumentService(db),
		Remediations:  sqlite.NewRemediationService(db),
		Exceptions:    sqlite.NewExceptionService(db),
		Suppliers:     sqlite.NewSupplierService(db),
		Lifecycles:    sqlite.NewLifecycleService(db),
		Alerts:        sqlite.NewAlertService(db),
		Outbox:        sqlite.NewOutboxService(db),
		Suppressions:  sqlite.NewSuppressionService(db),
		Policies:      sqlite.NewPolicyService(db),
		Sensors:       sqlite.NewSensorContactService(db),
		SetNow:        func(now func() time.Time) { db.Now = now },
	}
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(tb testing.TB) *storetest.Store { return store(MustOpenDB(tb)) })
}

func TestOpenMigrations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cordon.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	first := migrations(t, db)
	if len(first) == 0 || first[0] != "migrations/0001_init.sql" {
		t.Fatalf("migrations = %v", first)
	}
	// Data survives a reopen, and the migrations are not run again (they
	// would fail: CREATE TABLE of an existing table).
	c := &cordon.Capture{Name: "a.pcap", SHA256: storetest.Hash("a"), Size: 1}
	if err := sqlite.NewCaptureService(db).CreateCapture(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = sqlite.Open(path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	if again := migrations(t, db); strings.Join(again, ",") != strings.Join(first, ",") {
		t.Errorf("after reopen migrations = %v, want %v", again, first)
	}
	if _, err := sqlite.NewCaptureService(db).FindCaptureByID(context.Background(), c.ID); err != nil {
		t.Errorf("capture lost on reopen: %v", err)
	}
	var mode string
	if err := db.QueryRowForTest(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	var fk int
	if err := db.QueryRowForTest(`PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d, %v; want 1", fk, err)
	}
}

func TestOpenError(t *testing.T) {
	for _, tt := range []struct {
		name, path string
	}{
		{"ErrEmpty", ""},
		{"ErrNoDirectory", filepath.Join(t.TempDir(), "missing", "dir", "cordon.db")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if db, err := sqlite.Open(tt.path); err == nil {
				db.Close()
				t.Fatal("Open succeeded")
			}
		})
	}
}

func migrations(tb testing.TB, db *sqlite.DB) []string {
	tb.Helper()
	rows, err := db.QueryForTest(`SELECT name, applied_at FROM migrations ORDER BY name`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var name, at string
		if err := rows.Scan(&name, &at); err != nil {
			tb.Fatal(err)
		}
		if _, err := time.Parse(time.RFC3339Nano, at); err != nil {
			tb.Errorf("applied_at %q: %v", at, err)
		}
		names = append(names, name)
	}
	return names
}

// TestCommitIngestAtomic makes CommitIngest fail part-way, after it has
// written many devices, and checks that nothing of it remains and that the
// capture can still be committed.
func TestCommitIngestAtomic(t *testing.T) {
	bad := func(devs map[string]*cordon.Device) {
		// NaN cannot be encoded as JSON: the device sorting last fails
		// after all the others were written in the transaction.
		d := storetest.NewDevice("ff:00:00:00:00:01", "10.0.0.1", cordon.CategoryUnknown)
		d.Confidence = math.NaN()
		devs["mac:ff:00:00:00:00:01"] = d
	}
	long := func(devs map[string]*cordon.Device) {
		// A key too long for the table's CHECK constraint, sorting last.
		devs["zz"+strings.Repeat("z", 300)] = storetest.NewDevice("02:00:00:00:00:01", "10.0.0.2", cordon.CategoryUnknown)
	}
	tests := []struct {
		name  string
		spoil func(map[string]*cordon.Device)
		ctx   func() context.Context
		code  string
	}{
		{"ErrJSON", bad, context.Background, cordon.EINTERNAL},
		{"ErrCheckConstraint", long, context.Background, cordon.EINVALID},
		{"ErrCancelled", func(map[string]*cordon.Device) {}, func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}, cordon.EINTERNAL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpenDB(t)
			ctx := context.Background()
			caps, ing, devs := sqlite.NewCaptureService(db), sqlite.NewIngestService(db), sqlite.NewDeviceService(db)

			// One device is in the register already, with recorded fields.
			first := &cordon.Capture{Name: "first.pcap", SHA256: storetest.Hash("first"), Size: 1}
			must(t, caps.CreateCapture(ctx, first))
			must(t, caps.StartCapture(ctx, first.ID))
			old := storetest.NewDevice("00:09:02:00:00:01", "10.1.0.1", cordon.CategoryImagingModality)
			must(t, ing.CommitIngest(ctx, first.ID, storetest.Devices(old), nil, cordon.IngestStats{Devices: 1}))

			c := &cordon.Capture{Name: "second.pcap", SHA256: storetest.Hash("second"), Size: 1}
			must(t, caps.CreateCapture(ctx, c))
			must(t, caps.StartCapture(ctx, c.ID))
			batch := manyDevices(2000, 0)
			changed := storetest.NewDevice("00:09:02:00:00:01", "10.1.0.99", cordon.CategoryImagingModality)
			batch[storetest.Key(changed)] = changed
			tt.spoil(batch)
			conv := []cordon.Conversation{{Client: "mac:00:09:02:00:00:01", Server: "ip:8.8.8.8", Proto: "udp", Port: 53, App: "dns", Hour: storetest.Epoch, Flows: 1}}
			err := ing.CommitIngest(tt.ctx(), c.ID, batch, conv, cordon.IngestStats{Devices: len(batch)})
			if got := cordon.ErrorCode(err); got != tt.code {
				t.Fatalf("CommitIngest error %v (%s), want %s", err, got, tt.code)
			}

			_, n, err := devs.FindDevices(ctx, cordon.DeviceFilter{})
			must(t, err)
			if n != 1 {
				t.Errorf("%d devices after the failed commit, want 1", n)
			}
			ds, _, err := devs.FindDevices(ctx, cordon.DeviceFilter{Query: "10.1.0.99"})
			must(t, err)
			if len(ds) != 0 {
				t.Errorf("the failed commit changed a device")
			}
			for _, table := range []string{"devices", "device_observed", "device_ips", "device_hostnames", "conversations", "audit"} {
				var rows int
				must(t, db.QueryRowForTest(`SELECT count(*) FROM `+table).Scan(&rows))
				// What the first capture left: one device, its address,
				// and the audit of two captures created and one ingested.
				want := map[string]int{"devices": 1, "device_observed": 1, "device_ips": 1, "audit": 3}[table]
				if rows != want {
					t.Errorf("%s has %d rows, want %d", table, rows, want)
				}
			}
			got, err := caps.FindCaptureByID(ctx, c.ID)
			must(t, err)
			if got.Status != cordon.CaptureRunning || got.FinishedAt != nil {
				t.Errorf("capture after failed commit: %+v", got)
			}

			// The same capture commits once its data is sound.
			must(t, ing.CommitIngest(ctx, c.ID, manyDevices(2000, 0), conv, cordon.IngestStats{}))
			if _, n, _ := devs.FindDevices(ctx, cordon.DeviceFilter{}); n != 2001 {
				t.Errorf("%d devices after the retry, want 2001", n)
			}
		})
	}
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}
