package forecast_test

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/forecast"
	"github.com/cordonsec/cordon/mock"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// lc builds an in-service lifecycle of device id at site, of category, due
// for replacement on replace (zero: unknown) at cost, with end of support
// eos (zero: unknown).
func lc(id int64, site, category string, replace time.Time, cost int64, eos time.Time) *cordon.DeviceLifecycle {
	l := &cordon.DeviceLifecycle{Device: cordon.FindingDevice{ID: id, Site: site, Category: category},
		State: cordon.LifecycleInService, Replacement: replace, Plan: cordon.LifecyclePlan{ReplacementCost: cost},
		EndOfSupport: cordon.EndOfSupport{Origin: cordon.EndOfSupportUnknown}}
	if !eos.IsZero() {
		l.EndOfSupport = cordon.EndOfSupport{Origin: cordon.EndOfSupportRecorded, Date: eos, Source: "letter"}
	}
	return l
}

func TestBuildMonthBoundaries(t *testing.T) {
	// The last second of January: the window starts on 1 January, and
	// 31 January is still month 0 even though it is "now".
	now := time.Date(2026, 1, 31, 23, 59, 59, 0, time.UTC)
	ls := []*cordon.DeviceLifecycle{
		lc(1, "North", cordon.CategoryInfusionPump, day(2026, 1, 1), 2000, time.Time{}),            // first day of month 0
		lc(2, "North", cordon.CategoryInfusionPump, day(2026, 2, 1), 3000, day(2026, 1, 31)),       // month 1; eos month 0
		lc(3, "South", cordon.CategoryImagingModality, day(2028, 12, 31), 900000, day(2029, 1, 1)), // last day of month 35; eos after
		lc(4, "South", cordon.CategoryImagingModality, day(2029, 1, 1), 800000, time.Time{}),       // first day after the window
		lc(5, "", cordon.CategoryPatientMonitor, day(2025, 12, 31), 5000, day(2025, 12, 31)),       // overdue, support ended
		lc(6, "", cordon.CategoryPatientMonitor, time.Time{}, 0, time.Time{}),                      // nothing known
		lc(7, "North", cordon.CategoryInfusionPump, day(2027, 6, 15), 0, day(2027, 6, 1)),          // unpriced
	}
	retired := lc(8, "North", cordon.CategoryInfusionPump, day(2026, 3, 1), 1000, time.Time{})
	retired.State = cordon.LifecycleDecommissioned
	ls = append(ls, retired)

	f, err := forecast.Build(ls, now, 36)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Start.Equal(day(2026, 1, 1)) || !f.End.Equal(day(2029, 1, 1)) || len(f.Months) != 36 || len(f.Years) != 3 {
		t.Fatalf("window %s to %s, %d months, %d years", f.Start, f.End, len(f.Months), len(f.Years))
	}
	if got := f.Months[35].Label(); got != "2028-12" {
		t.Errorf("last month = %s", got)
	}
	want := map[int]forecast.Month{
		0:  {Replacements: 1, EndOfSupport: 1, Cost: 2000},
		1:  {Replacements: 1, Cost: 3000},
		17: {Replacements: 1, EndOfSupport: 1},
		35: {Replacements: 1, Cost: 900000},
	}
	for i, m := range f.Months {
		w := want[i]
		if m.Replacements != w.Replacements || m.EndOfSupport != w.EndOfSupport || m.Cost != w.Cost {
			t.Errorf("month %d (%s) = %+v, want %+v", i, m.Label(), m, w)
		}
	}
	if f.Devices != 7 || f.Replacements != 4 || f.EndOfSupport != 2 || f.Cost != 905000 || f.Overdue != 1 || f.OverdueCost != 5000 ||
		f.Unsupported != 1 || f.UnknownReplacement != 1 || f.UnknownEndOfSupport != 3 || f.Unpriced != 1 {
		t.Errorf("totals = %+v", f)
	}
	years := []forecast.Year{
		{Start: day(2026, 1, 1), End: day(2027, 1, 1), Replacements: 2, EndOfSupport: 1, Cost: 5000},
		{Start: day(2027, 1, 1), End: day(2028, 1, 1), Replacements: 1, EndOfSupport: 1},
		{Start: day(2028, 1, 1), End: day(2029, 1, 1), Replacements: 1, Cost: 900000},
	}
	if !reflect.DeepEqual(f.Years, years) {
		t.Errorf("years = %+v\nwant %+v", f.Years, years)
	}
	// Costliest site first; the devices with no site are a group, stated.
	if len(f.BySite) != 3 || f.BySite[0].Name != "South" || f.BySite[0].Cost != 900000 || f.BySite[0].YearCost[2] != 900000 ||
		f.BySite[1].Name != "North" || f.BySite[1].Devices != 3 || f.BySite[1].Replacements != 3 || f.BySite[1].EndOfSupport != 2 ||
		f.BySite[2].Name != forecast.NoSite || f.BySite[2].Overdue != 1 || f.BySite[2].UnknownReplacement != 1 {
		t.Errorf("by site = %+v", f.BySite)
	}
	if len(f.ByCategory) != 3 || f.ByCategory[0].Name != cordon.CategoryImagingModality || f.ByCategory[2].UnknownEndOfSupport != 1 {
		t.Errorf("by category = %+v", f.ByCategory)
	}
	var ev []string
	for _, e := range f.Events {
		ev = append(ev, e.Date.Format("2006-01-02")+" "+e.Kind)
	}
	wantEv := []string{"2026-01-01 replacement", "2026-01-31 end_of_support", "2026-02-01 replacement",
		"2027-06-01 end_of_support", "2027-06-15 replacement", "2028-12-31 replacement"}
	if !reflect.DeepEqual(ev, wantEv) {
		t.Errorf("events = %v\nwant %v", ev, wantEv)
	}
}

