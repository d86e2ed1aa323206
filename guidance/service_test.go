package guidance_test

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/guidance"
	"github.com/cordonsec/cordon/storetest"
)

// ward is a small hospital: a clean infusion pump, a CT that breaks every
// step 3 rule, a silent monitor and a workstation.
type ward struct {
	e                   *env
	pump, ct, mon, ws   *cordon.Device
	gw                  *cordon.Device
	pumpID, ctID, monID int64
}

const day = 24 * time.Hour

func newWard(t *testing.T) *ward {
	w := &ward{e: mustOpenEnv(t)}
	w.pump = storetest.NewDevice("00:11:22:00:00:01", "10.10.1.20", cordon.CategoryInfusionPump, storetest.WithHost("pump-icu-01"))
	w.gw = storetest.NewDevice("00:11:22:00:00:02", "10.10.2.5", cordon.CategoryMedicalServer, storetest.WithHost("pump-gw"))
	w.ct = storetest.NewDevice("00:11:22:00:00:03", "10.20.1.10", cordon.CategoryImagingModality, storetest.WithHost("ct01"))
	w.mon = storetest.NewDevice("00:11:22:00:00:04", "10.10.1.30", cordon.CategoryPatientMonitor, storetest.WithHost("mon-icu-02"))
	w.ws = storetest.NewDevice("00:11:22:00:00:05", "10.30.0.9", cordon.CategoryWorkstation, storetest.WithHost("admin-pc"))
	k := storetest.Key
	w.e.ingest(t, []*cordon.Device{w.pump, w.gw, w.ct, w.mon, w.ws}, []cordon.Conversation{
		conv(k(w.pump), k(w.gw), "tcp", 2575, "hl7", 2*time.Hour, 40),
		conv(k(w.ct), "ip:198.51.100.25", "tcp", 25, "smtp", 3*day, 2),
		conv(k(w.ct), "ip:203.0.113.80", "tcp", 443, "tls", 5*day, 7),
		conv(k(w.ct), "ip:192.0.2.45", "tcp", 445, "", 6*day, 1),
		conv(k(w.ws), k(w.ct), "tcp", 3389, "rdp", 1*day, 3),
		conv("ip:203.0.113.200", k(w.ct), "tcp", 3389, "rdp", 2*day, 1),
		conv(k(w.ct), k(w.gw), "tcp", 104, "dicom", 1*day, 9),
		// Outside the 30-day window: ignored.
		conv(k(w.ct), "ip:198.51.100.99", "tcp", 587, "smtp", 40*day, 5),
	})
	w.pumpID, w.ctID, w.monID = w.e.id(t, w.pump), w.e.id(t, w.ct), w.e.id(t, w.mon)

	rec, err := w.e.svc.Devices.FindDeviceByID(w.e.ctx, w.pumpID)
	must(t, err)
	rec.Recorded.Zone = "infusion-vlan-210"
	rec.Recorded.Site = "Royal Infirmary"
	_, err = w.e.svc.Devices.UpdateRecorded(w.e.ctx, w.pumpID, rec.Recorded)
	must(t, err)
	review := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	must(t, w.e.svc.Exceptions.CreateException(w.e.ctx, &cordon.Exception{DeviceID: w.pumpID, Reason: cordon.ExceptionEndOfSupport,
		RiskRef: "RR-101", Owner: "EBME lead", Expires: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC),
		Controls: []cordon.Control{
			{Kind: "no_removable_media", Class: cordon.ControlLikelihood, Status: cordon.ControlVerified,
				Evidence: "USB ports disabled in firmware, checked on 2026-02-01", ReviewDate: review},
			{Kind: "segmented", Class: cordon.ControlImpact, Status: cordon.ControlInPlace, Evidence: "VLAN 210", ReviewDate: review},
		}}))
	return w
}

func states(r *guidance.DeviceReport) map[string]string {
	m := map[string]string{}
	for _, c := range r.Checks {
		m[c.Check] = c.State
	}
	return m
}

