package capture

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// Magic numbers at the start of the supported formats.
const (
	magicPcapMicro  = 0xa1b2c3d4
	magicPcapNano   = 0xa1b23c4d
	magicPcapng     = 0x0a0d0d0a
	magicGzip0      = 0x1f
	magicGzip1      = 0x8b
	readBufferBytes = 256 << 10
)

// File is a capture file opened with Open. It reads packets like any Reader
// and reports how far through the file it is, for progress bars.
type File struct {
	name   string
	f      *os.File
	size   int64
	gz     *gzip.Reader
	count  *countingReader // bytes taken from f; set only for gzip files
	r      Reader
	format string
}

var (
	_ Reader    = (*File)(nil)
	_ io.Closer = (*File)(nil)
)

// Open opens a pcap or pcapng file, gzip-compressed or not. Errors about the
// content are *FormatError; an empty file is one too.
func Open(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("capture: open: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("capture: open: %w", err)
	}
	cf := &File{name: path, f: f, size: st.Size(), count: &countingReader{r: f}}
	cf.r, cf.format, cf.gz, err = newReader(cf.count, path)
	if err != nil {
		f.Close()
		return nil, err
	}
	if cf.gz == nil {
		// Uncompressed: the decoder's own offset is exact, the counter
		// runs ahead by the read buffer.
		cf.count = nil
	}
	return cf, nil
}

// NewReader reads a pcap or pcapng capture (optionally gzip-compressed) from
// r. name is used in error messages.
func NewReader(r io.Reader, name string) (Reader, error) {
	rd, _, _, err := newReader(r, name)
	return rd, err
}

// newReader sniffs the magic numbers and builds the format reader.
func newReader(r io.Reader, name string) (Reader, string, *gzip.Reader, error) {
	br := bufio.NewReaderSize(r, readBufferBytes)
	var gz *gzip.Reader
	head, err := br.Peek(2)
	if len(head) == 0 {
		if err == nil || err == io.EOF {
			return nil, "", nil, &FormatError{File: name, Err: errors.New("empty file")}
		}
		return nil, "", nil, fmt.Errorf("capture: read %s: %w", name, err)
	}
	if len(head) == 2 && head[0] == magicGzip0 && head[1] == magicGzip1 {
		gz, err = gzip.NewReader(br)
		if err != nil {
			return nil, "", nil, &FormatError{File: name, Err: fmt.Errorf("gzip: %w", err)}
		}
		br = bufio.NewReaderSize(gz, readBufferBytes)
	}
	s := &stream{r: br, name: name}
	head, err = br.Peek(4)
	switch {
	case len(head) == 0 && (err == nil || err == io.EOF):
		return nil, "", nil, s.errorf(0, "empty file")
	case len(head) < 4 && (err == nil || err == io.EOF || err == io.ErrUnexpectedEOF):
		return nil, "", nil, s.errorf(0, "file is %d bytes, too short for a capture header: %w", len(head), ErrTruncated)
	case len(head) < 4:
		return nil, "", nil, s.ioError(0, "capture header", err)
	}
	be, le := binary.BigEndian.Uint32(head), binary.LittleEndian.Uint32(head)
	switch {
	case be == magicPcapng:
		rd, err := newPcapngReader(s)
		if err != nil {
			return nil, "", nil, err
		}
		return rd, "pcapng", gz, nil
	case be == magicPcapMicro || be == magicPcapNano || le == magicPcapMicro || le == magicPcapNano:
		rd, err := newPcapReader(s)
		if err != nil {
			return nil, "", nil, err
		}
		return rd, "pcap", gz, nil
	}
	return nil, "", nil, s.errorf(0, "unknown magic number %02x%02x%02x%02x: expected pcap (a1b2c3d4 or a1b23c4d, either byte order) or pcapng (0a0d0d0a)",
		head[0], head[1], head[2], head[3])
}

// Next reads the next packet; see Reader.
func (f *File) Next(p *Packet) error { return f.r.Next(p) }

// Close closes the underlying file.
func (f *File) Close() error {
	if f.gz != nil {
		f.gz.Close()
	}
	return f.f.Close()
}

// Name returns the path the file was opened with.
func (f *File) Name() string { return f.name }

// Format returns "pcap" or "pcapng".
func (f *File) Format() string { return f.format }

// Size returns the size of the file on disk in bytes (compressed size for a
// gzip file).
func (f *File) Size() int64 { return f.size }

// Pos returns how many bytes of the file on disk have been consumed, for a
// progress bar against Size. For a gzip file it counts compressed bytes and
// runs ahead of the packets by the read buffer.
func (f *File) Pos() int64 {
	if f.count != nil {
		return f.count.n
	}
	if o, ok := f.r.(interface{ offset() int64 }); ok {
		return o.offset()
	}
	return 0
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}
