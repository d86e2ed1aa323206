package assess

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/cordonsec/cordon"
)

var _ cordon.Assessor = (*Runner)(nil)

// Defaults of a Runner.
const (
	// TrafficWindow is how far back a device's conversations count
	// towards its exposure.
	TrafficWindow = 30 * 24 * time.Hour
	// BatchDevices is how many devices' assessments go to the store in
	// one ReplaceFindings transaction: large enough to amortise the
	// transaction, small enough not to hold the writer for long.
	BatchDevices = 500
	pageDevices  = 1000
	pageFindings = 1000
)

// Runner recomputes findings and exposure from the register and the stored
// intelligence. It rebuilds its Engine only when the intelligence changed
// (IntelService.IntelVersion), so assessing after each ingest is cheap.
type Runner struct {
	Intel         cordon.IntelService
	Devices       cordon.DeviceService
	Conversations cordon.ConversationService
	Findings      cordon.FindingService
	// Documents, when set, adds what device models' manufacturer
	// documents say: SBOM software and support periods, and the finding
	// statuses VEX statements give.
	Documents cordon.DocumentService
	// Exceptions, when set, adds the in-place controls of each device's
	// active exceptions (its own and its model's) to its risk. Models
	// says which devices a model's exception covers; without it each
	// device's plan is read on its own (ExceptionService.DevicePlan).
	Exceptions cordon.ExceptionService
	Models     cordon.ModelService
	Now        func() time.Time
	Logger     *slog.Logger

	mu      sync.Mutex
	engine  *Engine
	version int64
	built   bool
}

