package storetest

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// NewFinding returns a finding of cve with the priority inputs given;
// severity follows the CVSS score.
func NewFinding(cve string, kev bool, epss, cvss float64, match string) cordon.Finding {
	sev := cordon.SeverityLow
	switch {
	case cvss >= 9:
		sev = cordon.SeverityCritical
	case cvss >= 7:
		sev = cordon.SeverityHigh
	case cvss >= 4:
		sev = cordon.SeverityMedium
	}
	return cordon.Finding{
		CVE: cve, Title: "Title of " + cve, Match: match,
		Criteria: "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*", Software: "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*",
		Evidence: []string{"os=Windows 7 6.1.7601", "cpe:2.3:o:microsoft:windows_7", "configuration 1"},
		Sources:  []string{"nvd"},
		KEV:      kev,
		EPSS:     &cordon.EPSSScore{Score: epss, Percentile: epss, Date: Epoch.Add(-24 * time.Hour), Model: "v2025.03.14"},
		CVSS:     &cordon.CVSS{Version: "3.1", BaseScore: cvss, Severity: "X", Source: "nvd@nist.gov", Primary: true},
		Severity: sev,
		Fix:      cordon.Fix{Available: true, Since: Epoch.Add(-48 * time.Hour), Category: "vendor_fix", Source: "nvd"},
	}
}

// findingsEnv ingests three devices and records where one of them is.
func findingsEnv(t *testing.T, open func(tb testing.TB) *Store) (e *env, ct, pump, pc *cordon.DeviceRecord) {
	e = setup(t, open)
	e.ingest(t, "ward.pcap", Devices(
		NewDevice("00:09:02:aa:00:01", "10.1.0.5", cordon.CategoryImagingModality, WithHost("CT-1"), WithMaker("Siemens Healthineers", "SOMATOM")),
		NewDevice("00:40:9d:aa:00:02", "10.1.0.6", cordon.CategoryInfusionPump),
		NewDevice("3c:52:82:aa:00:03", "10.2.0.7", cordon.CategoryWorkstation),
	), nil)
	ct = e.deviceByKey(t, "mac:00:09:02:aa:00:01")
	pump = e.deviceByKey(t, "mac:00:40:9d:aa:00:02")
	pc = e.deviceByKey(t, "mac:3c:52:82:aa:00:03")
	_, err := e.Devices.UpdateRecorded(e.ctx, ct.ID, cordon.Recorded{Site: "North", Building: "B2", Ward: "Radiology", Room: "R12", Owner: "Imaging"})
	must(t, err)
	_, err = e.Devices.UpdateRecorded(e.ctx, pump.ID, cordon.Recorded{Site: "South", Manufacturer: "BD", Model: "Alaris 8015"})
	must(t, err)
	return e, ct, pump, pc
}

// byCVE returns a device's findings (gone ones too) by CVE.
func (e *env) byCVE(tb testing.TB, deviceID int64) map[string]*cordon.Finding {
	tb.Helper()
	fs, _, err := e.Findings.FindFindings(e.sys, cordon.FindingFilter{DeviceID: deviceID, Gone: true, Limit: 1000})
	must(tb, err)
	m := map[string]*cordon.Finding{}
	for _, f := range fs {
		m[f.CVE] = f
	}
	return m
}

func (e *env) exposure(tb testing.TB, deviceID int64) *cordon.Exposure {
	tb.Helper()
	x, err := e.Findings.FindExposure(e.sys, deviceID)
	must(tb, err)
	return x
}

func cves(fs []*cordon.Finding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.CVE)
	}
	return out
}

func counts(x *cordon.Exposure) [5]int {
	return [5]int{x.Findings, x.Open, x.KEV, x.Critical, x.Confirmed}
}

