package ui

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/csvsafe"
)

// exportPageLen is how many devices an export reads from the store at once.
const exportPageLen = 1000

// exportHeader is the CSV column order: the columns of `cordon analyze
// --format csv`, then the register's own, so a script written for one reads
// the other.
var exportHeader = []string{
	"mac", "ips", "hostnames", "vendor", "manufacturer", "model", "category",
	"modality", "medical", "os_name", "os_version", "software", "services", "patient_data",
	"confidence", "first_seen", "last_seen",
	"id", "key",
	"recorded_asset_tag", "recorded_serial", "recorded_mac", "recorded_ip", "recorded_hostname",
	"recorded_manufacturer", "recorded_model", "recorded_category", "recorded_os",
	"recorded_site", "recorded_building", "recorded_ward", "recorded_room", "recorded_department",
	"recorded_owner", "recorded_contact", "recorded_criticality", "recorded_patient_data",
	"recorded_vendor", "recorded_maintenance", "recorded_supplier_access_method",
	"recorded_supplier_access_mode", "recorded_supplier_mfa", "recorded_zone", "recorded_notes",
}

// exportRow returns one device's CSV cells, in exportHeader order.
func exportRow(d *cordon.DeviceRecord) []string {
	var row []string
	if o := d.Observed; o != nil {
		sw := make([]string, 0, len(o.Software))
		for _, s := range o.Software {
			sw = append(sw, s.CPE)
		}
		svc := make([]string, 0, len(o.Services))
		for _, s := range o.Services {
			svc = append(svc, fmt.Sprintf("%s/%d/%s/%s", s.Proto, s.Port, s.App, s.Role))
		}
		row = append(row, o.MAC.String(), strings.Join(o.IPs, " "), strings.Join(o.Hostnames, " "), o.Vendor,
			o.Manufacturer, o.Model, o.Category, o.Modality, strconv.FormatBool(o.Medical),
			o.OS.Name, o.OS.Version, strings.Join(sw, " "), strings.Join(svc, " "),
			strconv.FormatBool(o.PatientData), strconv.FormatFloat(o.Confidence, 'f', 2, 64),
			csvTime(o.FirstSeen), csvTime(o.LastSeen))
	} else {
		row = append(row, make([]string, 17)...)
	}
	rec := d.Recorded
	row = append(row, strconv.FormatInt(d.ID, 10), d.Key,
		rec.AssetTag, rec.Serial, rec.MAC, rec.IP, rec.Hostname,
		rec.Manufacturer, rec.Model, rec.Category, rec.OS,
		rec.Site, rec.Building, rec.Ward, rec.Room, rec.Department,
		rec.Owner, rec.Contact, rec.Criticality, boolValue(rec.PatientData),
		rec.Vendor, rec.Maintenance, rec.SupplierAccessMethod,
		rec.SupplierAccessMode, boolValue(rec.SupplierMFA), rec.Zone, rec.Notes)
	return csvsafe.Row(row)
}

func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// eachDevice calls fn for every device matching f, reading the store a
// page at a time so that an export of the whole register stays bounded in
// memory.
func (h *Handler) eachDevice(ctx context.Context, f cordon.DeviceFilter, fn func(*cordon.DeviceRecord) error) error {
	f.Limit = exportPageLen
	for f.Offset = 0; ; f.Offset += exportPageLen {
		ds, total, err := h.cfg.Devices.FindDevices(ctx, f)
		if err != nil {
			return err
		}
		for _, d := range ds {
			if err := fn(d); err != nil {
				return err
			}
		}
		if len(ds) < exportPageLen || f.Offset+len(ds) >= total {
			return nil
		}
	}
}

// exportStart reads an export's filter and checks it (an unknown sort, say)
// before the first byte is written, so that a bad request still gets an
// error page rather than a truncated file.
func (h *Handler) exportStart(w http.ResponseWriter, r *http.Request) (cordon.DeviceFilter, bool) {
	f := deviceFilterFrom(r.URL.Query())
	probe := f
	probe.Limit = 1
	if _, _, err := h.cfg.Devices.FindDevices(r.Context(), probe); err != nil {
		h.renderError(w, r, err)
		return f, false
	}
	return f, true
}

func (h *Handler) handleDeviceCSV(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	f, ok := h.exportStart(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="cordon-devices-`+h.now().UTC().Format("2006-01-02")+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	if err := cw.Write(exportHeader); err != nil {
		return
	}
	err := h.eachDevice(r.Context(), f, func(d *cordon.DeviceRecord) error { return cw.Write(exportRow(d)) })
	cw.Flush()
	if err == nil {
		err = cw.Error()
	}
	if err != nil {
		// Headers are gone; all that is left is to log and cut the file
		// short, which the client sees as a failed download.
		h.log.Error("device csv export", slog.String("error", err.Error()))
	}
}

func (h *Handler) handleDeviceJSON(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	f, ok := h.exportStart(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="cordon-devices-`+h.now().UTC().Format("2006-01-02")+`.json"`)
	w.Header().Set("Cache-Control", "no-store")
	// Stream an array: the register may be large.
	enc := json.NewEncoder(w)
	first := true
	w.Write([]byte("[\n"))
	err := h.eachDevice(r.Context(), f, func(d *cordon.DeviceRecord) error {
		if !first {
			if _, err := w.Write([]byte(",\n")); err != nil {
				return err
			}
		}
		first = false
		return enc.Encode(d)
	})
	if err != nil {
		h.log.Error("device json export", slog.String("error", err.Error()))
		return
	}
	w.Write([]byte("]\n"))
}
