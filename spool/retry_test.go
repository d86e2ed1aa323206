package spool

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestShipper_RetriesUnavailable(t *testing.T) {
	for _, status := range []int{http.StatusServiceUnavailable, http.StatusTooManyRequests, http.StatusRequestTimeout, http.StatusBadGateway, http.StatusNotFound} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			path := t.TempDir()
			d := MustOpen(t, path, Options{})
			id := NewID(t)
			MustPut(t, d, id, BatchJSON(t, id, 10))
			srv := NewServer(t, "", func(n int, _ string) Answer {
				if n < 2 {
					return ErrorAnswer(status, "internal", "Try later.", "")
				}
				return Created(n, "")
			})
			var sleeps Sleeps
			s := MustShipper(t, d, srv, "", Config{MinBackoff: time.Second, MaxBackoff: time.Minute, Sleep: sleeps.Sleep, Jitter: func() float64 { return 0.5 }})
			Start(t, s)
			WaitFor(t, "shipped after retries", func() bool { return s.Stats().Shipped == 1 })
			if n := len(srv.Requests()); n != 3 {
				t.Errorf("%d requests, want 3", n)
			}
			// Exponential: the first retry after MinBackoff, the second
			// after between one and two.
			ds := sleeps.All()
			if len(ds) != 2 || ds[0] != time.Second || ds[1] != 1500*time.Millisecond {
				t.Errorf("waits %v, want [1s 1.5s]", ds)
			}
			st := s.Stats()
			if !strings.Contains(st.LastError, http.StatusText(status)) || st.LastErrorAt.IsZero() || st.TokenRefused {
				t.Errorf("stats %+v", st)
			}
			if got := Rejected(t, path); len(got) != 0 {
				t.Errorf("rejected %v; a batch the server could not take now is kept", got)
			}
		})
	}
}

func TestShipper_NetworkError(t *testing.T) {
	d := MustOpen(t, t.TempDir(), Options{})
	id := NewID(t)
	MustPut(t, d, id, BatchJSON(t, id, 10))
	srv := NewServer(t, "", Created)
	url := srv.URL
	srv.Close() // nothing listens there now
	var logs LogBuffer
	s, err := NewShipper(d, Config{Server: url, Token: testToken, MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond, Logger: logs.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	Start(t, s)
	WaitFor(t, "an error in stats", func() bool { return s.Stats().LastError != "" })
	if st := s.Stats(); st.Pending != 1 || st.Shipped != 0 {
		t.Errorf("stats %+v", st)
	}
	if !strings.Contains(logs.String(), "cannot reach the server") {
		t.Errorf("log:\n%s", logs.String())
	}
}

func TestShipper_RetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		Name       string
		RetryAfter string
		MaxBackoff time.Duration
		Want       time.Duration
	}{
		{"Seconds", "7", time.Hour, 7 * time.Second},
		{"Date", now.Add(90 * time.Second).Format(http.TimeFormat), time.Hour, 90 * time.Second},
		{"BoundedByMaxBackoff", "86400", 2 * time.Second, 2 * time.Second},
		{"ShorterThanBackoff", "0", time.Hour, time.Millisecond},
		{"Unreadable", "soon", time.Hour, time.Millisecond},
	} {
		t.Run(tt.Name, func(t *testing.T) {
			d := MustOpen(t, t.TempDir(), Options{})
			id := NewID(t)
			MustPut(t, d, id, BatchJSON(t, id, 10))
			srv := NewServer(t, "", func(n int, _ string) Answer {
				if n == 0 {
					return Answer{Status: http.StatusTooManyRequests, Header: map[string]string{"Retry-After": tt.RetryAfter}}
				}
				return Created(n, "")
			})
			var sleeps Sleeps
			s := MustShipper(t, d, srv, "", Config{
				MinBackoff: time.Millisecond, MaxBackoff: tt.MaxBackoff,
				Sleep: sleeps.Sleep, Now: func() time.Time { return now },
			})
			Start(t, s)
			WaitFor(t, "shipped", func() bool { return s.Stats().Shipped == 1 })
			if ds := sleeps.All(); len(ds) != 1 || ds[0] != tt.Want {
				t.Errorf("waits %v, want [%s]", ds, tt.Want)
			}
		})
	}
}

