// Package storetest is the conformance suite of Cordon's stores: every
// implementation of the cordon service interfaces (SQLite now, PostgreSQL
// later) runs the same tests through Run, so that the server behaves the
// same on either.
//
// The suite controls time through Store.SetNow and uses whole seconds, so a
// store that keeps microseconds (PostgreSQL) compares equal.
package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// Store bundles the services of one freshly created, empty store.
type Store struct {
	Devices  cordon.DeviceService
	Captures cordon.CaptureService
	Ingest   cordon.IngestService
	Users    cordon.UserService
	Audit    cordon.AuditService
	// Conversations reads the communications ingest stores.
	Conversations cordon.ConversationService
	Intel         cordon.IntelService
	Findings      cordon.FindingService
	Models        cordon.ModelService
	Documents     cordon.DocumentService
	Remediations  cordon.RemediationService
	Exceptions    cordon.ExceptionService
	Suppliers     cordon.SupplierService
	Lifecycles    cordon.LifecycleService
	Alerts        cordon.AlertService
	// Delivery (issue 6): nil skips its tests.
	Outbox       cordon.OutboxService
	Suppressions cordon.SuppressionService
	// Policies (issue 6): nil skips its tests.
	Policies cordon.PolicyService
	// Sensors (remote sensors' last contact): nil skips its tests.
	Sensors cordon.SensorContactService

	// SetNow replaces the store's clock.
	SetNow func(now func() time.Time)
	// Close releases the store; Run calls it when a test ends.
	Close func() error
}

// Run runs the conformance suite. open must return a new, empty store each
// time it is called.
func Run(t *testing.T, open func(tb testing.TB) *Store) {
	t.Run("Device", func(t *testing.T) { testDevices(t, open) })
	t.Run("FindDevices", func(t *testing.T) { testFindDevices(t, open) })
	t.Run("Capture", func(t *testing.T) { testCaptures(t, open) })
	t.Run("User", func(t *testing.T) { testUsers(t, open) })
	t.Run("Token", func(t *testing.T) { testTokens(t, open) })
	t.Run("Session", func(t *testing.T) { testSessions(t, open) })
	t.Run("Audit", func(t *testing.T) { testAudit(t, open) })
	t.Run("Verbatim", func(t *testing.T) { testVerbatim(t, open) })
	t.Run("Conversation", func(t *testing.T) { testConversations(t, open) })
	t.Run("RegisterOnly", func(t *testing.T) { testRegisterOnly(t, open) })
	t.Run("History", func(t *testing.T) { testHistory(t, open) })
	t.Run("KeysFilter", func(t *testing.T) { testKeysFilter(t, open) })
	t.Run("Intel", func(t *testing.T) { testIntel(t, open) })
	t.Run("Finding", func(t *testing.T) { testFindings(t, open) })
	t.Run("Model", func(t *testing.T) { testModels(t, open) })
	t.Run("Document", func(t *testing.T) { testDocuments(t, open) })
	t.Run("Remediation", func(t *testing.T) { testRemediations(t, open) })
	t.Run("Exception", func(t *testing.T) { testExceptions(t, open) })
	t.Run("Supplier", func(t *testing.T) { testSuppliers(t, open) })
	t.Run("Lifecycle", func(t *testing.T) { testLifecycles(t, open) })
	t.Run("Alert", func(t *testing.T) { testAlerts(t, open) })
	t.Run("ResolveAlerts", func(t *testing.T) { testResolveAlerts(t, open) })
	t.Run("Suppression", func(t *testing.T) { testSuppressions(t, open) })
	t.Run("Outbox", func(t *testing.T) { testOutbox(t, open) })
	t.Run("Policy", func(t *testing.T) { testPolicy(t, open) })
	t.Run("SensorContact", func(t *testing.T) { testSensorContacts(t, open) })
}

// Epoch is the suite's "now" when a test starts.
var Epoch = time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)

// Clock is a settable clock for the store under test.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Add moves the clock on by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// env is one test's store, clock and acting users.
type env struct {
	*Store
	clock *Clock
	// ctx acts as the user "alice" (an analyst), sys as the system.
	ctx, sys context.Context
}

