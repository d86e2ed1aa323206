package main

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/cordonsec/cordon"
)

// Live capture watches itself. A SPAN session removed in a switch change,
// a tap unplugged or a ring too small for the traffic leaves the
// monitoring blind while everything looks calm, so each batch says how
// its capture fared and the server raises alerts that go out like any
// other, for its own interfaces and remote sensors' alike.
const (
	// defaultSilentAfter is how long an interface may see no packet before
	// capture_silent is raised (--capture-silent-after).
	defaultSilentAfter = 10 * time.Minute
	// dropShare is the share of a batch's packets the kernel may drop
	// before capture_drops is raised: a burst loses a few, a ring too
	// small for the link loses many.
	dropShare = 0.01
	// dropsSettle is how long (by the server's clock) without a raising
	// batch before an open capture_drops alert is resolved, so that it
	// does not flap.
	dropsSettle = time.Hour
)

// liveStatus is the published state of a live loop: the packet path and
// the writer update it, /metrics and the captures page read it.
type liveStatus struct {
	mu sync.Mutex
	s  cordon.LiveCapture
}

func (st *liveStatus) update(fn func(*cordon.LiveCapture)) {
	st.mu.Lock()
	defer st.mu.Unlock()
	fn(&st.s)
}

func (st *liveStatus) get() cordon.LiveCapture {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.s
}

// captureSubject is the subject of a capture's health alerts:
// "interface:IFACE" for the server's own, "interface:NAME/IFACE" for a
// remote sensor's; where names it in titles.
func captureSubject(sensor, iface string) (subject, where string) {
	where = iface
	if sensor != "" {
		where = sensor + "/" + iface
	}
	return "interface:" + where, where
}

// captureQuiet says how long the batch's interface has gone without a packet
// and whether that is longer than its allowance.
func captureQuiet(b *cordon.SensorBatch) (quiet time.Duration, silent bool) {
	h := b.Health
	since := h.LastPacket
	if since.IsZero() || since.Before(h.Started) {
		since = h.Started
	}
	quiet = b.End.Sub(since)
	return quiet, b.Stats.Packets == 0 && h.SilentAfter > 0 && quiet >= h.SilentAfter
}

// judgeHealth raises or resolves the health alerts of the capture that
// made b. It needs no memory of earlier batches: the batch says when
// its interface last saw a packet, and the open alert when drops were
// last raised. Failures are logged: the capture goes on.
func (s *store) judgeHealth(ctx context.Context, sensor string, b *cordon.SensorBatch) {
	subject, where := captureSubject(sensor, b.Interface)
	quiet, silent := captureQuiet(b)
	switch {
	case b.Stats.Packets > 0:
		s.resolveHealth(ctx, cordon.AlertCaptureSilent, subject, fmt.Sprintf("Traffic arrived on %s again.", where))
	case silent:
		since := b.Health.LastPacket
		what := "since " + since.UTC().Format(time.RFC3339)
		if since.IsZero() {
			what = "since the capture started at " + b.Health.Started.UTC().Format(time.RFC3339)
		}
		s.raiseHealth(ctx, &cordon.Alert{Kind: cordon.AlertCaptureSilent, Severity: cordon.AlertHigh, Subject: subject,
			Title: fmt.Sprintf("Live capture on %s has seen no traffic for %s", where, spoken(quiet)),
			Evidence: []string{fmt.Sprintf("No packet on %s %s. The SPAN session or tap feeding it may have been "+
				"removed or moved in a network change; until traffic returns, the devices it watched are not monitored.",
				where, what)}})
	}

	drops, seen := b.Health.Drops, b.Stats.Packets+b.Health.Drops
	if drops > 0 && float64(drops) >= dropShare*float64(seen) {
		s.raiseHealth(ctx, &cordon.Alert{Kind: cordon.AlertCaptureDrops, Severity: cordon.AlertMedium, Subject: subject,
			Title: fmt.Sprintf("Live capture on %s is dropping packets (%.1f%%)", where, 100*float64(drops)/float64(seen)),
			Evidence: []string{fmt.Sprintf("The kernel dropped %d of %d packets on %s between %s and %s: the capture ring "+
				"was full. Detections miss what was dropped. A larger --ring, or less other work on the host, helps.",
				drops, seen, where, b.Start.UTC().Format(time.RFC3339), b.End.UTC().Format(time.RFC3339))}})
		return
	}
	open, _, err := s.alerts.FindAlerts(ctx, cordon.AlertFilter{Kind: cordon.AlertCaptureDrops, Status: "open", Subject: subject, Limit: 1})
	if err != nil {
		s.logger.Error("capture health not judged", slog.String("error", err.Error()))
		return
	}
	if len(open) > 0 && s.db.Now().Sub(open[0].LastSeen) >= dropsSettle {
		s.resolveHealth(ctx, cordon.AlertCaptureDrops, subject, fmt.Sprintf("No batch on %s lost %.0f%% of its packets for %s.",
			where, 100*dropShare, spoken(dropsSettle)))
	}
}

func (s *store) raiseHealth(ctx context.Context, a *cordon.Alert) {
	if err := s.alerts.RaiseAlert(ctx, a); err != nil {
		s.logger.Error("capture health alert not raised", slog.String("kind", a.Kind), slog.String("error", err.Error()))
	}
}

func (s *store) resolveHealth(ctx context.Context, kind, subject, note string) {
	if _, err := s.alerts.ResolveAlerts(ctx, kind, nil, cordon.AlertScope{Subjects: []string{subject}}, note); err != nil {
		s.logger.Error("capture health alert not resolved", slog.String("kind", kind), slog.String("error", err.Error()))
	}
}

// spoken says a duration as a title reads it: "40 seconds", "12 minutes",
// "1 hour", "3.5 hours".
func spoken(d time.Duration) string {
	unit := func(n int, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return strconv.Itoa(n) + " " + one + "s"
	}
	switch {
	case d < time.Minute:
		return unit(int(d.Seconds()), "second")
	case d < time.Hour:
		return unit(int(d.Minutes()), "minute")
	case d%time.Hour == 0:
		return unit(int(d.Hours()), "hour")
	}
	return strconv.FormatFloat(d.Hours(), 'f', 1, 64) + " hours"
}
