package storetest

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// WithDICOMVersion sets the DICOM implementation version the device
// announces.
func WithDICOMVersion(v string) DeviceOpt {
	return func(d *cordon.Device) {
		d.DICOM = &cordon.DICOMInfo{AETitles: []string{"CT01"}, ImplementationVersion: v}
	}
}

// WithFact adds a piece of evidence seen at at.
func WithFact(fact, value string, at time.Time) DeviceOpt {
	return func(d *cordon.Device) {
		d.Evidence = append(d.Evidence, cordon.Evidence{Fact: fact, Value: value, FirstSeen: at, LastSeen: at, Count: 1})
	}
}

// createModel creates m and fails tb on error.
func (e *env) createModel(tb testing.TB, manufacturer, model, version string) *cordon.DeviceModel {
	tb.Helper()
	m := &cordon.DeviceModel{Manufacturer: manufacturer, Model: model, Version: version}
	must(tb, e.Models.CreateModel(e.ctx, m))
	return m
}

// audited returns the actions audited for object, oldest first.
func (e *env) audited(tb testing.TB, object string) []string {
	tb.Helper()
	es, _, err := e.Audit.FindAuditEntries(e.sys, cordon.AuditFilter{Object: object, Limit: 1000})
	must(tb, err)
	var out []string
	for i := len(es) - 1; i >= 0; i-- {
		out = append(out, es[i].Action)
	}
	return out
}

