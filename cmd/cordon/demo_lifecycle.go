package main

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/simulate"
)

// demoLife is a category's plausible expected life in years (the shortest,
// and how many more a device may have) and replacement cost in pounds
// (the lowest, and how much more), from NHS equipment replacement
// programmes: infusion pumps 7–10 years, monitors 8–10, CT 10.
type demoLife struct {
	years, moreYears int
	cost, moreCost   int64
}

var demoLives = map[string]demoLife{
	cordon.CategoryInfusionPump:       {7, 3, 1500, 1500},
	cordon.CategoryPatientMonitor:     {8, 2, 8000, 7000},
	cordon.CategoryLabAnalyzer:        {7, 2, 35000, 30000},
	cordon.CategoryMedicalWorkstation: {5, 1, 2500, 2000},
	cordon.CategoryMedicalServer:      {5, 2, 20000, 25000},
	cordon.CategoryOtherMedical:       {8, 4, 15000, 30000},
	cordon.CategoryWorkstation:        {4, 2, 800, 400},
	cordon.CategoryServer:             {5, 2, 6000, 6000},
}

// demoModalities sets imaging by DICOM modality: a CT is not an
// ultrasound.
var demoModalities = map[string]demoLife{
	"CT": {10, 0, 850000, 150000}, "MR": {10, 2, 1200000, 300000}, "US": {7, 1, 50000, 40000},
	"DX": {10, 0, 120000, 60000}, "CR": {10, 0, 90000, 30000}, "MG": {10, 0, 280000, 60000},
	"NM": {10, 0, 600000, 100000}, "XA": {10, 0, 700000, 150000},
}

// demoLifeOf returns the life and cost of a simulated device, the same for
// the same device every time: drawn from its MAC address.
func demoLifeOf(t *simulate.TruthDevice) (years int, cost int64, ageMonths int, ok bool) {
	l, ok := demoLives[t.Category]
	if t.Category == cordon.CategoryImagingModality {
		if l, ok = demoModalities[t.Modality]; !ok {
			l, ok = demoLife{10, 0, 150000, 100000}, true
		}
	}
	if !ok {
		return 0, 0, 0, false
	}
	h := fnv.New64a()
	h.Write([]byte(t.MAC))
	n := h.Sum64()
	years = l.years + int(n%uint64(l.moreYears+1))
	cost = l.cost + int64((n>>8)%uint64(l.moreCost+1))
	cost = cost / 50 * 50
	// Ages spread from new to a year past the expected life, so that some
	// are overdue and the rest fall across the forecast.
	ageMonths = int((n >> 24) % uint64(years*12+12))
	return years, cost, ageMonths, true
}

// demoLifecycle records commissioning dates, lives and costs for the
// simulated devices, so that /lifecycle shows a real forecast, and
// decommissions and disposes of one infusion pump with a sanitisation
// record. That pump is in the capture after its decommissioning, so the
// reappearance check raises its alert as it would in service.
func demoLifecycle(ctx context.Context, st *store, truth *simulate.Truth, stdout io.Writer) error {
	now := st.db.Now()
	today := cordon.Day(now)
	var recorded int
	var retire *simulate.TruthDevice
	for i := range truth.Devices {
		t := &truth.Devices[i]
		if t.MAC == "" {
			continue
		}
		years, cost, age, ok := demoLifeOf(t)
		if !ok {
			continue
		}
		key := "mac:" + t.MAC
		recs, _, err := st.devices.FindDevices(ctx, cordon.DeviceFilter{Keys: []string{key}, Limit: 1})
		if err != nil {
			return fmt.Errorf("demo lifecycle: %w", err)
		}
		if len(recs) == 0 {
			continue
		}
		p := cordon.LifecyclePlan{CommissionedOn: today.AddDate(0, -age, 0), LifeYears: years, ReplacementCost: cost,
			FundingNote: "Medical equipment capital programme"}
		if cost >= 100000 {
			p.FundingNote = "Major capital bid: trust board approval needed"
		}
		if _, err := st.lifecycles.UpdateLifecycle(ctx, recs[0].ID, p); err != nil {
			return fmt.Errorf("demo lifecycle: %w", err)
		}
		recorded++
		if retire == nil && t.Category == cordon.CategoryInfusionPump {
			retire = t
		}
	}
	fmt.Fprintf(stdout, "Recorded lifecycle plans (commissioning, expected life, replacement cost) for %d devices.\n", recorded)
	if retire == nil {
		return nil
	}
	// Decommissioned the day before the capture began (or today, if the
	// capture lies ahead of the clock), disposed of the same day.
	on := cordon.Day(truth.Start).AddDate(0, 0, -1)
	if on.After(today) {
		on = today
	}
	recs, _, err := st.devices.FindDevices(ctx, cordon.DeviceFilter{Keys: []string{"mac:" + retire.MAC}, Limit: 1})
	if err != nil || len(recs) == 0 {
		return err
	}
	id := recs[0].ID
	if l, err := st.lifecycles.FindLifecycle(ctx, id); err == nil && l.Plan.CommissionedOn.After(on) {
		p := l.Plan
		p.CommissionedOn = on.AddDate(-6, 0, 0)
		if _, err := st.lifecycles.UpdateLifecycle(ctx, id, p); err != nil {
			return fmt.Errorf("demo lifecycle: %w", err)
		}
	}
	if _, err := st.lifecycles.Decommission(ctx, id, cordon.Decommissioning{On: on, Reason: "Replaced by the new pump fleet; sent for disposal."}); err != nil {
		return fmt.Errorf("demo lifecycle: %w", err)
	}
	san := &cordon.Sanitisation{Method: cordon.SanitisePurge, Operator: "EBME workshop (manufacturer's reset procedure)", On: on,
		Certificate: "EBME-SAN-" + on.Format("20060102") + "-01"}
	if _, err := st.lifecycles.Dispose(ctx, id, cordon.Disposal{On: on, Sanitisation: san}); err != nil {
		return fmt.Errorf("demo lifecycle: %w", err)
	}
	fmt.Fprintf(stdout, "Decommissioned and disposed of infusion pump %s on %s, with its sanitisation record.\n", retire.MAC, on.Format(time.DateOnly))
	return checkReappeared(ctx, st, []string{"mac:" + retire.MAC})
}
