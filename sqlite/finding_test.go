package sqlite_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/sqlite"
	"github.com/cordonsec/cordon/storetest"
)

// TestReplaceFindingsWrites counts the rows each re-assessment writes
// (SQLite's total_changes() on the one write connection): an unchanged
// re-assessment writes one assessments row per device and no finding;
// a change writes only what changed.
func TestReplaceFindingsWrites(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	now := storetest.Epoch
	db.Now = func() time.Time { return now }
	ids, _ := fillFindings(t, db, 20, 10, 0, nil)
	svc := sqlite.NewFindingService(db)
	set := func() []cordon.DeviceAssessment {
		s := make([]cordon.DeviceAssessment, len(ids))
		for i, id := range ids {
			s[i] = benchAssessment(id, 10, 0)
		}
		return s
	}
	changes := func() int {
		t.Helper()
		var n int
		must(t, db.QueryRowForTest(`SELECT total_changes()`).Scan(&n))
		return n
	}
	replace := func(s []cordon.DeviceAssessment) int {
		t.Helper()
		now = now.Add(time.Hour)
		before := changes()
		must(t, svc.ReplaceFindings(ctx, s))
		return changes() - before
	}
	var findings int
	must(t, db.QueryRowForTest(`SELECT count(*) FROM findings`).Scan(&findings))
	if findings < 150 {
		t.Fatalf("%d findings stored, want about 200", findings)
	}

	t.Run("Unchanged", func(t *testing.T) {
		s := set()
		// In another order: the matcher need not keep one.
		slices.Reverse(s[3].Findings)
		if n := replace(s); n != len(ids) {
			t.Errorf("an unchanged re-assessment wrote %d rows, want %d (the assessment times)", n, len(ids))
		}
		x, err := svc.FindExposure(ctx, ids[3])
		must(t, err)
		if !x.AssessedAt.Equal(now) {
			t.Errorf("assessed at %v, want %v", x.AssessedAt, now)
		}
		fs, _, err := svc.FindFindings(ctx, cordon.FindingFilter{DeviceID: ids[3]})
		must(t, err)
		for _, f := range fs {
			if !f.LastFound.Equal(now) || !f.FirstFound.Equal(storetest.Epoch) {
				t.Errorf("%s: found %v to %v, want %v to %v", f.CVE, f.FirstFound, f.LastFound, storetest.Epoch, now)
			}
		}
	})
	t.Run("OneFinding", func(t *testing.T) {
		s := set()
		s[5].Findings[2].Evidence = append(s[5].Findings[2].Evidence, "dhcp.vendor_class=MSFT 5.0")
		// The finding, the device's exposure tally and its assessment.
		if n := replace(s); n != len(ids)+2 {
			t.Errorf("a re-assessment with one changed finding wrote %d rows, want %d", n, len(ids)+2)
		}
		fs, _, err := svc.FindFindings(ctx, cordon.FindingFilter{DeviceID: ids[5], CVEs: []string{s[5].Findings[2].CVE}})
		must(t, err)
		if len(fs) != 1 || len(fs[0].Evidence) != 4 || !fs[0].LastFound.Equal(now) {
			t.Errorf("changed finding = %+v", fs)
		}
	})
	t.Run("Priority", func(t *testing.T) {
		s := set()
		s[5].Findings[2].Evidence = append(s[5].Findings[2].Evidence, "dhcp.vendor_class=MSFT 5.0")
		s[6].Findings[4].EPSS.Score = 0.999
		if n := replace(s); n != len(ids)+2 {
			t.Errorf("a re-assessment with one new EPSS score wrote %d rows, want %d", n, len(ids)+2)
		}
		no := false // every device has one KEV finding, which comes first
		fs, _, err := svc.FindFindings(ctx, cordon.FindingFilter{KEV: &no, Limit: 1})
		must(t, err)
		if len(fs) != 1 || fs[0].CVE != s[6].Findings[4].CVE || fs[0].EPSS.Score != 0.999 || fs[0].Device.ID != ids[6] {
			t.Errorf("first by priority = %+v, want %s of device %d", fs, s[6].Findings[4].CVE, ids[6])
		}
	})
	t.Run("Exposure", func(t *testing.T) {
		s := set()
		s[5].Findings[2].Evidence = append(s[5].Findings[2].Evidence, "dhcp.vendor_class=MSFT 5.0")
		s[6].Findings[4].EPSS.Score = 0.999
		s[7].Exposure.Risk.Score = 99
		if n := replace(s); n != len(ids)+1 {
			t.Errorf("a re-assessment with one changed exposure wrote %d rows, want %d", n, len(ids)+1)
		}
		if x, err := svc.FindExposure(ctx, ids[7]); err != nil || x.Risk.Score != 99 || x.Findings != len(s[7].Findings) {
			t.Errorf("exposure = %+v, %v", x, err)
		}
	})
	t.Run("Gone", func(t *testing.T) {
		s := set()
		s[5].Findings[2].Evidence = append(s[5].Findings[2].Evidence, "dhcp.vendor_class=MSFT 5.0")
		s[6].Findings[4].EPSS.Score = 0.999
		s[7].Exposure.Risk.Score = 99
		goneCVE := s[9].Findings[1].CVE
		s[9].Findings = slices.Delete(s[9].Findings, 1, 2)
		last := now
		// The gone finding, the exposure tally and the assessment.
		if n := replace(s); n != len(ids)+2 {
			t.Errorf("a re-assessment with one gone finding wrote %d rows, want %d", n, len(ids)+2)
		}
		fs, _, err := svc.FindFindings(ctx, cordon.FindingFilter{DeviceID: ids[9], CVEs: []string{goneCVE}, Gone: true})
		must(t, err)
		if len(fs) != 1 || !fs[0].Gone.Equal(now) || !fs[0].LastFound.Equal(last) {
			t.Errorf("gone finding = %+v, want gone at %v, last found %v", fs, now, last)
		}
		// Back again: it applies, with its ID.
		s = set()
		s[5].Findings[2].Evidence = append(s[5].Findings[2].Evidence, "dhcp.vendor_class=MSFT 5.0")
		s[6].Findings[4].EPSS.Score = 0.999
		s[7].Exposure.Risk.Score = 99
		if n := replace(s); n != len(ids)+2 {
			t.Errorf("a re-assessment with one returning finding wrote %d rows, want %d", n, len(ids)+2)
		}
		back, _, err := svc.FindFindings(ctx, cordon.FindingFilter{DeviceID: ids[9], CVEs: []string{goneCVE}})
		must(t, err)
		if len(back) != 1 || back[0].ID != fs[0].ID || !back[0].LastFound.Equal(now) {
			t.Errorf("returned finding = %+v", back)
		}
	})
}
