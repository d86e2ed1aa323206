package sensor

import (
	"net/netip"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/sensor/decode"
)

// flowKey identifies a conversation regardless of direction: the endpoint
// that sorts first is a.
type flowKey struct {
	a, b   netip.Addr
	ap, bp uint16
	proto  uint8
}

// flow is one entry of the flow table. It is kept small (no time.Time, no
// endpoint copies beyond the key) because a busy SPAN port has a million of
// them at once.
type flow struct {
	key         flowKey
	macA, macB  cordon.MAC
	first, last int64  // unix nanoseconds
	since       int64  // when the flow was last reported open (0: never)
	packets     uint64 // since the last report
	bytes       uint64
	app         string
	stream      *stream
	clientIsA   bool
	seenA       bool // a packet from a was seen
	seenB       bool
	handshake   bool      // the TCP handshake was seen, so the orientation is certain
	noStream    bool      // stream dissection is over for this flow
	synSeen     [2]bool   // by direction: 0 client→server, 1 server→client
	isn         [2]uint32 // initial sequence numbers, valid where synSeen
	prev, next  *flow
}

// flowTable is a map of flows threaded on a list ordered by last packet, so
// that idle flows are found at the tail in constant time.
type flowTable struct {
	m    map[flowKey]*flow
	head flow // sentinel: head.next is the most recent, head.prev the oldest
	// reported is the packet time of the last report of open flows.
	reported int64
}

func (t *flowTable) init() {
	t.m = make(map[flowKey]*flow, 1024)
	t.head.next, t.head.prev = &t.head, &t.head
}

func (t *flowTable) len() int { return len(t.m) }

func (t *flowTable) unlink(f *flow) {
	f.prev.next, f.next.prev = f.next, f.prev
	f.prev, f.next = nil, nil
}

func (t *flowTable) pushFront(f *flow) {
	f.next, f.prev = t.head.next, &t.head
	t.head.next.prev = f
	t.head.next = f
}

// touch moves f to the front of the list.
func (t *flowTable) touch(f *flow) {
	if t.head.next != f {
		t.unlink(f)
		t.pushFront(f)
	}
}

// expire ends flows idle for longer than the timeout at time now, and the
// oldest flows while the table is over its bound.
func (t *flowTable) expire(s *Sensor, now time.Time) {
	limit := now.Add(-s.cfg.IdleTimeout).UnixNano()
	for oldest := t.head.prev; oldest != &t.head; oldest = t.head.prev {
		if oldest.last >= limit && len(t.m) <= s.cfg.MaxFlows {
			return
		}
		s.stats.Evicted++
		s.endFlow(oldest)
	}
}

// drain ends every flow, oldest first.
func (t *flowTable) drain(s *Sensor) {
	for oldest := t.head.prev; oldest != &t.head; oldest = t.head.prev {
		s.endFlow(oldest)
	}
}

// endFlow gives the stream dissectors their last look, reports the flow and
// removes it from the table. A flow already reported open that carried
// nothing since has nothing left to report.
func (s *Sensor) endFlow(f *flow) {
	if f.stream != nil {
		s.closeStream(f)
	}
	s.flows.unlink(f)
	delete(s.flows.m, f.key)
	if f.since == 0 || f.packets > 0 {
		s.sink.Flow(f.record())
	}
}

// reorderSlack is how far out of order packet times may run: the table
// is ordered by arrival, so a report walks back this far past the last one.
const reorderSlack = int64(time.Second)

// report reports the open flows that carried packets since the last report,
// most recent first, and starts their counts again. The table is ordered
// by last packet, so the walk stops at the first flow idle since then. A
// flow not yet answered waits: its first record is then the first that
// counts it as a connection (Since zero and Answered).
func (t *flowTable) report(s *Sensor) {
	if s.now.IsZero() {
		return // no packet yet
	}
	cut := s.now.UnixNano()
	for f := t.head.next; f != &t.head && f.last >= t.reported-reorderSlack; f = f.next {
		if f.packets == 0 || !f.seenA || !f.seenB {
			continue
		}
		r := f.record()
		r.Open = true
		s.sink.Flow(r)
		f.packets, f.bytes, f.since = 0, 0, cut
	}
	t.reported = cut
}

// record returns the flow as a FlowRecord, client first.
func (f *flow) record() cordon.FlowRecord {
	a := cordon.Endpoint{MAC: f.macA, IP: f.key.a, Port: f.key.ap}
	b := cordon.Endpoint{MAC: f.macB, IP: f.key.b, Port: f.key.bp}
	r := cordon.FlowRecord{
		Client: a, Server: b,
		App:     f.app,
		Packets: f.packets, Bytes: f.bytes,
		First: time.Unix(0, f.first).UTC(), Last: time.Unix(0, f.last).UTC(),
		Answered: f.seenA && f.seenB,
	}
	if f.since != 0 {
		r.Since = time.Unix(0, f.since).UTC()
	}
	if !f.clientIsA {
		r.Client, r.Server = b, a
	}
	switch f.key.proto {
	case decode.ProtoTCP:
		r.Proto = "tcp"
	case decode.ProtoUDP:
		r.Proto = "udp"
	}
	return r
}

// lookup finds or creates the flow of p and reports whether p travels from
// a to b, and whether the flow is new.
func (s *Sensor) lookup(p *decode.Packet, now int64) (f *flow, fromA, created bool) {
	k := flowKey{a: p.SrcIP, b: p.DstIP, ap: p.SrcPort, bp: p.DstPort, proto: p.Proto}
	fromA = true
	if c := k.a.Compare(k.b); c > 0 || (c == 0 && k.ap > k.bp) {
		k.a, k.b, k.ap, k.bp = k.b, k.a, k.bp, k.ap
		fromA = false
	}
	if f = s.flows.m[k]; f != nil {
		s.flows.touch(f)
		return f, fromA, false
	}
	f = &flow{key: k, first: now, last: now}
	f.clientIsA = fromA == clientIsSender(p)
	if p.Proto == decode.ProtoTCP && p.TCPFlags&decode.TCPSyn != 0 {
		f.handshake = true
	}
	s.flows.m[k] = f
	s.flows.pushFront(f)
	s.stats.Flows++
	return f, fromA, true
}

// clientIsSender guesses, from the first packet of a flow, whether its sender
// opened the conversation: the SYN says so for TCP; otherwise the side on the
// lower port is taken to be the server, as services listen on well-known
// ports and clients on ephemeral ones.
func clientIsSender(p *decode.Packet) bool {
	if p.Proto == decode.ProtoTCP && p.TCPFlags&decode.TCPSyn != 0 {
		return p.TCPFlags&decode.TCPAck == 0
	}
	if p.SrcPort != p.DstPort {
		return p.SrcPort > p.DstPort
	}
	return true
}
