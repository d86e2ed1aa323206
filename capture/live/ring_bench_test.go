//go:build linux

package live

import (
	"bytes"
	"encoding/binary"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/cordonsec/cordon/capture"
	"github.com/cordonsec/cordon/simulate"
)

// TestMemRing reads a simulated capture back through Next from blocks
// laid out as the kernel lays them, small blocks so that it crosses many,
// and requires every packet as it was on the wire: same bytes (802.1Q
// tags put back), length, time, in order, and every block read handed
// back to the kernel. Tags go back in place when the frame has the room
// before it, by a copy when it has not; either way reading writes nothing
// in the ring but the room and the addresses of tagged frames.
func TestMemRing(t *testing.T) {
	frames, err := simulatedFrames(simulate.Config{Seed: 9, Devices: 40, Duration: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		mac     int
		inPlace bool
	}{
		{"Reserve", memMac, true},
		{"NoReserve", memMac - vlanTagLen, true},
		{"JustRoom", pktHdrLen + vlanTagLen, true},
		{"NoRoom", memMacNoRoom, false},
		{"NoSpare", memMacNoSpare, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const bsize = 64 << 10
			ring, nblocks, err := memRing(frames, bsize, tc.mac)
			if err != nil {
				t.Fatal(err)
			}
			if nblocks < 10 {
				t.Fatalf("only %d blocks: the test would not cross blocks", nblocks)
			}
			kernel := bytes.Clone(ring)
			h := newMemHandle(ring, bsize, nblocks)
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
					isTagged := binary.BigEndian.Uint16(f.data[12:]) == 0x8100
					if isTagged && pass == 0 {
						tagged++
					}
					// Data stays in the ring unless the tag needed a copy,
					// and ends with the frame so that appending to it
					// cannot write over the next one.
					if want := !isTagged || tc.inPlace; inRing(h.ring, p.Data) != want {
						t.Fatalf("pass %d, packet %d: data in the ring %v, want %v", pass, i, !want, want)
					}
					if inRing(h.ring, p.Data) && cap(p.Data) != len(p.Data) {
						t.Fatalf("pass %d, packet %d: capacity %d past the frame's %d bytes", pass, i, cap(p.Data), len(p.Data))
					}
				}
				for b := range nblocks - 1 { // the last block is still being read
					if st := atomic.LoadUint32(h.status(b)); st != unix.TP_STATUS_KERNEL {
						t.Fatalf("pass %d: block %d of %d not handed back (status %#x)", pass, b, nblocks, st)
					}
				}
				if off := h.changedOutside(kernel); off >= 0 {
					t.Fatalf("pass %d: reading changed the ring at offset %d (block %d), outside any tag's room", pass, off, off/bsize)
				}
			}
			if tagged == 0 {
				t.Error("no 802.1Q frame in the capture: the tag restoring path went untested")
			}
			if tc.inPlace != (len(h.windows) > 0) {
				t.Errorf("%d frames with room for their tag, in place %v", len(h.windows), tc.inPlace)
			}
		})
	}
}

