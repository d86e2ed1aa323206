package feeds

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/feed/csaf"
	"github.com/cordonsec/cordon/feed/epss"
	"github.com/cordonsec/cordon/feed/kev"
	"github.com/cordonsec/cordon/feed/lifecycle"
	"github.com/cordonsec/cordon/feed/nvd"
	"github.com/ulikunitz/xz"
)

// MaxSize bounds one imported file as read (compressed if it is). NVD's
// largest yearly feed is well under a gigabyte even uncompressed.
const MaxSize = 4 << 30

// sniffSize is how much of a file Detect sees.
const sniffSize = 64 << 10

// maxLifecycleSize bounds a lifecycle file after decompression; the
// lifecycle parsers hold it in memory (the largest real page is ~200 KB).
const maxLifecycleSize = 16 << 20

// ErrAlreadyImported is in the chain of the error Import returns when the
// store already holds an import of the same source and bytes. The error
// also carries the store's ECONFLICT, and the *cordon.FeedImport returned
// with it is the earlier import: callers report "unchanged", not a failure.
var ErrAlreadyImported = errors.New("feeds: already imported")

// Import loads one feed file into svc as one import named name (a file
// name or URL), recorded as done by by ("cli" or a user name). It hashes
// the bytes read (SHA-256), detects the format (Detect), and streams the
// records into svc.ImportFeed's writer: NVD files and EPSS score files are
// never held in memory whole.
//
// A malformed file, anywhere in it, returns an error naming the file and
// the problem (code EINVALID) and the store keeps nothing of it. The same
// bytes imported again return the earlier import and an error wrapping
// ErrAlreadyImported.
//
// r is read twice when it is an io.ReadSeeker (an *os.File): once to hash,
// once to import, and the second pass is hashed again so that a file that
// changes in between is refused rather than recorded under the wrong hash.
// Other readers are first copied to a temporary file.
func Import(ctx context.Context, svc cordon.IntelService, name string, r io.Reader, by string) (*cordon.FeedImport, error) {
	rs, cleanup, err := seekable(r, name)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	sum, head, err := hashFrom(rs, name)
	if err != nil {
		return nil, err
	}
	source, err := Detect(name, head)
	if err != nil {
		return nil, err
	}
	imp := &cordon.FeedImport{Source: source, Name: name, SHA256: sum, By: by}
	return importParts(ctx, svc, imp, []part{{name, rs}})
}

// part is one stretch of bytes of an import: a file, or one page of an
// NVD download.
type part struct {
	name string
	r    io.ReadSeeker
}

