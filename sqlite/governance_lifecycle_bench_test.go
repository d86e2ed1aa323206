package sqlite_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/forecast"
	"github.com/cordonsec/cordon/sqlite"
)

// BenchmarkGovernanceLifecycleForecast measures the replacement forecast
// page: every device's lifecycle read page by page (forecast.Load over
// FindLifecycles) and the 36-month forecast built from them, over
// -gov-devices assessed devices. Nine in ten have a recorded plan
// (commissioned 2012–2025, a life of 7–12 years, a cost; a third an end of
// support from the manufacturer), as a trust that keeps its register up
// to date would; the rest are the unknowns the forecast counts.
func BenchmarkGovernanceLifecycleForecast(b *testing.B) {
	now := govNow
	db := govDB(b, &now)
	devices, _ := fillFindings(b, db, *govDevices, 1, 0, nil)
	ctx := govCtx()
	svc := sqlite.NewLifecycleService(db)
	start := time.Now()
	for i, id := range devices {
		if i%10 == 9 {
			continue
		}
		p := cordon.LifecyclePlan{CommissionedOn: time.Date(2012+i%14, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC),
			LifeYears: 7 + i%6, ReplacementCost: int64(2_000 + (i%50)*1_000), FundingNote: "Capital bid " + fmt.Sprint(2025+i%4)}
		if i%3 == 0 {
			p.EndOfSupportOn, p.EndOfSupportSource = time.Date(2025+i%5, time.Month(1+i%12), 1, 0, 0, 0, 0, time.UTC), "Manufacturer bulletin"
		}
		if _, err := svc.UpdateLifecycle(ctx, id, p); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("%d lifecycle plans recorded in %v", len(devices)-len(devices)/10, time.Since(start).Round(time.Millisecond))
	var fc *forecast.Forecast
	var ls []*cordon.DeviceLifecycle
	b.Run("Load", func(b *testing.B) {
		for range b.N {
			var err error
			if ls, err = forecast.Load(context.Background(), svc, cordon.LifecycleFilter{}); err != nil || len(ls) != len(devices) {
				b.Fatalf("%d lifecycles, %v", len(ls), err)
			}
		}
	})
	b.Run("Build", func(b *testing.B) {
		for range b.N {
			var err error
			if fc, err = forecast.Build(ls, now, forecast.DefaultMonths); err != nil {
				b.Fatal(err)
			}
		}
		if fc.Devices != len(devices) || fc.Replacements == 0 || fc.UnknownReplacement == 0 {
			b.Fatalf("forecast: %d devices, %d replacements, %d unknown", fc.Devices, fc.Replacements, fc.UnknownReplacement)
		}
		b.ReportMetric(float64(fc.Replacements), "replacements")
	})
}

// BenchmarkGovernanceAlerts raises -gov-raises alerts over one key in 20
// (5,000 distinct keys at 100,000), as the hourly checks do: each raise is
// one transaction that finds the open alert of its key and counts it
// again, or opens one. It reports the alerts stored, which must be the
// number of keys.
func BenchmarkGovernanceAlerts(b *testing.B) {
	keys := max(*govRaises/20, 1)
	for range b.N {
		b.StopTimer()
		now := govNow
		db := govDB(b, &now)
		devices, _ := fillFindings(b, db, min(keys, 1000), 1, 0, nil)
		svc := sqlite.NewAlertService(db)
		ctx := context.Background()
		b.StartTimer()
		for i := range *govRaises {
			k := i % keys
			now = now.Add(time.Second)
			a := &cordon.Alert{Kind: cordon.AlertRemediationOverdue, Severity: cordon.AlertHigh, DeviceID: devices[k%len(devices)],
				Subject: fmt.Sprintf("remediation:%d:validation", k), Title: fmt.Sprintf("Remediation %d: manufacturer validation overdue", k),
				Evidence: []string{fmt.Sprintf("Awaiting validation for %d days (limit 90).", 90+i/keys)}}
			if err := svc.RaiseAlert(ctx, a); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		_, n, err := svc.FindAlerts(ctx, cordon.AlertFilter{})
		must(b, err)
		if n != keys {
			b.Fatalf("%d alerts stored, want %d", n, keys)
		}
	}
	b.ReportMetric(float64(*govRaises)*float64(b.N)/b.Elapsed().Seconds(), "raises/s")
}
