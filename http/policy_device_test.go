package http

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/detect"
	"github.com/cordonsec/cordon/policy"
)

// keyPACS is the register key of the PACS seedPolicyTraffic stores.
const keyPACS = "mac:00:1b:21:0a:0b:0c"

func TestDevicePolicyAPI(t *testing.T) {
	e := MustOpenEnv(t, nil)
	viewer, analyst := e.bearer(cordon.RoleViewer), e.bearer(cordon.RoleAnalyst)
	path := fmt.Sprintf("/api/v1/devices/%d/policy", e.device)
	// view reads a device's policy afresh: omitted members stay zero.
	view := func(path string) devicePolicy {
		t.Helper()
		var v devicePolicy
		decode(t, e.do(viewer, req{method: "GET", path: path}), &v)
		return v
	}

	// Nothing learned: the device is under no policy, with empty lists.
	v := view(path)
	if v.Learned || v.UnderPolicy || v.DeviceID != e.device || v.Key != "mac:00:09:fb:01:02:03" || string(v.Baseline) != "null" ||
		v.Outbound == nil || len(v.Suggested) != 0 || len(v.Review) != 0 || v.ViolationsTotal != 0 {
		t.Fatalf("before learning = %+v", v)
	}
	wantError(t, e.do(viewer, req{method: "GET", path: "/api/v1/devices/0/policy"}), 400, cordon.EINVALID, "device ID")
	wantError(t, e.do(viewer, req{method: "GET", path: "/api/v1/devices/99999/policy"}), 404, cordon.ENOTFOUND, "")
	wantError(t, e.do(viewer, req{method: "GET", path: path + "?verbose=1"}), 400, cordon.EINVALID, "Unknown query parameter")

	e.learnPolicy()
	v = view(path)
	var dicom *cordon.PolicyRule
	for _, r := range v.Suggested {
		if r.Port == 104 {
			dicom = r
		}
	}
	// The CT scanner's three flows out (email, two HTTPS) are held for
	// review; the PACS took none of them.
	if !v.Learned || v.UnderPolicy || dicom == nil || len(v.Review) != 3 || !v.Review[0].Forbidden {
		t.Fatalf("after learning = %+v", v)
	}
	var b policy.Baseline
	must(t, json.Unmarshal(v.Baseline, &b))
	if b.Device != v.Key || len(b.Patterns) != 4 || b.Evidence.Flows != 48 {
		t.Errorf("baseline = %+v", b)
	}

	// Approved, the DICOM rule puts the CT under the policy (outbound)
	// and the PACS too (inbound), since the approval.
	approvedAt := e.clock.Now()
	must(t, e.do(analyst, jsonReq("POST", fmt.Sprintf("/api/v1/policy/rules/%d/approve", dicom.ID), `{"justification": "CT sends studies to PACS"}`)).Body.Close())
	e.clock.Add(time.Hour)
	a := e.raiseAlert(detect.KindFlowViolation, cordon.AlertHigh, e.device, "10.1.2.3 → 10.1.10.9 tcp/104")
	e.raiseAlert(cordon.AlertDecommissionedReappeared, cordon.AlertHigh, e.device, "not a violation")
	v = view(path)
	if !v.UnderPolicy || v.Since == nil || !v.Since.Equal(approvedAt) || len(v.Outbound) != 1 || v.Outbound[0].ID != dicom.ID ||
		len(v.Inbound) != 0 || len(v.Suggested) != 0 {
		t.Errorf("CT after approval = %+v", v)
	}
	if v.ViolationsTotal != 1 || len(v.Violations) != 1 || v.Violations[0].ID != a.ID {
		t.Errorf("violations = %d %+v", v.ViolationsTotal, v.Violations)
	}
	ds, _, err := e.s.DeviceService.FindDevices(context.Background(), cordon.DeviceFilter{Keys: []string{keyPACS}, Limit: 1})
	must(t, err)
	if len(ds) != 1 {
		t.Fatalf("PACS not in the register: %+v", ds)
	}
	pacs := view(fmt.Sprintf("/api/v1/devices/%d/policy", ds[0].ID))
	if !pacs.UnderPolicy || len(pacs.Inbound) != 1 || len(pacs.Outbound) != 0 || len(pacs.Review) != 0 || pacs.ViolationsTotal != 0 {
		t.Errorf("PACS = %+v", pacs)
	}

	// Revoked, the rule no longer covers the CT.
	must(t, e.do(analyst, jsonReq("POST", fmt.Sprintf("/api/v1/policy/rules/%d/reject", dicom.ID), `{"justification": "PACS replaced"}`)).Body.Close())
	v = view(path)
	if v.UnderPolicy || v.Since != nil || len(v.Outbound) != 0 {
		t.Errorf("CT after revocation: under policy %v since %v, outbound %d", v.UnderPolicy, v.Since, len(v.Outbound))
	}
	must(t, e.do(analyst, jsonReq("POST", fmt.Sprintf("/api/v1/policy/rules/%d/approve", dicom.ID),
		`{"justification": "Until the move", "expires": "2026-03-10T00:00:00Z"}`)).Body.Close())
	v = view(path)
	if !v.UnderPolicy {
		t.Errorf("temporary rule not in force: outbound %d", len(v.Outbound))
	}
	e.clock.Add(10 * 24 * time.Hour)
	v = view(path)
	// Lapsed, the temporary rule allows nothing but still holds the CT:
	// its traffic is now a violation.
	if !v.UnderPolicy || len(v.Outbound) != 0 || len(v.Lapsed) != 1 || v.Lapsed[0].ID != dicom.ID {
		t.Errorf("after expiry: held %v, outbound %d, lapsed %d", v.UnderPolicy, len(v.Outbound), len(v.Lapsed))
	}
}
