package spool

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/cordonsec/cordon"
)

// Back-off defaults: a retry a second after the first failure, doubling to
// one every five minutes, so that a central server down for a night is
// asked a dozen times an hour by each sensor rather than hammered.
const (
	DefaultMinBackoff = time.Second
	DefaultMaxBackoff = 5 * time.Minute
	// defaultTimeout bounds one request of the default client. A batch of
	// a megabyte over a site link of 128 kbit/s takes about a minute.
	defaultTimeout = 2 * time.Minute
	// BatchesPath is where batches are posted, under the server's URL.
	BatchesPath = "api/v1/sensor/batches"
)

// Config is where and how a Shipper sends batches.
type Config struct {
	// Server is the central server's base URL: http or https, with a
	// path when Cordon is served under one (https://example.org/cordon),
	// without query, fragment, user or password.
	Server string
	// Token is a sensor-scoped API token, sent as a bearer token and
	// never logged. A token the server refuses stops shipping, not
	// spooling: batches wait until the server accepts a token again.
	Token string
	// Reload, when set, is asked for the token again after the server
	// refuses one, so that a token replaced on disk (rotated, or renewed
	// before it expired) is taken up without a restart. An error, or a
	// token that cannot be sent, keeps the one in use.
	Reload func() (string, error)
	// Client sends the requests. When nil, a client with a two-minute
	// timeout that does not follow redirects: a redirect means the URL is
	// wrong, and following it would carry the batch, and the token, where
	// it was not configured to go.
	Client *http.Client
	// Logger receives what happens to each batch; nothing is logged when
	// nil.
	Logger *slog.Logger
	// MinBackoff and MaxBackoff bound the wait before a retry
	// (DefaultMinBackoff and DefaultMaxBackoff when 0). A Retry-After
	// longer than the back-off is honoured up to MaxBackoff.
	MinBackoff, MaxBackoff time.Duration
	// Now reads the clock for Stats (time.Now when nil).
	Now func() time.Time
	// Jitter returns a number in [0, 1) (rand.Float64 when nil).
	Jitter func() float64
	// Sleep waits d or until ctx ends, returning ctx's error then (a
	// timer when nil). Tests replace it to see the waits without taking
	// them.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Shipper sends a Dir's batches to the central server, oldest first, one
// at a time.
type Shipper struct {
	dir      *Dir
	endpoint string
	token    string
	cfg      Config

	mu    sync.Mutex
	stats Stats
}

// NewShipper returns a Shipper for d's batches. EINVALID for a server URL
// that is not an absolute http or https URL without query, fragment or
// credentials, for an empty token, or for one that cannot be sent in a
// header.
func NewShipper(d *Dir, c Config) (*Shipper, error) {
	endpoint, err := endpointURL(c.Server)
	if err != nil {
		return nil, err
	}
	if err := checkToken(c.Token); err != nil {
		return nil, err
	}
	switch {
	case c.MinBackoff < 0 || c.MaxBackoff < 0:
		return nil, cordon.Invalidf("backoff", "Back-off bounds cannot be negative.")
	case c.MinBackoff == 0:
		c.MinBackoff = DefaultMinBackoff
	}
	if c.MaxBackoff == 0 {
		c.MaxBackoff = max(DefaultMaxBackoff, c.MinBackoff)
	}
	if c.MaxBackoff < c.MinBackoff {
		return nil, cordon.Invalidf("max_backoff", "The longest back-off (%s) is shorter than the shortest (%s).", c.MaxBackoff, c.MinBackoff)
	}
	if c.Client == nil {
		c.Client = &http.Client{
			Timeout:       defaultTimeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Jitter == nil {
		c.Jitter = rand.Float64
	}
	if c.Sleep == nil {
		c.Sleep = sleep
	}
	u, _ := url.Parse(endpoint)
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		c.Logger.Warn("spool: the server URL is plain http: the token and the batches cross the network unencrypted",
			slog.String("server", u.Host))
	}
	return &Shipper{dir: d, endpoint: endpoint, token: c.Token, cfg: c}, nil
}

// endpointURL checks a server base URL and returns the URL batches are
// posted to.
func endpointURL(server string) (string, error) {
	u, err := url.Parse(server)
	switch {
	case server == "":
		return "", cordon.Invalidf("server", "The central server's URL is required.")
	case err != nil:
		return "", cordon.Invalidf("server", "The server URL cannot be read.")
	case u.User != nil:
		// Not echoed: it holds a password.
		return "", cordon.Invalidf("server", "The server URL must not carry a user name or password; the token authenticates the sensor.")
	case u.Scheme != "http" && u.Scheme != "https":
		return "", cordon.Invalidf("server", "The server URL must begin with https:// (or http://), not %q.", clip(server, 60))
	case u.Host == "" || u.Opaque != "":
		return "", cordon.Invalidf("server", "The server URL %q names no host.", clip(server, 60))
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.RawFragment != "":
		return "", cordon.Invalidf("server", "The server URL must not have a query or fragment: give the base URL, such as https://cordon.example.org.")
	}
	return u.JoinPath(BatchesPath).String(), nil
}

// checkToken refuses a token that is empty or could not travel in a
// header as a bearer token (RFC 6750 token68 characters). The message
// never quotes it.
func checkToken(t string) error {
	if t == "" {
		return cordon.Invalidf("token", "A sensor-scoped API token is required.")
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=') {
			return cordon.Invalidf("token", "The token has a character a bearer token cannot (a space or a line break copied with it?).")
		}
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Stats are a Shipper's counts since it was made, with its spool's.
type Stats struct {
	DirStats
	Shipped  int64 // batches the server has (including those it had already)
	Rejected int64 // batches set aside in rejected/
	// LastError is the last failure to ship, at LastErrorAt; it is not
	// cleared by a success, whose time is LastSuccess.
	LastError   string
	LastErrorAt time.Time
	LastSuccess time.Time
	// TokenRefused is true from a 401 or 403 answer until the next batch
	// is stored: shipping is stopped until the token is fixed.
	TokenRefused bool
}

// Stats returns the counts. It is safe to call while Run runs.
func (s *Shipper) Stats() Stats {
	s.mu.Lock()
	st := s.stats
	s.mu.Unlock()
	st.DirStats = s.dir.Stats()
	return st
}

// Run ships batches, oldest first, until ctx ends, and then returns nil.
// When the spool is empty it waits for the next Put. Failures are logged,
// counted in Stats and retried after a back-off; they do not end Run.
// ECONFLICT when another Shipper is running on the same Dir.
func (s *Shipper) Run(ctx context.Context) error {
	if !s.dir.shipping.CompareAndSwap(false, true) {
		return cordon.Errorf(cordon.ECONFLICT, "Another shipper is already sending this spool's batches.")
	}
	defer s.dir.shipping.Store(false)
	failures := 0
	for ctx.Err() == nil {
		e, ok := s.dir.next()
		if !ok {
			select {
			case <-s.dir.notify:
				continue
			case <-ctx.Done():
				return nil
			}
		}
		r := s.ship(ctx, e)
		s.dir.release()
		if !r.retry {
			failures = 0
			continue
		}
		failures++
		wait := backoff(failures, s.cfg.MinBackoff, s.cfg.MaxBackoff, s.cfg.Jitter())
		if r.retryAfter > wait {
			wait = min(r.retryAfter, s.cfg.MaxBackoff)
		}
		if s.cfg.Sleep(ctx, wait) != nil {
			return nil
		}
	}
	return nil
}

// backoff returns the wait before retry number n (1 for the first): lo
// doubled per retry up to hi, with "equal jitter" (a random half added to
// a fixed half) so that sensors cut off together do not all come back in
// the same second; never below lo. j is in [0, 1).
func backoff(n int, lo, hi time.Duration, j float64) time.Duration {
	d := lo
	for i := 1; i < n && d < hi; i++ {
		if d > hi/2 {
			d = hi // and no overflow, however large hi
			break
		}
		d *= 2
	}
	d = min(d, hi)
	return max(lo, d/2+time.Duration(j*float64(d/2)))
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
