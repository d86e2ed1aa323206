package http

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/mock"
)

// intelFake is a small in-memory store of intelligence and findings behind
// mock.IntelService and mock.FindingService (there is no SQLite one yet),
// recording what the handlers asked of it.
type intelFake struct {
	mu         sync.Mutex
	findings   []*cordon.Finding
	vulns      map[string]*cordon.Vulnerability
	epss       map[string][]cordon.EPSSScore
	advisories []*cordon.Advisory
	exposures  map[int64]*cordon.Exposure
	imports    []*cordon.FeedImport
	kev        map[string]cordon.KEVEntry

	findingFilters []cordon.FindingFilter
	exposureFilter cordon.ExposureFilter
	statusCalls    []int64   // finding IDs whose status was changed
	assessed       [][]int64 // each Assess call's IDs
	assessErr      error
}

var ctLocation = cordon.FindingDevice{Key: "mac:00:09:fb:01:02:03", MAC: "00:09:fb:01:02:03", IP: "10.1.2.3",
	Hostname: "ct01.radiology.example.nhs.uk", Manufacturer: "Siemens Healthineers", Model: "SOMATOM go.Up",
	Category: cordon.CategoryImagingModality, Site: "Royal Infirmary", Location: "Radiology, CT room 2", Owner: "Medical Physics"}

var usLocation = cordon.FindingDevice{ID: 902, Key: "mac:00:1b:2c:0a:0b:0c", MAC: "00:1b:2c:0a:0b:0c", IP: "10.1.9.20",
	Category: cordon.CategoryImagingModality, Site: "Royal Infirmary", Location: "Maternity, scan room 1", Owner: "Obstetrics"}

// mustOpenIntelEnv starts a server (see MustOpenEnv) whose intelligence
// and findings are an intelFake seeded for the env's device.
func mustOpenIntelEnv(t *testing.T, configure func(*Server)) (*env, *intelFake) {
	t.Helper()
	fx := &intelFake{}
	e := MustOpenEnv(t, func(s *Server) {
		withIntel(fx)(s)
		if configure != nil {
			configure(s)
		}
	})
	fx.seed(e.device)
	return e, fx
}

// seed fills the store with, for the device with ID ct: EternalBlue
// (listed in KEV) confirmed, BlueKeep gone; and EternalBlue possible on a
// second device. KEV texts are CISA's (known_exploited_vulnerabilities.json,
// catalogVersion 2025.08.25).
func (fx *intelFake) seed(ct int64) {
	fx.mu.Lock()
	defer fx.mu.Unlock()
	day := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	ctDev := ctLocation
	ctDev.ID = ct
	eternal := &cordon.Vulnerability{ID: "CVE-2017-0144",
		Description: "The SMBv1 server in Microsoft Windows Vista SP2 … allows remote attackers to execute arbitrary code via crafted packets, aka \"Windows SMB Remote Code Execution Vulnerability.\"",
		KEV: &cordon.KEVEntry{VendorProject: "Microsoft", Product: "SMBv1", Name: "Microsoft SMBv1 Remote Code Execution Vulnerability",
			DateAdded: day("2022-02-10"), DueDate: day("2022-08-10"), Ransomware: true},
		EPSS: &cordon.EPSSScore{Score: 0.94, Percentile: 0.999, Date: day("2026-03-01")}}
	epss := []cordon.EPSSScore{{Score: 0.93, Percentile: 0.999, Date: day("2026-02-28")}, *eternal.EPSS}
	fx.vulns = map[string]*cordon.Vulnerability{eternal.ID: eternal,
		"CVE-2019-0708": {ID: "CVE-2019-0708", Description: "A remote code execution vulnerability exists in Remote Desktop Services. An unauthenticated attacker connects."}}
	fx.epss = map[string][]cordon.EPSSScore{eternal.ID: epss}
	fx.findings = []*cordon.Finding{
		{ID: 1, Device: ctDev, CVE: "CVE-2017-0144", Match: "confirmed", KEV: true, Severity: cordon.SeverityHigh,
			Status: cordon.FindingStatus{Status: cordon.FindingOpen}, Evidence: []string{"os: Windows 7 SP1"}, Sources: []string{"nvd", "kev"}},
		{ID: 2, Device: usLocation, CVE: "CVE-2017-0144", Match: "possible", KEV: true, Severity: cordon.SeverityHigh,
			Status: cordon.FindingStatus{Status: cordon.FindingMitigated, Controls: []string{"SMBv1 disabled"}}},
		{ID: 3, Device: ctDev, CVE: "CVE-2019-0708", Match: "confirmed", Severity: cordon.SeverityCritical,
			Status: cordon.FindingStatus{Status: cordon.FindingOpen}, Gone: day("2026-02-01")},
	}
	fx.advisories = []*cordon.Advisory{
		{ID: "ICSMA-17-009-01A", Title: "St. Jude Merlin@home Transmitter Vulnerability (Update A)", CVEs: []string{"CVE-2017-5149"}, Updated: day("2017-01-20")},
		{ID: "ICSMA-17-017-01", Title: "older", CVEs: []string{"CVE-2017-0144"}, Updated: day("2017-01-17")},
	}
	fx.exposures = map[int64]*cordon.Exposure{ct: {Device: ctDev, Risk: cordon.Risk{Score: 87,
		Factors: []cordon.RiskFactor{{Part: "likelihood", Name: "kev", Value: "CVE-2017-0144", Weight: 0.6, Why: "Exploited in the wild."}}},
		Findings: 1, Open: 1, KEV: 1, Unsupported: true}}
	fx.kev = map[string]cordon.KEVEntry{}
}

