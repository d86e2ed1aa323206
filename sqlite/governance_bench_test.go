package sqlite_test

import (
	"context"
	"flag"
	"fmt"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/remediation"
	"github.com/cordonsec/cordon/sqlite"
	"github.com/cordonsec/cordon/storetest"
)

// The governance benchmarks (issue 5) default to a small trust so that
// `go test ./...` stays quick; the flags give a large one (the figures in
// docs/benchmarks.md, "Governance at scale"):
//
//	go test -run '^$' -bench 'Governance' -benchtime 20x -timeout 60m ./sqlite/ -args \
//	  -gov-devices 50000 -gov-remediations 5000 -gov-exceptions 500 \
//	  -gov-conversations 1000000 -gov-raises 100000
var (
	govDevices       = flag.Int("gov-devices", 2_000, "assessed devices of the exception-coverage and lifecycle benchmarks (a large trust: 50,000)")
	govRemediations  = flag.Int("gov-remediations", 500, "remediation records of the remediation-board benchmarks, 10 devices each (large: 5,000)")
	govExceptions    = flag.Int("gov-exceptions", 50, "exceptions of the coverage benchmark (large: 500)")
	govConversations = flag.Int("gov-conversations", 50_000, "hourly conversations of the remote-access benchmark (large: 1,000,000)")
	govRaises        = flag.Int("gov-raises", 10_000, "alert raises of the alert benchmark, over one key in 20 (large: 100,000)")
)

// govNow is the benchmarks' clock: a month after the devices were first
// seen (storetest.Epoch), so that past dates are plausible.
var govNow = storetest.Epoch.AddDate(0, 1, 0)

// govCtx acts as an analyst, as the audit rows of every change require.
func govCtx() context.Context {
	return cordon.NewContextWithUser(context.Background(), &cordon.User{ID: 1, Name: "bench", Role: cordon.RoleAdmin})
}

// govDB opens a database whose clock is *now, for the caller to move.
func govDB(b *testing.B, now *time.Time) *sqlite.DB {
	db := MustOpenDB(b)
	db.Now = func() time.Time { return *now }
	return db
}

// govFleet creates n devices, assesses each with perDev findings (so each
// has an exposure with open findings) and groups them in models of
// perModel devices, as the register of a trust with n/perModel models.
// It returns the device and model IDs.
func govFleet(b *testing.B, db *sqlite.DB, n, perDev, perModel int) (devices, models []int64) {
	b.Helper()
	ctx := govCtx()
	devices, _ = fillFindings(b, db, n, perDev, 0, nil)
	msvc := sqlite.NewModelService(db)
	for i := 0; i < len(devices); i += perModel {
		m := &cordon.DeviceModel{Manufacturer: fmt.Sprintf("Maker %03d", (i/perModel)%97), Model: fmt.Sprintf("Model %05d", i/perModel), Version: "1.0"}
		must(b, msvc.CreateModel(ctx, m))
		must(b, msvc.AssignDevices(ctx, m.ID, devices[i:min(i+perModel, len(devices))]))
		models = append(models, m.ID)
	}
	return devices, models
}

// govCVE is the k-th CVE of a model's remediations.
func govCVE(model int64, k int) string { return fmt.Sprintf("CVE-2024-%05d", int(model)*10+k) }

// fillRemediations creates n records: ten CVEs for each model of ten
// devices, spread over the states a board shows (a fifth each still
// published, awaiting validation, approved, rejected, and approved with
// half the devices applied and the rest scheduled), with dates over the
// last year so that some clocks are overdue.
func fillRemediations(b *testing.B, db *sqlite.DB, now *time.Time, n int) {
	b.Helper()
	ctx := govCtx()
	_, models := govFleet(b, db, (n+9)/10*10, 3, 10)
	svc := sqlite.NewRemediationService(db)
	for i := range n {
		model := models[i/10%len(models)]
		pub := now.AddDate(0, 0, -90-i%300)
		r := &cordon.RemediationRecord{CVE: govCVE(model, i%10), ModelID: model, FixPublished: pub, FixReference: "https://vendor.example/kb/" + fmt.Sprint(i)}
		must(b, svc.CreateRemediation(ctx, r))
		step := func(t cordon.RemediationTransition) {
			var err error
			r, err = svc.TransitionRemediation(ctx, r.ID, t)
			must(b, err)
		}
		if i%5 == 0 {
			continue
		}
		step(cordon.RemediationTransition{State: cordon.RemediationAwaitingValidation, At: pub.AddDate(0, 0, 2)})
		switch i % 5 {
		case 2, 4:
			step(cordon.RemediationTransition{State: cordon.RemediationApproved, At: pub.AddDate(0, 0, 20+i%60),
				ApprovedVersion: "VB20A SP3", Evidence: "https://manufacturer.example/validated/" + fmt.Sprint(i)})
		case 3:
			step(cordon.RemediationTransition{State: cordon.RemediationRejected, At: pub.AddDate(0, 0, 25), Reason: "Breaks the DICOM worklist."})
		}
		if i%5 == 4 {
			var cs []cordon.RemediationDeviceChange
			for j, d := range r.Devices {
				c := cordon.RemediationDeviceChange{DeviceID: d.DeviceID, State: cordon.RemediationDeviceScheduled, Date: now.AddDate(0, 0, 7)}
				if j%2 == 0 {
					c = cordon.RemediationDeviceChange{DeviceID: d.DeviceID, State: cordon.RemediationDeviceApplied, Date: *now}
				}
				cs = append(cs, c)
			}
			_, err := svc.UpdateRemediationDevices(ctx, r.ID, cs)
			must(b, err)
		}
	}
}

