package policy

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon/csvsafe"
)

var csvHeader = []string{"type", "id", "state", "src_zone", "dst_zone", "src", "dst", "src_devices", "dst_devices",
	"proto", "port", "app", "justification", "expires", "forbidden", "first_seen", "last_seen", "flows", "packets", "bytes"}

// exportCSV writes one row per rule, then one per review item, every cell
// defused against spreadsheet formula injection.
func exportCSV(w io.Writer, x *exportable) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	ev := func(e Evidence) []string {
		return []string{stamp(e.FirstSeen), stamp(e.LastSeen), strconv.FormatUint(e.Flows, 10),
			strconv.FormatUint(e.Packets, 10), strconv.FormatUint(e.Bytes, 10)}
	}
	for _, r := range x.rules {
		exp := ""
		if r.Expires != nil {
			exp = stamp(*r.Expires)
		}
		row := append([]string{"rule", r.ID, r.State, r.SrcZone, r.DstZone, strings.Join(r.Src, " "), strings.Join(r.Dst, " "),
			strings.Join(r.SrcDevices, " "), strings.Join(r.DstDevices, " "), r.Proto, strconv.Itoa(int(r.Port)), r.App,
			r.Justification, exp, "false"}, ev(r.Evidence)...)
		if err := cw.Write(csvsafe.Row(row)); err != nil {
			return err
		}
	}
	for _, v := range x.p.Review {
		row := append([]string{"review", v.Kind, "", v.SrcZone, v.DstZone, v.Src, v.Dst, v.SrcDevice, v.DstDevice,
			v.Proto, strconv.Itoa(int(v.Port)), v.App, v.Reason, "", strconv.FormatBool(v.Forbidden)}, ev(v.Evidence)...)
		if err := cw.Write(csvsafe.Row(row)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
