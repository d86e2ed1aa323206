package ui

import (
	"net/http"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
)

func TestWorklist(t *testing.T) {
	e, w := newVulnEnv(t)
	r := e.get("viewer1", "/worklist")
	if r.status != http.StatusOK {
		t.Fatalf("status %d", r.status)
	}
	// Highest risk first, with its sentence and heaviest factors; controls
	// never appear as a reason for urgency.
	ct, bad := strings.Index(r.body, "CT-SCAN-01"), strings.Index(r.body, "&lt;script&gt;")
	if ct < 0 || bad < 0 || ct > bad {
		t.Errorf("order: CT at %d, the other at %d", ct, bad)
	}
	for _, want := range []string{"A CT scanner on Windows 7 with two known exploited vulnerabilities", "<strong>Known exploited</strong> 2 findings",
		"<strong>Patient data</strong> yes", "<strong>EPSS</strong> 94%", `href="/findings?device=` + formatInt(e.ids[keyCT]) + `&amp;status=open"`, "Unsupported"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("lacks %q", want)
		}
	}
	// Three factors only: the fourth (unsupported, 0.3 ties EPSS but comes
	// later) is left for the device page.
	if strings.Count(r.body[ct:bad], "<li title=") != topFactors {
		t.Errorf("want %d factors", topFactors)
	}

	r = e.get("viewer1", "/worklist?site=St+Elsewhere&category=imaging_modality&medical=yes&unsupported=yes&kev=yes")
	f := w.lastExposureFilter
	if r.status != http.StatusOK || f.Site != "St Elsewhere" || f.Category != cordon.CategoryImagingModality || f.Medical == nil || !*f.Medical ||
		f.Unsupported == nil || !*f.Unsupported || f.KEV == nil || !*f.KEV || f.Limit != worklistPerPage {
		t.Errorf("status %d filter %+v", r.status, f)
	}
	if !strings.Contains(r.body, "CT-SCAN-01") || strings.Contains(r.body, "&lt;script&gt;") {
		t.Errorf("filtered list wrong")
	}
	if r := e.get("viewer1", "/worklist?medical=no&kev=yes"); !strings.Contains(r.body, "No device matches these filters") {
		t.Errorf("empty filtered list lacks its sentence")
	}
	if r := e.get("viewer1", "/worklist?category=toaster"); r.status != http.StatusBadRequest || !strings.Contains(r.body, "Unknown category") {
		t.Errorf("bad category: status %d", r.status)
	}
}

func TestTopFactorViews(t *testing.T) {
	fs := []cordon.RiskFactor{
		{Part: "controls", Name: "mitigated", Weight: 0.9},
		{Part: "impact", Name: "category", Weight: 0.5},
		{Part: "likelihood", Name: "kev", Weight: 0.7},
		{Part: "likelihood", Name: "new_factor", Weight: 0.1},
		{Part: "impact", Name: "criticality", Weight: 0},
	}
	top := topFactorViews(fs, 3)
	if len(top) != 3 || top[0].Name != "kev" || top[1].Name != "category" || top[2].Label != "New factor" {
		t.Errorf("top %+v", top)
	}
	all := factorViews(fs)
	var order []string
	for _, f := range all {
		order = append(order, f.Name)
	}
	if strings.Join(order, ",") != "kev,new_factor,category,criticality,mitigated" {
		t.Errorf("order %v", order)
	}
}

func TestSupportViewsNeverBlank(t *testing.T) {
	vs := supportViews(nil)
	if len(vs) != 1 || vs[0].State != cordon.SupportUnknown || vs[0].Reason == "" {
		t.Errorf("none: %+v", vs)
	}
	vs = supportViews([]cordon.SupportStatus{{Subject: "software", Name: "cpe:2.3:a:openssl:openssl:1.0.1"}})
	if vs[0].State != cordon.SupportUnknown || vs[0].Reason == "" || vs[0].SubjectLabel != "Software" {
		t.Errorf("blank state: %+v", vs)
	}
}
