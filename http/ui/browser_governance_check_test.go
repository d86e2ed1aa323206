package ui_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/cordonsec/cordon/internal/browsertest"
)

// govBrowser is Chromium signed in to the governance env's server.
type govBrowser struct {
	t   *testing.T
	b   *browsertest.Browser
	ctx context.Context
	e   *govEnv
}

// signIn starts Chromium and signs in as user through the real sign-in
// form, so that every later request carries a real session and every form
// the session's CSRF token.
func signIn(t *testing.T, e *govEnv, user string) *govBrowser {
	t.Helper()
	b := browsertest.Start(t, 4*time.Minute)
	g := &govBrowser{t: t, b: b, ctx: b.Ctx, e: e}
	err := chromedp.Do(b.Ctx,
		chromedp.Navigate(e.url+"/login"),
		chromedp.WaitVisible(chromedp.ID("name")),
		chromedp.SendKeys(chromedp.ID("name"), user),
		chromedp.SendKeys(chromedp.ID("password"), govPassword),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav.nav`)),
	)
	if err != nil {
		t.Fatalf("sign in as %s: %v", user, err)
	}
	g.problems("sign-in")
	return g
}

// problems fails the test for what the browser reported since the last
// call, except the statuses listed as expected (such as "status of 400").
func (g *govBrowser) problems(step string, expected ...string) {
	g.t.Helper()
next:
	for _, p := range g.b.TakeProblems() {
		for _, x := range expected {
			if strings.Contains(p, x) {
				continue next
			}
		}
		g.t.Errorf("%s: browser reported %s", step, p)
	}
}

// do runs actions, failing the test with step's name.
func (g *govBrowser) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	g.t.Helper()
	// A step that waits for what never comes fails in 30 seconds, with the
	// page it stopped on, rather than at the browser's deadline.
	ctx, cancel := context.WithTimeout(g.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		loc, _ := chromedp.Run(g.ctx, chromedp.Location())
		main, _ := chromedp.Run(g.ctx, chromedp.Text(chromedp.CSS("body")))
		g.shot("fail-" + strings.ReplaceAll(step, " ", "-"))
		g.t.Fatalf("%s: %v\nstopped on %s:\n%.1500s", step, err, loc, main)
	}
}

// text is the visible text of the page's main element.
func (g *govBrowser) text() string {
	g.t.Helper()
	s, err := chromedp.Run(g.ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		g.t.Fatal(err)
	}
	return s
}

// wantText fails for each of wants the main text lacks.
func (g *govBrowser) wantText(step string, wants ...string) {
	g.t.Helper()
	got := g.text()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			g.t.Errorf("%s: page lacks %q", step, w)
		}
	}
	if strings.Contains(got, "<script>") && !strings.Contains(got, "<script>alert(1)</script>") {
		g.t.Errorf("%s: stray markup in the page text", step)
	}
}

// shot saves a full-page screenshot as gov-name.png when
// CORDON_SCREENSHOTS names a directory, for people to look at.
func (g *govBrowser) shot(name string) {
	g.t.Helper()
	ctx, cancel := context.WithTimeout(g.ctx, 30*time.Second)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		g.t.Fatal(err)
	}
	dir := os.Getenv("CORDON_SCREENSHOTS")
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		g.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "gov-"+name+".png"), buf, 0o644); err != nil {
		g.t.Fatal(err)
	}
}

// auditJS lists what the page does wrong for people using assistive
// technology or a narrow window: form controls without a label, column
// headers without scope, no current page in the main navigation,
// horizontal overflow of the page, and text (badges, buttons, muted text,
// links) below WCAG 2.1's 4.5:1 contrast against its background.
const auditJS = `(() => {
  const out = [];
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (['hidden', 'submit', 'button'].includes(el.type)) continue;
    if ((el.labels && el.labels.length) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')) continue;
    out.push('unlabelled ' + el.tagName.toLowerCase() + ' ' + (el.name || el.id));
  }
  for (const th of document.querySelectorAll('thead th')) {
    if (!th.hasAttribute('scope')) out.push('column header without scope: ' + th.textContent.trim().slice(0, 40));
  }
  if (!document.querySelector('nav.nav [aria-current="page"]')) out.push('no aria-current in the main navigation');
  if (document.documentElement.scrollWidth > window.innerWidth + 1) out.push('the page is wider than the window: ' + document.documentElement.scrollWidth + 'px');
  const rgb = s => { const m = s.match(/[\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const bg = el => { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor); if (c.a > 0.5) return c; } return {r: 255, g: 255, b: 255, a: 1}; };
  for (const el of document.querySelectorAll('main .badge, main .btn, main .muted, main a, main .stat-label, main th, main label, main .banner')) {
    if (!el.offsetParent || !el.textContent.trim()) continue;
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(bg(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) out.push('contrast ' + ratio.toFixed(2) + ':1 for "' + el.textContent.trim().slice(0, 30) + '" (' + el.className + ')');
  }
  return out;
})()`

// audit fails for each accessibility or layout problem of the page.
func (g *govBrowser) audit(step string) {
	g.t.Helper()
	found, err := chromedp.Run(g.ctx, chromedp.Evaluate[[]string](auditJS))
	if err != nil {
		g.t.Fatalf("%s: audit: %v", step, err)
	}
	for _, f := range found {
		g.t.Errorf("%s: %s", step, f)
	}
}

// visit opens path, waits for its heading and checks the page: its
// heading, the texts it must show, accessibility, and what the browser
// reported. It saves a screenshot.
func (g *govBrowser) visit(name, path, h1 string, wants ...string) {
	g.t.Helper()
	g.do(name, chromedp.Navigate(g.e.url+path), chromedp.WaitVisible(chromedp.CSS("main h1")))
	head, err := chromedp.Run(g.ctx, chromedp.Text(chromedp.CSS("main h1")))
	if err != nil {
		g.t.Fatal(err)
	}
	if !strings.Contains(head, h1) {
		g.t.Errorf("%s: heading %q, want %q", name, head, h1)
	}
	g.wantText(name, wants...)
	g.audit(name)
	g.shot(name)
	g.problems(name)
}

// cookieClient is an HTTP client that sends the browser's session cookie,
// for downloads the browser would save to disk.
func (g *govBrowser) cookieClient() (*http.Client, []*http.Cookie) {
	g.t.Helper()
	res, err := chromedp.Call(g.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{g.e.url + "/"}})
	if err != nil {
		g.t.Fatal(err)
	}
	var cs []*http.Cookie
	for _, c := range res.Cookies {
		cs = append(cs, &http.Cookie{Name: c.Name, Value: c.Value})
	}
	if len(cs) == 0 {
		g.t.Fatal("the browser holds no session cookie")
	}
	return &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, cs
}

// download follows the page's "Export CSV" link with the session and
// returns the parsed rows, failing for a cell a spreadsheet would run as a
// formula.
func (g *govBrowser) download(step string) [][]string {
	g.t.Helper()
	href, err := chromedp.Run(g.ctx, chromedp.AttributeValue(chromedp.CSS(`main a[download][href*=".csv"]`), "href"))
	if err != nil || !href.Exists {
		g.t.Fatalf("%s: no CSV export link (%v)", step, err)
	}
	client, cookies := g.cookieClient()
	req, err := http.NewRequest("GET", g.e.url+href.Value, nil)
	if err != nil {
		g.t.Fatal(err)
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := client.Do(req)
	if err != nil {
		g.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		g.t.Fatalf("%s: GET %s: %d %s %q", step, href.Value, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
	}
	r := csv.NewReader(resp.Body)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		g.t.Fatalf("%s: %s is not CSV: %v", step, href.Value, err)
	}
	if len(rows) < 2 {
		g.t.Errorf("%s: %s has no data rows", step, href.Value)
	}
	for i, row := range rows {
		for j, c := range row {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				g.t.Errorf("%s: row %d cell %d would run as a formula: %q", step, i+1, j+1, c)
			}
		}
	}
	return rows
}