func (fx *intelFake) lastFindingFilter() cordon.FindingFilter {
	fx.mu.Lock()
	defer fx.mu.Unlock()
	if len(fx.findingFilters) == 0 {
		return cordon.FindingFilter{}
	}
	return fx.findingFilters[len(fx.findingFilters)-1]
}

func (fx *intelFake) assessCalls() [][]int64 {
	fx.mu.Lock()
	defer fx.mu.Unlock()
	return slices.Clone(fx.assessed)
}

// assessorFunc is a cordon.Assessor.
type assessorFunc func(ctx context.Context, ids []int64) error

func (f assessorFunc) Assess(ctx context.Context, ids []int64) error { return f(ctx, ids) }

// withIntel configures a server with fx behind the mocks.
func withIntel(fx *intelFake) func(*Server) {
	return func(s *Server) {
		s.IntelService = fx.intelService()
		s.FindingService = fx.findingService()
		s.Assessor = assessorFunc(func(_ context.Context, ids []int64) error {
			fx.mu.Lock()
			defer fx.mu.Unlock()
			fx.assessed = append(fx.assessed, ids)
			return fx.assessErr
		})
	}
}

func (fx *intelFake) findingService() *mock.FindingService {
	return &mock.FindingService{
		FindFindingsFn: func(_ context.Context, f cordon.FindingFilter) ([]*cordon.Finding, int, error) {
			fx.mu.Lock()
			defer fx.mu.Unlock()
			fx.findingFilters = append(fx.findingFilters, f)
			var out []*cordon.Finding
			for _, x := range fx.findings {
				if (f.DeviceID != 0 && x.Device.ID != f.DeviceID) || (f.MAC != "" && x.Device.MAC != f.MAC) ||
					(len(f.CVEs) > 0 && !slices.Contains(f.CVEs, x.CVE)) || (f.Status != "" && x.Status.Status != f.Status) ||
					(f.KEV != nil && x.KEV != *f.KEV) || (!x.Gone.IsZero() && !f.Gone) {
					continue
				}
				c := *x
				out = append(out, &c)
			}
			limit := f.Limit
			if limit == 0 {
				limit = 50
			}
			total := len(out)
			return out[min(f.Offset, total):min(f.Offset+limit, total)], total, nil
		},
		FindFindingByIDFn: func(_ context.Context, id int64) (*cordon.Finding, error) {
			fx.mu.Lock()
			defer fx.mu.Unlock()
			for _, x := range fx.findings {
				if x.ID == id {
					c := *x
					return &c, nil
				}
			}
			return nil, cordon.Errorf(cordon.ENOTFOUND, "Finding %d not found.", id)
		},
		UpdateFindingStatusFn: func(ctx context.Context, id int64, st cordon.FindingStatus) (*cordon.Finding, error) {
			if err := st.Validate(); err != nil {
				return nil, err
			}
			fx.mu.Lock()
			defer fx.mu.Unlock()
			for _, x := range fx.findings {
				if x.ID == id {
					st.By, st.At = cordon.Actor(ctx), time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
					x.Status = st
					fx.statusCalls = append(fx.statusCalls, id)
					c := *x
					return &c, nil
				}
			}
			return nil, cordon.Errorf(cordon.ENOTFOUND, "Finding %d not found.", id)
		},
		FindExposuresFn: func(_ context.Context, f cordon.ExposureFilter) ([]*cordon.Exposure, int, error) {
			fx.mu.Lock()
			defer fx.mu.Unlock()
			fx.exposureFilter = f
			var out []*cordon.Exposure
			for _, x := range fx.exposures {
				if x.Risk.Score >= f.MinScore {
					c := *x
					out = append(out, &c)
				}
			}
			sort.Slice(out, func(i, j int) bool { return out[i].Risk.Score > out[j].Risk.Score })
			return out, len(out), nil
		},
		FindExposureFn: func(_ context.Context, id int64) (*cordon.Exposure, error) {
			fx.mu.Lock()
			defer fx.mu.Unlock()
			if x, ok := fx.exposures[id]; ok {
				c := *x
				return &c, nil
			}
			return nil, cordon.Errorf(cordon.ENOTFOUND, "Device %d has not been assessed.", id)
		},
		ExposureSummaryFn: func(context.Context) (*cordon.ExposureSummary, error) {
			fx.mu.Lock()
			defer fx.mu.Unlock()
			sum := &cordon.ExposureSummary{BySeverity: map[string]int{}, ByStatus: map[string]int{}}
			for _, x := range fx.exposures {
				sum.Assessed++
				if x.Open > 0 {
					sum.Exposed++
				}
				if x.KEV > 0 {
					sum.KEVDevices++
				}
				if x.Unsupported {
					sum.Unsupported++
				}
			}
			return sum, nil
		},
	}
}

