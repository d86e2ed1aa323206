package ui

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/sqlite"
)

// newGuidanceEnv is the test env with the real SQLite conversation and
// exception stores, and an hour of traffic ingested the way a capture is:
// the CT mails an internet server and is reached by RDP from the
// reception desktop; the pump talks only to its gateway.
func newGuidanceEnv(t *testing.T) *testEnv {
	e := newTestEnv(t)
	ctx := context.Background()
	h := testNow.Truncate(time.Hour).Add(-time.Hour)
	c := &cordon.Capture{Name: "guidance.pcap", SHA256: strings.Repeat("ab", 32), Size: 1, CreatedBy: "analyst1"}
	must(t, e.captures.CreateCapture(ctx, c))
	must(t, e.captures.StartCapture(ctx, c.ID))
	devs := map[string]*cordon.Device{}
	for _, d := range testDevices() {
		devs[cordon.DeviceKey(d)] = d
	}
	must(t, sqlite.NewIngestService(e.db).CommitIngest(ctx, c.ID, devs, []cordon.Conversation{
		{Client: keyCT, Server: "ip:198.51.100.25", Proto: "tcp", Port: 25, App: "smtp", Hour: h, Flows: 3, Packets: 30, Bytes: 3000},
		{Client: keyPC, Server: keyCT, Proto: "tcp", Port: 3389, App: "rdp", Hour: h, Flows: 1, Packets: 300, Bytes: 30000},
		{Client: keyPump, Server: "ip:10.9.0.7", Proto: "tcp", Port: 2575, App: "hl7", Hour: h, Flows: 60, Packets: 600, Bytes: 90_000},
	}, cordon.IngestStats{Devices: len(devs), Conversations: 3}))

	hd, err := New(Config{
		Devices: e.devices, Captures: e.captures, Users: e.users, Audit: sqlite.NewAuditService(e.db),
		Conversations: sqlite.NewConversationService(e.db), Exceptions: sqlite.NewExceptionService(e.db),
		Models: sqlite.NewModelService(e.db), Queue: e.queue, CaptureDir: filepath.Join(t.TempDir(), "captures"),
		CSRFToken: func(*http.Request) string { return testCSRF }, Now: func() time.Time { return testNow },
	})
	must(t, err)
	mux := http.NewServeMux()
	hd.Register(mux)
	e.srv.Close()
	e.srv = httptest.NewServer(e.csrf.wrap(withTestUser(e.users, mux)))
	t.Cleanup(e.srv.Close)
	return e
}

func TestGuidancePage(t *testing.T) {
	e := newGuidanceEnv(t)
	t.Run("Table", func(t *testing.T) {
		r := e.get("viewer1", "/guidance")
		if r.status != http.StatusOK {
			t.Fatalf("status %d:\n%s", r.status, r.body)
		}
		checkNoInline(t, "/guidance", r.body)
		ct, pump, pc := strings.Index(r.body, "CT-SCAN-01"), strings.Index(r.body, "alaris-ward7-03"), strings.Index(r.body, "WS-RECEPTION")
		if ct < 0 || pump < 0 || pc < 0 || pump > ct || ct > pc {
			t.Errorf("medical devices first, pump before CT before desktop: %d %d %d", pump, ct, pc)
		}
		for _, want := range []string{`href="/guidance.csv"`, "No email", "Removable media blocked", `class="badge badge-sev-high">Fail</span>`,
			`class="badge badge-support-supported">Pass</span>`, `class="badge badge-unknown">Unknown</span>`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if strings.Contains(r.body, hostile) {
			t.Error("hostile host name shown unescaped")
		}
	})
	t.Run("Filtered", func(t *testing.T) {
		r := e.get("viewer1", "/guidance?state=fail&check=email")
		if r.status != http.StatusOK || !strings.Contains(r.body, "CT-SCAN-01") || strings.Contains(r.body, "alaris-ward7-03") {
			t.Errorf("status %d; the CT alone fails the email check", r.status)
		}
		if !strings.Contains(r.body, `href="/guidance.csv?check=email&amp;state=fail"`) {
			t.Error("the CSV link does not keep the filters")
		}
	})
	t.Run("BadFilter", func(t *testing.T) {
		r := e.get("viewer1", "/guidance?state=green")
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "state must be pass, fail or unknown") {
			t.Errorf("status %d", r.status)
		}
	})
	t.Run("CSV", func(t *testing.T) {
		r := e.get("viewer1", "/guidance.csv?category=imaging_modality")
		rows, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
		must(t, err)
		if len(rows) != 2 || rows[1][1] != "CT-SCAN-01" {
			t.Fatalf("rows = %q", rows)
		}
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		if rows[1][col["email"]] != "fail" || rows[1][col["remote_access"]] != "fail" || rows[1][col["removable_media"]] != "unknown" {
			t.Errorf("CT row = %q", rows[1])
		}
	})
	t.Run("DeviceSection", func(t *testing.T) {
		r := e.get("viewer1", e.devicePath(keyCT))
		if r.status != http.StatusOK {
			t.Fatalf("status %d:\n%s", r.status, r.body)
		}
		for _, want := range []string{`id="guidance"`, "Guidance checks", "<code>ip:198.51.100.25</code> tcp/25 SMTP", "3 flows",
			"from <code>" + keyPC + "</code> tcp/3389 RDP", "subnet 10.1.2.0/24"} {
			if !strings.Contains(r.body, want) {
				t.Errorf("device page lacks %q", want)
			}
		}
	})
	t.Run("AnonymousRedirected", func(t *testing.T) {
		if r := e.get("", "/guidance"); r.status != http.StatusSeeOther {
			t.Errorf("status %d", r.status)
		}
	})
}
