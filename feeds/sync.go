package feeds

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// Syncer fetches the configured feeds over HTTP and imports each body
// through the same path as a file (Import), so a download is checked,
// deduplicated and kept whole or not at all exactly like a file.
type Syncer struct {
	Intel  cordon.IntelService
	Config Config
	// NVDAPIKey is sent as NVD's apiKey header; the caller reads it from
	// the variable Config.NVD.APIKeyEnv names. It is never logged.
	NVDAPIKey string
	By        string       // recorded as who imported: "cli", a user name
	Client    *http.Client // nil: a client with a 5-minute timeout
	UserAgent string
	Now       func() time.Time
	Logger    *slog.Logger
	// Sleep waits between requests and retries; nil waits for real.
	Sleep func(context.Context, time.Duration) error
	// TempDir holds downloads until they are imported; "" is the
	// system's temporary directory.
	TempDir string
}

// nvdMaxWindow is the longest lastModStartDate–lastModEndDate range the
// NVD API accepts.
const nvdMaxWindow = 120 * 24 * time.Hour

// nvdTime formats dates as the NVD API wants them (ISO-8601 with
// milliseconds and offset; url.Values encodes the "+").
const nvdTime = "2006-01-02T15:04:05.000-07:00"

// maxPages bounds the pages of one NVD window, so a server that never
// reaches totalResults cannot keep Sync going forever.
const maxPages = 10000

// Sync fetches every configured source in the order of cordon.FeedSources
// and calls each with every import's result as it finishes. A source that
// fails does not stop the others; only a cancelled ctx does, and then Sync
// returns its error.
func (s *Syncer) Sync(ctx context.Context, each func(Result)) error {
	f := s.fetcher()
	report := func(r Result) {
		s.log(r)
		each(r)
	}
	if s.Config.NVD.URL != "" {
		s.syncNVD(ctx, f, report)
	}
	for _, u := range []struct{ url string }{{s.Config.KEV.URL}, {s.Config.EPSS.URL}} {
		if u.url != "" && ctx.Err() == nil {
			report(s.fetchImport(ctx, f, u.url))
		}
	}
	if ctx.Err() == nil {
		s.syncCSAF(ctx, f, report)
	}
	if base := s.Config.EndOfLife.BaseURL; base != "" {
		if !strings.HasSuffix(base, "/") {
			base += "/"
		}
		for _, p := range s.Config.EndOfLife.Products {
			if ctx.Err() != nil {
				break
			}
			report(s.fetchImport(ctx, f, base+url.PathEscape(p)+".md"))
		}
	}
	return ctx.Err()
}

func (s *Syncer) log(r Result) {
	if s.Logger == nil {
		return
	}
	switch {
	case r.Err != nil:
		s.Logger.Warn("feed sync failed", slog.String("name", r.Name), slog.String("error", r.Err.Error()))
	case r.Unchanged:
		s.Logger.Info("feed unchanged", slog.String("name", r.Name))
	default:
		s.Logger.Info("feed imported", slog.String("name", r.Name), slog.String("source", r.Import.Source),
			slog.Int("records", r.Import.Records), slog.Int("changed", r.Import.Changed))
	}
}

func (s *Syncer) fetcher() *fetcher {
	c := s.Client
	if c == nil {
		c = &http.Client{Timeout: 5 * time.Minute}
	}
	ua := s.UserAgent
	if ua == "" {
		ua = "cordon"
	}
	sleep := s.Sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	return &fetcher{client: c, userAgent: ua, dir: s.TempDir, sleep: sleep}
}

func (s *Syncer) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// fetchImport downloads one URL and imports it.
func (s *Syncer) fetchImport(ctx context.Context, f *fetcher, u string) Result {
	file, err := f.get(ctx, u, nil, nil, s.Config.NVD.Retries, time.Duration(s.Config.NVD.Backoff))
	if err != nil {
		return Result{Name: u, Err: err}
	}
	defer removeTemp(file)
	imp, err := Import(ctx, s.Intel, u, file, s.By)
	if errors.Is(err, ErrAlreadyImported) {
		return Result{Name: u, Import: imp, Unchanged: true}
	}
	return Result{Name: u, Import: imp, Err: err}
}

// syncCSAF fetches the listed advisories and those of the provider index.
func (s *Syncer) syncCSAF(ctx context.Context, f *fetcher, report func(Result)) {
	urls := append([]string(nil), s.Config.CSAF.URLs...)
	if idx := s.Config.CSAF.Index; idx != "" {
		listed, err := s.csafIndex(ctx, f, idx)
		if err != nil {
			report(Result{Name: idx, Err: err})
		}
		urls = append(urls, listed...)
	}
	for _, u := range urls {
		if ctx.Err() != nil {
			return
		}
		report(s.fetchImport(ctx, f, u))
	}
}