func (fx *intelFake) intelService() *mock.IntelService {
	return &mock.IntelService{
		ImportFeedFn: func(ctx context.Context, imp *cordon.FeedImport, fn func(cordon.FeedWriter) error) error {
			fx.mu.Lock()
			for _, p := range fx.imports {
				if p.Source == imp.Source && p.SHA256 == imp.SHA256 {
					*imp = *p
					fx.mu.Unlock()
					return cordon.Errorf(cordon.ECONFLICT, "Already imported.")
				}
			}
			fx.mu.Unlock()
			w := &memWriter{kev: map[string]cordon.KEVEntry{}}
			if err := fn(w); err != nil {
				return err
			}
			fx.mu.Lock()
			defer fx.mu.Unlock()
			for k, v := range w.kev {
				fx.kev[k] = v
			}
			imp.ID, imp.ImportedAt, imp.Changed = int64(len(fx.imports)+1), time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), w.n
			c := *imp
			fx.imports = append(fx.imports, &c)
			return nil
		},
		FindFeedImportsFn: func(_ context.Context, limit int) ([]*cordon.FeedImport, error) {
			fx.mu.Lock()
			defer fx.mu.Unlock()
			var out []*cordon.FeedImport
			for i := len(fx.imports) - 1; i >= 0 && len(out) < limit; i-- {
				out = append(out, fx.imports[i])
			}
			return out, nil
		},
		FeedStatusFn: func(context.Context) ([]cordon.FeedStatus, error) {
			fx.mu.Lock()
			defer fx.mu.Unlock()
			var out []cordon.FeedStatus
			for _, src := range cordon.FeedSources {
				st := cordon.FeedStatus{Source: src}
				if src == cordon.FeedKEV {
					st.Records = len(fx.kev)
				}
				for _, p := range fx.imports {
					if p.Source == src {
						st.LastImport = p
					}
				}
				out = append(out, st)
			}
			return out, nil
		},
		FindVulnerabilityFn: func(_ context.Context, id string) (*cordon.Vulnerability, error) {
			fx.mu.Lock()
			defer fx.mu.Unlock()
			if v, ok := fx.vulns[id]; ok {
				c := *v
				return &c, nil
			}
			return nil, cordon.Errorf(cordon.ENOTFOUND, "%s is not known.", id)
		},
		EPSSHistoryFn: func(_ context.Context, cve string) ([]cordon.EPSSScore, error) {
			fx.mu.Lock()
			defer fx.mu.Unlock()
			return slices.Clone(fx.epss[cve]), nil
		},
		FindAdvisoriesFn: func(context.Context) ([]*cordon.Advisory, error) {
			fx.mu.Lock()
			defer fx.mu.Unlock()
			return slices.Clone(fx.advisories), nil
		},
		FindAdvisoryFn: func(_ context.Context, id string) (*cordon.Advisory, error) {
			fx.mu.Lock()
			defer fx.mu.Unlock()
			for _, a := range fx.advisories {
				if a.ID == id {
					return a, nil
				}
			}
			return nil, cordon.Errorf(cordon.ENOTFOUND, "Advisory %s not found.", id)
		},
	}
}

