package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/capture"
)

// TooLargeError is returned by Save when the input exceeds its limit; the
// HTTP layer answers it with 413.
type TooLargeError struct{ Limit int64 }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("The capture is larger than the %d bytes allowed.", e.Limit)
}

// Save copies a capture into dir under its content hash (see Path), hashing
// as it copies, and returns the hash and size. It refuses what is not a
// pcap, pcapng or gzip file (EINVALID) or is over limit (*TooLargeError; 0
// means no limit). The file appears only when it is complete: a failed copy
// leaves nothing behind.
func Save(dir string, r io.Reader, limit int64) (sum string, size int64, err error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", 0, fmt.Errorf("ingest: save: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return "", 0, fmt.Errorf("ingest: save: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	src := r
	if limit > 0 {
		src = io.LimitReader(r, limit+1)
	}
	var head headBuffer
	size, err = io.Copy(io.MultiWriter(tmp, h, &head), src)
	if err != nil {
		return "", 0, fmt.Errorf("ingest: save: %w", err)
	}
	switch {
	case limit > 0 && size > limit:
		return "", 0, &TooLargeError{Limit: limit}
	case size == 0:
		return "", 0, cordon.Errorf(cordon.EINVALID, "The capture is empty.")
	case !capture.Sniff(head.b[:head.n]):
		return "", 0, cordon.Errorf(cordon.EINVALID, "The file is not a pcap, pcapng or gzip-compressed capture.")
	}
	if err = tmp.Sync(); err != nil {
		return "", 0, fmt.Errorf("ingest: save: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return "", 0, fmt.Errorf("ingest: save: %w", err)
	}
	sum = hex.EncodeToString(h.Sum(nil))
	if err = os.Rename(tmp.Name(), Path(dir, sum)); err != nil {
		return "", 0, fmt.Errorf("ingest: save: %w", err)
	}
	return sum, size, nil
}

// headBuffer keeps the first bytes written to it, to check the format.
type headBuffer struct {
	b [4]byte
	n int
}

func (h *headBuffer) Write(p []byte) (int, error) {
	h.n += copy(h.b[h.n:], p)
	return len(p), nil
}