func TestShipper_Unauthorized(t *testing.T) {
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			path := t.TempDir()
			d := MustOpen(t, path, Options{})
			id := NewID(t)
			MustPut(t, d, id, BatchJSON(t, id, 10))
			srv := NewServer(t, "", func(int, string) Answer {
				return ErrorAnswer(status, "unauthorized", "The token was revoked.", "")
			})
			var logs LogBuffer
			s := MustShipper(t, d, srv, "", Config{Logger: logs.Logger()})
			Start(t, s)
			WaitFor(t, "several refusals", func() bool { return len(srv.Requests()) >= 3 })

			st := s.Stats()
			if !st.TokenRefused || !strings.Contains(st.LastError, "token refused") || st.Pending != 1 || st.Shipped != 0 || st.Rejected != 0 {
				t.Errorf("stats %+v", st)
			}
			if got := IDs(Pending(t, path)); !slices.Equal(got, []string{id}) {
				t.Errorf("pending %v, want the batch kept", got)
			}
			if !strings.Contains(logs.String(), "refused the sensor's token") {
				t.Errorf("log:\n%s", logs.String())
			}
			// The token is accepted again (a fixed scope, say): shipping
			// resumes by itself.
			srv.SetAnswer(Created)
			WaitFor(t, "shipped once the token is accepted", func() bool { return s.Stats().Shipped == 1 })
			if st := s.Stats(); st.TokenRefused {
				t.Errorf("TokenRefused still set after a success: %+v", st)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	lo, hi := time.Second, 5*time.Minute
	for n := 1; n <= 64; n++ {
		for _, j := range []float64{0, 0.5, 0.999999} {
			d := backoff(n, lo, hi, j)
			if d < lo || d > hi {
				t.Errorf("backoff(%d, j=%g) = %s, outside [%s, %s]", n, j, d, lo, hi)
			}
		}
	}
	if d := backoff(1, lo, hi, 0.9); d != lo {
		t.Errorf("first retry after %s, want %s", d, lo)
	}
	if d := backoff(5, lo, hi, 0); d != 8*time.Second {
		t.Errorf("fifth retry after at least %s, want 8s", d)
	}
	if d := backoff(100, lo, hi, 0); d != hi/2 {
		t.Errorf("late retry after at least %s, want %s", d, hi/2)
	}
	// A huge bound must not overflow into a negative wait.
	if d := backoff(200, time.Second, time.Duration(1<<63-1), 0.5); d < time.Second {
		t.Errorf("backoff with a huge bound = %s", d)
	}
}

// TestShipper_ReloadsRefusedToken: after a refusal the shipper asks for
// the token again and tries with the new one; a reload that fails keeps
// the old token.
func TestShipper_ReloadsRefusedToken(t *testing.T) {
	path := t.TempDir()
	d := MustOpen(t, path, Options{})
	id := NewID(t)
	MustPut(t, d, id, BatchJSON(t, id, 10))
	srv := NewServer(t, "", func(n int, _ string) Answer {
		if n < 2 {
			return ErrorAnswer(http.StatusUnauthorized, "unauthorized", "The API token is unknown, expired or revoked.", "")
		}
		return Created(n, "")
	})
	const renewed = "cdn_renewedtokenrenewedtokenrenewedtoken"
	reloads := 0
	s := MustShipper(t, d, srv, "", Config{Reload: func() (string, error) {
		reloads++
		if reloads == 1 {
			return "", errors.New("token file not readable")
		}
		return renewed, nil
	}})
	Start(t, s)
	WaitFor(t, "shipped with the renewed token", func() bool { return s.Stats().Shipped == 1 })
	reqs := srv.Requests()
	if len(reqs) != 3 || reqs[0].Authorization != "Bearer "+testToken || reqs[1].Authorization != "Bearer "+testToken ||
		reqs[2].Authorization != "Bearer "+renewed {
		var auths []string
		for _, r := range reqs {
			auths = append(auths, r.Authorization)
		}
		t.Errorf("tokens sent: %q; want the old one twice (the first reload failed), then the renewed one", auths)
	}
}
