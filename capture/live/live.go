//go:build linux

// Package live captures packets from a network interface with Linux
// AF_PACKET sockets in pure Go: a TPACKET_V3 memory-mapped ring that the
// kernel fills in blocks, so that reading a packet costs no system call and
// no copy. It is passive: the socket has no transmit ring and nothing here
// ever sends.
//
// A filter (package bpf) runs in the kernel before packets reach the ring.
// The kernel counts the packets it could not place in a full ring; Stats
// reports them, because a sensor that silently loses packets under a burst
// would miss the devices it exists to find.
package live

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/cordonsec/cordon/capture"
	"github.com/cordonsec/cordon/capture/bpf"
)

// Options configures a capture. Zero values take the defaults.
type Options struct {
	// Filter is a bpf expression or `tcpdump -ddd` program; empty keeps all.
	Filter string
	// SnapLen bounds the bytes kept of each packet (default 262144).
	SnapLen int
	// BlockSize is the size of one ring block, a multiple of the page size
	// (default 1 MiB); BlockCount blocks make the ring (default 32).
	BlockSize, BlockCount int
	// Promisc puts the interface in promiscuous mode while the capture is
	// open, as a SPAN or TAP port needs.
	Promisc bool
	// Timeout is how long Next waits for a packet before returning
	// ErrTimeout, so that the caller can do periodic work (default 1 s).
	Timeout time.Duration
}

// Errors callers act on.
var (
	ErrNoInterface = errors.New("no such network interface")
	ErrPermission  = errors.New("capturing needs root or the CAP_NET_RAW capability")
	ErrTimeout     = errors.New("no packet within the timeout")
	// ErrCorruptBlock is a ring block whose packet headers point outside
	// it; its remaining packets are skipped and the next Next goes on.
	ErrCorruptBlock = errors.New("corrupt ring block")
)

// Stats counts what the kernel delivered and dropped since Open.
type Stats struct {
	Packets uint64 // packets that passed the filter, including dropped ones
	Drops   uint64 // packets lost because the ring was full
	Freezes uint64 // times the ring froze because every block was full
}

// Handle is an open capture. Next and Stats may be called from one
// goroutine; Close may be called from any goroutine to end a Next.
type Handle struct {
	iface   string
	fd      int
	wake    int // eventfd that Close writes to interrupt poll
	ring    []byte
	bsize   int
	nblocks int
	timeout time.Duration

	block   int    // current block
	inBlock bool   // the current block is ours (status TP_STATUS_USER)
	left    uint32 // packets left in the current block
	next    int    // offset of the next packet in the current block
	vlanBuf []byte // a tagged packet whose frame had no room to take its tag back in place

	mu      sync.Mutex  // held by Next and Close
	closing atomic.Bool // Close has begun: Next returns
	closed  atomic.Bool // the ring and socket are gone
	stats   Stats
}

// Open starts capturing on iface.
func Open(iface string, opt Options) (*Handle, error) {
	if opt.SnapLen <= 0 {
		opt.SnapLen = bpf.DefaultSnapLen
	}
	if opt.BlockSize <= 0 {
		opt.BlockSize = 1 << 20
	}
	if opt.BlockCount <= 0 {
		opt.BlockCount = 32
	}
	if opt.Timeout <= 0 {
		opt.Timeout = time.Second
	}
	if page := os.Getpagesize(); opt.BlockSize%page != 0 {
		return nil, fmt.Errorf("live: block size %d is not a multiple of the page size %d", opt.BlockSize, page)
	}
	if opt.SnapLen+frameOverhead > opt.BlockSize {
		return nil, fmt.Errorf("live: snap length %d does not fit a %d-byte block", opt.SnapLen, opt.BlockSize)
	}
	prog, err := bpf.Parse(opt.Filter, uint32(opt.SnapLen))
	if err != nil {
		return nil, err
	}
	if prog == nil {
		// No filter: one instruction that keeps SnapLen bytes of everything.
		prog = []bpf.Instruction{{Op: 0x06, K: uint32(opt.SnapLen)}}
	}
	ifi, err := net.InterfaceByName(iface)
	if err != nil {
		return nil, fmt.Errorf("live: %s: %w (see `ip link` for the interfaces)", iface, ErrNoInterface)
	}
	if err := checkEthernet(iface); err != nil {
		return nil, err
	}
	// Protocol 0: no packet is queued until bind, after the filter and the
	// ring are in place, so nothing unfiltered slips in.
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
			return nil, fmt.Errorf("live: %s: %w", iface, ErrPermission)
		}
		return nil, fmt.Errorf("live: %s: packet socket: %w", iface, err)
	}
	h := &Handle{iface: iface, fd: fd, wake: -1, bsize: opt.BlockSize, nblocks: opt.BlockCount, timeout: opt.Timeout}
	if err := h.setup(ifi.Index, prog, opt); err != nil {
		h.release()
		return nil, fmt.Errorf("live: %s: %w", iface, err)
	}
	return h, nil
}

