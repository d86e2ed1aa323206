//go:build linux

package live

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/cordonsec/cordon/capture"
	"github.com/cordonsec/cordon/simulate"
)

// The ring is read from memory here: memRing lays a capture's frames out
// in TPACKET_V3 blocks byte for byte as the kernel does (linux
// net/packet/af_packet.c), so that Next and read run exactly as on a
// live socket, without privileges and without the kernel's share of the
// cost.
//
// tp_mac of an Ethernet frame is TPACKET_ALIGN(TPACKET3_HDRLEN (68) +
// max(maclen 14, 16)) + tp_reserve - maclen: 86 with the 4-byte reserve
// Open asks for, 82 without. A longer link header leaves less room before
// tp_mac (68 to 70 for a maclen of 26 to 28 without the reserve), so that
// read must copy to put a tag back.
const (
	memMac        = 86
	memMacNoRoom  = 70 // 2 bytes before tp_mac: too few for a tag
	memMacNoSpare = pktHdrLen
)

// ringFrame is one packet as it was on the wire.
type ringFrame struct {
	time time.Time
	data []byte
	orig int
}

// memRing returns the frames laid out in blocks of bsize bytes, every block
// handed to user space (TP_STATUS_USER), and the number of blocks.
// 802.1Q and 802.1ad tags are taken out of the frame into the packet
// header, as the kernel does before a packet reaches the ring. Each frame
// starts mac bytes after its packet header.
func memRing(frames []ringFrame, bsize, mac int) ([]byte, int, error) {
	if mac < pktHdrLen || mac > 0xffff-14 {
		return nil, 0, fmt.Errorf("tp_mac %d is not a kernel's", mac)
	}
	ne := binary.NativeEndian
	var ring []byte
	block, off, prev, npkts := -1, 0, 0, uint32(0)
	closeBlock := func() {
		if block < 0 {
			return
		}
		b := ring[block*bsize:]
		ne.PutUint32(b[blkStatus:], unix.TP_STATUS_USER)
		ne.PutUint32(b[blkNumPkts:], npkts)
		ne.PutUint32(b[blkFirstPkt:], blkHdrLen)
		ne.PutUint32(b[20:], uint32(off)) // blk_len
		ne.PutUint32(ring[block*bsize+prev+pktNext:], 0)
	}
	for _, f := range frames {
		data, orig, status := f.data, f.orig, uint32(unix.TP_STATUS_USER)
		var tci, tpid uint16
		if len(data) >= 18 {
			if t := binary.BigEndian.Uint16(data[12:]); t == 0x8100 || t == 0x88a8 {
				tpid, tci = t, binary.BigEndian.Uint16(data[14:])
				data = append(append([]byte{}, data[:12]...), data[16:]...)
				orig -= 4
				status |= unix.TP_STATUS_VLAN_VALID | unix.TP_STATUS_VLAN_TPID_VALID
			}
		}
		size := (mac + len(data) + 7) &^ 7 // TOTAL_PKT_LEN_INCL_ALIGN
		if blkHdrLen+size >= bsize {
			return nil, 0, fmt.Errorf("a %d-byte frame does not fit a %d-byte block", len(f.data), bsize)
		}
		if block < 0 || off+size >= bsize {
			closeBlock()
			block++
			ring = append(ring, make([]byte, bsize)...)
			off, prev, npkts = blkHdrLen, blkHdrLen, 0
		}
		h := ring[block*bsize+off:]
		ne.PutUint32(h[pktNext:], uint32(size))
		ne.PutUint32(h[pktSec:], uint32(f.time.Unix()))
		ne.PutUint32(h[pktNsec:], uint32(f.time.Nanosecond()))
		ne.PutUint32(h[pktSnaplen:], uint32(len(data)))
		ne.PutUint32(h[pktLen:], uint32(orig))
		ne.PutUint32(h[pktStatus:], status)
		ne.PutUint16(h[pktMac:], uint16(mac))
		ne.PutUint16(h[26:], uint16(mac+14)) // tp_net
		ne.PutUint32(h[pktVlanTCI:], uint32(tci))
		ne.PutUint16(h[pktVlanTP:], tpid)
		copy(h[mac:], data)
		prev, off = off, off+size
		npkts++
	}
	closeBlock()
	return ring, block + 1, nil
}

