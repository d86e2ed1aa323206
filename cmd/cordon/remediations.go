package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/remediation"
)

// runRemediations lists remediation records with their clocks, or raises
// the alerts of overdue clocks: `remediations list` and `remediations check`.
func runRemediations(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	ctx = cliContext(ctx)
	if len(args) == 0 || args[0] != "list" && args[0] != "check" {
		return &usageError{msg: "usage: cordon remediations list|check [--data DIR] [--validation-days N] [--deployment-days N] (list: [--overdue] [--state S] [--manufacturer M] [--cve ID] [--format table|json|csv])"}
	}
	fs := newFlagSet("remediations "+args[0], "[--data DIR]", stderr)
	data := dataFlag(fs)
	limits := limitFlags(fs)
	var f cordon.RemediationFilter
	overdue, format := false, "table"
	if args[0] == "list" {
		fs.BoolVar(&overdue, "overdue", false, "only records with a clock past its limit")
		fs.StringVar(&f.State, "state", "", "only records in this `state`: "+strings.Join(cordon.RemediationStates, ", "))
		fs.StringVar(&f.Manufacturer, "manufacturer", "", "only records of this `manufacturer`'s models")
		fs.StringVar(&f.CVE, "cve", "", "only records of this CVE or advisory `ID`")
		fs.StringVar(&format, "format", "table", "output `format`: table, json or csv")
	}
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return &usageError{msg: fmt.Sprintf("remediations %s takes no arguments, got %q", args[0], fs.Arg(0))}
	case format != "table" && format != "json" && format != "csv":
		return &usageError{msg: fmt.Sprintf("unknown format %q (want table, json or csv)", format)}
	case f.State != "" && !contains(cordon.RemediationStates, f.State):
		return &usageError{msg: fmt.Sprintf("unknown state %q (want one of %s)", f.State, strings.Join(cordon.RemediationStates, ", "))}
	}
	if err := limits.Validate(); err != nil {
		return &usageError{msg: cordon.ErrorMessage(err)}
	}
	st, err := openStore(*data, slog.New(slog.DiscardHandler), "")
	if err != nil {
		return err
	}
	defer st.Close()
	now := time.Now().UTC()
	if args[0] == "check" {
		raised, err := st.remediationChecker(*limits).Check(ctx, now)
		for _, a := range raised {
			fmt.Fprintf(stdout, "%s\t%s\t%s\n", a.Severity, a.Subject, a.Title)
		}
		if err != nil {
			return err
		}
		if st.alerts == nil {
			fmt.Fprintf(stderr, "%d overdue clocks; this build stores no alerts, so none was raised.\n", len(raised))
		} else {
			fmt.Fprintf(stderr, "%d alerts raised for overdue clocks.\n", len(raised))
		}
		return nil
	}
	rs, err := remediation.All(ctx, st.remediations, f)
	if err != nil {
		return err
	}
	viewer := &remediation.Viewer{Limits: *limits}
	if st.suppliers != nil {
		viewer.Suppliers = st.suppliers
	}
	views, err := viewer.Views(ctx, rs, now)
	if err != nil {
		return err
	}
	if overdue {
		kept := views[:0]
		for _, v := range views {
			if v.Overdue {
				kept = append(kept, v)
			}
		}
		views = kept
	}
	return writeRemediations(stdout, stderr, format, views)
}

// limitFlags adds the clock limits' flags, defaulting to the defaults.
func limitFlags(fs *flag.FlagSet) *remediation.Limits {
	l := remediation.DefaultLimits()
	fs.IntVar(&l.Validation, "validation-days", l.Validation, "`days` a manufacturer may take to validate a fix")
	fs.IntVar(&l.Deployment, "deployment-days", l.Deployment, "`days` from approval to deployment when no supplier contract sets a patch service level")
	fs.IntVar(&l.Exposure, "exposure-days", 0, "`days` a public fix may go undeployed (0: validation plus deployment)")
	return &l
}

func writeRemediations(stdout, stderr io.Writer, format string, views []*remediation.View) error {
	switch format {
	case "json":
		if views == nil {
			views = []*remediation.View{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(views)
	case "csv":
		cw := csv.NewWriter(stdout)
		cw.Write(remediation.CSVHeader)
		for _, v := range views {
			cw.Write(remediation.CSVRow(v))
		}
		cw.Flush()
		return cw.Error()
	}
	if len(views) == 0 {
		fmt.Fprintln(stderr, "No remediation records match. Start one from a finding in the web UI or with POST /api/v1/remediations.")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCVE\tMODEL\tSTATE\tPUBLIC\tVALIDATION\tDEPLOYMENT\tDEVICES")
	for _, v := range views {
		kev := ""
		if v.KEV {
			kev = " KEV"
		}
		fmt.Fprintf(tw, "%d\t%s%s\t%s\t%s\t%s\t%s\t%s\t%d/%d applied\n", v.ID, v.CVE, kev,
			clipEnd(strings.TrimSpace(v.Manufacturer+" "+v.Model+" "+v.Version), 40), v.State,
			clockCell(v.Clocks.Exposure), clockCell(v.Clocks.Validation), clockCell(v.Clocks.Deployment), v.Applied, len(v.Devices))
	}
	return tw.Flush()
}

// clockCell shows a clock as "95d/90 OVERDUE", "-" before it starts.
func clockCell(c remediation.Clock) string {
	if !c.Started {
		return "-"
	}
	s := fmt.Sprintf("%dd/%d", c.Days, c.Limit)
	switch {
	case c.Overdue:
		s += " OVERDUE"
	case c.Late:
		s += " late"
	}
	return s
}

// remediationChecker is the store's clock checker under limits.
func (s *store) remediationChecker(limits remediation.Limits) *remediation.Checker {
	c := &remediation.Checker{Remediations: s.remediations, Alerts: s.alerts, Limits: limits}
	if s.suppliers != nil {
		c.Suppliers = s.suppliers
	}
	return c
}

// checkRemediations raises an alert for each remediation clock past its
// default limit; serve runs it hourly. Without an alert store it does
// nothing.
func checkRemediations(ctx context.Context, st *store) error {
	if st.alerts == nil || st.remediations == nil {
		return nil
	}
	_, err := st.remediationChecker(remediation.DefaultLimits()).Check(ctx, time.Now().UTC())
	return err
}
