package capture

import (
	"encoding/binary"
	"io"
	"math/bits"
	"time"
)

// pcapng block types (draft-ietf-opsawg-pcapng).
const (
	blockSHB = 0x0a0d0d0a // section header
	blockIDB = 1          // interface description
	blockPB  = 2          // packet (obsolete)
	blockSPB = 3          // simple packet
	blockEPB = 6          // enhanced packet
	bomMagic = 0x1a2b3c4d // byte-order magic in the section header
	// maxBlock bounds a block's total length, in line with maxSnaplen.
	maxBlock = maxSnaplen + 64<<10
)

// Interface description options Cordon reads.
const (
	optEnd      = 0
	optTSResol  = 9
	optFCSLen   = 13
	optTSOffset = 14
)

// iface is one interface of the current section.
type iface struct {
	link    LinkType
	snaplen uint32
	units   uint64 // timestamp ticks per second
	offset  int64  // seconds added to every timestamp (if_tsoffset)
	fcs     int    // FCS bytes at the end of each frame (if_fcslen)
}

// pcapngReader reads the pcapng format: any number of sections, each with
// its own byte order and interfaces.
type pcapngReader struct {
	s      *stream
	order  binary.ByteOrder
	ifaces []iface
	// raw holds a block's first 8 bytes. It lives here rather than on
	// the stack because passing a stack array to the ByteOrder interface
	// would move it to the heap on every block.
	raw [8]byte
}

func newPcapngReader(s *stream) (*pcapngReader, error) {
	r := &pcapngReader{s: s, order: binary.LittleEndian}
	h, err := s.next(8)
	if err != nil {
		return nil, s.ioError(0, "pcapng: section header", err)
	}
	copy(r.raw[:], h)
	if err := r.readSHB(0); err != nil {
		return nil, err
	}
	return r, nil
}

// Next implements Reader. It skips blocks that carry no packet.
func (r *pcapngReader) Next(p *Packet) error {
	s := r.s
	for {
		if s.err != nil {
			return s.err
		}
		start := s.off
		if eof, err := s.atEOF(); eof {
			return io.EOF
		} else if err != nil {
			return s.ioError(start, "pcapng: block header", err)
		}
		h, err := s.next(8)
		if err != nil {
			return s.ioError(start, "pcapng: block header", err)
		}
		copy(r.raw[:], h)
		typ := r.order.Uint32(r.raw[:])
		if typ == blockSHB {
			if err := r.readSHB(start); err != nil {
				return err
			}
			continue
		}
		length := r.order.Uint32(r.raw[4:])
		if err := r.checkLength(start, typ, length, 12); err != nil {
			return err
		}
		switch typ {
		case blockIDB, blockEPB, blockSPB, blockPB:
		default:
			// Name resolution, statistics, decryption secrets, custom
			// and unknown blocks: skip, checking the trailing length.
			if err := s.skip(int64(length) - 12); err != nil {
				return s.ioError(start, "pcapng: block", err)
			}
			if _, err := r.body(start, length, 4); err != nil {
				return err
			}
			continue
		}
		body, err := r.body(start, length, length-8)
		if err != nil {
			return err
		}
		switch typ {
		case blockIDB:
			if err := r.readIDB(start, body); err != nil {
				return err
			}
		case blockEPB:
			return r.readEPB(start, body, p)
		case blockSPB:
			return r.readSPB(start, body, p)
		case blockPB:
			return r.readPB(start, body, p)
		}
	}
}

// body reads the last n bytes of a block (its body and trailing length),
// checks that the trailing length repeats the leading one and returns the
// body without it.
func (r *pcapngReader) body(start int64, length, n uint32) ([]byte, error) {
	b, err := r.s.next(int(n))
	if err != nil {
		return nil, r.s.ioError(start, "pcapng: block", err)
	}
	if trail := r.order.Uint32(b[len(b)-4:]); trail != length {
		return nil, r.s.errorf(start, "pcapng: block trailing length %d differs from leading length %d", trail, length)
	}
	return b[:len(b)-4], nil
}

// checkLength validates a block's total length.
func (r *pcapngReader) checkLength(start int64, typ, length, least uint32) error {
	switch {
	case length%4 != 0:
		return r.s.errorf(start, "pcapng: block type %#x length %d is not a multiple of 4", typ, length)
	case length < least:
		return r.s.errorf(start, "pcapng: block type %#x length %d is less than %d", typ, length, least)
	case length > maxBlock:
		return r.s.errorf(start, "pcapng: block type %#x length %d exceeds the limit of %d", typ, length, maxBlock)
	}
	return nil
}

// readSHB reads a section header whose first 8 bytes are in r.raw: it sets the
// byte order for the section and forgets the previous section's interfaces.
func (r *pcapngReader) readSHB(start int64) error {
	s := r.s
	b, err := s.next(4)
	if err != nil {
		return s.ioError(start, "pcapng: section header", err)
	}
	switch {
	case binary.LittleEndian.Uint32(b) == bomMagic:
		r.order = binary.LittleEndian
	case binary.BigEndian.Uint32(b) == bomMagic:
		r.order = binary.BigEndian
	default:
		return s.errorf(start+8, "pcapng: byte-order magic %x is neither 1a2b3c4d nor 4d3c2b1a", b)
	}
	length := r.order.Uint32(r.raw[4:])
	if err := r.checkLength(start, blockSHB, length, 28); err != nil {
		return err
	}
	body, err := r.body(start, length, length-12)
	if err != nil {
		return err
	}
	if major := r.order.Uint16(body); major != 1 {
		return s.errorf(start+12, "pcapng: unsupported version %d.%d (expected 1.0)", major, r.order.Uint16(body[2:]))
	}
	r.ifaces = r.ifaces[:0]
	return nil
}

