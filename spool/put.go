package spool

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"

	"github.com/cordonsec/cordon"
)

// Put stores batch, the JSON of the batch whose ID is id, for shipping. It
// returns once the batch is durable: gzipped into a temporary file,
// fsynced, renamed to its place in arrival order, and the directory
// fsynced, so that neither a crash nor a power cut loses a batch Put has
// accepted nor leaves half of one. When the batch would take the spool
// past MaxBytes, the oldest batches are dropped first (see Options).
//
// EINVALID for an ID that is not 32 lowercase hex digits, a batch that is
// not JSON, or one larger on its own than MaxBytes. Should only the final
// directory sync fail, the batch is on disk and will be shipped, but the
// error says it might not survive a power cut; putting it again is
// harmless, the server recognising its ID.
func (d *Dir) Put(id string, batch []byte) error {
	if !isID(id) {
		return cordon.Invalidf("id", "A batch ID is 32 lowercase hex digits, not %q.", clip(id, 40))
	}
	if !json.Valid(batch) {
		// The server would refuse it; better the caller hears now.
		return cordon.Invalidf("batch", "Batch %s is not valid JSON.", id)
	}
	d.putMu.Lock()
	defer d.putMu.Unlock()
	tmp, size, err := d.writeTemp(batch)
	if err != nil {
		return fmt.Errorf("spool: put %s: %w", id, err)
	}
	if size > d.opt.MaxBytes {
		os.Remove(tmp)
		return cordon.Invalidf("batch", "Batch %s takes %d bytes compressed, more than the whole spool's %d.", id, size, d.opt.MaxBytes)
	}
	d.mu.Lock()
	drop := d.makeRoom(size)
	d.mu.Unlock()
	d.removeDropped(drop)

	e := entry{seq: max(d.last+1, stamp(d.opt.Now())), id: id, size: size}
	if err := os.Rename(tmp, d.file(e)); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("spool: put %s: %w", id, err)
	}
	d.last = e.seq
	serr := syncDir(d.path)

	d.mu.Lock()
	d.pending = append(d.pending, e)
	d.bytes += size
	d.mu.Unlock()
	select {
	case d.notify <- struct{}{}:
	default: // a wake-up is already waiting
	}
	if serr != nil {
		return fmt.Errorf("spool: put %s: sync directory: %w", id, serr)
	}
	return nil
}

// writeTemp writes batch gzipped to a new temporary file of the spool,
// synced, and returns its path and size.
func (d *Dir) writeTemp(batch []byte) (path string, size int64, err error) {
	f, err := os.CreateTemp(d.path, tempPrefix+"*") // mode 0600
	if err != nil {
		return "", 0, err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	zw := gzip.NewWriter(f)
	if _, err := zw.Write(batch); err != nil {
		return "", 0, err
	}
	if err := zw.Close(); err != nil {
		return "", 0, err
	}
	if err := f.Sync(); err != nil {
		return "", 0, err
	}
	fi, err := f.Stat()
	if err != nil {
		return "", 0, err
	}
	if err := f.Close(); err != nil {
		return "", 0, err
	}
	return f.Name(), fi.Size(), nil
}
