package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/policy"
)

const storeUsage = "learn|show|export [--data DIR] (learn: [--days N] [--zones FILE] [--by-subnet]; show: [--state S]; export: --format " +
	"json|csv|nftables|iptables|cisco|panos|fortigate)"

// runPolicyStore is `policy learn|show|export`: the server's policy from
// the command line. learn stores suggestions only; export writes the
// approved rules, so that nothing unreviewed reaches a firewall.
func runPolicyStore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	ctx = cliContext(ctx)
	fs := newFlagSet("policy "+args[0], storeUsage, stderr)
	data := dataFlag(fs)
	days := fs.Int("days", policy.DefaultLearnDays, "learning window in `days` (1-90)")
	zonesFile := fs.String("zones", "", "JSON `file` of declared zones")
	bySubnet := fs.Bool("by-subnet", false, "split the automatic zones by /24 subnet")
	state := fs.String("state", "", "only rules in this `state`: suggested, approved or rejected")
	format := fs.String("format", "", "export `format`: "+strings.Join(policy.Formats, ", "))
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return &usageError{msg: fmt.Sprintf("policy %s takes no arguments, got %q", args[0], fs.Arg(0))}
	case args[0] == "export" && !slices.Contains(policy.Formats, *format):
		return &usageError{msg: fmt.Sprintf("policy export needs --format, one of %s", strings.Join(policy.Formats, ", "))}
	case *state != "" && !slices.Contains(cordon.PolicyRuleStates, *state):
		return &usageError{msg: fmt.Sprintf("unknown state %q: use %s", *state, strings.Join(cordon.PolicyRuleStates, ", "))}
	}
	var specs []policy.ZoneSpec
	if *zonesFile != "" {
		f, err := os.Open(*zonesFile)
		if err != nil {
			return err
		}
		specs, err = policy.ParseZones(f)
		f.Close()
		if err != nil {
			return err
		}
	}
	st, err := openStore(*data, slog.New(slog.DiscardHandler), "")
	if err != nil {
		return err
	}
	defer st.Close()
	srv := st.policyServer()
	switch args[0] {
	case "learn":
		l, err := srv.Learn(ctx, policy.LearnRequest{Days: *days, Zones: specs, BySubnet: *bySubnet})
		if err != nil {
			return err
		}
		forbidden := 0
		for _, v := range l.Review {
			if v.Forbidden {
				forbidden++
			}
		}
		_, err = fmt.Fprintf(stdout, "Learned from %d conversations over %d days: %d rules suggested, %d flows held for review (%d the guidance forbids). Approve rules on /policy before exporting.\n",
			l.Learning.Conversations, l.Learning.Days, len(l.Rules), len(l.Review), forbidden)
		return err
	case "export":
		return srv.Export(ctx, stdout, *format)
	}
	rules, err := st.policies.FindPolicyRules(ctx, *state)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(map[string]any{"rules": rules})
}
