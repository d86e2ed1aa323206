package remediation

import (
	"context"
	"time"

	"github.com/cordonsec/cordon"
)

// Default limits, in days. Manufacturers commonly take three months to
// validate a fix (NHS guidance on connected medical devices); a contract
// without a patch service level is held to a month.
const (
	DefaultValidationDays = 90
	DefaultDeploymentDays = 30
)

// Limits are the days each clock may run before it is overdue.
type Limits struct {
	// Validation bounds the wait for the manufacturer's decision.
	Validation int `json:"validation_days"`
	// Deployment bounds approval to deployment when no supplier contract
	// sets a patch service level.
	Deployment int `json:"deployment_days"`
	// Exposure bounds the attacker's head start: from the fix's
	// publication until every device has it. 0 means validation plus
	// deployment.
	Exposure int `json:"exposure_days"`
}

// DefaultLimits returns the default limits.
func DefaultLimits() Limits {
	return Limits{Validation: DefaultValidationDays, Deployment: DefaultDeploymentDays}
}

// Validate reports a limit that is not a positive number of days.
func (l Limits) Validate() error {
	if l.Validation < 1 || l.Deployment < 1 || l.Exposure < 0 || l.Validation > 3650 || l.Deployment > 3650 || l.Exposure > 7300 {
		return cordon.Errorf(cordon.EINVALID, "Clock limits are whole days: validation and deployment 1 to 3650, exposure 0 to 7300.")
	}
	return nil
}

// exposure returns the head-start limit.
func (l Limits) exposure(deployment int) int {
	if l.Exposure > 0 {
		return l.Exposure
	}
	return l.Validation + deployment
}

// Days counts the whole days from a to b as calendar days in UTC: the
// number of UTC midnights passed. A fix published at 23:59 UTC is a day
// old a minute later; the same instant written in another zone counts the
// same. It is 0 when b is not after a.
func Days(a, b time.Time) int {
	da, db := utcDay(a), utcDay(b)
	if !db.After(da) {
		return 0
	}
	return int(db.Sub(da) / (24 * time.Hour))
}

func utcDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Clock is one measured wait.
type Clock struct {
	// Started is false when the wait has not begun (no fix date, not yet
	// sent for validation, not yet approved).
	Started bool `json:"started"`
	// Running is true while it counts (it has begun and not ended).
	Running bool `json:"running"`
	Days    int  `json:"days"`
	Limit   int  `json:"limit"`
	// Overdue is true while it runs past its limit; Late when it ended
	// past its limit.
	Overdue bool `json:"overdue"`
	Late    bool `json:"late"`
	// From and Until are the wait's ends; Until is zero while it runs.
	From  time.Time `json:"from,omitzero"`
	Until time.Time `json:"until,omitzero"`
}

func clock(from, until, now time.Time, limit int) Clock {
	if from.IsZero() {
		return Clock{Limit: limit}
	}
	c := Clock{Started: true, Running: until.IsZero(), Limit: limit, From: from, Until: until}
	end := until
	if c.Running {
		end = now
	}
	c.Days = Days(from, end)
	over := c.Days > limit
	c.Overdue, c.Late = over && c.Running, over && !c.Running
	return c
}

// Clocks are a record's three waits.
type Clocks struct {
	// Exposure is the attacker's head start: days since the fix became
	// public, until every device has it (or the fix is found not to apply).
	Exposure Clock `json:"exposure"`
	// Validation is the manufacturer's: from the request until approval,
	// rejection or not applicable.
	Validation Clock `json:"validation"`
	// Deployment is the trust's: from approval until every device has it,
	// against the supplier contract's patch service level.
	Deployment Clock `json:"deployment"`
	// SLA says where the deployment limit came from.
	SLA SLA `json:"sla"`
}

// Overdue reports whether any clock runs past its limit.
func (c Clocks) Overdue() bool {
	return c.Exposure.Overdue || c.Validation.Overdue || c.Deployment.Overdue
}

// SLA is the deployment limit a record is held to: a supplier contract's
// patch days, or the default.
type SLA struct {
	Days     int    `json:"days"`
	Supplier string `json:"supplier,omitempty"`
	Contract string `json:"contract,omitempty"`
	Default  bool   `json:"default"`
}

// Compute returns r's clocks at now under limits, deployment held to sla.
func Compute(r *cordon.RemediationRecord, now time.Time, limits Limits, sla SLA) Clocks {
	if sla.Days <= 0 {
		sla = SLA{Days: limits.Deployment, Default: true}
	}
	c := Clocks{SLA: sla}
	var exposureEnd time.Time
	switch r.State {
	case cordon.RemediationApplied:
		exposureEnd = r.Applied
	case cordon.RemediationNotApplicable:
		exposureEnd = r.Decided
	}
	c.Exposure = clock(r.FixPublished, exposureEnd, now, limits.exposure(sla.Days))
	var decided time.Time
	if r.State != cordon.RemediationAwaitingValidation && r.State != cordon.RemediationFixPublished {
		decided = r.Decided
	}
	if r.State != cordon.RemediationFixPublished {
		c.Validation = clock(r.ValidationRequested, decided, now, limits.Validation)
	} else {
		c.Validation = Clock{Limit: limits.Validation}
	}
	switch r.State {
	case cordon.RemediationApproved, cordon.RemediationScheduled:
		c.Deployment = clock(r.Decided, time.Time{}, now, sla.Days)
	case cordon.RemediationApplied:
		c.Deployment = clock(r.Decided, r.Applied, now, sla.Days)
	default:
		c.Deployment = Clock{Limit: sla.Days}
	}
	return c
}

// SLAFinder returns the patch service level of a model's supplier
// contracts; cordon.SupplierService satisfies it.
type SLAFinder interface {
	PatchServiceLevel(ctx context.Context, modelID int64) (days int, supplier, contract string, err error)
}

// FindSLA returns the deployment limit of a model: its suppliers' patch
// service level, or the default when suppliers is nil or no contract sets
// one (ENOTFOUND). Other errors are returned with the default.
func FindSLA(ctx context.Context, suppliers SLAFinder, modelID int64, limits Limits) (SLA, error) {
	def := SLA{Days: limits.Deployment, Default: true}
	if suppliers == nil {
		return def, nil
	}
	days, supplier, contract, err := suppliers.PatchServiceLevel(ctx, modelID)
	switch {
	case cordon.ErrorCode(err) == cordon.ENOTFOUND:
		return def, nil
	case err != nil:
		return def, err
	case days <= 0:
		return def, nil
	}
	return SLA{Days: days, Supplier: supplier, Contract: contract}, nil
}
