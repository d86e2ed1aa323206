package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/deliver"
)

const deliverUsage = `check --delivery FILE
  | outbox [--data DIR] [--status pending|delivered|failed] [--format table|json]
  | suppress add [--data DIR] (--kind K | --device ID | --model ID | --subject-prefix P) --reason TEXT --for 72h
  | suppress list [--data DIR] [--all] [--format table|json]
  | suppress delete [--data DIR] ID`

// runDeliver checks a delivery configuration, shows the outbox and keeps
// suppression rules: `deliver check|outbox|suppress`.
func runDeliver(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	ctx = cliContext(ctx)
	if len(args) == 0 {
		return &usageError{msg: "usage: cordon deliver " + deliverUsage}
	}
	switch args[0] {
	case "check":
		return deliverCheck(args[1:], stdout, stderr)
	case "outbox":
		return deliverOutbox(ctx, args[1:], stdout, stderr)
	case "suppress":
		if len(args) > 1 {
			switch args[1] {
			case "add":
				return suppressAdd(ctx, args[2:], stdout, stderr)
			case "list":
				return suppressList(ctx, args[2:], stdout, stderr)
			case "delete":
				return suppressDelete(ctx, args[2:], stdout, stderr)
			}
		}
	}
	return &usageError{msg: "usage: cordon deliver " + deliverUsage}
}

// deliverCheck parses a configuration and checks that every secret it
// names is set, without printing any secret.
func deliverCheck(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("deliver check", "--delivery FILE", stderr)
	path := fs.String("delivery", "", "delivery configuration `file` (JSON)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *path == "" || fs.NArg() > 0 {
		return &usageError{msg: "deliver check needs --delivery FILE and no arguments"}
	}
	c, err := deliver.LoadConfig(*path)
	if err != nil {
		return err
	}
	if _, err := c.Senders(os.Getenv); err != nil {
		return err
	}
	for _, d := range c.Destinations {
		where := d.URL
		if d.Type == "syslog" {
			where = d.Network + "://" + d.Address
		}
		fmt.Fprintf(stdout, "%s\t%s\t%s\n", d.Name, d.Type, where)
	}
	return nil
}

func deliverOutbox(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("deliver outbox", "[--data DIR] [--status S] [--format table|json]", stderr)
	data := dataFlag(fs)
	var f cordon.OutboxFilter
	fs.StringVar(&f.Status, "status", "", "only entries in this `state`: pending, delivered or failed")
	format := formatFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkFormat(fs, *format); err != nil {
		return err
	}
	st, err := openStore(*data, slog.New(slog.DiscardHandler), "")
	if err != nil {
		return err
	}
	defer st.Close()
	f.Limit = 1000
	es, total, err := st.outbox.FindOutbox(ctx, f)
	if err != nil {
		return err
	}
	if *format == "json" {
		return writeIndented(stdout, es)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tALERT\tDESTINATION\tSTATUS\tATTEMPTS\tNEXT ATTEMPT\tLAST ERROR")
	for _, e := range es {
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%d\t%s\t%s\n", e.ID, e.AlertID, e.Destination, e.Status, e.Attempts,
			e.NextAttempt.Format(time.RFC3339), e.LastError)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if total > len(es) {
		fmt.Fprintf(stderr, "%d of %d entries shown.\n", len(es), total)
	}
	return nil
}

func suppressAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("deliver suppress add", "[--kind K] [--device ID] [--model ID] [--subject-prefix P] --reason TEXT --for DURATION", stderr)
	data := dataFlag(fs)
	var r cordon.SuppressionRule
	fs.StringVar(&r.Kind, "kind", "", "alert `kind` to suppress")
	fs.Int64Var(&r.DeviceID, "device", 0, "device `ID` whose alerts to suppress")
	fs.Int64Var(&r.ModelID, "model", 0, "model `ID` whose devices' alerts to suppress")
	fs.StringVar(&r.SubjectPrefix, "subject-prefix", "", "suppress alerts whose subject starts with `text`")
	fs.StringVar(&r.Reason, "reason", "", "why (required, audited)")
	dur := fs.Duration("for", 0, "how long the rule runs, such as 72h (at most 366 days)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return &usageError{msg: fmt.Sprintf("suppress add takes no arguments, got %q", fs.Arg(0))}
	}
	if *dur <= 0 {
		return &usageError{msg: "suppress add needs --for, a positive duration such as 72h"}
	}
	st, err := openStore(*data, slog.New(slog.DiscardHandler), "")
	if err != nil {
		return err
	}
	defer st.Close()
	r.ExpiresAt = st.db.Now().Add(*dur)
	if err := st.suppressions.CreateSuppression(ctx, &r); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Suppression rule %d runs until %s.\n", r.ID, r.ExpiresAt.Format(time.RFC3339))
	return nil
}

