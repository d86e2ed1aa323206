package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/csvsafe"
)

// alertPage is how many alerts one FindAlerts call returns.
const alertPage = 500

// runAlerts lists alerts: `alerts list`.
func runAlerts(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	ctx = cliContext(ctx)
	const usage = "list [--data DIR] [--status open|new|acknowledged|resolved|false_positive] [--kind K] [--severity S] [--format table|json|csv]"
	if len(args) == 0 || args[0] != "list" {
		return &usageError{msg: "usage: cordon alerts " + usage}
	}
	fs := newFlagSet("alerts list", usage, stderr)
	data := dataFlag(fs)
	var f cordon.AlertFilter
	fs.StringVar(&f.Status, "status", "", "only alerts in this `state`: open (new or acknowledged), "+strings.Join(cordon.AlertStatuses, ", "))
	fs.StringVar(&f.Kind, "kind", "", "only alerts of this `kind`, such as "+cordon.AlertDecommissionedReappeared)
	fs.StringVar(&f.Severity, "severity", "", "only alerts of this `severity`: "+strings.Join(cordon.AlertSeverities, ", "))
	format := fs.String("format", "table", "output `format`: table, json or csv")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return &usageError{msg: fmt.Sprintf("alerts list takes no arguments, got %q", fs.Arg(0))}
	case f.Status != "" && f.Status != "open" && !contains(cordon.AlertStatuses, f.Status):
		return &usageError{msg: fmt.Sprintf("unknown status %q (want open or one of %s)", f.Status, strings.Join(cordon.AlertStatuses, ", "))}
	case f.Severity != "" && !contains(cordon.AlertSeverities, f.Severity):
		return &usageError{msg: fmt.Sprintf("unknown severity %q (want one of %s)", f.Severity, strings.Join(cordon.AlertSeverities, ", "))}
	case *format != "table" && *format != "json" && *format != "csv":
		return &usageError{msg: fmt.Sprintf("unknown format %q (want table, json or csv)", *format)}
	}
	st, err := openStore(*data, slog.New(slog.DiscardHandler), "")
	if err != nil {
		return err
	}
	defer st.Close()
	list := []*cordon.Alert{}
	for f.Limit = alertPage; ; {
		page, total, err := st.alerts.FindAlerts(ctx, f)
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
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	case "csv":
		return writeAlertCSV(stdout, list)
	}
	if len(list) == 0 {
		fmt.Fprintln(stderr, "No alerts match.")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEVERITY\tSTATUS\tKIND\tDEVICE\tTITLE\tCOUNT\tLAST SEEN")
	for _, a := range list {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", a.ID, a.Severity, a.Status, a.Kind, alertDevice(a),
			clipEnd(a.Title, 60), a.Count, a.LastSeen.Format(time.RFC3339))
	}
	return tw.Flush()
}

// alertDevice names an alert's device in a table: host name, address or
// number; "-" when the alert is about none.
func alertDevice(a *cordon.Alert) string {
	if d := a.Device; d != nil {
		for _, s := range []string{d.Hostname, d.IP, d.MAC} {
			if s != "" {
				return clipEnd(s, 32)
			}
		}
	}
	if a.DeviceID != 0 {
		return "device " + strconv.FormatInt(a.DeviceID, 10)
	}
	return "-"
}

// alertCSVHeader is the column order of an alert export.
var alertCSVHeader = []string{"id", "kind", "severity", "status", "device_id", "hostname", "ip", "site", "subject", "title",
	"evidence", "count", "first_seen", "last_seen", "owner", "note", "updated_by", "updated_at"}

// writeAlertCSV writes alerts as CSV, cells made safe for spreadsheets
// (titles and evidence carry host names from the network).
func writeAlertCSV(w io.Writer, list []*cordon.Alert) error {
	cw := csv.NewWriter(w)
	cw.Write(alertCSVHeader)
	for _, a := range list {
		var d cordon.FindingDevice
		if a.Device != nil {
			d = *a.Device
		}
		updated := ""
		if !a.UpdatedAt.IsZero() && a.UpdatedBy != "" {
			updated = a.UpdatedAt.Format(time.RFC3339)
		}
		cw.Write(csvsafe.Row([]string{strconv.FormatInt(a.ID, 10), a.Kind, a.Severity, a.Status, strconv.FormatInt(a.DeviceID, 10),
			d.Hostname, d.IP, d.Site, a.Subject, a.Title, strings.Join(a.Evidence, "; "), strconv.Itoa(a.Count),
			a.FirstSeen.Format(time.RFC3339), a.LastSeen.Format(time.RFC3339), a.Owner, a.Note, a.UpdatedBy, updated}))
	}
	cw.Flush()
	return cw.Error()
}
