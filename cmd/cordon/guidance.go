package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/guidance"
)

// guidanceColumns are the table's short headings, in guidance.Checks order.
var guidanceColumns = map[string]string{
	guidance.CheckEmail: "EMAIL", guidance.CheckWeb: "WEB", guidance.CheckFileShares: "SHARES",
	guidance.CheckRemoteAccess: "REMOTE", guidance.CheckRemovableMedia: "USB", guidance.CheckSegmented: "SEGMENTED",
	guidance.CheckInternet: "INTERNET",
}

// runGuidance prints the guidance checks (steps 3 and 4) of every device in
// the register, medical devices first.
func runGuidance(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	ctx = cliContext(ctx)
	fs := newFlagSet("guidance", "[--data DIR] [--site S] [--category C] [--state pass|fail|unknown [--check ID]] [--days N] [--allow-web LIST] [--jump-hosts LIST] [--file-servers LIST] [--format table|json|csv]", stderr)
	data := dataFlag(fs)
	var f guidance.Filter
	fs.StringVar(&f.Site, "site", "", "only devices at this recorded `site`")
	fs.StringVar(&f.Category, "category", "", "only devices of this `category`")
	fs.StringVar(&f.State, "state", "", "only devices with a check in this `state`: pass, fail or unknown")
	fs.StringVar(&f.Check, "check", "", "the `check` --state applies to (default: any)")
	days := fs.Int("days", 30, "traffic `window` in days")
	var opt guidance.Options
	fs.Func("allow-web", "manufacturer endpoints devices may reach on the web: comma-separated addresses or prefixes (`LIST`)", func(s string) (err error) {
		opt.AllowWeb, err = guidance.ParsePrefixes("--allow-web", s)
		return err
	})
	fs.Func("jump-hosts", "internal hosts approved for remote access to devices (`LIST`)", func(s string) (err error) {
		opt.JumpHosts, err = guidance.ParsePrefixes("--jump-hosts", s)
		return err
	})
	fs.Func("file-servers", "internal hosts approved as file servers (`LIST`)", func(s string) (err error) {
		opt.FileServers, err = guidance.ParsePrefixes("--file-servers", s)
		return err
	})
	format := fs.String("format", "table", "output `format`: table, json or csv")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return &usageError{msg: fmt.Sprintf("guidance takes no arguments, got %q", fs.Arg(0))}
	case *format != "table" && *format != "json" && *format != "csv":
		return &usageError{msg: fmt.Sprintf("unknown format %q (want table, json or csv)", *format)}
	case *days < 1 || *days > 366:
		return &usageError{msg: fmt.Sprintf("--days must be from 1 to 366, not %d", *days)}
	}
	if err := f.Validate(); err != nil {
		return &usageError{msg: cordon.ErrorMessage(err)}
	}
	opt.Window = time.Duration(*days) * 24 * time.Hour
	st, err := openStore(*data, slog.New(slog.DiscardHandler), "")
	if err != nil {
		return err
	}
	defer st.Close()
	svc := &guidance.Service{Devices: st.devices, Conversations: st.conversations, Exceptions: st.exceptions,
		Models: st.models, Options: opt, Now: time.Now}
	reps, _, err := svc.Table(ctx, f)
	if err != nil {
		return err
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(reps)
	case "csv":
		cw := csv.NewWriter(stdout)
		cw.Write(guidance.CSVHeader())
		for i := range reps {
			cw.Write(guidance.CSVRow(&reps[i]))
		}
		cw.Flush()
		return cw.Error()
	}
	if len(reps) == 0 {
		fmt.Fprintln(stderr, "No devices match. Ingest captures first if the register is new.")
		return nil
	}
	return writeGuidanceTable(stdout, reps)
}

func writeGuidanceTable(w io.Writer, reps []guidance.DeviceReport) error {
	tw := tabwriter.NewWriter(w, 0, 4, 1, ' ', 0)
	head := []string{"DEVICE", "CATEGORY", "ZONE"}
	for _, c := range guidance.Checks {
		head = append(head, guidanceColumns[c.ID])
	}
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for i := range reps {
		r := &reps[i]
		zone := r.Zone
		if zone != "" && !r.ZoneRecorded {
			zone += " (subnet)"
		}
		row := []string{clipEnd(r.Name, 28), r.Category, clipEnd(zone, 24)}
		for _, c := range guidance.Checks {
			row = append(row, r.Result(c.ID).State)
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	return tw.Flush()
}
