package main

import (
	"context"
	"encoding/binary"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/capture"
	"github.com/cordonsec/cordon/capture/live"
	"github.com/cordonsec/cordon/detect"
)

// scriptSource yields the frames of a script; a step with until set idles
// (live.ErrTimeout, as a quiet interface does) until until returns true,
// for at most a few seconds, so a test can wait for the writer.
type scriptSource struct {
	steps    []step
	i, waits int
	timedOut bool   // an until never came true
	onIdle   func() // called at each wait, if set
}

type step struct {
	at    time.Time
	frame []byte
	until func() bool
}

func (s *scriptSource) Next(p *capture.Packet) error {
	for s.i < len(s.steps) {
		st := s.steps[s.i]
		if st.until == nil {
			s.i++
			p.Time, p.Link, p.Data, p.OrigLen = st.at, capture.LinkEthernet, st.frame, len(st.frame)
			return nil
		}
		if st.until() || s.waits >= 1000 {
			s.timedOut = s.timedOut || !st.until()
			s.i, s.waits = s.i+1, 0
			continue
		}
		s.waits++
		if s.onIdle != nil {
			s.onIdle()
		}
		time.Sleep(5 * time.Millisecond)
		return live.ErrTimeout
	}
	return io.EOF
}

// conn4 is a TCP connection between a device and a server reached through
// a gateway, whose frames the tests script.
type conn4 struct {
	client, server [4]byte
	cport, sport   uint16
	seq            uint32
}

var (
	deviceMAC  = [6]byte{0x00, 0x1b, 0x21, 0x0a, 0x0b, 0x0c}
	gatewayMAC = [6]byte{0x00, 0x50, 0x56, 0x01, 0x02, 0x03}
)

// frame builds an Ethernet/IPv4/TCP frame of c with flags; a segment with
// PSH carries one byte.
func (c *conn4) frame(fromClient bool, flags uint8) []byte {
	c.seq++
	src, dst, sport, dport := c.client, c.server, c.cport, c.sport
	b := append(gatewayMAC[:], deviceMAC[:]...)
	if !fromClient {
		b = append(deviceMAC[:], gatewayMAC[:]...)
		src, dst, sport, dport = dst, src, dport, sport
	}
	b = binary.BigEndian.AppendUint16(b, 0x0800)
	payload := 0
	if flags&0x08 != 0 {
		payload = 1
	}
	ip := []byte{0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, 6, 0, 0}
	binary.BigEndian.PutUint16(ip[2:], uint16(20+20+payload))
	ip = append(append(ip, src[:]...), dst[:]...)
	var sum uint32
	for i := 0; i < len(ip); i += 2 {
		sum += uint32(binary.BigEndian.Uint16(ip[i:]))
	}
	sum = (sum >> 16) + (sum & 0xffff)
	binary.BigEndian.PutUint16(ip[10:], ^uint16(sum+(sum>>16)))
	b = append(b, ip...)
	b = binary.BigEndian.AppendUint16(b, sport)
	b = binary.BigEndian.AppendUint16(b, dport)
	b = binary.BigEndian.AppendUint32(b, c.seq)
	b = binary.BigEndian.AppendUint32(b, 1)
	b = append(b, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0)
	if payload > 0 {
		b = append(b, 'x')
	}
	return b
}

// Segment flags.
const (
	fin, syn, psh, ack = 0x01, 0x02, 0x08, 0x10
)

// open scripts c's handshake at t.
func (c *conn4) open(t time.Time) []step {
	return []step{{at: t, frame: c.frame(true, syn)}, {at: t, frame: c.frame(false, syn|ack)}}
}

// exchange scripts a byte each way at t.
func (c *conn4) exchange(t time.Time) []step {
	return []step{{at: t, frame: c.frame(true, psh|ack)}, {at: t, frame: c.frame(false, psh|ack)}}
}

// close scripts c's FIN at t.
func (c *conn4) close(t time.Time) []step {
	return []step{{at: t, frame: c.frame(true, fin|ack)}}
}

