package storetest

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// date returns midnight UTC of a day.
func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// lifecycleDevice puts a device in the register whose record says whether
// it stores patient data (nil: not recorded), and returns its ID.
func (e *env) lifecycleDevice(tb testing.TB, mac, site string, patientData *bool) int64 {
	tb.Helper()
	d := NewDevice(mac, "10.9.0.1", cordon.CategoryInfusionPump)
	e.ingest(tb, "dev-"+mac, Devices(d), nil)
	rec := e.deviceByKey(tb, Key(d))
	r := rec.Recorded
	r.Site, r.PatientData = site, patientData
	_, err := e.Devices.UpdateRecorded(e.ctx, rec.ID, r)
	must(tb, err)
	return rec.ID
}

func testLifecycles(t *testing.T, open func(tb testing.TB) *Store) {
	yes, no := true, false

	t.Run("Unrecorded", func(t *testing.T) {
		e := setup(t, open)
		id := e.lifecycleDevice(t, "00:1a:01:00:00:01", "North", nil)
		l, err := e.Lifecycles.FindLifecycle(e.sys, id)
		must(t, err)
		if l.Device.ID != id || l.State != cordon.LifecycleInService || !l.Replacement.IsZero() || l.ReplacementSource != "" ||
			l.EndOfSupport.Origin != cordon.EndOfSupportUnknown || l.PatientData != nil || !l.UpdatedAt.IsZero() ||
			l.Device.Site != "North" || !l.LastSeen.Equal(Epoch.Add(time.Hour)) {
			t.Errorf("lifecycle of a device with nothing recorded = %+v", l)
		}
		_, err = e.Lifecycles.FindLifecycle(e.sys, id+100)
		wantCode(t, err, cordon.ENOTFOUND)
	})

	t.Run("Update", func(t *testing.T) {
		e := setup(t, open)
		id := e.lifecycleDevice(t, "00:1a:01:00:00:02", "North", &yes)
		p := cordon.LifecyclePlan{CommissionedOn: date(2019, 4, 1).Add(15 * time.Hour), LifeYears: 8,
			ReplacementCost: 2500, FundingNote: " Capital bid 2026/27 "}
		l, err := e.Lifecycles.UpdateLifecycle(e.ctx, id, p)
		must(t, err)
		if !l.Plan.CommissionedOn.Equal(date(2019, 4, 1)) || !l.Replacement.Equal(date(2027, 4, 1)) || l.ReplacementSource != "computed" ||
			l.Plan.FundingNote != "Capital bid 2026/27" || l.UpdatedBy != "alice" || !l.UpdatedAt.Equal(Epoch) || !*l.PatientData {
			t.Errorf("updated = %+v", l)
		}
		// A date set by hand wins over commissioning plus life, and an end
		// of support recorded by hand is kept with its source.
		p.ReplaceOn, p.EndOfSupportOn, p.EndOfSupportSource = date(2026, 1, 31), date(2025, 12, 31), "Manufacturer letter 2024-11"
		l, err = e.Lifecycles.UpdateLifecycle(e.ctx, id, p)
		must(t, err)
		if !l.Replacement.Equal(date(2026, 1, 31)) || l.ReplacementSource != "planned" ||
			l.EndOfSupport != (cordon.EndOfSupport{Origin: cordon.EndOfSupportRecorded, Date: date(2025, 12, 31), Source: "Manufacturer letter 2024-11"}) {
			t.Errorf("updated = %+v", l)
		}
		got, err := e.Lifecycles.FindLifecycle(e.sys, id)
		must(t, err)
		if !reflect.DeepEqual(got, l) {
			t.Errorf("FindLifecycle = %+v\nwant %+v", got, l)
		}
		if a := e.audited(t, "device:"+strconv.FormatInt(id, 10)); len(a) < 2 || a[len(a)-1] != "lifecycle.update" || a[len(a)-2] != "lifecycle.update" {
			t.Errorf("audit = %v", a)
		}
		for name, bad := range map[string]cordon.LifecyclePlan{
			"ErrLife":            {LifeYears: 51},
			"ErrCost":            {ReplacementCost: -1},
			"ErrSourceless":      {EndOfSupportOn: date(2027, 1, 1)},
			"ErrDateless":        {EndOfSupportSource: "letter"},
			"ErrReplaceEarly":    {CommissionedOn: date(2020, 1, 1), ReplaceOn: date(2019, 1, 1)},
			"ErrAncient":         {CommissionedOn: date(1900, 1, 1)},
			"ErrLongFundingNote": {FundingNote: strings.Repeat("f", 1025)},
		} {
			_, err := e.Lifecycles.UpdateLifecycle(e.ctx, id, bad)
			if cordon.ErrorCode(err) != cordon.EINVALID {
				t.Errorf("%s: error %v, want EINVALID", name, err)
			}
		}
		_, err = e.Lifecycles.UpdateLifecycle(e.ctx, id+100, p)
		wantCode(t, err, cordon.ENOTFOUND)
		if again, _ := e.Lifecycles.FindLifecycle(e.sys, id); !reflect.DeepEqual(again, l) {
			t.Errorf("failed updates changed the lifecycle: %+v", again)
		}
	})

	t.Run("EndOfSupportFromAssessment", func(t *testing.T) {
		e := setup(t, open)
		id := e.lifecycleDevice(t, "00:1a:01:00:00:03", "North", nil)
		win10 := cordon.SupportStatus{Subject: "os", Name: "Windows 10 22H2", State: cordon.SupportEnding, Until: date(2025, 10, 14), Source: "endoflife.date"}
		model := cordon.SupportStatus{Subject: "model", Name: "BD Alaris", State: cordon.SupportSupported, Until: date(2029, 6, 30), Source: "manufacturer"}
		must(t, e.Findings.ReplaceFindings(e.sys, []cordon.DeviceAssessment{{DeviceID: id,
			Exposure: cordon.Exposure{Risk: cordon.Risk{Score: 10}, Support: []cordon.SupportStatus{model, win10}}}}))
		l, err := e.Lifecycles.FindLifecycle(e.sys, id)
		must(t, err)
		want := cordon.EndOfSupport{Origin: cordon.EndOfSupportAssessed, Date: date(2025, 10, 14), Source: "os Windows 10 22H2, endoflife.date"}
		if l.EndOfSupport != want {
			t.Errorf("end of support = %+v, want %+v", l.EndOfSupport, want)
		}
		// Recorded by hand, it wins.
		l, err = e.Lifecycles.UpdateLifecycle(e.ctx, id, cordon.LifecyclePlan{EndOfSupportOn: date(2030, 1, 1), EndOfSupportSource: "Contract"})
		must(t, err)
		if l.EndOfSupport.Origin != cordon.EndOfSupportRecorded || !l.EndOfSupport.Date.Equal(date(2030, 1, 1)) {
			t.Errorf("end of support = %+v, want the recorded one", l.EndOfSupport)
		}
	})

	t.Run("Decommission", func(t *testing.T) {
		e := setup(t, open)
		id := e.lifecycleDevice(t, "00:1a:01:00:00:04", "North", &yes)
		_, err := e.Lifecycles.UpdateLifecycle(e.ctx, id, cordon.LifecyclePlan{CommissionedOn: date(2015, 6, 1)})
		must(t, err)
		for name, d := range map[string]cordon.Decommissioning{
			"ErrNoDate":   {Reason: "Replaced"},
			"ErrNoReason": {On: date(2025, 3, 1)},
			"ErrFuture":   {On: Epoch.AddDate(0, 0, 2), Reason: "Replaced"},
			"ErrEarly":    {On: date(2015, 5, 31), Reason: "Replaced"},
		} {
			_, err := e.Lifecycles.Decommission(e.ctx, id, d)
			if cordon.ErrorCode(err) != cordon.EINVALID {
				t.Errorf("%s: error %v, want EINVALID", name, err)
			}
		}
		l, err := e.Lifecycles.Decommission(e.ctx, id, cordon.Decommissioning{On: date(2025, 3, 1), Reason: "Replaced by a new pump"})
		must(t, err)
		if l.State != cordon.LifecycleDecommissioned || l.Decommissioned == nil || !l.Decommissioned.On.Equal(date(2025, 3, 1)) ||
			l.Decommissioned.By != "alice" || l.Decommissioned.Reason != "Replaced by a new pump" || !l.Plan.CommissionedOn.Equal(date(2015, 6, 1)) {
			t.Errorf("decommissioned = %+v", l)
		}
		_, err = e.Lifecycles.Decommission(e.ctx, id, cordon.Decommissioning{On: date(2025, 3, 1), Reason: "Again"})
		wantCode(t, err, cordon.ECONFLICT)
		if a := e.audited(t, "device:"+strconv.FormatInt(id, 10)); a[len(a)-1] != "lifecycle.decommission" {
			t.Errorf("audit = %v", a)
		}
		for _, tt := range []struct {
			state string
			want  int
		}{{"", 1}, {cordon.LifecycleRetired, 1}, {cordon.LifecycleDecommissioned, 1}, {cordon.LifecycleInService, 0}, {cordon.LifecycleDisposed, 0}} {
			ls, n, err := e.Lifecycles.FindLifecycles(e.sys, cordon.LifecycleFilter{State: tt.state})
			must(t, err)
			if n != tt.want || len(ls) != tt.want {
				t.Errorf("state %q: %d lifecycles (total %d), want %d", tt.state, len(ls), n, tt.want)
			}
		}
		_, _, err = e.Lifecycles.FindLifecycles(e.sys, cordon.LifecycleFilter{State: "scrapped"})
		wantCode(t, err, cordon.EINVALID)
	})

	t.Run("Dispose", func(t *testing.T) {
		e := setup(t, open)
		patient := e.lifecycleDevice(t, "00:1a:01:00:00:05", "North", &yes)
		unknown := e.lifecycleDevice(t, "00:1a:01:00:00:06", "North", nil)
		none := e.lifecycleDevice(t, "00:1a:01:00:00:07", "South", &no)
		san := &cordon.Sanitisation{Method: cordon.SanitisePurge, Operator: "EBME, J. Smith", On: date(2025, 3, 2), Certificate: "SAN-2025-0042"}
		disposal := cordon.Disposal{On: date(2025, 3, 3)}

		// Disposal comes after decommissioning.
		_, err := e.Lifecycles.Dispose(e.ctx, patient, cordon.Disposal{On: date(2025, 3, 3), Sanitisation: san})
		wantCode(t, err, cordon.ECONFLICT)
		for _, id := range []int64{patient, unknown, none} {
			_, err := e.Lifecycles.Decommission(e.ctx, id, cordon.Decommissioning{On: date(2025, 3, 1), Reason: "Retired"})
			must(t, err)
		}
		// Patient data, or not recorded: no disposal without sanitisation.
		for _, id := range []int64{patient, unknown} {
			_, err := e.Lifecycles.Dispose(e.ctx, id, disposal)
			wantCode(t, err, cordon.EINVALID)
			if l, _ := e.Lifecycles.FindLifecycle(e.sys, id); l.State != cordon.LifecycleDecommissioned {
				t.Errorf("device %d: refused disposal changed the state to %s", id, l.State)
			}
		}
		for name, bad := range map[string]cordon.Sanitisation{
			"ErrMethod":       {Method: "wipe", Operator: "x", On: date(2025, 3, 2), Certificate: "c"},
			"ErrOperator":     {Method: cordon.SanitiseClear, On: date(2025, 3, 2), Certificate: "c"},
			"ErrCertificate":  {Method: cordon.SanitiseClear, Operator: "x", On: date(2025, 3, 2)},
			"ErrBeforeDecom":  {Method: cordon.SanitiseClear, Operator: "x", On: date(2025, 2, 27), Certificate: "c"},
			"ErrAfterDispose": {Method: cordon.SanitiseClear, Operator: "x", On: date(2025, 3, 4), Certificate: "c"},
		} {
			_, err := e.Lifecycles.Dispose(e.ctx, patient, cordon.Disposal{On: date(2025, 3, 3), Sanitisation: &bad})
			if cordon.ErrorCode(err) != cordon.EINVALID {
				t.Errorf("%s: error %v, want EINVALID", name, err)
			}
		}
		_, err = e.Lifecycles.Dispose(e.ctx, patient, cordon.Disposal{On: Epoch.AddDate(0, 0, 2), Sanitisation: san})
		wantCode(t, err, cordon.EINVALID)
		_, err = e.Lifecycles.Dispose(e.ctx, patient, cordon.Disposal{On: date(2025, 2, 1), Sanitisation: san})
		wantCode(t, err, cordon.EINVALID)

		l, err := e.Lifecycles.Dispose(e.ctx, patient, cordon.Disposal{On: date(2025, 3, 3), Sanitisation: san})
		must(t, err)
		if l.State != cordon.LifecycleDisposed || l.Disposed == nil || !reflect.DeepEqual(l.Disposed.Sanitisation, san) ||
			l.Disposed.By != "alice" || !l.Disposed.On.Equal(date(2025, 3, 3)) || l.Decommissioned == nil {
			t.Errorf("disposed = %+v", l)
		}
		// A device that stores no patient data needs no sanitisation.
		l, err = e.Lifecycles.Dispose(e.ctx, none, disposal)
		must(t, err)
		if l.State != cordon.LifecycleDisposed || l.Disposed.Sanitisation != nil {
			t.Errorf("disposed without data = %+v", l)
		}
		_, err = e.Lifecycles.Dispose(e.ctx, none, disposal)
		wantCode(t, err, cordon.ECONFLICT)
		if a := e.audited(t, "device:"+strconv.FormatInt(patient, 10)); a[len(a)-1] != "lifecycle.dispose" {
			t.Errorf("audit = %v", a)
		}
		ls, n, err := e.Lifecycles.FindLifecycles(e.sys, cordon.LifecycleFilter{State: cordon.LifecycleDisposed, Site: "north"})
		must(t, err)
		if n != 1 || ls[0].Device.ID != patient {
			t.Errorf("disposed at North = %d", n)
		}
		ls, _, err = e.Lifecycles.FindLifecycles(e.sys, cordon.LifecycleFilter{DeviceIDs: []int64{unknown, none}})
		must(t, err)
		if len(ls) != 2 || ls[0].Device.ID != unknown || ls[1].Device.ID != none {
			t.Errorf("by IDs = %d lifecycles", len(ls))
		}
	})

	// AfterID pages by device ID (as forecast.Load reads the register):
	// each page starts after the last ID of the one before, with the other
	// conditions, and the total counts what is left.
	t.Run("AfterID", func(t *testing.T) {
		e := setup(t, open)
		var ids []int64
		for i := range 7 {
			ids = append(ids, e.lifecycleDevice(t, "00:1a:01:00:01:0"+strconv.Itoa(i), "North", nil))
		}
		_, err := e.Lifecycles.Decommission(e.ctx, ids[2], cordon.Decommissioning{On: date(2025, 3, 1), Reason: "Retired"})
		must(t, err)
		ids2 := func(ls []*cordon.DeviceLifecycle) []int64 {
			out := []int64{}
			for _, l := range ls {
				out = append(out, l.Device.ID)
			}
			return out
		}
		for _, tt := range []struct {
			name  string
			state string
			want  []int64
		}{
			{"All", "", ids},
			{"InService", cordon.LifecycleInService, append(append([]int64{}, ids[:2]...), ids[3:]...)},
		} {
			t.Run(tt.name, func(t *testing.T) {
				var got []int64
				f := cordon.LifecycleFilter{State: tt.state, Limit: 2}
				for page := 0; ; page++ {
					ls, n, err := e.Lifecycles.FindLifecycles(e.sys, f)
					must(t, err)
					if left := len(tt.want) - len(got); n != left {
						t.Errorf("page %d after %d: total %d, want the %d left", page, f.AfterID, n, left)
					}
					got = append(got, ids2(ls)...)
					if len(ls) < f.Limit || page > len(tt.want) {
						break
					}
					f.AfterID = ls[len(ls)-1].Device.ID
				}
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("paged by ID: %v, want %v", got, tt.want)
				}
			})
		}
		// With an offset and the IDs: after AfterID still, skipping.
		ls, n, err := e.Lifecycles.FindLifecycles(e.sys, cordon.LifecycleFilter{AfterID: ids[1], Offset: 1, Limit: 2,
			DeviceIDs: []int64{ids[0], ids[1], ids[2], ids[4], ids[6]}})
		must(t, err)
		if got := ids2(ls); n != 3 || !reflect.DeepEqual(got, []int64{ids[4], ids[6]}) {
			t.Errorf("after %d, offset 1, by IDs: %v (total %d)", ids[1], got, n)
		}
		ls, n, err = e.Lifecycles.FindLifecycles(e.sys, cordon.LifecycleFilter{AfterID: ids[6]})
		must(t, err)
		if len(ls) != 0 || n != 0 {
			t.Errorf("after the last device: %d lifecycles, total %d", len(ls), n)
		}
		_, _, err = e.Lifecycles.FindLifecycles(e.sys, cordon.LifecycleFilter{AfterID: -1})
		wantCode(t, err, cordon.EINVALID)
	})
}
