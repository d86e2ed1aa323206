package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/forecast"
)

const lifecycleUsage = "usage: cordon lifecycle forecast [--data DIR] [--months 36] [--format table|json|csv]\n" +
	"       cordon lifecycle decommission [--data DIR] --device ID --on YYYY-MM-DD --reason TEXT\n" +
	"       cordon lifecycle dispose [--data DIR] --device ID --on YYYY-MM-DD [--method clear|purge|destroy --operator WHO --sanitised YYYY-MM-DD --certificate REF]"

// runLifecycle forecasts replacements and end of support, and records
// decommissioning and disposal: `lifecycle forecast|decommission|dispose`.
func runLifecycle(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	ctx = cliContext(ctx)
	if len(args) == 0 {
		return &usageError{msg: lifecycleUsage}
	}
	switch args[0] {
	case "forecast":
		return lifecycleForecast(ctx, args[1:], stdout, stderr)
	case "decommission", "dispose":
		return lifecycleRetire(ctx, args[0], args[1:], stdout, stderr)
	}
	return &usageError{msg: lifecycleUsage}
}

func lifecycleForecast(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("lifecycle forecast", "[--data DIR] [--months 36] [--format table|json|csv]", stderr)
	data := dataFlag(fs)
	months := fs.Int("months", forecast.DefaultMonths, "how many `months` to look ahead, the current one first")
	format := fs.String("format", "table", "output `format`: table, json or csv")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return &usageError{msg: fmt.Sprintf("lifecycle forecast takes no arguments, got %q", fs.Arg(0))}
	case *months < 1 || *months > forecast.MaxMonths:
		return &usageError{msg: fmt.Sprintf("--months must be 1 to %d, not %d", forecast.MaxMonths, *months)}
	case *format != "table" && *format != "json" && *format != "csv":
		return &usageError{msg: fmt.Sprintf("unknown format %q (want table, json or csv)", *format)}
	}
	st, err := openStore(*data, slog.New(slog.DiscardHandler), "")
	if err != nil {
		return err
	}
	defer st.Close()
	ls, err := forecast.Load(ctx, st.lifecycles, cordon.LifecycleFilter{State: cordon.LifecycleInService})
	if err != nil {
		return err
	}
	f, err := forecast.Build(ls, st.db.Now(), *months)
	if err != nil {
		return err
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(f)
	case "csv":
		return forecast.WriteCSV(stdout, f)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "MONTH\tREPLACEMENTS\tCOST (GBP)\tEND OF SUPPORT\t")
	for _, m := range f.Months {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t\n", m.Label(), m.Replacements, pounds(m.Cost), m.EndOfSupport)
	}
	for i, y := range f.Years {
		fmt.Fprintf(tw, "year %d\t%d\t%s\t%d\t\n", i+1, y.Replacements, pounds(y.Cost), y.EndOfSupport)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "\n%d devices in service. Already due for replacement: %d (£%s). Support already ended: %d.\n"+
		"Unknown: replacement date for %d, end of support for %d; %d replacements in the window have no cost.\n",
		f.Devices, f.Overdue, pounds(f.OverdueCost), f.Unsupported, f.UnknownReplacement, f.UnknownEndOfSupport, f.Unpriced)
	return err
}

