package storetest

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// newAlert returns an alert of kind about device and subject.
func newAlert(kind string, device int64, subject string) *cordon.Alert {
	return &cordon.Alert{Kind: kind, Severity: cordon.AlertHigh, DeviceID: device, Subject: subject,
		Title: "Something to look at", Evidence: []string{"seen at " + Epoch.Format(time.RFC3339)}}
}

func testAlerts(t *testing.T, open func(tb testing.TB) *Store) {
	t.Run("RaiseAndFind", func(t *testing.T) {
		e := setup(t, open)
		ct := NewDevice("00:09:fb:00:00:01", "10.1.0.1", cordon.CategoryImagingModality, WithHost("ct01"))
		e.ingest(t, "a.pcap", Devices(ct), nil)
		dev := e.deviceByKey(t, Key(ct))
		a := newAlert(cordon.AlertDecommissionedReappeared, dev.ID, "")
		must(t, e.Alerts.RaiseAlert(e.sys, a))
		if a.ID == 0 || a.Count != 1 || a.Status != cordon.AlertNew || !a.FirstSeen.Equal(Epoch) || !a.LastSeen.Equal(Epoch) {
			t.Fatalf("raised = %+v", a)
		}
		if a.Device == nil || a.Device.ID != dev.ID || a.Device.Hostname != "ct01" || a.Device.Key != Key(ct) {
			t.Errorf("device = %+v, want the register's device %d", a.Device, dev.ID)
		}
		got, err := e.Alerts.FindAlertByID(e.sys, a.ID)
		must(t, err)
		if !reflect.DeepEqual(got, a) {
			t.Errorf("FindAlertByID = %+v\nwant %+v", got, a)
		}
		// Raising is the system's doing: nothing is audited.
		if got := e.audited(t, "alert:"+strconv.FormatInt(a.ID, 10)); len(got) != 0 {
			t.Errorf("audit = %v, want none", got)
		}
		// An alert about no device has none.
		none := newAlert(cordon.AlertMDS2Contradiction, 0, "model:3")
		must(t, e.Alerts.RaiseAlert(e.sys, none))
		if none.Device != nil || none.DeviceID != 0 {
			t.Errorf("alert about no device = %+v", none)
		}
	})

	t.Run("Deduplicate", func(t *testing.T) {
		e := setup(t, open)
		a := newAlert(cordon.AlertRemediationOverdue, 0, "remediation:12")
		must(t, e.Alerts.RaiseAlert(e.sys, a))
		e.clock.Add(2 * time.Hour)
		again := newAlert(cordon.AlertRemediationOverdue, 0, "remediation:12")
		again.Severity, again.Title, again.Evidence = cordon.AlertCritical, "Now overdue by 30 days", []string{"30 days"}
		must(t, e.Alerts.RaiseAlert(e.sys, again))
		if again.ID != a.ID || again.Count != 2 || !again.FirstSeen.Equal(Epoch) || !again.LastSeen.Equal(Epoch.Add(2*time.Hour)) ||
			again.Severity != cordon.AlertCritical || again.Title != "Now overdue by 30 days" || !reflect.DeepEqual(again.Evidence, []string{"30 days"}) {
			t.Fatalf("raised again = %+v, want alert %d counted twice with the new details", again, a.ID)
		}
		// Another subject or kind is another alert.
		other := newAlert(cordon.AlertRemediationOverdue, 0, "remediation:13")
		must(t, e.Alerts.RaiseAlert(e.sys, other))
		kind := newAlert(cordon.AlertExceptionExpired, 0, "remediation:12")
		must(t, e.Alerts.RaiseAlert(e.sys, kind))
		if other.ID == a.ID || kind.ID == a.ID || other.Count != 1 {
			t.Errorf("different keys merged: %d %d %d", a.ID, other.ID, kind.ID)
		}
		// Acknowledged still counts again; resolved does not.
		_, err := e.Alerts.UpdateAlert(e.ctx, a.ID, cordon.AlertChange{Status: cordon.AlertAcknowledged, Owner: "bob"})
		must(t, err)
		ack := newAlert(cordon.AlertRemediationOverdue, 0, "remediation:12")
		must(t, e.Alerts.RaiseAlert(e.sys, ack))
		if ack.ID != a.ID || ack.Count != 3 || ack.Status != cordon.AlertAcknowledged || ack.Owner != "bob" {
			t.Errorf("raised while acknowledged = %+v", ack)
		}
		_, err = e.Alerts.UpdateAlert(e.ctx, a.ID, cordon.AlertChange{Status: cordon.AlertResolved, Note: "Patched."})
		must(t, err)
		e.clock.Add(time.Hour)
		fresh := newAlert(cordon.AlertRemediationOverdue, 0, "remediation:12")
		must(t, e.Alerts.RaiseAlert(e.sys, fresh))
		if fresh.ID == a.ID || fresh.Count != 1 || fresh.Status != cordon.AlertNew || !fresh.FirstSeen.Equal(Epoch.Add(3*time.Hour)) {
			t.Errorf("raised after resolution = %+v, want a new alert", fresh)
		}
		// The resolved one cannot be reopened while the fresh one is open.
		_, err = e.Alerts.UpdateAlert(e.ctx, a.ID, cordon.AlertChange{Status: cordon.AlertNew})
		wantCode(t, err, cordon.ECONFLICT)
		old, err := e.Alerts.FindAlertByID(e.sys, a.ID)
		must(t, err)
		if old.Status != cordon.AlertResolved || old.Count != 3 {
			t.Errorf("resolved alert changed: %+v", old)
		}
	})

	t.Run("RaiseInvalid", func(t *testing.T) {
		e := setup(t, open)
		for name, a := range map[string]*cordon.Alert{
			"NoKind":       {Severity: cordon.AlertLow, Title: "x"},
			"NoTitle":      {Kind: "k", Severity: cordon.AlertLow},
			"BadSeverity":  {Kind: "k", Severity: "urgent", Title: "x"},
			"LongSubject":  {Kind: "k", Severity: cordon.AlertLow, Title: "x", Subject: strings.Repeat("s", 257)},
			"LongEvidence": {Kind: "k", Severity: cordon.AlertLow, Title: "x", Evidence: []string{strings.Repeat("e", 1025)}},
			"BadDevice":    {Kind: "k", Severity: cordon.AlertLow, Title: "x", DeviceID: -1},
		} {
			t.Run(name, func(t *testing.T) { wantCode(t, e.Alerts.RaiseAlert(e.sys, a), cordon.EINVALID) })
		}
		wantCode(t, e.Alerts.RaiseAlert(e.sys, nil), cordon.EINVALID)
		if _, n, err := e.Alerts.FindAlerts(e.sys, cordon.AlertFilter{}); err != nil || n != 0 {
			t.Errorf("FindAlerts = %d, %v; want none", n, err)
		}
	})

	t.Run("Filter", func(t *testing.T) {
		e := setup(t, open)
		pump := NewDevice("00:1a:01:00:00:02", "10.2.0.2", cordon.CategoryInfusionPump)
		e.ingest(t, "a.pcap", Devices(pump), nil)
		dev := e.deviceByKey(t, Key(pump))
		raise := func(kind, sev string, device int64, subject string) *cordon.Alert {
			a := newAlert(kind, device, subject)
			a.Severity = sev
			must(t, e.Alerts.RaiseAlert(e.sys, a))
			e.clock.Add(time.Minute)
			return a
		}
		a1 := raise(cordon.AlertDecommissionedReappeared, cordon.AlertHigh, dev.ID, "")
		a2 := raise(cordon.AlertRemediationOverdue, cordon.AlertMedium, dev.ID, "remediation:1")
		a3 := raise(cordon.AlertRemediationOverdue, cordon.AlertLow, 0, "remediation:2")
		a4 := raise(cordon.AlertExceptionExpired, cordon.AlertHigh, 0, "exception:1")
		_, err := e.Alerts.UpdateAlert(e.ctx, a2.ID, cordon.AlertChange{Status: cordon.AlertAcknowledged})
		must(t, err)
		_, err = e.Alerts.UpdateAlert(e.ctx, a3.ID, cordon.AlertChange{Status: cordon.AlertFalsePositive})
		must(t, err)
		ids := func(as []*cordon.Alert) []int64 {
			out := []int64{}
			for _, a := range as {
				out = append(out, a.ID)
			}
			return out
		}
		for _, tt := range []struct {
			name string
			f    cordon.AlertFilter
			want []int64
		}{
			{"All", cordon.AlertFilter{}, []int64{a4.ID, a3.ID, a2.ID, a1.ID}},
			{"Open", cordon.AlertFilter{Status: "open"}, []int64{a4.ID, a2.ID, a1.ID}},
			{"New", cordon.AlertFilter{Status: cordon.AlertNew}, []int64{a4.ID, a1.ID}},
			{"FalsePositive", cordon.AlertFilter{Status: cordon.AlertFalsePositive}, []int64{a3.ID}},
			{"Kind", cordon.AlertFilter{Kind: cordon.AlertRemediationOverdue}, []int64{a3.ID, a2.ID}},
			{"Severity", cordon.AlertFilter{Severity: cordon.AlertHigh}, []int64{a4.ID, a1.ID}},
			{"Device", cordon.AlertFilter{DeviceID: dev.ID}, []int64{a2.ID, a1.ID}},
			{"Subject", cordon.AlertFilter{Subject: "exception:1"}, []int64{a4.ID}},
			{"Page", cordon.AlertFilter{Offset: 1, Limit: 2}, []int64{a3.ID, a2.ID}},
			{"PastEnd", cordon.AlertFilter{Offset: 10}, []int64{}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				as, n, err := e.Alerts.FindAlerts(e.sys, tt.f)
				must(t, err)
				if got := ids(as); !reflect.DeepEqual(got, tt.want) {
					t.Errorf("ids = %v, want %v", got, tt.want)
				}
				if tt.f.Offset == 0 && tt.f.Limit == 0 && n != len(tt.want) {
					t.Errorf("total = %d, want %d", n, len(tt.want))
				}
			})
		}
		for name, f := range map[string]cordon.AlertFilter{
			"ErrStatus":   {Status: "closed"},
			"ErrSeverity": {Severity: "urgent"},
			"ErrOffset":   {Offset: -1},
		} {
			t.Run(name, func(t *testing.T) {
				_, _, err := e.Alerts.FindAlerts(e.sys, f)
				wantCode(t, err, cordon.EINVALID)
			})
		}
	})

	t.Run("Update", func(t *testing.T) {
		e := setup(t, open)
		a := newAlert(cordon.AlertUnexplainedRemoteAccess, 0, "flow:1")
		must(t, e.Alerts.RaiseAlert(e.sys, a))
		e.clock.Add(time.Hour)
		got, err := e.Alerts.UpdateAlert(e.ctx, a.ID, cordon.AlertChange{Status: cordon.AlertAcknowledged, Owner: " bob ", Note: "Looking."})
		must(t, err)
		if got.Status != cordon.AlertAcknowledged || got.Owner != "bob" || got.Note != "Looking." || got.UpdatedBy != "alice" ||
			!got.UpdatedAt.Equal(Epoch.Add(time.Hour)) || got.Count != 1 {
			t.Errorf("updated = %+v", got)
		}
		if au := e.audited(t, "alert:"+strconv.FormatInt(a.ID, 10)); !reflect.DeepEqual(au, []string{"alert.update"}) {
			t.Errorf("audit = %v", au)
		}
		for name, c := range map[string]cordon.AlertChange{
			"ErrStatus": {Status: "closed"},
			"ErrEmpty":  {},
			"ErrOwner":  {Status: cordon.AlertResolved, Owner: strings.Repeat("o", 201)},
			"ErrNote":   {Status: cordon.AlertResolved, Note: strings.Repeat("n", 4097)},
		} {
			_, err := e.Alerts.UpdateAlert(e.ctx, a.ID, c)
			if cordon.ErrorCode(err) != cordon.EINVALID {
				t.Errorf("%s: error %v, want EINVALID", name, err)
			}
		}
		_, err = e.Alerts.UpdateAlert(e.ctx, a.ID+100, cordon.AlertChange{Status: cordon.AlertResolved})
		wantCode(t, err, cordon.ENOTFOUND)
		_, err = e.Alerts.FindAlertByID(e.sys, a.ID+100)
		wantCode(t, err, cordon.ENOTFOUND)
		after, err := e.Alerts.FindAlertByID(e.sys, a.ID)
		must(t, err)
		if after.Status != cordon.AlertAcknowledged {
			t.Errorf("failed updates changed the alert: %+v", after)
		}
	})
}
