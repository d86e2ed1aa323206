//go:build linux

package live

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/cordonsec/cordon/capture"
	"github.com/cordonsec/cordon/simulate"
)

// The ring is read from memory here: memRing lays a capture's frames out
// in TPACKET_V3 blocks byte for byte as the kernel does (linux
// net/packet/af_packet.c), so that Next and read run exactly as on a
// live socket, without privileges and without the kernel's share of the
// cost.
const (
	blkHdrLen = 48 // BLK_HDR_LEN: tpacket_block_desc, 8-byte aligned
	// tp_mac of an Ethernet frame: TPACKET_ALIGN(TPACKET3_HDRLEN (68) +
	// max(maclen 14, 16)) - maclen.
	memMac = 82
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
// header, as the kernel does before a packet reaches the ring.
func memRing(frames []ringFrame, bsize int) ([]byte, int, error) {
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
		size := (memMac + len(data) + 7) &^ 7 // TOTAL_PKT_LEN_INCL_ALIGN
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
		ne.PutUint16(h[pktMac:], memMac)
		ne.PutUint16(h[26:], memMac+14) // tp_net
		ne.PutUint32(h[pktVlanTCI:], uint32(tci))
		ne.PutUint16(h[pktVlanTP:], tpid)
		copy(h[memMac:], data)
		prev, off = off, off+size
		npkts++
	}
	closeBlock()
	return ring, block + 1, nil
}

// memHandle is a Handle over an in-memory ring. It has no socket: a Next
// that found no block to read would poll fd -1, so callers read exactly
// the packets the ring holds, then call rewind.
func memHandle(ring []byte, bsize, nblocks int) *Handle {
	return &Handle{iface: "memory", fd: -1, wake: -1, ring: ring, bsize: bsize, nblocks: nblocks, timeout: time.Millisecond}
}