// BenchmarkGovernanceRemediations measures the remediation board:
// FindRemediations for one page and, as the overdue filter, the CSV export
// and the manufacturer scorecard do, every record with its clocks (records
// read page by page with remediation.All, views with the suppliers'
// service levels, then the scorecard).
func BenchmarkGovernanceRemediations(b *testing.B) {
	now := govNow
	db := govDB(b, &now)
	start := time.Now()
	fillRemediations(b, db, &now, *govRemediations)
	b.Logf("%d remediations × 10 devices created in %v", *govRemediations, time.Since(start).Round(time.Millisecond))
	now = now.AddDate(0, 0, 1)
	ctx := context.Background()
	svc, suppliers := sqlite.NewRemediationService(db), sqlite.NewSupplierService(db)
	b.Run("Page", func(b *testing.B) {
		for range b.N {
			rs, total, err := svc.FindRemediations(ctx, cordon.RemediationFilter{})
			if err != nil || len(rs) == 0 || total != *govRemediations {
				b.Fatalf("%d of %d, %v", len(rs), total, err)
			}
			v := &remediation.Viewer{Suppliers: suppliers, Limits: remediation.DefaultLimits()}
			if _, err := v.Views(ctx, rs, now); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("AllWithClocks", func(b *testing.B) {
		overdue := 0
		for range b.N {
			rs, err := remediation.All(ctx, svc, cordon.RemediationFilter{})
			if err != nil || len(rs) != *govRemediations {
				b.Fatalf("%d, %v", len(rs), err)
			}
			v := &remediation.Viewer{Suppliers: suppliers, Limits: remediation.DefaultLimits()}
			vs, err := v.Views(ctx, rs, now)
			if err != nil {
				b.Fatal(err)
			}
			overdue = 0
			for _, x := range vs {
				if x.Overdue {
					overdue++
				}
			}
		}
		b.ReportMetric(float64(overdue), "overdue")
	})
	b.Run("Scorecard", func(b *testing.B) {
		var makers int
		for range b.N {
			rs, err := remediation.All(ctx, svc, cordon.RemediationFilter{})
			if err != nil {
				b.Fatal(err)
			}
			v := &remediation.Viewer{Suppliers: suppliers, Limits: remediation.DefaultLimits()}
			vs, err := v.Views(ctx, rs, now)
			if err != nil {
				b.Fatal(err)
			}
			makers = len(remediation.Scorecard(remediation.Scores(vs)))
		}
		b.ReportMetric(float64(makers), "manufacturers")
	})
}

// BenchmarkGovernanceExceptionCoverage measures the dashboard's exception
// panel (ExceptionCoverage) over -gov-devices assessed devices in models
// of 25, with -gov-exceptions exceptions: four in five on a device, the
// rest on a model; a tenth of them expired by the time it is asked.
func BenchmarkGovernanceExceptionCoverage(b *testing.B) {
	now := govNow
	db := govDB(b, &now)
	devices, models := govFleet(b, db, *govDevices, 3, 25)
	ctx := govCtx()
	svc := sqlite.NewExceptionService(db)
	for i := range *govExceptions {
		var e *cordon.Exception
		if i%5 == 4 {
			e = storetest.NewException(-models[(i*7)%len(models)])
		} else {
			e = storetest.NewException(devices[(i*13)%len(devices)])
		}
		// NewException's dates are relative to storetest.Epoch; these are
		// relative to now: a tenth expire within the week the clock moves.
		today := cordon.Day(now)
		e.Expires = today.AddDate(0, 0, 3)
		if i%10 != 0 {
			e.Expires = today.AddDate(0, 0, 30+i%300)
		}
		for j := range e.Controls {
			e.Controls[j].ReviewDate = today.AddDate(0, 0, 2)
			if i%10 != 0 {
				e.Controls[j].ReviewDate = today.AddDate(0, 0, 2+i%60)
			}
		}
		must(b, svc.CreateException(ctx, e))
	}
	now = now.AddDate(0, 0, 7)
	var cov *cordon.ExceptionCoverage
	b.ResetTimer()
	for range b.N {
		var err error
		if cov, err = svc.ExceptionCoverage(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if cov.Exposed != len(devices) || cov.Uncovered == 0 || cov.Expired == 0 {
		b.Fatalf("coverage %+v", cov)
	}
	b.ReportMetric(float64(cov.Uncovered), "uncovered")
	b.ReportMetric(float64(cov.Expired), "expired")
}
