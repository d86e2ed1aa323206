package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/modeldoc"
)

// runModels lists the register's device models, makes the ones the
// traffic shows, shows one, or imports a manufacturer document for one:
// `models list|sync|show|import-sbom|import-mds2|import-vex`.
func runModels(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	ctx = cliContext(ctx)
	if len(args) > 0 {
		switch args[0] {
		case "import-sbom", "import-mds2", "import-vex":
			return runModelsImport(ctx, args, stdout, stderr)
		case "show":
			return runModelsShow(ctx, args, stdout, stderr)
		}
	}
	if len(args) == 0 || args[0] != "list" && args[0] != "sync" {
		return &usageError{msg: "usage: cordon models list|sync|show|import-sbom|import-mds2|import-vex [--data DIR] (list: [--manufacturer M] [--query Q] [--format table|json]; show ID; import-*: --manufacturer M --model X [--version V] FILE)"}
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

// runModelsImport imports a manufacturer document for a model, creating
// the model if the register lacks it, and says what it stored and changed:
// `models import-sbom|import-mds2|import-vex --manufacturer M --model X
// [--version V] FILE`.
func runModelsImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	kind := strings.TrimPrefix(args[0], "import-")
	fs := newFlagSet("models "+args[0], "[--data DIR] --manufacturer M --model X [--version V] FILE", stderr)
	data := dataFlag(fs)
	var m cordon.DeviceModel
	fs.StringVar(&m.Manufacturer, "manufacturer", "", "the model's `manufacturer`")
	fs.StringVar(&m.Model, "model", "", "the `model` name")
	fs.StringVar(&m.Version, "version", "", "the model's software or firmware `version`")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	switch {
	case fs.NArg() != 1:
		return &usageError{msg: fmt.Sprintf("models %s takes one file, got %d arguments", args[0], fs.NArg())}
	case m.Manufacturer == "" || m.Model == "":
		return &usageError{msg: fmt.Sprintf("models %s needs --manufacturer and --model", args[0])}
	}
	file := fs.Arg(0)
	st, err := os.Stat(file)
	if err != nil {
		return err
	}
	if st.Size() > modeldoc.MaxSize {
		return cordon.Errorf(cordon.EINVALID, "%s is larger than %d MiB.", file, modeldoc.MaxSize>>20)
	}
	body, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	s, err := openStore(*data, slog.New(slog.DiscardHandler), "")
	if err != nil {
		return err
	}
	defer s.Close()
	created := true
	if err := s.models.CreateModel(ctx, &m); cordon.ErrorCode(err) == cordon.ECONFLICT {
		created = false
	} else if err != nil {
		return err
	}
	res, err := s.modelDocs().Import(ctx, m.ID, file, kind, body)
	if err != nil && res == nil {
		return err
	}
	name := strings.TrimSpace(m.Manufacturer + " " + m.Model + " " + m.Version)
	if created {
		fmt.Fprintf(stdout, "Created model %d: %s.\n", m.ID, name)
	}
	d := res.Document
	if res.Unchanged {
		fmt.Fprintf(stdout, "Unchanged: model %d already has this file (document %d, %s, imported %s).\n", m.ID, d.ID, d.FileName, d.ImportedAt.Format("2 Jan 2006"))
		return err
	}
	fmt.Fprintf(stdout, "Stored document %d for model %d (%s): %s %s %s, %s.\n", d.ID, m.ID, name, d.Kind, d.Format, d.SpecVersion, summary(d))
	if res.Replaced != nil {
		fmt.Fprintf(stdout, "It replaces document %d (%s) as the model's software: %d components added, %d dropped.\n",
			res.Replaced.ID, res.Replaced.FileName, len(res.Added), len(res.Dropped))
	}
	if res.Devices > 0 {
		fmt.Fprintf(stdout, "Re-assessed the model's %d devices.\n", res.Devices)
	}
	if d.Kind == cordon.DocumentVEX {
		fmt.Fprintf(stdout, "%d findings of the model's devices now carry this document's status.\n", res.VEXFindings)
	}
	if d.Kind == cordon.DocumentMDS2 {
		fmt.Fprintf(stdout, "%d contradictions between the form and the devices' traffic.\n", len(res.Contradictions))
	}
	for _, w := range d.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	return err
}

// summary says in a few words what a document holds.
func summary(d *cordon.ModelDocument) string {
	switch d.Kind {
	case cordon.DocumentSBOM:
		return fmt.Sprintf("%d components (%d unsupported or of unknown support)", d.Components, d.Unsupported)
	case cordon.DocumentMDS2:
		return fmt.Sprintf("%d answers", d.Answers)
	}
	return fmt.Sprintf("%d statements", d.Statements)
}

// runModelsShow prints a model, its documents and its contradictions:
// `models show ID`.
func runModelsShow(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("models show", "[--data DIR] ID", stderr)
	data := dataFlag(fs)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return &usageError{msg: "models show takes one model ID"}
	}
	id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if err != nil || id < 1 {
		return &usageError{msg: fmt.Sprintf("a model ID is a positive whole number, not %q", fs.Arg(0))}
	}
	s, err := openStore(*data, slog.New(slog.DiscardHandler), "")
	if err != nil {
		return err
	}
	defer s.Close()
	m, err := s.models.FindModelByID(ctx, id)
	if err != nil {
		return err
	}
	docs, _, err := s.documents.FindDocuments(ctx, cordon.DocumentFilter{ModelID: id, Limit: 1000})
	if err != nil {
		return err
	}
	cs, err := s.documents.FindContradictions(ctx, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Model %d: %s %s %s\nCategory: %s\nDevices: %d\n", m.ID, m.Manufacturer, m.Model, m.Version, m.Category, m.Devices)
	components := 0
	for _, d := range docs {
		if d.Current {
			components = d.Components
		}
	}
	fmt.Fprintf(stdout, "Software (current SBOM): %d components\n\n", components)
	if len(docs) == 0 {
		fmt.Fprintln(stdout, "No documents: import one with cordon models import-sbom|import-mds2|import-vex.")
	} else {
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tKIND\tFORMAT\tFILE\tCONTENT\tIMPORTED")
		for _, d := range docs {
			cur := ""
			if d.Current {
				cur = " (current)"
			}
			fmt.Fprintf(tw, "%d\t%s%s\t%s %s\t%s\t%s\t%s by %s\n", d.ID, d.Kind, cur, d.Format, d.SpecVersion, clipEnd(d.FileName, 40), summary(d),
				d.ImportedAt.Format("2006-01-02"), d.ImportedBy)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "\nContradictions with traffic: %d\n", len(cs))
	for _, c := range cs {
		fmt.Fprintf(stdout, "  [%s] %s; observed: %s (%d devices)\n", c.Severity, c.Declared, c.Observed, len(c.Devices))
	}
	return nil
}
