package capture

import (
	"encoding/binary"
	"io"
	"time"
)

const (
	// maxSnaplen bounds the snapshot length a header may declare. Real
	// captures use 65535 or 262144; anything near this limit is garbage.
	maxSnaplen = 256 << 20
	// minRecordBound is the record length always allowed whatever the
	// snaplen says: some writers record a small snaplen and then write
	// whole frames anyway, and libpcap's own maximum is 262144.
	minRecordBound = 262144
)

// linkFCSPresent is the pcap header bit saying the upper four bits of the
// link-type field hold the number of 16-bit words of frame check sequence
// at the end of every frame.
const linkFCSPresent = 0x04000000

// pcapReader reads the classic libpcap format.
type pcapReader struct {
	s       *stream
	order   binary.ByteOrder
	nano    bool
	link    LinkType
	snaplen uint32
	maxRec  uint32
	fcs     int // FCS bytes at the end of each frame, 0 when none
}

func newPcapReader(s *stream) (*pcapReader, error) {
	h, err := s.next(24)
	if err != nil {
		return nil, s.ioError(0, "pcap: file header", err)
	}
	r := &pcapReader{s: s, order: binary.LittleEndian}
	magic := r.order.Uint32(h)
	if magic != magicPcapMicro && magic != magicPcapNano {
		r.order = binary.BigEndian
		magic = r.order.Uint32(h)
	}
	r.nano = magic == magicPcapNano
	major, minor := r.order.Uint16(h[4:]), r.order.Uint16(h[6:])
	if major != 2 || minor > 4 {
		return nil, s.errorf(4, "pcap: unsupported version %d.%d (expected 2.4)", major, minor)
	}
	r.snaplen = r.order.Uint32(h[16:])
	switch {
	case r.snaplen == 0:
		return nil, s.errorf(16, "pcap: snaplen 0 is invalid")
	case r.snaplen > maxSnaplen:
		return nil, s.errorf(16, "pcap: snaplen %d exceeds the limit of %d (256 MiB)", r.snaplen, maxSnaplen)
	}
	r.maxRec = max(r.snaplen, minRecordBound)
	network := r.order.Uint32(h[20:])
	r.link = LinkType(network & 0xffff).normalize()
	if !r.link.Supported() {
		return nil, s.errorf(20, "pcap: unsupported link type %d", network&0xffff)
	}
	if network&linkFCSPresent != 0 {
		r.fcs = int(network>>28) * 2
	}
	return r, nil
}

// Next implements Reader.
func (r *pcapReader) Next(p *Packet) error {
	s := r.s
	if s.err != nil {
		return s.err
	}
	start := s.off
	if eof, err := s.atEOF(); eof {
		return io.EOF
	} else if err != nil {
		return s.ioError(start, "pcap: record header", err)
	}
	h, err := s.next(16)
	if err != nil {
		return s.ioError(start, "pcap: record header", err)
	}
	// Parse the header before reading the body: the body read may reuse
	// the buffer h points into.
	sec := r.order.Uint32(h)
	frac := r.order.Uint32(h[4:])
	incl := r.order.Uint32(h[8:])
	orig := r.order.Uint32(h[12:])
	if incl > r.maxRec {
		return s.errorf(start, "pcap: record length %d exceeds snaplen %d", incl, r.snaplen)
	}
	data, err := s.next(int(incl))
	if err != nil {
		return s.ioError(start, "pcap: record", err)
	}
	nsec := int64(frac)
	if !r.nano {
		nsec *= 1000
	}
	*p = Packet{
		Time:    time.Unix(int64(sec), nsec),
		Link:    r.link,
		Data:    stripFCS(data, r.fcs, int64(orig)),
		OrigLen: int(orig),
		Offset:  start,
	}
	return nil
}

// stripFCS removes the part of a trailing frame check sequence of fcs bytes
// that was captured, so decoders see only the frame. A frame cut by the
// snaplen may hold none or only part of it.
func stripFCS(data []byte, fcs int, orig int64) []byte {
	if fcs == 0 {
		return data
	}
	cut := int64(fcs) - (orig - int64(len(data)))
	if orig < int64(len(data)) {
		cut = int64(fcs)
	}
	if cut <= 0 {
		return data
	}
	return data[:int64(len(data))-min(cut, int64(len(data)))]
}

func (r *pcapReader) offset() int64 { return r.s.off }