// memWriter keeps what an import writes, for the fake to commit.
type memWriter struct {
	kev map[string]cordon.KEVEntry
	n   int
}

func (w *memWriter) PutVulnerability(*cordon.Vulnerability) error { w.n++; return nil }
func (w *memWriter) PutKEV(cve string, e *cordon.KEVEntry) error {
	w.kev[cve] = *e
	w.n++
	return nil
}
func (w *memWriter) PutEPSS(string, *cordon.EPSSScore) error { w.n++; return nil }
func (w *memWriter) PutAdvisory(*cordon.Advisory) error      { w.n++; return nil }
func (w *memWriter) PutLifecycle(*cordon.Lifecycle) error    { w.n++; return nil }

func TestFindingIndex(t *testing.T) {
	e, fx := mustOpenIntelEnv(t, nil)
	viewer := e.bearer(cordon.RoleViewer)

	t.Run("Filters", func(t *testing.T) {
		resp := e.do(viewer, req{method: "GET", path: "/api/v1/findings?device=00-09-FB-01-02-03&cve=cve-2017-0144,CVE-2019-0708&cve=CVE-2017-0144" +
			"&status=open&match=confirmed&severity=high&kev=true&site=Royal+Infirmary&category=imaging_modality&sort=-first_found&offset=0&limit=10"})
		var l struct {
			Findings []cordon.Finding `json:"findings"`
			Total    int              `json:"total"`
			Offset   int              `json:"offset"`
			Limit    int              `json:"limit"`
		}
		decode(t, resp, &l)
		if resp.StatusCode != 200 || l.Total != 1 || len(l.Findings) != 1 || l.Findings[0].ID != 1 || l.Limit != 10 {
			t.Fatalf("%d %+v", resp.StatusCode, l)
		}
		f := fx.lastFindingFilter()
		kev := true
		want := cordon.FindingFilter{MAC: "00:09:fb:01:02:03", CVEs: []string{"CVE-2017-0144", "CVE-2019-0708"}, Status: "open",
			Match: "confirmed", Severity: "high", KEV: &kev, Site: "Royal Infirmary", Category: "imaging_modality", Sort: "-first_found", Limit: 10}
		if fmt.Sprintf("%+v", derefKEV(f)) != fmt.Sprintf("%+v", derefKEV(want)) {
			t.Errorf("filter\n got %+v\nwant %+v", derefKEV(f), derefKEV(want))
		}
	})
	t.Run("DeviceID", func(t *testing.T) {
		var l struct {
			Findings []cordon.Finding `json:"findings"`
		}
		decode(t, e.do(viewer, req{method: "GET", path: fmt.Sprint("/api/v1/findings?device=", e.device)}), &l)
		if f := fx.lastFindingFilter(); f.DeviceID != e.device || f.MAC != "" || f.Limit != DefaultPageLimit || len(l.Findings) != 1 {
			t.Errorf("filter %+v, %d findings", f, len(l.Findings))
		}
	})
	t.Run("BareMAC", func(t *testing.T) {
		e.do(viewer, req{method: "GET", path: "/api/v1/findings?device=001122334455"})
		if f := fx.lastFindingFilter(); f.MAC != "00:11:22:33:44:55" || f.DeviceID != 0 {
			t.Errorf("filter %+v", f)
		}
	})
	t.Run("EmptyIsArray", func(t *testing.T) {
		var raw map[string]any
		decode(t, e.do(viewer, req{method: "GET", path: "/api/v1/findings?device=7777"}), &raw)
		if l, ok := raw["findings"].([]any); !ok || len(l) != 0 || raw["total"] != float64(0) {
			t.Errorf("%v", raw)
		}
	})
	tests := []struct{ name, query, msg string }{
		{"BadDevice", "device=ct01", "device"},
		{"ZeroDevice", "device=0", "device"},
		{"ZeroMAC", "device=00:00:00:00:00:00", "all-zero"},
		{"BadCVE", "cve=CVE-17-1", "cve"},
		{"TooManyCVEs", "cve=" + manyCVEs(1001), "at most 1000"},
		{"BadStatus", "status=closed", "status must be one of open"},
		{"BadMatch", "match=maybe", "match must be one of"},
		{"BadSeverity", "severity=severe", "severity must be one of"},
		{"BadKEV", "kev=yes", "kev must be true or false"},
		{"BadCategory", "category=toaster", "category"},
		{"BadSort", "sort=risk", "sort must be one of priority"},
		{"BadLimit", "limit=1001", "limit"},
		{"BadOffset", "offset=-1", "offset"},
		{"Unknown", "owner=x", `"owner"`},
		{"Repeated", "status=open&status=fixed", `"status" is given more than once`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, e.do(viewer, req{method: "GET", path: "/api/v1/findings?" + tt.query}), 400, cordon.EINVALID, tt.msg)
		})
	}
}

