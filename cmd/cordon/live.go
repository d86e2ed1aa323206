package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"sync/atomic"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/capture"
	"github.com/cordonsec/cordon/capture/live"
	"github.com/cordonsec/cordon/classify"
	"github.com/cordonsec/cordon/detect"
	"github.com/cordonsec/cordon/inventory"
	"github.com/cordonsec/cordon/oui"
	"github.com/cordonsec/cordon/sensor"
	"github.com/cordonsec/cordon/sensor/decode"
	"github.com/cordonsec/cordon/sensor/proto"
)

// liveConfig is what `cordon sensor` and `cordon serve --interface` take.
type liveConfig struct {
	iface, filter string
	flush         time.Duration
	snapLen       int
	promisc       bool
	// ringMB is the capture ring in MiB (1 MiB blocks): what absorbs a
	// burst while the packet path is short of CPU.
	ringMB int
	// silentAfter is how long without a packet raises capture_silent.
	silentAfter time.Duration
	// detect is the --detect-config file, read and checked at start-up.
	detect *detect.Config
}

// liveFlags adds the live-capture flags to fs.
func liveFlags(fs *flag.FlagSet) *liveConfig {
	c := &liveConfig{}
	fs.StringVar(&c.iface, "interface", "", "network `interface` to capture from live (AF_PACKET; needs CAP_NET_RAW)")
	fs.StringVar(&c.filter, "filter", "", "capture filter `expression` (tcpdump syntax) or `tcpdump -ddd` program")
	fs.DurationVar(&c.flush, "flush", time.Minute, "how often captured traffic is written to the register")
	fs.IntVar(&c.snapLen, "snaplen", 0, "bytes kept of each packet (default 262144)")
	fs.IntVar(&c.ringMB, "ring", 32, "capture ring size in `MiB` (4-4096): larger rides out bursts on a busy machine")
	fs.DurationVar(&c.silentAfter, "capture-silent-after", defaultSilentAfter, "raise a capture_silent alert when the interface sees no packet for this `long` (0: never)")
	fs.BoolVar(&c.promisc, "promisc", true, "put the interface in promiscuous mode (a SPAN or TAP port needs it)")
	fs.Var(detectConfigFlag{&c.detect}, "detect-config", "JSON `file` of approved internet endpoints, file servers and jump hosts the detections check traffic against (docs/detections.md)")
	return c
}

// open opens the capture the flags describe.
func (c *liveConfig) open() (*live.Handle, error) {
	if c.ringMB < 4 || c.ringMB > 4096 {
		return nil, &usageError{msg: fmt.Sprintf("--ring must be 4 to 4096 MiB, not %d", c.ringMB)}
	}
	if c.silentAfter < 0 {
		return nil, &usageError{msg: "--capture-silent-after must not be negative"}
	}
	return live.Open(c.iface, live.Options{Filter: c.filter, SnapLen: c.snapLen, Promisc: c.promisc,
		BlockSize: 1 << 20, BlockCount: c.ringMB})
}

// runLiveIn captures from cfg.iface into st until ctx ends; with no
// interface it does nothing. It is how `cordon serve --interface` runs;
// published, if not nil, holds the loop while it runs, for the server to
// show its state.
func runLiveIn(ctx context.Context, st *store, cfg *liveConfig, logger *slog.Logger, published *atomic.Pointer[liveLoop]) error {
	if cfg.iface == "" {
		return nil
	}
	if cfg.flush <= 0 {
		return &usageError{msg: "--flush must be positive"}
	}
	h, err := cfg.open()
	if err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { h.Close() })
	defer stop()
	defer h.Close()
	logger.Info("live capture started", slog.String("interface", cfg.iface), slog.String("filter", cfg.filter))
	l := cfg.loop(st, h, logger)
	if published != nil {
		published.Store(l)
		defer published.Store(nil)
	}
	_, err = l.run(ctx)
	return err
}

// loop returns the live loop the flags describe, reading from h.
func (c *liveConfig) loop(st *store, h *live.Handle, logger *slog.Logger) *liveLoop {
	l := newLiveLoop(st, c.iface, h, c.flush, logger)
	l.stats, l.detect, l.filter, l.silentAfter = h.Stats, c.detect, c.filter, c.silentAfter
	return l
}

// liveSource yields packets: a live.Handle, or a capture file in tests.
type liveSource interface {
	Next(p *capture.Packet) error
}

