package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/internal/browsertest"
	"github.com/cordonsec/cordon/simulate"
)

// browser is headless Chromium walking through the UI for one test.
type browser struct {
	*browsertest.Browser
	t   *testing.T
	ctx context.Context
}

// newBrowser starts headless Chromium, or skips the test when there is none
// to start. One bound covers the whole walk through the UI, so that a page
// that never shows what is awaited fails the test instead of hanging it.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	b := browsertest.Start(t, 3*time.Minute)
	return &browser{Browser: b, t: t, ctx: b.Ctx}
}

// takeProblems returns what the browser reported since the last call.
func (b *browser) takeProblems() []string { return b.TakeProblems() }

// noProblems fails the test if the browser reported anything during step.
func (b *browser) noProblems(step string) {
	b.t.Helper()
	for _, p := range b.takeProblems() {
		b.t.Errorf("%s: browser reported %s", step, p)
	}
}

// do runs the actions of one step, failing the test on an error.
func (b *browser) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", step, err)
	}
}

// eval evaluates a script that returns T.
func eval[T any](b *browser, step, script string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](script, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("%s: %v", step, err)
	}
	return v
}

// waitFor polls a script until it returns true, across page loads (the
// capture page refreshes itself while it waits for the analyser).
func (b *browser) waitFor(step, script string, timeout time.Duration) {
	b.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](script))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) || b.ctx.Err() != nil {
			loc, _ := chromedp.Run(b.ctx, chromedp.Location())
			b.t.Fatalf("%s: not seen within %v (at %s; last error %v)", step, timeout, loc, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitPath waits until the page at path has loaded.
func (b *browser) waitPath(step, path string) {
	b.t.Helper()
	b.waitFor(step, fmt.Sprintf(`location.pathname === %q && document.readyState === "complete"`, path), 30*time.Second)
}

// screenshot saves the whole page as NAME.png in $CORDON_SCREENSHOTS, if
// set, for people to look at.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	dir := os.Getenv("CORDON_SCREENSHOTS")
	if dir == "" {
		return
	}
	buf, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "server-"+name+".png"), buf, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// login signs in through the sign-in page and waits for the dashboard.
func (b *browser) login(base, name string) {
	b.t.Helper()
	b.do("sign in as "+name,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("name")),
		chromedp.SendKeys(chromedp.ID("name"), name),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
	)
	b.waitPath("dashboard after sign-in", "/")
	who := eval[string](b, "who is signed in", `document.querySelector(".who-name")?.textContent ?? ""`)
	if who != name {
		b.t.Fatalf("signed in as %q, the header says %q", name, who)
	}
}