// derefKEV shows a filter with its KEV pointer's value, for comparison.
func derefKEV(f cordon.FindingFilter) any {
	type shown struct {
		cordon.FindingFilter
		KEVValue string
	}
	s := shown{FindingFilter: f, KEVValue: "nil"}
	if f.KEV != nil {
		s.KEVValue = fmt.Sprint(*f.KEV)
	}
	s.FindingFilter.KEV = nil
	return s
}

func manyCVEs(n int) string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("CVE-2024-%05d", i+1)
	}
	return strings.Join(ids, ",")
}

func TestFindingView(t *testing.T) {
	e, _ := mustOpenIntelEnv(t, nil)
	viewer := e.bearer(cordon.RoleViewer)
	var f cordon.Finding
	resp := e.do(viewer, req{method: "GET", path: "/api/v1/findings/1"})
	decode(t, resp, &f)
	if resp.StatusCode != 200 || f.CVE != "CVE-2017-0144" || f.Device.Owner != "Medical Physics" || !f.KEV {
		t.Errorf("%d %+v", resp.StatusCode, f)
	}
	wantError(t, e.do(viewer, req{method: "GET", path: "/api/v1/findings/99"}), 404, cordon.ENOTFOUND, "99")
	wantError(t, e.do(viewer, req{method: "GET", path: "/api/v1/findings/CVE-2017-0144"}), 400, cordon.EINVALID, "finding ID")
}

