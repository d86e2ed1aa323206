// Package ingest turns uploaded captures into register entries: a worker
// takes queued captures one at a time, analyses each (package analysis),
// merges what it shows with what the register already knew, reclassifies,
// and commits the whole capture in one transaction. A crash part-way leaves
// the capture running, to be requeued at the next start; committing is
// idempotent by capture.
package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/analysis"
	"github.com/cordonsec/cordon/capture"
	"github.com/cordonsec/cordon/classify"
	"github.com/cordonsec/cordon/detect"
)

// progressEvery is how often progress is written while a capture is read.
const progressEvery = time.Second

// Worker ingests captures one at a time: SQLite has one writer, and merging
// reads the devices it is about to write.
type Worker struct {
	Captures   cordon.CaptureService
	Ingest     cordon.IngestService
	Classifier *classify.Classifier
	Dir        string // where capture files are kept, named by Path
	Logger     *slog.Logger
	Now        func() time.Time
	// AfterCommit, when set, is called with the keys of a committed
	// capture's devices, so that their findings follow what the capture
	// showed (a new OS build, new software). Its error is logged: the
	// capture is in the register either way.
	AfterCommit func(ctx context.Context, keys []string) error
	// Detected, when set, is called after AfterCommit with the capture's
	// detections (package detect) and the keys of the devices the register
	// did not know before it, to raise them as alerts. Its error is logged.
	Detected func(ctx context.Context, alerts []detect.Alert, newKeys, keys []string) error
	// Detect is the detections' allow-lists (approved internet endpoints,
	// file servers, jump hosts); nil checks against none.
	Detect *detect.Config
	// Policy, when set, returns the approved network policy each capture
	// is held to (flow_violation), read afresh per capture because
	// analysts change it; nil from it means none is in force.
	Policy func(ctx context.Context) (detect.PolicyCheck, error)

	mu    sync.Mutex
	queue []int64
	wake  chan struct{}
}

// Path is where a capture's file is kept in dir.
func Path(dir, sha256 string) string { return filepath.Join(dir, sha256+".pcap") }

// NewWorker returns a worker with its defaults set.
func NewWorker(caps cordon.CaptureService, ing cordon.IngestService, cl *classify.Classifier, dir string) *Worker {
	return &Worker{
		Captures: caps, Ingest: ing, Classifier: cl, Dir: dir,
		Logger: slog.New(slog.DiscardHandler), Now: time.Now,
		wake: make(chan struct{}, 1),
	}
}

