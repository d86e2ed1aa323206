package ui_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/cordonsec/cordon"
)

func id(n int64) string { return strconv.FormatInt(n, 10) }

// TestBrowserGovernancePages walks every page of issue 5 in Chromium, signed
// in through the production server (sessions, CSRF, the production
// Content-Security-Policy), over a store holding a model with an SBOM and an
// MDS2, a remediation in each state, exceptions with controls, a supplier,
// lifecycle plans and alerts. Each page must show its key content, pass
// the accessibility audit, and make the browser report nothing. With
// CORDON_SCREENSHOTS set, each page is saved for people to look at.
func TestBrowserGovernancePages(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	e := newGovEnv(t)
	g := signIn(t, e, "analyst1")
	ct1, ct2 := id(e.ids[govCT1]), id(e.ids[govCT2])
	pages := []struct {
		name, path, h1 string
		wants          []string
	}{
		{"dashboard", "/", "Dashboard", []string{"Exceptions and compensating controls", "Exposed without an exception"}},
		{"models", "/models", "Device models", []string{"SOMATOM go.Up", "Alaris 8015"}},
		{"model", "/models/" + id(e.siemens.ID), "SOMATOM go.Up", []string{"openssl", "zlib", "somatom-mds2.csv", "CT-SCAN-02"}},
		{"remediations", "/remediations", "Remediation board", []string{"CVE-2024-38063", "CVE-2017-0144", "CVE-2020-0796", "CVE-2020-1350",
			"CVE-2021-34527", "CVE-2022-21907", "CVE-2023-23397"}},
		{"remediation", "/remediations/" + id(e.rem[cordon.RemediationScheduled]), "CVE-2022-21907", []string{"2026-11-20", "VA40A-SP3", "SH-2025-01"}},
		{"remediation-rejected", "/remediations/" + id(e.rem[cordon.RemediationRejected]), "CVE-2020-1350", []string{"Breaks the DICOM print service"}},
		{"scorecard", "/remediations/scorecard", "Manufacturer scorecard", []string{"Siemens Healthineers"}},
		{"remediation-new", "/remediations/new?device=" + ct1 + "&cve=CVE-2019-0708", "CVE-2019-0708", []string{"Not tracked yet", "Track this fix"}},
		{"exceptions", "/exceptions", "Exceptions", []string{"RR-17", "Exposed without an exception", "ct-scan-01"}},
		{"exception", "/exceptions/" + id(e.exception), "Exception " + id(e.exception), []string{"complete", "CVE-2020-25165", "Pump VLAN 30"}},
		{"exception-new", "/exceptions/new?device=" + ct2, "New exception", []string{"Compensating controls"}},
		{"suppliers", "/suppliers", "Suppliers", []string{"Siemens Healthineers", "203.0.113.9"}},
		{"supplier", "/suppliers/" + id(e.supplier), "Siemens Healthineers", []string{"SH-2025-01", "10.50.0.10"}},
		{"supplier-new", "/suppliers/new", "supplier", nil},
		{"lifecycle", "/lifecycle", "Lifecycle and replacement", []string{"£850,000", "2027-01-10", "By site", "By category"}},
		{"alerts", "/alerts", "Alerts", []string{"that no supplier record explains", "manufacturer validation past 90 days"}},
		{"alert", "/alerts/" + id(e.alert), "203.0.113.9", []string{"tcp/5900 (vnc) from 203.0.113.9"}},
		{"device", "/devices/" + ct1, "CT-SCAN-01", []string{"Exceptions and mitigation plan", "Lifecycle", "Siemens letter 2025-04"}},
	}
	for _, p := range pages {
		g.visit(p.name, p.path, p.h1, p.wants...)
	}

	// The forecast chart draws bars.
	g.do("lifecycle", chromedp.Navigate(e.url+"/lifecycle"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	bars, err := chromedp.Run(g.ctx, chromedp.Evaluate[int](`document.querySelectorAll('main figure.chart svg rect').length`))
	if err != nil || bars < 2 {
		t.Errorf("forecast chart: %d bars (%v)", bars, err)
	}

	// Each list with an export links to it, and the file is safe to open.
	for _, p := range []struct{ path, hostile string }{
		{"/remediations", ""},
		{"/exceptions", "'" + formula},
		{"/lifecycle", "'" + formula},
	} {
		g.do(p.path, chromedp.Navigate(e.url+p.path), chromedp.WaitVisible(chromedp.CSS("main h1")))
		rows := g.download(p.path)
		if p.hostile != "" && !slices.ContainsFunc(rows, func(r []string) bool { return slices.Contains(r, p.hostile) }) {
			t.Errorf("%s.csv lacks the defused formula %q", p.path, p.hostile)
		}
	}
	g.problems("downloads")

	// A viewer sees the same pages without the forms.
	v := signIn(t, e, "viewer1")
	v.visit("viewer-remediation", "/remediations/"+id(e.rem["move"]), "CVE-2017-0144", "Your role (viewer) reads")
	if n, _ := chromedp.Run(v.ctx, chromedp.Evaluate[int](`document.querySelectorAll('main form[method=post]').length`)); n != 0 {
		t.Errorf("a viewer sees %d forms on a remediation", n)
	}
	v.visit("viewer-alert", "/alerts/"+id(e.alert), "203.0.113.9")
	v.visit("viewer-device", "/devices/"+ct1, "CT-SCAN-01", "Lifecycle")
}

// TestBrowserGovernanceForms drives the main forms as a user would, with
// the session's CSRF token, and checks the store afterwards.
func TestBrowserGovernanceForms(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	e := newGovEnv(t)
	g := signIn(t, e, "analyst1")
	ctx := context.Background()

	t.Run("Exception", func(t *testing.T) {
		g.t = t
		ct := e.ids[govCT1]
		g.do("new exception",
			chromedp.Navigate(e.url+"/exceptions/new?device="+id(ct)),
			chromedp.WaitVisible(chromedp.ID("x-risk")),
			chromedp.SetValue(chromedp.ID("x-reason"), cordon.ExceptionNoValidatedPatch),
			chromedp.SendKeys(chromedp.ID("x-cves"), "cve-2019-0708"),
			chromedp.SendKeys(chromedp.ID("x-risk"), "RR-42"),
			chromedp.SendKeys(chromedp.ID("x-owner"), "Imaging physics"),
			chromedp.SetValue(chromedp.ID("x-expires"), "2027-04-30"),
			chromedp.SetValue(chromedp.CSS(`select[name=kind_0]`), "segmented"),
			chromedp.SetValue(chromedp.CSS(`select[name=status_0]`), cordon.ControlInPlace),
			chromedp.SendKeys(chromedp.CSS(`input[name=evidence_0]`), "Modality VLAN 40"),
			chromedp.SetValue(chromedp.CSS(`input[name=review_0]`), "2027-01-15"),
			chromedp.SetValue(chromedp.CSS(`select[name=kind_1]`), "no_email"),
			chromedp.SetValue(chromedp.CSS(`select[name=status_1]`), cordon.ControlVerified),
			chromedp.SendKeys(chromedp.CSS(`input[name=evidence_1]`), "No mail client in the image"),
			chromedp.SetValue(chromedp.CSS(`input[name=review_1]`), "2027-02-01"),
		)
		g.shot("form-exception-filled")
		g.do("save exception",
			chromedp.Click(chromedp.CSS(`button[name=action][value=save]`)),
			chromedp.WaitVisible(chromedp.CSS(`main .banner-ok`)),
		)
		g.wantText("saved exception", "complete", "CVE-2019-0708", "Modality VLAN 40")
		g.shot("form-exception-saved")
		g.problems("exception")
		xs, n, err := e.exceptions.FindExceptions(ctx, cordon.ExceptionFilter{DeviceID: ct})
		if err != nil || n != 1 {
			t.Fatalf("exceptions of the CT: %d, %v", n, err)
		}
		x := xs[0]
		if x.CreatedBy != "analyst1" || x.RiskRef != "RR-42" || !slices.Equal(x.CVEs, []string{"CVE-2019-0708"}) || len(x.Controls) != 2 ||
			x.Controls[0].Kind != "segmented" || x.Controls[1].Kind != "no_email" || x.Controls[1].Status != cordon.ControlVerified || !x.Plan.Complete {
			t.Errorf("stored %+v", x)
		}
	})

	t.Run("Remediation", func(t *testing.T) {
		g.t = t
		path := "/remediations/" + id(e.rem["move"])
		g.do("approve",
			chromedp.Navigate(e.url+path),
			chromedp.WaitVisible(chromedp.CSS(`input[name=state][value=approved]`)),
			chromedp.Click(chromedp.CSS(`input[name=state][value=approved]`)),
			chromedp.SetValue(chromedp.ID("t-at"), "2026-10-20"),
			chromedp.SendKeys(chromedp.ID("t-version"), "VA40A-SP4"),
			chromedp.SendKeys(chromedp.ID("t-evidence"), "https://example.nhs.uk/siemens-ms17-010.pdf"),
			chromedp.Click(chromedp.CSS(`form[action$="/transition"] button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`main .banner-ok`)),
		)
		g.wantText("approved", "VA40A-SP4")
		g.do("apply to CT 1",
			chromedp.Click(chromedp.CSS(`#devices-form input[name=device][value="`+id(e.ids[govCT1])+`"]`)),
			chromedp.SetValue(chromedp.ID("d-state"), cordon.RemediationDeviceApplied),
			chromedp.SetValue(chromedp.ID("d-date"), "2026-11-01"),
			chromedp.Click(chromedp.CSS(`#devices-form button[type=submit]`)),
			// The approval's banner is still up until the page reloads.
			chromedp.WaitVisible(chromedp.Search(`//main//td[contains(normalize-space(), "applied on 2026-11-01")]`)),
		)
		g.shot("form-remediation-applied")
		g.problems("remediation")
		r, err := e.remediations.FindRemediationByID(ctx, e.rem["move"])
		if err != nil {
			t.Fatal(err)
		}
		if r.State != cordon.RemediationApproved || r.ApprovedVersion != "VA40A-SP4" || r.Decided.Format("2006-01-02") != "2026-10-20" {
			t.Errorf("stored state %s, version %q, decided %s", r.State, r.ApprovedVersion, r.Decided)
		}
		for _, d := range r.Devices {
			want := cordon.RemediationDevicePending
			if d.DeviceID == e.ids[govCT1] {
				want = cordon.RemediationDeviceApplied
				if d.AppliedBy != "analyst1" || d.Applied.Format("2006-01-02") != "2026-11-01" {
					t.Errorf("CT 1 applied %s by %q", d.Applied, d.AppliedBy)
				}
			}
			if d.State != want {
				t.Errorf("device %d: %s, want %s", d.DeviceID, d.State, want)
			}
		}
	})

	t.Run("Alert", func(t *testing.T) {
		g.t = t
		note := "Siemens tested VNC from their new support centre; firewall change FW-231 requested."
		g.do("acknowledge",
			chromedp.Navigate(e.url+"/alerts/"+id(e.alert)),
			chromedp.WaitVisible(chromedp.ID("al-status")),
			chromedp.SetValue(chromedp.ID("al-status"), cordon.AlertAcknowledged),
			chromedp.SendKeys(chromedp.ID("al-owner"), "Network team"),
			chromedp.SendKeys(chromedp.ID("al-note"), note),
			chromedp.Click(chromedp.CSS(`form[action="/alerts/`+id(e.alert)+`"] button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`main [role=status]`)),
		)
		g.wantText("acknowledged", note, "Network team")
		g.shot("form-alert-acknowledged")
		g.problems("alert")
		a, err := e.alerts.FindAlertByID(ctx, e.alert)
		if err != nil || a.Status != cordon.AlertAcknowledged || a.Note != note || a.Owner != "Network team" || a.UpdatedBy != "analyst1" {
			t.Errorf("stored %+v, %v", a, err)
		}
	})

	t.Run("Disposal", func(t *testing.T) {
		g.t = t
		us := e.ids[govUS]
		page := e.url + "/devices/" + id(us)
		g.do("decommission",
			chromedp.Navigate(page),
			chromedp.WaitVisible(chromedp.ID("lifecycle-h")),
			chromedp.Click(chromedp.Search(`//section[@id="lifecycle"]//summary[normalize-space()="Decommission"]`)),
			chromedp.WaitVisible(chromedp.ID("dc-why")),
			chromedp.SetValue(chromedp.ID("dc-on"), "2026-10-20"),
			chromedp.SendKeys(chromedp.ID("dc-why"), "Replaced by a Vivid E95"),
			chromedp.Click(chromedp.CSS(`form[action$="/decommission"] button[type=submit]`)),
			chromedp.WaitVisible(chromedp.ID("dp-method")),
		)
		g.wantText("decommissioned", "Decommissioned", "Replaced by a Vivid E95")
		g.shot("form-decommissioned")
		g.problems("decommission")

		// Without a sanitisation record the browser holds the form back…
		g.do("dispose unsanitised", chromedp.Click(chromedp.CSS(`form[action$="/dispose"] button[type=submit]`)))
		missing, err := chromedp.Run(g.ctx, chromedp.Evaluate[bool](`document.getElementById('dp-method').validity.valueMissing`))
		if err != nil || !missing {
			t.Errorf("the browser did not hold back the form without a method (%v)", err)
		}
		// …and a browser that does not check is told by the server.
		g.do("dispose unsanitised, unchecked",
			chromedp.Evaluate[chromedp.Void](`document.querySelector('form[action$="/dispose"]').noValidate = true`),
			chromedp.Click(chromedp.CSS(`form[action$="/dispose"] button[type=submit]`)),
			chromedp.WaitVisible(chromedp.Search(`//main//*[contains(., "sanitis")]`)),
		)
		g.wantText("refused", "sanitis")
		g.shot("form-dispose-refused")
		g.problems("dispose refused", "status of 400")
		if lc, err := e.lifecycles.FindLifecycle(ctx, us); err != nil || lc.State != cordon.LifecycleDecommissioned {
			t.Fatalf("after the refused disposal: %+v, %v", lc, err)
		}

		g.do("dispose",
			chromedp.Navigate(page),
			chromedp.WaitVisible(chromedp.ID("dp-method")),
			chromedp.SetValue(chromedp.ID("dp-method"), cordon.SanitisePurge),
			chromedp.SendKeys(chromedp.ID("dp-op"), "EBME workshop"),
			chromedp.SetValue(chromedp.ID("dp-date"), "2026-11-01"),
			chromedp.SendKeys(chromedp.ID("dp-cert"), "SAN-2026-114"),
			chromedp.Click(chromedp.CSS(`form[action$="/dispose"] button[type=submit]`)),
			chromedp.WaitVisible(chromedp.Search(`//section[@id="lifecycle"]//dt[text()="Disposed of"]`)),
		)
		g.wantText("disposed", "SAN-2026-114", "EBME workshop")
		g.shot("form-disposed")
		g.problems("dispose")
		lc, err := e.lifecycles.FindLifecycle(ctx, us)
		if err != nil {
			t.Fatal(err)
		}
		if lc.State != cordon.LifecycleDisposed || lc.Decommissioned == nil || lc.Decommissioned.By != "analyst1" ||
			lc.Disposed == nil || lc.Disposed.Sanitisation == nil || lc.Disposed.Sanitisation.Certificate != "SAN-2026-114" ||
			lc.Disposed.Sanitisation.Method != cordon.SanitisePurge || lc.Disposed.By != "analyst1" {
			t.Errorf("stored %+v", lc)
		}
	})

	// Every change went through the real CSRF check and is audited.
	es, _, err := e.srv.AuditService.FindAuditEntries(ctx, cordon.AuditFilter{Actor: "analyst1", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, a := range es {
		actions = append(actions, a.Action)
	}
	for _, want := range []string{"exception.create", "remediation.update", "remediation.devices", "alert.update", "lifecycle.decommission", "lifecycle.dispose"} {
		if !slices.Contains(actions, want) {
			t.Errorf("audit lacks %s: %s", want, strings.Join(actions, ","))
		}
	}
}
