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

// affectedCVE is what `cordon affected` says about one CVE.
type affectedCVE struct {
	CVE   string `json:"cve"`
	Known bool   `json:"known"` // the intelligence describes it (NVD, KEV, EPSS or an advisory)
	Title string `json:"title,omitempty"`
	KEV   bool   `json:"kev"`
	// Devices are those with a finding for the CVE that is not fixed or
	// marked not affected; Resolved counts those.
	Devices  []affectedDevice `json:"devices"`
	Resolved int              `json:"resolved"`
}

// affectedDevice is one affected device with where it is and who answers
// for it.
type affectedDevice struct {
	cordon.FindingDevice
	FindingID int64  `json:"finding_id"`
	Match     string `json:"match"`
	Status    string `json:"status"`
	Severity  string `json:"severity"`
}

func runAffected(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	ctx = cliContext(ctx)
	fs := newFlagSet("affected", "[--data DIR] [--format table|json|csv] CVE-ID...", stderr)
	data := dataFlag(fs)
	format := fs.String("format", "table", "output `format`: table, json or csv")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *format != "table" && *format != "json" && *format != "csv" {
		return &usageError{msg: fmt.Sprintf("unknown format %q (want table, json or csv)", *format)}
	}
	if fs.NArg() == 0 {
		return &usageError{msg: "affected needs at least one CVE id, such as CVE-2017-0144"}
	}
	var ids []string
	for _, a := range fs.Args() {
		id := strings.ToUpper(strings.TrimSpace(a))
		if !validCVE(id) {
			return &usageError{msg: fmt.Sprintf("%q is not a CVE id such as CVE-2017-0144", a)}
		}
		ids = append(ids, id)
	}
	st, err := openStore(*data, slog.New(slog.DiscardHandler), "")
	if err != nil {
		return err
	}
	defer st.Close()
	var out []affectedCVE
	var unknown []string
	for _, id := range ids {
		a, err := affected(ctx, st, id)
		if err != nil {
			return err
		}
		if !a.Known {
			unknown = append(unknown, id)
		}
		out = append(out, a)
	}
	if err := writeAffected(stdout, *format, out); err != nil {
		return err
	}
	if len(unknown) > 0 {
		return cordon.Errorf(cordon.ENOTFOUND, "%s not in the vulnerability data, so Cordon cannot say which devices it affects: import or sync the feeds (cordon feeds sync) and ask again.",
			strings.Join(unknown, ", ")+map[bool]string{true: " is", false: " are"}[len(unknown) == 1])
	}
	return nil
}

// affected gathers the devices one CVE affects: one indexed query on the
// findings, then, only when there are none, whether the CVE is known.
func affected(ctx context.Context, st *store, id string) (affectedCVE, error) {
	a := affectedCVE{CVE: id, Devices: []affectedDevice{}}
	err := eachFinding(ctx, st.findings, cordon.FindingFilter{CVEs: []string{id}, Sort: "device"}, func(f *cordon.Finding) error {
		a.Known = true
		a.KEV = a.KEV || f.KEV
		if a.Title == "" {
			a.Title = f.Title
		}
		if f.Status.Status == cordon.FindingFixed || f.Status.Status == cordon.FindingNotAffected {
			a.Resolved++
			return nil
		}
		a.Devices = append(a.Devices, affectedDevice{FindingDevice: f.Device, FindingID: f.ID, Match: f.Match,
			Status: f.Status.Status, Severity: f.Severity})
		return nil
	})
	if err != nil || a.Known {
		return a, err
	}
	v, err := st.intel.FindVulnerability(ctx, id)
	switch {
	case err == nil:
		a.Known, a.KEV = true, v.KEV != nil
		a.Title, _, _ = strings.Cut(v.Description, "\n")
		return a, nil
	case cordon.ErrorCode(err) != cordon.ENOTFOUND:
		return a, err
	}
	// CVEs that only an advisory names (no NVD record yet) are known too.
	advs, err := st.intel.FindAdvisories(ctx)
	if err != nil {
		return a, err
	}
	for _, adv := range advs {
		if contains(adv.CVEs, id) {
			a.Known, a.Title = true, adv.Title
			break
		}
	}
	return a, nil
}

func writeAffected(w io.Writer, format string, out []affectedCVE) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write([]string{"cve", "kev", "mac", "ip", "hostname", "manufacturer", "model", "category", "site", "location", "owner", "match", "status", "severity", "finding_id"})
		for _, a := range out {
			for _, d := range a.Devices {
				cw.Write(csvsafe.Row([]string{a.CVE, strconv.FormatBool(a.KEV), d.MAC, d.IP, d.Hostname, d.Manufacturer, d.Model,
					d.Category, d.Site, d.Location, d.Owner, d.Match, d.Status, d.Severity, strconv.FormatInt(d.FindingID, 10)}))
			}
		}
		cw.Flush()
		return cw.Error()
	}
	for i, a := range out {
		if i > 0 {
			fmt.Fprintln(w)
		}
		head := a.CVE
		if a.KEV {
			head += " [known exploited]"
		}
		if a.Title != "" {
			head += ": " + clipEnd(a.Title, 100)
		}
		fmt.Fprintln(w, head)
		switch {
		case !a.Known:
			fmt.Fprintln(w, "  not in the vulnerability data: unknown to Cordon")
			continue
		case len(a.Devices) == 0:
			fmt.Fprint(w, "  no devices affected")
		default:
			fmt.Fprintf(w, "  %d devices affected", len(a.Devices))
		}
		if a.Resolved > 0 {
			fmt.Fprintf(w, " (%d more fixed or marked not affected)", a.Resolved)
		}
		fmt.Fprintln(w)
		if len(a.Devices) == 0 {
			continue
		}
		tw := tabwriter.NewWriter(w, 0, 4, 1, ' ', 0)
		fmt.Fprintln(tw, "  MAC\tIP\tHOSTNAME\tMODEL\tSITE\tLOCATION\tOWNER\tMATCH\tSTATUS")
		for _, d := range a.Devices {
			model := strings.TrimSpace(d.Manufacturer + " " + d.Model)
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", dash(d.MAC), dash(d.IP), dash(clipEnd(d.Hostname, 18)),
				dash(clipEnd(model, 22)), dash(clipEnd(d.Site, 14)), dash(clipEnd(d.Location, 18)), dash(clipEnd(d.Owner, 16)), d.Match, d.Status)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}
