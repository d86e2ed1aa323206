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
	"github.com/cordonsec/cordon/remediation"
)

// TestRemediations records one fix awaiting validation for 200 days and
// one just published, then lists and checks them through the CLI.
func TestRemediations(t *testing.T) {
	dir := t.TempDir()
	st, err := openStore(dir, slog.New(slog.DiscardHandler), "")
	if err != nil {
		t.Fatal(err)
	}
	ctx := cordon.NewContextWithUser(context.Background(), &cordon.User{Name: "test"})
	m := &cordon.DeviceModel{Manufacturer: "Siemens Healthineers", Model: "SOMATOM go.Up", Version: "VA40"}
	mustRem(t, st.models.CreateModel(ctx, m))
	now := time.Now().UTC()
	late := &cordon.RemediationRecord{CVE: "CVE-2019-0708", ModelID: m.ID, FixPublished: now.AddDate(0, 0, -230)}
	mustRem(t, st.remediations.CreateRemediation(ctx, late))
	_, err = st.remediations.TransitionRemediation(ctx, late.ID, cordon.RemediationTransition{State: "awaiting_validation", At: now.AddDate(0, 0, -200)})
	mustRem(t, err)
	fresh := &cordon.RemediationRecord{CVE: "CVE-2024-21413", ModelID: m.ID, FixPublished: now.AddDate(0, 0, -3)}
	mustRem(t, st.remediations.CreateRemediation(ctx, fresh))
	mustRem(t, st.Close())

	var views []remediation.View
	if err := json.Unmarshal([]byte(runOK(t, "", "remediations", "list", "--data", dir, "--overdue", "--format", "json")), &views); err != nil {
		t.Fatal(err)
	}
	if len(views) != 1 || views[0].ID != late.ID || !views[0].Clocks.Validation.Overdue || views[0].Clocks.Validation.Days != 200 {
		t.Fatalf("--overdue = %+v", views)
	}
	// With a validation limit of 250 days nothing is overdue: 200 days of
	// validation, 230 of a head start under 250+30.
	if err := json.Unmarshal([]byte(runOK(t, "", "remediations", "list", "--data", dir, "--overdue", "--format", "json", "--validation-days", "250")), &views); err != nil {
		t.Fatal(err)
	}
	if len(views) != 0 {
		t.Errorf("--validation-days 250 --overdue = %d records, want none", len(views))
	}
	table := runOK(t, "", "remediations", "list", "--data", dir)
	if !strings.HasPrefix(table, "ID") || !strings.Contains(table, "200d/90 OVERDUE") || !strings.Contains(table, "CVE-2024-21413") {
		t.Errorf("table:\n%s", table)
	}
	rows, err := csv.NewReader(strings.NewReader(runOK(t, "", "remediations", "list", "--data", dir, "--format", "csv", "--state", "fix_published"))).ReadAll()
	mustRem(t, err)
	if len(rows) != 2 || rows[1][1] != "CVE-2024-21413" {
		t.Errorf("csv = %q", rows)
	}
	out := runOK(t, "", "remediations", "check", "--data", dir)
	want := "remediation:" + strconv.FormatInt(late.ID, 10) + ":validation"
	if !strings.Contains(out, want) || strings.Contains(out, "CVE-2024-21413") {
		t.Errorf("check printed:\n%s\nwant %s only", out, want)
	}
	for _, args := range [][]string{{"remediations"}, {"remediations", "drop"}, {"remediations", "list", "--format", "xml"},
		{"remediations", "list", "--state", "done"}, {"remediations", "check", "--validation-days", "0"}, {"remediations", "list", "extra"}} {
		if code, _, _ := runCLI(t, append(args, "--data", dir)...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}

func mustRem(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestDemoRemediations builds the demo and checks its board tells the
// stories: one awaiting validation for months, one approved and partly
// deployed, one rejected.
func TestDemoRemediations(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole demo")
	}
	dir := t.TempDir()
	if _, err := prepareDemo(context.Background(), dir, 150, 1, slog.New(slog.DiscardHandler), io.Discard); err != nil {
		t.Fatal(err)
	}
	var views []remediation.View
	if err := json.Unmarshal([]byte(runOK(t, "", "remediations", "list", "--data", dir, "--format", "json")), &views); err != nil {
		t.Fatal(err)
	}
	states := map[string]bool{}
	for _, v := range views {
		states[v.State] = true
		if v.State == cordon.RemediationAwaitingValidation && (v.Clocks.Validation.Days != 143 || !v.Clocks.Validation.Overdue) {
			t.Errorf("awaiting record's validation clock = %+v", v.Clocks.Validation)
		}
		if v.FixPublished.IsZero() || len(v.Devices) == 0 {
			t.Errorf("record %s of %s: fix date %v, %d devices", v.CVE, v.Model, v.FixPublished, len(v.Devices))
		}
	}
	for _, s := range []string{cordon.RemediationAwaitingValidation, cordon.RemediationRejected} {
		if !states[s] {
			t.Errorf("no demo record is %s (have %v)", s, states)
		}
	}
	if !states[cordon.RemediationApproved] && !states[cordon.RemediationApplied] {
		t.Errorf("no demo record was approved (have %v)", states)
	}
}
