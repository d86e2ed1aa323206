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

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/csvsafe"
)

// runWorklist prints what to fix first: the register's devices by risk,
// each with the sentence that explains its score and its top factors.
func runWorklist(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	ctx = cliContext(ctx)
	fs := newFlagSet("worklist", "[--data DIR] [--site S] [--category C] [--medical] [--unsupported] [--kev] [--min-score N] [--limit N] [--format table|json|csv]", stderr)
	data := dataFlag(fs)
	var f cordon.ExposureFilter
	fs.StringVar(&f.Site, "site", "", "only devices at this `site` (as recorded)")
	fs.StringVar(&f.Category, "category", "", "only devices of this `category`")
	medical := fs.Bool("medical", false, "only medical devices and clinical systems")
	unsupported := fs.Bool("unsupported", false, "only devices running something unsupported")
	kev := fs.Bool("kev", false, "only devices with a known exploited vulnerability (CISA KEV)")
	fs.IntVar(&f.MinScore, "min-score", 0, "only devices scoring at least `N` (0 to 100)")
	limit := fs.Int("limit", 50, "at most `N` devices (0: all)")
	format := fs.String("format", "table", "output `format`: table, json or csv")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return &usageError{msg: fmt.Sprintf("worklist takes no arguments, got %q", fs.Arg(0))}
	case *format != "table" && *format != "json" && *format != "csv":
		return &usageError{msg: fmt.Sprintf("unknown format %q (want table, json or csv)", *format)}
	case f.MinScore < 0 || f.MinScore > 100:
		return &usageError{msg: fmt.Sprintf("--min-score %d is out of range (0 to 100)", f.MinScore)}
	case *limit < 0:
		return &usageError{msg: "--limit must not be negative"}
	case f.Category != "" && !contains(cordon.Categories, f.Category):
		return &usageError{msg: fmt.Sprintf("unknown category %q (want one of %s)", f.Category, strings.Join(cordon.Categories, ", "))}
	}
	for _, b := range []struct {
		set bool
		p   **bool
	}{{*medical, &f.Medical}, {*unsupported, &f.Unsupported}, {*kev, &f.KEV}} {
		if b.set {
			t := true
			*b.p = &t
		}
	}
	st, err := openStore(*data, slog.New(slog.DiscardHandler), "")
	if err != nil {
		return err
	}
	defer st.Close()

	var list []*cordon.Exposure
	for f.Offset = 0; ; {
		f.Limit = 500
		if *limit > 0 {
			f.Limit = min(500, *limit-len(list))
		}
		page, total, err := st.findings.FindExposures(ctx, f)
		if err != nil {
			return err
		}
		list = append(list, page...)
		f.Offset += len(page)
		if len(page) == 0 || f.Offset >= total || *limit > 0 && len(list) >= *limit {
			break
		}
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if list == nil {
			list = []*cordon.Exposure{}
		}
		return enc.Encode(list)
	case "csv":
		return worklistCSV(stdout, list)
	}
	if len(list) == 0 {
		fmt.Fprintln(stderr, "No device has been assessed yet: ingest captures and import the feeds (cordon feeds import) first.")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RISK\tDEVICE\tCATEGORY\tWHERE\tOPEN\tKEV\tWHY")
	for _, x := range list {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%d\t%s\n", x.Risk.Score, clipEnd(deviceName(x.Device), 24),
			x.Device.Category, clipEnd(where(x.Device), 28), x.Open, x.KEV, clipEnd(x.Risk.Summary, 90))
	}
	return tw.Flush()
}

// worklistCSV writes one row per device, with the factors joined, for a
// spreadsheet; cells are escaped against formula injection.
func worklistCSV(w io.Writer, list []*cordon.Exposure) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"score", "device_id", "mac", "ip", "hostname", "category", "manufacturer", "model", "site", "location", "owner",
		"findings", "open", "kev", "critical", "unsupported", "summary", "factors"})
	for _, x := range list {
		var factors []string
		for _, fc := range x.Risk.Factors {
			factors = append(factors, fc.Part+": "+fc.Why)
		}
		d := x.Device
		row := []string{strconv.Itoa(x.Risk.Score), strconv.FormatInt(d.ID, 10), d.MAC, d.IP, d.Hostname, d.Category, d.Manufacturer, d.Model,
			d.Site, d.Location, d.Owner, strconv.Itoa(x.Findings), strconv.Itoa(x.Open), strconv.Itoa(x.KEV), strconv.Itoa(x.Critical),
			strconv.FormatBool(x.Unsupported), x.Risk.Summary, strings.Join(factors, " | ")}
		for i := range row {
			row[i] = csvsafe.Cell(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