func TestBuildShortWindow(t *testing.T) {
	// One month, starting on the first: a date on the last day of
	// February 2028 (a leap year) is in; 1 March is not.
	f, err := forecast.Build([]*cordon.DeviceLifecycle{
		lc(1, "A", cordon.CategoryInfusionPump, day(2028, 2, 29), 10, time.Time{}),
		lc(2, "A", cordon.CategoryInfusionPump, day(2028, 3, 1), 10, time.Time{}),
	}, day(2028, 2, 1), 1)
	if err != nil {
		t.Fatal(err)
	}
	if f.Replacements != 1 || f.Months[0].Cost != 10 || len(f.Years) != 1 || !f.Years[0].End.Equal(day(2028, 3, 1)) {
		t.Errorf("forecast = %+v", f)
	}
}

func TestBuildInvalid(t *testing.T) {
	for _, n := range []int{0, -1, forecast.MaxMonths + 1} {
		if _, err := forecast.Build(nil, time.Now(), n); cordon.ErrorCode(err) != cordon.EINVALID {
			t.Errorf("months %d: error %v, want EINVALID", n, err)
		}
	}
}

func TestLoadPages(t *testing.T) {
	all := make([]*cordon.DeviceLifecycle, 2500)
	for i := range all {
		all[i] = lc(int64(2*i+1), "A", cordon.CategoryInfusionPump, time.Time{}, 0, time.Time{})
	}
	var calls int
	svc := &mock.LifecycleService{FindLifecyclesFn: func(_ context.Context, f cordon.LifecycleFilter) ([]*cordon.DeviceLifecycle, int, error) {
		calls++
		if f.State != cordon.LifecycleInService || f.Offset != 0 || f.Limit != 1000 {
			t.Errorf("filter = %+v", f)
		}
		// As a store does: the devices after AfterID by ID, and the total
		// of those left.
		i := slices.IndexFunc(all, func(l *cordon.DeviceLifecycle) bool { return l.Device.ID > f.AfterID })
		if i < 0 {
			return []*cordon.DeviceLifecycle{}, 0, nil
		}
		left := all[i:]
		return left[:min(f.Limit, len(left))], len(left), nil
	}}
	got, err := forecast.Load(context.Background(), svc, cordon.LifecycleFilter{State: cordon.LifecycleInService})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2500 || got[0].Device.ID != 1 || got[2499].Device.ID != 4999 || calls != 3 {
		t.Errorf("loaded %d in %d calls", len(got), calls)
	}
	for i := 1; i < len(got); i++ {
		if got[i].Device.ID <= got[i-1].Device.ID {
			t.Fatalf("lifecycle %d is device %d, after device %d", i, got[i].Device.ID, got[i-1].Device.ID)
		}
	}
}

func TestLoadTooMany(t *testing.T) {
	svc := &mock.LifecycleService{FindLifecyclesFn: func(_ context.Context, f cordon.LifecycleFilter) ([]*cordon.DeviceLifecycle, int, error) {
		if f.AfterID != 0 {
			t.Errorf("a second page was read: %+v", f)
		}
		return []*cordon.DeviceLifecycle{lc(1, "A", cordon.CategoryInfusionPump, time.Time{}, 0, time.Time{})}, forecast.MaxDevices + 1, nil
	}}
	if _, err := forecast.Load(context.Background(), svc, cordon.LifecycleFilter{}); cordon.ErrorCode(err) != cordon.EINVALID {
		t.Errorf("error %v, want EINVALID", err)
	}
}
