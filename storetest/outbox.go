package storetest

import (
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// testOutbox covers the outbox a delivery worker drains: due order,
// retries at their time, giving up, counters and pruning.
func testOutbox(t *testing.T, open func(tb testing.TB) *Store) {
	e := setup(t, open)
	if e.Outbox == nil {
		t.Skip("store has no outbox service")
	}
	wantCode(t, e.Outbox.SetDestinations(e.sys, []string{""}), cordon.EINVALID)
	must(t, e.Outbox.SetDestinations(e.sys, []string{"siem"}))
	a, b := newAlert("beaconing", 0, "a"), newAlert("beaconing", 0, "b")
	must(t, e.Alerts.RaiseAlert(e.sys, a))
	must(t, e.Alerts.RaiseAlert(e.sys, b))
	due, err := e.Outbox.DueOutbox(e.sys, 10)
	must(t, err)
	if len(due) != 2 || due[0].AlertID != a.ID || due[0].Alert == nil || due[0].Alert.Subject != "a" ||
		due[0].Status != cordon.OutboxPending || due[0].Destination != "siem" {
		t.Fatalf("due = %+v", due)
	}
	// a fails and waits a minute; b goes through.
	must(t, e.Outbox.MarkFailed(e.sys, due[0].ID, "connection refused", Epoch.Add(time.Minute), false))
	must(t, e.Outbox.MarkDelivered(e.sys, due[1].ID))
	wantCode(t, e.Outbox.MarkDelivered(e.sys, 999), cordon.ENOTFOUND)
	if due, err := e.Outbox.DueOutbox(e.sys, 10); err != nil || len(due) != 0 {
		t.Fatalf("due before the retry = %+v, %v", due, err)
	}
	e.clock.Add(time.Minute)
	due, err = e.Outbox.DueOutbox(e.sys, 10)
	must(t, err)
	if len(due) != 1 || due[0].AlertID != a.ID || due[0].Attempts != 1 || due[0].LastError != "connection refused" {
		t.Fatalf("due at the retry = %+v", due)
	}
	must(t, e.Outbox.MarkFailed(e.sys, due[0].ID, "still refused", Epoch.Add(time.Hour), true))
	e.clock.Add(2 * time.Hour)
	if due, err := e.Outbox.DueOutbox(e.sys, 10); err != nil || len(due) != 0 {
		t.Fatalf("a failed entry is due again: %+v, %v", due, err)
	}
	es, n, err := e.Outbox.FindOutbox(e.sys, cordon.OutboxFilter{Status: cordon.OutboxFailed})
	must(t, err)
	if n != 1 || es[0].Attempts != 2 || es[0].LastError != "still refused" {
		t.Errorf("failed = %+v", es)
	}
	_, _, err = e.Outbox.FindOutbox(e.sys, cordon.OutboxFilter{Status: "lost"})
	wantCode(t, err, cordon.EINVALID)

	m, err := e.Outbox.DeliveryMetrics(e.sys)
	must(t, err)
	if len(m.Alerts) != 1 || m.Alerts[0].Count != 2 || m.Alerts[0].Kind != "beaconing" || m.Outbox[cordon.OutboxDelivered] != 1 ||
		m.Outbox[cordon.OutboxFailed] != 1 || len(m.Deliveries) != 1 || m.Deliveries[0].OK != 1 || m.Deliveries[0].Failed != 2 {
		t.Errorf("metrics = %+v", m)
	}
	// Delivered entries are kept until pruned; failed ones stay.
	if n, err := e.Outbox.PruneOutbox(e.sys, Epoch); err != nil || n != 0 {
		t.Errorf("prune before delivery time = %d, %v", n, err)
	}
	if n, err := e.Outbox.PruneOutbox(e.sys, Epoch.Add(time.Second)); err != nil || n != 1 {
		t.Errorf("prune = %d, %v; want 1", n, err)
	}
	if m, err := e.Outbox.DeliveryMetrics(e.sys); err != nil || m.Deliveries[0].OK != 1 || m.Outbox[cordon.OutboxFailed] != 1 {
		t.Errorf("metrics after pruning = %+v, %v", m, err)
	}
}
