package spool

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"time"
)

// result is what Run does after one batch: go on to the next, or wait
// before trying again (at least retryAfter, when the server said).
type result struct {
	retry      bool
	retryAfter time.Duration
}

var goOn = result{} // on to the next batch

// ship sends one batch and acts on the answer.
func (s *Shipper) ship(ctx context.Context, e entry) result {
	log := s.cfg.Logger.With(slog.String("batch_id", e.id))
	body, err := s.dir.read(e)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// Deleted by hand, most likely; nothing to ship.
		log.Warn("spool: batch file vanished before it was shipped")
		s.dir.forget(e)
		return goOn
	case err != nil:
		log.Error("spool: batch file cannot be read back; set aside in rejected/", slog.String("error", err.Error()))
		return s.setAside(log, e, "unreadable batch file: "+err.Error())
	}

	status, retryAfter, answer, err := s.post(ctx, body)
	if err != nil {
		if ctx.Err() != nil {
			return goOn // stopping: the batch stays for the next run
		}
		log.Warn("spool: cannot reach the server; will retry", slog.String("error", err.Error()))
		s.failed(err.Error(), false)
		return result{retry: true}
	}
	switch {
	case status >= 200 && status <= 299:
		if err := s.dir.remove(e); err != nil {
			// Shipped again after the back-off; the server knows the ID.
			log.Error("spool: shipped, but cannot remove the batch file", slog.String("error", err.Error()))
			s.failed(err.Error(), false)
			return result{retry: true}
		}
		log.Debug("spool: batch shipped", slog.Int("status", status), slog.Bool("duplicate", duplicate(answer)))
		s.mu.Lock()
		s.stats.Shipped++
		s.stats.LastSuccess = s.cfg.Now()
		s.stats.TokenRefused = false
		s.mu.Unlock()
		return goOn
	case status == http.StatusBadRequest || status == http.StatusRequestEntityTooLarge || status == http.StatusUnprocessableEntity:
		// Sending it again would be refused again, and would hold back
		// every batch behind it.
		se := parseServerError(answer)
		log.Error("spool: the server refused the batch; set aside in rejected/",
			slog.Int("status", status), slog.String("code", se.Code), slog.String("field", se.Field),
			slog.String("message", se.Message))
		return s.setAside(log, e, fmt.Sprintf("server refused the batch: %d %s", status, se.Message))
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		se := parseServerError(answer)
		log.Error("spool: the server refused the sensor's token (revoked, expired, or not a sensor-scoped analyst token); batches are kept until it accepts one",
			slog.Int("status", status), slog.String("message", se.Message))
		s.failed(fmt.Sprintf("token refused: %d %s", status, se.Message), true)
		s.reloadToken(log)
		return result{retry: true}
	}
	// 408, 429, 5xx: the server cannot take it now. Anything else (a 404,
	// a redirect) most likely means a wrong URL: keep the batch and retry,
	// rather than lose it to a configuration mistake.
	se := parseServerError(answer)
	msg := fmt.Sprintf("%d %s", status, http.StatusText(status))
	if se.Message != "" {
		msg += ": " + se.Message
	}
	level := slog.LevelWarn
	if !(status == http.StatusRequestTimeout || status == http.StatusTooManyRequests || status >= 500) {
		level = slog.LevelError
		msg += " (is the server URL right?)"
	}
	log.Log(ctx, level, "spool: the server did not take the batch; will retry",
		slog.Int("status", status), slog.String("message", se.Message), slog.Duration("retry_after", retryAfter))
	s.failed(msg, false)
	return result{retry: true, retryAfter: retryAfter}
}

// reloadToken takes a new token from Config.Reload, if it gives one that
// differs and can be sent.
func (s *Shipper) reloadToken(log *slog.Logger) {
	if s.cfg.Reload == nil {
		return
	}
	t, err := s.cfg.Reload()
	if err == nil {
		err = checkToken(t)
	}
	if err != nil {
		log.Warn("spool: the token could not be read again; keeping the one in use", slog.String("error", err.Error()))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if t != s.token {
		s.token = t
		log.Info("spool: a new token was read; the next try uses it")
	}
}

// post sends one batch's stored bytes and returns the answer's status,
// its Retry-After (0 when none) and the start of its body. The token goes
// in the Authorization header only; neither is ever logged.
func (s *Shipper) post(ctx context.Context, body []byte) (status int, retryAfter time.Duration, answer []byte, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.endpoint, bytes.NewReader(body))
	if err != nil {
		return 0, 0, nil, err
	}
	s.mu.Lock()
	token := s.token
	s.mu.Unlock()
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Content-Encoding", "gzip")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "cordon-sensor")
	resp, err := s.cfg.Client.Do(req)
	if err != nil {
		return 0, 0, nil, err
	}
	defer resp.Body.Close()
	answer, err = io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil && resp.StatusCode/100 != 2 {
		// The status is what matters; a body cut short only shortens the
		// message logged.
		err = nil
	}
	if err != nil {
		return 0, 0, nil, err // a 2xx whose body broke: not sure it was stored
	}
	// Drain a little more so that the connection can be reused.
	io.Copy(io.Discard, io.LimitReader(resp.Body, maxAnswer))
	retryAfter, _ = parseRetryAfter(resp.Header.Get("Retry-After"), s.cfg.Now())
	return resp.StatusCode, retryAfter, answer, nil
}

// setAside moves a batch to rejected/; when even that fails, Run backs off
// and tries the batch again.
func (s *Shipper) setAside(log *slog.Logger, e entry, why string) result {
	if err := s.dir.reject(e); err != nil {
		log.Error("spool: cannot set the batch aside", slog.String("error", err.Error()))
		s.failed(err.Error(), false)
		return result{retry: true}
	}
	s.mu.Lock()
	s.stats.Rejected++
	s.stats.LastError, s.stats.LastErrorAt = why, s.cfg.Now()
	s.mu.Unlock()
	return goOn
}

// failed records a failure for Stats.
func (s *Shipper) failed(msg string, tokenRefused bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.LastError, s.stats.LastErrorAt = msg, s.cfg.Now()
	if tokenRefused {
		s.stats.TokenRefused = true
	}
}
