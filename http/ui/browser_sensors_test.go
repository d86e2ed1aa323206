package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserCapturesSensors renders the remote sensors card in Chromium
// under the production Content-Security-Policy, where a silent sensor
// must read as text, not colour alone, then forgets it through its form
// as an admin would. With CORDON_SCREENSHOTS set, the page is saved for
// people to look at.
func TestBrowserCapturesSensors(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	f := &fakeSensorContacts{contacts: testSensors()}
	e := newSensorEnv(t, envOptions{csp: true}, f, testLive)
	ctx, problems := newBrowser(t, "admin1")
	silentRow := chromedp.CSS(`tr[id="sensor-sensor.site2/eth0.100"]`)
	if err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+"/captures"), chromedp.WaitVisible(chromedp.ID("sensors"))); err != nil {
		t.Fatal(err)
	}
	silent, err := chromedp.Run(ctx, chromedp.Text(silentRow))
	if err != nil {
		t.Fatal(err)
	}
	quiet, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`tr[id="sensor-sensor.site3/eth1"]`)))
	if err != nil {
		t.Fatal(err)
	}
	banner, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("sensors-silent")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(silent, "Silent since 2026-11-02 08:45 UTC") || !strings.Contains(banner, "No batch from sensor.site2/eth0.100") {
		t.Errorf("the silent sensor reads %q; the banner %q", silent, banner)
	}
	if !strings.Contains(quiet, "Shipping") || !strings.Contains(quiet, "No traffic on the interface") {
		t.Errorf("site 3 reads %q", quiet)
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`tr[id="sensor-sensor.site2/eth0.100"] a[href="/alerts?kind=sensor_silent"]`))); err != nil {
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
		if err := os.WriteFile(filepath.Join(dir, "captures-sensors.png"), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// Forget the silent one: the page comes back saying so, without it.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`tr[id="sensor-sensor.site2/eth0.100"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`main .banner-ok`)),
	); err != nil {
		t.Fatal(err)
	}
	notice, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main .banner-ok`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(notice, "was forgotten") {
		t.Errorf("the notice reads %q", notice)
	}
	if got := f.forgets(); len(got) != 1 || got[0] != "admin1 sensor.site2/eth0.100" {
		t.Errorf("forgotten: %v", got)
	}
	left, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#sensors tbody tr')].map(r => r.id)`))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(left, " ") != "sensor-sensor.site2/eth1 sensor-sensor.site3/eth1" {
		t.Errorf("rows left: %v", left)
	}
	if ps := problems(); len(ps) > 0 {
		t.Errorf("browser reported %v", ps)
	}
}
