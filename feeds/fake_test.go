package feeds

import (
	"context"
	"maps"
	"sync"
	"time"

	"github.com/cordonsec/cordon"
)

// fakeIntel is an in-memory IntelService with the transaction contract of
// ImportFeed: what fn puts is kept only when fn returns nil.
type fakeIntel struct {
	mu      sync.Mutex
	imports []*cordon.FeedImport
	vulns   map[string]*cordon.Vulnerability
	kev     map[string]cordon.KEVEntry
	epss    map[string]cordon.EPSSScore
	advs    map[string]*cordon.Advisory
	lcs     map[string]cordon.Lifecycle
}

var _ cordon.IntelService = (*fakeIntel)(nil)

func newFakeIntel() *fakeIntel {
	return &fakeIntel{
		vulns: map[string]*cordon.Vulnerability{}, kev: map[string]cordon.KEVEntry{},
		epss: map[string]cordon.EPSSScore{}, advs: map[string]*cordon.Advisory{}, lcs: map[string]cordon.Lifecycle{},
	}
}

type fakeWriter struct{ f *fakeIntel }

func (w fakeWriter) PutVulnerability(v *cordon.Vulnerability) error {
	if old, ok := w.f.vulns[v.ID]; ok && !v.Modified.After(old.Modified) {
		return nil
	}
	w.f.vulns[v.ID] = v
	return nil
}
func (w fakeWriter) PutKEV(cve string, e *cordon.KEVEntry) error   { w.f.kev[cve] = *e; return nil }
func (w fakeWriter) PutEPSS(cve string, s *cordon.EPSSScore) error { w.f.epss[cve] = *s; return nil }
func (w fakeWriter) PutAdvisory(a *cordon.Advisory) error          { w.f.advs[a.ID] = a; return nil }
func (w fakeWriter) PutLifecycle(l *cordon.Lifecycle) error {
	w.f.lcs[l.Product+"/"+l.Release] = *l
	return nil
}

func (f *fakeIntel) ImportFeed(ctx context.Context, imp *cordon.FeedImport, fn func(cordon.FeedWriter) error) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, old := range f.imports {
		if old.Source == imp.Source && old.SHA256 == imp.SHA256 {
			*imp = *old
			return cordon.Errorf(cordon.ECONFLICT, "Already imported.")
		}
	}
	stage := &fakeIntel{vulns: maps.Clone(f.vulns), kev: maps.Clone(f.kev), epss: maps.Clone(f.epss),
		advs: maps.Clone(f.advs), lcs: maps.Clone(f.lcs)}
	if err := fn(fakeWriter{stage}); err != nil {
		return err
	}
	f.vulns, f.kev, f.epss, f.advs, f.lcs = stage.vulns, stage.kev, stage.epss, stage.advs, stage.lcs
	imp.ID = int64(len(f.imports) + 1)
	imp.ImportedAt = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	imp.Changed = imp.Records
	cp := *imp
	f.imports = append(f.imports, &cp)
	return nil
}

func (f *fakeIntel) FindFeedImports(ctx context.Context, limit int) ([]*cordon.FeedImport, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*cordon.FeedImport(nil), f.imports...), nil
}

func (f *fakeIntel) FeedStatus(ctx context.Context) ([]cordon.FeedStatus, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var newest time.Time
	for _, v := range f.vulns {
		if v.Modified.After(newest) {
			newest = v.Modified
		}
	}
	out := []cordon.FeedStatus{{Source: cordon.FeedNVD, Records: len(f.vulns), Newest: newest}}
	return out, nil
}

func (f *fakeIntel) IntelVersion(ctx context.Context) (int64, error) {
	return int64(len(f.imports)), nil
}
func (f *fakeIntel) FindVulnerability(ctx context.Context, id string) (*cordon.Vulnerability, error) {
	if v, ok := f.vulns[id]; ok {
		return v, nil
	}
	return nil, cordon.Errorf(cordon.ENOTFOUND, "Not found.")
}
func (f *fakeIntel) EachVulnerability(ctx context.Context, fn func(v *cordon.Vulnerability) error) error {
	return nil
}
func (f *fakeIntel) EPSSHistory(ctx context.Context, cve string) ([]cordon.EPSSScore, error) {
	return nil, nil
}
func (f *fakeIntel) FindAdvisories(ctx context.Context) ([]*cordon.Advisory, error) { return nil, nil }
func (f *fakeIntel) FindAdvisory(ctx context.Context, id string) (*cordon.Advisory, error) {
	return nil, cordon.Errorf(cordon.ENOTFOUND, "Not found.")
}
func (f *fakeIntel) FindLifecycles(ctx context.Context) ([]cordon.Lifecycle, error) { return nil, nil }