func TestFindingStatus(t *testing.T) {
	e, fx := mustOpenIntelEnv(t, nil)
	analyst := e.bearer(cordon.RoleAnalyst)
	post := func(id, body string) req { return jsonReq("POST", "/api/v1/findings/"+id+"/status", body) }

	t.Run("RiskAccepted", func(t *testing.T) {
		resp := e.do(analyst, post("1", `{"status": "risk_accepted", "reason": "Vendor patch due in June; scanner VLAN only.", "expires": "2026-06-30"}`))
		var f cordon.Finding
		decode(t, resp, &f)
		if resp.StatusCode != 200 || f.Status.Status != cordon.FindingRiskAccepted || f.Status.By != "analyst1" ||
			!f.Status.Expires.Equal(time.Date(2026, 6, 30, 23, 59, 59, 0, time.UTC)) {
			t.Fatalf("%d %+v", resp.StatusCode, f.Status)
		}
		if calls := fx.assessCalls(); len(calls) != 1 || !slices.Equal(calls[0], []int64{e.device}) {
			t.Errorf("assess calls %v, want [[%d]]", calls, e.device)
		}
	})
	t.Run("OtherDevice", func(t *testing.T) {
		resp := e.do(analyst, post("2", `{"status": "not_affected", "justification": "component_not_present"}`))
		if resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		if calls := fx.assessCalls(); len(calls) != 2 || !slices.Equal(calls[1], []int64{usLocation.ID}) {
			t.Errorf("assess calls %v, want the ultrasound (%d) second", calls, usLocation.ID)
		}
	})
	t.Run("RFC3339Expiry", func(t *testing.T) {
		resp := e.do(analyst, post("1", `{"status": "risk_accepted", "reason": "r", "expires": "2026-04-01T12:00:00+01:00"}`))
		var f cordon.Finding
		decode(t, resp, &f)
		if !f.Status.Expires.Equal(time.Date(2026, 4, 1, 11, 0, 0, 0, time.UTC)) {
			t.Errorf("expires %v", f.Status.Expires)
		}
	})
	before := len(fx.assessCalls())
	tests := []struct {
		name   string
		who    as
		req    req
		status int
		code   string
		msg    string
	}{
		{"Viewer", e.bearer(cordon.RoleViewer), post("1", `{"status": "fixed"}`), 403, cordon.EFORBIDDEN, "analyst role"},
		{"Anonymous", anonymous, post("1", `{"status": "fixed"}`), 401, cordon.EUNAUTHORIZED, ""},
		{"UnknownStatus", analyst, post("1", `{"status": "closed"}`), 400, cordon.EINVALID, `"closed"`},
		{"AcceptWithoutExpiry", analyst, post("1", `{"status": "risk_accepted", "reason": "r"}`), 400, cordon.EINVALID, "expiry"},
		{"PastExpiry", analyst, post("1", `{"status": "risk_accepted", "reason": "r", "expires": "2026-03-01"}`), 400, cordon.EINVALID, "future"},
		{"BadExpiry", analyst, post("1", `{"status": "risk_accepted", "reason": "r", "expires": "next June"}`), 400, cordon.EINVALID, "expires"},
		{"MitigatedWithoutControls", analyst, post("1", `{"status": "mitigated"}`), 400, cordon.EINVALID, "compensating controls"},
		{"NotAffectedBadJustification", analyst, post("1", `{"status": "not_affected", "justification": "trust me"}`), 400, cordon.EINVALID, "justification"},
		{"ByIsServers", analyst, post("1", `{"status": "fixed", "by": "someone else"}`), 400, cordon.EINVALID, `"by"`},
		{"NotJSON", analyst, req{method: "POST", path: "/api/v1/findings/1/status", body: strings.NewReader("status=fixed"), ctype: "text/plain"}, 415, EUNSUPPORTED, "JSON"},
		{"NotFound", analyst, post("99", `{"status": "fixed"}`), 404, cordon.ENOTFOUND, "99"},
		{"BadID", analyst, post("x", `{"status": "fixed"}`), 400, cordon.EINVALID, "finding ID"},
		{"GetNotAllowed", analyst, req{method: "GET", path: "/api/v1/findings/1/status"}, 405, EMETHOD, "POST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, e.do(tt.who, tt.req), tt.status, tt.code, tt.msg)
		})
	}
	if after := len(fx.assessCalls()); after != before {
		t.Errorf("refused changes reassessed devices: %d calls", after-before)
	}
	t.Run("SessionNeedsCSRF", func(t *testing.T) {
		s := e.login("analyst1")
		noToken := s
		noToken.csrf = ""
		wantError(t, e.do(noToken, post("1", `{"status": "fixed"}`)), 403, cordon.EFORBIDDEN, "CSRF")
		if resp := e.do(s, post("1", `{"status": "fixed"}`)); resp.StatusCode != 200 {
			t.Errorf("with token: %d", resp.StatusCode)
		}
	})
	t.Run("AssessFails", func(t *testing.T) {
		fx.mu.Lock()
		fx.assessErr = fmt.Errorf("match: cache corrupt")
		fx.mu.Unlock()
		resp := e.do(analyst, post("1", `{"status": "open", "reason": "Reopened after audit."}`))
		var f cordon.Finding
		decode(t, resp, &f)
		if resp.StatusCode != 200 || f.Status.Status != cordon.FindingOpen {
			t.Errorf("%d %+v", resp.StatusCode, f.Status)
		}
		if !strings.Contains(e.logText(), "match: cache corrupt") {
			t.Error("assessment failure not logged")
		}
	})
}