// liveLoop carries packets from a source through the sensor and hands the
// accumulated traffic to a writer every flush interval. The packet path
// never waits for the database: if the writer is still busy with the last
// batch, the next one keeps growing and is written later, merged.
type liveLoop struct {
	iface  string
	filter string // the capture filter, for the status
	src    liveSource
	stats  func() (live.Stats, error) // kernel counters, if the source has them
	flush  time.Duration
	now    func() time.Time
	logger *slog.Logger
	// detect is what the detections approve (nil: nothing).
	detect *detect.Config
	// policy is the approved network policy new batches hold flows to,
	// read by the writer after each commit so that the packet path never
	// waits for the database.
	policy atomic.Pointer[policyRef]
	// classifier names the devices of each batch.
	classifier *classify.Classifier
	// deliver takes each batch to the register: through the local store,
	// or into the spool a remote sensor ships from (nil capture).
	deliver func(context.Context, *cordon.SensorBatch) (*cordon.Capture, error)
	// policySource reads the approved policy (nil: none).
	policySource func(context.Context) (detect.PolicyCheck, error)
	// configSource, when set, reads what the detections approve in place
	// of detect (a remote sensor takes the server's); read with the
	// policy, into detectRef.
	configSource func(context.Context) (*detect.Config, error)
	detectRef    atomic.Pointer[detect.Config]
	// silentAfter is how long the interface may see no packet before
	// capture_silent (0: never).
	silentAfter time.Duration
	// committed, when set, is called after each batch is delivered
	// (tests); the capture is nil for a remote sensor.
	committed func(*cordon.Capture)
	// status is what the loop has done, for /metrics and the captures page.
	status liveStatus
	// claims are the addresses MACs claimed in earlier batches, so that a
	// router's own address is not taken for a host behind it in a batch
	// without its ARP (inventory.Options.Claimed); the writer's alone.
	claims map[cordon.MAC]map[netip.Addr]bool
}

// Status returns what the loop has done so far.
func (l *liveLoop) Status() cordon.LiveCapture { return l.status.get() }

// liveSummary is what a run did.
type liveSummary struct {
	Packets, Bytes uint64
	Drops          uint64 // dropped by the kernel (ring full)
	Batches        int    // batches written
	Merged         int    // flushes that found the writer busy and merged instead
	Failed         int    // batches that could not be written
}

// newLiveLoop returns a loop that writes its batches into st.
func newLiveLoop(st *store, iface string, src liveSource, flush time.Duration, logger *slog.Logger) *liveLoop {
	return &liveLoop{iface: iface, src: src, flush: flush, now: time.Now, logger: logger,
		classifier: st.worker.Classifier, policySource: st.policyCheck, silentAfter: defaultSilentAfter,
		deliver: func(ctx context.Context, b *cordon.SensorBatch) (*cordon.Capture, error) {
			c, _, err := st.IngestBatch(ctx, "", b)
			return c, err
		}}
}

// liveBatch is the traffic of one flush interval.
type liveBatch struct {
	inv            *inventory.Inventory
	start, end     time.Time
	packets, bytes uint64
	drops          uint64
	undecoded      uint64
	// lastTraffic and captureStart are for the batch's health.
	lastTraffic, captureStart time.Time
	// det collects the batch's detections in front of inv (nil if the
	// detection config was refused).
	det *detect.Detector
}

// policyRef boxes a policy check for an atomic pointer.
type policyRef struct{ check detect.PolicyCheck }

// refreshPolicy reads the approved policy for the batches to come; on an
// error the last one read stays in force.
func (l *liveLoop) refreshPolicy(ctx context.Context) {
	if l.configSource != nil {
		if c, err := l.configSource(ctx); err != nil {
			l.logger.Warn("detection config not read; the last one read stays in force", slog.String("error", err.Error()))
		} else {
			l.detectRef.Store(c)
		}
	}
	if l.policySource == nil {
		return
	}
	p, err := l.policySource(ctx)
	if err != nil {
		l.logger.Warn("approved policy not read; the last one read stays in force", slog.String("error", err.Error()))
		return
	}
	l.policy.Store(&policyRef{p})
}

// newBatch starts a batch at start, with its own detector: a batch's
// alerts are raised when it is written, like a capture's on ingest. The
// detector carries on from prev's (nil for the first batch) what outlasts
// a batch, such as the connections a beacon is made of.
func (l *liveLoop) newBatch(start time.Time, prev *liveBatch) *liveBatch {
	b := &liveBatch{inv: inventory.New(), start: start}
	cfg := l.detect
	if ref := l.detectRef.Load(); ref != nil {
		cfg = ref
	}
	if ref := l.policy.Load(); ref != nil {
		cfg = cfg.WithPolicy(ref.check)
	}
	var det *detect.Detector
	var err error
	if prev != nil && prev.det != nil {
		det, err = prev.det.Carry(b.inv, cfg)
	} else {
		det, err = detect.New(b.inv, cfg)
	}
	if err != nil {
		l.logger.Error("detections off for this batch", slog.String("error", err.Error()))
		return b
	}
	b.det = det
	return b
}

// sink is where the sensor's output for the batch goes.
func (b *liveBatch) sink() sensor.Sink {
	if b.det != nil {
		return b.det
	}
	return b.inv
}

// batchSink forwards the sensor's output to the current batch, so that
// the batch can be swapped without rebuilding the sensor (and losing its
// flow table).
type batchSink struct{ next sensor.Sink }

func (s *batchSink) Observe(o cordon.Observation) { s.next.Observe(o) }
func (s *batchSink) Flow(f cordon.FlowRecord)     { s.next.Flow(f) }

