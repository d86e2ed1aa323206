package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserCapturesLive renders the live capture card in Chromium under
// the production Content-Security-Policy: a capturing interface and a
// silent one, whose state must read as text, not colour alone. With
// CORDON_SCREENSHOTS set, the page is saved for people to look at.
func TestBrowserCapturesLive(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	e := newLiveEnv(t, envOptions{csp: true}, testLive)
	ctx, problems := newBrowser(t, "viewer1")
	if err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+"/captures"), chromedp.WaitVisible(chromedp.ID("live"))); err != nil {
		t.Fatal(err)
	}
	eth2, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("live-eth2")))
	if err != nil {
		t.Fatal(err)
	}
	span0, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("live-span0")))
	if err != nil {
		t.Fatal(err)
	}
	banner, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("live-silent")))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Capturing", "1,234,567", "0.33% of packets", "1 failed"} {
		if !strings.Contains(eth2, want) {
			t.Errorf("eth2's row reads %q, without %q", eth2, want)
		}
	}
	if !strings.Contains(span0, "No traffic") || !strings.Contains(banner, "No traffic on span0") {
		t.Errorf("span0 reads %q; the banner %q", span0, banner)
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#live-span0 a[href="/alerts?kind=capture_silent"]`))); err != nil {
		t.Errorf("no visible link to the alerts: %v", err)
	}
	if dir := os.Getenv("CORDON_SCREENSHOTS"); dir != "" {
		buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "captures-live.png"), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if ps := problems(); len(ps) > 0 {
		t.Errorf("browser reported %v", ps)
	}
}
