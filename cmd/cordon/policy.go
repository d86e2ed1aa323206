package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/cordonsec/cordon/analysis"
	"github.com/cordonsec/cordon/policy"
)

// runPolicy is `policy suggest`: the offline form of the segmentation
// policy, learned from captures without a register.
func runPolicy(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	const usage = "suggest [--format " + "json|csv|nftables|iptables|cisco|panos|fortigate] [--zones FILE] [--by-subnet] [--baselines] CAPTURE..."
	if len(args) > 0 && (args[0] == "learn" || args[0] == "show" || args[0] == "export") {
		return runPolicyStore(ctx, args, stdout, stderr)
	}
	if len(args) == 0 || args[0] != "suggest" {
		return &usageError{msg: "usage: cordon policy " + usage + "\n       cordon policy " + storeUsage}
	}
	fs := newFlagSet("policy suggest", usage, stderr)
	format := fs.String("format", "json", "output `format`: "+strings.Join(policy.Formats, ", "))
	zonesFile := fs.String("zones", "", "JSON `file` of declared zones (name, kind, subnets, vlans, categories, devices)")
	bySubnet := fs.Bool("by-subnet", false, "split the automatic zones by /24 subnet")
	baselines := fs.Bool("baselines", false, "include each device's and model's learned pattern (json only)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if !slices.Contains(policy.Formats, *format) {
		return &usageError{msg: fmt.Sprintf("unknown format %q: use %s", *format, strings.Join(policy.Formats, ", "))}
	}
	if fs.NArg() == 0 {
		return &usageError{msg: "policy suggest needs at least one capture file"}
	}
	opt := policy.Options{BySubnet: *bySubnet, Baselines: *baselines, Now: time.Now()}
	if *zonesFile != "" {
		f, err := os.Open(*zonesFile)
		if err != nil {
			return err
		}
		opt.Zones, err = policy.ParseZones(f)
		f.Close()
		if err != nil {
			return err
		}
	}
	aopt := analysis.Options{}
	bar := newProgress(stderr)
	if bar != nil {
		aopt.Progress = bar.update
	}
	res, err := analysis.Run(ctx, fs.Args(), aopt)
	bar.finish()
	if err != nil {
		return err
	}
	p, err := policy.Suggest(policy.DevicesFrom(res.Devices), res.Conversations, opt)
	if err != nil {
		return err
	}
	if err := policy.Export(stdout, p, *format, policy.ExportOptions{Now: opt.Now}); err != nil {
		return err
	}
	forbidden := 0
	for _, r := range p.Review {
		if r.Forbidden {
			forbidden++
		}
	}
	fmt.Fprintf(stderr, "cordon: %d rules; %d flows held for review (%d the guidance forbids)\n", len(p.Rules), len(p.Review), forbidden)
	for _, w := range res.Stats.Warnings {
		fmt.Fprintf(stderr, "cordon: warning: %s\n", w)
	}
	if res.Stats.Partial {
		return errPartial
	}
	return nil
}
