package remediation

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/cordonsec/cordon"
)

// Clock names, as alert subjects and evidence spell them.
const (
	ClockExposure   = "exposure"
	ClockValidation = "validation"
	ClockDeployment = "deployment"
)

// Subject returns the alert subject of one clock of a record:
// "remediation:12:validation". Each overdue clock is its own alert, so that
// the manufacturer's lateness and the trust's are acted on apart; the
// prefix "remediation:12" names the record.
func Subject(id int64, clock string) string {
	return "remediation:" + strconv.FormatInt(id, 10) + ":" + clock
}

// Severity grades an overdue clock by how far past its limit it runs and
// whether the vulnerability is known to be exploited: a KEV fix waiting
// twice its limit is critical, any other KEV one high; otherwise twice the
// limit is high, one and a half medium, less low.
func Severity(c Clock, kev bool) string {
	if c.Limit <= 0 {
		return cordon.AlertHigh
	}
	double, half := c.Days >= 2*c.Limit, 2*c.Days >= 3*c.Limit
	switch {
	case kev && double:
		return cordon.AlertCritical
	case kev, double:
		return cordon.AlertHigh
	case half:
		return cordon.AlertMedium
	}
	return cordon.AlertLow
}

// Alerts returns one alert per overdue clock of r, unraised.
func Alerts(r *cordon.RemediationRecord, c Clocks, now time.Time) []*cordon.Alert {
	name := modelName(r)
	var out []*cordon.Alert
	for _, x := range []struct {
		name  string
		clock Clock
		title string
	}{
		{ClockValidation, c.Validation, fmt.Sprintf("%s: %s has waited %d days for %s to validate the fix (limit %d)", r.CVE, name, c.Validation.Days, r.Manufacturer, c.Validation.Limit)},
		{ClockDeployment, c.Deployment, fmt.Sprintf("%s: the approved fix for %s is not on every device after %d days (limit %d)", r.CVE, name, c.Deployment.Days, c.Deployment.Limit)},
		{ClockExposure, c.Exposure, fmt.Sprintf("%s: the fix has been public for %d days and %s still lacks it (limit %d)", r.CVE, c.Exposure.Days, name, c.Exposure.Limit)},
	} {
		if !x.clock.Overdue {
			continue
		}
		ev := []string{
			fmt.Sprintf("clock %s: %d days since %s, limit %d, computed %s", x.name, x.clock.Days, x.clock.From.Format(time.DateOnly), x.clock.Limit, now.UTC().Format(time.DateOnly)),
			"state: " + r.State,
		}
		if x.name == ClockDeployment {
			if c.SLA.Default {
				ev = append(ev, fmt.Sprintf("service level: default %d days (no supplier contract sets one)", c.SLA.Days))
			} else {
				ev = append(ev, fmt.Sprintf("service level: %d days, contract %s of %s", c.SLA.Days, c.SLA.Contract, c.SLA.Supplier))
			}
		}
		if r.KEV {
			ev = append(ev, "listed in CISA's known exploited vulnerabilities catalogue")
		}
		out = append(out, &cordon.Alert{Kind: cordon.AlertRemediationOverdue, Severity: Severity(x.clock, r.KEV),
			Subject: Subject(r.ID, x.name), Title: clip(x.title, 512), Evidence: ev})
	}
	return out
}

func modelName(r *cordon.RemediationRecord) string {
	s := r.Manufacturer + " " + r.Model
	if r.Version != "" {
		s += " " + r.Version
	}
	return s
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// Checker raises the alerts of overdue clocks. Suppliers and Alerts may be
// nil: without suppliers every record is held to the default deployment
// limit; without alerts Check only reports what it would raise.
type Checker struct {
	Remediations cordon.RemediationService
	Suppliers    SLAFinder
	Alerts       cordon.AlertService
	Limits       Limits
}

// Check computes every record's clocks at now (ids: only those records)
// and raises one alert per overdue clock, returning the alerts raised; the
// open alerts of clocks no longer overdue are resolved. A record that
// fails stops nothing: its error is joined to the result, and nothing is
// resolved.
func (c *Checker) Check(ctx context.Context, now time.Time, ids ...int64) ([]*cordon.Alert, error) {
	limits := c.Limits
	if limits == (Limits{}) {
		limits = DefaultLimits()
	}
	var rs []*cordon.RemediationRecord
	if len(ids) > 0 {
		for _, id := range ids {
			r, err := c.Remediations.FindRemediationByID(ctx, id)
			if err != nil {
				return nil, err
			}
			rs = append(rs, r)
		}
	} else {
		var err error
		if rs, err = All(ctx, c.Remediations, cordon.RemediationFilter{}); err != nil {
			return nil, err
		}
	}
	slas := map[int64]SLA{}
	var errs []error
	var raised []*cordon.Alert
	for _, r := range rs {
		sla, ok := slas[r.ModelID]
		if !ok {
			var err error
			if sla, err = FindSLA(ctx, c.Suppliers, r.ModelID, limits); err != nil {
				errs = append(errs, err)
			}
			slas[r.ModelID] = sla
		}
		for _, a := range Alerts(r, Compute(r, now, limits, sla), now) {
			if c.Alerts != nil {
				if err := c.Alerts.RaiseAlert(ctx, a); err != nil {
					errs = append(errs, fmt.Errorf("remediation %d: %w", r.ID, err))
					continue
				}
			}
			raised = append(raised, a)
		}
	}
	if c.Alerts != nil && len(errs) == 0 {
		keep := make([]cordon.AlertKey, len(raised))
		for i, a := range raised {
			keep[i] = a.Key()
		}
		var scope cordon.AlertScope
		for _, id := range ids {
			scope.SubjectPrefixes = append(scope.SubjectPrefixes, "remediation:"+strconv.FormatInt(id, 10)+":")
		}
		if _, err := c.Alerts.ResolveAlerts(ctx, cordon.AlertRemediationOverdue, keep, scope,
			"The clock is no longer past its limit: the record moved on or the limit changed."); err != nil {
			errs = append(errs, err)
		}
	}
	return raised, errors.Join(errs...)
}

// maxRecords bounds All: far more remediations than a trust tracks.
const maxRecords = 100000

// All returns every record f selects, page by page.
func All(ctx context.Context, svc cordon.RemediationService, f cordon.RemediationFilter) ([]*cordon.RemediationRecord, error) {
	var out []*cordon.RemediationRecord
	f.Limit = 1000
	for f.Offset = 0; f.Offset < maxRecords; {
		page, total, err := svc.FindRemediations(ctx, f)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		f.Offset += len(page)
		if len(page) == 0 || f.Offset >= total {
			return out, nil
		}
	}
	return nil, cordon.Errorf(cordon.EINVALID, "More than %d remediation records match; narrow the filter.", maxRecords)
}