func testModels(t *testing.T, open func(tb testing.TB) *Store) {
	t.Run("Create", func(t *testing.T) {
		e := setup(t, open)
		m := &cordon.DeviceModel{Manufacturer: "GE Healthcare", Model: "Revolution CT", Version: "1.2",
			Category: cordon.Categories[0], Notes: "Radiology."}
		must(t, e.Models.CreateModel(e.ctx, m))
		if m.ID == 0 || !m.CreatedAt.Equal(Epoch) || !m.UpdatedAt.Equal(Epoch) {
			t.Fatalf("created = %+v", m)
		}
		got, err := e.Models.FindModelByID(e.sys, m.ID)
		must(t, err)
		if !reflect.DeepEqual(got, m) {
			t.Errorf("FindModelByID = %+v\nwant %+v", got, m)
		}
		if a := e.audited(t, "model:"+strconv.FormatInt(m.ID, 10)); !reflect.DeepEqual(a, []string{"model.create"}) {
			t.Errorf("audit = %v", a)
		}
	})

	t.Run("CreateInvalid", func(t *testing.T) {
		e := setup(t, open)
		for name, m := range map[string]*cordon.DeviceModel{
			"NoModel":     {Manufacturer: "GE"},
			"LongName":    {Manufacturer: "GE", Model: strings.Repeat("x", 201)},
			"BadCategory": {Manufacturer: "GE", Model: "CT", Category: "toaster"},
		} {
			wantCode(t, e.Models.CreateModel(e.ctx, m), cordon.EINVALID)
			if m.ID != 0 {
				t.Errorf("%s: ID set to %d", name, m.ID)
			}
		}
		if _, n, err := e.Models.FindModels(e.sys, cordon.ModelFilter{}); err != nil || n != 0 {
			t.Errorf("FindModels = %d, %v; want none", n, err)
		}
	})

	t.Run("CreateConflict", func(t *testing.T) {
		e := setup(t, open)
		m := e.createModel(t, "GE Healthcare", "Revolution CT", "1.2")
		dup := &cordon.DeviceModel{Manufacturer: "ge  HEALTHCARE", Model: " revolution\tct", Version: "1.2 "}
		wantCode(t, e.Models.CreateModel(e.ctx, dup), cordon.ECONFLICT)
		if dup.ID != m.ID {
			t.Errorf("conflict ID = %d, want the existing %d", dup.ID, m.ID)
		}
		// Another version is another model.
		e.createModel(t, "GE Healthcare", "Revolution CT", "1.3")
		e.createModel(t, "GE Healthcare", "Revolution CT", "")
	})

	t.Run("FindNotFound", func(t *testing.T) {
		e := setup(t, open)
		_, err := e.Models.FindModelByID(e.sys, 42)
		wantCode(t, err, cordon.ENOTFOUND)
		_, err = e.Models.FindModelDevices(e.sys, 42)
		wantCode(t, err, cordon.ENOTFOUND)
	})

	t.Run("FindModels", func(t *testing.T) {
		e := setup(t, open)
		e.createModel(t, "Philips", "IntelliVue MX800", "M.00")
		e.createModel(t, "GE Healthcare", "Revolution CT", "2.0")
		e.createModel(t, "ge healthcare", "CARESCAPE B450", "")
		e.createModel(t, "Baxter", "Sigma Spectrum", "8.00.01")
		e.createModel(t, "GE Healthcare", "Revolution CT", "1.10")

		names := func(ms []*cordon.DeviceModel) []string {
			var out []string
			for _, m := range ms {
				out = append(out, m.Model+" "+m.Version)
			}
			return out
		}
		ms, n, err := e.Models.FindModels(e.sys, cordon.ModelFilter{})
		must(t, err)
		want := []string{"Sigma Spectrum 8.00.01", "CARESCAPE B450 ", "Revolution CT 1.10", "Revolution CT 2.0", "IntelliVue MX800 M.00"}
		if n != 5 || !reflect.DeepEqual(names(ms), want) {
			t.Errorf("all = %d %q, want 5 %q", n, names(ms), want)
		}
		ms, n, err = e.Models.FindModels(e.sys, cordon.ModelFilter{Manufacturer: "GE HEALTHCARE"})
		must(t, err)
		if n != 3 || len(ms) != 3 {
			t.Errorf("manufacturer = %d %q, want 3", n, names(ms))
		}
		ms, n, err = e.Models.FindModels(e.sys, cordon.ModelFilter{Query: "revolution 1.1"})
		must(t, err)
		if n != 1 || !reflect.DeepEqual(names(ms), []string{"Revolution CT 1.10"}) {
			t.Errorf("query = %d %q", n, names(ms))
		}
		// LIKE's wildcards match literally.
		if _, n, _ = e.Models.FindModels(e.sys, cordon.ModelFilter{Query: "%"}); n != 0 {
			t.Errorf("query %% matched %d", n)
		}
		ms, n, err = e.Models.FindModels(e.sys, cordon.ModelFilter{Offset: 1, Limit: 2})
		must(t, err)
		if n != 5 || !reflect.DeepEqual(names(ms), want[1:3]) {
			t.Errorf("page = %d %q, want 5 %q", n, names(ms), want[1:3])
		}
		_, _, err = e.Models.FindModels(e.sys, cordon.ModelFilter{Offset: -1})
		wantCode(t, err, cordon.EINVALID)
		_, _, err = e.Models.FindModels(e.sys, cordon.ModelFilter{Limit: -5})
		wantCode(t, err, cordon.EINVALID)
	})

	t.Run("DefaultPage", func(t *testing.T) {
		e := setup(t, open)
		for i := range 60 {
			e.createModel(t, "Baxter", "Pump", strconv.Itoa(i))
		}
		ms, n, err := e.Models.FindModels(e.sys, cordon.ModelFilter{})
		must(t, err)
		if n != 60 || len(ms) != 50 {
			t.Errorf("default page = %d of %d, want 50 of 60", len(ms), n)
		}
		ms, _, err = e.Models.FindModels(e.sys, cordon.ModelFilter{Limit: 5000})
		must(t, err)
		if len(ms) != 60 {
			t.Errorf("limit 5000 = %d, want 60", len(ms))
		}
	})

	t.Run("Update", func(t *testing.T) {
		e := setup(t, open)
		m := e.createModel(t, "GE Healthcare", "Revolution CT", "1.2")
		other := e.createModel(t, "GE Healthcare", "Revolution CT", "1.3")
		e.clock.Add(time.Minute)
		m.Version, m.Notes = "1.2.1", "Patched."
		must(t, e.Models.UpdateModel(e.ctx, m))
		got, err := e.Models.FindModelByID(e.sys, m.ID)
		must(t, err)
		if got.Version != "1.2.1" || got.Notes != "Patched." || !got.CreatedAt.Equal(Epoch) || !got.UpdatedAt.Equal(Epoch.Add(time.Minute)) {
			t.Errorf("updated = %+v", got)
		}
		if !reflect.DeepEqual(got, m) {
			t.Errorf("stored %+v\nreturned %+v", got, m)
		}
		dup := *m
		dup.Version = "1.3"
		wantCode(t, e.Models.UpdateModel(e.ctx, &dup), cordon.ECONFLICT)
		if got, _ := e.Models.FindModelByID(e.sys, m.ID); got.Version != "1.2.1" {
			t.Errorf("conflicting update stored version %q", got.Version)
		}
		// A change of case only is the same model, not a conflict.
		m.Manufacturer = "GE HEALTHCARE"
		must(t, e.Models.UpdateModel(e.ctx, m))
		bad := *other
		bad.Model = ""
		wantCode(t, e.Models.UpdateModel(e.ctx, &bad), cordon.EINVALID)
		missing := *other
		missing.ID = 999
		wantCode(t, e.Models.UpdateModel(e.ctx, &missing), cordon.ENOTFOUND)
		if a := e.audited(t, "model:"+strconv.FormatInt(m.ID, 10)); !reflect.DeepEqual(a, []string{"model.create", "model.update", "model.update"}) {
			t.Errorf("audit = %v", a)
		}
	})

	t.Run("AssignAndDelete", func(t *testing.T) {
		e := setup(t, open)
		a, b := NewDevice("00:09:fb:00:00:01", "10.0.0.1", cordon.Categories[0]), NewDevice("00:09:fb:00:00:02", "10.0.0.2", cordon.Categories[0])
		e.ingest(t, "one.pcap", Devices(a, b), nil)
		da, db := e.deviceByKey(t, Key(a)).ID, e.deviceByKey(t, Key(b)).ID
		m := e.createModel(t, "Philips", "IntelliVue MX800", "")

		_, _, err := e.Models.ModelOfDevice(e.sys, da)
		wantCode(t, err, cordon.ENOTFOUND)
		wantCode(t, e.Models.AssignDevices(e.ctx, 999, []int64{da}), cordon.ENOTFOUND)
		// An unknown device fails the call: nothing is assigned.
		wantCode(t, e.Models.AssignDevices(e.ctx, m.ID, []int64{da, 999}), cordon.ENOTFOUND)
		if ids, err := e.Models.FindModelDevices(e.sys, m.ID); err != nil || len(ids) != 0 {
			t.Fatalf("after a failed assignment = %v, %v", ids, err)
		}

		must(t, e.Models.AssignDevices(e.ctx, m.ID, []int64{db, da, da}))
		ids, err := e.Models.FindModelDevices(e.sys, m.ID)
		must(t, err)
		if want := []int64{min(da, db), max(da, db)}; !reflect.DeepEqual(ids, want) {
			t.Errorf("FindModelDevices = %v, want %v", ids, want)
		}
		got, how, err := e.Models.ModelOfDevice(e.sys, da)
		must(t, err)
		if got.ID != m.ID || how != cordon.ModelByHand || got.Devices != 2 {
			t.Errorf("ModelOfDevice = %+v %q", got, how)
		}
		if a := e.audited(t, "device:"+strconv.FormatInt(da, 10)); !reflect.DeepEqual(a, []string{"model.assign"}) {
			t.Errorf("device audit = %v", a)
		}

		must(t, e.Models.DeleteModel(e.ctx, m.ID))
		_, err = e.Models.FindModelByID(e.sys, m.ID)
		wantCode(t, err, cordon.ENOTFOUND)
		_, _, err = e.Models.ModelOfDevice(e.sys, da)
		wantCode(t, err, cordon.ENOTFOUND)
		wantCode(t, e.Models.DeleteModel(e.ctx, m.ID), cordon.ENOTFOUND)
		if a := e.audited(t, "model:"+strconv.FormatInt(m.ID, 10)); !reflect.DeepEqual(a, []string{"model.create", "model.delete"}) {
			t.Errorf("model audit = %v", a)
		}
		// The devices are still in the register.
		if _, err := e.Devices.FindDeviceByID(e.sys, da); err != nil {
			t.Errorf("device after model delete: %v", err)
		}
	})

	t.Run("DeleteRefused", func(t *testing.T) {
		e, ct, _, _ := findingsEnv(t, open)
		m := e.createModel(t, "Siemens Healthineers", "SOMATOM", "")
		must(t, e.Models.AssignDevices(e.ctx, m.ID, []int64{ct.ID}))
		x := e.createException(t, NewException(-m.ID))
		// Expired is not revoked: someone still owns that risk.
		e.clock.Add(200 * 24 * time.Hour)
		if got, err := e.Exceptions.FindExceptionByID(e.sys, x.ID); err != nil || got.State != cordon.ExceptionExpired {
			t.Fatalf("exception after 200 days = %+v, %v", got, err)
		}
		err := e.Models.DeleteModel(e.ctx, m.ID)
		wantCode(t, err, cordon.ECONFLICT)
		if msg := cordon.ErrorMessage(err); !strings.Contains(msg, "exception "+strconv.FormatInt(x.ID, 10)) || !strings.Contains(msg, "SOMATOM") {
			t.Errorf("refusal %q names neither the model nor the exception", msg)
		}
		_, err = e.Exceptions.RevokeException(e.ctx, x.ID, "Replaced by the new scanner.")
		must(t, err)

		r := &cordon.RemediationRecord{CVE: "CVE-2019-0708", ModelID: m.ID}
		must(t, e.Remediations.CreateRemediation(e.ctx, r))
		err = e.Models.DeleteModel(e.ctx, m.ID)
		wantCode(t, err, cordon.ECONFLICT)
		if msg := cordon.ErrorMessage(err); !strings.Contains(msg, "CVE-2019-0708 (remediation "+strconv.FormatInt(r.ID, 10)+")") || strings.Contains(msg, "exceptions") {
			t.Errorf("refusal %q does not name the remediation alone", msg)
		}
		// Nothing changed: the model, its device and the record stand.
		if got, err := e.Models.FindModelByID(e.sys, m.ID); err != nil || got.Devices != 1 {
			t.Errorf("model after a refused delete = %+v, %v", got, err)
		}
		if got, err := e.Remediations.FindRemediationByID(e.sys, r.ID); err != nil || len(got.Devices) != 1 || got.Devices[0].Left {
			t.Errorf("remediation after a refused delete = %+v, %v", got, err)
		}
		if a := e.audited(t, "model:"+strconv.FormatInt(m.ID, 10)); !reflect.DeepEqual(a, []string{"model.create"}) {
			t.Errorf("model audit = %v", a)
		}
		// Many records are counted, not all named.
		for i := range 6 {
			must(t, e.Remediations.CreateRemediation(e.ctx, &cordon.RemediationRecord{CVE: "CVE-2024-000" + strconv.Itoa(i+1), ModelID: m.ID}))
		}
		if msg := cordon.ErrorMessage(e.Models.DeleteModel(e.ctx, m.ID)); !strings.Contains(msg, "and 2 more") {
			t.Errorf("refusal of 7 records = %q", msg)
		}
	})

	t.Run("Sync", func(t *testing.T) {
		e := setup(t, open)
		ct1 := NewDevice("00:09:fb:00:00:01", "10.0.0.1", cordon.Categories[0],
			WithMaker("GE Healthcare", "Revolution CT"), WithDICOMVersion("REV_1.2"))
		ct2 := NewDevice("00:09:fb:00:00:02", "10.0.0.2", cordon.Categories[0],
			WithMaker("GE HEALTHCARE", "Revolution  CT"), WithDICOMVersion("rev_1.2"))
		// LLDP-MED: the revision seen last is the device's.
		pump := NewDevice("00:09:fb:00:00:03", "10.0.0.3", cordon.Categories[0], WithMaker("Baxter", "Sigma Spectrum"),
			WithFact("lldp.med.software_revision", "8.00.00", Epoch),
			WithFact("lldp.med.software_revision", "8.00.01", Epoch.Add(time.Hour)))
		bare := NewDevice("00:09:fb:00:00:04", "10.0.0.4", cordon.Categories[0], WithMaker("Philips", "IntelliVue MX800"))
		nameless := NewDevice("00:09:fb:00:00:05", "10.0.0.5", cordon.Categories[0], WithMaker("Philips", ""))
		// By hand before any sync: to another model, and to none.
		byHand := NewDevice("00:09:fb:00:00:06", "10.0.0.6", cordon.Categories[0], WithMaker("Baxter", "Sigma Spectrum"))
		toNone := NewDevice("00:09:fb:00:00:07", "10.0.0.7", cordon.Categories[0], WithMaker("Baxter", "Sigma Spectrum"))
		e.ingest(t, "ward.pcap", Devices(ct1, ct2, pump, bare, nameless, byHand, toNone), nil)
		// A register-only device has no observation to read.
		_, err := e.Devices.CreateDevice(e.ctx, cordon.Recorded{Manufacturer: "Baxter", Model: "Sigma Spectrum"})
		must(t, err)
		id := func(d *cordon.Device) int64 { return e.deviceByKey(t, Key(d)).ID }
		other := e.createModel(t, "Baxter", "Spectrum IQ", "")
		must(t, e.Models.AssignDevices(e.ctx, other.ID, []int64{id(byHand)}))
		must(t, e.Models.AssignDevices(e.ctx, 0, []int64{id(toNone)}))
		_, _, err = e.Models.ModelOfDevice(e.sys, id(toNone))
		wantCode(t, err, cordon.ENOTFOUND)

		created, assigned, err := e.Models.SyncDiscoveredModels(e.sys)
		must(t, err)
		// Revolution CT REV_1.2, Sigma Spectrum 8.00.01 (the pump) and
		// IntelliVue MX800 without a version; four devices.
		if created != 3 || assigned != 4 {
			t.Errorf("sync = %d created, %d assigned; want 3, 4", created, assigned)
		}
		model := func(d *cordon.Device) (*cordon.DeviceModel, string) {
			t.Helper()
			m, how, err := e.Models.ModelOfDevice(e.sys, id(d))
			if err != nil {
				t.Fatalf("ModelOfDevice(%s): %v", d.MAC, err)
			}
			return m, how
		}
		m1, how := model(ct1)
		m2, _ := model(ct2)
		if m1.ID != m2.ID || m1.Version != "REV_1.2" || m1.Devices != 2 || how != cordon.ModelByDiscovery || m1.Category != cordon.Categories[0] {
			t.Errorf("CT models = %+v %q, %+v", m1, how, m2)
		}
		if m, _ := model(pump); m.Manufacturer != "Baxter" || m.Model != "Sigma Spectrum" || m.Version != "8.00.01" {
			t.Errorf("pump model = %+v", m)
		}
		if m, _ := model(bare); m.Version != "" || m.Model != "IntelliVue MX800" {
			t.Errorf("bare model = %+v", m)
		}
		_, _, err = e.Models.ModelOfDevice(e.sys, id(nameless))
		wantCode(t, err, cordon.ENOTFOUND)
		// Discovery never overrides a hand assignment.
		if m, how := model(byHand); m.ID != other.ID || how != cordon.ModelByHand {
			t.Errorf("hand-assigned device moved to %+v %q", m, how)
		}
		_, _, err = e.Models.ModelOfDevice(e.sys, id(toNone))
		wantCode(t, err, cordon.ENOTFOUND)

		es, _, err := e.Audit.FindAuditEntries(e.sys, cordon.AuditFilter{Object: "models"})
		must(t, err)
		if len(es) != 1 || es[0].Action != "model.sync" {
			t.Errorf("sync audit = %+v", es)
		}
		// Discovery writes no per-device entries.
		if a := e.audited(t, "device:"+strconv.FormatInt(id(ct1), 10)); len(a) != 0 {
			t.Errorf("device audit after sync = %v", a)
		}

		created, assigned, err = e.Models.SyncDiscoveredModels(e.sys)
		must(t, err)
		if created != 0 || assigned != 0 {
			t.Errorf("second sync = %d created, %d assigned; want 0, 0", created, assigned)
		}

		// A hand assignment after a sync also sticks.
		must(t, e.Models.AssignDevices(e.ctx, other.ID, []int64{id(ct2)}))
		// A new firmware moves a discovered device to the new model.
		ct1.DICOM.ImplementationVersion = "REV_1.3"
		ct2.DICOM.ImplementationVersion = "REV_1.3"
		e.ingest(t, "ward2.pcap", Devices(ct1, ct2), nil)
		created, assigned, err = e.Models.SyncDiscoveredModels(e.sys)
		must(t, err)
		if created != 1 || assigned != 1 {
			t.Errorf("sync after upgrade = %d created, %d assigned; want 1, 1", created, assigned)
		}
		if m, how := model(ct1); m.Version != "REV_1.3" || how != cordon.ModelByDiscovery {
			t.Errorf("upgraded CT = %+v %q", m, how)
		}
		if m, how := model(ct2); m.ID != other.ID || how != cordon.ModelByHand {
			t.Errorf("hand-assigned CT = %+v %q", m, how)
		}

		// Deleting a model unassigns its discovered devices; the next sync
		// reads the traffic again.
		mp, _ := model(pump)
		must(t, e.Models.DeleteModel(e.ctx, mp.ID))
		_, _, err = e.Models.ModelOfDevice(e.sys, id(pump))
		wantCode(t, err, cordon.ENOTFOUND)
		created, assigned, err = e.Models.SyncDiscoveredModels(e.sys)
		must(t, err)
		if created != 1 || assigned != 1 {
			t.Errorf("sync after delete = %d created, %d assigned; want 1, 1", created, assigned)
		}
		// Deleting the model of hand-assigned devices leaves them assigned
		// to none by hand: discovery still leaves them alone.
		must(t, e.Models.DeleteModel(e.ctx, other.ID))
		if _, assigned, err = e.Models.SyncDiscoveredModels(e.sys); err != nil || assigned != 0 {
			t.Errorf("sync after deleting the hand model = %d assigned, %v", assigned, err)
		}
		_, _, err = e.Models.ModelOfDevice(e.sys, id(byHand))
		wantCode(t, err, cordon.ENOTFOUND)
	})
}
