package http

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/sqlite"
)

// metricsAccess returns the access table's row for /metrics: any role's
// bearer token may scrape.
func metricsAccess(t *testing.T, e *env) []accessCase {
	e.s.OutboxService = sqlite.NewOutboxService(e.db)
	return []accessCase{
		{"GET /metrics", get("/metrics"), [4]int{401, 200, 200, 200}},
	}
}

func TestMetrics(t *testing.T) {
	e := MustOpenEnv(t, nil)
	out := sqlite.NewOutboxService(e.db)
	e.s.OutboxService = out
	must(t, out.SetDestinations(context.Background(), []string{"siem"}))
	e.raiseAlert("smbv1", cordon.AlertHigh, e.device, "a")
	e.raiseAlert("smbv1", cordon.AlertHigh, e.device, "b")
	e.raiseAlert(`odd"kind\`, cordon.AlertLow, 0, "c")
	due, err := out.DueOutbox(context.Background(), 10)
	must(t, err)
	must(t, out.MarkDelivered(context.Background(), due[0].ID))

	resp := e.do(e.bearer(cordon.RoleViewer), req{method: "GET", path: "/metrics"})
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != metricsContentType {
		t.Fatalf("status %d, type %q: %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	text := string(body)
	for _, want := range []string{
		"# TYPE cordon_alerts gauge\n",
		`cordon_alerts{kind="smbv1",severity="high",status="new"} 2` + "\n",
		`cordon_alerts{kind="odd\"kind\\",severity="low",status="new"} 1` + "\n",
		`cordon_outbox_entries{status="pending"} 2` + "\n",
		`cordon_outbox_entries{status="delivered"} 1` + "\n",
		"cordon_outbox_depth 2\n",
		"# TYPE cordon_deliveries_total counter\n",
		`cordon_deliveries_total{destination="siem",result="ok"} 1` + "\n",
		`cordon_deliveries_total{destination="siem",result="failed"} 0` + "\n",
		"cordon_devices 1\n",
		"cordon_captures 1\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %q:\n%s", want, text)
		}
	}
	// Every sample line is "name{labels} value" or "name value", each
	// family announced first.
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if strings.HasPrefix(line, "# ") {
			continue
		}
		name := line[:strings.IndexAny(line, "{ ")]
		if !strings.Contains(text, "# TYPE "+name+" ") {
			t.Errorf("sample %q has no TYPE line", line)
		}
	}
}
