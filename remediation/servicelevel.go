package remediation

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/cordonsec/cordon"
)

// Outcomes of one deployment against a patch service level (guidance step
// 5: contract service levels measured against reality).
const (
	OutcomeMet         = "met"          // applied within the patch days
	OutcomeMissed      = "missed"       // applied, but later than the patch days
	OutcomeOpenWithin  = "open_within"  // approved, not yet applied, still within them
	OutcomeOpenOverdue = "open_overdue" // approved, not yet applied, past them
)

// Deployment is one remediation record's deployment lag: from the
// manufacturer's approval to the fix applied on every device.
type Deployment struct {
	RemediationID int64     `json:"remediation_id"`
	CVE           string    `json:"cve"`
	ModelID       int64     `json:"model_id"`
	Model         string    `json:"model"`
	State         string    `json:"state"`
	Approved      time.Time `json:"approved"`
	Applied       time.Time `json:"applied,omitzero"`
	Days          int       `json:"days"` // so far, while open
	Outcome       string    `json:"outcome"`
}

// ServiceLevel measures a supplier's deployments against the patch days
// its contract promises.
type ServiceLevel struct {
	// PatchDays is the limit measured against: the shortest patch service
	// level of the supplier's current contracts, named by Contract, or
	// DefaultDeploymentDays (Default true) when none sets one.
	PatchDays int    `json:"patch_days"`
	Contract  string `json:"contract,omitempty"`
	Default   bool   `json:"default"`

	Met         int `json:"met"`
	Missed      int `json:"missed"`
	OpenWithin  int `json:"open_within"`
	OpenOverdue int `json:"open_overdue"`
	// MedianDays is the median lag of the finished deployments (met and
	// missed): open ones have no lag yet, only a wait so far.
	MedianDays int `json:"median_days"`
	// Deployments lists every record measured, the longest lag first.
	Deployments []Deployment `json:"deployments"`
}

// ContractPatchDays returns the shortest patch service level among s's
// contracts current at now, and the reference of the contract setting it;
// 0 and "" when none sets one.
func ContractPatchDays(s *cordon.Supplier, now time.Time) (int, string) {
	days, ref := 0, ""
	for i := range s.Contracts {
		c := &s.Contracts[i]
		if c.PatchDays > 0 && c.Current(now) && (days == 0 || c.PatchDays < days) {
			days, ref = c.PatchDays, c.Reference
		}
	}
	return days, ref
}

// MeasureServiceLevel measures the records' deployment clocks (Compute)
// at now against patchDays (DefaultDeploymentDays when 0). Records whose
// fix has not been approved have no deployment to measure and are left
// out.
func MeasureServiceLevel(rs []*cordon.RemediationRecord, now time.Time, patchDays int, contract string) ServiceLevel {
	sl := ServiceLevel{PatchDays: patchDays, Contract: contract, Deployments: []Deployment{}}
	if patchDays <= 0 {
		sl = ServiceLevel{PatchDays: DefaultDeploymentDays, Default: true, Deployments: []Deployment{}}
	}
	var lags []int
	for _, r := range rs {
		c := Compute(r, now, DefaultLimits(), SLA{Days: sl.PatchDays}).Deployment
		if !c.Started {
			continue
		}
		d := Deployment{RemediationID: r.ID, CVE: r.CVE, ModelID: r.ModelID, Model: modelName(r), State: r.State,
			Approved: c.From, Applied: c.Until, Days: c.Days}
		switch {
		case c.Running && c.Overdue:
			d.Outcome = OutcomeOpenOverdue
			sl.OpenOverdue++
		case c.Running:
			d.Outcome = OutcomeOpenWithin
			sl.OpenWithin++
		case c.Late:
			d.Outcome = OutcomeMissed
			sl.Missed++
			lags = append(lags, c.Days)
		default:
			d.Outcome = OutcomeMet
			sl.Met++
			lags = append(lags, c.Days)
		}
		sl.Deployments = append(sl.Deployments, d)
	}
	sl.MedianDays = median(lags)
	sortDeployments(sl.Deployments)
	return sl
}

// sortDeployments orders the longest lag first, then by record.
func sortDeployments(ds []Deployment) {
	slices.SortStableFunc(ds, func(a, b Deployment) int {
		if c := cmp.Compare(b.Days, a.Days); c != 0 {
			return c
		}
		return cmp.Compare(a.RemediationID, b.RemediationID)
	})
}

// RemediationFinder finds remediation records; cordon.RemediationService
// satisfies it.
type RemediationFinder interface {
	FindRemediations(ctx context.Context, f cordon.RemediationFilter) ([]*cordon.RemediationRecord, int, error)
}

// pageRecords is how many records SupplierServiceLevel reads at a time.
const pageRecords = 500

// SupplierServiceLevel measures the remediation records of the models s
// serves at now against its current contracts' patch days.
func SupplierServiceLevel(ctx context.Context, rems RemediationFinder, s *cordon.Supplier, now time.Time) (ServiceLevel, error) {
	var rs []*cordon.RemediationRecord
	for _, m := range s.ModelIDs {
		for off := 0; ; off += pageRecords {
			page, _, err := rems.FindRemediations(ctx, cordon.RemediationFilter{ModelID: m, Offset: off, Limit: pageRecords})
			if err != nil {
				return ServiceLevel{}, fmt.Errorf("remediation: records of model %d: %w", m, err)
			}
			rs = append(rs, page...)
			if len(page) < pageRecords {
				break
			}
		}
	}
	days, ref := ContractPatchDays(s, now)
	return MeasureServiceLevel(rs, now, days, ref), nil
}
