package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/simulate"
)

func TestPolicyLearnShowExport(t *testing.T) {
	start := time.Now().UTC().Add(-3 * time.Hour).Truncate(time.Hour)
	path, _ := simulateCapture(t, simulate.Config{Seed: 3, Devices: 60, Start: start, Duration: 10 * time.Minute})
	data := t.TempDir()
	cli := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), args, nil, &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}
	if code, _, stderr := cli("ingest", "--data", data, path); code != exitOK {
		t.Fatalf("ingest: exit %d: %s", code, stderr)
	}
	code, out, stderr := cli("policy", "learn", "--data", data, "--days", "1")
	if code != exitOK || !strings.Contains(out, "rules suggested") || strings.Contains(out, " 0 rules suggested") {
		t.Fatalf("learn: exit %d: %s %s", code, out, stderr)
	}
	code, out, _ = cli("policy", "show", "--data", data, "--state", "suggested")
	var shown struct{ Rules []cordon.PolicyRule }
	if code != exitOK || json.Unmarshal([]byte(out), &shown) != nil || len(shown.Rules) == 0 || shown.Rules[0].State != cordon.PolicyRuleSuggested {
		t.Fatalf("show: exit %d: %.300s", code, out)
	}
	// Nothing is approved, so the export carries no rule.
	code, out, _ = cli("policy", "export", "--data", data, "--format", "nftables")
	if code != exitOK || !strings.Contains(out, ": 0 rules;") {
		t.Errorf("export: exit %d: %.500s", code, out)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"policy", "export", "--data", data}, "needs --format"},
		{[]string{"policy", "show", "--data", data, "--state", "live"}, `unknown state "live"`},
		{[]string{"policy", "learn", "--data", data, "--days", "400"}, "days must be 1 to 90"},
	} {
		code, _, stderr := cli(tt.args...)
		if code == exitOK || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", tt.args, code, stderr, tt.want)
		}
	}
}
