package ui

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/sqlite"
)

// newLiveEnv is newTestEnv whose server captures live on the interfaces
// live returns, with the alert store for the silent interface's link.
func newLiveEnv(t *testing.T, opt envOptions, live func() []cordon.LiveCapture) *testEnv {
	t.Helper()
	e := newTestEnv(t, opt)
	h, err := New(Config{
		Devices: e.devices, Captures: e.captures, Users: e.users, Audit: sqlite.NewAuditService(e.db),
		Queue: e.queue, CaptureDir: filepath.Join(t.TempDir(), "captures"), MaxUpload: 1 << 20,
		Alerts: sqlite.NewAlertService(e.db), LiveCaptures: live,
		CSRFToken: func(*http.Request) string { return testCSRF },
		Now:       func() time.Time { return testNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	var handler http.Handler = e.csrf.wrap(withTestUser(e.users, mux))
	if opt.csp {
		inner := handler
		handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Security-Policy", testCSP)
			inner.ServeHTTP(w, r)
		})
	}
	e.srv.Close()
	e.srv = httptest.NewServer(handler)
	t.Cleanup(e.srv.Close)
	return e
}

// testLive is a server capturing on two interfaces, listed out of order as
// a snapshot may be: eth2 carries the ward's traffic and drops a little;
// span0 lost its SPAN session an hour and a half ago.
func testLive() []cordon.LiveCapture {
	started := testNow.Add(-6 * time.Hour)
	return []cordon.LiveCapture{
		{Interface: "span0", Started: started, Packets: 1200, Bytes: 880_000,
			LastPacket: testNow.Add(-90 * time.Minute), Batches: 360, Silent: true},
		{Interface: "eth2", Filter: "not port 22", Started: started, Packets: 1_234_567, Bytes: 3 << 30, Drops: 4096,
			LastPacket: testNow.Add(-2 * time.Second), Batches: 358, Merged: 2, Failed: 1},
	}
}

// liveRowOf returns the table row of one interface.
func liveRowOf(t *testing.T, body, iface string) string {
	t.Helper()
	i := strings.Index(body, `<tr id="live-`+iface+`">`)
	if i < 0 {
		t.Fatalf("no row for %s", iface)
	}
	row := body[i:]
	return row[:strings.Index(row, "</tr>")]
}

func TestCapturesLive(t *testing.T) {
	t.Run("NotCapturing", func(t *testing.T) {
		for name, live := range map[string]func() []cordon.LiveCapture{
			"Nil":  nil,
			"None": func() []cordon.LiveCapture { return nil },
		} {
			e := newLiveEnv(t, envOptions{}, live)
			page := e.get("viewer1", "/captures")
			if page.status != 200 || strings.Contains(page.body, `id="live"`) || strings.Contains(page.body, "Live capture") {
				t.Errorf("%s: the page shows a live card: %d", name, page.status)
			}
		}
	})

	e := newLiveEnv(t, envOptions{}, testLive)
	page := e.get("viewer1", "/captures")
	if page.status != 200 {
		t.Fatalf("captures: %d\n%s", page.status, page.body)
	}
	checkNoInline(t, "captures", page.body)
	live, list := strings.Index(page.body, `<h2 id="live-h">Live capture</h2>`), strings.Index(page.body, `id="list-h"`)
	if live < 0 || live > list {
		t.Fatalf("no live card above the list")
	}
	if strings.Index(page.body, `id="live-eth2"`) > strings.Index(page.body, `id="live-span0"`) {
		t.Errorf("interfaces not in order of name")
	}

	eth2 := liveRowOf(t, page.body, "eth2")
	for _, want := range []string{
		"<code>not port 22</code>", "Capturing", "6 hours ago", "1,234,567", "3.0 GiB", "4,096",
		"badge-warn", "0.33% of packets", "just now", "358 written, 2 merged,", `status-failed">1 failed`,
	} {
		if !strings.Contains(eth2, want) {
			t.Errorf("eth2's row lacks %q:\n%s", want, eth2)
		}
	}
	span0 := liveRowOf(t, page.body, "span0")
	for _, want := range []string{"badge-sev-high", "No traffic", `href="/alerts?kind=capture_silent"`, "1 hour ago", "1,200", "360 written, 0 merged, 0 failed"} {
		if !strings.Contains(span0, want) {
			t.Errorf("span0's row lacks %q:\n%s", want, span0)
		}
	}
	for _, bad := range []string{"Capturing", "badge-warn", "filter:"} {
		if strings.Contains(span0, bad) {
			t.Errorf("span0's row shows %q:\n%s", bad, span0)
		}
	}
	if !strings.Contains(page.body, "No traffic on span0.") || !strings.Contains(page.body, "SPAN session or tap") {
		t.Errorf("no banner for the silent interface")
	}

	// The link finds the silent interface's alert on the alerts page.
	alerts := sqlite.NewAlertService(e.db)
	for _, a := range []*cordon.Alert{
		{Kind: cordon.AlertCaptureSilent, Severity: cordon.AlertHigh, Subject: "interface:span0", Title: "Live capture on span0 has seen no traffic"},
		{Kind: cordon.AlertCaptureDrops, Severity: cordon.AlertMedium, Subject: "interface:eth2", Title: "Live capture on eth2 is dropping packets"},
	} {
		if err := alerts.RaiseAlert(context.Background(), a); err != nil {
			t.Fatal(err)
		}
	}
	found := e.get("viewer1", "/alerts?kind=capture_silent")
	if found.status != 200 || !strings.Contains(found.body, "has seen no traffic") || strings.Contains(found.body, "dropping packets") {
		t.Errorf("the alerts the card links to: %d\n%s", found.status, found.body)
	}
}

func TestCapturesLiveEscapes(t *testing.T) {
	e := newLiveEnv(t, envOptions{}, func() []cordon.LiveCapture {
		return []cordon.LiveCapture{{Interface: "eth0", Filter: hostile, Started: testNow}}
	})
	page := e.get("viewer1", "/captures")
	if strings.Contains(page.body, hostile) || !strings.Contains(page.body, "&lt;script&gt;") {
		t.Errorf("the filter is not escaped")
	}
	row := liveRowOf(t, page.body, "eth0")
	if !strings.Contains(row, "never") || strings.Contains(row, "badge-warn") {
		t.Errorf("an interface that saw nothing yet:\n%s", row)
	}
}

func TestDropShare(t *testing.T) {
	tests := []struct {
		name           string
		drops, packets uint64
		want           string
	}{
		{"None", 0, 1000, ""},
		{"Tiny", 1, 1_000_000, "under 0.01%"},
		{"Small", 4096, 1_234_567, "0.33%"},
		{"Large", 250, 750, "25.0%"},
		{"All", 10, 0, "100.0%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := dropShare(tt.drops, tt.packets); got != tt.want {
				t.Errorf("dropShare(%d, %d) = %q, want %q", tt.drops, tt.packets, got, tt.want)
			}
		})
	}
}
