package decode

import (
	"net/netip"
	"time"
)

// fragKey identifies the datagram a fragment belongs to (RFC 791 and
// RFC 8200: source, destination, identification and protocol).
type fragKey struct {
	src, dst netip.Addr
	id       uint32
	proto    uint8
	v6       bool
}

const (
	fragUnit  = 8 // fragment offsets count 8-byte units
	fragUnits = (maxDatagram + fragUnit - 1) / fragUnit
	// datagramOverhead is charged against MaxFragmentBytes for every
	// pending datagram on top of its data, so that a flood of tiny
	// fragments cannot pin unbounded bookkeeping memory.
	datagramOverhead = fragUnits/8 + 256
	maxFree          = 16 // spare datagram structs kept for reuse
)

// datagram is one IP datagram being reassembled.
type datagram struct {
	key    fragKey
	first  time.Time // capture time of its first fragment, for the timeout
	buf    []byte    // payload so far, indexed by fragment offset
	have   [fragUnits / 8]byte
	units  int  // 8-byte units received
	total  int  // payload length once the last fragment is in, -1 before
	maxEnd int  // furthest byte any fragment reached
	frags  int  // fragments held, counted as dropped if the datagram goes
	bytes  int  // charged against the limit
	dead   bool // an IPv6 overlap condemned it: swallow the rest (RFC 5722)

	prev, next *datagram // arrival order, oldest first
}

// defragmenter reassembles IPv4 and IPv6 datagrams within a memory bound.
type defragmenter struct {
	max        int
	timeout    time.Duration
	stats      *DecodeStats
	pending    map[fragKey]*datagram
	head, tail *datagram
	free       []*datagram
	done       []byte // the last completed datagram, valid until the next Decode
	count      int
	bytes      int
}

func (f *defragmenter) init(max int, timeout time.Duration, stats *DecodeStats) {
	f.max, f.timeout, f.stats = max, timeout, stats
	f.pending = make(map[fragKey]*datagram)
}

// add files one fragment of len(data) bytes at byte offset off. It returns
// the whole payload when this fragment completes the datagram. Otherwise it
// returns false and marks p incomplete. cut says the capture lost the tail
// of the fragment, which makes it useless.
func (f *defragmenter) add(ts time.Time, key fragKey, off int, more bool, data []byte, cut bool, p *Packet) ([]byte, bool, error) {
	f.stats.Fragments++
	p.Fragment, p.Incomplete = true, true
	end := off + len(data)
	switch {
	case cut:
		f.stats.DroppedTruncated++
		return nil, false, nil
	case more && len(data)%fragUnit != 0:
		layer := "ipv4"
		if key.v6 {
			layer = "ipv6"
		}
		return nil, false, errf(layer, "fragment of %d bytes with more to follow is not a multiple of 8", len(data))
	}
	dg := f.pending[key]
	if end > maxDatagram {
		f.stats.DroppedOversize++
		if dg != nil {
			f.stats.DroppedOversize += uint64(dg.frags)
			f.release(dg)
		}
		return nil, false, nil
	}
	if dg == nil {
		dg = f.open(key, ts)
	}
	if dg.dead {
		f.stats.DroppedOverlap++
		return nil, false, nil
	}
	// A second, different end or data beyond the end means the sender
	// (or an evader) contradicts itself: drop the lot.
	lo, hi := off/fragUnit, (end+fragUnit-1)/fragUnit
	overlap := false
	for u := lo; u < hi; u++ {
		if dg.have[u/8]&(1<<(u%8)) != 0 {
			overlap = true
			break
		}
	}
	inconsistent := !more && (dg.total >= 0 && dg.total != end || dg.maxEnd > end) ||
		dg.total >= 0 && end > dg.total
	if inconsistent || overlap && key.v6 {
		f.stats.DroppedOverlap += uint64(dg.frags) + 1
		f.condemn(dg)
		return nil, false, nil
	}
	if grow := end - len(dg.buf); grow > 0 {
		if !f.reserve(dg, grow) {
			return nil, false, nil
		}
		dg.bytes += grow
		f.bytes += grow
		if cap(dg.buf) < end {
			nb := make([]byte, end, max(end, min(2*cap(dg.buf), maxDatagram)))
			copy(nb, dg.buf)
			dg.buf = nb
		}
		dg.buf = dg.buf[:end]
	}
	if !more {
		dg.total = end
	}
	dg.maxEnd = max(dg.maxEnd, end)
	dg.frags++
	// IPv4 overlaps keep the bytes that came first, unit by unit.
	for u := lo; u < hi; u++ {
		if dg.have[u/8]&(1<<(u%8)) != 0 {
			continue
		}
		dg.have[u/8] |= 1 << (u % 8)
		dg.units++
		s, e := u*fragUnit, min(u*fragUnit+fragUnit, end)
		copy(dg.buf[s:e], data[s-off:e-off])
	}
	if dg.total < 0 || dg.units != (dg.total+fragUnit-1)/fragUnit {
		return nil, false, nil
	}
	// Complete: hand the buffer out and give the datagram the previous
	// output buffer to reuse.
	f.stats.Reassembled++
	out := dg.buf[:dg.total]
	dg.buf, f.done = f.done[:0], dg.buf
	f.release(dg)
	p.Incomplete = false
	return out, true, nil
}

