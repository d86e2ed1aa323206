package mock

import (
	"context"

	"github.com/cordonsec/cordon"
)

var _ cordon.IntelService = (*IntelService)(nil)

// IntelService is a cordon.IntelService whose methods call its function
// fields.
type IntelService struct {
	ImportFeedFn        func(ctx context.Context, imp *cordon.FeedImport, fn func(cordon.FeedWriter) error) error
	FindFeedImportsFn   func(ctx context.Context, limit int) ([]*cordon.FeedImport, error)
	FeedStatusFn        func(ctx context.Context) ([]cordon.FeedStatus, error)
	IntelVersionFn      func(ctx context.Context) (int64, error)
	FindVulnerabilityFn func(ctx context.Context, id string) (*cordon.Vulnerability, error)
	EachVulnerabilityFn func(ctx context.Context, fn func(v *cordon.Vulnerability) error) error
	EPSSHistoryFn       func(ctx context.Context, cve string) ([]cordon.EPSSScore, error)
	FindAdvisoriesFn    func(ctx context.Context) ([]*cordon.Advisory, error)
	FindAdvisoryFn      func(ctx context.Context, id string) (*cordon.Advisory, error)
	FindLifecyclesFn    func(ctx context.Context) ([]cordon.Lifecycle, error)
}

// ImportFeed calls ImportFeedFn.
func (s *IntelService) ImportFeed(ctx context.Context, imp *cordon.FeedImport, fn func(cordon.FeedWriter) error) error {
	if s.ImportFeedFn == nil {
		panic(unset("IntelService.ImportFeed"))
	}
	return s.ImportFeedFn(ctx, imp, fn)
}

// FindFeedImports calls FindFeedImportsFn.
func (s *IntelService) FindFeedImports(ctx context.Context, limit int) ([]*cordon.FeedImport, error) {
	if s.FindFeedImportsFn == nil {
		panic(unset("IntelService.FindFeedImports"))
	}
	return s.FindFeedImportsFn(ctx, limit)
}

// FeedStatus calls FeedStatusFn.
func (s *IntelService) FeedStatus(ctx context.Context) ([]cordon.FeedStatus, error) {
	if s.FeedStatusFn == nil {
		panic(unset("IntelService.FeedStatus"))
	}
	return s.FeedStatusFn(ctx)
}

// IntelVersion calls IntelVersionFn.
func (s *IntelService) IntelVersion(ctx context.Context) (int64, error) {
	if s.IntelVersionFn == nil {
		panic(unset("IntelService.IntelVersion"))
	}
	return s.IntelVersionFn(ctx)
}

// FindVulnerability calls FindVulnerabilityFn.
func (s *IntelService) FindVulnerability(ctx context.Context, id string) (*cordon.Vulnerability, error) {
	if s.FindVulnerabilityFn == nil {
		panic(unset("IntelService.FindVulnerability"))
	}
	return s.FindVulnerabilityFn(ctx, id)
}

// EachVulnerability calls EachVulnerabilityFn.
func (s *IntelService) EachVulnerability(ctx context.Context, fn func(v *cordon.Vulnerability) error) error {
	if s.EachVulnerabilityFn == nil {
		panic(unset("IntelService.EachVulnerability"))
	}
	return s.EachVulnerabilityFn(ctx, fn)
}

// EPSSHistory calls EPSSHistoryFn.
func (s *IntelService) EPSSHistory(ctx context.Context, cve string) ([]cordon.EPSSScore, error) {
	if s.EPSSHistoryFn == nil {
		panic(unset("IntelService.EPSSHistory"))
	}
	return s.EPSSHistoryFn(ctx, cve)
}

// FindAdvisories calls FindAdvisoriesFn.
func (s *IntelService) FindAdvisories(ctx context.Context) ([]*cordon.Advisory, error) {
	if s.FindAdvisoriesFn == nil {
		panic(unset("IntelService.FindAdvisories"))
	}
	return s.FindAdvisoriesFn(ctx)
}

// FindAdvisory calls FindAdvisoryFn.
func (s *IntelService) FindAdvisory(ctx context.Context, id string) (*cordon.Advisory, error) {
	if s.FindAdvisoryFn == nil {
		panic(unset("IntelService.FindAdvisory"))
	}
	return s.FindAdvisoryFn(ctx, id)
}

// FindLifecycles calls FindLifecyclesFn.
func (s *IntelService) FindLifecycles(ctx context.Context) ([]cordon.Lifecycle, error) {
	if s.FindLifecyclesFn == nil {
		panic(unset("IntelService.FindLifecycles"))
	}
	return s.FindLifecyclesFn(ctx)
}

var _ cordon.FeedWriter = (*FeedWriter)(nil)

// FeedWriter is a cordon.FeedWriter whose methods call its function fields,
// for testing an importer without a store.
type FeedWriter struct {
	PutVulnerabilityFn func(v *cordon.Vulnerability) error
	PutKEVFn           func(cve string, e *cordon.KEVEntry) error
	PutEPSSFn          func(cve string, s *cordon.EPSSScore) error
	PutAdvisoryFn      func(a *cordon.Advisory) error
	PutLifecycleFn     func(l *cordon.Lifecycle) error
}

// PutVulnerability calls PutVulnerabilityFn.
func (w *FeedWriter) PutVulnerability(v *cordon.Vulnerability) error {
	if w.PutVulnerabilityFn == nil {
		panic(unset("FeedWriter.PutVulnerability"))
	}
	return w.PutVulnerabilityFn(v)
}

// PutKEV calls PutKEVFn.
func (w *FeedWriter) PutKEV(cve string, e *cordon.KEVEntry) error {
	if w.PutKEVFn == nil {
		panic(unset("FeedWriter.PutKEV"))
	}
	return w.PutKEVFn(cve, e)
}

// PutEPSS calls PutEPSSFn.
func (w *FeedWriter) PutEPSS(cve string, s *cordon.EPSSScore) error {
	if w.PutEPSSFn == nil {
		panic(unset("FeedWriter.PutEPSS"))
	}
	return w.PutEPSSFn(cve, s)
}

// PutAdvisory calls PutAdvisoryFn.
func (w *FeedWriter) PutAdvisory(a *cordon.Advisory) error {
	if w.PutAdvisoryFn == nil {
		panic(unset("FeedWriter.PutAdvisory"))
	}
	return w.PutAdvisoryFn(a)
}

// PutLifecycle calls PutLifecycleFn.
func (w *FeedWriter) PutLifecycle(l *cordon.Lifecycle) error {
	if w.PutLifecycleFn == nil {
		panic(unset("FeedWriter.PutLifecycle"))
	}
	return w.PutLifecycleFn(l)
}
