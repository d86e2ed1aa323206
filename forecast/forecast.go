// Package forecast looks ahead at a register's device lifecycles: for each
// month of the coming years, the devices due for replacement and the
// devices whose support ends, by site and by category, with the cost. It is
// pure: it takes lifecycles and a time and returns numbers, so the page,
// the API and the CLI show the same forecast, and tests fix the clock.
//
// What nobody knows is counted, never left out: devices without a
// replacement date, devices whose end of support is unknown, replacements
// without a cost. A forecast that dropped them would look cheaper and
// safer than the register is.
package forecast

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/cordonsec/cordon"
)

// Event kinds.
const (
	Replacement  = "replacement"
	EndOfSupport = "end_of_support"
)

// DefaultMonths is the look-ahead of guidance step 7: three years.
const DefaultMonths = 36

// MaxMonths bounds a forecast: ten years is as far as any plan reaches.
const MaxMonths = 120

// NoSite names the group of devices with no recorded site.
const NoSite = "(no site)"

// Event is one device's replacement or end of support within the window.
type Event struct {
	Kind   string               `json:"kind"`  // Replacement or EndOfSupport
	Month  int                  `json:"month"` // index into Forecast.Months
	Date   time.Time            `json:"date"`
	Device cordon.FindingDevice `json:"device"`
	Cost   int64                `json:"cost,omitempty"` // GBP, replacements only
	Source string               `json:"source,omitempty"`
}

// Month is one calendar month of the window.
type Month struct {
	Start        time.Time `json:"start"`
	Replacements int       `json:"replacements"`
	EndOfSupport int       `json:"end_of_support"`
	Cost         int64     `json:"cost"` // GBP, of the replacements due
}

// Label names the month: "2026-03".
func (m Month) Label() string { return m.Start.Format("2006-01") }

// Year is twelve months of the window (the last may be shorter).
type Year struct {
	Start        time.Time `json:"start"`
	End          time.Time `json:"end"` // exclusive
	Replacements int       `json:"replacements"`
	EndOfSupport int       `json:"end_of_support"`
	Cost         int64     `json:"cost"`
}

// Group is the forecast of one site or category.
type Group struct {
	Name                string  `json:"name"`
	Devices             int     `json:"devices"` // in service
	Replacements        int     `json:"replacements"`
	EndOfSupport        int     `json:"end_of_support"`
	Cost                int64   `json:"cost"`
	YearCost            []int64 `json:"year_cost"` // per Year of the window
	Overdue             int     `json:"overdue"`
	UnknownReplacement  int     `json:"unknown_replacement"`
	UnknownEndOfSupport int     `json:"unknown_end_of_support"`
}

// Forecast is the look-ahead of the devices in service.
type Forecast struct {
	Start  time.Time `json:"start"` // the first day of the current month
	End    time.Time `json:"end"`   // exclusive
	Months []Month   `json:"months"`
	Years  []Year    `json:"years"`
	// Devices counts the devices in service the forecast covers.
	Devices      int   `json:"devices"`
	Replacements int   `json:"replacements"`
	EndOfSupport int   `json:"end_of_support"`
	Cost         int64 `json:"cost"`
	// Overdue counts devices whose replacement date is before the window,
	// with their cost: due already, and not replaced.
	Overdue     int   `json:"overdue"`
	OverdueCost int64 `json:"overdue_cost"`
	// Unsupported counts devices whose support ended before the window.
	Unsupported int `json:"unsupported"`
	// The unknowns: no replacement date, no end of support, a replacement
	// due in the window with no cost.
	UnknownReplacement  int     `json:"unknown_replacement"`
	UnknownEndOfSupport int     `json:"unknown_end_of_support"`
	Unpriced            int     `json:"unpriced"`
	BySite              []Group `json:"by_site"`
	ByCategory          []Group `json:"by_category"`
	Events              []Event `json:"events"` // by date, then device
}

