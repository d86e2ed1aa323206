package spool

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cordonsec/cordon"
)

// DefaultMaxBytes bounds a spool when Options.MaxBytes is 0: at the tens
// of kilobytes a compressed minute of a site usually takes, days of an
// outage, and still a small part of any disk a sensor runs on.
const DefaultMaxBytes = 1 << 30

// Options tune a spool directory. The zero value is usable.
type Options struct {
	// MaxBytes bounds the batches waiting, as stored (compressed);
	// DefaultMaxBytes when 0. A Put that would pass it first drops the
	// oldest batches, counting and logging each: a full disk would stop
	// the sensor, and losing the oldest minutes is the lesser harm. The
	// batch being shipped at that moment is spared, so the spool may pass
	// the bound by one batch while it is in flight.
	MaxBytes int64
	// MaxRejectedBytes bounds rejected/, where batches the server refused
	// are set aside; a tenth of MaxBytes when 0. The oldest rejected
	// batches are deleted past it.
	MaxRejectedBytes int64
	// Logger receives the drops and the files set aside or ignored;
	// nothing is logged when nil.
	Logger *slog.Logger
	// Now stamps the batches (time.Now when nil).
	Now func() time.Time
}

// Dir is a spool directory: the batches waiting to be shipped, oldest
// first. Its methods are safe to call concurrently.
type Dir struct {
	path string
	opt  Options

	// putMu orders Puts, so that stamps and files arrive in the same
	// order; last is the newest stamp used, under putMu.
	putMu sync.Mutex
	last  uint64

	mu       sync.Mutex
	pending  []entry // oldest first
	bytes    int64   // of pending
	inFlight bool    // pending[0] is being shipped
	rejected []entry // oldest first
	rejBytes int64
	dropped  int64

	// notify wakes a Shipper waiting on an empty spool; it holds at most
	// one wake-up, which is all a waiting Shipper needs.
	notify   chan struct{}
	shipping atomic.Bool // a Shipper is running
}

// entry is one batch file.
type entry struct {
	seq  uint64
	id   string
	size int64
}

func (e entry) name() string { return formatName(e.seq, e.id) }

// Open opens the spool directory at path, creating it (mode 0700: batches
// describe a hospital's devices) and its rejected/ subdirectory when
// missing. It removes the temporary files of writes that were interrupted,
// counts the batches waiting, and drops the oldest when they pass
// opt.MaxBytes (which may have been lowered since they were written).
// EINVALID for a negative bound.
func Open(path string, opt Options) (*Dir, error) {
	switch {
	case opt.MaxBytes < 0:
		return nil, cordon.Invalidf("max_bytes", "The spool's size bound cannot be negative.")
	case opt.MaxRejectedBytes < 0:
		return nil, cordon.Invalidf("max_rejected_bytes", "The bound on rejected batches cannot be negative.")
	}
	if opt.MaxBytes == 0 {
		opt.MaxBytes = DefaultMaxBytes
	}
	if opt.MaxRejectedBytes == 0 {
		opt.MaxRejectedBytes = max(opt.MaxBytes/10, 1)
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	d := &Dir{path: path, opt: opt, notify: make(chan struct{}, 1)}
	if err := os.MkdirAll(path, 0o700); err != nil {
		return nil, fmt.Errorf("spool: open: %w", err)
	}
	if err := os.Mkdir(d.rejectedPath(), 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("spool: open: %w", err)
	}
	if fi, err := os.Stat(d.rejectedPath()); err != nil {
		return nil, fmt.Errorf("spool: open: %w", err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("spool: open: %s is not a directory", d.rejectedPath())
	}
	var err error
	if d.pending, err = d.scan(path); err != nil {
		return nil, err
	}
	if d.rejected, err = d.scan(d.rejectedPath()); err != nil {
		return nil, err
	}
	for _, e := range d.pending {
		d.bytes += e.size
		d.last = max(d.last, e.seq)
	}
	for _, e := range d.rejected {
		d.rejBytes += e.size
		d.last = max(d.last, e.seq)
	}
	d.mu.Lock()
	drop := d.makeRoom(0)
	d.mu.Unlock()
	d.removeDropped(drop)
	d.pruneRejected()
	return d, nil
}

// scan lists the batches in dir, oldest first, removing interrupted writes
// and logging (but leaving) any other file.
func (d *Dir) scan(dir string) ([]entry, error) {
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("spool: open: %w", err)
	}
	var es []entry
	for _, de := range des {
		name := de.Name()
		switch {
		case strings.HasPrefix(name, tempPrefix) && de.Type().IsRegular():
			if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("spool: open: remove interrupted write: %w", err)
			}
			d.opt.Logger.Info("spool: removed an interrupted write", slog.String("file", name))
			continue
		case name == rejectedDir && de.IsDir() && dir == d.path:
			continue
		}
		seq, id, ok := parseName(name)
		if !ok || !de.Type().IsRegular() {
			d.opt.Logger.Warn("spool: ignoring a file that is not a batch", slog.String("dir", dir), slog.String("file", name))
			continue
		}
		fi, err := de.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			return nil, fmt.Errorf("spool: open: %w", err)
		}
		es = append(es, entry{seq: seq, id: id, size: fi.Size()})
	}
	// ReadDir sorts by name, and names sort by stamp; sort by stamp
	// anyway rather than lean on that.
	slices.SortFunc(es, func(a, b entry) int {
		switch {
		case a.seq < b.seq:
			return -1
		case a.seq > b.seq:
			return 1
		}
		return strings.Compare(a.id, b.id)
	})
	return es, nil
}

