package capture

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
)

// stream is the decompressed byte source shared by the format readers. It
// hands out slices of its read buffer, so that reading a record copies
// nothing and allocates nothing; records larger than the buffer go through a
// reusable slice that grows only as bytes actually arrive, so a bogus length
// in a short file cannot make the reader allocate gigabytes.
type stream struct {
	r    *bufio.Reader
	name string
	off  int64  // bytes consumed so far
	big  []byte // holds records that do not fit the read buffer
	err  error  // sticky: once a reader fails it keeps failing the same way
}

// atEOF reports whether the stream ended cleanly at a record boundary.
func (s *stream) atEOF() (bool, error) {
	b, err := s.r.Peek(1)
	if len(b) == 1 {
		return false, nil
	}
	if err == io.EOF {
		return true, nil
	}
	return false, err
}

// next consumes and returns the next n bytes. The slice is valid until the
// next call. If the stream ends first it returns the bytes that were there
// and io.ErrUnexpectedEOF (or the underlying error).
func (s *stream) next(n int) ([]byte, error) {
	if n <= s.r.Size() {
		b, err := s.r.Peek(n)
		if len(b) < n {
			if err == nil || err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return b, err
		}
		s.r.Discard(n)
		s.off += int64(n)
		return b, nil
	}
	const chunk = 1 << 20
	s.big = s.big[:0]
	for len(s.big) < n {
		c := min(n-len(s.big), chunk)
		if cap(s.big)-len(s.big) < c {
			grown := make([]byte, len(s.big), max(2*cap(s.big), len(s.big)+c))
			copy(grown, s.big)
			s.big = grown
		}
		k, err := io.ReadFull(s.r, s.big[len(s.big):len(s.big)+c])
		s.big = s.big[:len(s.big)+k]
		s.off += int64(k)
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return s.big, err
		}
	}
	return s.big, nil
}

// skip discards n bytes.
func (s *stream) skip(n int64) error {
	for n > 0 {
		c := int(min(n, int64(1<<30)))
		k, err := s.r.Discard(c)
		s.off += int64(k)
		n -= int64(k)
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
	}
	return nil
}

// errorf returns a *FormatError at off and makes it sticky.
func (s *stream) errorf(off int64, format string, args ...any) error {
	s.err = &FormatError{File: s.name, Offset: off, Err: fmt.Errorf(format, args...)}
	return s.err
}

// ioError turns a read failure inside the record at off into the error the
// Reader contract promises: ErrTruncated for a short file, a FormatError for
// a corrupt gzip stream, and the I/O error itself otherwise.
func (s *stream) ioError(off int64, what string, err error) error {
	var corrupt flate.CorruptInputError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return s.errorf(off, "%s: %w", what, ErrTruncated)
	case errors.Is(err, gzip.ErrChecksum), errors.Is(err, gzip.ErrHeader), errors.As(err, &corrupt):
		return s.errorf(off, "%s: gzip: %w", what, err)
	}
	s.err = fmt.Errorf("capture: read %s: %w", s.name, err)
	return s.err
}

// offset reports the decompressed position, for File.Pos.
func (s *stream) offset() int64 { return s.off }
