//go:build linux

package live

import (
	"encoding/binary"
	"fmt"
	"time"

	"golang.org/x/sys/unix"

	"github.com/cordonsec/cordon/capture"
)

// read takes the packet at h.next. It never reads or writes outside the
// current block, whatever the packet header says.
func (h *Handle) read(p *capture.Packet) error {
	end := (h.block + 1) * h.bsize
	if h.next+pktHdrLen > end {
		return h.corrupt("a packet header past the end of the block")
	}
	r := h.ring[h.next:end:end]
	ne := binary.NativeEndian
	mac := int(ne.Uint16(r[pktMac:]))
	snap := int(ne.Uint32(r[pktSnaplen:]))
	if mac < pktHdrLen || snap > len(r)-mac {
		return h.corrupt(fmt.Sprintf("tp_mac %d and tp_snaplen %d outside the block", mac, snap))
	}
	// The capacity ends with the frame, so that a caller appending to
	// Data cannot write over the next frame.
	data := r[mac : mac+snap : mac+snap]
	orig := int(ne.Uint32(r[pktLen:]))
	if st := ne.Uint32(r[pktStatus:]); st&unix.TP_STATUS_VLAN_VALID != 0 && snap >= macAddrs {
		// The kernel took the 802.1Q tag out of the frame; put it back so
		// the packet reads as it did on the wire.
		tpid := uint16(0x8100)
		if st&unix.TP_STATUS_VLAN_TPID_VALID != 0 {
			tpid = ne.Uint16(r[pktVlanTP:])
		}
		tci := uint16(ne.Uint32(r[pktVlanTCI:]))
		if mac-vlanTagLen >= pktHdrLen {
			// In place, as libpcap does: the addresses move 4 bytes back
			// into the padding before tp_mac and the tag goes after them,
			// so the payload is not copied. Only this frame's own padding
			// changes: the header and sockaddr_ll before it, the previous
			// packet's Data and the next frame stay as they were.
			// Both loads come before the stores, which overlap them.
			addrs := r[mac-vlanTagLen : mac+macAddrs : mac+macAddrs]
			lo, hi := ne.Uint64(addrs[vlanTagLen:]), ne.Uint32(addrs[vlanTagLen+8:])
			ne.PutUint64(addrs, lo)
			ne.PutUint32(addrs[8:], hi)
			binary.BigEndian.PutUint32(addrs[macAddrs:], uint32(tpid)<<16|uint32(tci))
			mac -= vlanTagLen
			data = r[mac : mac+vlanTagLen+snap : mac+vlanTagLen+snap]
		} else {
			// No room before the frame (a link header longer than
			// Ethernet's can leave less than 4 bytes): copy it.
			b := append(h.vlanBuf[:0], data[:macAddrs]...)
			b = binary.BigEndian.AppendUint16(b, tpid)
			b = binary.BigEndian.AppendUint16(b, tci)
			h.vlanBuf = append(b, data[macAddrs:]...)
			data = h.vlanBuf
		}
		orig += vlanTagLen
	}
	p.Time = time.Unix(int64(ne.Uint32(r[pktSec:])), int64(ne.Uint32(r[pktNsec:])))
	p.Link = capture.LinkEthernet
	p.Data = data
	p.OrigLen = orig
	p.Interface, p.Offset = 0, 0
	h.left--
	h.next += int(ne.Uint32(r[pktNext:]))
	return nil
}

// corrupt gives up on the rest of the current block, whose packet headers
// cannot be trusted, so that the next call to Next goes on with the next
// block.
func (h *Handle) corrupt(what string) error {
	h.left = 0
	return fmt.Errorf("live: %s: %w %d: %s; its remaining packets are skipped", h.iface, ErrCorruptBlock, h.block, what)
}