// setup opens a store for tb with its clock at Epoch.
func setup(tb testing.TB, open func(tb testing.TB) *Store) *env {
	tb.Helper()
	s := open(tb)
	if s.Close != nil {
		tb.Cleanup(func() {
			if err := s.Close(); err != nil {
				tb.Errorf("close store: %v", err)
			}
		})
	}
	c := &Clock{now: Epoch}
	s.SetNow(c.Now)
	alice := &cordon.User{ID: 1, Name: "alice", Role: cordon.RoleAnalyst}
	return &env{
		Store: s, clock: c,
		ctx: cordon.NewContextWithUser(context.Background(), alice),
		sys: context.Background(),
	}
}

// wantCode fails tb unless err carries code.
func wantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if got := cordon.ErrorCode(err); got != code {
		tb.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

// must fails tb on err.
func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// Hash returns a SHA-256 hex string derived from s: a capture's content
// hash in tests.
func Hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// DeviceOpt changes a device built by NewDevice.
type DeviceOpt func(*cordon.Device)

// NewDevice returns an observed device with the MAC, first address and
// category given, seen from Epoch for an hour, with some evidence: the kind
// of device `cordon analyze` reports, built without the simulator or the
// classifier.
func NewDevice(mac, ip, category string, opts ...DeviceOpt) *cordon.Device {
	m, _ := cordon.ParseMAC(mac)
	d := &cordon.Device{
		MAC:        m,
		IPs:        []string{ip},
		Category:   category,
		Medical:    cordon.IsMedicalCategory(category),
		OS:         cordon.OS{Name: "Windows 7", Version: "6.1.7601"},
		Confidence: 0.8,
		Services:   []cordon.Service{{Proto: "tcp", Port: 104, App: "dicom", Role: "server"}},
		Evidence: []cordon.Evidence{
			{Fact: "arp.ip", Value: ip, FirstSeen: Epoch, LastSeen: Epoch.Add(time.Hour), Count: 12},
		},
		Reasons:   []cordon.Reason{{Field: "category", Value: category, Confidence: 0.8, Facts: []string{"arp.ip=" + ip}}},
		FirstSeen: Epoch,
		LastSeen:  Epoch.Add(time.Hour),
	}
	for _, o := range opts {
		o(d)
	}
	return d
}

// WithHost sets the device's host names.
func WithHost(names ...string) DeviceOpt { return func(d *cordon.Device) { d.Hostnames = names } }

// WithMaker sets the device's manufacturer and model.
func WithMaker(manufacturer, model string) DeviceOpt {
	return func(d *cordon.Device) { d.Manufacturer, d.Model = manufacturer, model }
}

// WithSeen sets when the device was first and last seen.
func WithSeen(first, last time.Time) DeviceOpt {
	return func(d *cordon.Device) { d.FirstSeen, d.LastSeen = first, last }
}

// WithIPs sets all of the device's addresses.
func WithIPs(ips ...string) DeviceOpt { return func(d *cordon.Device) { d.IPs = ips } }

// Key returns the register key of a device seen on a captured segment.
func Key(d *cordon.Device) string { return "mac:" + d.MAC.String() }

// Devices keys devices by Key.
func Devices(ds ...*cordon.Device) map[string]*cordon.Device {
	m := make(map[string]*cordon.Device, len(ds))
	for _, d := range ds {
		m[Key(d)] = d
	}
	return m
}

// ingest runs a capture named name through the store: create, start,
// commit. It returns the capture.
func (e *env) ingest(tb testing.TB, name string, devices map[string]*cordon.Device, conv []cordon.Conversation) *cordon.Capture {
	tb.Helper()
	c := &cordon.Capture{Name: name, SHA256: Hash(name), Size: 1000}
	must(tb, e.Captures.CreateCapture(e.ctx, c))
	must(tb, e.Captures.StartCapture(e.sys, c.ID))
	stats := cordon.IngestStats{Packets: 100, Bytes: 10000, Flows: 10, Devices: len(devices), Conversations: len(conv)}
	must(tb, e.Ingest.CommitIngest(e.sys, c.ID, devices, conv, stats))
	return c
}

// deviceByKey returns the device with key from the first thousand.
func (e *env) deviceByKey(tb testing.TB, key string) *cordon.DeviceRecord {
	tb.Helper()
	ds, _, err := e.Devices.FindDevices(e.sys, cordon.DeviceFilter{Limit: 1000})
	must(tb, err)
	for _, d := range ds {
		if d.Key == key {
			return d
		}
	}
	tb.Fatalf("no device %q", key)
	return nil
}