// TestBrowser walks through the real UI in headless Chromium over the real
// server: an analyst signs in, uploads a simulated hospital's capture,
// waits for it, finds the CT scanner, records its ward and sees the change
// in the audit log; a viewer then finds no edit form and cannot post one.
// The production Content-Security-Policy applies throughout, and any script
// error or policy violation fails the test.
func TestBrowser(t *testing.T) {
	b := newBrowser(t)
	dir := t.TempDir()
	addUsers(t, dir)
	pcap, truth := simulateCapture(t, simulate.Config{Seed: 1, Devices: 120})
	ct := findCT(t, truth)
	srv := startServer(t, dir)

	// Anyone who is not signed in is sent to sign in.
	b.do("open the server", chromedp.Navigate(srv.url+"/devices"))
	b.waitPath("redirect to sign in", "/login")
	b.screenshot("login")
	b.noProblems("sign-in page")

	b.login(srv.url, "analyst1")
	b.noProblems("sign in")

	// Upload through the captures page's own form and script.
	b.do("upload",
		chromedp.Navigate(srv.url+"/captures"),
		chromedp.SetUploadFiles(chromedp.ID("u-file"), []string{pcap}),
		chromedp.Click(chromedp.CSS(`#upload-form button[type=submit]`)),
	)
	b.waitFor("the capture's page", `location.pathname.startsWith("/captures/") && document.querySelector("main h1")?.textContent === "hospital-120.pcap"`, 30*time.Second)
	b.waitFor("the capture done", `document.querySelector("main .status-done") !== null && document.readyState === "complete"`, 2*time.Minute)
	b.screenshot("capture")
	b.noProblems("upload")

	b.do("dashboard", chromedp.Navigate(srv.url+"/"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	b.screenshot("dashboard")
	b.do("network map", chromedp.Navigate(srv.url+"/map"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	b.screenshot("map")
	b.do("captures", chromedp.Navigate(srv.url+"/captures"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	b.screenshot("captures")
	b.noProblems("pages")

	// Find the CT scanner: search for "CT" among imaging modalities.
	b.do("device list",
		chromedp.Navigate(srv.url+"/devices"),
		chromedp.WaitVisible(chromedp.ID("f-q")),
	)
	b.screenshot("devices")
	b.do("filter the device list",
		chromedp.SendKeys(chromedp.ID("f-q"), "CT"),
		chromedp.SetValue(chromedp.ID("f-category"), "imaging_modality"),
		chromedp.Click(chromedp.CSS(`main form[role=search] button[type=submit]`)),
	)
	b.waitFor("filtered list", `location.search.includes("category=imaging_modality") && document.readyState === "complete"`, 30*time.Second)
	type row struct{ Href, Name, MAC, Category, Modality string }
	rows := eval[[]row](b, "read the device list", `Array.from(document.querySelectorAll("main tbody tr")).map(tr => ({
		Href: tr.querySelector("th a")?.getAttribute("href") ?? "",
		Name: tr.querySelector("th a")?.textContent ?? "",
		MAC: tr.cells[2]?.textContent.trim() ?? "",
		Category: tr.cells[3]?.querySelector(".badge")?.textContent.trim() ?? "",
		Modality: tr.cells[3]?.querySelector(".muted")?.textContent.trim() ?? "",
	}))`)
	var target row
	cts := 0
	for _, r := range rows {
		if r.Modality == "CT" {
			cts++
		}
		if r.MAC == ct.MAC {
			target = r
		}
	}
	if target.Href == "" || target.Modality != "CT" || cts < 2 {
		t.Fatalf("the CT scanner %s (%s) is not listed as a CT among %d CTs: %+v", ct.MAC, ct.Hostnames, cts, rows)
	}
	var id int64
	if _, err := fmt.Sscanf(target.Href, "/devices/%d", &id); err != nil {
		t.Fatalf("device link %q: %v", target.Href, err)
	}

	// Open it, record its ward, save.
	const ward = "CT suite 2, Radiology"
	b.do("open the CT scanner",
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`main tbody a[href=%q]`, target.Href))),
		chromedp.WaitVisible(chromedp.ID("r-ward")),
	)
	b.waitPath("the CT scanner's page", target.Href)
	b.do("record the ward",
		chromedp.SendKeys(chromedp.ID("r-ward"), ward),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`form[action=%q] button[type=submit]`, target.Href))),
	)
	b.waitFor("saved", `document.querySelector("main .banner-ok") !== null && document.readyState === "complete"`, 30*time.Second)
	if got := eval[string](b, "ward after saving", `document.getElementById("r-ward").value`); got != ward {
		t.Errorf("ward after saving = %q, want %q", got, ward)
	}
	b.screenshot("device")
	b.noProblems("record the ward")

	// The audit log shows who changed what, before and after.
	b.do("open the audit log from the banner", chromedp.Click(chromedp.CSS(`main .banner-ok a`)))
	b.waitPath("audit log", "/audit")
	type change struct{ Actor, Action, Object, Field, Before, After string }
	changes := eval[[]change](b, "read the audit log", `Array.from(document.querySelectorAll("main tbody tr")).flatMap(tr =>
		Array.from(tr.cells[4].querySelectorAll("li")).map(li => ({
			Actor: tr.cells[1].textContent.trim(),
			Action: tr.cells[2].textContent.trim(),
			Object: tr.cells[3].querySelector("a")?.textContent.trim() ?? "",
			Field: li.querySelector("strong")?.textContent.trim() ?? "",
			Before: (li.querySelector("del")?.textContent ?? li.querySelector(".muted")?.textContent ?? "").trim(),
			After: li.querySelector("ins")?.textContent.trim() ?? "",
		})))`)
	want := change{Actor: "analyst1", Action: "device.update", Object: fmt.Sprintf("device:%d", id), Before: "empty", After: ward}
	found := false
	for _, c := range changes {
		if strings.EqualFold(c.Field, "ward") {
			c.Field = ""
			found = c == want
		}
	}
	if !found {
		t.Errorf("audit log shows %+v; want the ward change %+v", changes, want)
	}
	b.do("whole audit log", chromedp.Navigate(srv.url+"/audit"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	b.screenshot("audit")
	b.noProblems("audit log")

	// Sign out, and sign in as a viewer.
	b.do("sign out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button[type=submit]`)))
	b.waitPath("signed out", "/login")
	b.login(srv.url, "viewer1")
	b.do("the CT scanner as a viewer",
		chromedp.Navigate(srv.url+target.Href),
		chromedp.WaitVisible(chromedp.ID("recorded")),
	)
	b.screenshot("device-viewer")
	forms := eval[int](b, "edit forms", fmt.Sprintf(`document.querySelectorAll('form[action=%q], #r-ward, #recorded input, #recorded textarea, #recorded select').length`, target.Href))
	shown := eval[string](b, "recorded fields", `document.getElementById("recorded").textContent`)
	if forms != 0 || !strings.Contains(shown, ward) {
		t.Errorf("a viewer sees %d edit controls, and the recorded fields %q (want none, and the ward)", forms, shown)
	}
	b.noProblems("viewer's device page")

	// A forged post with the viewer's own, valid CSRF token: the role
	// check refuses it, not the CSRF check.
	before, err := srv.st.devices.FindDeviceByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	_, auditBefore, err := srv.st.audit.FindAuditEntries(context.Background(), cordon.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	type forged struct {
		Status int
		Body   string
	}
	got := eval[forged](b, "forged post", fmt.Sprintf(`(async () => {
		const csrf = document.querySelector('input[name=csrf]').value;
		const r = await fetch(%q, {method: "POST", redirect: "manual",
			body: new URLSearchParams({csrf: csrf, ward: "Forged ward", criticality: "low"})});
		return {Status: r.status, Body: await r.text()};
	})()`, target.Href))
	if got.Status != 403 || !strings.Contains(got.Body, "role") {
		t.Errorf("forged post as a viewer: %d, want 403 for the role; body %.300s", got.Status, got.Body)
	}
	after, err := srv.st.devices.FindDeviceByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	_, auditAfter, err := srv.st.audit.FindAuditEntries(context.Background(), cordon.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(after.Recorded, before.Recorded) || after.Recorded.Ward != ward || auditAfter != auditBefore {
		t.Errorf("the forged post changed the device: %+v → %+v; audit entries %d → %d", before.Recorded, after.Recorded, auditBefore, auditAfter)
	}
	// The refused request is the only thing the browser may complain of.
	for _, p := range b.takeProblems() {
		if !strings.Contains(p, "status of 403") {
			t.Errorf("forged post: browser reported %s", p)
		}
	}
}
