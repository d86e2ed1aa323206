package spool

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
)

// The Shipper's side of a Dir: it takes the oldest batch, and when the
// server has answered, removes it or sets it aside.

// next returns the oldest batch and marks it in flight, so that a Put
// making room drops the one after it instead of the one being sent; ok is
// false when the spool is empty.
func (d *Dir) next() (e entry, ok bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.pending) == 0 {
		return entry{}, false
	}
	d.inFlight = true
	return d.pending[0], true
}

// release ends the flight of the batch next returned, whatever became of it.
func (d *Dir) release() {
	d.mu.Lock()
	d.inFlight = false
	d.mu.Unlock()
}

// errCorrupt marks a batch file that is not the complete gzip stream Put
// wrote.
var errCorrupt = errors.New("not a complete gzip stream")

// read returns the stored (gzipped) bytes of e, which are the body of its
// request, once it has checked that they decompress whole: a file damaged
// on disk is set aside here rather than sent for the server to refuse.
func (d *Dir) read(e entry) ([]byte, error) {
	b, err := os.ReadFile(d.file(e))
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errCorrupt, err)
	}
	// Reading to the end checks the CRC and length in the trailer.
	if _, err := io.Copy(io.Discard, zr); err != nil {
		return nil, fmt.Errorf("%w: %v", errCorrupt, err)
	}
	return b, nil
}

// remove deletes a shipped batch. It does not sync the directory: should
// a crash bring the file back, it is shipped again and the server, knowing
// its ID, does not count it twice.
func (d *Dir) remove(e entry) error {
	if err := os.Remove(d.file(e)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("spool: remove %s: %w", e.id, err)
	}
	d.forget(e)
	return nil
}

// reject moves a batch to rejected/, keeping its name, and deletes the
// oldest rejected batches past MaxRejectedBytes.
func (d *Dir) reject(e entry) error {
	if err := os.Rename(d.file(e), d.rejectedFile(e)); err != nil {
		return fmt.Errorf("spool: set aside %s: %w", e.id, err)
	}
	// Both directories changed; sync both, the new name first so that a
	// crash between the two cannot lose the batch. A failure leaves the
	// move done but not yet durable: the worst a crash then does is ship
	// the batch again, to be refused again.
	_ = syncDir(d.rejectedPath())
	_ = syncDir(d.path)
	d.forget(e)
	d.mu.Lock()
	d.rejected = append(d.rejected, e)
	d.rejBytes += e.size
	d.mu.Unlock()
	d.pruneRejected()
	return nil
}

// forget takes e off the index; its file is gone or moved.
func (d *Dir) forget(e entry) {
	d.mu.Lock()
	defer d.mu.Unlock()
	i := slices.IndexFunc(d.pending, func(p entry) bool { return p.seq == e.seq && p.id == e.id })
	if i < 0 {
		return // already dropped
	}
	d.pending = slices.Delete(d.pending, i, i+1)
	d.bytes -= e.size
}
