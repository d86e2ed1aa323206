package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"

	"github.com/cordonsec/cordon"
)

// runModels lists the register's device models, or makes the ones the
// traffic shows: `models list` and `models sync`.
func runModels(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	ctx = cliContext(ctx)
	if len(args) == 0 || args[0] != "list" && args[0] != "sync" {
		return &usageError{msg: "usage: cordon models list|sync [--data DIR] (list: [--manufacturer M] [--query Q] [--format table|json])"}
	}
	fs := newFlagSet("models "+args[0], "[--data DIR]", stderr)
	data := dataFlag(fs)
	var f cordon.ModelFilter
	format := "table"
	if args[0] == "list" {
		fs.StringVar(&f.Manufacturer, "manufacturer", "", "only models of this `manufacturer`")
		fs.StringVar(&f.Query, "query", "", "only models whose manufacturer, model or version contains these `words`")
		fs.StringVar(&format, "format", "table", "output `format`: table or json")
	}
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return &usageError{msg: fmt.Sprintf("models %s takes no arguments, got %q", args[0], fs.Arg(0))}
	case format != "table" && format != "json":
		return &usageError{msg: fmt.Sprintf("unknown format %q (want table or json)", format)}
	}
	st, err := openStore(*data, slog.New(slog.DiscardHandler), "")
	if err != nil {
		return err
	}
	defer st.Close()
	if args[0] == "sync" {
		created, assigned, err := st.models.SyncDiscoveredModels(ctx)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "%d models created, %d devices assigned from what the traffic shows.\n", created, assigned)
		return err
	}
	var list []*cordon.DeviceModel
	for f.Limit = 1000; ; {
		page, total, err := st.models.FindModels(ctx, f)
		if err != nil {
			return err
		}
		list = append(list, page...)
		f.Offset += len(page)
		if len(page) == 0 || f.Offset >= total {
			break
		}
	}
	if format == "json" {
		if list == nil {
			list = []*cordon.DeviceModel{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	}
	if len(list) == 0 {
		fmt.Fprintln(stderr, "No device models yet: ingest captures (models are made from what the traffic shows) or run cordon models sync.")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tMANUFACTURER\tMODEL\tVERSION\tCATEGORY\tDEVICES")
	for _, m := range list {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\n", m.ID, clipEnd(m.Manufacturer, 28), clipEnd(m.Model, 36), clipEnd(m.Version, 20), m.Category, m.Devices)
	}
	return tw.Flush()
}
