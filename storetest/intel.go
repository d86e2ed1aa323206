package storetest

import (
	"errors"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// Vuln returns an NVD record with one CVSS score, one configuration and a
// reference, modified at modified.
func Vuln(id string, modified time.Time, desc string) *cordon.Vulnerability {
	return &cordon.Vulnerability{
		ID: id, Published: modified.Add(-24 * time.Hour), Modified: modified, Description: desc,
		CVSS: []cordon.CVSS{{Version: "3.1", Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", BaseScore: 9.8,
			Severity: "CRITICAL", Source: "nvd@nist.gov", Primary: true}},
		Configurations: []cordon.Configuration{{Operator: "AND", Nodes: []cordon.Node{
			{Operator: "OR", CPEMatch: []cordon.CPEMatch{{Vulnerable: true,
				Criteria: "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*", VersionEndExcluding: "6.1.7601.23689"}}},
		}}},
		References: []string{"https://nvd.nist.gov/vuln/detail/" + id, "https://vendor.example/fix/" + id},
		Patches:    []string{"https://vendor.example/fix/" + id},
	}
}

// importFeed imports what fn writes as a file of source named name.
func (e *env) importFeed(tb testing.TB, source, name string, fn func(w cordon.FeedWriter) error) *cordon.FeedImport {
	tb.Helper()
	imp := &cordon.FeedImport{Source: source, Name: name, SHA256: Hash(source + name)}
	must(tb, e.Intel.ImportFeed(e.ctx, imp, fn))
	return imp
}

func (e *env) intelVersion(tb testing.TB) int64 {
	tb.Helper()
	v, err := e.Intel.IntelVersion(e.sys)
	must(tb, err)
	return v
}

func testIntel(t *testing.T, open func(tb testing.TB) *Store) {
	day := Epoch.Add(-30 * 24 * time.Hour)
	eternal := Vuln("CVE-2017-0144", day, "The SMBv1 server in Microsoft Windows allows remote code execution.")
	blue := Vuln("CVE-2019-0708", day, "A remote code execution vulnerability exists in Remote Desktop Services.")

	t.Run("ImportCommits", func(t *testing.T) {
		e := setup(t, open)
		if v := e.intelVersion(t); v != 0 {
			t.Errorf("IntelVersion of an empty store = %d, want 0", v)
		}
		imp := &cordon.FeedImport{Source: cordon.FeedNVD, Name: "nvdcve-2.0-2017.json.gz", SHA256: Hash("a")}
		must(t, e.Intel.ImportFeed(e.ctx, imp, func(w cordon.FeedWriter) error {
			must(t, w.PutVulnerability(blue))
			return w.PutVulnerability(eternal)
		}))
		if imp.ID == 0 || !imp.ImportedAt.Equal(Epoch) || imp.Changed != 2 || imp.Records != 2 || imp.By != "alice" {
			t.Errorf("import = %+v", imp)
		}
		got, err := e.Intel.FindVulnerability(e.sys, "CVE-2017-0144")
		must(t, err)
		if !reflect.DeepEqual(got, eternal) {
			t.Errorf("FindVulnerability = %+v\nwant %+v", got, eternal)
		}
		// IDs are case-insensitive.
		if _, err := e.Intel.FindVulnerability(e.sys, "cve-2019-0708"); err != nil {
			t.Errorf("lower-case ID: %v", err)
		}
		if v := e.intelVersion(t); v != 1 {
			t.Errorf("IntelVersion = %d, want 1", v)
		}
		imps, err := e.Intel.FindFeedImports(e.sys, 10)
		must(t, err)
		if len(imps) != 1 || !reflect.DeepEqual(imps[0], imp) {
			t.Errorf("FindFeedImports = %+v, want [%+v]", imps, imp)
		}
		es, _, err := e.Audit.FindAuditEntries(e.sys, cordon.AuditFilter{Object: "feed:" + strconv.FormatInt(imp.ID, 10)})
		must(t, err)
		if len(es) != 1 || es[0].Action != "feed.import" || es[0].Actor != "alice" || es[0].Before != nil {
			t.Fatalf("audit = %+v", es)
		}
	})

	t.Run("ModifiedNotNewerKept", func(t *testing.T) {
		e := setup(t, open)
		e.importFeed(t, cordon.FeedNVD, "one", func(w cordon.FeedWriter) error { return w.PutVulnerability(eternal) })
		stale := *eternal
		stale.Description = "An older text."
		same := *eternal
		same.Description = "Same date, other text."
		imp := e.importFeed(t, cordon.FeedNVD, "two", func(w cordon.FeedWriter) error {
			stale.Modified = day.Add(-time.Hour)
			must(t, w.PutVulnerability(&stale))
			return w.PutVulnerability(&same)
		})
		if imp.Changed != 0 || imp.Records != 2 {
			t.Errorf("Changed = %d, Records = %d; want 0, 2", imp.Changed, imp.Records)
		}
		got, err := e.Intel.FindVulnerability(e.sys, eternal.ID)
		must(t, err)
		if got.Description != eternal.Description {
			t.Errorf("description = %q: a record no newer replaced the stored one", got.Description)
		}
		newer := *eternal
		newer.Modified, newer.Description = day.Add(time.Hour), "Updated."
		imp = e.importFeed(t, cordon.FeedNVD, "three", func(w cordon.FeedWriter) error { return w.PutVulnerability(&newer) })
		got, err = e.Intel.FindVulnerability(e.sys, eternal.ID)
		must(t, err)
		if imp.Changed != 1 || got.Description != "Updated." || !got.Modified.Equal(newer.Modified) {
			t.Errorf("Changed = %d, stored %q %v", imp.Changed, got.Description, got.Modified)
		}
	})

	t.Run("ErrorRollsBack", func(t *testing.T) {
		e := setup(t, open)
		boom := errors.New("bad record at line 7")
		imp := &cordon.FeedImport{Source: cordon.FeedNVD, Name: "bad.json", SHA256: Hash("bad")}
		err := e.Intel.ImportFeed(e.ctx, imp, func(w cordon.FeedWriter) error {
			must(t, w.PutVulnerability(eternal))
			must(t, w.PutKEV(eternal.ID, &cordon.KEVEntry{DateAdded: day}))
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("ImportFeed = %v, want fn's error", err)
		}
		e.wantNoIntel(t)
		// The same file imports once it is sound.
		must(t, e.Intel.ImportFeed(e.ctx, imp, func(w cordon.FeedWriter) error { return w.PutVulnerability(eternal) }))
	})

	t.Run("WriterErrorFailsImport", func(t *testing.T) {
		e := setup(t, open)
		var putErr error
		err := e.Intel.ImportFeed(e.ctx, &cordon.FeedImport{Source: cordon.FeedEPSS, Name: "epss.csv", SHA256: Hash("e")},
			func(w cordon.FeedWriter) error {
				must(t, w.PutEPSS("CVE-2017-0144", &cordon.EPSSScore{Score: 0.9, Percentile: 0.99, Date: day}))
				putErr = w.PutEPSS("CVE-2019-0708", &cordon.EPSSScore{Score: 1.5, Percentile: 0.5, Date: day})
				return nil // ignores the refusal
			})
		wantCode(t, putErr, cordon.EINVALID)
		wantCode(t, err, cordon.EINVALID)
		e.wantNoIntel(t)
	})

	t.Run("WriterRefusesBadRecords", func(t *testing.T) {
		e := setup(t, open)
		for name, put := range map[string]func(w cordon.FeedWriter) error{
			"NilVulnerability": func(w cordon.FeedWriter) error { return w.PutVulnerability(nil) },
			"EmptyID":          func(w cordon.FeedWriter) error { return w.PutVulnerability(&cordon.Vulnerability{}) },
			"NilKEV":           func(w cordon.FeedWriter) error { return w.PutKEV("CVE-2017-0144", nil) },
			"EPSSNoDate":       func(w cordon.FeedWriter) error { return w.PutEPSS("CVE-2017-0144", &cordon.EPSSScore{Score: 0.1}) },
			"AdvisoryNoID":     func(w cordon.FeedWriter) error { return w.PutAdvisory(&cordon.Advisory{}) },
			"LifecycleNoRelease": func(w cordon.FeedWriter) error {
				return w.PutLifecycle(&cordon.Lifecycle{Product: "windows"})
			},
		} {
			t.Run(name, func(t *testing.T) {
				var putErr error
				err := e.Intel.ImportFeed(e.ctx, &cordon.FeedImport{Source: cordon.FeedNVD, Name: name, SHA256: Hash(name)},
					func(w cordon.FeedWriter) error { putErr = put(w); return putErr })
				wantCode(t, putErr, cordon.EINVALID)
				wantCode(t, err, cordon.EINVALID)
			})
		}
		e.wantNoIntel(t)
	})

	t.Run("WriterUnusableAfterImport", func(t *testing.T) {
		e := setup(t, open)
		var kept cordon.FeedWriter
		e.importFeed(t, cordon.FeedNVD, "a", func(w cordon.FeedWriter) error { kept = w; return nil })
		if err := kept.PutVulnerability(eternal); err == nil {
			t.Error("a writer kept after its import still writes")
		}
		if _, err := e.Intel.FindVulnerability(e.sys, eternal.ID); cordon.ErrorCode(err) != cordon.ENOTFOUND {
			t.Errorf("FindVulnerability after a late put: %v", err)
		}
	})

	t.Run("Duplicate", func(t *testing.T) {
		e := setup(t, open)
		first := e.importFeed(t, cordon.FeedKEV, "known_exploited_vulnerabilities.json", func(w cordon.FeedWriter) error {
			return w.PutKEV(eternal.ID, &cordon.KEVEntry{DateAdded: day})
		})
		e.clock.Add(time.Hour)
		again := &cordon.FeedImport{Source: cordon.FeedKEV, Name: "renamed.json", SHA256: first.SHA256}
		ran := false
		err := e.Intel.ImportFeed(e.ctx, again, func(cordon.FeedWriter) error { ran = true; return nil })
		wantCode(t, err, cordon.ECONFLICT)
		if ran {
			t.Error("fn ran for a duplicate import")
		}
		if !reflect.DeepEqual(again, first) {
			t.Errorf("imp = %+v, want the earlier import %+v", again, first)
		}
		if v := e.intelVersion(t); v != 1 {
			t.Errorf("IntelVersion = %d after a duplicate, want 1", v)
		}
		// The same bytes under another source are another import.
		e.importFeed(t, cordon.FeedEPSS, "known_exploited_vulnerabilities.json", func(cordon.FeedWriter) error { return nil })
		if v := e.intelVersion(t); v != 2 {
			t.Errorf("IntelVersion = %d, want 2", v)
		}
	})

	t.Run("InvalidImport", func(t *testing.T) {
		e := setup(t, open)
		noop := func(cordon.FeedWriter) error { return nil }
		for name, imp := range map[string]*cordon.FeedImport{
			"ErrSource": {Source: "osv", Name: "x", SHA256: Hash("x")},
			"ErrSHA256": {Source: cordon.FeedNVD, Name: "x", SHA256: "abc"},
			"ErrName":   {Source: cordon.FeedNVD, SHA256: Hash("x")},
		} {
			wantCode(t, e.Intel.ImportFeed(e.ctx, imp, noop), cordon.EINVALID)
			_ = name
		}
		wantCode(t, e.Intel.ImportFeed(e.ctx, &cordon.FeedImport{Source: cordon.FeedNVD, Name: "x", SHA256: Hash("x")}, nil), cordon.EINVALID)
		e.wantNoIntel(t)
	})

	t.Run("KEVAndEPSS", func(t *testing.T) {
		e := setup(t, open)
		kev := &cordon.KEVEntry{VendorProject: "Microsoft", Product: "Windows", Name: "Microsoft Windows SMBv1 Remote Code Execution",
			DateAdded: day, DueDate: day.Add(14 * 24 * time.Hour), RequiredAction: "Apply updates.", Ransomware: true, Notes: "https://example.org"}
		e.importFeed(t, cordon.FeedNVD, "nvd", func(w cordon.FeedWriter) error { return w.PutVulnerability(eternal) })
		imp := e.importFeed(t, cordon.FeedKEV, "kev", func(w cordon.FeedWriter) error {
			must(t, w.PutKEV(eternal.ID, kev))
			// Listed before NVD describes it.
			return w.PutKEV("CVE-2099-0001", &cordon.KEVEntry{VendorProject: "Acme", DateAdded: day})
		})
		if imp.Changed != 2 {
			t.Errorf("KEV Changed = %d, want 2", imp.Changed)
		}
		// The same listing again changes nothing.
		imp = e.importFeed(t, cordon.FeedKEV, "kev again", func(w cordon.FeedWriter) error { return w.PutKEV(eternal.ID, kev) })
		if imp.Changed != 0 {
			t.Errorf("unchanged KEV Changed = %d, want 0", imp.Changed)
		}
		s1 := cordon.EPSSScore{Score: 0.94, Percentile: 0.999, Date: day.Add(24 * time.Hour), Model: "v2025.03.14"}
		s0 := cordon.EPSSScore{Score: 0.9, Percentile: 0.99, Date: day, Model: "v2025.03.14"}
		e.importFeed(t, cordon.FeedEPSS, "day1", func(w cordon.FeedWriter) error { return w.PutEPSS(eternal.ID, &s1) })
		// An older day imported late is history, not the latest.
		imp = e.importFeed(t, cordon.FeedEPSS, "day0", func(w cordon.FeedWriter) error {
			must(t, w.PutEPSS(eternal.ID, &s0))
			return w.PutEPSS(eternal.ID, &s1) // unchanged
		})
		if imp.Changed != 1 {
			t.Errorf("EPSS Changed = %d, want 1", imp.Changed)
		}
		got, err := e.Intel.FindVulnerability(e.sys, eternal.ID)
		must(t, err)
		if !reflect.DeepEqual(got.KEV, kev) || got.EPSS == nil || *got.EPSS != s1 {
			t.Errorf("KEV %+v EPSS %+v, want %+v %+v", got.KEV, got.EPSS, kev, s1)
		}
		hist, err := e.Intel.EPSSHistory(e.sys, eternal.ID)
		must(t, err)
		if !reflect.DeepEqual(hist, []cordon.EPSSScore{s0, s1}) {
			t.Errorf("EPSSHistory = %+v", hist)
		}
		if hist, err := e.Intel.EPSSHistory(e.sys, "CVE-2099-0001"); err != nil || len(hist) != 0 {
			t.Errorf("EPSSHistory of an unscored CVE = %v, %v", hist, err)
		}

		only, err := e.Intel.FindVulnerability(e.sys, "CVE-2099-0001")
		must(t, err)
		if only.ID != "CVE-2099-0001" || only.KEV == nil || only.KEV.VendorProject != "Acme" || only.EPSS != nil ||
			only.Description != "" || len(only.CVSS) != 0 || !only.Modified.IsZero() {
			t.Errorf("KEV-only vulnerability = %+v", only)
		}
		e.importFeed(t, cordon.FeedEPSS, "day2", func(w cordon.FeedWriter) error { return w.PutEPSS("CVE-2099-0002", &s0) })
		if only, err := e.Intel.FindVulnerability(e.sys, "CVE-2099-0002"); err != nil || only.EPSS == nil || only.KEV != nil {
			t.Errorf("EPSS-only vulnerability = %+v, %v", only, err)
		}
		_, err = e.Intel.FindVulnerability(e.sys, "CVE-2099-9999")
		wantCode(t, err, cordon.ENOTFOUND)
	})

	t.Run("EachVulnerability", func(t *testing.T) {
		e := setup(t, open)
		e.importFeed(t, cordon.FeedNVD, "nvd", func(w cordon.FeedWriter) error {
			must(t, w.PutVulnerability(blue))
			must(t, w.PutVulnerability(Vuln("CVE-2014-0160", day, "Heartbleed.")))
			return w.PutVulnerability(eternal)
		})
		e.importFeed(t, cordon.FeedKEV, "kev", func(w cordon.FeedWriter) error {
			must(t, w.PutKEV("CVE-2099-0001", &cordon.KEVEntry{DateAdded: day}))
			return w.PutKEV(blue.ID, &cordon.KEVEntry{DateAdded: day, VendorProject: "Microsoft"})
		})
		e.importFeed(t, cordon.FeedEPSS, "epss", func(w cordon.FeedWriter) error {
			return w.PutEPSS(eternal.ID, &cordon.EPSSScore{Score: 0.5, Percentile: 0.5, Date: day})
		})
		var ids []string
		var all []*cordon.Vulnerability
		must(t, e.Intel.EachVulnerability(e.sys, func(v *cordon.Vulnerability) error {
			ids, all = append(ids, v.ID), append(all, v)
			return nil
		}))
		if want := []string{"CVE-2014-0160", "CVE-2017-0144", "CVE-2019-0708"}; !reflect.DeepEqual(ids, want) {
			t.Fatalf("EachVulnerability IDs = %v, want %v (ID order, NVD's only)", ids, want)
		}
		if all[1].EPSS == nil || all[1].EPSS.Score != 0.5 || all[2].KEV == nil || all[2].KEV.VendorProject != "Microsoft" || all[0].KEV != nil {
			t.Errorf("KEV and EPSS not attached: %+v %+v %+v", all[0], all[1], all[2])
		}
		if all[0] == all[1] || all[0].Description != "Heartbleed." {
			t.Errorf("values are not fn's to keep")
		}
		stop := errors.New("stop")
		n := 0
		err := e.Intel.EachVulnerability(e.sys, func(*cordon.Vulnerability) error { n++; return stop })
		if !errors.Is(err, stop) || n != 1 {
			t.Errorf("EachVulnerability = %v after %d calls, want stop after 1", err, n)
		}
	})

	t.Run("Advisories", func(t *testing.T) {
		e := setup(t, open)
		old := &cordon.Advisory{ID: "ICSMA-21-341-01", Title: "Old", Publisher: "CISA", Released: day, Updated: day,
			CVEs: []string{"CVE-2021-1"}, Products: []cordon.ProductStatus{{ProductID: "CSAFPID-1", CVE: "CVE-2021-1",
				Vendor: "Acme", Product: "Pump", Versions: "<4.2", Status: cordon.StatusKnownAffected}},
			Remediations: []cordon.Remediation{{Category: cordon.RemediationVendorFix, Details: "Update.", ProductIDs: []string{"CSAFPID-1"}, CVEs: []string{"CVE-2021-1"}}},
			Scores:       map[string]cordon.CVSS{"CVE-2021-1": {Version: "3.1", BaseScore: 7.5}}}
		recent := &cordon.Advisory{ID: "ICSMA-23-145-01", Title: "Recent", Updated: day.Add(time.Hour)}
		imp := e.importFeed(t, cordon.FeedCSAF, "a", func(w cordon.FeedWriter) error {
			must(t, w.PutAdvisory(old))
			return w.PutAdvisory(recent)
		})
		if imp.Changed != 2 {
			t.Errorf("Changed = %d", imp.Changed)
		}
		as, err := e.Intel.FindAdvisories(e.sys)
		must(t, err)
		if len(as) != 2 || as[0].ID != recent.ID || !reflect.DeepEqual(as[1], old) {
			t.Fatalf("FindAdvisories = %+v", as)
		}
		revised := *recent
		revised.Title = "Recent (update A)"
		imp = e.importFeed(t, cordon.FeedCSAF, "b", func(w cordon.FeedWriter) error {
			must(t, w.PutAdvisory(old))
			return w.PutAdvisory(&revised)
		})
		if imp.Changed != 1 {
			t.Errorf("Changed = %d, want 1 (one revised)", imp.Changed)
		}
		got, err := e.Intel.FindAdvisory(e.sys, recent.ID)
		must(t, err)
		if got.Title != revised.Title {
			t.Errorf("FindAdvisory = %+v", got)
		}
		_, err = e.Intel.FindAdvisory(e.sys, "ICSMA-00-000-00")
		wantCode(t, err, cordon.ENOTFOUND)
	})

	t.Run("Lifecycles", func(t *testing.T) {
		e := setup(t, open)
		w10 := cordon.Lifecycle{Product: "windows", Release: "10-22h2", EndOfLife: Epoch, Source: "endoflife.date"}
		w7 := cordon.Lifecycle{Product: "windows", Release: "7", Label: "7 SP1", EndOfLife: day, EndOfESU: day, Source: "endoflife.date"}
		ct := cordon.Lifecycle{Product: "Siemens Healthineers SOMATOM", Release: "VA40", Source: "cordon"}
		e.importFeed(t, cordon.FeedLifecycle, "a", func(w cordon.FeedWriter) error {
			must(t, w.PutLifecycle(&w7))
			must(t, w.PutLifecycle(&w10))
			return w.PutLifecycle(&ct)
		})
		w7.Latest = "6.1.7601"
		e.importFeed(t, cordon.FeedLifecycle, "b", func(w cordon.FeedWriter) error { return w.PutLifecycle(&w7) })
		ls, err := e.Intel.FindLifecycles(e.sys)
		must(t, err)
		if want := []cordon.Lifecycle{ct, w10, w7}; !reflect.DeepEqual(ls, want) {
			t.Errorf("FindLifecycles = %+v\nwant %+v", ls, want)
		}
	})

	t.Run("FeedStatus", func(t *testing.T) {
		e := setup(t, open)
		sts, err := e.Intel.FeedStatus(e.sys)
		must(t, err)
		if len(sts) != len(cordon.FeedSources) {
			t.Fatalf("%d statuses, want %d", len(sts), len(cordon.FeedSources))
		}
		for i, st := range sts {
			if st.Source != cordon.FeedSources[i] || st.Records != 0 || !st.Newest.IsZero() || st.LastImport != nil {
				t.Errorf("empty store: status %d = %+v", i, st)
			}
		}
		e.importFeed(t, cordon.FeedNVD, "1", func(w cordon.FeedWriter) error { return w.PutVulnerability(eternal) })
		e.clock.Add(time.Hour)
		last := e.importFeed(t, cordon.FeedNVD, "2", func(w cordon.FeedWriter) error {
			return w.PutVulnerability(Vuln("CVE-2020-0001", day.Add(time.Hour), ""))
		})
		kev := e.importFeed(t, cordon.FeedKEV, "k", func(w cordon.FeedWriter) error {
			return w.PutKEV(eternal.ID, &cordon.KEVEntry{DateAdded: day.Add(2 * time.Hour)})
		})
		e.importFeed(t, cordon.FeedEPSS, "e", func(w cordon.FeedWriter) error {
			must(t, w.PutEPSS(eternal.ID, &cordon.EPSSScore{Score: 0.1, Date: day}))
			return w.PutEPSS(eternal.ID, &cordon.EPSSScore{Score: 0.2, Date: day.Add(24 * time.Hour)})
		})
		e.importFeed(t, cordon.FeedCSAF, "c", func(w cordon.FeedWriter) error {
			return w.PutAdvisory(&cordon.Advisory{ID: "ICSMA-1", Updated: day.Add(3 * time.Hour)})
		})
		e.clock.Add(time.Hour)
		e.importFeed(t, cordon.FeedLifecycle, "l", func(w cordon.FeedWriter) error {
			return w.PutLifecycle(&cordon.Lifecycle{Product: "windows", Release: "7"})
		})
		sts, err = e.Intel.FeedStatus(e.sys)
		must(t, err)
		want := map[string]struct {
			records int
			newest  time.Time
		}{
			cordon.FeedNVD:       {2, day.Add(time.Hour)},
			cordon.FeedKEV:       {1, day.Add(2 * time.Hour)},
			cordon.FeedEPSS:      {1, day.Add(24 * time.Hour)},
			cordon.FeedCSAF:      {1, day.Add(3 * time.Hour)},
			cordon.FeedLifecycle: {1, Epoch.Add(2 * time.Hour)},
		}
		for _, st := range sts {
			w := want[st.Source]
			if st.Records != w.records || !st.Newest.Equal(w.newest) || st.LastImport == nil || st.LastImport.Source != st.Source {
				t.Errorf("%s: %+v, want %d records, newest %v", st.Source, st, w.records, w.newest)
			}
		}
		if !reflect.DeepEqual(sts[0].LastImport, last) || !reflect.DeepEqual(sts[1].LastImport, kev) {
			t.Errorf("last imports %+v %+v", sts[0].LastImport, sts[1].LastImport)
		}
		imps, err := e.Intel.FindFeedImports(e.sys, 2)
		must(t, err)
		if len(imps) != 2 || imps[0].Source != cordon.FeedLifecycle || imps[1].Source != cordon.FeedCSAF {
			t.Errorf("FindFeedImports(2) = %+v, want newest first", imps)
		}
	})
}

// wantNoIntel fails tb if the store holds any intelligence, import or
// audit entry.
func (e *env) wantNoIntel(tb testing.TB) {
	tb.Helper()
	if v := e.intelVersion(tb); v != 0 {
		tb.Errorf("IntelVersion = %d, want 0", v)
	}
	imps, err := e.Intel.FindFeedImports(e.sys, 0)
	must(tb, err)
	if len(imps) != 0 {
		tb.Errorf("imports recorded: %+v", imps)
	}
	n := 0
	must(tb, e.Intel.EachVulnerability(e.sys, func(*cordon.Vulnerability) error { n++; return nil }))
	if n != 0 {
		tb.Errorf("%d vulnerabilities kept", n)
	}
	sts, err := e.Intel.FeedStatus(e.sys)
	must(tb, err)
	for _, st := range sts {
		if st.Records != 0 {
			tb.Errorf("%s holds %d records", st.Source, st.Records)
		}
	}
	_, n, err = e.Audit.FindAuditEntries(e.sys, cordon.AuditFilter{})
	must(tb, err)
	if n != 0 {
		tb.Errorf("%d audit entries", n)
	}
}
