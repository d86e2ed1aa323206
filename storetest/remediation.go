package storetest

import (
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// remediationEnv ingests two CTs of one model and a pump of another, with
// findings of CVE-2019-0708 whose fixes two feeds date differently, and
// returns the models.
func remediationEnv(t *testing.T, open func(tb testing.TB) *Store) (e *env, ct, pump *cordon.DeviceModel, cts []int64) {
	e = setup(t, open)
	e.ingest(t, "ward.pcap", Devices(
		NewDevice("00:09:02:aa:00:01", "10.1.0.5", cordon.CategoryImagingModality, WithHost("ct-1")),
		NewDevice("00:09:02:aa:00:02", "10.1.0.6", cordon.CategoryImagingModality, WithHost("ct-2")),
		NewDevice("00:40:9d:aa:00:03", "10.1.0.7", cordon.CategoryInfusionPump),
	), nil)
	ids := []int64{e.deviceByKey(t, "mac:00:09:02:aa:00:01").ID, e.deviceByKey(t, "mac:00:09:02:aa:00:02").ID}
	pumpID := e.deviceByKey(t, "mac:00:40:9d:aa:00:03").ID
	ct = e.createModel(t, "Siemens Healthineers", "SOMATOM go.Up", "VA40")
	pump = e.createModel(t, "BD", "Alaris 8015", "")
	must(t, e.Models.AssignDevices(e.ctx, ct.ID, ids))
	must(t, e.Models.AssignDevices(e.ctx, pump.ID, []int64{pumpID}))

	early, late := NewFinding("CVE-2019-0708", true, 0.9, 9.8, "confirmed"), NewFinding("CVE-2019-0708", true, 0.9, 9.8, "confirmed")
	early.Fix = cordon.Fix{Available: true, Since: Epoch.AddDate(0, -6, 0), URL: "https://msrc.microsoft.com/update-guide/vulnerability/CVE-2019-0708", Source: "csaf:ICSMA-19-150-01"}
	late.Fix = cordon.Fix{Available: true, Since: Epoch.AddDate(0, -5, 0), URL: "https://nvd.nist.gov/vuln/detail/CVE-2019-0708", Source: "nvd"}
	must(t, e.Findings.ReplaceFindings(e.sys, []cordon.DeviceAssessment{
		{DeviceID: ids[0], Findings: []cordon.Finding{late}},
		{DeviceID: ids[1], Findings: []cordon.Finding{early}},
		{DeviceID: pumpID, Findings: []cordon.Finding{NewFinding("CVE-2019-0708", true, 0.9, 9.8, "confirmed")}},
	}))
	return e, ct, pump, ids
}

func testRemediations(t *testing.T, open func(tb testing.TB) *Store) {
	t.Run("Prepare", func(t *testing.T) {
		e, ct, _, ids := remediationEnv(t, open)
		r, err := e.Remediations.PrepareRemediation(e.sys, ct.ID, "cve-2019-0708")
		must(t, err)
		if r.ID != 0 || r.CVE != "CVE-2019-0708" || !r.FixPublished.Equal(Epoch.AddDate(0, -6, 0)) ||
			r.FixSource != "csaf:ICSMA-19-150-01" || r.Manufacturer != "Siemens Healthineers" {
			t.Errorf("prepared = %+v; want the earliest fix of the model's findings", r)
		}
		if len(r.Devices) != 2 || r.Devices[0].DeviceID != ids[0] || r.Devices[0].Name != "ct-1" || r.Devices[1].State != "pending" {
			t.Errorf("devices = %+v", r.Devices)
		}
		_, err = e.Remediations.PrepareRemediation(e.sys, 999, "CVE-2019-0708")
		wantCode(t, err, cordon.ENOTFOUND)
		_, err = e.Remediations.PrepareRemediation(e.sys, ct.ID, "CVE-19")
		wantCode(t, err, cordon.EINVALID)
		// An advisory takes the findings whose fix it published.
		r, err = e.Remediations.PrepareRemediation(e.sys, ct.ID, "icsma-19-150-01")
		must(t, err)
		if r.CVE != "ICSMA-19-150-01" || !r.FixPublished.Equal(Epoch.AddDate(0, -6, 0)) {
			t.Errorf("advisory prepared = %+v", r)
		}
	})

	t.Run("Create", func(t *testing.T) {
		e, ct, _, ids := remediationEnv(t, open)
		r := &cordon.RemediationRecord{CVE: "CVE-2019-0708", ModelID: ct.ID, Notes: "BlueKeep on the CT consoles."}
		must(t, e.Remediations.CreateRemediation(e.ctx, r))
		if r.ID == 0 || r.State != cordon.RemediationFixPublished || r.CreatedBy != "alice" || !r.CreatedAt.Equal(Epoch) ||
			!r.FixPublished.Equal(Epoch.AddDate(0, -6, 0)) || len(r.Devices) != 2 || len(r.Events) != 1 {
			t.Fatalf("created = %+v", r)
		}
		got, err := e.Remediations.FindRemediationByID(e.sys, r.ID)
		must(t, err)
		if !reflect.DeepEqual(got, r) {
			t.Errorf("FindRemediationByID = %+v\nwant %+v", got, r)
		}
		if d := got.Devices[0]; d.DeviceID != ids[0] || d.Name != "ct-1" || !d.LastSeen.Equal(Epoch.Add(time.Hour)) ||
			!slices.Contains(d.Observed, "Windows 7 6.1.7601") {
			t.Errorf("device = %+v; want its name, last seen and observed versions", d)
		}
		if a := e.audited(t, "remediation:"+strconv.FormatInt(r.ID, 10)); !reflect.DeepEqual(a, []string{"remediation.create"}) {
			t.Errorf("audit = %v", a)
		}
		dup := &cordon.RemediationRecord{CVE: "cve-2019-0708", ModelID: ct.ID}
		wantCode(t, e.Remediations.CreateRemediation(e.ctx, dup), cordon.ECONFLICT)
		if dup.ID != r.ID {
			t.Errorf("conflict ID = %d, want %d", dup.ID, r.ID)
		}
	})

	t.Run("CreateInvalid", func(t *testing.T) {
		e, ct, _, _ := remediationEnv(t, open)
		for name, r := range map[string]*cordon.RemediationRecord{
			"NoCVE":        {ModelID: ct.ID},
			"NoModel":      {CVE: "CVE-2019-0708"},
			"BadReference": {CVE: "CVE-2019-0708", ModelID: ct.ID, FixReference: "javascript:alert(1)"},
			"FutureFix":    {CVE: "CVE-2019-0708", ModelID: ct.ID, FixPublished: Epoch.AddDate(0, 1, 0)},
		} {
			if err := e.Remediations.CreateRemediation(e.ctx, r); cordon.ErrorCode(err) != cordon.EINVALID {
				t.Errorf("%s: err = %v, want EINVALID", name, err)
			}
		}
		wantCode(t, e.Remediations.CreateRemediation(e.ctx, &cordon.RemediationRecord{CVE: "CVE-2019-0708", ModelID: 999}), cordon.ENOTFOUND)
		if _, n, err := e.Remediations.FindRemediations(e.sys, cordon.RemediationFilter{}); err != nil || n != 0 {
			t.Errorf("FindRemediations = %d, %v; want none stored", n, err)
		}
	})

	t.Run("Lifecycle", func(t *testing.T) {
		e, ct, _, ids := remediationEnv(t, open)
		r := &cordon.RemediationRecord{CVE: "CVE-2019-0708", ModelID: ct.ID}
		must(t, e.Remediations.CreateRemediation(e.ctx, r))
		obj := "remediation:" + strconv.FormatInt(r.ID, 10)
		e.clock.Add(24 * time.Hour)
		_, err := e.Remediations.TransitionRemediation(e.ctx, r.ID, cordon.RemediationTransition{State: "applied"})
		wantCode(t, err, cordon.EINVALID)
		_, err = e.Remediations.TransitionRemediation(e.ctx, 999, cordon.RemediationTransition{State: "awaiting_validation"})
		wantCode(t, err, cordon.ENOTFOUND)

		got, err := e.Remediations.TransitionRemediation(e.ctx, r.ID, cordon.RemediationTransition{State: "awaiting_validation", At: Epoch.AddDate(0, -4, 0), Note: "Asked Siemens."})
		must(t, err)
		if got.State != "awaiting_validation" || !got.ValidationRequested.Equal(Epoch.AddDate(0, -4, 0)) || !got.UpdatedAt.Equal(Epoch.Add(24*time.Hour)) {
			t.Fatalf("awaiting = %+v", got)
		}
		_, err = e.Remediations.UpdateRemediationDevices(e.ctx, r.ID, []cordon.RemediationDeviceChange{{DeviceID: ids[0], State: "applied"}})
		wantCode(t, err, cordon.EINVALID)
		approved := cordon.RemediationTransition{State: "approved", ApprovedVersion: "6.1.7601", Evidence: "https://example.nhs.uk/siemens-letter.pdf", At: Epoch.AddDate(0, 0, -10)}
		_, err = e.Remediations.TransitionRemediation(e.ctx, r.ID, approved)
		must(t, err)
		got, err = e.Remediations.UpdateRemediationDevices(e.ctx, r.ID, []cordon.RemediationDeviceChange{
			{DeviceID: ids[0], State: "applied", Date: Epoch.AddDate(0, 0, -2)}, {DeviceID: ids[1], State: "scheduled", Date: Epoch.AddDate(0, 0, 5)}})
		must(t, err)
		if got.State != "approved" || got.Devices[0].State != "applied" || got.Devices[0].AppliedBy != "alice" || !got.Devices[1].Scheduled.Equal(Epoch.AddDate(0, 0, 5)) {
			t.Fatalf("after devices = %+v", got)
		}
		stored, err := e.Remediations.FindRemediationByID(e.sys, r.ID)
		must(t, err)
		if !reflect.DeepEqual(stored.Devices, got.Devices) || stored.ApprovedVersion != "6.1.7601" || len(stored.Events) != 5 {
			t.Errorf("stored = %+v\nwant devices %+v and 5 events", stored, got.Devices)
		}
		got, err = e.Remediations.UpdateRemediationDevices(e.ctx, r.ID, []cordon.RemediationDeviceChange{{DeviceID: ids[1], State: "applied"}})
		must(t, err)
		if got.State != cordon.RemediationApplied || !got.Applied.Equal(e.clock.Now()) {
			t.Errorf("every device applied: state %s applied %v", got.State, got.Applied)
		}
		want := []string{"remediation.create", "remediation.update", "remediation.update", "remediation.devices", "remediation.devices"}
		if a := e.audited(t, obj); !reflect.DeepEqual(a, want) {
			t.Errorf("audit = %v, want %v", a, want)
		}
	})

	t.Run("FollowsModel", func(t *testing.T) {
		e, ct, pump, ids := remediationEnv(t, open)
		pumpDev := e.deviceByKey(t, "mac:00:40:9d:aa:00:03").ID
		r := &cordon.RemediationRecord{CVE: "CVE-2019-0708", ModelID: ct.ID}
		must(t, e.Remediations.CreateRemediation(e.ctx, r))
		for _, tr := range []cordon.RemediationTransition{{State: "awaiting_validation", At: Epoch.AddDate(0, -4, 0)},
			{State: "approved", ApprovedVersion: "6.1.7601", Evidence: "https://example.nhs.uk/siemens-letter.pdf", At: Epoch.AddDate(0, 0, -10)}} {
			_, err := e.Remediations.TransitionRemediation(e.ctx, r.ID, tr)
			must(t, err)
		}
		_, err := e.Remediations.UpdateRemediationDevices(e.ctx, r.ID, []cordon.RemediationDeviceChange{{DeviceID: ids[0], State: "applied"}})
		must(t, err)
		// ct-2 moves to another model; the pump's device joins this one.
		must(t, e.Models.AssignDevices(e.ctx, pump.ID, []int64{ids[1]}))
		must(t, e.Models.AssignDevices(e.ctx, ct.ID, []int64{pumpDev}))
		audited := len(e.audited(t, "remediation:"+strconv.FormatInt(r.ID, 10)))

		got, err := e.Remediations.FindRemediationByID(e.sys, r.ID)
		must(t, err)
		state := func(ds []cordon.RemediationDevice) map[int64]string {
			m := map[int64]string{}
			for _, d := range ds {
				m[d.DeviceID] = d.State
				if d.Left {
					m[d.DeviceID] += ",left"
				}
			}
			return m
		}
		want := map[int64]string{ids[0]: "applied", ids[1]: "pending,left", pumpDev: "pending"}
		if s := state(got.Devices); !reflect.DeepEqual(s, want) {
			t.Fatalf("devices = %v, want %v", s, want)
		}
		if !slices.IsSortedFunc(got.Devices, func(a, b cordon.RemediationDevice) int { return int(a.DeviceID - b.DeviceID) }) {
			t.Errorf("devices not in ID order: %+v", got.Devices)
		}
		rs, _, err := e.Remediations.FindRemediations(e.sys, cordon.RemediationFilter{ModelID: ct.ID})
		must(t, err)
		if len(rs) != 1 || !reflect.DeepEqual(state(rs[0].Devices), want) {
			t.Errorf("FindRemediations devices = %+v", rs)
		}
		if n := len(e.audited(t, "remediation:"+strconv.FormatInt(r.ID, 10))); n != audited {
			t.Errorf("reading wrote %d audit entries", n-audited)
		}
		// A device that left cannot be changed; the record does not wait
		// for it: applying the joined device applies the record.
		_, err = e.Remediations.UpdateRemediationDevices(e.ctx, r.ID, []cordon.RemediationDeviceChange{{DeviceID: ids[1], State: "applied"}})
		wantCode(t, err, cordon.EINVALID)
		got, err = e.Remediations.UpdateRemediationDevices(e.ctx, r.ID, []cordon.RemediationDeviceChange{{DeviceID: pumpDev, State: "applied"}})
		must(t, err)
		if got.State != cordon.RemediationApplied {
			t.Errorf("state %s, want applied once every device of the model has the fix", got.State)
		}
		got, err = e.Remediations.FindRemediationByID(e.sys, r.ID)
		must(t, err)
		want = map[int64]string{ids[0]: "applied", ids[1]: "pending,left", pumpDev: "applied"}
		if s := state(got.Devices); !reflect.DeepEqual(s, want) {
			t.Errorf("stored devices = %v, want %v", s, want)
		}
	})

	t.Run("Decommissioned", func(t *testing.T) {
		// A decommissioned device will not be patched: a record does not
		// wait for it, and one started later does not list it.
		e, ct, _, ids := remediationEnv(t, open)
		r := &cordon.RemediationRecord{CVE: "CVE-2019-0708", ModelID: ct.ID}
		must(t, e.Remediations.CreateRemediation(e.ctx, r))
		for _, tr := range []cordon.RemediationTransition{{State: "awaiting_validation", At: Epoch.AddDate(0, -4, 0)},
			{State: "approved", ApprovedVersion: "6.1.7601", Evidence: "https://example.nhs.uk/siemens-letter.pdf", At: Epoch.AddDate(0, 0, -10)}} {
			_, err := e.Remediations.TransitionRemediation(e.ctx, r.ID, tr)
			must(t, err)
		}
		_, err := e.Lifecycles.Decommission(e.ctx, ids[1], cordon.Decommissioning{On: cordon.Day(Epoch), Reason: "Replaced by a new scanner"})
		must(t, err)
		got, err := e.Remediations.UpdateRemediationDevices(e.ctx, r.ID, []cordon.RemediationDeviceChange{{DeviceID: ids[0], State: "applied"}})
		must(t, err)
		if got.State != cordon.RemediationApplied {
			t.Errorf("state %s, want applied: the other device is out of service", got.State)
		}
		for _, d := range got.Devices {
			if d.DeviceID == ids[1] && !d.Left {
				t.Errorf("decommissioned device %+v, want it set aside", d)
			}
		}
		later := &cordon.RemediationRecord{CVE: "CVE-2017-0144", ModelID: ct.ID}
		must(t, e.Remediations.CreateRemediation(e.ctx, later))
		if len(later.Devices) != 1 || later.Devices[0].DeviceID != ids[0] {
			t.Errorf("a record started after the decommissioning lists %+v, want only the device in service", later.Devices)
		}
	})

	t.Run("Find", func(t *testing.T) {
		e, ct, pump, _ := remediationEnv(t, open)
		a := &cordon.RemediationRecord{CVE: "CVE-2019-0708", ModelID: ct.ID}
		b := &cordon.RemediationRecord{CVE: "CVE-2019-0708", ModelID: pump.ID}
		c := &cordon.RemediationRecord{CVE: "CVE-2017-0144", ModelID: ct.ID}
		for _, r := range []*cordon.RemediationRecord{a, b, c} {
			must(t, e.Remediations.CreateRemediation(e.ctx, r))
		}
		_, err := e.Remediations.TransitionRemediation(e.ctx, b.ID, cordon.RemediationTransition{State: "awaiting_validation"})
		must(t, err)
		ids := func(f cordon.RemediationFilter) []int64 {
			t.Helper()
			rs, n, err := e.Remediations.FindRemediations(e.sys, f)
			must(t, err)
			var out []int64
			for _, r := range rs {
				out = append(out, r.ID)
			}
			if f.Offset == 0 && f.Limit == 0 && n != len(out) {
				t.Errorf("total %d, page %d", n, len(out))
			}
			return out
		}
		for name, tt := range map[string]struct {
			f    cordon.RemediationFilter
			want []int64
		}{
			"All":          {cordon.RemediationFilter{}, []int64{c.ID, b.ID, a.ID}},
			"State":        {cordon.RemediationFilter{State: "awaiting_validation"}, []int64{b.ID}},
			"Manufacturer": {cordon.RemediationFilter{Manufacturer: "siemens healthineers"}, []int64{c.ID, a.ID}},
			"Model":        {cordon.RemediationFilter{ModelID: pump.ID}, []int64{b.ID}},
			"CVE":          {cordon.RemediationFilter{CVE: "cve-2017-0144"}, []int64{c.ID}},
			"Page":         {cordon.RemediationFilter{Offset: 1, Limit: 1}, []int64{b.ID}},
		} {
			if got := ids(tt.f); !slices.Equal(got, tt.want) {
				t.Errorf("%s: %v, want %v", name, got, tt.want)
			}
		}
		_, _, err = e.Remediations.FindRemediations(e.sys, cordon.RemediationFilter{State: "done"})
		wantCode(t, err, cordon.EINVALID)
		_, _, err = e.Remediations.FindRemediations(e.sys, cordon.RemediationFilter{CVE: "nope nope"})
		wantCode(t, err, cordon.EINVALID)
	})
}
