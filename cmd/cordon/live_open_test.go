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

// sessionSource yields one TCP connection's frames: a handshake, then a
// keep-alive segment each way every interval until end, then a FIN. It is
// a device holding SSH open to an internet host. Before the FIN it idles
// (live.ErrTimeout, as a quiet interface does) until hold returns false,
// at most a few seconds.
type sessionSource struct {
	start, at, end time.Time
	interval       time.Duration
	hold           func() bool
	seq, waits     int
	sent           int  // frames yielded
	closed         bool // the FIN went
}

var (
	sessionClient = [4]byte{10, 30, 1, 11}
	sessionServer = [4]byte{198, 51, 100, 7}
	sessionMACs   = [12]byte{0x00, 0x50, 0x56, 0x01, 0x02, 0x03, 0x00, 0x1b, 0x21, 0x0a, 0x0b, 0x0c}
)

func (s *sessionSource) Next(p *capture.Packet) error {
	var fromClient bool
	var flags uint8
	switch {
	case s.closed:
		return io.EOF
	case s.seq == 0:
		fromClient, flags, s.at = true, 0x02, s.start // SYN
	case s.seq == 1:
		flags = 0x12 // SYN-ACK
	case s.at.After(s.end) && s.hold() && s.waits < 1000:
		s.waits++
		time.Sleep(5 * time.Millisecond)
		return live.ErrTimeout
	case s.at.After(s.end):
		fromClient, flags, s.closed = true, 0x11, true // FIN-ACK
	default:
		fromClient, flags = s.seq%2 == 0, 0x18 // PSH-ACK, alternating
		if fromClient {
			s.at = s.at.Add(s.interval)
		}
	}
	s.seq++
	s.sent++
	p.Time, p.Link = s.at, capture.LinkEthernet
	p.Data = tcpFrame(fromClient, flags, uint32(s.seq))
	p.OrigLen = len(p.Data)
	return nil
}

// tcpFrame builds an Ethernet/IPv4/TCP frame of the session with a 1-byte
// payload on data segments.
func tcpFrame(fromClient bool, flags uint8, seq uint32) []byte {
	src, dst := sessionClient, sessionServer
	sport, dport := uint16(51022), uint16(22)
	var b []byte
	if fromClient {
		b = append(b, sessionMACs[:]...)
	} else {
		b = append(b, sessionMACs[6:]...)
		b = append(b, sessionMACs[:6]...)
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
	b = binary.BigEndian.AppendUint32(b, seq)
	b = binary.BigEndian.AppendUint32(b, 1)
	b = append(b, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0)
	if payload > 0 {
		b = append(b, 'x')
	}
	return b
}

// TestLiveLoopReportsOpenFlows holds an SSH connection to the internet open
// for two hours through the live loop, with a batch handed over every 256
// packets, and requires the tunnel alert to be raised while the connection
// is still open (the source holds its FIN back until then), its evidence
// to say so, and the register to count the connection once, with its
// traffic in each hour it went on.
func TestLiveLoopReportsOpenFlows(t *testing.T) {
	st, err := openStore(filepath.Join(t.TempDir(), "data"), slog.New(slog.DiscardHandler), "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	start := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	var raised atomic.Bool
	src := &sessionSource{start: start, end: start.Add(2 * time.Hour), interval: 20 * time.Second,
		hold: func() bool { return !raised.Load() }}
	l := newLiveLoop(st, "eth9", src, time.Minute, slog.New(slog.DiscardHandler))
	l.now = (&steppingClock{t: start, step: time.Minute}).now
	l.detect = &detect.Config{AllDevices: true}
	ctx := context.Background()
	var evidence string
	l.committed = func(c *cordon.Capture) {
		if raised.Load() {
			return
		}
		as, _, err := st.alerts.FindAlerts(ctx, cordon.AlertFilter{Kind: detect.KindInboundRemoteAccess, Limit: 10})
		if err != nil {
			t.Error(err)
		}
		if len(as) > 0 {
			evidence = strings.Join(as[0].Evidence, "\n")
			raised.Store(true)
		}
	}
	if _, err := l.run(ctx); err != nil {
		t.Fatal(err)
	}
	if src.waits >= 1000 {
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
	if flows, packets := ssh(time.Time{}, time.Time{}); flows != 1 || packets != uint64(src.sent) {
		t.Errorf("register: %d flows of %d packets; want 1 flow of %d packets", flows, packets, src.sent)
	}
	for h := range 3 {
		from := start.Add(time.Duration(h) * time.Hour)
		if _, packets := ssh(from, from.Add(time.Hour-time.Second)); packets == 0 {
			t.Errorf("register shows no SSH traffic in the hour from %s", from.Format("15:04"))
		}
	}
}