// checkEthernet refuses links whose frames do not start with an Ethernet
// header: the decoder and the filter compiler assume one.
func checkEthernet(iface string) error {
	b, err := os.ReadFile("/sys/class/net/" + iface + "/type")
	if err != nil {
		return nil // no sysfs: let the capture try
	}
	switch t, _ := strconv.Atoi(strings.TrimSpace(string(b))); t {
	case unix.ARPHRD_ETHER, unix.ARPHRD_LOOPBACK:
		return nil
	default:
		return fmt.Errorf("live: %s has link type ARPHRD %d; only Ethernet interfaces are supported", iface, t)
	}
}

func (h *Handle) setup(ifindex int, prog []bpf.Instruction, opt Options) error {
	if err := unix.SetsockoptInt(h.fd, unix.SOL_PACKET, unix.PACKET_VERSION, unix.TPACKET_V3); err != nil {
		return fmt.Errorf("TPACKET_V3 not supported: %w", err)
	}
	// Room for 4 more bytes before each frame, as libpcap asks, so that
	// read puts 802.1Q tags back in place. A kernel that refused would only
	// make read copy tagged frames, so the error is not fatal.
	_ = unix.SetsockoptInt(h.fd, unix.SOL_PACKET, unix.PACKET_RESERVE, vlanTagLen)
	filter := make([]unix.SockFilter, len(prog))
	for i, in := range prog {
		filter[i] = unix.SockFilter{Code: in.Op, Jt: in.Jt, Jf: in.Jf, K: in.K}
	}
	fprog := unix.SockFprog{Len: uint16(len(filter)), Filter: &filter[0]}
	if err := unix.SetsockoptSockFprog(h.fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &fprog); err != nil {
		return fmt.Errorf("the kernel refused the filter: %w", err)
	}
	req := unix.TpacketReq3{
		Block_size:     uint32(opt.BlockSize),
		Block_nr:       uint32(opt.BlockCount),
		Frame_size:     2048,
		Frame_nr:       uint32(opt.BlockSize / 2048 * opt.BlockCount),
		Retire_blk_tov: 50, // ms: a block half full is handed over after this
	}
	if err := unix.SetsockoptTpacketReq3(h.fd, unix.SOL_PACKET, unix.PACKET_RX_RING, &req); err != nil {
		return fmt.Errorf("cannot set up a %d-byte capture ring: %w", opt.BlockSize*opt.BlockCount, err)
	}
	ring, err := unix.Mmap(h.fd, 0, opt.BlockSize*opt.BlockCount, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_LOCKED)
	if err != nil {
		// MAP_LOCKED fails beyond RLIMIT_MEMLOCK; an unlocked ring still works.
		ring, err = unix.Mmap(h.fd, 0, opt.BlockSize*opt.BlockCount, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
		if err != nil {
			return fmt.Errorf("cannot map the capture ring: %w", err)
		}
	}
	h.ring = ring
	if opt.Promisc {
		mreq := unix.PacketMreq{Ifindex: int32(ifindex), Type: unix.PACKET_MR_PROMISC}
		if err := unix.SetsockoptPacketMreq(h.fd, unix.SOL_PACKET, unix.PACKET_ADD_MEMBERSHIP, &mreq); err != nil {
			return fmt.Errorf("cannot enter promiscuous mode: %w", err)
		}
	}
	if h.wake, err = unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK); err != nil {
		return fmt.Errorf("eventfd: %w", err)
	}
	sa := &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: ifindex}
	if err := unix.Bind(h.fd, sa); err != nil {
		return fmt.Errorf("bind: %w", err)
	}
	return nil
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// Link is the link type of the packets: Ethernet.
func (h *Handle) Link() capture.LinkType { return capture.LinkEthernet }

