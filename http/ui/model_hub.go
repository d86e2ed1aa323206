package ui

import (
	"context"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/remediation"
)

// modelHub is what the model page shows beside its devices and documents:
// the model's governance in one place (mitigation plan, remediation
// clocks, suppliers, findings), each section read from its own service.
// A section whose service is not configured says so instead of failing
// the page; Available flags tell the template which.
type modelHub struct {
	remHelpers
	PlanAvailable bool
	Plan          *cordon.MitigationPlan
	// Likelihood and Impact are the plan's controls by class.
	Likelihood, Impact []cordon.Control
	// Exceptions are every exception of the model, active or not.
	Exceptions []*cordon.Exception

	RemediationsAvailable bool
	Remediations          []*remediation.View
	Overdue               int

	SuppliersAvailable bool
	Suppliers          []*cordon.Supplier

	FindingsAvailable bool
	Findings          modelFindings
}

// modelFindings sums the exposure of the model's devices that were
// assessed: open and known-exploited findings, and the riskiest device.
type modelFindings struct {
	Assessed, Findings, Open, KEV int
	Worst                         *cordon.Exposure // nil when none has findings
}

// modelHubOf reads the model's governance for its page; devices are the
// model's device IDs (at most the page's share of them).
func (h *Handler) modelHubOf(ctx context.Context, modelID int64, devices []int64) (*modelHub, error) {
	hub := &modelHub{}
	if h.cfg.Exceptions != nil {
		hub.PlanAvailable = true
		plan, err := h.cfg.Exceptions.ModelPlan(ctx, modelID)
		if err != nil {
			return nil, err
		}
		hub.Plan = plan
		for _, c := range plan.Controls {
			if c.Class == cordon.ControlImpact {
				hub.Impact = append(hub.Impact, c)
			} else {
				hub.Likelihood = append(hub.Likelihood, c)
			}
		}
		if hub.Exceptions, _, err = h.cfg.Exceptions.FindExceptions(ctx, cordon.ExceptionFilter{ModelID: modelID, Limit: 100}); err != nil {
			return nil, err
		}
	}
	if h.cfg.Remediations != nil {
		hub.RemediationsAvailable = true
		rs, err := remediation.All(ctx, h.cfg.Remediations, cordon.RemediationFilter{ModelID: modelID})
		if err != nil {
			return nil, err
		}
		if hub.Remediations, err = h.remediationViewer().Views(ctx, rs, h.now()); err != nil {
			return nil, err
		}
		for _, v := range hub.Remediations {
			if v.Overdue {
				hub.Overdue++
			}
		}
	}
	if h.cfg.Suppliers != nil {
		hub.SuppliersAvailable = true
		var err error
		if hub.Suppliers, _, err = h.cfg.Suppliers.FindSuppliers(ctx, cordon.SupplierFilter{ModelID: modelID, Limit: 100}); err != nil {
			return nil, err
		}
	}
	if h.cfg.Findings != nil {
		hub.FindingsAvailable = true
		// One indexed read per device: the page shows at most 200 devices,
		// and the exposure row already holds the counts.
		for _, id := range devices {
			x, err := h.cfg.Findings.FindExposure(ctx, id)
			if cordon.ErrorCode(err) == cordon.ENOTFOUND {
				continue // never assessed
			}
			if err != nil {
				return nil, err
			}
			f := &hub.Findings
			f.Assessed++
			f.Findings += x.Findings
			f.Open += x.Open
			f.KEV += x.KEV
			if x.Findings > 0 && (f.Worst == nil || x.Risk.Score > f.Worst.Risk.Score) {
				f.Worst = x
			}
		}
	}
	return hub, nil
}
