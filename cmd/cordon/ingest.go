package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/ingest"
)

func runIngest(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	ctx = cliContext(ctx)
	fs := newFlagSet("ingest", "[--data DIR] CAPTURE...", stderr)
	data := dataFlag(fs)
	profiles := fs.String("profiles", "", "JSON `file` of extra device profiles")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return &usageError{msg: "ingest needs at least one capture file"}
	}
	st, err := openStore(*data, slog.New(slog.DiscardHandler), *profiles)
	if err != nil {
		return err
	}
	defer st.Close()
	failed := 0
	for _, path := range fs.Args() {
		c, dup, err := ingestFile(ctx, st, path)
		switch {
		case err != nil:
			return err
		case dup:
			fmt.Fprintf(stdout, "%s: already ingested as capture %d (%s); nothing added\n", path, c.ID, c.Status)
		case c.Status == cordon.CaptureFailed:
			failed++
			fmt.Fprintf(stderr, "cordon: %s: %s\n", path, c.Error)
		default:
			fmt.Fprintf(stdout, "%s: %s, %d devices (%d new), %d packets\n",
				path, c.Status, c.Stats.Devices, c.Stats.NewDevices, c.Stats.Packets)
			for _, w := range c.Stats.Warnings {
				fmt.Fprintf(stderr, "cordon: warning: %s\n", w)
			}
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d captures could not be ingested", failed, fs.NArg())
	}
	return nil
}

// ingestFile stores one capture file and ingests it now, unless the
// register already holds it (dup).
func ingestFile(ctx context.Context, st *store, path string) (c *cordon.Capture, dup bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false, cordon.Errorf(cordon.EINVALID, "Cannot read %s: %v.", path, err)
	}
	defer f.Close()
	// Stored and recorded as any upload is; then ingested here and now
	// rather than queued for a server.
	c, dup, err = ingest.Accept(ctx, st.captures, nowQueue{}, st.captureDir(), path, f, 0)
	switch {
	case err != nil:
		return nil, false, err
	case dup && c.Status != cordon.CaptureQueued:
		return c, true, nil // the same bytes were ingested before: nothing to add
	}
	// New, or uploaded to a server that has not reached it yet.
	ingestErr := st.worker.IngestOne(ctx, c.ID)
	c, err = st.captures.FindCaptureByID(ctx, c.ID)
	switch {
	case err != nil:
		return nil, false, err
	case ingestErr != nil && c.Status != cordon.CaptureFailed:
		return nil, false, ingestErr
	}
	return c, false, nil
}

// nowQueue takes no captures: `cordon ingest` ingests each one itself.
type nowQueue struct{}

func (nowQueue) Enqueue(int64) {}
