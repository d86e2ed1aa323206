package feeds

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/cordonsec/cordon"
)

// limiter allows at most n requests in any window: NVD's rule is stated
// that way ("5 requests in a rolling 30 second window").
type limiter struct {
	mu     sync.Mutex
	n      int
	window time.Duration
	times  []time.Time
	now    func() time.Time
	sleep  func(context.Context, time.Duration) error
}

// wait blocks until one more request is allowed and counts it.
func (l *limiter) wait(ctx context.Context) error {
	if l == nil || l.n <= 0 {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for {
		now := l.now()
		for len(l.times) > 0 && now.Sub(l.times[0]) >= l.window {
			l.times = l.times[1:]
		}
		if len(l.times) < l.n {
			l.times = append(l.times, now)
			return nil
		}
		if err := l.sleep(ctx, l.times[0].Add(l.window).Sub(now)); err != nil {
			return err
		}
	}
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// fetcher downloads feed bodies into temporary files.
type fetcher struct {
	client    *http.Client
	userAgent string
	dir       string // for the temporary files
	sleep     func(context.Context, time.Duration) error
}

// retryable are the statuses NVD answers when it is busy or rate limiting
// (it uses 403 for the latter).
func retryable(status int) bool {
	return status == http.StatusForbidden || status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable
}

// get fetches url into a temporary file, waiting for lim before every
// attempt and retrying retryable answers up to retries times with a
// back-off that doubles from backoff (or what Retry-After asks). header
// is added to the request and never logged or quoted in errors. The
// caller removes the file.
func (f *fetcher) get(ctx context.Context, url string, header http.Header, lim *limiter, retries int, backoff time.Duration) (*os.File, error) {
	wait := backoff
	for attempt := 0; ; attempt++ {
		if err := lim.wait(ctx); err != nil {
			return nil, err
		}
		file, status, retryAfter, err := f.once(ctx, url, header)
		if err == nil {
			return file, nil
		}
		if !retryable(status) || attempt >= retries {
			return nil, err
		}
		d := wait
		if retryAfter > 0 {
			d = retryAfter
		}
		if err := f.sleep(ctx, d); err != nil {
			return nil, err
		}
		wait *= 2
	}
}

// once makes one request. On a non-200 answer it returns the status and
// the Retry-After delay, if any.
func (f *fetcher) once(ctx context.Context, url string, header http.Header) (*os.File, int, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, 0, 0, cordon.Errorf(cordon.EINVALID, "Cannot fetch %s: %v.", url, err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", f.userAgent)
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("feeds: fetch %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var after time.Duration
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 && s <= 3600 {
			after = time.Duration(s) * time.Second
		}
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil, resp.StatusCode, after, fmt.Errorf("feeds: fetch %s: %s", url, resp.Status)
	}
	file, err := os.CreateTemp(f.dir, "cordon-feed-*")
	if err != nil {
		return nil, 0, 0, fmt.Errorf("feeds: fetch %s: %w", url, err)
	}
	n, err := io.Copy(file, io.LimitReader(resp.Body, MaxSize+1))
	if err == nil && n > MaxSize {
		err = fmt.Errorf("larger than %d bytes", int64(MaxSize))
	}
	if err == nil {
		_, err = file.Seek(0, io.SeekStart)
	}
	if err != nil {
		removeTemp(file)
		return nil, 0, 0, fmt.Errorf("feeds: fetch %s: %w", url, err)
	}
	return file, 0, 0, nil
}

// removeTemp closes and deletes a temporary file.
func removeTemp(f *os.File) {
	f.Close()
	os.Remove(f.Name())
}
