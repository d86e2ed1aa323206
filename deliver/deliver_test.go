package deliver_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/deliver"
	"github.com/cordonsec/cordon/sqlite"
)

var epoch = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// openDB opens a database at path with a clock at *now.
func openDB(t *testing.T, path string, now *time.Time) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	db.Now = func() time.Time { return *now }
	return db
}

func raise(t *testing.T, db *sqlite.DB, n int) []int64 {
	t.Helper()
	var ids []int64
	for i := range n {
		a := &cordon.Alert{Kind: "beaconing", Severity: cordon.AlertMedium, Subject: fmt.Sprintf("dst:203.0.113.%d", i),
			Title: "Periodic connections", Evidence: []string{"every 60 s"}}
		if err := sqlite.NewAlertService(db).RaiseAlert(context.Background(), a); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	return ids
}

// config writes a delivery configuration for the receivers and parses it.
func config(t *testing.T, body string) *deliver.Config {
	t.Helper()
	path := filepath.Join(t.TempDir(), "delivery.json")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := deliver.LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestDeliverToReceivers raises alerts and delivers them through the real
// configuration path to UDP, TCP and TLS syslog listeners and a webhook
// that checks the signature.
func TestDeliverToReceivers(t *testing.T) {
	udp, tcp := udpReceiver(t), streamReceiver(t, nil)
	serverTLS, certPEM := testCert(t)
	tlsr := streamReceiver(t, serverTLS)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	const secret = "a webhook secret of some length"
	var mu sync.Mutex
	var hooks []deliver.WebhookPayload
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := deliver.Verify([]byte(secret), r.Header.Get(deliver.TimestampHeader), r.Header.Get(deliver.SignatureHeader),
			body, time.Now(), 5*time.Minute); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		var p deliver.WebhookPayload
		if err := json.Unmarshal(body, &p); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		hooks = append(hooks, p)
		mu.Unlock()
	}))
	defer hook.Close()

	c := config(t, fmt.Sprintf(`{"destinations": [
		{"name": "udp", "type": "syslog", "network": "udp", "address": %q, "hostname": "cordon1"},
		{"name": "tcp", "type": "syslog", "network": "tcp", "address": %q},
		{"name": "tls", "type": "syslog", "network": "tls", "address": %q, "ca_file": %q},
		{"name": "hook", "type": "webhook", "url": %q, "secret_env": "HOOK_SECRET"}]}`,
		udp.addr, tcp.addr, tlsr.addr, caFile, hook.URL))
	senders, err := c.Senders(func(k string) string {
		if k == "HOOK_SECRET" {
			return secret
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	now := epoch
	db := openDB(t, filepath.Join(t.TempDir(), "cordon.db"), &now)
	defer db.Close()
	out := sqlite.NewOutboxService(db)
	ctx := context.Background()
	if err := out.SetDestinations(ctx, c.Names()); err != nil {
		t.Fatal(err)
	}
	ids := raise(t, db, 3)
	w := &deliver.Worker{Outbox: out, Senders: senders, Now: func() time.Time { return now }}
	delivered, failed, err := w.RunOnce(ctx)
	if err != nil || delivered != 12 || failed != 0 {
		t.Fatalf("RunOnce = %d delivered, %d failed, %v; want 12, 0", delivered, failed, err)
	}
	for _, r := range []*receiver{udp, tcp, tlsr} {
		msgs := r.wait(t, 3)
		for i, m := range msgs {
			if !strings.HasPrefix(m, "<132>1 ") || !strings.Contains(m, fmt.Sprintf(`[cordon@32473 id="%d" kind="beaconing"`, ids[i])) ||
				!strings.Contains(m, "CEF:0|Cordon|Cordon|1|beaconing|Periodic connections|5|") {
				t.Errorf("%s message %d = %q", r.addr, i, m)
			}
		}
	}
	if m := udp.wait(t, 1)[0]; !strings.Contains(m, " cordon1 cordon - beaconing ") {
		t.Errorf("udp message = %q, want hostname cordon1", m)
	}
	mu.Lock()
	if len(hooks) != 3 || hooks[0].Destination != "hook" || hooks[0].Alert.ID != ids[0] || hooks[2].Alert.Subject != "dst:203.0.113.2" {
		t.Errorf("webhook got %+v", hooks)
	}
	mu.Unlock()
	es, n, err := out.FindOutbox(ctx, cordon.OutboxFilter{Status: cordon.OutboxDelivered})
	if err != nil || n != 12 || es[0].Attempts != 1 {
		t.Errorf("delivered entries = %d (%v)", n, err)
	}
	// Nothing is due any more.
	if d, f, err := w.RunOnce(ctx); d+f != 0 || err != nil {
		t.Errorf("second run = %d, %d, %v", d, f, err)
	}
}

// TestWebhookRejectsForgery checks Verify against a wrong secret, a
// changed body and an old timestamp.
func TestWebhookRejectsForgery(t *testing.T) {
	secret, body := []byte("0123456789abcdef"), []byte(`{"a":1}`)
	ts := epoch.Unix()
	sig := deliver.Sign(secret, ts, body)
	tsText := fmt.Sprint(ts)
	if err := deliver.Verify(secret, tsText, sig, body, epoch, time.Minute); err != nil {
		t.Fatalf("genuine request rejected: %v", err)
	}
	for name, err := range map[string]error{
		"secret":    deliver.Verify([]byte("another secret!!"), tsText, sig, body, epoch, time.Minute),
		"body":      deliver.Verify(secret, tsText, sig, []byte(`{"a":2}`), epoch, time.Minute),
		"replay":    deliver.Verify(secret, tsText, sig, body, epoch.Add(time.Hour), time.Minute),
		"timestamp": deliver.Verify(secret, fmt.Sprint(ts+1), sig, body, epoch, time.Minute),
	} {
		if err == nil {
			t.Errorf("forged %s accepted", name)
		}
	}
}