// Path returns the spool's directory.
func (d *Dir) Path() string { return d.path }

// DirStats are the counts of a spool directory.
type DirStats struct {
	Pending      int   // batches waiting
	PendingBytes int64 // their size as stored
	Dropped      int64 // batches dropped since Open to stay within MaxBytes
}

// Stats returns the spool's counts.
func (d *Dir) Stats() DirStats {
	d.mu.Lock()
	defer d.mu.Unlock()
	return DirStats{Pending: len(d.pending), PendingBytes: d.bytes, Dropped: d.dropped}
}

func (d *Dir) file(e entry) string         { return filepath.Join(d.path, e.name()) }
func (d *Dir) rejectedFile(e entry) string { return filepath.Join(d.path, rejectedDir, e.name()) }
func (d *Dir) rejectedPath() string        { return filepath.Join(d.path, rejectedDir) }

// makeRoom takes the oldest batches off the index until need more bytes
// fit within MaxBytes, sparing the one in flight, and returns them for
// removeDropped. The caller holds d.mu.
func (d *Dir) makeRoom(need int64) []entry {
	var drop []entry
	for d.bytes+need > d.opt.MaxBytes {
		i := 0
		if d.inFlight {
			i = 1
		}
		if i >= len(d.pending) {
			break
		}
		e := d.pending[i]
		d.pending = slices.Delete(d.pending, i, i+1)
		d.bytes -= e.size
		d.dropped++
		drop = append(drop, e)
	}
	return drop
}

// removeDropped deletes the files of dropped batches and logs each drop.
// A file that cannot be deleted is logged and found again at the next
// Open.
func (d *Dir) removeDropped(drop []entry) {
	for _, e := range drop {
		d.opt.Logger.Warn("spool: full, dropped the oldest batch",
			slog.String("batch_id", e.id), slog.Time("spooled", stampTime(e.seq)),
			slog.Int64("bytes", e.size), slog.Int64("max_bytes", d.opt.MaxBytes))
		if err := os.Remove(d.file(e)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			d.opt.Logger.Error("spool: remove dropped batch", slog.String("batch_id", e.id), slog.String("error", err.Error()))
		}
	}
}

// pruneRejected deletes the oldest rejected batches past MaxRejectedBytes.
func (d *Dir) pruneRejected() {
	d.mu.Lock()
	var prune []entry
	for d.rejBytes > d.opt.MaxRejectedBytes && len(d.rejected) > 0 {
		e := d.rejected[0]
		d.rejected = d.rejected[1:]
		d.rejBytes -= e.size
		prune = append(prune, e)
	}
	d.mu.Unlock()
	for _, e := range prune {
		d.opt.Logger.Warn("spool: deleted an old rejected batch to stay within max_rejected_bytes",
			slog.String("batch_id", e.id), slog.Int64("bytes", e.size), slog.Int64("max_rejected_bytes", d.opt.MaxRejectedBytes))
		if err := os.Remove(d.rejectedFile(e)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			d.opt.Logger.Error("spool: remove rejected batch", slog.String("batch_id", e.id), slog.String("error", err.Error()))
		}
	}
}

// stamp turns a clock reading into a batch stamp; a clock before 1970
// stamps 0, and Put keeps stamps increasing whatever the clock says.
func stamp(t time.Time) uint64 {
	if ns := t.UnixNano(); ns > 0 {
		return uint64(ns)
	}
	return 0
}

// stampTime is the time a stamp was taken, for logs.
func stampTime(seq uint64) time.Time {
	if seq > 1<<63-1 {
		return time.Time{}
	}
	return time.Unix(0, int64(seq)).UTC()
}

// syncDir makes the names in dir durable: a rename is not, until the
// directory itself is synced.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