// memHandle is a Handle over an in-memory ring. It has no socket: a Next
// that found no block to read would poll fd -1, so callers read exactly
// the packets the ring holds, then call rewind.
type memHandle struct {
	*Handle
	// windows are the offsets of the bytes read may rewrite to put a tag
	// back in place: tagWindow bytes from tp_mac-4 of each tagged frame with
	// the room; kernel holds them as the kernel wrote them.
	windows []int
	kernel  []byte
}

const tagWindow = vlanTagLen + macAddrs

func newMemHandle(ring []byte, bsize, nblocks int) *memHandle {
	h := &memHandle{Handle: &Handle{iface: "memory", fd: -1, wake: -1, ring: ring, bsize: bsize, nblocks: nblocks, timeout: time.Millisecond}}
	ne := binary.NativeEndian
	for b := range nblocks {
		off := b*bsize + int(ne.Uint32(ring[b*bsize+blkFirstPkt:]))
		for range ne.Uint32(ring[b*bsize+blkNumPkts:]) {
			mac := int(ne.Uint16(ring[off+pktMac:]))
			tagged := ne.Uint32(ring[off+pktStatus:])&unix.TP_STATUS_VLAN_VALID != 0
			if w := off + mac - vlanTagLen; tagged && ne.Uint32(ring[off+pktSnaplen:]) >= macAddrs && mac-vlanTagLen >= pktHdrLen {
				h.windows = append(h.windows, w)
				h.kernel = append(h.kernel, ring[w:w+tagWindow]...)
			}
			off += int(ne.Uint32(ring[off+pktNext:]))
		}
	}
	return h
}

// rewind puts the ring back as the kernel wrote it, as the kernel writes
// every frame afresh before it hands a block over again, hands every block
// back to user space and starts reading at the first.
func (h *memHandle) rewind() {
	for i, w := range h.windows {
		copy(h.ring[w:w+tagWindow], h.kernel[i*tagWindow:])
	}
	for i := range h.nblocks {
		atomic.StoreUint32(h.status(i), unix.TP_STATUS_USER)
	}
	h.block, h.inBlock, h.left, h.next = 0, false, 0, 0
}

// changedOutside returns the offset of the first byte of the ring that
// differs from kernel outside the tag windows and the blocks' status
// words, which reading hands back, or -1.
func (h *memHandle) changedOutside(kernel []byte) int {
	ring := bytes.Clone(h.ring)
	for b := range h.nblocks {
		copy(ring[b*h.bsize+blkStatus:][:4], kernel[b*h.bsize+blkStatus:])
	}
	start := 0
	for _, w := range append(h.windows, len(kernel)) {
		if i := firstDiff(ring[start:w], kernel[start:w]); i >= 0 {
			return start + i
		}
		start = min(w+tagWindow, len(kernel))
	}
	return -1
}

func firstDiff(a, b []byte) int {
	if bytes.Equal(a, b) {
		return -1
	}
	for i := range a {
		if a[i] != b[i] {
			return i
		}
	}
	return len(a)
}

// inRing reports whether data lies in ring, not in a copy.
func inRing(ring, data []byte) bool {
	if len(data) == 0 || len(ring) == 0 {
		return false
	}
	p, lo := uintptr(unsafe.Pointer(&data[0])), uintptr(unsafe.Pointer(&ring[0]))
	return p >= lo && p < lo+uintptr(len(ring))
}

// readFrames reads a capture into memory.
func readFrames(r capture.Reader) ([]ringFrame, error) {
	var (
		frames []ringFrame
		p      capture.Packet
	)
	for {
		err := r.Next(&p)
		if err == io.EOF {
			return frames, nil
		}
		if err != nil {
			return nil, err
		}
		frames = append(frames, ringFrame{time: p.Time, data: bytes.Clone(p.Data), orig: p.OrigLen})
	}
}

// simulatedFrames generates a simulated hospital into memory.
func simulatedFrames(cfg simulate.Config) ([]ringFrame, error) {
	var buf bytes.Buffer
	if _, err := simulate.Generate(cfg, &buf); err != nil {
		return nil, err
	}
	r, err := capture.NewReader(&buf, "simulated")
	if err != nil {
		return nil, err
	}
	return readFrames(r)
}
