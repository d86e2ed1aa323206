package sensor

import (
	"github.com/cordonsec/cordon/sensor/decode"
	"github.com/cordonsec/cordon/sensor/proto"
)

// maxOutOfOrder bounds the segments held while waiting for a hole in a
// direction to fill; past it the direction is given up as having a gap.
const maxOutOfOrder = 32

// maxPasses bounds how often the dissectors re-read one connection: a
// long-lived HL7 or DICOM association grows by small acknowledgements for
// hours, and what identifies it was in its first messages.
const maxPasses = 64

// maxWindow bounds how far from the next expected byte a segment may start
// and still belong to the stream: beyond it the sequence number is nonsense
// (a corrupt packet, or a reused port pair) rather than a hole to wait for.
const maxWindow = 1 << 24

// stream holds the reassembled first bytes of both directions of a TCP
// connection while a stream dissector may still want them.
type stream struct {
	dir   [2]half // 0: client to server, 1: server to client
	cands uint64  // bit i: cfg.Streams[i] is still in play
	calls int     // dissection passes so far
	ps    proto.Stream
}

// half is one direction of a connection.
type half struct {
	next    uint32 // sequence number of the next in-order byte
	started bool
	full    bool // MaxStream reached, or given up after a gap
	gap     bool
	fin     bool
	data    []byte
	ooo     []segment
}

// segment is a copy of an out-of-order TCP payload.
type segment struct {
	seq  uint32
	data []byte
}

// segment handles the TCP side of a packet: handshake bookkeeping, then
// reassembly and dissection while a stream dissector still wants the bytes.
func (s *Sensor) segment(f *flow, fromA bool, p *decode.Packet) {
	if f.noStream {
		return
	}
	d := 0
	if fromA != f.clientIsA {
		d = 1
	}
	if p.TCPFlags&decode.TCPSyn != 0 {
		f.synSeen[d], f.isn[d] = true, p.Seq
	}
	end := p.TCPFlags&(decode.TCPFin|decode.TCPRst) != 0
	st := f.stream
	if st == nil {
		if len(p.Payload) == 0 {
			return
		}
		if len(s.cfg.Streams) == 0 {
			f.noStream = true
			return
		}
		st = &stream{cands: 1<<len(s.cfg.Streams) - 1}
		f.stream = st
		s.stats.Streams++
	}
	h := &st.dir[d]
	if !h.started {
		h.started = true
		h.next = p.Seq
		if f.synSeen[d] {
			h.next = f.isn[d] + 1
		}
	}
	grew := h.add(p.Seq, p.Payload)
	if end {
		h.fin = true
		if p.TCPFlags&decode.TCPRst != 0 {
			st.dir[1-d].fin = true
		}
	}
	done := (st.dir[0].fin || st.dir[0].full) && (st.dir[1].fin || st.dir[1].full)
	switch {
	case done || (grew && st.calls >= maxPasses):
		s.closeStream(f)
	case grew:
		s.dissect(f, false)
	}
}

// add puts a payload starting at seq into the direction and reports whether
// the in-order data grew.
func (h *half) add(seq uint32, data []byte) bool {
	if h.full || len(data) == 0 {
		return false
	}
	rel := int64(int32(seq - h.next))
	switch {
	case rel > maxWindow || rel < -maxWindow:
		return false // not part of this stream's window: ignore
	case rel > 0:
		// A hole: keep a copy until it fills, within bounds.
		if len(h.ooo) >= maxOutOfOrder {
			h.gap, h.full = true, true
			h.ooo = nil
			return false
		}
		h.ooo = append(h.ooo, segment{seq: seq, data: append([]byte(nil), data...)})
		return false
	case -rel >= int64(len(data)):
		return false // a retransmission of bytes already held
	}
	h.append(data[-rel:])
	for progress := true; progress && !h.full; {
		progress = false
		for i := 0; i < len(h.ooo) && !h.full; i++ {
			sg := h.ooo[i]
			rel := int64(int32(sg.seq - h.next))
			if rel > 0 {
				continue
			}
			h.ooo = append(h.ooo[:i], h.ooo[i+1:]...)
			i--
			progress = true
			if -rel < int64(len(sg.data)) {
				h.append(sg.data[-rel:])
			}
		}
	}
	return true
}

// append adds in-order bytes up to the MaxStream cap.
func (h *half) append(b []byte) {
	room := proto.MaxStream - len(h.data)
	if len(b) >= room {
		b = b[:room]
		h.full = true
		h.ooo = nil
	}
	h.data = append(h.data, b...)
	h.next += uint32(len(b))
}

// dissect runs the stream dissectors still in play over the bytes so far.
func (s *Sensor) dissect(f *flow, closed bool) {
	st := f.stream
	st.calls++
	rec := f.record()
	st.ps = proto.Stream{
		Client: rec.Client, Server: rec.Server,
		ClientData: st.dir[0].data, ServerData: st.dir[1].data,
		Gap:    st.dir[0].gap || st.dir[1].gap,
		Closed: closed,
	}
	for i := range s.cfg.Streams {
		bit := uint64(1) << i
		if st.cands&bit == 0 {
			continue
		}
		d := &s.cfg.Streams[i]
		switch d.Parse(&st.ps, &s.emit) {
		case proto.NotMine:
			st.cands &^= bit
		case proto.Mine:
			f.app = d.Name
			st.cands = bit // recognised: the others need not look again
			return
		case proto.Done:
			f.app = d.Name
			st.cands = 0
		}
		if st.cands == 0 {
			break
		}
	}
	if st.cands == 0 {
		f.stream, f.noStream = nil, true
	}
}

// closeStream gives the dissectors a last look and frees the buffers.
func (s *Sensor) closeStream(f *flow) {
	if f.stream.cands != 0 {
		s.dissect(f, true)
	}
	f.stream, f.noStream = nil, true
}

var _ proto.Emitter = (*emitter)(nil)
