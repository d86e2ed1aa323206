package deliver

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// Webhook request headers: the Unix time the request was signed and the
// signature, "sha256=" and the hex HMAC-SHA256 of timestamp "." body.
const (
	TimestampHeader = "X-Cordon-Timestamp"
	SignatureHeader = "X-Cordon-Signature"
)

// Webhook posts alerts as JSON, signed with a shared secret so that the
// receiver can tell Cordon's requests from forgeries, and replays from
// the signed timestamp.
type Webhook struct {
	Name   string // the destination's name, sent in the payload
	URL    string
	Secret []byte
	Client *http.Client // http.DefaultClient with a 10 s timeout when nil
	Now    func() time.Time
}

// WebhookPayload is the body of a webhook request.
type WebhookPayload struct {
	Destination string        `json:"destination"`
	Alert       *cordon.Alert `json:"alert"`
}

// Sign returns the signature header value of body sent at ts.
func Sign(secret []byte, ts int64, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(strconv.FormatInt(ts, 10)))
	m.Write([]byte{'.'})
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a webhook request's timestamp and signature headers
// against body, accepting timestamps within tolerance of now. Receivers
// written in Go can use it; the docs give the recipe for others.
func Verify(secret []byte, timestamp, signature string, body []byte, now time.Time, tolerance time.Duration) error {
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return fmt.Errorf("bad %s %q", TimestampHeader, timestamp)
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("%s is %s away from now", TimestampHeader, d.Round(time.Second))
	}
	if !hmac.Equal([]byte(Sign(secret, ts, body)), []byte(signature)) {
		return fmt.Errorf("bad %s", SignatureHeader)
	}
	return nil
}

// Send posts one alert; any status but 2xx is an error.
func (w *Webhook) Send(ctx context.Context, a *cordon.Alert) error {
	body, err := json.Marshal(WebhookPayload{Destination: w.Name, Alert: a})
	if err != nil {
		return err
	}
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	ts := now().Unix()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Cordon")
	req.Header.Set(TimestampHeader, strconv.FormatInt(ts, 10))
	req.Header.Set(SignatureHeader, Sign(w.Secret, ts, body))
	c := w.Client
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		// A few bytes of the reply help whoever reads the outbox; the
		// rest is the receiver's business.
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		return fmt.Errorf("webhook: %s: %s", resp.Status, strings.TrimSpace(string(b)))
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	return nil
}

// Close releases nothing: each request stands alone.
func (w *Webhook) Close() error { return nil }
