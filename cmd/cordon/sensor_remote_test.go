package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon/capture"
	"github.com/cordonsec/cordon/simulate"
	"github.com/cordonsec/cordon/spool"
)

// TestRemoteSensor runs a remote sensor against the real server: a
// simulated capture through the live loop into a spool, shipped with a
// sensor-scoped token, must leave the register holding exactly the
// devices `cordon analyze` finds in the file, in captures named after the
// sensor, while the token reads the approved policy but not the register.
func TestRemoteSensor(t *testing.T) {
	dir := t.TempDir()
	addUsers(t, dir)
	token := strings.TrimSpace(runOK(t, "", "token", "create", "--user", "analyst1", "--scope", "sensor", "--name", "ward7", "--data", dir))
	srv := startServer(t, dir)
	path, _ := simulateCapture(t, simulate.Config{Seed: 3, Devices: 30, Duration: 20 * time.Minute})
	want := fileKeys(t, path)

	f, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cl, err := newClassifier("")
	if err != nil {
		t.Fatal(err)
	}
	sp, err := spool.Open(filepath.Join(t.TempDir(), "spool"), spool.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pc := &approvals{server: srv.url, token: func() string { return token }}
	if check, err := pc.check(context.Background()); err != nil || check != nil {
		t.Fatalf("approved policy through the sensor token: %v, %v; want none and no error", check, err)
	}
	if c, err := pc.config(context.Background()); err != nil || c == nil || len(c.JumpHosts) != 0 {
		t.Fatalf("detection config through the sensor token: %+v, %v; want an empty one", c, err)
	}
	cfg := &liveConfig{iface: "eth9", flush: time.Minute, silentAfter: defaultSilentAfter}
	l := remoteLoop(cfg, f, cl, sp, pc, slog.New(slog.DiscardHandler))
	l.now = (&steppingClock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC), step: time.Minute}).now
	sum, err := l.run(context.Background())
	if err != nil || sum.Batches < 2 {
		t.Fatalf("sensor run: %+v, %v; want several batches spooled", sum, err)
	}
	if n := sp.Stats().Pending; n != sum.Batches {
		t.Fatalf("%d batches spooled, the loop delivered %d", n, sum.Batches)
	}

	ship, err := spool.NewShipper(sp, spool.Config{Server: srv.url, Token: token})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go ship.Run(ctx)
	deadline := time.Now().Add(30 * time.Second)
	for sp.Stats().Pending > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if st := ship.Stats(); sp.Stats().Pending > 0 || st.Rejected > 0 {
		t.Fatalf("shipping: %+v, %d still pending", st, sp.Stats().Pending)
	}

	if got := storeKeys(t, srv.st); !slices.Equal(got, want) {
		t.Errorf("register holds %d devices, the file shows %d", len(got), len(want))
	}
	for _, c := range liveCaptures(t, srv.st) {
		if !strings.HasPrefix(c.Name, "sensor:analyst1/eth9 ") || c.CreatedBy != "sensor:analyst1" {
			t.Errorf("capture %q by %q, want sensor:analyst1/eth9 HH:MM", c.Name, c.CreatedBy)
		}
	}
	// The sensor's token reads the policy, not the register.
	req, _ := http.NewRequest("GET", srv.url+"/api/v1/devices", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("sensor token on /api/v1/devices: %d, want 403", resp.StatusCode)
	}
}

// TestSensorConfigClient: the sensor takes the server's detection config,
// refuses a malformed one naming it, and reads null as nothing approved.
func TestSensorConfigClient(t *testing.T) {
	for body, want := range map[string]string{
		`{"detect": {"jump_hosts": ["10.9.0.5"]}}`:   "",
		`{"detect": null}`:                           "",
		`{"detect": {"jump_hosts": ["10.9.0.300"]}}`: "detection config",
		`<html>`: "detection config",
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/api/v1/sensor/config" || r.Header.Get("Authorization") != "Bearer tok" {
				http.Error(w, "wrong request", http.StatusBadRequest)
				return
			}
			w.Write([]byte(body))
		}))
		c, err := (&approvals{server: srv.URL, token: func() string { return "tok" }}).config(context.Background())
		srv.Close()
		switch {
		case want == "" && (err != nil || c == nil):
			t.Errorf("%s: %+v, %v", body, c, err)
		case want == "" && strings.Contains(body, "10.9.0.5") && (len(c.JumpHosts) != 1 || c.JumpHosts[0] != "10.9.0.5"):
			t.Errorf("%s: jump hosts %v", body, c.JumpHosts)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("%s: error %v, want one naming the %s", body, err, want)
		}
	}
}