// run captures until the source ends (io.EOF) or ctx ends, writes what is
// left, and returns the totals.
func (l *liveLoop) run(ctx context.Context) (liveSummary, error) {
	var sum liveSummary
	// ready holds a token while the writer is free: there from the start,
	// taken by each handoff and put back once the batch is written, so
	// the packet path hands a batch over only when it will be taken at
	// once, and otherwise lets it grow.
	ready := make(chan struct{}, 1)
	ready <- struct{}{}
	batches := make(chan *liveBatch)
	written := make(chan struct{})
	writeCtx := context.WithoutCancel(ctx) // the last batch is written after ctx ends
	start := l.now()
	// lastTraffic is the end of the last batch that had packets, by the
	// loop's clock: each batch says it, for capture_silent.
	var lastTraffic time.Time
	l.status.update(func(s *cordon.LiveCapture) {
		*s = cordon.LiveCapture{Interface: l.iface, Filter: l.filter, Started: start}
	})
	go func() {
		defer close(written)
		for b := range batches {
			sb := l.sensorBatch(b)
			c, err := l.deliver(writeCtx, sb)
			l.refreshPolicy(writeCtx)
			if err != nil {
				sum.Failed++
				l.logger.Error("live batch not written", slog.String("interface", l.iface),
					slog.Uint64("packets", b.packets), slog.String("error", err.Error()))
			} else {
				sum.Batches++
			}
			_, silent := captureQuiet(sb)
			l.status.update(func(s *cordon.LiveCapture) { s.Batches, s.Failed, s.Silent = sum.Batches, sum.Failed, silent })
			if err == nil && l.committed != nil {
				l.committed(c)
			}
			ready <- struct{}{}
		}
	}()

	l.refreshPolicy(ctx)
	cur := l.newBatch(l.now(), nil)
	sink := &batchSink{next: cur.sink()}
	sens := sensor.New(sensor.Config{
		Frames: proto.Frames(), Datagrams: proto.Datagrams(), Streams: proto.Streams(), Logger: l.logger,
	}, sink)
	dec := decode.NewDecoder(decode.Config{})
	deadline := cur.start.Add(l.flush)
	var (
		lastDrops  uint64
		lastPacket time.Time // capture time, for the status
	)
	publish := func() {
		l.status.update(func(s *cordon.LiveCapture) {
			s.Packets, s.Bytes, s.Drops, s.Merged, s.LastPacket = sum.Packets, sum.Bytes, sum.Drops, sum.Merged, lastPacket
		})
	}
	handoff := func(final bool) {
		sens.Report() // long flows join the batch while they last
		now := l.now()
		if cur.packets > 0 {
			lastTraffic = now
		}
		cur.end, cur.lastTraffic, cur.captureStart = now, lastTraffic, start
		if l.stats != nil {
			if st, err := l.stats(); err == nil {
				cur.drops += st.Drops - lastDrops
				sum.Drops, lastDrops = st.Drops, st.Drops
			}
		}
		if cur.drops > 0 {
			l.logger.Warn("live capture dropped packets", slog.String("interface", l.iface), slog.Uint64("drops", cur.drops))
		}
		defer publish()
		deadline = now.Add(l.flush)
		if final {
			<-ready
			batches <- cur
			return
		}
		select {
		case <-ready:
			next := l.newBatch(now, cur) // before the writer has cur's detector
			batches <- cur
			cur = next
			sink.next = cur.sink()
		default:
			sum.Merged++
			l.logger.Warn("register writer busy; this batch merges with the next", slog.String("interface", l.iface))
		}
	}

	var (
		p      capture.Packet
		pkt    decode.Packet
		runErr error
	)
	for n := uint64(1); ; n++ {
		if ctx.Err() != nil {
			break
		}
		err := l.src.Next(&p)
		if errors.Is(err, live.ErrCorruptBlock) {
			// The kernel wrote something the reader does not trust: lose
			// that block's packets, not the capture.
			l.logger.Error("live capture skipped a ring block", slog.String("interface", l.iface), slog.String("error", err.Error()))
			continue
		}
		if errors.Is(err, live.ErrTimeout) {
			if !l.now().Before(deadline) {
				handoff(false)
			}
			continue
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			runErr = err
			break
		}
		cur.packets++
		cur.bytes += uint64(p.OrigLen)
		lastPacket = p.Time
		sum.Packets++
		sum.Bytes += uint64(p.OrigLen)
		if err := dec.Decode(p.Link, p.Time, p.Data, &pkt); err != nil {
			cur.undecoded++
		} else {
			sens.Packet(p.Time, &pkt)
		}
		if n&255 == 0 {
			publish()
			if !l.now().Before(deadline) {
				handoff(false)
			}
		}
	}
	sens.Flush() // the flows still open end here: their records join the last batch
	handoff(true)
	close(batches)
	<-written
	return sum, runErr
}

func ouiVendor(m cordon.MAC) string {
	org, _ := oui.Lookup(m)
	return org
}

func ouiVirtual(m cordon.MAC) string {
	platform, _ := oui.Virtual(m)
	return platform
}
