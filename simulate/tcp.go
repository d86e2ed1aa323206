package simulate

import "encoding/binary"

// TCP connections as the capture point sees them: a three-way handshake,
// data cut at the MSS (so application PDUs straddle segments), delayed ACKs
// every second segment, a few retransmitted and out-of-order segments drawn
// from the seed, and a FIN close.

const (
	mss       = 1460
	tcpWindow = 64240 // no window scaling: a common embedded-stack choice

	tcpFIN = 0x01
	tcpSYN = 0x02
	tcpRST = 0x04
	tcpPSH = 0x08
	tcpACK = 0x10
)

// synOpts are the options of a SYN or SYN-ACK: MSS 1460, NOP, NOP,
// SACK permitted.
var synOpts = []byte{2, 4, 0x05, 0xb4, 1, 1, 4, 2}

// conn is one TCP connection in progress.
type conn struct {
	g            *gen
	c, s         *host
	cport, sport uint16
	cseq, sseq   uint32 // next sequence number each side sends
	t            int64  // time of the last packet, µs
	rtt          int64  // round-trip time, µs
	closed       bool
	// inOrder disables reordering: Wireshark's DICOM reassembly (with its
	// default of not reassembling out-of-order segments) misreads a data
	// set whose segments overtake each other, and the capture must decode
	// cleanly in a stock Wireshark.
	inOrder bool
}

// dial opens a connection from c to s:port at time t and returns it after
// the handshake.
func (g *gen) dial(t int64, c, s *host, port uint16) *conn {
	cn := &g.connBuf
	*cn = conn{
		g: g, c: c, s: s,
		cport: c.ephemeral(g),
		sport: port,
		cseq:  g.rng.Uint32(),
		sseq:  g.rng.Uint32(),
		t:     t,
		rtt:   g.rttBetween(c, s),
	}
	cn.seg(true, cn.cseq, 0, tcpSYN, synOpts, nil)
	cn.cseq++
	cn.t += cn.rtt / 2
	cn.seg(false, cn.sseq, cn.cseq, tcpSYN|tcpACK, synOpts, nil)
	cn.sseq++
	cn.t += cn.rtt / 2
	cn.seg(true, cn.cseq, cn.sseq, tcpACK, nil, nil)
	for _, h := range []*host{c, s} {
		if h.dev != nil {
			h.dev.noteIP(h.ip)
		}
	}
	return cn
}

// seg emits one segment from the client (fromClient) or the server at cn.t.
func (cn *conn) seg(fromClient bool, seq, ack uint32, flags uint8, opts, payload []byte) {
	cn.segAt(cn.t, fromClient, seq, ack, flags, opts, payload)
}

func (cn *conn) segAt(t int64, fromClient bool, seq, ack uint32, flags uint8, opts, payload []byte) {
	a, b := cn.c, cn.s
	sp, dp := cn.cport, cn.sport
	if !fromClient {
		a, b = b, a
		sp, dp = dp, sp
	}
	l, ttl := cn.g.path(a, b)
	a.ipid++
	cn.g.o.tcp4(t, l, a.ip, b.ip, ttl, a.ipid, sp, dp, seq, ack, flags, tcpWindow, opts, payload)
}

// send transmits data in one direction, segmented at the MSS, and returns
// after the receiver has acknowledged all of it. Think time before the data
// is the caller's business (advance cn.t).
func (cn *conn) send(fromClient bool, data []byte) {
	if cn.closed || len(data) == 0 {
		return
	}
	g := cn.g
	seq, ack := &cn.cseq, cn.sseq
	if !fromClient {
		seq, ack = &cn.sseq, cn.cseq
	}
	// Pace segments so that no more than ~30 are in flight: well inside the
	// unscaled window, so Wireshark never sees a window-full condition.
	gap := max(cn.rtt/30, 12)
	t := cn.t
	nseg := (len(data) + mss - 1) / mss
	lastAck := t
	for i := 0; i < nseg; i++ {
		off := i * mss
		end := min(off+mss, len(data))
		flags := uint8(tcpACK)
		if end == len(data) {
			flags |= tcpPSH
		}
		segSeq := *seq + uint32(off)
		ts := t + int64(i)*gap
		// A few segments overtake their predecessor (different paths in a
		// port channel): swap the pair's timestamps.
		if i+1 < nseg && g.rng.IntN(1000) < g.reorderPerMille && !cn.inOrder {
			cn.segAt(ts+gap, fromClient, segSeq, ack, flags, nil, data[off:end])
			off2, end2 := end, min(end+mss, len(data))
			f2 := uint8(tcpACK)
			if end2 == len(data) {
				f2 |= tcpPSH
			}
			cn.segAt(ts, fromClient, *seq+uint32(off2), ack, f2, nil, data[off2:end2])
			i++
			end = end2
			ts += gap
		} else {
			cn.segAt(ts, fromClient, segSeq, ack, flags, nil, data[off:end])
		}
		// A few segments are lost beyond the capture point and sent again.
		if g.rng.IntN(1000) < g.retransPerMille {
			cn.segAt(ts+cn.rtt*3, fromClient, segSeq, ack, flags, nil, data[off:end])
			ts += cn.rtt * 3
			t += cn.rtt * 4 // the sender's window stalls until the repair
		}
		// The receiver acknowledges every second segment and the last one.
		if i%2 == 1 || end == len(data) {
			at := max(ts+cn.rtt, lastAck+1)
			cn.segAt(at, !fromClient, ack, *seq+uint32(end), tcpACK, nil, nil)
			lastAck = at
		}
	}
	*seq += uint32(len(data))
	cn.t = lastAck
}

// exchange is a request followed after think µs by a response.
func (cn *conn) exchange(req, resp []byte, think int64) {
	cn.send(true, req)
	cn.t += think
	cn.send(false, resp)
}

// close ends the connection with FIN from the client, FIN-ACK from the
// server and the client's last ACK.
func (cn *conn) close() {
	if cn.closed {
		return
	}
	cn.t += 200
	cn.seg(true, cn.cseq, cn.sseq, tcpFIN|tcpACK, nil, nil)
	cn.cseq++
	cn.t += cn.rtt / 2
	cn.seg(false, cn.sseq, cn.cseq, tcpFIN|tcpACK, nil, nil)
	cn.sseq++
	cn.t += cn.rtt / 2
	cn.seg(true, cn.cseq, cn.sseq, tcpACK, nil, nil)
	cn.closed = true
}

// ephemeral returns the host's next client port in its OS's range.
func (h *host) ephemeral(g *gen) uint16 {
	lo, n := uint16(49152), uint16(16384) // Windows and IANA
	if h.linuxPorts {
		lo, n = 32768, 28232
	}
	if h.nextPort == 0 {
		h.nextPort = uint16(g.rng.IntN(int(n)))
	}
	h.nextPort = (h.nextPort + 1 + uint16(g.rng.IntN(3))) % n
	return lo + h.nextPort
}

// be16 and be32 append big-endian integers; protocol builders use them.
func be16(b []byte, v uint16) []byte { return binary.BigEndian.AppendUint16(b, v) }
func be32(b []byte, v uint32) []byte { return binary.BigEndian.AppendUint32(b, v) }
func le16(b []byte, v uint16) []byte { return binary.LittleEndian.AppendUint16(b, v) }
func le32(b []byte, v uint32) []byte { return binary.LittleEndian.AppendUint32(b, v) }
func le64(b []byte, v uint64) []byte { return binary.LittleEndian.AppendUint64(b, v) }
