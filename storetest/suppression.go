package storetest

import (
	"strconv"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// testSuppressions covers suppression rules, severity raised by clinical
// criticality, and the outbox entries RaiseAlert writes. Stores without
// the delivery services skip it.
func testSuppressions(t *testing.T, open func(tb testing.TB) *Store) {
	delivery := func(t *testing.T) *env {
		e := setup(t, open)
		if e.Suppressions == nil || e.Outbox == nil {
			t.Skip("store has no suppression or outbox service")
		}
		must(t, e.Outbox.SetDestinations(e.sys, []string{"siem", "hook"}))
		return e
	}
	queued := func(t *testing.T, e *env, id int64) int {
		t.Helper()
		_, n, err := e.Outbox.FindOutbox(e.sys, cordon.OutboxFilter{AlertID: id})
		must(t, err)
		return n
	}

	t.Run("Validate", func(t *testing.T) {
		e := delivery(t)
		for _, r := range []*cordon.SuppressionRule{
			{Reason: "everything", ExpiresAt: Epoch.Add(time.Hour)},
			{Kind: "smbv1", ExpiresAt: Epoch.Add(time.Hour)},
			{Kind: "smbv1", Reason: "past", ExpiresAt: Epoch},
			{Kind: "smbv1", Reason: "forever", ExpiresAt: Epoch.Add(400 * 24 * time.Hour)},
		} {
			wantCode(t, e.Suppressions.CreateSuppression(e.ctx, r), cordon.EINVALID)
		}
		wantCode(t, e.Suppressions.CreateSuppression(e.ctx, &cordon.SuppressionRule{DeviceID: 999, Reason: "x",
			ExpiresAt: Epoch.Add(time.Hour)}), cordon.ENOTFOUND)
		wantCode(t, e.Suppressions.DeleteSuppression(e.ctx, 999), cordon.ENOTFOUND)
	})

	t.Run("SuppressAndExpire", func(t *testing.T) {
		e := delivery(t)
		r := &cordon.SuppressionRule{Kind: cordon.AlertRemediationOverdue, SubjectPrefix: "remediation:1",
			Reason: "Vendor visit booked", ExpiresAt: Epoch.Add(24 * time.Hour)}
		must(t, e.Suppressions.CreateSuppression(e.ctx, r))
		if r.ID == 0 || r.CreatedBy != "alice" || !r.CreatedAt.Equal(Epoch) {
			t.Fatalf("created = %+v", r)
		}
		if got := e.audited(t, "suppression:"+strconv.FormatInt(r.ID, 10)); len(got) != 1 || got[0] != "suppression.create" {
			t.Errorf("audit = %v", got)
		}
		held := newAlert(cordon.AlertRemediationOverdue, 0, "remediation:12")
		must(t, e.Alerts.RaiseAlert(e.sys, held))
		other := newAlert(cordon.AlertRemediationOverdue, 0, "remediation:2")
		must(t, e.Alerts.RaiseAlert(e.sys, other))
		// The suppressed alert is stored and counted, not queued.
		if held.ID == 0 || queued(t, e, held.ID) != 0 || queued(t, e, other.ID) != 2 {
			t.Errorf("queued %d and %d, want 0 and 2", queued(t, e, held.ID), queued(t, e, other.ID))
		}
		must(t, e.Alerts.RaiseAlert(e.sys, newAlert(cordon.AlertRemediationOverdue, 0, "remediation:12")))
		if got, err := e.Alerts.FindAlertByID(e.sys, held.ID); err != nil || got.Count != 2 {
			t.Errorf("suppressed alert = %+v, %v; want it counted twice", got, err)
		}
		sp, err := e.Suppressions.AlertSuppressions(e.sys, []int64{held.ID, other.ID})
		must(t, err)
		if len(sp) != 1 || sp[held.ID].RuleID != r.ID || sp[held.ID].Reason != "Vendor visit booked" {
			t.Errorf("AlertSuppressions = %+v", sp)
		}
		// Expired, the rule no longer suppresses a new alert.
		e.clock.Add(25 * time.Hour)
		later := newAlert(cordon.AlertRemediationOverdue, 0, "remediation:13")
		must(t, e.Alerts.RaiseAlert(e.sys, later))
		if queued(t, e, later.ID) != 2 {
			t.Errorf("alert raised after expiry queued %d times, want 2", queued(t, e, later.ID))
		}
		if rs, err := e.Suppressions.FindSuppressions(e.sys, true); err != nil || len(rs) != 0 {
			t.Errorf("active rules = %v, %v", rs, err)
		}
		rs, err := e.Suppressions.FindSuppressions(e.sys, false)
		must(t, err)
		if len(rs) != 1 || rs[0].ID != r.ID || !rs[0].ExpiresAt.Equal(r.ExpiresAt) {
			t.Errorf("all rules = %+v", rs)
		}
		must(t, e.Suppressions.DeleteSuppression(e.ctx, r.ID))
		if got := e.audited(t, "suppression:"+strconv.FormatInt(r.ID, 10)); len(got) != 2 {
			t.Errorf("audit after delete = %v", got)
		}
	})

	t.Run("ReraiseAfterResolution", func(t *testing.T) {
		e := delivery(t)
		a := newAlert(cordon.AlertRemediationOverdue, 0, "remediation:5")
		must(t, e.Alerts.RaiseAlert(e.sys, a))
		must(t, e.Alerts.RaiseAlert(e.sys, newAlert(cordon.AlertRemediationOverdue, 0, "remediation:5")))
		if queued(t, e, a.ID) != 2 {
			t.Errorf("an alert counted again is queued again: %d entries", queued(t, e, a.ID))
		}
		_, err := e.Alerts.UpdateAlert(e.ctx, a.ID, cordon.AlertChange{Status: cordon.AlertResolved})
		must(t, err)
		again := newAlert(cordon.AlertRemediationOverdue, 0, "remediation:5")
		must(t, e.Alerts.RaiseAlert(e.sys, again))
		if again.ID == a.ID || queued(t, e, again.ID) != 2 {
			t.Errorf("re-raised alert %d queued %d times", again.ID, queued(t, e, again.ID))
		}
	})

	t.Run("Criticality", func(t *testing.T) {
		e := delivery(t)
		pump := NewDevice("00:09:fb:00:00:02", "10.1.0.2", cordon.CategoryInfusionPump)
		printer := NewDevice("00:09:fb:00:00:03", "10.1.0.3", cordon.CategoryPrinter)
		e.ingest(t, "a.pcap", Devices(pump, printer), nil)
		p, pr := e.deviceByKey(t, Key(pump)), e.deviceByKey(t, Key(printer))
		_, err := e.Devices.UpdateRecorded(e.ctx, p.ID, cordon.Recorded{Criticality: cordon.CriticalityLifeSustaining})
		must(t, err)
		_, err = e.Devices.UpdateRecorded(e.ctx, pr.ID, cordon.Recorded{Criticality: cordon.CriticalityLow})
		must(t, err)
		for _, tt := range []struct {
			device     int64
			sev, want  string
			raisedNote bool
		}{
			{p.ID, cordon.AlertHigh, cordon.AlertCritical, true},
			{p.ID, cordon.AlertCritical, cordon.AlertCritical, false},
			{pr.ID, cordon.AlertHigh, cordon.AlertHigh, false},
			{0, cordon.AlertLow, cordon.AlertLow, false},
		} {
			a := newAlert("smbv1", tt.device, "sev:"+tt.sev)
			a.Severity = tt.sev
			must(t, e.Alerts.RaiseAlert(e.sys, a))
			if a.Severity != tt.want || (len(a.Evidence) == 2) != tt.raisedNote {
				t.Errorf("device %d %s: raised as %s with evidence %q, want %s", tt.device, tt.sev, a.Severity, a.Evidence, tt.want)
			}
		}
	})
}
