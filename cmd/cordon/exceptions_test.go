package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/assess"
	"github.com/cordonsec/cordon/storetest"
)

// seedExceptions fills dir with two exposed devices (assessed for real),
// one covered by an exception that expires in five days; it returns the
// devices' IDs and the exception.
func seedExceptions(t *testing.T, dir string) (covered, bare int64, x *cordon.Exception) {
	t.Helper()
	ctx := context.Background()
	st, err := openStore(dir, slog.New(slog.DiscardHandler), "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	devs := storetest.Devices(
		storetest.NewDevice("00:09:02:aa:00:01", "10.1.0.5", cordon.CategoryImagingModality, storetest.WithHost("ct-1")),
		storetest.NewDevice("00:40:9d:aa:00:02", "10.1.0.6", cordon.CategoryInfusionPump, storetest.WithHost("pump-2")),
	)
	c := &cordon.Capture{Name: "seed.pcap", SHA256: storetest.Hash("seed"), Size: 1}
	must(t, st.captures.CreateCapture(ctx, c))
	must(t, st.captures.StartCapture(ctx, c.ID))
	must(t, st.ingests.CommitIngest(ctx, c.ID, devs, nil, cordon.IngestStats{Devices: 2}))
	recs, _, err := st.devices.FindDevices(ctx, cordon.DeviceFilter{Sort: "hostname"})
	must(t, err)
	covered, bare = recs[0].ID, recs[1].ID
	f := storetest.NewFinding("CVE-2019-0708", true, 0.97, 9.8, "confirmed")
	must(t, st.findings.ReplaceFindings(ctx, []cordon.DeviceAssessment{
		{DeviceID: covered, Findings: []cordon.Finding{f}, Exposure: cordon.Exposure{Risk: cordon.Risk{Score: 80}}},
		{DeviceID: bare, Findings: []cordon.Finding{f}, Exposure: cordon.Exposure{Risk: cordon.Risk{Score: 60}}},
	}))
	today := cordon.Day(time.Now())
	x = &cordon.Exception{DeviceID: covered, Reason: cordon.ExceptionNoValidatedPatch, RiskRef: "=RR-1", Owner: "EBME",
		Expires: today.AddDate(0, 0, 5), Controls: []cordon.Control{
			{Kind: "no_email", Class: cordon.ControlLikelihood, Status: cordon.ControlInPlace, ReviewDate: today.AddDate(0, 0, 5)}}}
	must(t, st.exceptions.CreateException(ctx, x))
	return covered, bare, x
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

func TestExceptionsList(t *testing.T) {
	dir := t.TempDir()
	covered, bare, x := seedExceptions(t, dir)

	table := runOK(t, "", "exceptions", "list", "--data", dir, "--due")
	if !strings.HasPrefix(table, "ID") || !strings.Contains(table, "ct-1") || !strings.Contains(table, "(due)") || !strings.Contains(table, "incomplete") {
		t.Errorf("table:\n%s", table)
	}
	var list []cordon.Exception
	must(t, json.Unmarshal([]byte(runOK(t, "", "exceptions", "list", "--data", dir, "--format", "json")), &list))
	if len(list) != 1 || list[0].ID != x.ID || list[0].DeviceID != covered || list[0].State != cordon.ExceptionActive {
		t.Errorf("json = %+v", list)
	}
	rows, err := csv.NewReader(strings.NewReader(runOK(t, "", "exceptions", "list", "--data", dir, "--format", "csv"))).ReadAll()
	must(t, err)
	if len(rows) != 2 || rows[1][8] != "'=RR-1" {
		t.Errorf("csv = %q", rows)
	}

	var cov cordon.ExceptionCoverage
	must(t, json.Unmarshal([]byte(runOK(t, "", "exceptions", "list", "--data", dir, "--uncovered", "--format", "json")), &cov))
	if cov.Exposed != 2 || cov.Uncovered != 1 || cov.UncoveredList[0].Device.ID != bare {
		t.Errorf("coverage = %+v", cov)
	}
	if out := runOK(t, "", "exceptions", "list", "--data", dir, "--uncovered"); !strings.Contains(out, "1 without an exception") || !strings.Contains(out, "pump-2") {
		t.Errorf("uncovered table:\n%s", out)
	}

	for _, args := range [][]string{{"exceptions"}, {"exceptions", "show"}, {"exceptions", "list", "--format", "xml"},
		{"exceptions", "list", "--due", "--uncovered"}, {"exceptions", "list", "extra"}} {
		if code, _, _ := runCLI(t, append(args, "--data", dir)...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}

// TestCheckExceptions runs the hourly check against the real alert store:
// nothing while the exception holds; an alert and a re-assessment once it
// expires; the alert counted again, not repeated, an hour later; and
// resolved once the exception is revoked.
func TestCheckExceptions(t *testing.T) {
	dir := t.TempDir()
	covered, _, x := seedExceptions(t, dir)
	st, err := openStore(dir, slog.New(slog.DiscardHandler), "")
	must(t, err)
	defer st.Close()
	ctx := cordon.NewContextWithUser(context.Background(), &cordon.User{Name: "system"})
	open := func() []*cordon.Alert {
		t.Helper()
		as, _, err := st.alerts.FindAlerts(ctx, cordon.AlertFilter{Kind: cordon.AlertExceptionExpired, Status: "open"})
		must(t, err)
		return as
	}

	must(t, checkExceptions(ctx, st))
	if as := open(); len(as) != 0 {
		t.Fatalf("alerts before anything is overdue: %+v", as)
	}
	before, err := st.findings.FindExposure(ctx, covered)
	must(t, err)
	// Six days on (the injected clock), the exception has expired and its
	// control's review is past.
	later := time.Now().UTC().AddDate(0, 0, 6)
	st.db.Now = func() time.Time { return later }
	st.assessor.(*assess.Runner).Now = st.db.Now
	must(t, checkExceptions(ctx, st))
	as := open()
	if len(as) != 1 {
		t.Fatalf("%d open alerts, want 1", len(as))
	}
	a := as[0]
	if a.Subject != "exception:"+strconv.FormatInt(x.ID, 10) || a.DeviceID != covered || a.Severity != cordon.AlertHigh || len(a.Evidence) != 2 {
		t.Errorf("alert = %+v", a)
	}
	after, err := st.findings.FindExposure(ctx, covered)
	must(t, err)
	if !after.AssessedAt.After(before.AssessedAt) {
		t.Errorf("device assessed at %v, then %v: want it re-assessed when its exception expired", before.AssessedAt, after.AssessedAt)
	}

	must(t, checkExceptions(ctx, st))
	if as := open(); len(as) != 1 || as[0].Count != 2 {
		t.Errorf("after a second check: %+v, want the one alert counted twice", as)
	}

	_, err = st.exceptions.RevokeException(ctx, x.ID, "Device replaced")
	must(t, err)
	must(t, checkExceptions(ctx, st))
	if as := open(); len(as) != 0 {
		t.Errorf("after the revocation: open alerts %+v, want the alert resolved", as)
	}
}

// TestDemoExceptions builds the demo and checks the exceptions tell the
// stories: a complete plan, a likelihood-only plan flagged, an expired
// exception, and exposed devices left uncovered.
func TestDemoExceptions(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole demo")
	}
	dir := t.TempDir()
	if _, err := prepareDemo(context.Background(), dir, 150, 1, slog.New(slog.DiscardHandler), io.Discard); err != nil {
		t.Fatal(err)
	}
	var list []cordon.Exception
	must(t, json.Unmarshal([]byte(runOK(t, "", "exceptions", "list", "--data", dir, "--format", "json")), &list))
	var complete, likelihoodOnly, expired int
	for _, x := range list {
		switch {
		case x.State == cordon.ExceptionExpired:
			expired++
		case x.Plan.Complete:
			complete++
		case x.Plan.Impact == 0 && x.Plan.Likelihood > 0:
			likelihoodOnly++
		}
	}
	if len(list) != 3 || complete != 1 || likelihoodOnly != 1 || expired != 1 {
		t.Errorf("demo exceptions: %d complete, %d likelihood-only, %d expired of %d", complete, likelihoodOnly, expired, len(list))
	}
	var cov cordon.ExceptionCoverage
	must(t, json.Unmarshal([]byte(runOK(t, "", "exceptions", "list", "--data", dir, "--uncovered", "--format", "json")), &cov))
	if cov.Uncovered == 0 || cov.Expired == 0 {
		t.Errorf("dashboard would not show both problems: %+v", cov)
	}
}
