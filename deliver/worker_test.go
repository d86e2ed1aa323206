package deliver_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/deliver"
	"github.com/cordonsec/cordon/sqlite"
)

// flaky fails every send after the first ok ones, or every send to the
// alerts in poison.
type flaky struct {
	ok     int
	poison map[int64]bool
	sent   []int64
}

func (f *flaky) Send(_ context.Context, a *cordon.Alert) error {
	if f.poison[a.ID] || (f.ok >= 0 && len(f.sent) >= f.ok) {
		return errors.New("receiver down")
	}
	f.sent = append(f.sent, a.ID)
	return nil
}

func (f *flaky) Close() error { return nil }

// TestRestart closes the store while the receiver is down half-way and
// reopens it: the rest is delivered, none twice, after the back-off.
func TestRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cordon.db")
	now := epoch
	ctx := context.Background()
	db := openDB(t, path, &now)
	if err := sqlite.NewOutboxService(db).SetDestinations(ctx, []string{"siem"}); err != nil {
		t.Fatal(err)
	}
	ids := raise(t, db, 5)
	first := &flaky{ok: 2}
	w := &deliver.Worker{Outbox: sqlite.NewOutboxService(db), Senders: map[string]deliver.Sender{"siem": first},
		Now: func() time.Time { return now }, Jitter: func() float64 { return 0 }}
	if d, f, err := w.RunOnce(ctx); d != 2 || f != 3 || err != nil {
		t.Fatalf("first run = %d delivered, %d failed, %v", d, f, err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = openDB(t, path, &now)
	defer db.Close()
	second := &flaky{ok: -1}
	w = &deliver.Worker{Outbox: sqlite.NewOutboxService(db), Senders: map[string]deliver.Sender{"siem": second},
		Now: func() time.Time { return now }, Jitter: func() float64 { return 0 }}
	// Back-off: nothing is due before the first retry's delay (half of
	// DefaultBaseDelay with no jitter).
	now = now.Add(deliver.DefaultBaseDelay/2 - time.Second)
	if d, f, err := w.RunOnce(ctx); d+f != 0 || err != nil {
		t.Fatalf("run before the back-off = %d, %d, %v", d, f, err)
	}
	now = now.Add(time.Second)
	if d, f, err := w.RunOnce(ctx); d != 3 || f != 0 || err != nil {
		t.Fatalf("run after restart = %d delivered, %d failed, %v", d, f, err)
	}
	got := append(first.sent, second.sent...)
	if len(got) != 5 {
		t.Fatalf("delivered %v, want each of %v once", got, ids)
	}
	for i, id := range ids {
		if got[i] != id {
			t.Errorf("delivered %v, want %v", got, ids)
		}
	}
	es, _, err := sqlite.NewOutboxService(db).FindOutbox(ctx, cordon.OutboxFilter{AlertID: ids[4]})
	if err != nil || len(es) != 1 || es[0].Attempts != 2 || es[0].Status != cordon.OutboxDelivered || es[0].LastError != "" {
		t.Errorf("retried entry = %+v (%v)", es, err)
	}
}

// TestPoisonMessage checks that an entry that always fails is set aside
// after MaxAttempts while the others are delivered, and that delivered
// entries are pruned after the retention period.
func TestPoisonMessage(t *testing.T) {
	now := epoch
	ctx := context.Background()
	db := openDB(t, filepath.Join(t.TempDir(), "cordon.db"), &now)
	defer db.Close()
	out := sqlite.NewOutboxService(db)
	if err := out.SetDestinations(ctx, []string{"siem"}); err != nil {
		t.Fatal(err)
	}
	ids := raise(t, db, 3)
	s := &flaky{ok: -1, poison: map[int64]bool{ids[0]: true}}
	w := &deliver.Worker{Outbox: out, Senders: map[string]deliver.Sender{"siem": s}, MaxAttempts: 3,
		Now: func() time.Time { return now }, Jitter: func() float64 { return 0.999 }}
	for range 3 {
		if _, _, err := w.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		now = now.Add(deliver.DefaultMaxDelay)
	}
	if len(s.sent) != 2 || s.sent[0] != ids[1] || s.sent[1] != ids[2] {
		t.Errorf("sent %v, want %v", s.sent, ids[1:])
	}
	es, n, err := out.FindOutbox(ctx, cordon.OutboxFilter{Status: cordon.OutboxFailed})
	if err != nil || n != 1 || es[0].AlertID != ids[0] || es[0].Attempts != 3 || !strings.Contains(es[0].LastError, "receiver down") {
		t.Fatalf("failed entries = %+v (%v)", es, err)
	}
	if d, f, err := w.RunOnce(ctx); d+f != 0 || err != nil {
		t.Errorf("a failed entry is retried: %d, %d, %v", d, f, err)
	}
	m, err := out.DeliveryMetrics(ctx)
	if err != nil || len(m.Deliveries) != 1 || m.Deliveries[0].OK != 2 || m.Deliveries[0].Failed != 3 || m.Outbox[cordon.OutboxFailed] != 1 {
		t.Errorf("metrics = %+v (%v)", m, err)
	}
	if n, err := out.PruneOutbox(ctx, now); n != 2 || err != nil {
		t.Errorf("pruned %d (%v), want the 2 delivered", n, err)
	}
}

// TestUnconfiguredDestination: entries for a destination since removed
// from the configuration are set aside at once.
func TestUnconfiguredDestination(t *testing.T) {
	now := epoch
	ctx := context.Background()
	db := openDB(t, filepath.Join(t.TempDir(), "cordon.db"), &now)
	defer db.Close()
	out := sqlite.NewOutboxService(db)
	if err := out.SetDestinations(ctx, []string{"old"}); err != nil {
		t.Fatal(err)
	}
	raise(t, db, 1)
	w := &deliver.Worker{Outbox: out, Senders: map[string]deliver.Sender{}, Now: func() time.Time { return now }}
	if d, f, err := w.RunOnce(ctx); d != 0 || f != 1 || err != nil {
		t.Fatalf("run = %d, %d, %v", d, f, err)
	}
	if _, n, _ := out.FindOutbox(ctx, cordon.OutboxFilter{Status: cordon.OutboxFailed}); n != 1 {
		t.Errorf("failed = %d, want 1", n)
	}
}

func TestBackoff(t *testing.T) {
	base, max := 10*time.Second, 30*time.Minute
	for _, tt := range []struct {
		attempt int
		j       float64
		want    time.Duration
	}{
		{1, 0, 5 * time.Second},
		{1, 0.5, 7500 * time.Millisecond},
		{2, 0, 10 * time.Second},
		{4, 0, 40 * time.Second},
		{20, 0, 15 * time.Minute},
		{20, 0.999, 15*time.Minute + time.Duration(0.999*float64(15*time.Minute))},
		{1000, 0, 15 * time.Minute},
	} {
		if got := deliver.Backoff(tt.attempt, base, max, tt.j); got != tt.want {
			t.Errorf("Backoff(%d, %v) = %v, want %v", tt.attempt, tt.j, got, tt.want)
		}
	}
}
