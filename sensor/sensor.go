// Package sensor is Cordon's packet path: it takes decoded packets, keeps a
// bounded flow table, reassembles the first bytes of TCP connections, hands
// frames, datagrams and streams to the dissectors of package proto, and
// passes the facts they find and the flows it aggregates to a Sink.
//
// The sensor never sends a packet and never keeps packet bytes beyond the
// first proto.MaxStream bytes of each direction of a connection that a
// dissector still wants to read: bulk transfers cost a map lookup and a few
// counter updates per packet.
package sensor

import (
	"log/slog"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/sensor/decode"
	"github.com/cordonsec/cordon/sensor/proto"
)

// Sink receives what the sensor finds. Calls come from the goroutine that
// calls Packet and Flush; the values are the sink's to keep.
type Sink interface {
	Observe(o cordon.Observation)
	Flow(f cordon.FlowRecord)
}

// Config configures a Sensor. Zero values take the defaults.
type Config struct {
	Frames    []proto.FrameDissector
	Datagrams []proto.DatagramDissector
	Streams   []proto.StreamDissector

	// IdleTimeout evicts a flow that has seen no packet for this long, by
	// packet time (default 2 minutes; the TCP keepalive default is far
	// longer, but a connection idle that long has told us all it will).
	IdleTimeout time.Duration
	// MaxFlows bounds the flow table; beyond it the least recently seen
	// flow is evicted early (default 1<<21).
	MaxFlows int

	Logger *slog.Logger
}

// Stats counts what the sensor has seen.
type Stats struct {
	Packets      uint64
	Bytes        uint64
	Flows        uint64 // flows created
	ActiveFlows  int
	Evicted      uint64 // flows evicted before they ended (idle or table full)
	Streams      uint64 // TCP connections handed to stream dissectors
	Observations uint64
}

// Sensor turns decoded packets into observations and flow records. It is not
// safe for concurrent use: run one per packet source.
type Sensor struct {
	cfg   Config
	sink  Sink
	flows flowTable
	udp   [65536]uint8 // port → 1 + index into cfg.Datagrams, 0 for none
	now   time.Time    // time of the packet being processed
	stats Stats
	emit  emitter
	dgram proto.Datagram // reused for each datagram handed to a dissector
	frm   proto.Frame    // reused for each frame
}

// New returns a Sensor that reports to sink.
func New(cfg Config, sink Sink) *Sensor {
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 2 * time.Minute
	}
	if cfg.MaxFlows <= 0 {
		cfg.MaxFlows = 1 << 21
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Sensor{cfg: cfg, sink: sink}
	s.flows.init()
	s.emit.s = s
	for i, d := range cfg.Datagrams {
		for _, p := range d.Ports {
			if s.udp[p] == 0 {
				s.udp[p] = uint8(i + 1)
			}
		}
	}
	return s
}

// Stats returns the counters so far.
func (s *Sensor) Stats() Stats {
	st := s.stats
	st.ActiveFlows = s.flows.len()
	return st
}

// emitter adapts the sensor to proto.Emitter, stamping facts with the time
// of the packet being processed.
type emitter struct{ s *Sensor }

func (e *emitter) Emit(about cordon.Endpoint, fact, value string) {
	if value == "" {
		return
	}
	e.s.stats.Observations++
	e.s.sink.Observe(cordon.Observation{MAC: about.MAC, IP: about.IP, Fact: fact, Value: value, Time: e.s.now})
}

// Packet processes one decoded packet captured at t.
func (s *Sensor) Packet(t time.Time, p *decode.Packet) {
	s.now = t
	s.stats.Packets++
	s.stats.Bytes += uint64(len(p.L2Payload))
	s.flows.expire(s, t)
	if p.IPVersion == 0 {
		s.frame(p)
		return
	}
	switch p.Proto {
	case decode.ProtoTCP, decode.ProtoUDP:
		if p.Incomplete {
			return // a fragment still waiting for the rest of its datagram
		}
		s.transport(t, p)
	}
}

// frame hands a non-IP frame to the frame dissector for its EtherType or SNAP.
func (s *Sensor) frame(p *decode.Packet) {
	for i := range s.cfg.Frames {
		d := &s.cfg.Frames[i]
		if (d.EtherType != 0 && d.EtherType == p.EtherType) || (d.SNAP != 0 && d.SNAP == p.SNAP) {
			s.frm = proto.Frame{Src: p.SrcMAC, Dst: p.DstMAC, Payload: p.L2Payload}
			d.Parse(&s.frm, &s.emit)
			s.frm.Payload = nil
			return
		}
	}
}

// Report emits a record of each open flow that carried packets since the
// last Report, counting what it carried since, and keeps the flow; its
// later records count on from there. A live capture calls it at every
// flush, so that long flows are stored and checked while they last.
// A flow whose packets run more than a second out of order around a
// report may be counted in its next record instead; nothing is lost.
func (s *Sensor) Report() {
	s.flows.report(s)
}

// Flush ends every flow, giving stream dissectors their last look, and emits
// the flow records. Call it at the end of a capture.
func (s *Sensor) Flush() {
	s.flows.drain(s)
}