func TestAffected(t *testing.T) {
	e, fx := mustOpenIntelEnv(t, nil)
	viewer := e.bearer(cordon.RoleViewer)
	resp := e.do(viewer, req{method: "GET", path: "/api/v1/affected?cve=CVE-2017-0144&cve=cve-2099-12345,CVE-2019-0708"})
	var a Affected
	decode(t, resp, &a)
	if resp.StatusCode != 200 || len(a.CVEs) != 3 {
		t.Fatalf("%d %+v", resp.StatusCode, a)
	}
	eb, unknown, bk := a.CVEs[0], a.CVEs[1], a.CVEs[2]
	if eb.CVE != "CVE-2017-0144" || !eb.Known || !eb.KEV || eb.Title != "Microsoft SMBv1 Remote Code Execution Vulnerability" ||
		eb.EPSS == nil || len(eb.Devices) != 2 {
		t.Errorf("EternalBlue: %+v", eb)
	} else if d := eb.Devices[0]; d.Device.ID != e.device || d.Device.Location != "Radiology, CT room 2" || d.Device.Owner != "Medical Physics" ||
		d.Finding != 1 || d.Match != "confirmed" || d.Status != cordon.FindingOpen {
		t.Errorf("CT: %+v", d)
	}
	if unknown.CVE != "CVE-2099-12345" || unknown.Known || unknown.KEV || len(unknown.Devices) != 0 {
		t.Errorf("unknown: %+v", unknown)
	}
	// BlueKeep is known but its one finding is gone; its title is the
	// first sentence of the description.
	if bk.CVE != "CVE-2019-0708" || !bk.Known || bk.KEV || len(bk.Devices) != 0 ||
		bk.Title != "A remote code execution vulnerability exists in Remote Desktop Services." {
		t.Errorf("BlueKeep: %+v", bk)
	}
	if f := fx.lastFindingFilter(); f.Gone || len(f.CVEs) != 3 {
		t.Errorf("filter %+v", f)
	}
	var raw map[string][]map[string]any
	decode(t, e.do(viewer, req{method: "GET", path: "/api/v1/affected?cve=CVE-2099-12345"}), &raw)
	if d, ok := raw["cves"][0]["devices"].([]any); !ok || len(d) != 0 {
		t.Errorf("devices should be [], got %v", raw)
	}

	wantError(t, e.do(viewer, req{method: "GET", path: "/api/v1/affected"}), 400, cordon.EINVALID, "at least one CVE")
	wantError(t, e.do(viewer, req{method: "GET", path: "/api/v1/affected?cve=EternalBlue"}), 400, cordon.EINVALID, `"EternalBlue"`)
	wantError(t, e.do(viewer, req{method: "GET", path: "/api/v1/affected?cve=" + manyCVEs(101)}), 400, cordon.EINVALID, "at most 100")
	wantError(t, e.do(viewer, req{method: "GET", path: "/api/v1/affected?cve=CVE-2017-0144&device=1"}), 400, cordon.EINVALID, `"device"`)
}

