package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/csvsafe"
	cordonhttp "github.com/cordonsec/cordon/http"
)

// runExceptions lists exceptions, or the devices an exception should
// cover and does not: `exceptions list [--due] [--uncovered]`.
func runExceptions(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	ctx = cliContext(ctx)
	if len(args) == 0 || args[0] != "list" {
		return &usageError{msg: "usage: cordon exceptions list [--data DIR] [--due] [--uncovered] [--format table|json|csv]"}
	}
	fs := newFlagSet("exceptions list", "[--data DIR]", stderr)
	data := dataFlag(fs)
	due := fs.Bool("due", false, "only exceptions due for review (expiry or a control's review within 30 days, or past)")
	uncovered := fs.Bool("uncovered", false, "list exposed devices without an exception and devices whose exception expired instead")
	format := fs.String("format", "table", "output `format`: table, json or csv")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return &usageError{msg: fmt.Sprintf("exceptions list takes no arguments, got %q", fs.Arg(0))}
	case *format != "table" && *format != "json" && *format != "csv":
		return &usageError{msg: fmt.Sprintf("unknown format %q (want table, json or csv)", *format)}
	case *due && *uncovered:
		return &usageError{msg: "--due and --uncovered list different things; give one"}
	}
	st, err := openStore(*data, slog.New(slog.DiscardHandler), "")
	if err != nil {
		return err
	}
	defer st.Close()
	if *uncovered {
		cov, err := st.exceptions.ExceptionCoverage(ctx)
		if err != nil {
			return err
		}
		return writeCoverage(stdout, cov, *format)
	}
	var list []*cordon.Exception
	f := cordon.ExceptionFilter{Due: *due}
	for f.Limit = 1000; ; {
		page, total, err := st.exceptions.FindExceptions(ctx, f)
		if err != nil {
			return err
		}
		list = append(list, page...)
		f.Offset += len(page)
		if len(page) == 0 || f.Offset >= total {
			break
		}
	}
	switch *format {
	case "json":
		if list == nil {
			list = []*cordon.Exception{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	case "csv":
		cw := csv.NewWriter(stdout)
		cw.Write(cordonhttp.ExceptionCSVHeader)
		for _, e := range list {
			cw.Write(cordonhttp.ExceptionCSVRow(e))
		}
		cw.Flush()
		return cw.Error()
	}
	if len(list) == 0 {
		fmt.Fprintln(stderr, "No exceptions match.")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tFOR\tREASON\tSTATE\tOWNER\tEXPIRES\tREVIEW\tPLAN")
	for _, e := range list {
		review := e.ReviewDue.Format(time.DateOnly)
		if e.DueForReview {
			review += " (due)"
		}
		plan := "complete"
		if !e.Plan.Complete {
			plan = "incomplete"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.ID, clipEnd(e.Subject, 40), e.Reason, e.State, clipEnd(e.Owner, 24),
			e.Expires.Format(time.DateOnly), review, plan)
	}
	return tw.Flush()
}

// writeCoverage prints the devices without a valid exception.
func writeCoverage(w io.Writer, cov *cordon.ExceptionCoverage, format string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(cov)
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write([]string{"problem", "device_id", "device", "ip", "score", "open", "unsupported", "exception_id", "expired"})
		rows := func(problem string, ds []cordon.CoverageDevice) {
			for _, d := range ds {
				exp := ""
				if !d.Expired.IsZero() {
					exp = d.Expired.Format(time.DateOnly)
				}
				cw.Write(csvsafe.Row([]string{problem, fmt.Sprint(d.Device.ID), deviceLabel(d.Device), d.Device.IP,
					fmt.Sprint(d.Score), fmt.Sprint(d.Open), fmt.Sprint(d.Unsupported), fmt.Sprint(d.ExceptionID), exp}))
			}
		}
		rows("uncovered", cov.UncoveredList)
		rows("expired", cov.ExpiredList)
		cw.Flush()
		return cw.Error()
	}
	fmt.Fprintf(w, "%d exposed devices: %d without an exception, %d whose exception expired; %d exceptions due for review.\n",
		cov.Exposed, cov.Uncovered, cov.Expired, cov.DueForReview)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PROBLEM\tDEVICE\tIP\tRISK\tOPEN\tUNSUPPORTED\tEXCEPTION")
	for _, d := range cov.UncoveredList {
		fmt.Fprintf(tw, "uncovered\t%s\t%s\t%d\t%d\t%v\t-\n", clipEnd(deviceLabel(d.Device), 32), dash(d.Device.IP), d.Score, d.Open, d.Unsupported)
	}
	for _, d := range cov.ExpiredList {
		fmt.Fprintf(tw, "expired\t%s\t%s\t%d\t%d\t%v\t%d (held until %s)\n", clipEnd(deviceLabel(d.Device), 32), dash(d.Device.IP), d.Score, d.Open,
			d.Unsupported, d.ExceptionID, d.Expired.Format(time.DateOnly))
	}
	return tw.Flush()
}

func deviceLabel(d cordon.FindingDevice) string {
	switch {
	case d.Hostname != "":
		return d.Hostname
	case d.IP != "":
		return d.IP
	}
	return d.Key
}

// checkExceptions raises an alert for each exception that expired or has
// a control review past due: someone must renew, revoke or review it. It
// does nothing without an alert store.
func checkExceptions(ctx context.Context, st *store) error {
	if st.alerts == nil || st.exceptions == nil {
		return nil
	}
	expired, err := raiseExceptionAlerts(ctx, st.exceptions, st.alerts, st.db.Now())
	return errors.Join(err, st.reassessExpired(ctx, expired))
}

// raiseExceptionAlerts is checkExceptions on interfaces, for tests: it
// raises an alert for each exception expired or with a review overdue,
// resolves the alerts of exceptions no longer in that state (renewed,
// reviewed, revoked), and returns the exceptions whose expiry alert was
// raised for the first time.
func raiseExceptionAlerts(ctx context.Context, xs cordon.ExceptionService, alerts cordon.AlertService, now time.Time) ([]*cordon.Exception, error) {
	today := cordon.Day(now)
	f := cordon.ExceptionFilter{Due: true}
	var errs []error
	var keep []cordon.AlertKey
	var newlyExpired []*cordon.Exception
	for f.Limit = 1000; ; {
		page, total, err := xs.FindExceptions(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, e := range page {
			a := exceptionAlert(e, today)
			if a == nil {
				continue
			}
			keep = append(keep, a.Key())
			if err := alerts.RaiseAlert(ctx, a); err != nil {
				errs = append(errs, err)
			} else if a.Count == 1 && e.State == cordon.ExceptionExpired {
				newlyExpired = append(newlyExpired, e)
			}
		}
		f.Offset += len(page)
		if len(page) == 0 || f.Offset >= total {
			break
		}
	}
	if len(errs) == 0 {
		_, err := alerts.ResolveAlerts(ctx, cordon.AlertExceptionExpired, keep, cordon.AlertScope{},
			"The exception is no longer expired or overdue for review (renewed, reviewed or revoked).")
		errs = append(errs, err)
	}
	return newlyExpired, errors.Join(errs...)
}

// reassessExpired re-assesses the devices of exceptions that have just
// expired, so that their controls stop lowering the risk score now rather
// than at the devices' next capture.
func (s *store) reassessExpired(ctx context.Context, xs []*cordon.Exception) error {
	var ids []int64
	for _, x := range xs {
		if x.DeviceID != 0 {
			ids = append(ids, x.DeviceID)
			continue
		}
		devs, err := s.models.FindModelDevices(ctx, x.ModelID)
		if err != nil {
			return err
		}
		ids = append(ids, devs...)
	}
	if len(ids) == 0 {
		return nil
	}
	return s.assessor.Assess(ctx, ids)
}

// exceptionAlert returns the alert an exception calls for at today, or
// nil: expired (high), or a control's review date past (medium).
func exceptionAlert(e *cordon.Exception, today time.Time) *cordon.Alert {
	var evidence []string
	severity, title := cordon.AlertMedium, fmt.Sprintf("Exception %d for %s has an overdue review", e.ID, e.Subject)
	if e.State == cordon.ExceptionExpired {
		severity, title = cordon.AlertHigh, fmt.Sprintf("Exception %d for %s expired", e.ID, e.Subject)
		evidence = append(evidence, "Held until "+e.Expires.Format(time.DateOnly)+"; owner "+e.Owner+"; risk register "+e.RiskRef+".")
	}
	for _, c := range e.Controls {
		if c.ReviewDate.Before(today) {
			evidence = append(evidence, "Control "+c.Kind+" ("+c.Status+") was due for review on "+c.ReviewDate.Format(time.DateOnly)+".")
		}
	}
	if e.State == cordon.ExceptionRevoked || len(evidence) == 0 {
		return nil
	}
	return &cordon.Alert{Kind: cordon.AlertExceptionExpired, Severity: severity, DeviceID: e.DeviceID,
		Subject: fmt.Sprintf("exception:%d", e.ID), Title: title, Evidence: evidence[:min(len(evidence), 64)]}
}
