package http

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/guidance"
	"github.com/cordonsec/cordon/sqlite"
	"github.com/cordonsec/cordon/storetest"
)

// guidanceAccess returns the access table's rows for the guidance routes.
func guidanceAccess(t *testing.T, e *env) []accessCase {
	dev := fmt.Sprint(e.device)
	return []accessCase{
		{"GET /api/v1/guidance", get("/api/v1/guidance?state=fail"), [4]int{401, 200, 200, 200}},
		{"GET /api/v1/devices/{id}/guidance", get("/api/v1/devices/" + dev + "/guidance"), [4]int{401, 200, 200, 200}},
	}
}

// seedGuidanceTraffic ingests, through the store's ingest path, an hour of
// the env's CT sending mail to the internet and a pump talking only to its
// gateway.
func (e *env) seedGuidanceTraffic() (ct, pump int64) {
	e.t.Helper()
	ctx := context.Background()
	ctDev := storetest.NewDevice("00:09:fb:01:02:03", "10.1.2.3", cordon.CategoryImagingModality,
		storetest.WithHost("ct01.radiology.example.nhs.uk"), storetest.WithMaker("Siemens Healthineers", "SOMATOM go.Up"))
	pumpDev := storetest.NewDevice("00:11:22:00:00:01", "10.10.1.20", cordon.CategoryInfusionPump, storetest.WithHost("pump-icu-01"))
	gw := storetest.NewDevice("00:11:22:00:00:02", "10.10.2.5", cordon.CategoryMedicalServer, storetest.WithHost("pump-gw"))
	hour := e.clock.Now().Add(-2 * time.Hour).Truncate(time.Hour)
	c := &cordon.Capture{Name: "guidance.pcap", SHA256: storetest.Hash("guidance.pcap"), Size: 1}
	must(e.t, e.s.CaptureService.CreateCapture(ctx, c))
	must(e.t, e.s.CaptureService.StartCapture(ctx, c.ID))
	must(e.t, sqlite.NewIngestService(e.db).CommitIngest(ctx, c.ID, storetest.Devices(ctDev, pumpDev, gw), []cordon.Conversation{
		{Client: storetest.Key(ctDev), Server: "ip:198.51.100.25", Proto: "tcp", Port: 25, App: "smtp", Hour: hour, Flows: 2, Packets: 20, Bytes: 2000},
		{Client: storetest.Key(pumpDev), Server: storetest.Key(gw), Proto: "tcp", Port: 2575, App: "hl7", Hour: hour, Flows: 9, Packets: 90, Bytes: 9000},
	}, cordon.IngestStats{Devices: 3, Conversations: 2}))
	recs, _, err := e.s.DeviceService.FindDevices(ctx, cordon.DeviceFilter{Keys: []string{storetest.Key(pumpDev)}})
	must(e.t, err)
	return e.device, recs[0].ID
}

func TestGuidanceAPI(t *testing.T) {
	e := MustOpenEnv(t, nil)
	ct, pump := e.seedGuidanceTraffic()
	viewer := e.bearer(cordon.RoleViewer)

	t.Run("Device", func(t *testing.T) {
		resp := e.do(viewer, req{method: "GET", path: fmt.Sprintf("/api/v1/devices/%d/guidance", ct)})
		if resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		var rep guidance.DeviceReport
		decode(t, resp, &rep)
		em := rep.Result(guidance.CheckEmail)
		if em == nil || em.State != guidance.Fail || len(em.Evidence) != 1 || em.Evidence[0].Peer != "ip:198.51.100.25" || em.Evidence[0].Port != 25 {
			t.Fatalf("email = %+v", em)
		}
		if em.Window == nil || !em.Window.Until.Equal(e.clock.Now()) || !em.Window.Since.Equal(e.clock.Now().Add(-guidance.DefaultWindow)) {
			t.Errorf("window = %+v", em.Window)
		}
		if rm := rep.Result(guidance.CheckRemovableMedia); rm.State != guidance.Unknown || rm.Source != guidance.SourceRecords {
			t.Errorf("removable media = %+v", rm)
		}
	})
	t.Run("TableFilters", func(t *testing.T) {
		var out struct {
			Devices []guidance.DeviceReport `json:"devices"`
			Checks  []guidance.CheckInfo    `json:"checks"`
			Total   int                     `json:"total"`
		}
		decode(t, e.do(viewer, req{method: "GET", path: "/api/v1/guidance?state=fail&check=email"}), &out)
		if out.Total != 1 || out.Devices[0].DeviceID != ct || len(out.Checks) != len(guidance.Checks) {
			t.Errorf("fail/email: %+v", out)
		}
		decode(t, e.do(viewer, req{method: "GET", path: "/api/v1/guidance?category=infusion_pump"}), &out)
		if out.Total != 1 || out.Devices[0].DeviceID != pump || out.Devices[0].Result("email").State != guidance.Pass {
			t.Errorf("pumps: %+v", out)
		}
		decode(t, e.do(viewer, req{method: "GET", path: "/api/v1/guidance?limit=1"}), &out)
		if out.Total != 3 || len(out.Devices) != 1 || out.Devices[0].Category != cordon.CategoryInfusionPump {
			t.Errorf("first page: total %d, %+v", out.Total, out.Devices)
		}
	})
	t.Run("CSV", func(t *testing.T) {
		resp := e.do(viewer, req{method: "GET", path: "/api/v1/guidance?format=csv&limit=1"})
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Fatalf("content type %q", ct)
		}
		rows, err := csv.NewReader(resp.Body).ReadAll()
		must(t, err)
		if len(rows) != 4 || strings.Join(rows[0], ",") != strings.Join(guidance.CSVHeader(), ",") {
			t.Fatalf("rows = %q (csv is every device, whatever the limit)", rows)
		}
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		for _, r := range rows[1:] {
			if r[col["device_id"]] == fmt.Sprint(ct) && (r[col["email"]] != "fail" || !strings.Contains(r[col["failing"]], "email:")) {
				t.Errorf("ct row = %q", r)
			}
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, q := range []string{"state=green", "check=email", "check=usb&state=fail", "format=xml", "category=toaster", "color=red", "limit=0"} {
			resp := e.do(viewer, req{method: "GET", path: "/api/v1/guidance?" + q})
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("%s: status %d", q, resp.StatusCode)
			}
		}
		if resp := e.do(viewer, req{method: "GET", path: "/api/v1/devices/abc/guidance"}); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("bad id: status %d", resp.StatusCode)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if resp := e.do(viewer, req{method: "GET", path: "/api/v1/devices/99999/guidance"}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("status %d", resp.StatusCode)
		}
	})
}
