package ingest

import (
	"context"
	"io"
	"path/filepath"

	"github.com/cordonsec/cordon"
)

// Queue is what takes captures for ingest: the Worker, or in tests a fake.
type Queue interface {
	Enqueue(id int64)
}

// Accept stores an uploaded capture and queues it for ingest. It returns the
// capture and whether the same bytes were already known, in which case the
// existing capture is returned and nothing is queued. name is the file name
// the user gave; limit bounds the size (0: none).
func Accept(ctx context.Context, caps cordon.CaptureService, q Queue, dir, name string, r io.Reader, limit int64) (*cordon.Capture, bool, error) {
	sum, size, err := Save(dir, r, limit)
	if err != nil {
		return nil, false, err
	}
	c := &cordon.Capture{Name: filepath.Base(name), SHA256: sum, Size: size, CreatedBy: cordon.Actor(ctx)}
	switch err := caps.CreateCapture(ctx, c); {
	case cordon.ErrorCode(err) == cordon.ECONFLICT:
		return c, true, nil
	case err != nil:
		return nil, false, err
	}
	q.Enqueue(c.ID)
	return c, false, nil
}
