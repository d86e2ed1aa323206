package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/cordonsec/cordon/internal/browsertest"
)

// newBrowser starts headless Chromium, signed in as user through the test
// middleware's header, and returns its context and what it reported.
func newBrowser(t *testing.T, user string) (context.Context, func() []string) {
	t.Helper()
	b := browsertest.Start(t, 90*time.Second)
	if _, err := chromedp.Call(b.Ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"X-Test-User": user}}); err != nil {
		t.Fatal(err)
	}
	return b.Ctx, b.Problems
}

// TestBrowserScreenshots renders the main pages in headless Chromium under
// the production Content-Security-Policy and, when CORDON_SCREENSHOTS names
// a directory, saves a full-page screenshot of each for people to look at.
func TestBrowserScreenshots(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	e := newTestEnv(t, envOptions{conversations: true, csp: true})
	// Give the CT scanner a recorded OS that disagrees, so the pages show
	// the differences banner.
	if r := e.post("analyst1", e.devicePath(keyCT), recordedValues(map[string]string{"os": "Windows 10", "ward": "Radiology 2", "site": "St Elsewhere", "criticality": "high"})); r.status != 303 {
		t.Fatalf("seed edit: %d", r.status)
	}
	dir := os.Getenv("CORDON_SCREENSHOTS")
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	pages := []struct{ name, user, path string }{
		{"dashboard", "admin1", "/"},
		{"devices", "admin1", "/devices"},
		{"register", "analyst1", "/register"},
		{"register-viewer", "viewer1", "/register"},
		{"device-analyst", "analyst1", e.devicePath(keyCT)},
		{"device-viewer", "viewer1", e.devicePath(keyCT)},
		{"map", "admin1", "/map"},
		{"captures", "analyst1", "/captures"},
		{"capture", "analyst1", "/captures/1"},
		{"audit", "viewer1", "/audit"},
		{"users", "admin1", "/users"},
		{"tokens", "admin1", "/tokens"},
		{"not-found", "viewer1", "/devices/999"},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			ctx, problems := newBrowser(t, p.user)
			if err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+p.path), chromedp.WaitVisible(chromedp.CSS("main h1"))); err != nil {
				t.Fatal(err)
			}
			h1, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main h1")))
			if err != nil {
				t.Fatal(err)
			}
			buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			if strings.TrimSpace(h1) == "" {
				t.Errorf("no heading")
			}
			for _, pr := range problems() {
				// The error page's own status is reported too; that one
				// is intended.
				if p.name == "not-found" && strings.Contains(pr, "status of 404") {
					continue
				}
				t.Errorf("browser reported %s", pr)
			}
			if dir != "" {
				if err := os.WriteFile(filepath.Join(dir, p.name+".png"), buf, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// TestBrowserUpload uploads a file through the script-enhanced form, which
// must send the CSRF field first and land on the capture's page.
func TestBrowserUpload(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	e := newTestEnv(t, envOptions{csp: true})
	file := filepath.Join(t.TempDir(), "icu-span.pcap")
	if err := os.WriteFile(file, []byte("\xd4\xc3\xb2\xa1 a capture in all but content"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, problems := newBrowser(t, "analyst1")
	err := chromedp.Do(ctx,
		chromedp.Navigate(e.srv.URL+"/captures"),
		chromedp.SetUploadFiles(chromedp.ID("u-file"), []string{file}),
		chromedp.Click(chromedp.CSS("#upload-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.Search(`//h1[text()="icu-span.pcap"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(loc, "/captures/") || len(e.queue.ids) != 1 {
		t.Errorf("landed on %s, queued %v", loc, e.queue.ids)
	}
	if e.lastCSRF() != testCSRF {
		t.Errorf("upload carried CSRF %q first", e.lastCSRF())
	}
	if ps := problems(); len(ps) > 0 {
		t.Errorf("browser reported %v", ps)
	}
}

// TestBrowserRegisterImport walks the register import in Chromium: upload
// a CSV, check the suggested mapping, see what would happen, apply. Each
// step is a plain form, so it works as well without script. With
// CORDON_SCREENSHOTS set, each step is saved for people to look at.
func TestBrowserRegisterImport(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	e := newTestEnv(t, envOptions{csp: true})
	e.withRecordedSerial()
	file := filepath.Join(t.TempDir(), "ebme-export.csv")
	if err := os.WriteFile(file, []byte(ebmeCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv("CORDON_SCREENSHOTS")
	shot := func(ctx context.Context, name string) {
		t.Helper()
		buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	ctx, problems := newBrowser(t, "analyst1")
	err := chromedp.Do(ctx,
		chromedp.Navigate(e.srv.URL+"/register"),
		chromedp.SetUploadFiles(chromedp.ID("r-file"), []string{file}),
		chromedp.Click(chromedp.CSS("#register-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.Search(`//h1[text()="Map the register's columns"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	ward, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("col-7")))
	if err != nil || ward != "ward" {
		t.Errorf("Location preselected as %q (%v), want ward", ward, err)
	}
	shot(ctx, "register-preview")
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`button[value="dry-run"]`)),
		chromedp.WaitVisible(chromedp.Search(`//h1[text()="What the import would do"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	shot(ctx, "register-dry-run")
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`button[value="apply"]`)),
		chromedp.WaitVisible(chromedp.Search(`//h1[text()="Register imported"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	shot(ctx, "register-imported")
	if e.lastCSRF() != testCSRF {
		t.Errorf("upload carried CSRF %q first", e.lastCSRF())
	}
	if ps := problems(); len(ps) > 0 {
		t.Errorf("browser reported %v", ps)
	}
}
