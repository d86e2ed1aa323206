package guidance

import (
	"strconv"
	"strings"

	"github.com/cordonsec/cordon/csvsafe"
)

// CSVHeader names the columns of CSVRow: the device, then one state column
// per check (in Checks order), then the failing checks' summaries.
func CSVHeader() []string {
	h := []string{"device_id", "name", "ip", "category", "medical", "site", "zone", "zone_recorded", "window_since", "window_until"}
	for _, c := range Checks {
		h = append(h, c.ID)
	}
	return append(h, "pass", "fail", "unknown", "failing")
}

// CSVRow is one device's report as formula-safe CSV cells.
func CSVRow(r *DeviceReport) []string {
	row := []string{strconv.FormatInt(r.DeviceID, 10), r.Name, r.IP, r.Category, strconv.FormatBool(r.Medical), r.Site,
		r.Zone, strconv.FormatBool(r.ZoneRecorded), r.Window.Since.UTC().Format("2006-01-02T15:04:05Z"),
		r.Window.Until.UTC().Format("2006-01-02T15:04:05Z")}
	var failing []string
	for _, c := range Checks {
		res := r.Result(c.ID)
		st := ""
		if res != nil {
			st = res.State
			if st == Fail {
				failing = append(failing, c.ID+": "+res.Summary)
			}
		}
		row = append(row, st)
	}
	row = append(row, strconv.Itoa(r.Pass), strconv.Itoa(r.Fail), strconv.Itoa(r.Unknown), strings.Join(failing, " "))
	return csvsafe.Row(row)
}