// Block descriptor and packet header offsets (linux/if_packet.h).
const (
	blkHdrLen   = 48 // BLK_HDR_LEN: tpacket_block_desc, 8-byte aligned
	blkStatus   = 8  // tpacket_block_desc.hdr.bh1.block_status
	blkNumPkts  = 12 // .num_pkts
	blkFirstPkt = 16 // .offset_to_first_pkt

	pktNext    = 0  // tpacket3_hdr.tp_next_offset
	pktSec     = 4  // tp_sec
	pktNsec    = 8  // tp_nsec
	pktSnaplen = 12 // tp_snaplen
	pktLen     = 16 // tp_len
	pktStatus  = 20 // tp_status
	pktMac     = 24 // tp_mac (u16)
	pktVlanTCI = 32 // hv1.tp_vlan_tci
	pktVlanTP  = 36 // hv1.tp_vlan_tpid (u16)

	// pktHdrLen is TPACKET3_HDRLEN: the packet header, 8-byte aligned,
	// then the sockaddr_ll the kernel writes after it. Bytes from there to
	// tp_mac are padding the kernel leaves free (TPACKET_ALIGN, then
	// PACKET_RESERVE), which read may use.
	pktHdrLen = 48 + 20

	// frameOverhead is what a block spends on an Ethernet frame besides the
	// frame: the block header, then the frame's tp_mac (af_packet.c
	// tpacket_rcv: TPACKET_ALIGN(pktHdrLen + 16) + the reserve - 14, so 86).
	// A snap length beyond BlockSize - frameOverhead would be cut short.
	frameOverhead = blkHdrLen + 96 + vlanTagLen - 14

	vlanTagLen = 4  // an 802.1Q or 802.1ad tag: TPID then TCI
	macAddrs   = 12 // destination and source addresses, before the tag
)

func (h *Handle) status(block int) *uint32 {
	return (*uint32)(unsafe.Pointer(&h.ring[block*h.bsize+blkStatus]))
}

// Next fills p with the next packet. p.Data points into the ring, and is
// valid until the next call to Next or Close, when its block may go back
// to the kernel. It returns ErrTimeout when no packet came within the
// timeout and io.EOF once the handle is closed.
func (h *Handle) Next(p *capture.Packet) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	for {
		if h.closing.Load() || h.closed.Load() {
			return io.EOF
		}
		if h.inBlock && h.left > 0 {
			return h.read(p)
		}
		if h.inBlock {
			// Hand the finished block back only now: the previous packet's
			// Data pointed into it until this call.
			atomic.StoreUint32(h.status(h.block), unix.TP_STATUS_KERNEL)
			h.inBlock = false
			h.block = (h.block + 1) % h.nblocks
		}
		if atomic.LoadUint32(h.status(h.block))&unix.TP_STATUS_USER != 0 {
			base := h.block * h.bsize
			h.inBlock = true
			h.left = binary.NativeEndian.Uint32(h.ring[base+blkNumPkts:])
			h.next = base + int(binary.NativeEndian.Uint32(h.ring[base+blkFirstPkt:]))
			continue
		}
		fds := []unix.PollFd{{Fd: int32(h.fd), Events: unix.POLLIN | unix.POLLERR}, {Fd: int32(h.wake), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, int(h.timeout/time.Millisecond))
		switch {
		case errors.Is(err, unix.EINTR):
		case err != nil:
			return fmt.Errorf("live: %s: poll: %w", h.iface, err)
		case n == 0:
			return ErrTimeout
		case fds[0].Revents&unix.POLLERR != 0:
			if _, err := unix.GetsockoptInt(h.fd, unix.SOL_SOCKET, unix.SO_ERROR); err != nil {
				return fmt.Errorf("live: %s: %w", h.iface, err)
			}
		}
	}
}

// Stats returns the kernel's counters since Open.
func (h *Handle) Stats() (Stats, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.readStats()
}

// readStats adds the kernel's counters, which reset on every read, to the
// running totals.
func (h *Handle) readStats() (Stats, error) {
	if h.closed.Load() {
		return h.stats, nil
	}
	st, err := unix.GetsockoptTpacketStatsV3(h.fd, unix.SOL_PACKET, unix.PACKET_STATISTICS)
	if err != nil {
		return h.stats, fmt.Errorf("live: %s: statistics: %w", h.iface, err)
	}
	h.stats.Packets += uint64(st.Packets)
	h.stats.Drops += uint64(st.Drops)
	h.stats.Freezes += uint64(st.Freeze_q_cnt)
	return h.stats, nil
}

// Close ends the capture, interrupting a Next that waits, and releases the
// ring. The final counters stay readable through Stats.
func (h *Handle) Close() error {
	if h.closing.Swap(true) {
		return nil
	}
	var one [8]byte
	binary.NativeEndian.PutUint64(one[:], 1)
	unix.Write(h.wake, one[:])
	h.mu.Lock()
	defer h.mu.Unlock()
	h.readStats()
	h.closed.Store(true)
	return h.release()
}

func (h *Handle) release() error {
	var err error
	if h.ring != nil {
		err = unix.Munmap(h.ring)
		h.ring = nil
	}
	if h.wake >= 0 {
		unix.Close(h.wake)
	}
	return errors.Join(err, unix.Close(h.fd))
}
