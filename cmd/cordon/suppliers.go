package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/csvsafe"
	"github.com/cordonsec/cordon/remoteaccess"
)

const suppliersUsage = "usage: cordon suppliers list|unexplained|import [--data DIR] " +
	"(list: [--format table|json|csv]; unexplained: [--since 2026-01-01] [--format table|json]; import FILE.json)"

// runSuppliers lists suppliers with their guidance flags, lists the remote
// access no supplier record explains, or imports suppliers from a JSON
// list: `suppliers list`, `suppliers unexplained`, `suppliers import`.
func runSuppliers(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	ctx = cliContext(ctx)
	if len(args) == 0 || args[0] != "list" && args[0] != "unexplained" && args[0] != "import" {
		return &usageError{msg: suppliersUsage}
	}
	fs := newFlagSet("suppliers "+args[0], "[--data DIR]", stderr)
	data := dataFlag(fs)
	format, since := "table", ""
	if args[0] != "import" {
		fs.StringVar(&format, "format", "table", "output `format`: table, json (or csv for list)")
	}
	if args[0] == "unexplained" {
		fs.StringVar(&since, "since", "", "only traffic from this `date` (2026-01-01) on")
	}
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	switch {
	case args[0] == "import" && fs.NArg() != 1:
		return &usageError{msg: "suppliers import takes one FILE.json: a JSON list of suppliers"}
	case args[0] != "import" && fs.NArg() > 0:
		return &usageError{msg: fmt.Sprintf("suppliers %s takes no arguments, got %q", args[0], fs.Arg(0))}
	case format != "table" && format != "json" && (format != "csv" || args[0] != "list"):
		return &usageError{msg: fmt.Sprintf("unknown format %q", format)}
	}
	var from time.Time
	if since != "" {
		var err error
		if from, err = time.Parse(time.DateOnly, since); err != nil {
			return &usageError{msg: fmt.Sprintf("--since must be a date such as 2026-01-01, not %q", since)}
		}
	}
	st, err := openStore(*data, slog.New(slog.DiscardHandler), "")
	if err != nil {
		return err
	}
	defer st.Close()
	switch args[0] {
	case "import":
		return importSuppliers(ctx, st, fs.Arg(0), stdout)
	case "unexplained":
		ds, err := remoteaccess.FindUnexplained(ctx, st.suppliers, cordon.RemoteSessionFilter{Since: from})
		if err != nil {
			return err
		}
		return writeUnexplained(stdout, stderr, ds, format)
	}
	list, err := remoteaccess.AllSuppliers(ctx, st.suppliers)
	if err != nil {
		return err
	}
	return writeSuppliers(stdout, stderr, list, format)
}

func writeSuppliers(stdout, stderr io.Writer, list []*cordon.Supplier, format string) error {
	if list == nil {
		list = []*cordon.Supplier{}
	}
	flags := func(fs []string) string {
		var out []string
		for _, f := range fs {
			out = append(out, cordon.FlagText(f))
		}
		return strings.Join(out, "; ")
	}
	switch format {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	case "csv":
		cw := csv.NewWriter(stdout)
		cw.Write([]string{"id", "name", "contact", "contracts", "access", "models", "devices", "flags"})
		for _, s := range list {
			var access []string
			for _, a := range s.Access {
				access = append(access, a.Method+" "+a.Mode+" mfa="+strconv.FormatBool(a.MFA))
			}
			cw.Write(csvsafe.Row([]string{strconv.FormatInt(s.ID, 10), s.Name, s.Contact, strconv.Itoa(len(s.Contracts)),
				strings.Join(access, "; "), strconv.Itoa(len(s.ModelIDs)), strconv.Itoa(len(s.DeviceIDs)), strings.Join(s.Flags, " ")}))
		}
		cw.Flush()
		return cw.Error()
	}
	if len(list) == 0 {
		fmt.Fprintln(stderr, "No suppliers recorded: add them on the Suppliers page, through the API or with cordon suppliers import.")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSUPPLIER\tCONTRACTS\tACCESS\tSERVES\tCONCERNS")
	for _, s := range list {
		fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%d models, %d devices\t%s\n", s.ID, clipEnd(s.Name, 32), len(s.Contracts), len(s.Access),
			len(s.ModelIDs), len(s.DeviceIDs), flags(s.Flags))
	}
	return tw.Flush()
}

func writeUnexplained(stdout, stderr io.Writer, ds []remoteaccess.Decision, format string) error {
	if format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(ds)
	}
	if len(ds) == 0 {
		fmt.Fprintln(stderr, "Every remote access session seen is explained by a supplier record.")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DEVICE\tIP\tSOURCE\tMETHOD\tPORT\tFIRST SEEN\tLAST SEEN\tWHY")
	for _, d := range ds {
		r := d.Session
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s/%d\t%s\t%s\t%s\n", clipEnd(deviceName(r.Device), 28), r.Device.IP, remoteaccess.Source(r),
			r.Method, r.Proto, r.Port, r.FirstSeen.Format("2006-01-02 15:04"), r.LastSeen.Format("2006-01-02 15:04"), d.Reason)
	}
	return tw.Flush()
}

