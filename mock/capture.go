package mock

import (
	"context"

	"github.com/cordonsec/cordon"
)

var (
	_ cordon.CaptureService = (*CaptureService)(nil)
	_ cordon.IngestService  = (*IngestService)(nil)
)

// CaptureService is a cordon.CaptureService whose methods call its function
// fields.
type CaptureService struct {
	CreateCaptureFn      func(ctx context.Context, c *cordon.Capture) error
	FindCaptureByIDFn    func(ctx context.Context, id int64) (*cordon.Capture, error)
	FindCapturesFn       func(ctx context.Context, f cordon.CaptureFilter) ([]*cordon.Capture, int, error)
	StartCaptureFn       func(ctx context.Context, id int64) error
	SetCaptureProgressFn func(ctx context.Context, id int64, progress float64) error
	FailCaptureFn        func(ctx context.Context, id int64, msg string) error
	RequeueRunningFn     func(ctx context.Context) ([]int64, error)
}

// CreateCapture calls CreateCaptureFn.
func (s *CaptureService) CreateCapture(ctx context.Context, c *cordon.Capture) error {
	if s.CreateCaptureFn == nil {
		panic(unset("CaptureService.CreateCapture"))
	}
	return s.CreateCaptureFn(ctx, c)
}

// FindCaptureByID calls FindCaptureByIDFn.
func (s *CaptureService) FindCaptureByID(ctx context.Context, id int64) (*cordon.Capture, error) {
	if s.FindCaptureByIDFn == nil {
		panic(unset("CaptureService.FindCaptureByID"))
	}
	return s.FindCaptureByIDFn(ctx, id)
}

// FindCaptures calls FindCapturesFn.
func (s *CaptureService) FindCaptures(ctx context.Context, f cordon.CaptureFilter) ([]*cordon.Capture, int, error) {
	if s.FindCapturesFn == nil {
		panic(unset("CaptureService.FindCaptures"))
	}
	return s.FindCapturesFn(ctx, f)
}

// StartCapture calls StartCaptureFn.
func (s *CaptureService) StartCapture(ctx context.Context, id int64) error {
	if s.StartCaptureFn == nil {
		panic(unset("CaptureService.StartCapture"))
	}
	return s.StartCaptureFn(ctx, id)
}

// SetCaptureProgress calls SetCaptureProgressFn.
func (s *CaptureService) SetCaptureProgress(ctx context.Context, id int64, progress float64) error {
	if s.SetCaptureProgressFn == nil {
		panic(unset("CaptureService.SetCaptureProgress"))
	}
	return s.SetCaptureProgressFn(ctx, id, progress)
}

// FailCapture calls FailCaptureFn.
func (s *CaptureService) FailCapture(ctx context.Context, id int64, msg string) error {
	if s.FailCaptureFn == nil {
		panic(unset("CaptureService.FailCapture"))
	}
	return s.FailCaptureFn(ctx, id, msg)
}

// RequeueRunning calls RequeueRunningFn.
func (s *CaptureService) RequeueRunning(ctx context.Context) ([]int64, error) {
	if s.RequeueRunningFn == nil {
		panic(unset("CaptureService.RequeueRunning"))
	}
	return s.RequeueRunningFn(ctx)
}

// IngestService is a cordon.IngestService whose methods call its function
// fields.
type IngestService struct {
	ObservedByKeysFn func(ctx context.Context, keys []string) (map[string]*cordon.Device, error)
	CommitIngestFn   func(ctx context.Context, captureID int64, devices map[string]*cordon.Device, conv []cordon.Conversation, stats cordon.IngestStats) error
}

// ObservedByKeys calls ObservedByKeysFn.
func (s *IngestService) ObservedByKeys(ctx context.Context, keys []string) (map[string]*cordon.Device, error) {
	if s.ObservedByKeysFn == nil {
		panic(unset("IngestService.ObservedByKeys"))
	}
	return s.ObservedByKeysFn(ctx, keys)
}

// CommitIngest calls CommitIngestFn.
func (s *IngestService) CommitIngest(ctx context.Context, captureID int64, devices map[string]*cordon.Device, conv []cordon.Conversation, stats cordon.IngestStats) error {
	if s.CommitIngestFn == nil {
		panic(unset("IngestService.CommitIngest"))
	}
	return s.CommitIngestFn(ctx, captureID, devices, conv, stats)
}

// Ingester records or handles the captures queued for ingest: the
// interface the HTTP server hands new uploads to.
type Ingester struct {
	EnqueueFn func(id int64)
}

// Enqueue calls EnqueueFn, or does nothing when it is unset: a test that
// does not care about ingest need not say so.
func (i *Ingester) Enqueue(id int64) {
	if i.EnqueueFn != nil {
		i.EnqueueFn(id)
	}
}