// open starts a datagram.
func (f *defragmenter) open(key fragKey, ts time.Time) *datagram {
	var dg *datagram
	if n := len(f.free); n > 0 {
		dg, f.free = f.free[n-1], f.free[:n-1]
	} else {
		dg = new(datagram)
	}
	dg.key, dg.first, dg.total, dg.bytes = key, ts, -1, datagramOverhead
	f.pending[key] = dg
	dg.prev, dg.next = f.tail, nil
	if f.tail != nil {
		f.tail.next = dg
	} else {
		f.head = dg
	}
	f.tail = dg
	f.count++
	f.bytes += dg.bytes
	return dg
}

// reserve evicts the oldest datagrams other than dg until grow more bytes
// fit under the limit. If they cannot, dg itself is dropped.
func (f *defragmenter) reserve(dg *datagram, grow int) bool {
	for f.bytes+grow > f.max {
		victim := f.head
		if victim == dg {
			victim = dg.next
		}
		if victim == nil {
			f.stats.DroppedEvicted += uint64(dg.frags) + 1
			f.release(dg)
			return false
		}
		f.stats.DroppedEvicted += uint64(victim.frags)
		f.release(victim)
	}
	return true
}

// condemn frees a datagram's data but keeps its entry until the timeout,
// so that its remaining fragments are dropped too.
func (f *defragmenter) condemn(dg *datagram) {
	f.bytes -= dg.bytes - datagramOverhead
	dg.bytes = datagramOverhead
	dg.buf = dg.buf[:0]
	dg.dead = true
	dg.frags = 0
}

// expire drops datagrams whose first fragment is older than the timeout.
func (f *defragmenter) expire(ts time.Time) {
	for f.head != nil && ts.Sub(f.head.first) > f.timeout {
		f.stats.DroppedTimeout += uint64(f.head.frags)
		f.release(f.head)
	}
}

// release forgets a datagram and keeps its struct and buffer for reuse.
func (f *defragmenter) release(dg *datagram) {
	delete(f.pending, dg.key)
	if dg.prev != nil {
		dg.prev.next = dg.next
	} else {
		f.head = dg.next
	}
	if dg.next != nil {
		dg.next.prev = dg.prev
	} else {
		f.tail = dg.prev
	}
	f.count--
	f.bytes -= dg.bytes
	if len(f.free) >= maxFree {
		return
	}
	buf := dg.buf[:0]
	*dg = datagram{buf: buf}
	f.free = append(f.free, dg)
}
