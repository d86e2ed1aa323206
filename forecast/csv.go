package forecast

import (
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"github.com/cordonsec/cordon/csvsafe"
)

// CSVHeader is the column order of a forecast's CSV export: one row per
// event (a device's replacement or end of support in the window).
var CSVHeader = []string{"month", "date", "event", "device_id", "device_key", "hostname", "ip", "manufacturer", "model",
	"category", "site", "location", "cost_gbp", "source"}

// WriteCSV writes the forecast's events as CSV, cells made safe for
// spreadsheets (host names come from the network). The counts no event row
// can show (overdue, unknown replacement, unknown end of support, already
// unsupported) follow as summary rows, so whoever reads the export sees
// what the forecast does not know.
func WriteCSV(w io.Writer, f *Forecast) error {
	cw := csv.NewWriter(w)
	cw.Write(CSVHeader)
	for _, e := range f.Events {
		d := e.Device
		cost := ""
		if e.Kind == Replacement {
			cost = strconv.FormatInt(e.Cost, 10)
		}
		cw.Write(csvsafe.Row([]string{f.Months[e.Month].Label(), e.Date.Format(time.DateOnly), e.Kind,
			strconv.FormatInt(d.ID, 10), d.Key, d.Hostname, d.IP, d.Manufacturer, d.Model, d.Category, d.Site,
			d.Location, cost, e.Source}))
	}
	for _, u := range []struct {
		event string
		n     int
	}{
		{"overdue_replacement", f.Overdue},
		{"unknown_replacement", f.UnknownReplacement},
		{"unknown_end_of_support", f.UnknownEndOfSupport},
		{"already_unsupported", f.Unsupported},
	} {
		row := make([]string, len(CSVHeader))
		row[2], row[len(row)-1] = u.event, strconv.Itoa(u.n)+" devices"
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}
