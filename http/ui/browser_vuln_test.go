package ui

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/cordonsec/cordon"
)

// shoot saves a full-page screenshot as name.png when CORDON_SCREENSHOTS
// names a directory, for people to look at.
func shoot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv("CORDON_SCREENSHOTS")
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserFixFirst walks what an analyst does with an alert in
// Chromium under the production Content-Security-Policy: dashboard →
// worklist → the riskiest device → its most urgent finding, and records
// the compensating controls that mitigate it. Every step is a plain link
// or form.
func TestBrowserFixFirst(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	e, w := newVulnEnv(t, envOptions{csp: true})
	ctx, problems := newBrowser(t, "analyst1")
	ct := e.devicePath(keyCT)
	steps := []struct {
		name    string
		actions []chromedp.Action[chromedp.Void]
	}{
		{"vuln-dashboard", []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(e.srv.URL + "/"),
			chromedp.WaitVisible(chromedp.CSS(`#exp-h`)),
		}},
		{"vuln-worklist", []chromedp.Action[chromedp.Void]{
			chromedp.Click(chromedp.CSS(`.section-head a[href="/worklist"]`)),
			chromedp.WaitVisible(chromedp.Search(`//h1[text()="Worklist"]`)),
		}},
		{"vuln-device", []chromedp.Action[chromedp.Void]{
			chromedp.Click(chromedp.CSS(`table.worklist a[href="` + ct + `"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#vulns-h`)),
		}},
		{"vuln-finding", []chromedp.Action[chromedp.Void]{
			chromedp.Click(chromedp.CSS(`#vulns a[href="/findings/1"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#status-form`)),
		}},
		{"vuln-finding-saved", []chromedp.Action[chromedp.Void]{
			chromedp.Click(chromedp.CSS(`input[name="status"][value="mitigated"]`)),
			chromedp.SendKeys(chromedp.ID("s-controls"), "SMB blocked at the ward firewall\nModality VLAN 40 only"),
			chromedp.Click(chromedp.CSS(`#status-form button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`.banner-ok`)),
		}},
	}
	for _, s := range steps {
		if err := chromedp.Do(ctx, s.actions...); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		shoot(t, ctx, s.name)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(loc, "/findings/1?saved=1#status") {
		t.Errorf("landed on %s", loc)
	}
	st := w.status(1)
	if st.Status != cordon.FindingMitigated || !slices.Equal(st.Controls, []string{"SMB blocked at the ward firewall", "Modality VLAN 40 only"}) || st.By != "analyst1" {
		t.Errorf("stored %+v", st)
	}
	if a := w.assessCalls(); !slices.Equal(a, []string{formatInt(e.ids[keyCT])}) {
		t.Errorf("assessed %v", a)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#status dl`)))
	if err != nil || !strings.Contains(text, "Mitigated") || !strings.Contains(text, "Modality VLAN 40 only") {
		t.Errorf("status shown as %q (%v)", text, err)
	}
	if ps := problems(); len(ps) > 0 {
		t.Errorf("browser reported %v", ps)
	}
}

// TestBrowserVulnPages renders the other vulnerability pages in Chromium
// under the production Content-Security-Policy, so that a blocked style or
// a script error fails, and saves screenshots when asked.
func TestBrowserVulnPages(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	e, _ := newVulnEnv(t, envOptions{csp: true})
	pages := []struct{ name, user, path string }{
		{"vuln-findings", "viewer1", "/findings"},
		{"vuln-affected", "viewer1", "/affected?cve=CVE-2017-0144,CVE-2014-0160,CVE-2099-12345"},
		{"vuln-vulnerability", "viewer1", "/vulnerabilities/" + cveEternalBlue},
		{"vuln-advisory", "viewer1", "/vulnerabilities/" + cveAlaris},
		{"vuln-feeds", "admin1", "/feeds"},
		{"vuln-device-viewer", "viewer1", e.devicePath(keyCT)},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			ctx, problems := newBrowser(t, p.user)
			if err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+p.path), chromedp.WaitVisible(chromedp.CSS("main h1"))); err != nil {
				t.Fatal(err)
			}
			shoot(t, ctx, p.name)
			for _, pr := range problems() {
				t.Errorf("browser reported %s", pr)
			}
		})
	}
	// The header's search box takes a CVE to its affected devices.
	ctx, problems := newBrowser(t, "viewer1")
	err := chromedp.Do(ctx,
		chromedp.Navigate(e.srv.URL+"/devices"),
		chromedp.SendKeys(chromedp.ID("top-q"), "cve-2017-0144\n"),
		chromedp.WaitVisible(chromedp.Search(`//h1[text()="Devices affected by CVE-2017-0144"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if ps := problems(); len(ps) > 0 {
		t.Errorf("browser reported %v", ps)
	}
}