// TestAffectedPages: a CVE on more devices than a page holds is answered
// whole.
func TestAffectedPages(t *testing.T) {
	e, fx := mustOpenIntelEnv(t, nil)
	fx.mu.Lock()
	for i := range 2500 {
		d := usLocation
		d.ID = int64(10000 + i)
		fx.findings = append(fx.findings, &cordon.Finding{ID: int64(100 + i), Device: d, CVE: "CVE-2017-0144", Match: "possible"})
	}
	fx.mu.Unlock()
	var a Affected
	decode(t, e.do(e.bearer(cordon.RoleViewer), req{method: "GET", path: "/api/v1/affected?cve=CVE-2017-0144"}), &a)
	if len(a.CVEs) != 1 || len(a.CVEs[0].Devices) != 2502 {
		t.Fatalf("devices: %d", len(a.CVEs[0].Devices))
	}
	seen := map[int64]bool{}
	for _, d := range a.CVEs[0].Devices {
		if seen[d.Finding] {
			t.Fatalf("finding %d twice", d.Finding)
		}
		seen[d.Finding] = true
	}
}

func TestVulnerabilityTitle(t *testing.T) {
	long := strings.Repeat("é", 150) // 300 bytes
	tests := []struct {
		name string
		v    cordon.Vulnerability
		want string
	}{
		{"KEVName", cordon.Vulnerability{Description: "x. y", KEV: &cordon.KEVEntry{Name: "Name"}}, "Name"},
		{"FirstSentence", cordon.Vulnerability{Description: "First one. Second one."}, "First one."},
		{"FirstLine", cordon.Vulnerability{Description: " Line one\nline two. more"}, "Line one"},
		{"Empty", cordon.Vulnerability{}, ""},
		{"LongCutOnRune", cordon.Vulnerability{Description: long}, strings.Repeat("é", 100) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := vulnerabilityTitle(&tt.v); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzFindingFilter feeds arbitrary query strings to the findings filter:
// it must never panic, refuse only with EINVALID, and what it accepts must
// hold only valid values.
func FuzzFindingFilter(f *testing.F) {
	f.Add("device=00-09-FB-01-02-03&cve=cve-2017-0144,CVE-2019-0708&cve=CVE-2017-0144&status=open&kev=true&sort=-first_found")
	f.Add("device=42&severity=critical&match=possible&limit=1000&offset=5")
	f.Add("cve=,,CVE-2024-1234567890123456789,&category=infusion_pump")
	f.Add("device=0011.2233.4455&kev=yes")
	f.Add("cve=CVE-2017-0144%00&device=%FF")
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		ff, err := findingFilter(q)
		if err != nil {
			if cordon.ErrorCode(err) != cordon.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		if len(ff.CVEs) > maxFilterCVEs {
			t.Fatalf("%d CVEs accepted", len(ff.CVEs))
		}
		for _, id := range ff.CVEs {
			if !cvePattern.MatchString(id) {
				t.Fatalf("CVE %q accepted", id)
			}
		}
		if ff.DeviceID < 0 || (ff.DeviceID != 0 && ff.MAC != "") || ff.Limit < 1 || ff.Limit > MaxPageLimit || ff.Offset < 0 {
			t.Fatalf("filter %+v", ff)
		}
		if ff.MAC != "" {
			if m, err := cordon.ParseMAC(ff.MAC); err != nil || m.String() != ff.MAC {
				t.Fatalf("MAC %q not canonical", ff.MAC)
			}
		}
	})
}

// FuzzStatusChange feeds arbitrary bodies to a status change: whatever
// it accepts must be a valid status with an expiry in the future.
func FuzzStatusChange(f *testing.F) {
	f.Add([]byte(`{"status": "risk_accepted", "reason": "Vendor patch due.", "expires": "2026-06-30"}`))
	f.Add([]byte(`{"status": "risk_accepted", "reason": "r", "expires": "2026-04-01T12:00:00+01:00"}`))
	f.Add([]byte(`{"status": "mitigated", "controls": ["SMBv1 disabled", ""]}`))
	f.Add([]byte(`{"status": "not_affected", "justification": "component_not_present"}`))
	f.Add([]byte(`{"status": "fixed", "expires": "0000-01-01"}`))
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		var c StatusChange
		if json.Unmarshal(body, &c) != nil {
			return
		}
		st, err := c.findingStatus(now)
		if err != nil {
			if cordon.ErrorCode(err) != cordon.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		if err := st.Validate(); err != nil {
			t.Fatalf("accepted an invalid status: %v", err)
		}
		if c.Expires != "" && !st.Expires.After(now) {
			t.Fatalf("accepted expiry %v", st.Expires)
		}
	})
}