func testFindings(t *testing.T, open func(tb testing.TB) *Store) {
	eternal := NewFinding("CVE-2017-0144", true, 0.94, 8.1, "confirmed")
	blue := NewFinding("CVE-2019-0708", true, 0.97, 9.8, "possible")
	minor := NewFinding("CVE-2020-0001", false, 0.01, 5.0, "confirmed")
	risk := cordon.Risk{Score: 80, Likelihood: 0.9, Impact: 0.9, Summary: "KEV on a CT.",
		Factors: []cordon.RiskFactor{{Part: "likelihood", Name: "kev", Value: "2", Weight: 0.5, Why: "Exploited."}}}
	win7 := cordon.SupportStatus{Subject: "os", Name: "Windows 7 SP1", State: cordon.SupportUnsupported, Since: Epoch.Add(-time.Hour), Source: "endoflife.date", Reason: "Ended."}

	t.Run("Lifecycle", func(t *testing.T) {
		e, ct, pump, _ := findingsEnv(t, open)
		must(t, e.Findings.ReplaceFindings(e.sys, []cordon.DeviceAssessment{
			{DeviceID: ct.ID, Findings: []cordon.Finding{eternal, blue, minor},
				Exposure: cordon.Exposure{Risk: risk, Support: []cordon.SupportStatus{win7}}},
			{DeviceID: pump.ID, Findings: []cordon.Finding{eternal}, Exposure: cordon.Exposure{Risk: cordon.Risk{Score: 40}}},
		}))
		first := e.byCVE(t, ct.ID)
		got := first[eternal.CVE]
		if got == nil || got.ID == 0 {
			t.Fatalf("findings = %+v", first)
		}
		want := eternal
		want.ID, want.Status = got.ID, cordon.FindingStatus{Status: cordon.FindingOpen}
		want.FirstFound, want.LastFound = Epoch, Epoch
		want.Device = cordon.FindingDevice{ID: ct.ID, Key: ct.Key, MAC: "00:09:02:aa:00:01", IP: "10.1.0.5", Hostname: "ct-1",
			Manufacturer: "Siemens Healthineers", Model: "SOMATOM", Category: cordon.CategoryImagingModality,
			Site: "North", Location: "B2, Radiology, R12", Owner: "Imaging"}
		got.Status.At, got.Status.By = time.Time{}, ""
		if !reflect.DeepEqual(*got, want) {
			t.Errorf("finding =\n%+v\nwant\n%+v", *got, want)
		}
		if byID, err := e.Findings.FindFindingByID(e.sys, got.ID); err != nil || byID.CVE != eternal.CVE || byID.Device.Owner != "Imaging" {
			t.Errorf("FindFindingByID = %+v, %v", byID, err)
		}
		// The recorded make fills in for a device the network did not name.
		if f := e.byCVE(t, pump.ID)[eternal.CVE]; f.Device.Manufacturer != "BD" || f.Device.Model != "Alaris 8015" || f.Device.Site != "South" {
			t.Errorf("pump's device = %+v", f.Device)
		}
		x := e.exposure(t, ct.ID)
		if counts(x) != [5]int{3, 3, 2, 1, 2} || !x.Unsupported || x.Risk.Score != 80 || !reflect.DeepEqual(x.Risk, risk) ||
			!reflect.DeepEqual(x.Support, []cordon.SupportStatus{win7}) || !x.AssessedAt.Equal(Epoch) || x.Device.Location != "B2, Radiology, R12" {
			t.Errorf("exposure = %+v", x)
		}

		// A status set before the finding goes is kept when it returns.
		na := cordon.FindingStatus{Status: cordon.FindingNotAffected, Justification: "vulnerable_code_not_present"}
		_, err := e.Findings.UpdateFindingStatus(e.ctx, first[blue.CVE].ID, na)
		must(t, err)

		e.clock.Add(time.Hour)
		changed := eternal
		changed.EPSS = &cordon.EPSSScore{Score: 0.96, Percentile: 0.99, Date: Epoch}
		changed.Match = "possible"
		must(t, e.Findings.ReplaceFindings(e.sys, []cordon.DeviceAssessment{
			{DeviceID: ct.ID, Findings: []cordon.Finding{changed, minor}, Exposure: cordon.Exposure{Risk: cordon.Risk{Score: 60}}},
		}))
		second := e.byCVE(t, ct.ID)
		if f := second[eternal.CVE]; f.ID != got.ID || !f.FirstFound.Equal(Epoch) || !f.LastFound.Equal(Epoch.Add(time.Hour)) ||
			f.EPSS.Score != 0.96 || f.Match != "possible" || !f.Gone.IsZero() {
			t.Errorf("kept finding = %+v", f)
		}
		if f := second[blue.CVE]; !f.Gone.Equal(Epoch.Add(time.Hour)) || f.Status.Status != cordon.FindingNotAffected || !f.LastFound.Equal(Epoch) {
			t.Errorf("missing finding = %+v, want gone now", f)
		}
		fs, n, err := e.Findings.FindFindings(e.sys, cordon.FindingFilter{DeviceID: ct.ID})
		must(t, err)
		if n != 2 || len(fs) != 2 {
			t.Errorf("without Gone: %v (%d), want the 2 that apply", cves(fs), n)
		}
		if x := e.exposure(t, ct.ID); counts(x) != [5]int{2, 2, 1, 0, 1} || x.Unsupported || x.Risk.Score != 60 {
			t.Errorf("exposure after the second assessment = %+v", x)
		}
		// The pump was not in the set: untouched.
		if f := e.byCVE(t, pump.ID)[eternal.CVE]; !f.Gone.IsZero() || !f.LastFound.Equal(Epoch) {
			t.Errorf("pump's finding changed: %+v", f)
		}

		e.clock.Add(time.Hour)
		must(t, e.Findings.ReplaceFindings(e.sys, []cordon.DeviceAssessment{
			{DeviceID: ct.ID, Findings: []cordon.Finding{eternal, blue}, Exposure: cordon.Exposure{Risk: cordon.Risk{Score: 70}}},
		}))
		third := e.byCVE(t, ct.ID)
		if f := third[blue.CVE]; f.ID != first[blue.CVE].ID || !f.Gone.IsZero() || f.Status.Status != cordon.FindingNotAffected || !f.FirstFound.Equal(Epoch) {
			t.Errorf("returned finding = %+v", f)
		}
		if f := third[minor.CVE]; !f.Gone.Equal(Epoch.Add(2 * time.Hour)) {
			t.Errorf("minor = %+v, want gone", f)
		}
		// Open counts only open findings: blue is not affected.
		if x := e.exposure(t, ct.ID); counts(x) != [5]int{2, 1, 2, 1, 1} {
			t.Errorf("counts = %v", counts(x))
		}

		// An empty assessment marks everything gone.
		must(t, e.Findings.ReplaceFindings(e.sys, []cordon.DeviceAssessment{{DeviceID: ct.ID}}))
		if _, n, _ := e.Findings.FindFindings(e.sys, cordon.FindingFilter{DeviceID: ct.ID}); n != 0 {
			t.Errorf("%d findings apply after an empty assessment", n)
		}
		if x := e.exposure(t, ct.ID); counts(x) != [5]int{} {
			t.Errorf("counts = %v", counts(x))
		}
	})

	t.Run("Reassess", func(t *testing.T) {
		e, ct, pump, _ := findingsEnv(t, open)
		set := func(score int) []cordon.DeviceAssessment {
			return []cordon.DeviceAssessment{
				{DeviceID: ct.ID, Findings: []cordon.Finding{eternal, blue, minor},
					Exposure: cordon.Exposure{Risk: risk, Support: []cordon.SupportStatus{win7}}},
				{DeviceID: pump.ID, Findings: []cordon.Finding{minor}, Exposure: cordon.Exposure{Risk: cordon.Risk{Score: score}}},
			}
		}
		must(t, e.Findings.ReplaceFindings(e.sys, set(40)))
		first := e.byCVE(t, ct.ID)
		_, err := e.Findings.UpdateFindingStatus(e.ctx, first[blue.CVE].ID, cordon.FindingStatus{Status: cordon.FindingFixed})
		must(t, err)

		// The same findings again, in another order: the matcher produced
		// them now, and nothing else about them changes.
		e.clock.Add(time.Hour)
		s := set(40)
		s[0].Findings = []cordon.Finding{minor, eternal, blue}
		must(t, e.Findings.ReplaceFindings(e.sys, s))
		again := e.byCVE(t, ct.ID)
		for cve, f := range again {
			want := *first[cve]
			want.LastFound = Epoch.Add(time.Hour)
			want.Status = f.Status
			if !reflect.DeepEqual(*f, want) {
				t.Errorf("%s after an unchanged re-assessment =\n%+v\nwant\n%+v", cve, *f, want)
			}
		}
		if f := again[blue.CVE]; f.Status.Status != cordon.FindingFixed {
			t.Errorf("status = %+v, want fixed", f.Status)
		}
		x := e.exposure(t, ct.ID)
		if counts(x) != [5]int{3, 2, 2, 1, 2} || !x.AssessedAt.Equal(Epoch.Add(time.Hour)) || !reflect.DeepEqual(x.Risk, risk) || !x.Unsupported {
			t.Errorf("exposure after an unchanged re-assessment = %+v", x)
		}

		// Only the pump's score changes.
		e.clock.Add(time.Hour)
		must(t, e.Findings.ReplaceFindings(e.sys, set(45)))
		if x := e.exposure(t, pump.ID); x.Risk.Score != 45 || counts(x) != [5]int{1, 1, 0, 0, 1} || !x.AssessedAt.Equal(Epoch.Add(2*time.Hour)) {
			t.Errorf("pump's exposure = %+v", x)
		}
		if f := e.byCVE(t, pump.ID)[minor.CVE]; !f.LastFound.Equal(Epoch.Add(2*time.Hour)) || !f.FirstFound.Equal(Epoch) {
			t.Errorf("pump's finding = %+v", f)
		}
	})

	t.Run("ReplaceInvalid", func(t *testing.T) {
		e, ct, pump, _ := findingsEnv(t, open)
		bad := func(f func(*cordon.Finding)) []cordon.Finding {
			x := minor
			f(&x)
			return []cordon.Finding{x}
		}
		for name, tt := range map[string]struct {
			set  []cordon.DeviceAssessment
			code string
		}{
			"ErrNoDevice":    {[]cordon.DeviceAssessment{{DeviceID: ct.ID, Findings: []cordon.Finding{eternal}}, {DeviceID: 9999}}, cordon.ENOTFOUND},
			"ErrDeviceID":    {[]cordon.DeviceAssessment{{DeviceID: 0}}, cordon.EINVALID},
			"ErrTwice":       {[]cordon.DeviceAssessment{{DeviceID: ct.ID}, {DeviceID: ct.ID}}, cordon.EINVALID},
			"ErrDuplicate":   {[]cordon.DeviceAssessment{{DeviceID: ct.ID, Findings: []cordon.Finding{eternal, eternal}}}, cordon.EINVALID},
			"ErrMatch":       {[]cordon.DeviceAssessment{{DeviceID: ct.ID, Findings: bad(func(f *cordon.Finding) { f.Match = "maybe" })}}, cordon.EINVALID},
			"ErrSeverity":    {[]cordon.DeviceAssessment{{DeviceID: ct.ID, Findings: bad(func(f *cordon.Finding) { f.Severity = "huge" })}}, cordon.EINVALID},
			"ErrCVE":         {[]cordon.DeviceAssessment{{DeviceID: ct.ID, Findings: bad(func(f *cordon.Finding) { f.CVE = "" })}}, cordon.EINVALID},
			"ErrOtherDevice": {[]cordon.DeviceAssessment{{DeviceID: ct.ID, Findings: bad(func(f *cordon.Finding) { f.Device.ID = pump.ID })}}, cordon.EINVALID},
			"ErrScore":       {[]cordon.DeviceAssessment{{DeviceID: ct.ID, Exposure: cordon.Exposure{Risk: cordon.Risk{Score: 101}}}}, cordon.EINVALID},
		} {
			t.Run(name, func(t *testing.T) {
				wantCode(t, e.Findings.ReplaceFindings(e.sys, tt.set), tt.code)
			})
		}
		if _, n, _ := e.Findings.FindFindings(e.sys, cordon.FindingFilter{Gone: true}); n != 0 {
			t.Errorf("%d findings kept from failed replacements", n)
		}
		_, err := e.Findings.FindExposure(e.sys, ct.ID)
		wantCode(t, err, cordon.ENOTFOUND)
	})

	t.Run("Filters", func(t *testing.T) {
		e, ct, pump, pc := findingsEnv(t, open)
		must(t, e.Findings.ReplaceFindings(e.sys, []cordon.DeviceAssessment{
			{DeviceID: ct.ID, Findings: []cordon.Finding{eternal, blue, minor}},
			{DeviceID: pump.ID, Findings: []cordon.Finding{eternal, minor}},
			{DeviceID: pc.ID, Findings: []cordon.Finding{blue}},
		}))
		e.clock.Add(time.Hour)
		must(t, e.Findings.ReplaceFindings(e.sys, []cordon.DeviceAssessment{
			{DeviceID: pc.ID, Findings: []cordon.Finding{NewFinding("CVE-2021-0001", false, 0.5, 9.1, "confirmed")}},
		}))
		pcF := e.byCVE(t, pc.ID)
		_, err := e.Findings.UpdateFindingStatus(e.ctx, e.byCVE(t, pump.ID)[minor.CVE].ID, cordon.FindingStatus{Status: cordon.FindingFixed})
		must(t, err)
		yes, no := true, false
		for name, tt := range map[string]struct {
			f    cordon.FindingFilter
			want []string // CVE@device in order
		}{
			"Priority":   {cordon.FindingFilter{}, []string{"CVE-2019-0708@ct", "CVE-2017-0144@ct", "CVE-2017-0144@pump", "CVE-2021-0001@pc", "CVE-2020-0001@ct", "CVE-2020-0001@pump"}},
			"Device":     {cordon.FindingFilter{DeviceID: pump.ID}, []string{"CVE-2017-0144@pump", "CVE-2020-0001@pump"}},
			"MAC":        {cordon.FindingFilter{MAC: "00-40-9D-AA-00-02"}, []string{"CVE-2017-0144@pump", "CVE-2020-0001@pump"}},
			"CVEs":       {cordon.FindingFilter{CVEs: []string{"cve-2017-0144", "CVE-2021-0001"}}, []string{"CVE-2017-0144@ct", "CVE-2017-0144@pump", "CVE-2021-0001@pc"}},
			"Status":     {cordon.FindingFilter{Status: cordon.FindingFixed}, []string{"CVE-2020-0001@pump"}},
			"Match":      {cordon.FindingFilter{Match: "possible"}, []string{"CVE-2019-0708@ct"}},
			"Severity":   {cordon.FindingFilter{Severity: cordon.SeverityCritical}, []string{"CVE-2019-0708@ct", "CVE-2021-0001@pc"}},
			"KEV":        {cordon.FindingFilter{KEV: &yes, Sort: "cve"}, []string{"CVE-2017-0144@ct", "CVE-2017-0144@pump", "CVE-2019-0708@ct"}},
			"NotKEV":     {cordon.FindingFilter{KEV: &no, Status: cordon.FindingOpen}, []string{"CVE-2021-0001@pc", "CVE-2020-0001@ct"}},
			"Site":       {cordon.FindingFilter{Site: "north", Severity: cordon.SeverityHigh}, []string{"CVE-2017-0144@ct"}},
			"Category":   {cordon.FindingFilter{Category: cordon.CategoryWorkstation}, []string{"CVE-2021-0001@pc"}},
			"Gone":       {cordon.FindingFilter{Gone: true, DeviceID: pc.ID}, []string{"CVE-2019-0708@pc", "CVE-2021-0001@pc"}},
			"SortDevice": {cordon.FindingFilter{Sort: "device", CVEs: []string{"CVE-2017-0144", "CVE-2021-0001"}}, []string{"CVE-2017-0144@ct", "CVE-2017-0144@pump", "CVE-2021-0001@pc"}},
			"FirstFound": {cordon.FindingFilter{Sort: "-first_found", Severity: cordon.SeverityCritical}, []string{"CVE-2021-0001@pc", "CVE-2019-0708@ct"}},
			"Page":       {cordon.FindingFilter{Offset: 1, Limit: 2}, []string{"CVE-2017-0144@ct", "CVE-2017-0144@pump"}},
		} {
			t.Run(name, func(t *testing.T) {
				fs, n, err := e.Findings.FindFindings(e.sys, tt.f)
				must(t, err)
				names := map[int64]string{ct.ID: "ct", pump.ID: "pump", pc.ID: "pc"}
				got := []string{}
				for _, f := range fs {
					got = append(got, f.CVE+"@"+names[f.Device.ID])
				}
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("got %v, want %v", got, tt.want)
				}
				if tt.f.Limit == 0 && n != len(tt.want) {
					t.Errorf("total %d, want %d", n, len(tt.want))
				}
				if name == "Page" && n != 6 {
					t.Errorf("total %d, want 6", n)
				}
			})
		}
		if f := pcF["CVE-2019-0708"]; f.Gone.IsZero() {
			t.Errorf("pc's blue should be gone: %+v", f)
		}
		many := make([]string, 1001)
		for i := range many {
			many[i] = "CVE-2000-" + strconv.Itoa(i)
		}
		for name, f := range map[string]cordon.FindingFilter{
			"ErrSort": {Sort: "score"}, "ErrStatus": {Status: "closed"}, "ErrMatch": {Match: "sure"},
			"ErrSeverity": {Severity: "severe"}, "ErrMAC": {MAC: "nope"}, "ErrCVEs": {CVEs: many},
			"ErrOffset": {Offset: -1},
		} {
			t.Run(name, func(t *testing.T) {
				_, _, err := e.Findings.FindFindings(e.sys, f)
				wantCode(t, err, cordon.EINVALID)
			})
		}
	})

	t.Run("UpdateStatus", func(t *testing.T) {
		e, ct, _, _ := findingsEnv(t, open)
		must(t, e.Findings.ReplaceFindings(e.sys, []cordon.DeviceAssessment{{DeviceID: ct.ID, Findings: []cordon.Finding{eternal, minor}}}))
		id := e.byCVE(t, ct.ID)[eternal.CVE].ID
		_, err := e.Findings.UpdateFindingStatus(e.ctx, id, cordon.FindingStatus{Status: cordon.FindingRiskAccepted})
		wantCode(t, err, cordon.EINVALID)
		_, err = e.Findings.UpdateFindingStatus(e.ctx, 9999, cordon.FindingStatus{Status: cordon.FindingFixed})
		wantCode(t, err, cordon.ENOTFOUND)

		e.clock.Add(time.Minute)
		st := cordon.FindingStatus{Status: cordon.FindingRiskAccepted, Reason: "Vendor patch in May.", Expires: Epoch.Add(60 * 24 * time.Hour), By: "mallory"}
		f, err := e.Findings.UpdateFindingStatus(e.ctx, id, st)
		must(t, err)
		want := st
		want.By, want.At = "alice", Epoch.Add(time.Minute)
		if !reflect.DeepEqual(f.Status, want) {
			t.Errorf("returned status = %+v, want %+v", f.Status, want)
		}
		if got, _ := e.Findings.FindFindingByID(e.sys, id); !reflect.DeepEqual(got.Status, want) {
			t.Errorf("stored status = %+v", got.Status)
		}
		if x := e.exposure(t, ct.ID); x.Open != 1 || x.Findings != 2 {
			t.Errorf("exposure counts after a status change: %+v", counts(x))
		}
		es, _, err := e.Audit.FindAuditEntries(e.sys, cordon.AuditFilter{Object: "finding:" + strconv.FormatInt(id, 10)})
		must(t, err)
		if len(es) != 1 || es[0].Action != "finding.status" || es[0].Actor != "alice" ||
			!jsonHas(es[0].Before, `"status":"open"`) || !jsonHas(es[0].After, `"status":"risk_accepted"`) {
			t.Errorf("audit = %+v", es)
		}
	})

	t.Run("Exposures", func(t *testing.T) {
		e, ct, pump, pc := findingsEnv(t, open)
		ending := cordon.SupportStatus{Subject: "os", Name: "Windows 10 22H2", State: cordon.SupportEnding, Reason: "Ends soon."}
		must(t, e.Findings.ReplaceFindings(e.sys, []cordon.DeviceAssessment{
			{DeviceID: ct.ID, Findings: []cordon.Finding{eternal, blue, minor}, Exposure: cordon.Exposure{Risk: cordon.Risk{Score: 90}, Support: []cordon.SupportStatus{win7}}},
			{DeviceID: pump.ID, Findings: []cordon.Finding{minor}, Exposure: cordon.Exposure{Risk: cordon.Risk{Score: 30}, Support: []cordon.SupportStatus{ending}}},
			{DeviceID: pc.ID, Exposure: cordon.Exposure{Risk: cordon.Risk{Score: 10}}},
		}))
		_, err := e.Findings.UpdateFindingStatus(e.ctx, e.byCVE(t, ct.ID)[minor.CVE].ID, cordon.FindingStatus{Status: cordon.FindingMitigated, Controls: []string{"VLAN"}})
		must(t, err)
		yes, no := true, false
		for name, tt := range map[string]struct {
			f    cordon.ExposureFilter
			want []int64
		}{
			"All":         {cordon.ExposureFilter{}, []int64{ct.ID, pump.ID, pc.ID}},
			"Site":        {cordon.ExposureFilter{Site: "SOUTH"}, []int64{pump.ID}},
			"Category":    {cordon.ExposureFilter{Category: cordon.CategoryWorkstation}, []int64{pc.ID}},
			"Medical":     {cordon.ExposureFilter{Medical: &yes}, []int64{ct.ID, pump.ID}},
			"Unsupported": {cordon.ExposureFilter{Unsupported: &yes}, []int64{ct.ID}},
			"KEV":         {cordon.ExposureFilter{KEV: &yes}, []int64{ct.ID}},
			"NoKEV":       {cordon.ExposureFilter{KEV: &no}, []int64{pump.ID, pc.ID}},
			"MinScore":    {cordon.ExposureFilter{MinScore: 30}, []int64{ct.ID, pump.ID}},
			"Page":        {cordon.ExposureFilter{Offset: 1, Limit: 1}, []int64{pump.ID}},
		} {
			t.Run(name, func(t *testing.T) {
				xs, n, err := e.Findings.FindExposures(e.sys, tt.f)
				must(t, err)
				got := []int64{}
				for _, x := range xs {
					got = append(got, x.Device.ID)
				}
				if !reflect.DeepEqual(got, tt.want) || (tt.f.Limit == 0 && n != len(tt.want)) {
					t.Errorf("got %v (total %d), want %v", got, n, tt.want)
				}
			})
		}
		_, _, err = e.Findings.FindExposures(e.sys, cordon.ExposureFilter{MinScore: -1})
		wantCode(t, err, cordon.EINVALID)

		sum, err := e.Findings.ExposureSummary(e.sys)
		must(t, err)
		want := &cordon.ExposureSummary{
			Assessed: 3, Exposed: 2, KEVDevices: 1, Unsupported: 1, Ending: 1,
			ByCategory: []cordon.ExposureBucket{
				{Name: cordon.CategoryImagingModality, Devices: 1, Exposed: 1, KEV: 1, Unsupported: 1, MaxScore: 90},
				{Name: cordon.CategoryInfusionPump, Devices: 1, Exposed: 1, MaxScore: 30},
				{Name: cordon.CategoryWorkstation, Devices: 1, MaxScore: 10},
			},
			BySite: []cordon.ExposureBucket{
				{Name: "", Devices: 1, MaxScore: 10},
				{Name: "North", Devices: 1, Exposed: 1, KEV: 1, Unsupported: 1, MaxScore: 90},
				{Name: "South", Devices: 1, Exposed: 1, MaxScore: 30},
			},
			BySeverity: map[string]int{"critical": 1, "high": 1, "medium": 1, "low": 0, "none": 0, "unknown": 0},
			ByStatus:   map[string]int{"open": 3, "risk_accepted": 0, "mitigated": 1, "not_affected": 0, "fixed": 0},
		}
		if !reflect.DeepEqual(sum, want) {
			t.Errorf("ExposureSummary =\n%+v\nwant\n%+v", sum, want)
		}
		_, err = e.Findings.FindExposure(e.sys, 9999)
		wantCode(t, err, cordon.ENOTFOUND)
	})

	t.Run("EmptySummary", func(t *testing.T) {
		e := setup(t, open)
		sum, err := e.Findings.ExposureSummary(e.sys)
		must(t, err)
		if sum.Assessed != 0 || len(sum.ByCategory) != 0 || sum.BySeverity["critical"] != 0 || len(sum.ByStatus) != len(cordon.FindingStatuses) {
			t.Errorf("summary of an empty store = %+v", sum)
		}
	})
}

// jsonHas reports whether a JSON document contains the text s.
func jsonHas(doc []byte, s string) bool { return strings.Contains(string(doc), s) }
