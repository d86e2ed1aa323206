package http

import (
	"context"
	"net/http"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/detect"
	"github.com/cordonsec/cordon/policy"
)

// devicePolicyViolations bounds the open violations listed; the total is
// given beside them.
const devicePolicyViolations = 100

// devicePolicy is GET /devices/{id}/policy: the device's place in the
// network policy (policy.DevicePolicy), the same facts its page shows,
// with its open violations.
type devicePolicy struct {
	DeviceID int64 `json:"device_id"`
	policy.DevicePolicy
	// Violations are the open flow_violation alerts about the device, at
	// most 100 (ViolationsTotal counts all); null when the server keeps
	// no alerts.
	Violations      []*cordon.Alert `json:"violations"`
	ViolationsTotal int             `json:"violations_total"`
}

var devicePolicyOp = apiOp{"GET /api/v1/devices/{id}/policy",
	"One device's place in the network policy: whether an approved, active rule names it and since when, those rules as outbound and inbound, suggested rules and review items awaiting an analyst, its learned baseline, and its open flow_violation alerts.",
	cordon.RoleViewer, nil, nil, 200, devicePolicy{}}

func (s *Server) handleDevicePolicy(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "device")
	if err != nil {
		Error(w, r, err)
		return
	}
	if _, err := query(r); err != nil {
		Error(w, r, err)
		return
	}
	ps, err := s.policies()
	if err != nil {
		Error(w, r, err)
		return
	}
	d, err := s.DeviceService.FindDeviceByID(r.Context(), id)
	if err != nil {
		Error(w, r, err)
		return
	}
	v, err := s.devicePolicy(r.Context(), ps, d)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// devicePolicy gathers a device's policy and its open violations.
func (s *Server) devicePolicy(ctx context.Context, ps *policy.Server, d *cordon.DeviceRecord) (*devicePolicy, error) {
	p, err := ps.Device(ctx, d.Key)
	if err != nil {
		return nil, err
	}
	v := &devicePolicy{DeviceID: d.ID, DevicePolicy: *p}
	if s.AlertService != nil {
		if v.Violations, v.ViolationsTotal, err = s.AlertService.FindAlerts(ctx, cordon.AlertFilter{Kind: detect.KindFlowViolation,
			DeviceID: d.ID, Status: "open", Limit: devicePolicyViolations}); err != nil {
			return nil, err
		}
	}
	return v, nil
}
