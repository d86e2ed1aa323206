package main

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/capture/live"
)

// openHealth returns the open health alert of kind, or nil.
func openHealth(t *testing.T, st *store, kind string) *cordon.Alert {
	t.Helper()
	as, _, err := st.alerts.FindAlerts(context.Background(), cordon.AlertFilter{Kind: kind, Status: "open", Limit: 10})
	if err != nil {
		t.Error(err)
	}
	for _, a := range as {
		if a.Subject == "interface:eth9" && a.DeviceID == 0 {
			return a
		}
	}
	return nil
}

// TestLiveCaptureSilent: traffic, then none for longer than the allowance
// (capture_silent raised, the status says so), then traffic again (the
// alert resolved, the status clear).
func TestLiveCaptureSilent(t *testing.T) {
	start := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	c := &conn4{client: [4]byte{10, 30, 1, 11}, server: [4]byte{10, 40, 0, 5}, cport: 40000, sport: 2575}
	var raised, resolved, silentSeen, clearSeen atomic.Bool
	src := &scriptSource{steps: c.open(start)}
	src.steps = append(src.steps, c.exchange(start)...)
	src.steps = append(src.steps, step{until: raised.Load})
	src.steps = append(src.steps, c.exchange(start.Add(30*time.Minute))...)
	src.steps = append(src.steps, step{until: resolved.Load})
	st, l := liveTest(t, src, start)
	l.committed = func(*cordon.Capture) {}
	watch := func() {
		if a := openHealth(t, st, cordon.AlertCaptureSilent); a != nil {
			raised.Store(true)
			if l.Status().Silent {
				silentSeen.Store(true)
			}
			if !strings.Contains(a.Title, "eth9 has seen no traffic") || a.Severity != cordon.AlertHigh {
				t.Errorf("capture_silent alert: %+v", a)
			}
		} else if raised.Load() && !resolved.Load() {
			resolved.Store(true)
			clearSeen.Store(!l.Status().Silent)
		}
	}
	src.onIdle = watch
	if _, err := l.run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if src.timedOut {
		t.Fatalf("raised %v, resolved %v: the script waited in vain", raised.Load(), resolved.Load())
	}
	if !silentSeen.Load() || !clearSeen.Load() {
		t.Errorf("the status said silent while the alert was open: %v, and not once resolved: %v", silentSeen.Load(), clearSeen.Load())
	}
	if s := l.Status(); s.Interface != "eth9" || s.Packets != uint64(len(src.steps)-2) || !s.LastPacket.Equal(start.Add(30*time.Minute)) {
		t.Errorf("final status %+v", s)
	}
}

// TestLiveCaptureDrops: a batch that loses a tenth of its packets raises
// capture_drops; an hour of batches without drops resolves it.
func TestLiveCaptureDrops(t *testing.T) {
	start := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	c := &conn4{client: [4]byte{10, 30, 1, 11}, server: [4]byte{10, 40, 0, 5}, cport: 40000, sport: 2575}
	var raised, resolved atomic.Bool
	src := &scriptSource{steps: c.open(start)}
	for i := range 50 {
		src.steps = append(src.steps, c.exchange(start.Add(time.Duration(i)*time.Second))...)
	}
	src.steps = append(src.steps, step{until: raised.Load})
	src.steps = append(src.steps, step{until: resolved.Load})
	st, l := liveTest(t, src, start)
	var drops atomic.Uint64
	drops.Store(20) // the kernel lost 20 packets while the first 102 came through
	l.stats = func() (live.Stats, error) { return live.Stats{Drops: drops.Load()}, nil }
	l.silentAfter = 0 // this test is about drops
	st.db.Now = l.now // the server's clock judges an hour without drops
	src.onIdle = func() {
		if a := openHealth(t, st, cordon.AlertCaptureDrops); a != nil {
			raised.Store(true)
			if !strings.Contains(a.Evidence[0], "dropped 20 of 122 packets on eth9") {
				t.Errorf("capture_drops evidence: %q", a.Evidence)
			}
		} else if raised.Load() {
			resolved.Store(true)
		}
	}
	if _, err := l.run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if src.timedOut {
		t.Fatalf("raised %v, resolved %v: the script waited in vain", raised.Load(), resolved.Load())
	}
	if s := l.Status(); s.Drops != 20 || s.Packets != 102 {
		t.Errorf("final status %+v; want 102 packets and 20 drops", s)
	}
	as, _, err := st.alerts.FindAlerts(context.Background(), cordon.AlertFilter{Kind: cordon.AlertCaptureDrops, Limit: 10})
	if err != nil || len(as) != 1 || !strings.Contains(as[0].Note, "for 1 hour") {
		t.Errorf("capture_drops alerts %+v (%v); want one, resolved after an hour without drops", as, err)
	}
}

func TestSpoken(t *testing.T) {
	for d, want := range map[time.Duration]string{
		25 * time.Second: "25 seconds", 12*time.Minute + 40*time.Second: "12 minutes", time.Hour: "1 hour",
		210 * time.Minute: "3.5 hours",
	} {
		if got := spoken(d); got != want {
			t.Errorf("spoken(%s) = %q, want %q", d, got, want)
		}
	}
}