// Engine returns the Engine for the stored intelligence, building it when
// the intelligence changed since the last call.
func (r *Runner) Engine(ctx context.Context) (*Engine, error) {
	v, err := r.Intel.IntelVersion(ctx)
	if err != nil {
		return nil, fmt.Errorf("assess: intel version: %w", err)
	}
	// One build at a time: concurrent callers wait for it rather than
	// building the same index twice.
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.built && r.version == v {
		return r.engine, nil
	}
	start := time.Now()
	var in Intel
	if err := r.Intel.EachVulnerability(ctx, func(v *cordon.Vulnerability) error {
		in.Vulnerabilities = append(in.Vulnerabilities, *v)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("assess: load vulnerabilities: %w", err)
	}
	if in.Advisories, err = r.Intel.FindAdvisories(ctx); err != nil {
		return nil, fmt.Errorf("assess: load advisories: %w", err)
	}
	if in.Lifecycles, err = r.Intel.FindLifecycles(ctx); err != nil {
		return nil, fmt.Errorf("assess: load lifecycles: %w", err)
	}
	e := New(in)
	r.engine, r.version, r.built = e, v, true
	r.logger().Info("assess: engine built", slog.Int64("intel_version", v),
		slog.Int("vulnerabilities", len(in.Vulnerabilities)), slog.Int("advisories", len(in.Advisories)),
		slog.Int("lifecycles", len(in.Lifecycles)), slog.Duration("took", time.Since(start)))
	return e, nil
}

// Assess recomputes the devices with these IDs, or every device when ids
// is nil. Devices are assessed in parallel, one goroutine per core, and
// stored in batches of BatchDevices; a failure stops the run with the
// batches already stored kept (each is complete in itself).
func (r *Runner) Assess(ctx context.Context, ids []int64) error {
	e, err := r.Engine(ctx)
	if err != nil {
		return err
	}
	now := r.now()
	statuses, err := r.statuses(ctx)
	if err != nil {
		return err
	}
	docs, err := r.modelDocs(ctx)
	if err != nil {
		return err
	}
	plans, err := r.loadPlans(ctx)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	recs := make(chan *cordon.DeviceRecord, 2*BatchDevices)
	results := make(chan cordon.DeviceAssessment, 2*BatchDevices)
	var errMu sync.Mutex
	var firstErr error
	fail := func(err error) {
		errMu.Lock()
		defer errMu.Unlock()
		if firstErr == nil {
			firstErr = err
			cancel()
		}
	}
	failed := func() error {
		errMu.Lock()
		defer errMu.Unlock()
		return firstErr
	}

	// Producer: the devices, page by page or by ID.
	go func() {
		defer close(recs)
		if err := r.eachDevice(ctx, ids, func(rec *cordon.DeviceRecord) error {
			select {
			case recs <- rec:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}); err != nil {
			fail(err)
		}
	}()

	// Workers: traffic look-up and assessment.
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for rec := range recs {
				convs, err := r.Conversations.FindConversations(ctx, cordon.ConversationFilter{Device: rec.Key, Since: now.Add(-TrafficWindow)})
				if err != nil {
					fail(fmt.Errorf("assess: conversations of device %d: %w", rec.ID, err))
					return
				}
				md := docs[rec.ID]
				exc, err := plans.of(ctx, rec.ID)
				if err != nil {
					fail(err)
					return
				}
				a := e.DeviceWithPlan(rec, TrafficFrom(rec.Key, convs), withVEX(statuses[rec.ID], md), now, md, exc)
				select {
				case results <- a:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	// Writer: batches to the store, in this goroutine.
	batch := make([]cordon.DeviceAssessment, 0, BatchDevices)
	n, findings := 0, 0
	var vex []cordon.VEXFinding
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := r.Findings.ReplaceFindings(ctx, batch); err != nil {
			return fmt.Errorf("assess: store findings: %w", err)
		}
		batch = batch[:0]
		return nil
	}
	for a := range results {
		if failed() != nil {
			continue // drain so the workers end
		}
		n++
		findings += len(a.Findings)
		vex = appendVEX(vex, a, docs[a.DeviceID])
		batch = append(batch, a)
		if len(batch) == BatchDevices {
			if err := flush(); err != nil {
				fail(err)
			}
		}
	}
	if failed() == nil {
		if err := flush(); err != nil {
			fail(err)
		}
	}
	if err := failed(); err != nil {
		return err
	}
	if len(vex) > 0 {
		// After the findings are stored: a finding new in this run gets
		// the statement as well.
		changed, err := r.Documents.ApplyVEX(ctx, vex)
		if err != nil {
			return fmt.Errorf("assess: apply vex: %w", err)
		}
		r.logger().Info("assess: vex applied", slog.Int("findings", len(vex)), slog.Int("changed", changed))
	}
	r.logger().Info("assess: done", slog.Int("devices", n), slog.Int("findings", findings), slog.Duration("took", r.now().Sub(now)))
	return nil
}

// eachDevice calls fn for each device to assess.
func (r *Runner) eachDevice(ctx context.Context, ids []int64, fn func(*cordon.DeviceRecord) error) error {
	if ids != nil {
		for _, id := range ids {
			rec, err := r.Devices.FindDeviceByID(ctx, id)
			if cordon.ErrorCode(err) == cordon.ENOTFOUND {
				continue // deleted since it was queued
			}
			if err != nil {
				return fmt.Errorf("assess: find device %d: %w", id, err)
			}
			if err := fn(rec); err != nil {
				return err
			}
		}
		return nil
	}
	// Page by a stable order so that devices added during the run do
	// not shift a page.
	for off := 0; ; off += pageDevices {
		recs, _, err := r.Devices.FindDevices(ctx, cordon.DeviceFilter{Sort: "first_seen", Offset: off, Limit: pageDevices})
		if err != nil {
			return fmt.Errorf("assess: find devices: %w", err)
		}
		for _, rec := range recs {
			if err := fn(rec); err != nil {
				return err
			}
		}
		if len(recs) < pageDevices {
			return nil
		}
	}
}

// statuses loads the workflow status of every finding that is not open,
// by device and CVE, once per run.
func (r *Runner) statuses(ctx context.Context) (map[int64]map[string]cordon.FindingStatus, error) {
	out := map[int64]map[string]cordon.FindingStatus{}
	for _, st := range cordon.FindingStatuses {
		if st == cordon.FindingOpen {
			continue
		}
		for off := 0; ; off += pageFindings {
			fs, _, err := r.Findings.FindFindings(ctx, cordon.FindingFilter{Status: st, Sort: "cve", Offset: off, Limit: pageFindings})
			if err != nil {
				return nil, fmt.Errorf("assess: find %s findings: %w", st, err)
			}
			for _, f := range fs {
				m := out[f.Device.ID]
				if m == nil {
					m = map[string]cordon.FindingStatus{}
					out[f.Device.ID] = m
				}
				m[f.CVE] = f.Status
			}
			if len(fs) < pageFindings {
				break
			}
		}
	}
	return out, nil
}

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Runner) logger() *slog.Logger {
	if r.Logger != nil {
		return r.Logger
	}
	return slog.New(slog.DiscardHandler)
}
