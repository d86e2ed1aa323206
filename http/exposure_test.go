package http

import (
	"fmt"
	"testing"

	"github.com/cordonsec/cordon"
)

func TestWorklist(t *testing.T) {
	e, fx := mustOpenIntelEnv(t, nil)
	viewer := e.bearer(cordon.RoleViewer)
	var l struct {
		Exposures []cordon.Exposure `json:"exposures"`
		Total     int               `json:"total"`
		Limit     int               `json:"limit"`
	}
	resp := e.do(viewer, req{method: "GET", path: "/api/v1/worklist?site=Royal+Infirmary&category=imaging_modality&medical=true&unsupported=false&kev=true&min_score=50&offset=0&limit=20"})
	decode(t, resp, &l)
	if resp.StatusCode != 200 || l.Total != 1 || len(l.Exposures) != 1 || l.Exposures[0].Risk.Score != 87 || l.Limit != 20 {
		t.Fatalf("%d %+v", resp.StatusCode, l)
	}
	fx.mu.Lock()
	f := fx.exposureFilter
	fx.mu.Unlock()
	if f.Site != "Royal Infirmary" || f.Category != "imaging_modality" || f.Medical == nil || !*f.Medical ||
		f.Unsupported == nil || *f.Unsupported || f.KEV == nil || !*f.KEV || f.MinScore != 50 || f.Limit != 20 {
		t.Errorf("filter %+v", f)
	}
	decode(t, e.do(viewer, req{method: "GET", path: "/api/v1/worklist"}), &l)
	fx.mu.Lock()
	f = fx.exposureFilter
	fx.mu.Unlock()
	if f.Medical != nil || f.Unsupported != nil || f.KEV != nil || f.MinScore != 0 || f.Limit != DefaultPageLimit {
		t.Errorf("default filter %+v", f)
	}

	tests := []struct{ name, query, msg string }{
		{"BadMedical", "medical=yes", "medical must be true or false"},
		{"BadUnsupported", "unsupported=1", "unsupported must be true or false"},
		{"BadKEV", "kev=TRUE", "kev must be true or false"},
		{"ScoreTooHigh", "min_score=101", "min_score"},
		{"ScoreNotNumber", "min_score=high", "min_score"},
		{"BadCategory", "category=toaster", "category must be one of"},
		{"Unknown", "severity=high", `"severity"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, e.do(viewer, req{method: "GET", path: "/api/v1/worklist?" + tt.query}), 400, cordon.EINVALID, tt.msg)
		})
	}
}

func TestDeviceExposure(t *testing.T) {
	e, _ := mustOpenIntelEnv(t, nil)
	viewer := e.bearer(cordon.RoleViewer)
	var x cordon.Exposure
	resp := e.do(viewer, req{method: "GET", path: fmt.Sprint("/api/v1/devices/", e.device, "/exposure")})
	decode(t, resp, &x)
	if resp.StatusCode != 200 || x.Device.ID != e.device || x.Risk.Score != 87 || len(x.Risk.Factors) != 1 || !x.Unsupported {
		t.Errorf("%d %+v", resp.StatusCode, x)
	}
	wantError(t, e.do(viewer, req{method: "GET", path: "/api/v1/devices/4242/exposure"}), 404, cordon.ENOTFOUND, "not been assessed")
	wantError(t, e.do(viewer, req{method: "GET", path: "/api/v1/devices/x/exposure"}), 400, cordon.EINVALID, "device ID")
}

func TestExposureSummary(t *testing.T) {
	e, _ := mustOpenIntelEnv(t, nil)
	var sum cordon.ExposureSummary
	resp := e.do(e.bearer(cordon.RoleViewer), req{method: "GET", path: "/api/v1/exposure/summary"})
	decode(t, resp, &sum)
	if resp.StatusCode != 200 || sum.Assessed != 1 || sum.Exposed != 1 || sum.KEVDevices != 1 || sum.Unsupported != 1 {
		t.Errorf("%d %+v", resp.StatusCode, sum)
	}
}