// rewind hands every block back to user space, as if the kernel had
// filled the ring again, and starts reading at the first.
func (h *Handle) rewind() {
	for i := range h.nblocks {
		atomic.StoreUint32(h.status(i), unix.TP_STATUS_USER)
	}
	h.block, h.inBlock, h.left, h.next = 0, false, 0, 0
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

// TestMemRing reads a simulated capture back through Next from blocks
// laid out as the kernel lays them, small blocks so that it crosses many,
// and requires every packet as it was on the wire: same bytes (802.1Q
// tags put back), length, time, in order, and every block read handed
// back to the kernel.
func TestMemRing(t *testing.T) {
	frames, err := simulatedFrames(simulate.Config{Seed: 9, Devices: 40, Duration: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	const bsize = 64 << 10
	ring, nblocks, err := memRing(frames, bsize)
	if err != nil {
		t.Fatal(err)
	}
	if nblocks < 10 {
		t.Fatalf("only %d blocks: the test would not cross blocks", nblocks)
	}
	h := memHandle(ring, bsize, nblocks)
	tagged := 0
	for pass := range 2 {
		h.rewind()
		var p capture.Packet
		for i, f := range frames {
			if err := h.Next(&p); err != nil {
				t.Fatalf("pass %d, packet %d: %v", pass, i, err)
			}
			if !bytes.Equal(p.Data, f.data) || p.OrigLen != f.orig || !p.Time.Equal(f.time) || p.Link != capture.LinkEthernet {
				t.Fatalf("pass %d, packet %d: got %d bytes (orig %d) at %v, want %d (orig %d) at %v",
					pass, i, len(p.Data), p.OrigLen, p.Time, len(f.data), f.orig, f.time)
			}
			if pass == 0 && binary.BigEndian.Uint16(f.data[12:]) == 0x8100 {
				tagged++
			}
		}
		for b := range nblocks - 1 { // the last block is still being read
			if st := atomic.LoadUint32(h.status(b)); st != unix.TP_STATUS_KERNEL {
				t.Fatalf("pass %d: block %d of %d not handed back (status %#x)", pass, b, nblocks, st)
			}
		}
	}
	if tagged == 0 {
		t.Error("no 802.1Q frame in the capture: the tag restoring path went untested")
	}
}

// benchRing is the ring BenchmarkRing reads: $CORDON_BENCH_PCAP, or the
// simulated hospital TestLiveRate (cmd/cordon) replays into a veth pair,
// in 1 MiB blocks as live.Open makes them.
var benchRing = sync.OnceValues(func() ([]byte, error) {
	var (
		frames []ringFrame
		err    error
	)
	if path := os.Getenv("CORDON_BENCH_PCAP"); path != "" {
		f, oerr := capture.Open(path)
		if oerr != nil {
			return nil, oerr
		}
		defer f.Close()
		frames, err = readFrames(f)
	} else {
		frames, err = simulatedFrames(simulate.Config{Seed: 7, Devices: 300, Duration: time.Hour, Bulk: 4})
	}
	if err != nil {
		return nil, err
	}
	ring, _, err := memRing(frames, benchBlock)
	return ring, err
})

const benchBlock = 1 << 20

// BenchmarkRing measures what Next costs a packet on a live socket once
// the kernel has filled a block: finding the block, walking its packet
// headers, putting 802.1Q tags back and handing each block back.
// "capture" reads the whole capture laid out in blocks, mostly from
// memory the CPU caches do not hold; "ring32" reads the first 32 blocks
// (the ring live.Open maps) again and again, closer to a ring the kernel
// has just written.
//
//	go test ./capture/live -run '^$' -bench Ring -benchmem
func BenchmarkRing(b *testing.B) {
	ring, err := benchRing()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("capture", func(b *testing.B) { benchBlocks(b, ring) })
	b.Run("ring32", func(b *testing.B) { benchBlocks(b, ring[:min(len(ring), 32*benchBlock)]) })
}

// benchBlocks reads every packet of ring per iteration.
func benchBlocks(b *testing.B, ring []byte) {
	nblocks := len(ring) / benchBlock
	h := memHandle(ring, benchBlock, nblocks)
	var packets, bits uint64
	for i := range nblocks {
		packets += uint64(binary.NativeEndian.Uint32(ring[i*benchBlock+blkNumPkts:]))
	}
	b.ReportAllocs()
	var p capture.Packet
	for b.Loop() {
		h.rewind()
		bits = 0
		for range packets {
			if err := h.Next(&p); err != nil {
				b.Fatal(err)
			}
			bits += uint64(p.OrigLen) * 8
		}
	}
	secs := b.Elapsed().Seconds()
	b.ReportMetric(float64(packets)*float64(b.N)/secs, "packets/s")
	b.ReportMetric(float64(bits)*float64(b.N)/secs, "bits/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(packets)/float64(b.N), "ns/packet")
}

// FuzzRing lays arbitrary frames out in small blocks and requires Next to
// give each back as it was: whatever the frame holds (a tag, half a tag,
// no Ethernet header at all), reading the ring never panics and never
// alters a packet.
func FuzzRing(f *testing.F) {
	tagged := []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x81, 0x00, 0x20, 0x0a, 0x08, 0x00, 0x45}
	f.Add(tagged, []byte{0, 3, 200, 1})
	f.Add([]byte{0x88, 0xa8}, []byte{255, 255, 0})
	f.Fuzz(func(t *testing.T, data, sizes []byte) {
		if len(data) == 0 || len(sizes) > 1000 {
			return
		}
		t0 := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
		frames := make([]ringFrame, len(sizes))
		for i, s := range sizes {
			frame := make([]byte, 14+int(s)*8)
			for j := range frame {
				frame[j] = data[(i+j)%len(data)]
			}
			frames[i] = ringFrame{time: t0.Add(time.Duration(i) * time.Microsecond), data: frame, orig: len(frame) + i%3}
		}
		const bsize = 4096
		ring, nblocks, err := memRing(frames, bsize)
		if err != nil {
			t.Fatal(err)
		}
		if len(frames) == 0 {
			return
		}
		h := memHandle(ring, bsize, nblocks)
		h.rewind()
		var p capture.Packet
		for i, fr := range frames {
			if err := h.Next(&p); err != nil {
				t.Fatalf("packet %d: %v", i, err)
			}
			if !bytes.Equal(p.Data, fr.data) || p.OrigLen != fr.orig || !p.Time.Equal(fr.time) {
				t.Fatalf("packet %d: got % x (orig %d), want % x (orig %d)", i, p.Data, p.OrigLen, fr.data, fr.orig)
			}
		}
	})
}
