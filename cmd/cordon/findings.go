package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
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

// findingPage is how many findings one FindFindings call returns.
const findingPage = 500

func runFindings(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	ctx = cliContext(ctx)
	fs := newFlagSet("findings", "[--data DIR] [--device MAC] [--cve ID]... [--status S] [--kev] [--format table|json|csv]", stderr)
	data := dataFlag(fs)
	var f cordon.FindingFilter
	fs.StringVar(&f.MAC, "device", "", "only the device with this `MAC` address")
	fs.Func("cve", "only this CVE `ID` (repeat for several)", func(s string) error {
		id := strings.ToUpper(strings.TrimSpace(s))
		if !validCVE(id) {
			return fmt.Errorf("%q is not a CVE id such as CVE-2017-0144", s)
		}
		f.CVEs = append(f.CVEs, id)
		return nil
	})
	fs.StringVar(&f.Status, "status", "", "only findings in this `status`: "+strings.Join(cordon.FindingStatuses, ", "))
	kev := fs.Bool("kev", false, "only known exploited vulnerabilities (CISA KEV)")
	format := fs.String("format", "table", "output `format`: table, json or csv")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkFindingFlags(fs, f.Status, *format); err != nil {
		return err
	}
	if *kev {
		f.KEV = kev
	}
	st, err := openStore(*data, slog.New(slog.DiscardHandler), "")
	if err != nil {
		return err
	}
	defer st.Close()
	out := newFindingWriter(stdout, *format)
	n := 0
	err = eachFinding(ctx, st.findings, f, func(x *cordon.Finding) error {
		n++
		return out.write(x)
	})
	if err != nil {
		return err
	}
	if err := out.close(); err != nil {
		return err
	}
	if n == 0 && *format == "table" {
		fmt.Fprintln(stderr, "No findings match. Import the feeds (cordon feeds import or sync) and ingest captures first if the register is new.")
	}
	return nil
}