// pounds formats whole pounds with thousands separators: 1,250,000.
func pounds(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func lifecycleRetire(ctx context.Context, action string, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("lifecycle "+action, "[--data DIR] --device ID --on YYYY-MM-DD ...", stderr)
	data := dataFlag(fs)
	device := fs.Int64("device", 0, "the device's `ID` in the register")
	on := fs.String("on", "", "the `date` it happened, YYYY-MM-DD")
	reason := fs.String("reason", "", "decommission: why the device leaves service")
	var san cordon.Sanitisation
	sanitised := ""
	if action == "dispose" {
		fs.StringVar(&san.Method, "method", "", "sanitisation `method` (NIST SP 800-88): clear, purge or destroy")
		fs.StringVar(&san.Operator, "operator", "", "who sanitised the storage")
		fs.StringVar(&sanitised, "sanitised", "", "the `date` of the sanitisation, YYYY-MM-DD")
		fs.StringVar(&san.Certificate, "certificate", "", "the certificate of sanitisation or destruction")
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return &usageError{msg: fmt.Sprintf("lifecycle %s takes no arguments, got %q", action, fs.Arg(0))}
	}
	if *device < 1 {
		return &usageError{msg: "--device ID is required"}
	}
	date, err := cordon.ParseDate("--on", *on)
	if err != nil {
		return &usageError{msg: err.Error()}
	}
	st, err := openStore(*data, slog.New(slog.DiscardHandler), "")
	if err != nil {
		return err
	}
	defer st.Close()
	var l *cordon.DeviceLifecycle
	if action == "decommission" {
		l, err = st.lifecycles.Decommission(ctx, *device, cordon.Decommissioning{On: date, Reason: *reason})
	} else {
		d := cordon.Disposal{On: date}
		if san.Method != "" || san.Operator != "" || sanitised != "" || san.Certificate != "" {
			if san.On, err = cordon.ParseDate("--sanitised", sanitised); err != nil {
				return &usageError{msg: err.Error()}
			}
			d.Sanitisation = &san
		}
		l, err = st.lifecycles.Dispose(ctx, *device, d)
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "Device %d is %s as of %s.\n", l.Device.ID, l.State, date.Format(time.DateOnly))
	return err
}

// checkReappeared raises an alert for each decommissioned or disposed
// device among keys (those a capture changed) that the network showed
// after the day it was decommissioned. The capture's own times decide,
// not the time of the ingest, so loading an old capture of the device's
// last days in service raises nothing.
func checkReappeared(ctx context.Context, st *store, keys []string) error {
	for len(keys) > 0 {
		chunk := keys[:min(len(keys), 1000)]
		keys = keys[len(chunk):]
		recs, _, err := st.devices.FindDevices(ctx, cordon.DeviceFilter{Keys: chunk, Limit: len(chunk)})
		if err != nil {
			return err
		}
		byID := map[int64]*cordon.DeviceRecord{}
		ids := make([]int64, 0, len(recs))
		for _, r := range recs {
			byID[r.ID] = r
			ids = append(ids, r.ID)
		}
		if len(ids) == 0 {
			continue
		}
		ls, _, err := st.lifecycles.FindLifecycles(ctx, cordon.LifecycleFilter{State: cordon.LifecycleRetired, DeviceIDs: ids, Limit: len(ids)})
		if err != nil {
			return err
		}
		for _, l := range ls {
			if a := reappearance(l, byID[l.Device.ID]); a != nil {
				if err := st.alerts.RaiseAlert(ctx, a); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// reappearance returns the alert for a retired device the network showed
// after its decommissioning day, or nil.
func reappearance(l *cordon.DeviceLifecycle, rec *cordon.DeviceRecord) *cordon.Alert {
	if l.Decommissioned == nil || rec == nil || rec.Observed == nil {
		return nil
	}
	seen := rec.Observed.LastSeen
	if seen.Before(l.Decommissioned.On.AddDate(0, 0, 1)) {
		return nil
	}
	name := firstOf(l.Device.Hostname, l.Device.IP, l.Device.MAC, rec.Key)
	evidence := []string{
		fmt.Sprintf("Last seen %s, after it was %s.", seen.UTC().Format(time.RFC3339), l.State),
		fmt.Sprintf("Decommissioned on %s by %s: %s", l.Decommissioned.On.Format(time.DateOnly), l.Decommissioned.By, clipEnd(l.Decommissioned.Reason, 200)),
	}
	if l.Disposed != nil {
		evidence = append(evidence, "Disposed of on "+l.Disposed.On.Format(time.DateOnly)+".")
	}
	if len(rec.Observed.IPs) > 0 {
		evidence = append(evidence, "Addresses: "+strings.Join(rec.Observed.IPs[:min(len(rec.Observed.IPs), 16)], ", "))
	}
	if mac := rec.Observed.MAC.String(); mac != "" && !rec.Observed.MAC.IsZero() {
		evidence = append(evidence, "MAC: "+mac)
	}
	return &cordon.Alert{Kind: cordon.AlertDecommissionedReappeared, Severity: cordon.AlertHigh, DeviceID: l.Device.ID,
		Title: fmt.Sprintf("%s device %s is on the network again", strings.ToUpper(l.State[:1])+l.State[1:], name), Evidence: evidence}
}

// firstOf returns the first non-empty string.
func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