// liveTest is a store and a live loop over a script, with a flush at
// every clock reading and the detections applied to every device.
func liveTest(t *testing.T, src liveSource, start time.Time) (*store, *liveLoop) {
	st, err := openStore(filepath.Join(t.TempDir(), "data"), slog.New(slog.DiscardHandler), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	l := newLiveLoop(st, "eth9", src, time.Minute, slog.New(slog.DiscardHandler))
	l.now = (&steppingClock{t: start, step: time.Minute}).now
	l.detect = &detect.Config{AllDevices: true}
	return st, l
}

func alertsOf(t *testing.T, st *store, kind string) []*cordon.Alert {
	t.Helper()
	as, _, err := st.alerts.FindAlerts(context.Background(), cordon.AlertFilter{Kind: kind, Limit: 10})
	if err != nil {
		t.Error(err)
	}
	return as
}

// TestLiveLoopReportsOpenFlows holds an SSH connection to the internet open
// for two hours through the live loop, with a batch handed over every 256
// packets, and requires the tunnel alert to be raised while the connection
// is still open (the script holds its FIN back until then), its evidence
// to say so, and the register to count the connection once, with its
// traffic in each hour it went on.
func TestLiveLoopReportsOpenFlows(t *testing.T) {
	start := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	c := &conn4{client: [4]byte{10, 30, 1, 11}, server: [4]byte{198, 51, 100, 7}, cport: 51022, sport: 22}
	var raised atomic.Bool
	src := &scriptSource{steps: c.open(start)}
	for at := start; !at.After(start.Add(2 * time.Hour)); at = at.Add(20 * time.Second) {
		src.steps = append(src.steps, c.exchange(at)...)
	}
	src.steps = append(src.steps, step{until: raised.Load})
	src.steps = append(src.steps, c.close(start.Add(2*time.Hour+time.Second))...)
	st, l := liveTest(t, src, start)
	ctx := context.Background()
	var evidence string
	l.committed = func(*cordon.Capture) {
		if as := alertsOf(t, st, detect.KindInboundRemoteAccess); len(as) > 0 && !raised.Load() {
			evidence = strings.Join(as[0].Evidence, "\n")
			raised.Store(true)
		}
	}
	if _, err := l.run(ctx); err != nil {
		t.Fatal(err)
	}
	if src.timedOut {
		t.Fatal("no tunnel alert while the connection was open")
	}
	if !strings.Contains(evidence, "still open") {
		t.Errorf("evidence of a tunnel raised while open does not say so: %q", evidence)
	}
	ssh := func(since, until time.Time) (flows, packets uint64) {
		convs, err := st.conversations.FindConversations(ctx, cordon.ConversationFilter{Since: since, Until: until, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range convs {
			if c.Port == 22 {
				flows += c.Flows
				packets += c.Packets
			}
		}
		return flows, packets
	}
	if flows, packets := ssh(time.Time{}, time.Time{}); flows != 1 || packets != uint64(len(src.steps)-1) {
		t.Errorf("register: %d flows of %d packets; want 1 flow of %d packets", flows, packets, len(src.steps)-1)
	}
	for h := range 3 {
		from := start.Add(time.Duration(h) * time.Hour)
		if _, packets := ssh(from, from.Add(time.Hour-time.Second)); packets == 0 {
			t.Errorf("register shows no SSH traffic in the hour from %s", from.Format("15:04"))
		}
	}
}

// TestLiveLoopBeaconAcrossBatches: a device calls an internet host every
// five minutes, one connection per batch; the detector carried from batch
// to batch still sees the beacon.
func TestLiveLoopBeaconAcrossBatches(t *testing.T) {
	start := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	var written atomic.Int32
	src := &scriptSource{}
	for i := range 10 {
		at := start.Add(time.Duration(i) * 5 * time.Minute)
		c := &conn4{client: [4]byte{10, 30, 1, 11}, server: [4]byte{203, 0, 113, 50}, cport: uint16(40000 + i), sport: 8443}
		src.steps = append(src.steps, c.open(at)...)
		src.steps = append(src.steps, c.exchange(at.Add(time.Second))...)
		src.steps = append(src.steps, c.close(at.Add(2*time.Second))...)
		n := int32(i + 1)
		src.steps = append(src.steps, step{until: func() bool { return written.Load() >= n }})
	}
	st, l := liveTest(t, src, start)
	l.committed = func(*cordon.Capture) { written.Add(1) }
	sum, err := l.run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if src.timedOut || sum.Batches < 10 {
		t.Fatalf("the script needs a batch per connection: %+v", sum)
	}
	as := alertsOf(t, st, detect.KindBeaconing)
	if len(as) != 1 || !strings.Contains(strings.Join(as[0].Evidence, "\n"), "10 tcp connections to 203.0.113.50 port 8443, every 5m0s") {
		t.Errorf("beaconing alerts: %+v; want one for the 10 calls every 5 minutes", as)
	}
}