// csafIndex reads a CSAF provider's index.txt: one advisory path a line,
// relative to the index.
func (s *Syncer) csafIndex(ctx context.Context, f *fetcher, idx string) ([]string, error) {
	base, err := url.Parse(idx)
	if err != nil {
		return nil, cordon.Errorf(cordon.EINVALID, "csaf.index %q is not a URL.", idx)
	}
	file, err := f.get(ctx, idx, nil, nil, s.Config.NVD.Retries, time.Duration(s.Config.NVD.Backoff))
	if err != nil {
		return nil, err
	}
	defer removeTemp(file)
	var out []string
	sc := bufio.NewScanner(io.LimitReader(file, 64<<20))
	for line := 1; sc.Scan(); line++ {
		p := strings.TrimSpace(sc.Text())
		if p == "" || !strings.HasSuffix(p, ".json") || !strings.Contains(p, s.Config.CSAF.Match) {
			continue
		}
		ref, err := url.Parse(p)
		if err != nil {
			return nil, cordon.Errorf(cordon.EINVALID, "%s line %d: %q is not a path.", idx, line, p)
		}
		out = append(out, base.ResolveReference(ref).String())
	}
	if err := sc.Err(); err != nil {
		return nil, cordon.Errorf(cordon.EINVALID, "%s is not a CSAF index: %v.", idx, err)
	}
	return out, nil
}

// syncNVD fetches the CVEs modified since the newest one held, in windows
// of at most 120 days, oldest first, each window (all its pages) one
// import. It stops at the first failure, since a later window imported
// after a missing one would move the "newest held" mark past the gap.
func (s *Syncer) syncNVD(ctx context.Context, f *fetcher, report func(Result)) {
	start, err := s.nvdStart(ctx)
	if err != nil {
		report(Result{Name: s.Config.NVD.URL, Err: err})
		return
	}
	end := s.now()
	lim := s.nvdLimiter()
	for ws := start; ws.Before(end) && ctx.Err() == nil; {
		we := ws.Add(nvdMaxWindow)
		if we.After(end) {
			we = end
		}
		r := s.nvdWindow(ctx, f, lim, ws, we)
		report(r)
		if r.Err != nil {
			return
		}
		ws = we
	}
}

// nvdStart is the newest lastModified date the store holds, or the
// configured start.
func (s *Syncer) nvdStart(ctx context.Context) (time.Time, error) {
	st, err := s.Intel.FeedStatus(ctx)
	if err != nil {
		return time.Time{}, err
	}
	for _, fs := range st {
		if fs.Source == cordon.FeedNVD && !fs.Newest.IsZero() {
			return fs.Newest.UTC(), nil
		}
	}
	t, err := time.Parse(time.DateOnly, s.Config.NVD.Start)
	if err != nil {
		return time.Time{}, cordon.Errorf(cordon.EINVALID, "nvd.start %q is not a date such as 1999-01-01.", s.Config.NVD.Start)
	}
	return t, nil
}

func (s *Syncer) nvdLimiter() *limiter {
	c := s.Config.NVD
	n, window := c.Requests, time.Duration(c.Window)
	if n == 0 {
		// NVD's published limits.
		n = 5
		if s.NVDAPIKey != "" {
			n = 50
		}
	}
	if window <= 0 {
		window = 30 * time.Second
	}
	sleep := s.Sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	return &limiter{n: n, window: window, now: time.Now, sleep: sleep}
}

// nvdWindow downloads every page of one lastModified window and imports
// them as one.
func (s *Syncer) nvdWindow(ctx context.Context, f *fetcher, lim *limiter, ws, we time.Time) Result {
	q := url.Values{}
	q.Set("lastModStartDate", ws.Format(nvdTime))
	q.Set("lastModEndDate", we.Format(nvdTime))
	name := s.Config.NVD.URL + "?" + q.Encode()
	var header http.Header
	if s.NVDAPIKey != "" {
		header = http.Header{"apiKey": {s.NVDAPIKey}}
	}
	var parts []part
	defer func() {
		for _, p := range parts {
			removeTemp(p.r.(*os.File))
		}
	}()
	for start := 0; len(parts) < maxPages; {
		q.Set("resultsPerPage", fmt.Sprint(s.Config.NVD.ResultsPerPage))
		q.Set("startIndex", fmt.Sprint(start))
		u := s.Config.NVD.URL + "?" + q.Encode()
		file, err := f.get(ctx, u, header, lim, s.Config.NVD.Retries, time.Duration(s.Config.NVD.Backoff))
		if err != nil {
			return Result{Name: name, Err: err}
		}
		pageName := fmt.Sprintf("%s (startIndex %d)", name, start)
		parts = append(parts, part{pageName, file})
		total, per, err := pageInfo(file, pageName)
		if err != nil {
			return Result{Name: name, Err: err}
		}
		if start+per >= total {
			break
		}
		if per <= 0 {
			return Result{Name: name, Err: cordon.Errorf(cordon.EINVALID, "%s: an empty page before the end (totalResults %d).", pageName, total)}
		}
		start += per
	}
	h := sha256New()
	for _, p := range parts {
		if _, err := hashInto(h, p.r, p.name); err != nil {
			return Result{Name: name, Err: err}
		}
	}
	imp := &cordon.FeedImport{Source: cordon.FeedNVD, Name: name, SHA256: hexSum(h), By: s.By}
	imp, err := importParts(ctx, s.Intel, imp, parts)
	if errors.Is(err, ErrAlreadyImported) {
		return Result{Name: name, Import: imp, Unchanged: true}
	}
	return Result{Name: name, Import: imp, Err: err}
}