// importSuppliers creates the suppliers of a JSON list (the shape `list
// --format json` writes, dates as RFC 3339 times), one by one: a supplier
// whose name exists is skipped, so that an import can be run again.
func importSuppliers(ctx context.Context, st *store, path string, stdout io.Writer) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var list []*cordon.Supplier
	if err := json.Unmarshal(b, &list); err != nil {
		return cordon.Errorf(cordon.EINVALID, "%s is not a JSON list of suppliers: %v", path, err)
	}
	created, skipped := 0, 0
	for i, s := range list {
		if s == nil {
			return cordon.Errorf(cordon.EINVALID, "%s: entry %d is null.", path, i)
		}
		s.ID = 0
		err := st.suppliers.CreateSupplier(ctx, s)
		switch cordon.ErrorCode(err) {
		case "":
			created++
		case cordon.ECONFLICT:
			skipped++
		default:
			return fmt.Errorf("%s: entry %d (%s): %w", path, i, s.Name, err)
		}
	}
	_, err = fmt.Fprintf(stdout, "%d suppliers created, %d skipped (name in use).\n", created, skipped)
	return err
}

// checkRemoteAccess raises an alert for each inbound remote-access session
// to a device the capture changed that no supplier record explains, then
// resolves the alerts that records now explain. The alert's subject is the
// source, so that each source is one alert per device, counted again while
// open.
func checkRemoteAccess(ctx context.Context, st *store, keys []string) error {
	if st.alerts == nil || st.suppliers == nil || len(keys) == 0 {
		return nil
	}
	var errs []error
	for len(keys) > 0 {
		chunk := keys[:min(len(keys), 1000)]
		keys = keys[len(chunk):]
		ds, err := remoteaccess.FindUnexplained(ctx, st.suppliers, cordon.RemoteSessionFilter{Keys: chunk})
		if err != nil {
			return err
		}
		for _, d := range ds {
			errs = append(errs, st.alerts.RaiseAlert(ctx, unexplainedAlert(d)))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return settleRemoteAccessAlerts(ctx, st)
}

// settleRemoteAccessAlerts resolves the open unexplained-remote-access
// alerts that a supplier record now explains (or whose traffic has aged
// out): each device with such an alert is decided again on its own
// sessions against the suppliers read once, so the check stays bounded by
// the alerts, not the traffic.
func settleRemoteAccessAlerts(ctx context.Context, st *store) error {
	if st.alerts == nil || st.suppliers == nil {
		return nil
	}
	open, err := findOpenAlerts(ctx, st, cordon.AlertUnexplainedRemoteAccess)
	if err != nil {
		return err
	}
	if len(open) == 0 {
		return nil
	}
	suppliers, err := remoteaccess.AllSuppliers(ctx, st.suppliers)
	if err != nil {
		return err
	}
	ix := remoteaccess.NewIndex(suppliers)
	var keep []cordon.AlertKey
	var devices []int64
	for _, a := range open {
		if a.Device == nil || slices.Contains(devices, a.DeviceID) {
			continue
		}
		devices = append(devices, a.DeviceID)
		sessions, err := st.suppliers.FindRemoteSessions(ctx, cordon.RemoteSessionFilter{Keys: []string{a.Device.Key}})
		if err != nil {
			return err
		}
		for _, r := range sessions {
			if !ix.Decide(r).Explained {
				keep = append(keep, cordon.AlertKey{DeviceID: a.DeviceID, Subject: "source:" + remoteaccess.Source(r)})
			}
		}
	}
	_, err = st.alerts.ResolveAlerts(ctx, cordon.AlertUnexplainedRemoteAccess, keep, cordon.AlertScope{Devices: devices},
		"A supplier's remote access record now explains this access.")
	return err
}

// unexplainedAlert is the alert for one unexplained session.
func unexplainedAlert(d remoteaccess.Decision) *cordon.Alert {
	r := d.Session
	src := remoteaccess.Source(r)
	return &cordon.Alert{
		Kind: cordon.AlertUnexplainedRemoteAccess, Severity: cordon.AlertHigh,
		DeviceID: r.Device.ID, Subject: "source:" + src,
		Title: clipEnd(fmt.Sprintf("Unexplained %s remote access to %s from %s", r.Method, deviceName(r.Device), src), 512),
		Evidence: []string{
			fmt.Sprintf("%s/%d%s from %s (%s) to %s, %d flows, %s to %s UTC", r.Proto, r.Port, appNote(r.App), src, r.SourceKey,
				r.Device.IP, r.Flows, r.FirstSeen.Format("2006-01-02 15:04"), r.LastSeen.Format("2006-01-02 15:04")),
			d.Reason,
		},
	}
}

func appNote(app string) string {
	if app == "" {
		return ""
	}
	return " (" + app + ")"
}
