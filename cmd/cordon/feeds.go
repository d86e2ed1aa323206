package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/feeds"
)

const feedsUsage = "usage: cordon feeds import|sync|status [--data DIR] …"

func runFeeds(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	ctx = cliContext(ctx)
	if len(args) == 0 {
		return &usageError{msg: feedsUsage}
	}
	switch args[0] {
	case "import":
		return runFeedsImport(ctx, args[1:], stdout, stderr)
	case "sync":
		return runFeedsSync(ctx, args[1:], stdout, stderr)
	case "status":
		return runFeedsStatus(ctx, args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprintln(stderr, feedsUsage)
		return nil
	}
	return &usageError{msg: fmt.Sprintf("unknown feeds command %q; %s", args[0], feedsUsage)}
}

func runFeedsImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("feeds import", "[--data DIR] FILE|DIR...", stderr)
	data := dataFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return &usageError{msg: "feeds import needs at least one file or directory"}
	}
	st, err := openStore(*data, slog.New(slog.DiscardHandler), "")
	if err != nil {
		return err
	}
	defer st.Close()
	t := &feedTally{stdout: stdout, stderr: stderr}
	if err := feeds.ImportPaths(ctx, st.intel, fs.Args(), "cli", t.add); err != nil {
		return err
	}
	return t.finish(ctx, st, "files")
}

func runFeedsSync(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("feeds sync", "[--data DIR] [--config FILE]", stderr)
	data := dataFlag(fs)
	config := fs.String("config", "", "JSON `file` of feed URLs and settings (docs/feeds.md); default: the public feeds")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return &usageError{msg: "feeds sync takes no arguments"}
	}
	cfg := feeds.DefaultConfig()
	if *config != "" {
		b, err := os.ReadFile(*config)
		if err != nil {
			return cordon.Errorf(cordon.EINVALID, "Cannot read %s: %v.", *config, err)
		}
		if cfg, err = feeds.ParseConfig(*config, b); err != nil {
			return err
		}
	}
	key, err := nvdAPIKey(cfg.NVD.APIKeyEnv)
	if err != nil {
		return err
	}
	st, err := openStore(*data, slog.New(slog.DiscardHandler), "")
	if err != nil {
		return err
	}
	defer st.Close()
	s := &feeds.Syncer{Intel: st.intel, Config: cfg, NVDAPIKey: key, By: "cli", UserAgent: "cordon/" + version}
	t := &feedTally{stdout: stdout, stderr: stderr}
	if err := s.Sync(ctx, t.add); err != nil {
		return err
	}
	return t.finish(ctx, st, "downloads")
}

// nvdAPIKey reads the key from the variable named, or from the file named
// by that variable with _FILE appended.
func nvdAPIKey(env string) (string, error) {
	if env == "" {
		return "", nil
	}
	if k := os.Getenv(env); k != "" {
		return strings.TrimSpace(k), nil
	}
	if p := os.Getenv(env + "_FILE"); p != "" {
		b, err := os.ReadFile(p)
		if err != nil {
			return "", cordon.Errorf(cordon.EINVALID, "Cannot read the NVD API key file named by %s_FILE: %v.", env, err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	return "", nil
}

// feedTally prints one line per import and the summary, and reassesses
// the register when anything changed.
type feedTally struct {
	stdout, stderr                io.Writer
	total, imported, same, failed int
	changed                       bool
}

func (t *feedTally) add(r feeds.Result) {
	t.total++
	switch {
	case r.Err != nil:
		t.failed++
		msg := r.Err.Error()
		if cordon.ErrorCode(r.Err) != cordon.EINTERNAL {
			msg = cordon.ErrorMessage(r.Err)
		}
		if !strings.Contains(msg, r.Name) {
			msg = r.Name + ": " + msg
		}
		fmt.Fprintf(t.stderr, "cordon: %s\n", msg)
	case r.Unchanged:
		t.same++
		fmt.Fprintf(t.stdout, "%-9s %s: unchanged (already imported as import %d on %s)\n",
			r.Import.Source, r.Name, r.Import.ID, r.Import.ImportedAt.UTC().Format("2006-01-02 15:04 UTC"))
	default:
		t.imported++
		t.changed = t.changed || r.Import.Changed > 0
		fmt.Fprintf(t.stdout, "%-9s %s: %d %s, %d changed\n", r.Import.Source, r.Name, r.Import.Records, plural(r.Import.Records, "record"), r.Import.Changed)
	}
}

func (t *feedTally) finish(ctx context.Context, st *store, what string) error {
	fmt.Fprintf(t.stdout, "%d %s: %d imported, %d unchanged, %d failed\n", t.total, what, t.imported, t.same, t.failed)
	if t.changed {
		if err := reassess(ctx, st, t.stdout); err != nil {
			return err
		}
	}
	if t.failed > 0 {
		return cordon.Errorf(cordon.EINVALID, "%d of %d %s could not be imported; nothing of them was kept, and the others were imported.", t.failed, t.total, what)
	}
	return nil
}

// reassess recomputes every device's findings and prints the outcome.
func reassess(ctx context.Context, st *store, stdout io.Writer) error {
	if err := st.assessor.Assess(ctx, nil); err != nil {
		return err
	}
	_, total, err := st.findings.FindFindings(ctx, cordon.FindingFilter{Limit: 1})
	if err != nil {
		return err
	}
	sum, err := st.findings.ExposureSummary(ctx)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "Assessed %d devices: %d findings; %d devices with open findings, %d with known exploited vulnerabilities, %d unsupported.\n",
		sum.Assessed, total, sum.Exposed, sum.KEVDevices, sum.Unsupported)
	return err
}

func runFeedsStatus(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("feeds status", "[--data DIR] [--format table|json]", stderr)
	data := dataFlag(fs)
	format := fs.String("format", "table", "output `format`: table or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *format != "table" && *format != "json" {
		return &usageError{msg: fmt.Sprintf("unknown format %q (want table or json)", *format)}
	}
	st, err := openStore(*data, slog.New(slog.DiscardHandler), "")
	if err != nil {
		return err
	}
	defer st.Close()
	status, err := st.intel.FeedStatus(ctx)
	if err != nil {
		return err
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(status)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tRECORDS\tNEWEST\tLAST IMPORT\tWHEN")
	for _, s := range status {
		newest, last, when := "-", "never", "-"
		if !s.Newest.IsZero() {
			newest = s.Newest.UTC().Format(time.DateOnly)
		}
		if s.LastImport != nil {
			last = clip(s.LastImport.Name, 60)
			when = s.LastImport.ImportedAt.UTC().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", s.Source, s.Records, newest, last, when)
	}
	return tw.Flush()
}

// clip shortens s to n characters, keeping its end (the file name).
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return "…" + string(r[len(r)-n+1:])
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