func TestService_Device(t *testing.T) {
	w := newWard(t)
	t.Run("Clean", func(t *testing.T) {
		r, err := w.e.svc.Device(w.e.ctx, w.pumpID)
		must(t, err)
		want := map[string]string{"email": "pass", "web": "pass", "file_shares": "pass", "remote_access": "pass",
			"removable_media": "pass", "segmented": "pass", "internet": "pass"}
		if got := states(r); !equal(got, want) {
			t.Errorf("states = %v, want %v", got, want)
		}
		if r.Zone != "infusion-vlan-210" || !r.ZoneRecorded || r.Site != "Royal Infirmary" || !r.Medical {
			t.Errorf("identity = %+v", r)
		}
		rm := r.Result(guidance.CheckRemovableMedia)
		if rm.Source != guidance.SourceRecords || rm.Window != nil || len(rm.Evidence) != 1 ||
			!strings.Contains(rm.Evidence[0].Note, "USB ports disabled") || rm.Evidence[0].ExceptionID == 0 {
			t.Errorf("removable media = %+v", rm)
		}
		em := r.Result(guidance.CheckEmail)
		if em.Window == nil || !em.Window.Since.Equal(now.Add(-30*day)) || !em.Window.Until.Equal(now) {
			t.Errorf("email window = %+v", em.Window)
		}
	})
	t.Run("Violations", func(t *testing.T) {
		r, err := w.e.svc.Device(w.e.ctx, w.ctID)
		must(t, err)
		want := map[string]string{"email": "fail", "web": "fail", "file_shares": "fail", "remote_access": "fail",
			"removable_media": "unknown", "segmented": "fail", "internet": "fail"}
		if got := states(r); !equal(got, want) {
			t.Errorf("states = %v, want %v", got, want)
		}
		em := r.Result(guidance.CheckEmail)
		if len(em.Evidence) != 1 {
			t.Fatalf("email evidence = %+v (the 40-day-old one must be outside the window)", em.Evidence)
		}
		if ev := em.Evidence[0]; ev.Peer != "ip:198.51.100.25" || ev.Port != 25 || ev.Service != "SMTP" || ev.Flows != 2 ||
			ev.Direction != guidance.Outbound || !ev.LastSeen.Equal(now.Add(-3*day).Truncate(time.Hour)) {
			t.Errorf("email evidence = %+v", ev)
		}
		ra := r.Result(guidance.CheckRemoteAccess)
		if len(ra.Evidence) != 2 || ra.Evidence[0].Direction != guidance.Inbound {
			t.Errorf("remote access evidence = %+v", ra.Evidence)
		}
		seg := r.Result(guidance.CheckSegmented)
		if !strings.Contains(seg.Summary, "1 internal host(s) open connections to it, 1 from other subnets") ||
			!strings.Contains(seg.Summary, "subnet 10.20.1.0/24") {
			t.Errorf("segmented summary = %q", seg.Summary)
		}
		if r.Zone != "10.20.1.0/24" || r.ZoneRecorded {
			t.Errorf("zone = %q recorded=%v", r.Zone, r.ZoneRecorded)
		}
	})
	t.Run("Silent", func(t *testing.T) {
		r, err := w.e.svc.Device(w.e.ctx, w.monID)
		must(t, err)
		for _, c := range r.Checks {
			if c.State != guidance.Unknown {
				t.Errorf("%s = %s (%s), want unknown without traffic", c.Check, c.State, c.Summary)
			}
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := w.e.svc.Device(w.e.ctx, 9999)
		if cordon.ErrorCode(err) != cordon.ENOTFOUND {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("Approved", func(t *testing.T) {
		svc := *w.e.svc
		svc.Options = guidance.Options{
			AllowWeb:  []netip.Prefix{netip.MustParsePrefix("203.0.113.0/25")},
			JumpHosts: []netip.Prefix{netip.MustParsePrefix("10.30.0.9/32")},
		}
		r, err := svc.Device(w.e.ctx, w.ctID)
		must(t, err)
		if got := states(r); got["web"] != "pass" || got["remote_access"] != "fail" {
			t.Errorf("states = %v: web allowed, RDP from the internet still fails", got)
		}
		ra := r.Result(guidance.CheckRemoteAccess)
		if len(ra.Evidence) != 2 || !strings.Contains(ra.Evidence[1].Note, "approved jump host") {
			t.Errorf("remote access evidence = %+v", ra.Evidence)
		}
	})
	t.Run("ShorterWindow", func(t *testing.T) {
		svc := *w.e.svc
		svc.Options.Window = 2 * day
		r, err := svc.Device(w.e.ctx, w.ctID)
		must(t, err)
		if got := states(r); got["email"] != "pass" || got["remote_access"] != "fail" {
			t.Errorf("states = %v: the SMTP of 3 days ago is outside a 2-day window", got)
		}
	})
}

func TestService_Table(t *testing.T) {
	w := newWard(t)
	t.Run("MedicalFirst", func(t *testing.T) {
		reps, total, err := w.e.svc.Table(w.e.ctx, guidance.Filter{})
		must(t, err)
		if total != 5 || len(reps) != 5 {
			t.Fatalf("total %d, %d rows", total, len(reps))
		}
		var names []string
		for _, r := range reps {
			names = append(names, r.Name)
		}
		if got := strings.Join(names, ","); got != "pump-icu-01,mon-icu-02,ct01,pump-gw,admin-pc" {
			t.Errorf("order = %s", got)
		}
	})
	t.Run("SameAsOneDevice", func(t *testing.T) {
		reps, _, err := w.e.svc.Table(w.e.ctx, guidance.Filter{})
		must(t, err)
		one, err := w.e.svc.Device(w.e.ctx, w.ctID)
		must(t, err)
		for _, r := range reps {
			if r.DeviceID == w.ctID && !equal(states(&r), states(one)) {
				t.Errorf("table %v, device %v", states(&r), states(one))
			}
		}
	})
	t.Run("FilterState", func(t *testing.T) {
		reps, total, err := w.e.svc.Table(w.e.ctx, guidance.Filter{State: "fail", Check: "email"})
		must(t, err)
		if total != 1 || reps[0].DeviceID != w.ctID {
			t.Errorf("total %d: %+v", total, reps)
		}
	})
	t.Run("FilterSiteAndPage", func(t *testing.T) {
		reps, total, err := w.e.svc.Table(w.e.ctx, guidance.Filter{Site: "royal infirmary"})
		must(t, err)
		if total != 1 || reps[0].DeviceID != w.pumpID {
			t.Errorf("total %d: %+v", total, reps)
		}
		reps, total, err = w.e.svc.Table(w.e.ctx, guidance.Filter{Offset: 1, Limit: 2})
		must(t, err)
		if total != 5 || len(reps) != 2 || reps[0].Name != "mon-icu-02" {
			t.Errorf("page: total %d, %+v", total, reps)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, f := range []guidance.Filter{{State: "green"}, {Check: "email"}, {State: "fail", Check: "usb"}, {Category: "toaster"}, {Offset: -1}} {
			if _, _, err := w.e.svc.Table(w.e.ctx, f); cordon.ErrorCode(err) != cordon.EINVALID {
				t.Errorf("%+v: err = %v", f, err)
			}
		}
	})
}

func equal(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