func suppressList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("deliver suppress list", "[--all] [--format table|json]", stderr)
	data := dataFlag(fs)
	all := fs.Bool("all", false, "include expired rules")
	format := formatFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkFormat(fs, *format); err != nil {
		return err
	}
	st, err := openStore(*data, slog.New(slog.DiscardHandler), "")
	if err != nil {
		return err
	}
	defer st.Close()
	rs, err := st.suppressions.FindSuppressions(ctx, !*all)
	if err != nil {
		return err
	}
	if *format == "json" {
		return writeIndented(stdout, rs)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tDEVICE\tMODEL\tSUBJECT PREFIX\tEXPIRES\tBY\tREASON")
	for _, r := range rs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, orAny(r.Kind), orAnyID(r.DeviceID), orAnyID(r.ModelID),
			r.SubjectPrefix, r.ExpiresAt.Format(time.RFC3339), r.CreatedBy, strings.ReplaceAll(r.Reason, "\n", " "))
	}
	return tw.Flush()
}

func suppressDelete(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("deliver suppress delete", "ID", stderr)
	data := dataFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if fs.NArg() != 1 || err != nil || id < 1 {
		return &usageError{msg: "suppress delete needs one rule ID"}
	}
	st, err := openStore(*data, slog.New(slog.DiscardHandler), "")
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.suppressions.DeleteSuppression(ctx, id); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Suppression rule %d deleted.\n", id)
	return nil
}

func formatFlag(fs *flag.FlagSet) *string {
	return fs.String("format", "table", "output `format`: table or json")
}

func checkFormat(fs *flag.FlagSet, format string) error {
	if fs.NArg() > 0 {
		return &usageError{msg: fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if format != "table" && format != "json" {
		return &usageError{msg: fmt.Sprintf("unknown format %q (want table or json)", format)}
	}
	return nil
}

func writeIndented(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func orAny(s string) string {
	if s == "" {
		return "any"
	}
	return s
}

func orAnyID(id int64) string {
	if id == 0 {
		return "any"
	}
	return strconv.FormatInt(id, 10)
}

// startDelivery configures the outbox from the delivery file (none:
// alerts are kept but not queued) and runs the worker until ctx ends; the
// returned channel yields its end.
func startDelivery(ctx context.Context, st *store, path string, logger *slog.Logger) (<-chan error, error) {
	var c deliver.Config
	if path != "" {
		loaded, err := deliver.LoadConfig(path)
		if err != nil {
			return nil, err
		}
		c = *loaded
	}
	senders, err := c.Senders(os.Getenv)
	if err != nil {
		return nil, fmt.Errorf("delivery config: %w", err)
	}
	if err := st.outbox.SetDestinations(ctx, c.Names()); err != nil {
		return nil, err
	}
	done := make(chan error, 1)
	if len(senders) == 0 {
		done <- nil
		return done, nil
	}
	w := &deliver.Worker{Outbox: st.outbox, Senders: senders, MaxAttempts: c.MaxAttempts,
		Retention: c.RetentionPeriod(), Logger: logger}
	logger.Info("alert delivery started", "destinations", strings.Join(c.Names(), ","))
	go func() { done <- w.Run(ctx) }()
	return done, nil
}