// readIDB adds an interface to the section.
func (r *pcapngReader) readIDB(start int64, body []byte) error {
	if len(body) < 8 {
		return r.s.errorf(start, "pcapng: interface block body of %d bytes is shorter than 8", len(body))
	}
	in := iface{
		link:    LinkType(r.order.Uint16(body)).normalize(),
		snaplen: r.order.Uint32(body[4:]),
		units:   1e6,
	}
	opts := body[8:]
	for len(opts) >= 4 {
		code, n := r.order.Uint16(opts), int(r.order.Uint16(opts[2:]))
		if code == optEnd {
			break
		}
		if 4+n > len(opts) {
			return r.s.errorf(start, "pcapng: interface option %d of %d bytes overruns the block", code, n)
		}
		v := opts[4 : 4+n]
		switch {
		case code == optTSResol && n >= 1:
			units, ok := tsUnits(v[0])
			if !ok {
				return r.s.errorf(start, "pcapng: unsupported if_tsresol %#x", v[0])
			}
			in.units = units
		case code == optTSOffset && n == 8:
			in.offset = int64(r.order.Uint64(v))
		case code == optFCSLen && n >= 1:
			in.fcs = int(v[0])
		}
		opts = opts[min(len(opts), 4+(n+3)&^3):]
	}
	r.ifaces = append(r.ifaces, in)
	return nil
}

// tsUnits decodes if_tsresol: 10^-n seconds, or 2^-n when the top bit is set.
func tsUnits(v byte) (uint64, bool) {
	n := uint64(v & 0x7f)
	if v&0x80 != 0 {
		if n > 63 {
			return 0, false
		}
		return 1 << n, true
	}
	if n > 19 {
		return 0, false
	}
	u := uint64(1)
	for range n {
		u *= 10
	}
	return u, true
}

// time converts a timestamp in the interface's units.
func (in *iface) time(ts uint64) time.Time {
	sec, frac := ts/in.units, ts%in.units
	var nsec uint64
	switch in.units {
	case 1e9:
		nsec = frac
	case 1e6:
		nsec = frac * 1e3
	default:
		// frac < units, so the quotient is below 1e9 and Div64 cannot
		// overflow.
		hi, lo := bits.Mul64(frac, 1e9)
		nsec, _ = bits.Div64(hi, lo, in.units)
	}
	return time.Unix(int64(sec)+in.offset, int64(nsec))
}

// iface returns the interface a packet block refers to.
func (r *pcapngReader) iface(start int64, id uint32) (*iface, error) {
	if id >= uint32(len(r.ifaces)) {
		return nil, r.s.errorf(start, "pcapng: packet refers to interface %d but the section declares %d", id, len(r.ifaces))
	}
	return &r.ifaces[id], nil
}

// packet fills p from an EPB or PB body, which share their layout after
// the interface ID: timestamp (high, low), captured length, original length,
// data. The caller has checked len(body) >= 20.
func (r *pcapngReader) packet(start int64, body []byte, id uint32, p *Packet) error {
	in, err := r.iface(start, id)
	if err != nil {
		return err
	}
	ts := uint64(r.order.Uint32(body[4:]))<<32 | uint64(r.order.Uint32(body[8:]))
	caplen, orig := r.order.Uint32(body[12:]), r.order.Uint32(body[16:])
	if uint64(caplen) > uint64(len(body)-20) {
		return r.s.errorf(start, "pcapng: captured length %d exceeds the block", caplen)
	}
	*p = Packet{
		Time:      in.time(ts),
		Link:      in.link,
		Data:      stripFCS(body[20:20+caplen], in.fcs, int64(orig)),
		OrigLen:   int(orig),
		Interface: int(id),
		Offset:    start,
	}
	return nil
}

func (r *pcapngReader) readEPB(start int64, body []byte, p *Packet) error {
	if len(body) < 20 {
		return r.s.errorf(start, "pcapng: enhanced packet block body of %d bytes is shorter than 20", len(body))
	}
	return r.packet(start, body, r.order.Uint32(body), p)
}

func (r *pcapngReader) readPB(start int64, body []byte, p *Packet) error {
	if len(body) < 20 {
		return r.s.errorf(start, "pcapng: packet block body of %d bytes is shorter than 20", len(body))
	}
	return r.packet(start, body, uint32(r.order.Uint16(body)), p)
}

// readSPB reads a simple packet block: interface 0, no timestamp (p.Time is
// zero), captured length implied by the snaplen and the block length.
func (r *pcapngReader) readSPB(start int64, body []byte, p *Packet) error {
	if len(body) < 4 {
		return r.s.errorf(start, "pcapng: simple packet block body of %d bytes is shorter than 4", len(body))
	}
	in, err := r.iface(start, 0)
	if err != nil {
		return err
	}
	orig := r.order.Uint32(body)
	caplen := min(uint64(orig), uint64(len(body)-4))
	if in.snaplen != 0 {
		caplen = min(caplen, uint64(in.snaplen))
	}
	*p = Packet{
		Link:    in.link,
		Data:    stripFCS(body[4:4+caplen], in.fcs, int64(orig)),
		OrigLen: int(orig),
		Offset:  start,
	}
	return nil
}

func (r *pcapngReader) offset() int64 { return r.s.off }