// importParts runs one import whose source and hash (of the parts' bytes
// one after the other, from their current positions) are known, loading
// the parts in order in one transaction.
func importParts(ctx context.Context, svc cordon.IntelService, imp *cordon.FeedImport, parts []part) (*cordon.FeedImport, error) {
	starts := make([]int64, len(parts))
	for i, p := range parts {
		off, err := p.r.Seek(0, io.SeekCurrent)
		if err != nil {
			return nil, fmt.Errorf("feeds: import %s: %w", p.name, err)
		}
		starts[i] = off
	}
	ran := false
	err := svc.ImportFeed(ctx, imp, func(w cordon.FeedWriter) error {
		ran = true
		imp.Records = 0
		h := sha256.New()
		for i, p := range parts {
			if _, err := p.r.Seek(starts[i], io.SeekStart); err != nil {
				return fmt.Errorf("feeds: import %s: %w", p.name, err)
			}
			tee := io.TeeReader(io.LimitReader(p.r, MaxSize), h)
			n, err := load(ctx, imp.Source, p.name, tee, w)
			imp.Records += n
			if err != nil {
				return err
			}
			// The parsers may stop before trailing bytes (whitespace after
			// the JSON); they count in the hash all the same.
			if _, err := io.Copy(io.Discard, tee); err != nil {
				return fmt.Errorf("feeds: import %s: %w", p.name, err)
			}
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != imp.SHA256 {
			return cordon.Errorf(cordon.ECONFLICT, "%s changed while it was being imported; nothing was kept. Import it again.", imp.Name)
		}
		return nil
	})
	switch {
	case err == nil:
		return imp, nil
	case !ran && cordon.ErrorCode(err) == cordon.ECONFLICT:
		return imp, fmt.Errorf("%w: %w", ErrAlreadyImported, err)
	}
	return nil, err
}

// seekable returns r itself when it can seek, and otherwise a temporary
// copy of it, removed by cleanup.
func seekable(r io.Reader, name string) (io.ReadSeeker, func(), error) {
	if rs, ok := r.(io.ReadSeeker); ok {
		if _, err := rs.Seek(0, io.SeekCurrent); err == nil {
			return rs, func() {}, nil
		}
	}
	f, err := os.CreateTemp("", "cordon-feed-*")
	if err != nil {
		return nil, nil, fmt.Errorf("feeds: import %s: spool: %w", name, err)
	}
	cleanup := func() {
		f.Close()
		os.Remove(f.Name())
	}
	n, err := io.Copy(f, io.LimitReader(r, MaxSize+1))
	switch {
	case err != nil:
		cleanup()
		return nil, nil, fmt.Errorf("feeds: read %s: %w", name, err)
	case n > MaxSize:
		cleanup()
		return nil, nil, cordon.Errorf(cordon.EINVALID, "%s is larger than %d bytes.", name, int64(MaxSize))
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		cleanup()
		return nil, nil, fmt.Errorf("feeds: import %s: spool: %w", name, err)
	}
	return f, cleanup, nil
}

// hashFrom returns the SHA-256 of rs from its position to its end and the
// first sniffSize bytes, and seeks back to where it started.
func hashFrom(rs io.ReadSeeker, name string) (string, []byte, error) {
	h := sha256.New()
	head, err := hashInto(h, rs, name)
	if err != nil {
		return "", nil, err
	}
	return hex.EncodeToString(h.Sum(nil)), head, nil
}

// hashInto writes rs from its position to its end into h, returns its
// first sniffSize bytes and seeks back to where it started.
func hashInto(h io.Writer, rs io.ReadSeeker, name string) ([]byte, error) {
	start, err := rs.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, fmt.Errorf("feeds: read %s: %w", name, err)
	}
	head := &prefixWriter{max: sniffSize}
	n, err := io.Copy(io.MultiWriter(h, head), io.LimitReader(rs, MaxSize+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("feeds: read %s: %w", name, err)
	case n > MaxSize:
		return nil, cordon.Errorf(cordon.EINVALID, "%s is larger than %d bytes.", name, int64(MaxSize))
	case n == 0:
		return nil, cordon.Errorf(cordon.EINVALID, "%s is empty.", name)
	}
	if _, err := rs.Seek(start, io.SeekStart); err != nil {
		return nil, fmt.Errorf("feeds: read %s: %w", name, err)
	}
	return head.buf, nil
}

// prefixWriter keeps the first max bytes written to it.
type prefixWriter struct {
	buf []byte
	max int
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	if room := p.max - len(p.buf); room > 0 {
		p.buf = append(p.buf, b[:min(room, len(b))]...)
	}
	return len(b), nil
}

// decompress returns r, gunzipped or unxzed when its first bytes say so.
func decompress(r io.Reader, name string) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	magic, _ := br.Peek(len(xzMagic))
	switch {
	case bytes.HasPrefix(magic, gzipMagic):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, cordon.Errorf(cordon.EINVALID, "%s is not a valid gzip file: %v.", name, err)
		}
		return zr, nil
	case bytes.HasPrefix(magic, xzMagic):
		zr, err := xz.NewReader(br)
		if err != nil {
			return nil, cordon.Errorf(cordon.EINVALID, "%s is not a valid xz file: %v.", name, err)
		}
		return zr, nil
	}
	return br, nil
}