// TestMemRingCorrupt requires a packet header that points outside its
// block to be refused, not followed: Next says so, skips the rest of the
// block and goes on with the next one.
func TestMemRingCorrupt(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	tagged := []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x81, 0x00, 0x20, 0x0a, 0x08, 0x00, 0x45, 0}
	var frames []ringFrame
	for i := range 60 { // 3 blocks of 4096 bytes
		frames = append(frames, ringFrame{time: t0.Add(time.Duration(i) * time.Millisecond), data: make([]byte, 180), orig: 180})
		copy(frames[i].data, tagged)
		frames[i].data[19] = byte(i)
	}
	ne := binary.NativeEndian
	for _, tc := range []struct {
		name  string
		field int
		value uint32
	}{
		{"MacPastBlock", pktMac, 0xfff0},
		{"MacIntoHeader", pktMac, pktHdrLen - 1},
		{"SnapPastBlock", pktSnaplen, 4000},
		{"NextPastBlock", pktNext, 8000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const bsize = 4096
			ring, nblocks, err := memRing(frames, bsize, memMac)
			if err != nil {
				t.Fatal(err)
			}
			if nblocks < 3 {
				t.Fatalf("%d blocks, want 3 or more", nblocks)
			}
			h := newMemHandle(ring, bsize, nblocks) // the tag windows of the sound ring
			// The second packet of block 1 goes wrong.
			first := bsize + int(ne.Uint32(ring[bsize+blkFirstPkt:]))
			bad := first + int(ne.Uint32(ring[first+pktNext:]))
			if tc.field == pktMac {
				ne.PutUint16(ring[bad+pktMac:], uint16(tc.value))
			} else {
				ne.PutUint32(ring[bad+tc.field:], tc.value)
			}
			inBlock0 := int(ne.Uint32(ring[blkNumPkts:]))
			inBlock1 := int(ne.Uint32(ring[bsize+blkNumPkts:]))
			kernel := bytes.Clone(ring)
			h.rewind()
			var p capture.Packet
			// NextPastBlock spoils the packet after the bad one.
			good := inBlock0 + 2
			if tc.field == pktNext {
				good++
			}
			for i := range good - 1 {
				if err := h.Next(&p); err != nil {
					t.Fatalf("packet %d: %v", i, err)
				}
				if !bytes.Equal(p.Data, frames[i].data) {
					t.Fatalf("packet %d: got % x", i, p.Data)
				}
			}
			err = h.Next(&p)
			if err == nil || !strings.Contains(err.Error(), "corrupt ring block 1") {
				t.Fatalf("corrupt header: got %v, want an error naming block 1", err)
			}
			if err := h.Next(&p); err != nil || !bytes.Equal(p.Data, frames[inBlock0+inBlock1].data) {
				t.Fatalf("after the corrupt block: got %v, % x, want the first packet of block 2", err, p.Data)
			}
			if st := atomic.LoadUint32(h.status(1)); st != unix.TP_STATUS_KERNEL {
				t.Errorf("corrupt block not handed back (status %#x)", st)
			}
			if off := h.changedOutside(kernel); off >= 0 {
				t.Errorf("reading changed the ring at offset %d, outside any tag's room", off)
			}
		})
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
	ring, _, err := memRing(frames, benchBlock, memMac)
	return ring, err
})

const benchBlock = 1 << 20

// BenchmarkRing measures what Next costs a packet on a live socket once
// the kernel has filled a block: finding the block, walking its packet
// headers, putting 802.1Q tags back and handing each block back.
// "capture" reads the whole capture laid out in blocks, mostly from
// memory the CPU caches do not hold; "ring32" reads the first 32 blocks
// (the ring live.Open maps) again and again, closer to a ring the kernel
// has just written. Between iterations, with the timer stopped, rewind
// rewrites the bytes each tag took back in place, as the kernel would
// write the frames afresh.
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
	h := newMemHandle(ring, benchBlock, nblocks)
	var packets, bits uint64
	for i := range nblocks {
		packets += uint64(binary.NativeEndian.Uint32(ring[i*benchBlock+blkNumPkts:]))
	}
	b.ReportAllocs()
	var p capture.Packet
	for b.Loop() {
		b.StopTimer()
		h.rewind()
		b.StartTimer()
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
// no Ethernet header at all) and whatever room the kernel left before it,
// reading the ring never panics, never alters a packet and writes nothing
// in the ring but the room and addresses of tagged frames.
func FuzzRing(f *testing.F) {
	tagged := []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x81, 0x00, 0x20, 0x0a, 0x08, 0x00, 0x45}
	f.Add(tagged, []byte{0, 3, 200, 1}, uint8(memMac-pktHdrLen))
	f.Add(tagged, []byte{1, 1, 2}, uint8(memMacNoRoom-pktHdrLen))
	f.Add([]byte{0x88, 0xa8}, []byte{255, 255, 0}, uint8(0))
	f.Fuzz(func(t *testing.T, data, sizes []byte, room uint8) {
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
		ring, nblocks, err := memRing(frames, bsize, pktHdrLen+int(room%32))
		if err != nil {
			t.Fatal(err)
		}
		if len(frames) == 0 {
			return
		}
		kernel := bytes.Clone(ring)
		h := newMemHandle(ring, bsize, nblocks)
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
		if off := h.changedOutside(kernel); off >= 0 {
			t.Fatalf("reading changed the ring at offset %d, outside any tag's room", off)
		}
	})
}
