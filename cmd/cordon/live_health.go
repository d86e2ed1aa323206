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
// monitoring blind while everything looks calm, so the writer checks each
// batch it is handed and raises alerts that go out like any other.
const (
	// defaultSilentAfter is how long an interface may see no packet before
	// capture_silent is raised (--capture-silent-after).
	defaultSilentAfter = 10 * time.Minute
	// dropShare is the share of a batch's packets the kernel may drop
	// before capture_drops is raised: a burst loses a few, a ring too
	// small for the link loses many.
	dropShare = 0.01
	// dropsSettle is how long without a raising batch before an open
	// capture_drops alert is resolved, so that it does not flap.
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

// liveHealth is the writer's memory of the capture's health.
type liveHealth struct {
	// silentAfter is the allowance for no traffic (0: never alert).
	silentAfter time.Duration
	// lastTraffic is the end of the last batch with packets, or the start.
	lastTraffic time.Time
	// lastDrops is the end of the last batch that raised capture_drops,
	// or the start.
	lastDrops time.Time
	// silentOpen and dropsOpen say an alert may be open: after a start,
	// one raised before the restart may be.
	silentOpen, dropsOpen bool
}

// subject is the subject of the loop's health alerts.
func (l *liveLoop) subject() string { return "interface:" + l.iface }

// checkHealth raises or resolves the capture's health alerts after batch
// b. Failures are logged: the capture goes on.
func (l *liveLoop) checkHealth(ctx context.Context, b *liveBatch) {
	h := &l.health
	quiet := b.end.Sub(h.lastTraffic)
	silent := b.packets == 0 && h.silentAfter > 0 && quiet >= h.silentAfter
	l.status.update(func(s *cordon.LiveCapture) { s.Silent = silent })
	switch {
	case b.packets > 0:
		h.lastTraffic = b.end
		if h.silentOpen {
			l.resolveHealth(ctx, cordon.AlertCaptureSilent, fmt.Sprintf("Traffic arrived on %s again.", l.iface))
			h.silentOpen = false
		}
	case silent:
		l.raiseHealth(ctx, &cordon.Alert{Kind: cordon.AlertCaptureSilent, Severity: cordon.AlertHigh,
			Title: fmt.Sprintf("Live capture on %s has seen no traffic for %s", l.iface, spoken(quiet)),
			Evidence: []string{fmt.Sprintf("No packet on %s since %s. The SPAN session or tap feeding it may have been "+
				"removed or moved in a network change; until traffic returns, the devices it watched are not monitored.",
				l.iface, h.lastTraffic.UTC().Format(time.RFC3339))}})
		h.silentOpen = true
	}

	seen := b.packets + b.drops
	if b.drops > 0 && float64(b.drops) >= dropShare*float64(seen) {
		l.raiseHealth(ctx, &cordon.Alert{Kind: cordon.AlertCaptureDrops, Severity: cordon.AlertMedium,
			Title: fmt.Sprintf("Live capture on %s is dropping packets (%.1f%%)", l.iface, 100*float64(b.drops)/float64(seen)),
			Evidence: []string{fmt.Sprintf("The kernel dropped %d of %d packets on %s between %s and %s: the capture ring "+
				"was full. Detections miss what was dropped. A larger --ring, or less other work on the host, helps.",
				b.drops, seen, l.iface, b.start.UTC().Format(time.RFC3339), b.end.UTC().Format(time.RFC3339))}})
		h.lastDrops, h.dropsOpen = b.end, true
	} else if h.dropsOpen && b.end.Sub(h.lastDrops) >= dropsSettle {
		l.resolveHealth(ctx, cordon.AlertCaptureDrops, fmt.Sprintf("No batch on %s lost %.0f%% of its packets for %s.",
			l.iface, 100*dropShare, dropsSettle))
		h.dropsOpen = false
	}
}

func (l *liveLoop) raiseHealth(ctx context.Context, a *cordon.Alert) {
	a.Subject = l.subject()
	if err := l.st.alerts.RaiseAlert(ctx, a); err != nil {
		l.logger.Error("capture health alert not raised", slog.String("kind", a.Kind), slog.String("error", err.Error()))
	}
}

func (l *liveLoop) resolveHealth(ctx context.Context, kind, note string) {
	if _, err := l.st.alerts.ResolveAlerts(ctx, kind, nil, cordon.AlertScope{Subjects: []string{l.subject()}}, note); err != nil {
		l.logger.Error("capture health alert not resolved", slog.String("kind", kind), slog.String("error", err.Error()))
	}
}

// spoken says a duration as a title reads it: "40 seconds", "12 minutes",
// "3.5 hours".
func spoken(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d seconds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d minutes", int(d.Minutes()))
	}
	return strconv.FormatFloat(d.Hours(), 'f', 1, 64) + " hours"
}
