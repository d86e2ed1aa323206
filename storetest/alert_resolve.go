package storetest

import (
	"strconv"
	"testing"

	"github.com/cordonsec/cordon"
)

// testResolveAlerts checks that a check can close the alerts it no longer
// raises, within the scope it looked at, and nothing else.
func testResolveAlerts(t *testing.T, open func(tb testing.TB) *Store) {
	e := setup(t, open)
	kind := cordon.AlertUnexplainedRemoteAccess
	raise := func(device int64, subject string) *cordon.Alert {
		a := newAlert(kind, device, subject)
		must(t, e.Alerts.RaiseAlert(e.sys, a))
		return a
	}
	still := raise(1, "source:10.0.0.1")
	gone := raise(1, "source:10.0.0.2")
	otherDevice := raise(2, "source:10.0.0.2")
	acked := raise(1, "source:10.0.0.3")
	_, err := e.Alerts.UpdateAlert(e.sys, acked.ID, cordon.AlertChange{Status: cordon.AlertAcknowledged, Owner: "bob"})
	must(t, err)
	closed := raise(1, "source:10.0.0.4")
	_, err = e.Alerts.UpdateAlert(e.sys, closed.ID, cordon.AlertChange{Status: cordon.AlertFalsePositive, Note: "lab test"})
	must(t, err)
	otherKind := newAlert(cordon.AlertMDS2Contradiction, 1, "model:1")
	must(t, e.Alerts.RaiseAlert(e.sys, otherKind))

	// The check looked at device 1 only and still finds 10.0.0.1.
	n, err := e.Alerts.ResolveAlerts(e.sys, kind, []cordon.AlertKey{still.Key()}, cordon.AlertScope{Devices: []int64{1}}, "Explained by a supplier record.")
	must(t, err)
	if n != 2 {
		t.Errorf("resolved %d, want 2 (the gone and the acknowledged alerts of device 1)", n)
	}
	status := func(a *cordon.Alert) *cordon.Alert {
		got, err := e.Alerts.FindAlertByID(e.sys, a.ID)
		must(t, err)
		return got
	}
	for _, a := range []*cordon.Alert{gone, acked} {
		got := status(a)
		if got.Status != cordon.AlertResolved || got.Note != "Explained by a supplier record." || got.UpdatedBy != "system" {
			t.Errorf("alert %s = %+v, want resolved by system with the note", a.Subject, got)
		}
		if entries := e.audited(t, "alert:"+strconv.FormatInt(a.ID, 10)); len(entries) == 0 || entries[0] != "alert.update" {
			t.Errorf("audit of alert %d = %v, want alert.update", a.ID, entries)
		}
	}
	if got := status(acked); got.Owner != "bob" {
		t.Errorf("owner = %q, want it kept", got.Owner)
	}
	for _, a := range []*cordon.Alert{still, otherDevice, otherKind} {
		if got := status(a); got.Status != cordon.AlertNew {
			t.Errorf("alert %d (%s, device %d) = %s, want it left open", a.ID, a.Subject, a.DeviceID, got.Status)
		}
	}
	if got := status(closed); got.Status != cordon.AlertFalsePositive || got.Note != "lab test" {
		t.Errorf("closed alert = %+v, want it untouched", got)
	}

	// A scope by subject prefix, as a check of one record uses.
	r1 := newAlert(cordon.AlertRemediationOverdue, 0, "remediation:1:validation")
	r12 := newAlert(cordon.AlertRemediationOverdue, 0, "remediation:12:validation")
	must(t, e.Alerts.RaiseAlert(e.sys, r1))
	must(t, e.Alerts.RaiseAlert(e.sys, r12))
	n, err = e.Alerts.ResolveAlerts(e.sys, cordon.AlertRemediationOverdue, nil, cordon.AlertScope{SubjectPrefixes: []string{"remediation:1:"}}, "")
	must(t, err)
	if n != 1 || status(r1).Status != cordon.AlertResolved || status(r12).Status != cordon.AlertNew {
		t.Errorf("resolved %d; remediation 1 %s, remediation 12 %s; want only remediation 1 resolved", n, status(r1).Status, status(r12).Status)
	}
	// Raising a resolved alert's key again opens a new alert.
	again := newAlert(cordon.AlertRemediationOverdue, 0, "remediation:1:validation")
	must(t, e.Alerts.RaiseAlert(e.sys, again))
	if again.ID == r1.ID || again.Count != 1 {
		t.Errorf("raised after resolution = %+v, want a new alert", again)
	}
	if _, err := e.Alerts.ResolveAlerts(e.sys, "", nil, cordon.AlertScope{}, ""); cordon.ErrorCode(err) != cordon.EINVALID {
		t.Errorf("no kind: err = %v, want EINVALID", err)
	}
}