func checkFindingFlags(fs *flag.FlagSet, status, format string) error {
	if fs.NArg() > 0 {
		return &usageError{msg: fmt.Sprintf("findings takes no arguments, got %q", fs.Arg(0))}
	}
	if status != "" && !contains(cordon.FindingStatuses, status) {
		return &usageError{msg: fmt.Sprintf("unknown status %q (want one of %s)", status, strings.Join(cordon.FindingStatuses, ", "))}
	}
	if format != "table" && format != "json" && format != "csv" {
		return &usageError{msg: fmt.Sprintf("unknown format %q (want table, json or csv)", format)}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// validCVE reports whether id is a CVE id, CVE-YYYY-NNNN with four or more
// digits.
func validCVE(id string) bool {
	y, n, ok := strings.Cut(strings.TrimPrefix(id, "CVE-"), "-")
	if !ok || !strings.HasPrefix(id, "CVE-") || len(y) != 4 || len(n) < 4 || len(n) > 19 {
		return false
	}
	for _, c := range y + n {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// eachFinding pages through the findings f selects, in its order.
func eachFinding(ctx context.Context, svc cordon.FindingService, f cordon.FindingFilter, fn func(*cordon.Finding) error) error {
	f.Limit = findingPage
	for f.Offset = 0; ; f.Offset += findingPage {
		page, total, err := svc.FindFindings(ctx, f)
		if err != nil {
			return err
		}
		for _, x := range page {
			if err := fn(x); err != nil {
				return err
			}
		}
		if len(page) == 0 || f.Offset+len(page) >= total {
			return nil
		}
	}
}

// findingWriter prints findings as they come, in one format.
type findingWriter struct {
	format string
	w      io.Writer
	tw     *tabwriter.Writer
	cw     *csv.Writer
	n      int
}

func newFindingWriter(w io.Writer, format string) *findingWriter {
	return &findingWriter{format: format, w: w}
}

var findingCSVHeader = []string{"cve", "severity", "cvss", "epss", "epss_percentile", "kev", "kev_due_date", "status",
	"match", "device_id", "mac", "ip", "hostname", "manufacturer", "model", "category", "site", "location", "owner",
	"title", "fix_available", "first_found", "last_found"}

func (o *findingWriter) write(f *cordon.Finding) error {
	defer func() { o.n++ }()
	switch o.format {
	case "json":
		b, err := json.Marshal(f)
		if err != nil {
			return err
		}
		sep := ",\n"
		if o.n == 0 {
			sep = "[\n"
		}
		_, err = fmt.Fprintf(o.w, "%s%s", sep, b)
		return err
	case "csv":
		if o.cw == nil {
			o.cw = csv.NewWriter(o.w)
			o.cw.Write(findingCSVHeader)
		}
		d := f.Device
		return o.cw.Write(csvsafe.Row([]string{f.CVE, f.Severity, cvssScore(f.CVSS), epssScore(f.EPSS, false), epssScore(f.EPSS, true),
			strconv.FormatBool(f.KEV), dateOrEmpty(f.KEVDueDate), f.Status.Status, f.Match, strconv.FormatInt(d.ID, 10),
			d.MAC, d.IP, d.Hostname, d.Manufacturer, d.Model, d.Category, d.Site, d.Location, d.Owner, f.Title,
			strconv.FormatBool(f.Fix.Available), dateOrEmpty(f.FirstFound), dateOrEmpty(f.LastFound)}))
	}
	if o.tw == nil {
		o.tw = tabwriter.NewWriter(o.w, 0, 4, 1, ' ', 0)
		fmt.Fprintln(o.tw, "SEVERITY\tCVSS\tEPSS\tKEV\tCVE\tSTATUS\tMATCH\tDEVICE\tWHERE")
	}
	kev := ""
	if f.KEV {
		kev = "KEV"
	}
	_, err := fmt.Fprintf(o.tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", f.Severity, cvssScore(f.CVSS), epssPercent(f.EPSS), kev,
		f.CVE, f.Status.Status, f.Match, clipEnd(deviceName(f.Device), 20), clipEnd(where(f.Device), 28))
	return err
}

func (o *findingWriter) close() error {
	switch {
	case o.format == "json" && o.n == 0:
		_, err := fmt.Fprintln(o.w, "[]")
		return err
	case o.format == "json":
		_, err := fmt.Fprintln(o.w, "\n]")
		return err
	case o.cw != nil:
		o.cw.Flush()
		return o.cw.Error()
	case o.format == "csv":
		cw := csv.NewWriter(o.w)
		cw.Write(findingCSVHeader)
		cw.Flush()
		return cw.Error()
	case o.tw != nil:
		return o.tw.Flush()
	}
	return nil
}

func cvssScore(c *cordon.CVSS) string {
	if c == nil {
		return ""
	}
	return strconv.FormatFloat(c.BaseScore, 'f', 1, 64)
}

func epssScore(e *cordon.EPSSScore, percentile bool) string {
	switch {
	case e == nil:
		return ""
	case percentile:
		return strconv.FormatFloat(e.Percentile, 'f', 5, 64)
	}
	return strconv.FormatFloat(e.Score, 'f', 5, 64)
}

func epssPercent(e *cordon.EPSSScore) string {
	if e == nil {
		return ""
	}
	return strconv.FormatFloat(100*e.Score, 'f', 1, 64) + "%"
}

// deviceName is how a person recognises a device: its host name, else its
// MAC, else its address.
func deviceName(d cordon.FindingDevice) string {
	for _, s := range []string{d.Hostname, d.MAC, d.IP, d.Key} {
		if s != "" {
			return s
		}
	}
	return strconv.FormatInt(d.ID, 10)
}

// where is a device's site and location.
func where(d cordon.FindingDevice) string {
	switch {
	case d.Site != "" && d.Location != "":
		return d.Site + " / " + d.Location
	case d.Site != "":
		return d.Site
	}
	return d.Location
}

// clipEnd shortens s to n characters, keeping its start.
func clipEnd(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func dateOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}
