package cordon

import (
	"context"
	"time"
)

// Feed sources: where vulnerability and lifecycle intelligence comes from.
const (
	FeedNVD       = "nvd"       // NVD CVE records, API 2.0 format
	FeedKEV       = "kev"       // CISA Known Exploited Vulnerabilities
	FeedEPSS      = "epss"      // FIRST EPSS scores
	FeedCSAF      = "csaf"      // CSAF 2.0 advisories (CISA ICSMA …)
	FeedLifecycle = "lifecycle" // endoflife.date pages and Cordon's device lifecycle files
)

// FeedSources lists the sources in display order.
var FeedSources = []string{FeedNVD, FeedKEV, FeedEPSS, FeedCSAF, FeedLifecycle}

// FeedImport records one file or download loaded into the store.
type FeedImport struct {
	ID         int64     `json:"id"`
	Source     string    `json:"source"` // one of FeedSources
	Name       string    `json:"name"`   // file name or URL
	SHA256     string    `json:"sha256"` // of the bytes as read (compressed if they were)
	Records    int       `json:"records"`
	Changed    int       `json:"changed"` // records added or changed; set by the store
	ImportedAt time.Time `json:"imported_at"`
	By         string    `json:"by"` // user name, or "cli"
}

// FeedStatus summarises what the store holds from one source.
type FeedStatus struct {
	Source  string `json:"source"`
	Records int    `json:"records"` // vulnerabilities, KEV entries, CVEs scored, advisories, lifecycles
	// Newest is the newest date the data itself carries: last modified
	// CVE, newest KEV date added, EPSS score date, advisory update,
	// lifecycle import. Zero when nothing is loaded.
	Newest     time.Time   `json:"newest,omitzero"`
	LastImport *FeedImport `json:"last_import"`
}

// FeedWriter receives the records of one import. Everything put commits
// together when the import function returns nil, and nothing does otherwise.
type FeedWriter interface {
	// PutVulnerability adds or replaces NVD's part of a vulnerability (its
	// KEV and EPSS fields are ignored). A record no newer (by Modified)
	// than the one stored is left alone.
	PutVulnerability(v *Vulnerability) error
	// PutKEV adds or replaces the KEV listing of a CVE, which need not be
	// known from NVD.
	PutKEV(cve string, e *KEVEntry) error
	// PutEPSS adds a CVE's score for s.Date; scores of other dates are kept
	// as history.
	PutEPSS(cve string, s *EPSSScore) error
	// PutAdvisory adds or replaces an advisory by ID.
	PutAdvisory(a *Advisory) error
	// PutLifecycle adds or replaces a release's lifecycle by product and
	// release.
	PutLifecycle(l *Lifecycle) error
}

// IntelService stores vulnerability and lifecycle intelligence.
type IntelService interface {
	// ImportFeed runs fn with a writer in one transaction and records imp
	// (its ID, ImportedAt and Changed are set). If fn returns an error,
	// nothing fn wrote is kept and no import is recorded. If an import of
	// the same source and SHA256 exists, fn is not run and ImportFeed
	// returns ECONFLICT with imp filled from the earlier import. Audited as
	// "feed.import".
	ImportFeed(ctx context.Context, imp *FeedImport, fn func(FeedWriter) error) error
	// FindFeedImports returns the latest imports, newest first.
	FindFeedImports(ctx context.Context, limit int) ([]*FeedImport, error)
	// FeedStatus returns one status per source in FeedSources, including
	// sources never imported (Records 0, LastImport nil).
	FeedStatus(ctx context.Context) ([]FeedStatus, error)
	// IntelVersion increases with every import; caches of derived data
	// (the matcher, findings) compare it to know they are stale.
	IntelVersion(ctx context.Context) (int64, error)

	// FindVulnerability returns a vulnerability with its KEV listing and
	// latest EPSS score, or ENOTFOUND. A CVE known only from KEV or EPSS is
	// found, with the parts NVD would give empty.
	FindVulnerability(ctx context.Context, id string) (*Vulnerability, error)
	// EachVulnerability calls fn for every vulnerability NVD described
	// (KEV and latest EPSS filled in), in ID order, stopping at fn's error.
	// v is fn's to keep.
	EachVulnerability(ctx context.Context, fn func(v *Vulnerability) error) error
	// EPSSHistory returns a CVE's scores, oldest first.
	EPSSHistory(ctx context.Context, cve string) ([]EPSSScore, error)
	// FindAdvisories returns every advisory, newest update first.
	FindAdvisories(ctx context.Context) ([]*Advisory, error)
	// FindAdvisory returns one advisory by ID, or ENOTFOUND.
	FindAdvisory(ctx context.Context, id string) (*Advisory, error)
	// FindLifecycles returns every lifecycle, by product then release.
	FindLifecycles(ctx context.Context) ([]Lifecycle, error)
}
