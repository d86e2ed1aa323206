package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/analysis"
	"github.com/cordonsec/cordon/classify"
	"github.com/cordonsec/cordon/detect"
	"github.com/cordonsec/cordon/policy"
)

func runAnalyze(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("analyze", "[--format table|json|csv] [--profiles FILE] [--detect-config FILE] [--policy FILE] CAPTURE...", stderr)
	format := fs.String("format", "table", "output `format`: table, json or csv")
	profiles := fs.String("profiles", "", "JSON `file` of extra device profiles (see docs/profiles.md)")
	var detectCfg *detect.Config
	fs.Var(detectConfigFlag{&detectCfg}, "detect-config", "JSON `file` of approved internet endpoints, file servers and jump hosts the detections check traffic against")
	var held *policy.Enforcer
	fs.Var(policyFileFlag{&held}, "policy", "JSON `file` of a reviewed network policy (cordon policy suggest|export --format json): flows it does not allow are flow_violation alerts")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch *format {
	case "table", "json", "csv":
	default:
		return &usageError{msg: fmt.Sprintf("unknown format %q: use table, json or csv", *format)}
	}
	if fs.NArg() == 0 {
		return &usageError{msg: "analyze needs at least one capture file"}
	}
	var extra []classify.Profile
	if *profiles != "" {
		var err error
		if extra, err = classify.LoadProfiles(*profiles); err != nil {
			return err
		}
	}
	cl, err := classify.New(extra)
	if err != nil {
		return err
	}
	if held != nil {
		detectCfg = detectCfg.WithPolicy(held)
	}
	opt := analysis.Options{Classifier: cl, Detect: detectCfg}
	bar := newProgress(stderr)
	if bar != nil {
		opt.Progress = bar.update
	}
	res, err := analysis.Run(ctx, fs.Args(), opt)
	bar.finish()
	if err != nil {
		return err
	}
	switch *format {
	case "json":
		err = writeJSON(stdout, res)
	case "csv":
		err = writeCSV(stdout, res.Devices)
	default:
		err = writeTable(stdout, res)
	}
	if err != nil {
		return err
	}
	for _, w := range res.Stats.Warnings {
		fmt.Fprintf(stderr, "cordon: warning: %s\n", w)
	}
	if res.Stats.Partial {
		return errPartial
	}
	return nil
}

func writeJSON(w io.Writer, res *analysis.Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(res)
}

func writeTable(w io.Writer, res *analysis.Result) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "IP\tMAC\tHOSTNAME\tCATEGORY\tMANUFACTURER\tMODEL\tOS\tCONF")
	for _, d := range res.Devices {
		osName := strings.TrimSpace(d.OS.Name + " " + d.OS.Version)
		cat := d.Category
		if d.Modality != "" {
			cat += " (" + d.Modality + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.2f\n",
			dash(first(d.IPs)), dash(d.MAC.String()), dash(first(d.Hostnames)), cat,
			dash(d.Manufacturer), dash(d.Model), dash(osName), d.Confidence)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	medical := 0
	for _, d := range res.Devices {
		if d.Medical {
			medical++
		}
	}
	_, err := fmt.Fprintf(w, "\n%d devices (%d medical) from %d packets, %d flows\n",
		len(res.Devices), medical, res.Stats.Packets, res.Stats.Flows)
	return err
}

// csvHeader is the column order of --format csv.
var csvHeader = []string{"mac", "ips", "hostnames", "vendor", "manufacturer", "model", "category",
	"modality", "medical", "os_name", "os_version", "software", "services", "patient_data",
	"confidence", "first_seen", "last_seen"}

func writeCSV(w io.Writer, devices []*cordon.Device) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, d := range devices {
		var sw, svc []string
		for _, s := range d.Software {
			sw = append(sw, s.CPE)
		}
		for _, s := range d.Services {
			svc = append(svc, fmt.Sprintf("%s/%d/%s/%s", s.Proto, s.Port, s.App, s.Role))
		}
		err := cw.Write([]string{
			d.MAC.String(), strings.Join(d.IPs, " "), strings.Join(d.Hostnames, " "), d.Vendor,
			d.Manufacturer, d.Model, d.Category, d.Modality, strconv.FormatBool(d.Medical),
			d.OS.Name, d.OS.Version, strings.Join(sw, " "), strings.Join(svc, " "),
			strconv.FormatBool(d.PatientData), strconv.FormatFloat(d.Confidence, 'f', 2, 64),
			d.FirstSeen.Format(time.RFC3339), d.LastSeen.Format(time.RFC3339),
		})
		if err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// progress draws a progress bar on a terminal; it is nil elsewhere, so that
// logs and pipes stay clean.
type progress struct {
	w    io.Writer
	last time.Time
	pct  int
}

func newProgress(w io.Writer) *progress {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return &progress{w: w, pct: -1}
}

func (p *progress) update(done, total int64) {
	if total <= 0 || time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	pct := int(done * 100 / total)
	if pct == p.pct {
		return
	}
	p.pct = pct
	const width = 30
	n := pct * width / 100
	fmt.Fprintf(p.w, "\r[%s%s] %3d%% %s / %s", strings.Repeat("=", n), strings.Repeat(" ", width-n), pct, size(done), size(total))
}

func (p *progress) finish() {
	if p != nil && p.pct >= 0 {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

func size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KiB", n>>10)
}
