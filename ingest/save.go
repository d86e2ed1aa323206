package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"

	"github.com/cordonsec/cordon"
)

// Save copies a capture into dir under its content hash (see Path), hashing
// as it copies, and returns the hash and size. The file appears only when it
// is complete: a failed or oversized copy leaves nothing behind. A limit of
// 0 means no limit.
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
	size, err = io.Copy(io.MultiWriter(tmp, h), src)
	if err != nil {
		return "", 0, fmt.Errorf("ingest: save: %w", err)
	}
	if limit > 0 && size > limit {
		return "", 0, cordon.Errorf(cordon.EINVALID, "The capture is larger than the limit of %d bytes.", limit)
	}
	if size == 0 {
		return "", 0, cordon.Errorf(cordon.EINVALID, "The capture is empty.")
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