// Build forecasts the next months calendar months, the current one first,
// from the lifecycles given; devices not in service are left out.
func Build(ls []*cordon.DeviceLifecycle, now time.Time, months int) (*Forecast, error) {
	if months < 1 || months > MaxMonths {
		return nil, cordon.Errorf(cordon.EINVALID, "months must be 1 to %d, not %d.", MaxMonths, months)
	}
	y, m, _ := now.UTC().Date()
	f := &Forecast{Start: time.Date(y, m, 1, 0, 0, 0, 0, time.UTC), Events: []Event{}}
	f.End = f.Start.AddDate(0, months, 0)
	for i := range months {
		f.Months = append(f.Months, Month{Start: f.Start.AddDate(0, i, 0)})
	}
	for i := 0; i < months; i += 12 {
		f.Years = append(f.Years, Year{Start: f.Start.AddDate(0, i, 0), End: f.Start.AddDate(0, min(i+12, months), 0)})
	}
	sites, cats := map[string]*Group{}, map[string]*Group{}
	group := func(groups map[string]*Group, name string) *Group {
		g := groups[name]
		if g == nil {
			g = &Group{Name: name, YearCost: make([]int64, len(f.Years))}
			groups[name] = g
		}
		return g
	}
	for _, l := range ls {
		if l.State != cordon.LifecycleInService {
			continue
		}
		site := l.Device.Site
		if site == "" {
			site = NoSite
		}
		cat := cmp.Or(l.Device.Category, cordon.CategoryUnknown)
		gs := []*Group{group(sites, site), group(cats, cat)}
		f.Devices++
		for _, g := range gs {
			g.Devices++
		}
		switch at := f.month(l.Replacement); {
		case l.Replacement.IsZero():
			f.UnknownReplacement++
			for _, g := range gs {
				g.UnknownReplacement++
			}
		case at < 0:
			f.Overdue++
			f.OverdueCost += l.Plan.ReplacementCost
			for _, g := range gs {
				g.Overdue++
			}
		case at < months:
			cost := l.Plan.ReplacementCost
			f.Replacements++
			f.Cost += cost
			if cost == 0 {
				f.Unpriced++
			}
			f.Months[at].Replacements++
			f.Months[at].Cost += cost
			f.Years[at/12].Replacements++
			f.Years[at/12].Cost += cost
			for _, g := range gs {
				g.Replacements++
				g.Cost += cost
				g.YearCost[at/12] += cost
			}
			f.Events = append(f.Events, Event{Kind: Replacement, Month: at, Date: l.Replacement, Device: l.Device,
				Cost: cost, Source: l.ReplacementSource})
		}
		eos := l.EndOfSupport
		switch at := f.month(eos.Date); {
		case eos.Origin == cordon.EndOfSupportUnknown:
			f.UnknownEndOfSupport++
			for _, g := range gs {
				g.UnknownEndOfSupport++
			}
		case eos.Date.IsZero() || at < 0:
			f.Unsupported++
		case at < months:
			f.EndOfSupport++
			f.Months[at].EndOfSupport++
			f.Years[at/12].EndOfSupport++
			for _, g := range gs {
				g.EndOfSupport++
			}
			f.Events = append(f.Events, Event{Kind: EndOfSupport, Month: at, Date: eos.Date, Device: l.Device, Source: eos.Source})
		}
	}
	slices.SortStableFunc(f.Events, func(a, b Event) int {
		return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.Device.ID, b.Device.ID), cmp.Compare(a.Kind, b.Kind))
	})
	f.BySite, f.ByCategory = sorted(sites), sorted(cats)
	return f, nil
}

// month returns the index of the month of the window t falls in: negative
// before it, len(Months) or more after it.
func (f *Forecast) month(t time.Time) int {
	if t.Before(f.Start) {
		return -1
	}
	y, m, _ := t.UTC().Date()
	return (y-f.Start.Year())*12 + int(m) - int(f.Start.Month())
}

// sorted returns the groups, costliest first, then by name.
func sorted(groups map[string]*Group) []Group {
	out := make([]Group, 0, len(groups))
	for _, g := range groups {
		out = append(out, *g)
	}
	slices.SortFunc(out, func(a, b Group) int {
		return cmp.Or(cmp.Compare(b.Cost, a.Cost), cmp.Compare(b.Replacements+b.EndOfSupport, a.Replacements+a.EndOfSupport),
			cmp.Compare(a.Name, b.Name))
	})
	return out
}

// MaxDevices bounds how many lifecycles Load reads: far more than any
// trust has devices, but a limit all the same.
const MaxDevices = 500_000

// Load reads every lifecycle f selects for Build, in pages of 1,000 by
// device ID: each page starts after the last device of the one before
// (AfterID), so that no page steps over the rows before it again as an
// offset would. The total of each page counts what is left, so the read
// ends with the page that holds it all.
func Load(ctx context.Context, svc cordon.LifecycleService, f cordon.LifecycleFilter) ([]*cordon.DeviceLifecycle, error) {
	var out []*cordon.DeviceLifecycle
	f.Offset, f.Limit = 0, 1000
	for {
		ls, left, err := svc.FindLifecycles(ctx, f)
		if err != nil {
			return nil, err
		}
		if len(out)+left > MaxDevices {
			return nil, cordon.Errorf(cordon.EINVALID, "The register holds more than %d devices; forecast one site or category at a time.", MaxDevices)
		}
		out = append(out, ls...)
		if len(ls) == 0 || len(ls) >= left {
			return out, nil
		}
		f.AfterID = ls[len(ls)-1].Device.ID
	}
}
