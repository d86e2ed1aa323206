package deliver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/cordonsec/cordon"
)

// Sender delivers alerts to one destination.
type Sender interface {
	Send(ctx context.Context, a *cordon.Alert) error
	Close() error
}

// Back-off bounds: the first retry after about BaseDelay, doubling to at
// most MaxDelay, so a receiver down for a night is retried every half hour
// rather than hammered.
const (
	DefaultBaseDelay = 10 * time.Second
	DefaultMaxDelay  = 30 * time.Minute
	defaultInterval  = 5 * time.Second
	defaultBatch     = 100
	sendTimeout      = 30 * time.Second
)

// Worker drains the outbox. It is one goroutine: deliveries to one
// destination stay in order, and SQLite has one writer anyway.
type Worker struct {
	Outbox  cordon.OutboxService
	Senders map[string]Sender
	// MaxAttempts is how many tries an entry gets before it is set aside
	// as failed (DefaultMaxAttempts when 0).
	MaxAttempts         int
	BaseDelay, MaxDelay time.Duration
	// Interval is how often the outbox is polled (5 s when 0).
	Interval time.Duration
	// Retention is how long delivered entries are kept (DefaultRetention
	// when 0).
	Retention time.Duration
	Now       func() time.Time
	// Jitter returns a number in [0, 1); rand.Float64 when nil.
	Jitter func() float64
	Logger *slog.Logger
}

// Backoff returns the wait before retry number attempt (1 for the first
// retry): base doubled per attempt, capped at max, with "equal jitter" (a
// random half added to a fixed half) so that entries failing together do
// not retry together. j is in [0, 1).
func Backoff(attempt int, base, max time.Duration, j float64) time.Duration {
	d := base
	for i := 1; i < attempt && d < max; i++ {
		d *= 2
	}
	d = min(d, max)
	return d/2 + time.Duration(j*float64(d/2))
}

func (w *Worker) defaults() {
	if w.MaxAttempts <= 0 {
		w.MaxAttempts = DefaultMaxAttempts
	}
	if w.BaseDelay <= 0 {
		w.BaseDelay = DefaultBaseDelay
	}
	if w.MaxDelay <= 0 {
		w.MaxDelay = DefaultMaxDelay
	}
	if w.Interval <= 0 {
		w.Interval = defaultInterval
	}
	if w.Retention <= 0 {
		w.Retention = DefaultRetention
	}
	if w.Now == nil {
		w.Now = time.Now
	}
	if w.Jitter == nil {
		w.Jitter = rand.Float64
	}
	if w.Logger == nil {
		w.Logger = slog.New(slog.DiscardHandler)
	}
}

// RunOnce delivers the entries due now and reports how many it delivered
// and how many attempts failed. A failure of the store is returned; a
// failure of a receiver is recorded on its entry.
func (w *Worker) RunOnce(ctx context.Context) (delivered, failed int, err error) {
	w.defaults()
	es, err := w.Outbox.DueOutbox(ctx, defaultBatch)
	if err != nil {
		return 0, 0, err
	}
	for _, e := range es {
		if ctx.Err() != nil {
			return delivered, failed, ctx.Err()
		}
		s, ok := w.Senders[e.Destination]
		if !ok {
			// Removed from the configuration: nothing will ever take it.
			err := w.Outbox.MarkFailed(ctx, e.ID, fmt.Sprintf("destination %q is not configured", e.Destination), time.Time{}, true)
			if err != nil {
				return delivered, failed, err
			}
			failed++
			continue
		}
		sctx, cancel := context.WithTimeout(ctx, sendTimeout)
		serr := s.Send(sctx, e.Alert)
		cancel()
		if serr == nil {
			if err := w.Outbox.MarkDelivered(ctx, e.ID); err != nil {
				return delivered, failed, err
			}
			delivered++
			continue
		}
		failed++
		attempt := e.Attempts + 1
		giveUp := attempt >= w.MaxAttempts
		next := w.Now().Add(Backoff(attempt, w.BaseDelay, w.MaxDelay, w.Jitter()))
		w.Logger.Warn("alert delivery failed", "destination", e.Destination, "alert", e.AlertID,
			"attempt", attempt, "gave_up", giveUp, "err", serr.Error())
		if err := w.Outbox.MarkFailed(ctx, e.ID, serr.Error(), next, giveUp); err != nil {
			return delivered, failed, err
		}
	}
	return delivered, failed, nil
}

// Run delivers until ctx ends, pruning delivered entries past retention,
// and closes the senders when it returns. Store errors are logged and
// retried at the next poll.
func (w *Worker) Run(ctx context.Context) error {
	w.defaults()
	defer w.close()
	t := time.NewTicker(w.Interval)
	defer t.Stop()
	lastPrune := time.Time{}
	for {
		n, _, err := w.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			w.Logger.Error("alert delivery", "err", err)
		}
		if now := w.Now(); now.Sub(lastPrune) > time.Hour {
			if _, err := w.Outbox.PruneOutbox(ctx, now.Add(-w.Retention)); err != nil && ctx.Err() == nil {
				w.Logger.Error("prune outbox", "err", err)
			}
			lastPrune = now
		}
		if n == defaultBatch {
			continue // more are waiting
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

func (w *Worker) close() {
	var errs []error
	for _, s := range w.Senders {
		errs = append(errs, s.Close())
	}
	if err := errors.Join(errs...); err != nil {
		w.Logger.Warn("closing delivery destinations", "err", err)
	}
}
