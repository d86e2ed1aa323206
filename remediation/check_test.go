package remediation

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/mock"
)

// alertFake records raised alerts, de-duplicating as the AlertService
// contract says: same kind, device and subject count again.
type alertFake struct {
	raised []*cordon.Alert
	err    error
}

func (f *alertFake) RaiseAlert(_ context.Context, a *cordon.Alert) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if f.err != nil {
		return f.err
	}
	for _, x := range f.raised {
		if x.Kind == a.Kind && x.DeviceID == a.DeviceID && x.Subject == a.Subject {
			x.Count++
			x.Severity, x.Title = a.Severity, a.Title
			return nil
		}
	}
	a.Count = 1
	f.raised = append(f.raised, a)
	return nil
}
func (f *alertFake) FindAlertByID(context.Context, int64) (*cordon.Alert, error) { panic("unused") }
func (f *alertFake) FindAlerts(context.Context, cordon.AlertFilter) ([]*cordon.Alert, int, error) {
	panic("unused")
}
func (f *alertFake) UpdateAlert(context.Context, int64, cordon.AlertChange) (*cordon.Alert, error) {
	panic("unused")
}

// ResolveAlerts drops the alerts in scope that are not kept, as the store
// resolves them.
func (f *alertFake) ResolveAlerts(_ context.Context, kind string, keep []cordon.AlertKey, scope cordon.AlertScope, _ string) (int, error) {
	var open []*cordon.Alert
	for _, a := range f.raised {
		if a.Kind == kind && scope.Contains(a.Key()) && !slices.Contains(keep, a.Key()) {
			continue
		}
		open = append(open, a)
	}
	n := len(f.raised) - len(open)
	f.raised = open
	return n, nil
}

// slaFake answers PatchServiceLevel from a table; a missing model is
// ENOTFOUND.
type slaFake map[int64]int

func (f slaFake) PatchServiceLevel(_ context.Context, modelID int64) (int, string, string, error) {
	d, ok := f[modelID]
	if !ok {
		return 0, "", "", cordon.Errorf(cordon.ENOTFOUND, "No contract.")
	}
	return d, "Siemens Healthineers UK", "NHS-SC-0042", nil
}

func records(rs ...*cordon.RemediationRecord) *mock.RemediationService {
	return &mock.RemediationService{
		FindRemediationsFn: func(_ context.Context, f cordon.RemediationFilter) ([]*cordon.RemediationRecord, int, error) {
			return rs[min(f.Offset, len(rs)):min(f.Offset+f.Limit, len(rs))], len(rs), nil
		},
		FindRemediationByIDFn: func(_ context.Context, id int64) (*cordon.RemediationRecord, error) {
			for _, r := range rs {
				if r.ID == id {
					return r, nil
				}
			}
			return nil, cordon.Errorf(cordon.ENOTFOUND, "Remediation %d not found.", id)
		},
	}
}

func TestCheck(t *testing.T) {
	awaiting := record(cordon.RemediationAwaitingValidation) // model 3
	awaiting.KEV = true
	deploying := record(cordon.RemediationApproved)
	deploying.ID, deploying.ModelID, deploying.Decided = 8, 4, day("2025-02-01T00:00:00Z")
	fresh := record(cordon.RemediationAwaitingValidation)
	fresh.ID, fresh.FixPublished, fresh.ValidationRequested = 9, day("2025-03-01T00:00:00Z"), day("2025-03-02T00:00:00Z")
	now := day("2025-03-20T09:00:00Z") // awaiting: 69 days of validation, 78 of exposure

	alerts := &alertFake{}
	c := &Checker{Remediations: records(awaiting, deploying, fresh), Suppliers: slaFake{4: 14}, Alerts: alerts,
		Limits: Limits{Validation: 60, Deployment: 30, Exposure: 200}}
	raised, err := c.Check(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	var subjects []string
	for _, a := range raised {
		subjects = append(subjects, a.Subject+"="+a.Severity)
		if a.Kind != cordon.AlertRemediationOverdue {
			t.Errorf("kind = %q", a.Kind)
		}
	}
	// awaiting: validation 69 > 60, KEV, under double: high. deploying:
	// 47 days against the contract's 14, over double, not KEV: high.
	want := []string{"remediation:7:validation=high", "remediation:8:deployment=high"}
	if !slices.Equal(subjects, want) {
		t.Errorf("raised %v, want %v", subjects, want)
	}
	if ev := strings.Join(raised[1].Evidence, "\n"); !strings.Contains(ev, "contract NHS-SC-0042") {
		t.Errorf("deployment evidence lacks the contract: %s", ev)
	}
	// Checking again counts the same alerts again rather than adding.
	if _, err := c.Check(context.Background(), now, 7); err != nil {
		t.Fatal(err)
	}
	if len(alerts.raised) != 2 || alerts.raised[0].Count != 2 {
		t.Errorf("after a second check: %d alerts, first counted %d", len(alerts.raised), alerts.raised[0].Count)
	}
	// Once the manufacturer approves, the validation alert is resolved by
	// the next check of that record, and the other record's stays.
	approved := *awaiting
	approved.State, approved.Decided = cordon.RemediationApproved, day("2025-03-19T00:00:00Z")
	c.Remediations = records(&approved, deploying, fresh)
	if _, err := c.Check(context.Background(), now, 7); err != nil {
		t.Fatal(err)
	}
	if len(alerts.raised) != 1 || alerts.raised[0].Subject != "remediation:8:deployment" {
		var open []string
		for _, a := range alerts.raised {
			open = append(open, a.Subject)
		}
		t.Errorf("open after approval: %v, want only remediation:8:deployment", open)
	}

	t.Run("NilServices", func(t *testing.T) {
		// Default limits: validation 69 of 90 days is fine; deployment 47
		// days against the default 30 is not.
		c := &Checker{Remediations: records(awaiting, deploying)}
		raised, err := c.Check(context.Background(), now)
		if err != nil || len(raised) != 1 || raised[0].Subject != "remediation:8:deployment" {
			t.Errorf("Check without alerts or suppliers = %d alerts, %v", len(raised), err)
		}
	})
	t.Run("RaiseFails", func(t *testing.T) {
		c := &Checker{Remediations: records(deploying), Alerts: &alertFake{err: errors.New("disk full")}}
		if _, err := c.Check(context.Background(), now); err == nil || !strings.Contains(err.Error(), "remediation 8") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("UnknownID", func(t *testing.T) {
		_, err := c.Check(context.Background(), now, 99)
		if cordon.ErrorCode(err) != cordon.ENOTFOUND {
			t.Errorf("err = %v", err)
		}
	})
}

func TestSeverity(t *testing.T) {
	for _, tt := range []struct {
		days, limit int
		kev         bool
		want        string
	}{
		{91, 90, false, cordon.AlertLow},
		{135, 90, false, cordon.AlertMedium},
		{180, 90, false, cordon.AlertHigh},
		{91, 90, true, cordon.AlertHigh},
		{180, 90, true, cordon.AlertCritical},
	} {
		if got := Severity(Clock{Days: tt.days, Limit: tt.limit, Overdue: true}, tt.kev); got != tt.want {
			t.Errorf("Severity(%d of %d, kev %v) = %q, want %q", tt.days, tt.limit, tt.kev, got, tt.want)
		}
	}
}
