package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
)

func TestDeliverSuppressCLI(t *testing.T) {
	dir := t.TempDir()
	out := runOK(t, "", "deliver", "suppress", "add", "--data", dir, "--kind", "beaconing", "--reason", "NTP to the vendor", "--for", "72h")
	if !strings.HasPrefix(out, "Suppression rule 1 runs until ") {
		t.Fatalf("add = %q", out)
	}
	var rs []cordon.SuppressionRule
	if err := json.Unmarshal([]byte(runOK(t, "", "deliver", "suppress", "list", "--data", dir, "--format", "json")), &rs); err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].Kind != "beaconing" || rs[0].Reason != "NTP to the vendor" || !strings.HasPrefix(rs[0].CreatedBy, "cli") {
		t.Errorf("rules = %+v", rs)
	}
	runOK(t, "", "deliver", "suppress", "delete", "--data", dir, "1")
	if got := runOK(t, "", "deliver", "suppress", "list", "--data", dir, "--all"); strings.Contains(got, "beaconing") {
		t.Errorf("after delete: %s", got)
	}
	for _, args := range [][]string{
		{"deliver"}, {"deliver", "suppress"},
		{"deliver", "suppress", "add", "--data", dir, "--reason", "x", "--for", "1h"}, // narrows by nothing
		{"deliver", "suppress", "add", "--data", dir, "--kind", "k", "--reason", "x"}, // no --for
		{"deliver", "suppress", "delete", "--data", dir, "x"},
		{"deliver", "outbox", "--data", dir, "--format", "xml"},
		{"deliver", "check"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr); code == exitOK || stderr.Len() == 0 {
			t.Errorf("cordon %s: exit %d, stderr %q", strings.Join(args, " "), code, stderr.String())
		}
	}
}

func TestDeliverCheckAndOutbox(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "delivery.json")
	if err := os.WriteFile(cfg, []byte(`{"destinations": [
		{"name": "siem", "type": "syslog", "network": "udp", "address": "127.0.0.1:514"},
		{"name": "hook", "type": "webhook", "url": "https://soar.example/hook", "secret_env": "CORDON_TEST_HOOK_SECRET"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	const secret = "a secret that must never be printed"
	t.Setenv("CORDON_TEST_HOOK_SECRET", "")
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"deliver", "check", "--delivery", cfg}, strings.NewReader(""), &stdout, &stderr); code == exitOK ||
		!strings.Contains(stderr.String(), "CORDON_TEST_HOOK_SECRET") {
		t.Errorf("check without the secret: exit %d, %s", code, stderr.String())
	}
	t.Setenv("CORDON_TEST_HOOK_SECRET", secret)
	got := runOK(t, "", "deliver", "check", "--delivery", cfg)
	if !strings.Contains(got, "siem\tsyslog\tudp://127.0.0.1:514") || strings.Contains(got, secret) {
		t.Errorf("check = %q", got)
	}

	// The server's start-up path queues alerts for the configured names.
	st, err := openStore(dir, slog.New(slog.DiscardHandler), "")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done, err := startDelivery(ctx, st, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	<-done
	a := &cordon.Alert{Kind: "beaconing", Severity: cordon.AlertLow, Title: "Periodic", Subject: "dst:203.0.113.9"}
	if err := st.alerts.RaiseAlert(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	st.Close()
	table := runOK(t, "", "deliver", "outbox", "--data", dir, "--status", "pending")
	if strings.Count(table, " pending ") != 2 || !strings.Contains(table, "siem") || !strings.Contains(table, "hook") {
		t.Errorf("outbox = %s", table)
	}
}
