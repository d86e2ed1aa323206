package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/analysis"
	"github.com/cordonsec/cordon/capture"
	"github.com/cordonsec/cordon/capture/live"
	"github.com/cordonsec/cordon/capture/live/livetest"
	"github.com/cordonsec/cordon/simulate"
)

// fileKeys returns the device keys `cordon analyze` finds in a capture.
func fileKeys(t *testing.T, path string) []string {
	t.Helper()
	res, err := analysis.Run(context.Background(), []string{path}, analysis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, d := range res.Devices {
		if k := cordon.DeviceKey(d); k != "" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// storeKeys returns the keys of every device in the register.
func storeKeys(t *testing.T, st *store) []string {
	t.Helper()
	recs, _, err := st.devices.FindDevices(context.Background(), cordon.DeviceFilter{Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range recs {
		keys = append(keys, r.Key)
	}
	slices.Sort(keys)
	return keys
}

func liveCaptures(t *testing.T, st *store) []*cordon.Capture {
	t.Helper()
	cs, _, err := st.captures.FindCaptures(context.Background(), cordon.CaptureFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// steppingClock advances a fixed step at each reading, so that a file
// read at full speed spans many flush intervals.
type steppingClock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func (c *steppingClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(c.step)
	return c.t
}

// TestLiveLoopBatches feeds a capture file through the live loop with a
// clock that makes many flush intervals pass, holds the writer on its first
// batch so that later batches must merge, and requires the register to end
// with exactly the devices `cordon analyze` finds in the file.
func TestLiveLoopBatches(t *testing.T) {
	path, _ := simulateCapture(t, simulate.Config{Seed: 4, Devices: 40, Duration: time.Hour})
	want := fileKeys(t, path)
	st, err := openStore(filepath.Join(t.TempDir(), "data"), slog.New(slog.DiscardHandler), "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	f, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	release := make(chan struct{})
	var once sync.Once
	l := newLiveLoop(st, "eth9", f, time.Minute, slog.New(slog.DiscardHandler))
	clock := &steppingClock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC), step: time.Minute}
	l.now = clock.now
	var written []*cordon.Capture
	l.committed = func(c *cordon.Capture) {
		written = append(written, c)
		once.Do(func() { <-release }) // a slow database
	}
	go func() { time.Sleep(200 * time.Millisecond); close(release) }()
	sum, err := l.run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Merged == 0 {
		t.Errorf("the writer was held, yet no batch merged: %+v", sum)
	}
	if sum.Batches < 2 || sum.Failed != 0 {
		t.Errorf("summary %+v, want at least two batches and no failures", sum)
	}
	if got := storeKeys(t, st); !slices.Equal(got, want) {
		t.Errorf("register holds %d devices, the file shows %d:\n got %v\nwant %v", len(got), len(want), got, want)
	}
	var packets uint64
	for _, c := range liveCaptures(t, st) {
		if !strings.HasPrefix(c.Name, "live:eth9 ") || c.Status != cordon.CaptureDone {
			t.Errorf("capture %q is %s, want live:eth9 HH:MM done", c.Name, c.Status)
		}
		packets += c.Stats.Packets
	}
	if packets != sum.Packets || len(written) != sum.Batches {
		t.Errorf("captures hold %d packets in %d batches; the loop read %d in %d", packets, len(written), sum.Packets, sum.Batches)
	}
}

// errSource fails after some packets, as a capture socket might.
// errSource times out n times, then fails with err (default "socket gone").
type errSource struct {
	n   int
	err error
}

func (s *errSource) Next(p *capture.Packet) error {
	if s.n == 0 {
		return cmp.Or(s.err, errors.New("socket gone"))
	}
	s.n--
	return live.ErrTimeout
}

// corruptOnce is a source whose first block is corrupt: the loop skips it
// and goes on with the packets after it.
type corruptOnce struct {
	liveSource
	done bool
}

func (s *corruptOnce) Next(p *capture.Packet) error {
	if !s.done {
		s.done = true
		return fmt.Errorf("live: eth9: %w 3: a packet header past the end of the block", live.ErrCorruptBlock)
	}
	return s.liveSource.Next(p)
}

func TestLiveLoopCorruptBlock(t *testing.T) {
	st, err := openStore(filepath.Join(t.TempDir(), "data"), slog.New(slog.DiscardHandler), "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	path, _ := simulateCapture(t, simulate.Config{Seed: 2, Devices: 10, Duration: time.Minute})
	f, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	l := newLiveLoop(st, "eth9", &corruptOnce{liveSource: f}, time.Hour, slog.New(slog.DiscardHandler))
	if sum, err := l.run(context.Background()); err != nil || sum.Batches != 1 || sum.Packets == 0 {
		t.Fatalf("after a corrupt block: %+v, %v", sum, err)
	}
}

func TestLiveLoopSourceError(t *testing.T) {
	st, err := openStore(filepath.Join(t.TempDir(), "data"), slog.New(slog.DiscardHandler), "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	l := newLiveLoop(st, "eth9", &errSource{n: 3}, time.Minute, slog.New(slog.DiscardHandler))
	if _, err := l.run(context.Background()); err == nil || !strings.Contains(err.Error(), "socket gone") {
		t.Fatalf("got %v", err)
	}
	if cs := liveCaptures(t, st); len(cs) != 0 {
		t.Errorf("an empty interval made %d captures", len(cs))
	}
}

func TestSensorUsage(t *testing.T) {
	for args, want := range map[string]string{
		"":                             "sensor needs --interface",
		"--interface lo --flush 0s":    "--flush must be positive",
		"--interface nosuchif0":        "no such network interface",
		"--interface lo --filter port": "port needs a value",
		"--interface lo extra":         "takes no arguments",
		"--interface lo --ring 2":      "--ring must be 4 to 4096 MiB",
		"--interface lo --server https://c.example --data d":       "--data and --server",
		"--interface lo --spool /tmp/x":                            "go with --server",
		"--interface lo --server https://c.example":                "--server needs --token-file",
		"--interface lo --server https://c.example --token-file /": "cannot read the token",
	} {
		var out, errb bytes.Buffer
		argv := append([]string{"sensor"}, strings.Fields(args)...)
		if !strings.Contains(args, "--server") {
			argv = append(argv, "--data", t.TempDir())
		}
		t.Setenv("CORDON_TOKEN", "")
		code := run(context.Background(), argv, nil, &out, &errb)
		if code == exitOK || !strings.Contains(errb.String(), want) {
			t.Errorf("sensor %s: exit %d, stderr %q, want it to contain %q", args, code, errb.String(), want)
		}
	}
}

// TestSensorReplay is the end-to-end test: a simulated hospital capture
// replayed with tcpreplay into one end of a veth pair in a namespace of its
// own, captured live on the other end, must give the register the devices
// the file gives `cordon analyze`.
func TestSensorReplay(t *testing.T) {
	livetest.NeedTcpreplay(t)
	ns := livetest.Namespace(t)
	path, _ := simulateCapture(t, simulate.Config{Seed: 5, Devices: 40, Duration: 5 * time.Minute})
	want := fileKeys(t, path)
	st, err := openStore(filepath.Join(t.TempDir(), "data"), slog.New(slog.DiscardHandler), "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var h *live.Handle
	if err := livetest.In(ns, func() (err error) {
		h, err = live.Open(livetest.Recv, live.Options{Timeout: 100 * time.Millisecond})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	l := newLiveLoop(st, livetest.Recv, h, time.Hour, slog.New(slog.DiscardHandler))
	l.stats = h.Stats
	type result struct {
		sum liveSummary
		err error
	}
	done := make(chan result, 1)
	go func() {
		sum, err := l.run(context.Background())
		done <- result{sum, err}
	}()
	start := time.Now()
	if _, err := livetest.Replay(ns, path, 100); err != nil {
		t.Fatal(err)
	}
	filePkts := countPackets(t, path)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if st, _ := h.Stats(); st.Packets >= filePkts {
			break
		}
	}
	ks, _ := h.Stats()
	t.Logf("replayed in %s; kernel counted %d of %d packets", time.Since(start), ks.Packets, filePkts)
	time.Sleep(300 * time.Millisecond) // the ring hands over its last block
	h.Close()
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.sum.Packets != filePkts || r.sum.Drops != 0 {
		t.Errorf("captured %d packets with %d drops; the file has %d", r.sum.Packets, r.sum.Drops, filePkts)
	}
	if got := storeKeys(t, st); !slices.Equal(got, want) {
		t.Errorf("register holds %d devices, the file shows %d:\n got %v\nwant %v", len(got), len(want), got, want)
	}
}

func countPackets(t *testing.T, path string) uint64 {
	f, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		p capture.Packet
		n uint64
	)
	for {
		if err := f.Next(&p); err == io.EOF {
			return n
		} else if err != nil {
			t.Fatal(err)
		}
		n++
	}
}

// TestLiveRate measures the highest tcpreplay rate the whole live path
// (ring, decode, sensor, batching) keeps up with without a drop, on a
// realistic simulated mix. It takes a while, so it runs only when asked:
//
//	CORDON_LIVE_RATE=1 go test ./cmd/cordon -run TestLiveRate -v
func TestLiveRate(t *testing.T) {
	if os.Getenv("CORDON_LIVE_RATE") == "" {
		t.Skip("set CORDON_LIVE_RATE=1 to measure the live capture rate")
	}
	livetest.NeedTcpreplay(t)
	ns := livetest.Namespace(t)
	path, _ := simulateCapture(t, simulate.Config{Seed: 7, Devices: 300, Duration: time.Hour, Bulk: 4})
	filePkts := countPackets(t, path)
	for _, mbps := range liveRates(t) {
		st, err := openStore(filepath.Join(t.TempDir(), "data"), slog.New(slog.DiscardHandler), "")
		if err != nil {
			t.Fatal(err)
		}
		var h *live.Handle
		if err := livetest.In(ns, func() (err error) {
			h, err = live.Open(livetest.Recv, live.Options{Timeout: 100 * time.Millisecond})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		l := newLiveLoop(st, livetest.Recv, h, 10*time.Second, slog.New(slog.DiscardHandler))
		l.stats = h.Stats
		done := make(chan liveSummary, 1)
		go func() { sum, _ := l.run(context.Background()); done <- sum }()
		out, err := livetest.Replay(ns, path, mbps)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Second)
		h.Close()
		sum := <-done
		st.Close()
		rate := "topspeed"
		if mbps > 0 {
			rate = strconv.Itoa(mbps) + " Mbit/s"
		}
		actual := ""
		for _, line := range strings.Split(out, "\n") {
			if strings.Contains(line, "Rated:") {
				actual = strings.TrimSpace(line)
			}
		}
		t.Logf("%s: %d of %d packets, %d dropped (%s)", rate, sum.Packets, filePkts, sum.Drops, actual)
	}
}