// load parses the (possibly compressed) file r of the given source and puts
// its records into w, returning how many it put.
func load(ctx context.Context, source, name string, r io.Reader, w cordon.FeedWriter) (int, error) {
	in, err := decompress(r, name)
	if err != nil {
		return 0, err
	}
	n := 0
	switch source {
	case cordon.FeedNVD:
		_, err := nvd.Decode(in, name, func(v *cordon.Vulnerability) error {
			if n++; n%1024 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			return w.PutVulnerability(v)
		})
		return n, err
	case cordon.FeedKEV:
		cat, err := kev.Parse(in)
		if err != nil {
			return 0, invalid(name, "CISA KEV catalogue", err)
		}
		ids := make([]string, 0, len(cat.Entries))
		for id := range cat.Entries {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			e := cat.Entries[id]
			if err := w.PutKEV(id, &e); err != nil {
				return n, err
			}
			n++
		}
		return n, nil
	case cordon.FeedEPSS:
		rd, err := epss.NewReader(in)
		if err != nil {
			return 0, invalid(name, "EPSS score file", err)
		}
		for {
			id, s, err := rd.Next()
			if err == io.EOF {
				return n, nil
			}
			if err != nil {
				return n, invalid(name, "EPSS score file", err)
			}
			if n%4096 == 0 && ctx.Err() != nil {
				return n, ctx.Err()
			}
			if err := w.PutEPSS(id, &s); err != nil {
				return n, err
			}
			n++
		}
	case cordon.FeedCSAF:
		doc, err := csaf.ParseReader(name, in)
		if err != nil {
			return 0, err // a *csaf.ParseError names the file and the JSON path
		}
		return 1, w.PutAdvisory(&doc.Advisory)
	case cordon.FeedLifecycle:
		data, err := io.ReadAll(io.LimitReader(in, maxLifecycleSize+1))
		if err != nil {
			return 0, invalid(name, "lifecycle file", err)
		}
		if len(data) > maxLifecycleSize {
			return 0, cordon.Errorf(cordon.EINVALID, "%s is larger than %d bytes once decompressed.", name, maxLifecycleSize)
		}
		var lcs []cordon.Lifecycle
		if isDeviceLifecycle(data) {
			if lcs, err = lifecycle.ParseDevices(data); err != nil {
				return 0, invalid(name, "device lifecycle file (docs/lifecycle.md)", err)
			}
		} else {
			p, err := lifecycle.ParseEndOfLife(productName(name), data)
			if err != nil {
				return 0, invalid(name, "endoflife.date product page", err)
			}
			lcs = p.Releases
		}
		for i := range lcs {
			if err := w.PutLifecycle(&lcs[i]); err != nil {
				return n, err
			}
			n++
		}
		return n, nil
	}
	return 0, cordon.Errorf(cordon.EINVALID, "Unknown feed source %q.", source)
}

// invalid reports a malformed file in a message that names it.
func invalid(name, what string, err error) error {
	if cordon.ErrorCode(err) == cordon.EINVALID {
		return err
	}
	msg := err.Error()
	for _, p := range []string{"kev: ", "epss: ", "lifecycle: devices: ", "lifecycle: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	return fmt.Errorf("feeds: import %s: %w", name, cordon.Errorf(cordon.EINVALID, "%s is not a valid %s: %s.", name, what, strings.TrimSuffix(msg, ".")))
}

// productName is the endoflife.date product id of a page: its file name
// without directories, compression suffix, query or ".md".
func productName(name string) string {
	if i := strings.IndexAny(name, "?#"); i >= 0 && strings.Contains(name, "://") {
		name = name[:i]
	}
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	for _, suf := range []string{".gz", ".xz", ".md", ".markdown"} {
		name = strings.TrimSuffix(name, suf)
	}
	return name
}

func sha256New() hash.Hash { return sha256.New() }

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }
