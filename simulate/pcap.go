package simulate

import (
	"encoding/binary"
	"io"
)

// pcapWriter writes the classic libpcap format: little-endian, microsecond
// timestamps, Ethernet link type. It buffers nothing itself; Generate wraps
// the destination in a bufio.Writer.
type pcapWriter struct {
	w   io.Writer
	hdr [16]byte
	err error
}

const (
	pcapMagicMicro = 0xa1b2c3d4
	pcapSnapLen    = 65535
	linkEthernet   = 1
)

func newPcapWriter(w io.Writer) (*pcapWriter, error) {
	var h [24]byte
	binary.LittleEndian.PutUint32(h[0:], pcapMagicMicro)
	binary.LittleEndian.PutUint16(h[4:], 2) // version 2.4
	binary.LittleEndian.PutUint16(h[6:], 4)
	// h[8:16]: thiszone and sigfigs, both zero as every modern writer does
	binary.LittleEndian.PutUint32(h[16:], pcapSnapLen)
	binary.LittleEndian.PutUint32(h[20:], linkEthernet)
	if _, err := w.Write(h[:]); err != nil {
		return nil, err
	}
	return &pcapWriter{w: w}, nil
}

// write appends one record. usec is the absolute time in microseconds since
// the Unix epoch. The first error sticks so that callers may check once.
func (p *pcapWriter) write(usec int64, frame []byte) error {
	if p.err != nil {
		return p.err
	}
	binary.LittleEndian.PutUint32(p.hdr[0:], uint32(usec/1e6))
	binary.LittleEndian.PutUint32(p.hdr[4:], uint32(usec%1e6))
	binary.LittleEndian.PutUint32(p.hdr[8:], uint32(len(frame)))
	binary.LittleEndian.PutUint32(p.hdr[12:], uint32(len(frame)))
	if _, err := p.w.Write(p.hdr[:]); err != nil {
		p.err = err
		return err
	}
	if _, err := p.w.Write(frame); err != nil {
		p.err = err
	}
	return p.err
}