// Enqueue adds a capture to the queue. It never blocks.
func (w *Worker) Enqueue(id int64) {
	w.mu.Lock()
	w.queue = append(w.queue, id)
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run ingests queued captures until ctx ends. It first requeues captures a
// previous run left half done.
func (w *Worker) Run(ctx context.Context) error {
	ids, err := w.Captures.RequeueRunning(ctx)
	if err != nil {
		return fmt.Errorf("ingest: requeue: %w", err)
	}
	queued, _, err := w.Captures.FindCaptures(ctx, cordon.CaptureFilter{Status: cordon.CaptureQueued, Limit: 1000})
	if err != nil {
		return fmt.Errorf("ingest: find queued: %w", err)
	}
	for _, c := range queued {
		ids = append(ids, c.ID)
	}
	for i := len(ids) - 1; i >= 0; i-- { // oldest first
		w.Enqueue(ids[i])
	}
	for {
		w.mu.Lock()
		var id int64
		if len(w.queue) > 0 {
			id, w.queue = w.queue[0], w.queue[1:]
		}
		w.mu.Unlock()
		if id == 0 {
			select {
			case <-ctx.Done():
				return nil
			case <-w.wake:
				continue
			}
		}
		if err := w.IngestOne(ctx, id); err != nil && ctx.Err() == nil {
			w.Logger.Error("ingest failed", slog.Int64("capture_id", id), slog.String("error", err.Error()))
		}
	}
}

// IngestOne ingests one queued capture now. A capture that is not queued
// (already done, or taken by another worker) is left alone.
func (w *Worker) IngestOne(ctx context.Context, id int64) error {
	if err := w.Captures.StartCapture(ctx, id); err != nil {
		if cordon.ErrorCode(err) == cordon.ECONFLICT {
			return nil
		}
		return err
	}
	c, err := w.Captures.FindCaptureByID(ctx, id)
	if err != nil {
		return err
	}
	log := w.Logger.With(slog.Int64("capture_id", id), slog.String("name", c.Name))
	log.Info("ingest started")
	started := w.Now()
	var last time.Time
	path := Path(w.Dir, c.SHA256)
	cfg, err := w.detectConfig(ctx)
	if err != nil {
		// The capture is still worth having; only flow_violation is off.
		log.Warn("approved policy not read; flows not checked against it", slog.String("error", err.Error()))
		cfg = w.Detect
	}
	res, err := analysis.Run(ctx, []string{path}, analysis.Options{
		Classifier: w.Classifier,
		Detect:     cfg,
		Logger:     log,
		Progress: func(done, total int64) {
			if now := w.Now(); now.Sub(last) >= progressEvery && total > 0 {
				last = now
				if err := w.Captures.SetCaptureProgress(ctx, id, float64(done)/float64(total)); err != nil {
					log.Warn("progress not recorded", slog.String("error", err.Error()))
				}
			}
		},
	})
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err() // left running: requeued at the next start
		}
		return errors.Join(err, w.Captures.FailCapture(ctx, id, failure(err, path, c.Name)))
	}

	devices := make(map[string]*cordon.Device, len(res.Devices))
	keys := make([]string, 0, len(res.Devices))
	for _, d := range res.Devices {
		if k := cordon.DeviceKey(d); k != "" {
			devices[k] = d
			keys = append(keys, k)
		}
	}
	old, err := w.Ingest.ObservedByKeys(ctx, keys)
	if err != nil {
		return err
	}
	stats := cordon.IngestStats{
		Packets: res.Stats.Packets, Bytes: res.Stats.Bytes, Flows: res.Stats.Flows,
		Devices: len(devices), Conversations: len(res.Conversations), Warnings: res.Stats.Warnings,
	}
	for k, d := range devices {
		if old[k] == nil {
			stats.NewDevices++
		}
		devices[k] = Merge(old[k], d, w.Classifier)
	}
	if err := w.Ingest.CommitIngest(ctx, id, devices, res.Conversations, stats); err != nil {
		return err
	}
	log.Info("ingest done", slog.Int("devices", stats.Devices), slog.Int("new_devices", stats.NewDevices),
		slog.Uint64("packets", stats.Packets), slog.Duration("took", w.Now().Sub(started)))
	if w.AfterCommit != nil {
		if err := w.AfterCommit(ctx, keys); err != nil && ctx.Err() == nil {
			log.Error("assessing the capture's devices failed", slog.String("error", err.Error()))
		}
	}
	if w.Detected != nil {
		var newKeys []string
		for _, k := range keys {
			if old[k] == nil {
				newKeys = append(newKeys, k)
			}
		}
		if err := w.Detected(ctx, res.Alerts, newKeys, keys); err != nil && ctx.Err() == nil {
			log.Error("raising the capture's detections failed", slog.String("error", err.Error()))
		}
	}
	return nil
}

// failure words an analysis error for the user who uploaded the capture:
// what is wrong and where, naming the file as they did rather than by the
// server's storage path.
func failure(err error, path, name string) string {
	var fe *capture.FormatError
	if errors.As(err, &fe) || cordon.ErrorCode(err) != cordon.EINTERNAL {
		msg := err.Error()
		if cordon.ErrorCode(err) != cordon.EINTERNAL {
			msg = cordon.ErrorMessage(err)
		}
		return strings.ReplaceAll(msg, path, name)
	}
	return "The capture could not be read: " + strings.ReplaceAll(err.Error(), path, name)
}

// detectConfig is Detect with the approved policy in force now.
func (w *Worker) detectConfig(ctx context.Context) (*detect.Config, error) {
	if w.Policy == nil {
		return w.Detect, nil
	}
	p, err := w.Policy(ctx)
	if err != nil {
		return w.Detect, err
	}
	return w.Detect.WithPolicy(p), nil
}
