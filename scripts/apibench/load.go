package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sync"
	"time"
)

// query is one device-list request to measure.
type query struct{ name, path string }

// queries are the device-list requests measured, one page of 50 each (the
// API's default page).
var queries = []query{
	{"plain page", "/api/v1/devices"},
	{"category filter", "/api/v1/devices?category=infusion_pump"},
	{"medical only", "/api/v1/devices?medical=true"},
	{"text search", "/api/v1/devices?q=aquilion"},
	{"text search, no match", "/api/v1/devices?q=no-such-device"},
	{"sort by host name", "/api/v1/devices?sort=hostname"},
	{"filter and sort", "/api/v1/devices?category=imaging_modality&sort=-first_seen"},
	{"deep page", "/api/v1/devices?offset=40000"},
}

func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("url", "http://127.0.0.1:8080", "`URL` of the server (loopback only)")
	requests := fs.Int("requests", 300, "measured requests per query")
	warmup := fs.Int("warmup", 20, "unmeasured requests per query first")
	concurrency := fs.Int("concurrency", 1, "requests in flight at once")
	timeout := fs.Duration("timeout", 2*time.Minute, "give up after this long in all")
	if err := fs.Parse(args); err != nil {
		return err
	}
	token := os.Getenv("APIBENCH_TOKEN")
	if token == "" {
		return errors.New("load: set APIBENCH_TOKEN to an API token (cordon token create)")
	}
	if *requests < 1 || *concurrency < 1 || *warmup < 0 {
		return errors.New("load: --requests and --concurrency must be positive")
	}
	if err := loopbackOnly(*base); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	c := &client{base: *base, token: token,
		http: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *concurrency}}}
	if err := c.waitHealthy(ctx); err != nil {
		return err
	}

	fmt.Fprintf(stdout, "| query | total matching | requests | median | p90 | p99 | max | requests/s | response |\n")
	fmt.Fprintf(stdout, "|---|---|---|---|---|---|---|---|---|\n")
	for _, q := range queries {
		total, err := c.total(ctx, q.path)
		if err != nil {
			return err
		}
		if _, _, err := c.measure(ctx, q.path, *warmup, *concurrency); err != nil {
			return err
		}
		started := time.Now()
		lat, size, err := c.measure(ctx, q.path, *requests, *concurrency)
		if err != nil {
			return err
		}
		wall := time.Since(started)
		slices.Sort(lat)
		fmt.Fprintf(stdout, "| %s | %d | %d | %s | %s | %s | %s | %.0f | %.0f KiB |\n", q.name, total, len(lat),
			ms(percentile(lat, 50)), ms(percentile(lat, 90)), ms(percentile(lat, 99)), ms(lat[len(lat)-1]),
			float64(len(lat))/wall.Seconds(), float64(size)/1024)
	}
	return nil
}

// loopbackOnly refuses a URL whose host is not this machine.
func loopbackOnly(base string) error {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return fmt.Errorf("load: %q is not a URL", base)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("load: %s is not a loopback address; apibench measures a server on this machine only", host)
}

// client sends authenticated GETs.
type client struct {
	base, token string
	http        *http.Client
}

// get sends one GET and returns the body size, failing on any status but
// 200.
func (c *client) get(ctx context.Context, path string, body io.Writer) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if body == nil {
		body = io.Discard
	}
	n, err := io.Copy(body, resp.Body)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return n, nil
}

// waitHealthy waits for the server's health check to pass.
func (c *client) waitHealthy(ctx context.Context) error {
	for {
		if _, err := c.get(ctx, "/healthz", nil); err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("load: %s did not become healthy: %w", c.base, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// total returns how many devices match the query.
func (c *client) total(ctx context.Context, path string) (int, error) {
	var buf limitedBuffer
	if _, err := c.get(ctx, path, &buf); err != nil {
		return 0, err
	}
	var page struct {
		Total int `json:"total"`
	}
	if err := json.Unmarshal(buf.b, &page); err != nil {
		return 0, fmt.Errorf("GET %s: %w", path, err)
	}
	return page.Total, nil
}

// measure sends n requests from concurrency workers and returns the
// latency of each and the size of the last response.
func (c *client) measure(ctx context.Context, path string, n, concurrency int) ([]time.Duration, int64, error) {
	var (
		mu    sync.Mutex
		lat   = make([]time.Duration, 0, n)
		size  int64
		first error
		wg    sync.WaitGroup
		next  = make(chan struct{})
	)
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range next {
				start := time.Now()
				sz, err := c.get(ctx, path, nil)
				d := time.Since(start)
				mu.Lock()
				if err != nil && first == nil {
					first = err
				}
				lat, size = append(lat, d), sz
				mu.Unlock()
			}
		}()
	}
	for range n {
		if ctx.Err() != nil {
			break
		}
		next <- struct{}{}
	}
	close(next)
	wg.Wait()
	if first == nil && ctx.Err() != nil {
		first = fmt.Errorf("load: stopped after %d of %d requests: %w", len(lat), n, ctx.Err())
	}
	return lat, size, first
}

// percentile returns the p-th percentile of sorted durations (nearest
// rank).
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[min(max(i-1, 0), len(sorted)-1)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

// limitedBuffer keeps up to 16 MiB of a response.
type limitedBuffer struct{ b []byte }

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if len(l.b)+len(p) > 16<<20 {
		return 0, errors.New("response larger than 16 MiB")
	}
	l.b = append(l.b, p...)
	return len(p), nil
}
