package reconcile

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/csvsafe"
)

// Entry is one device of an exported register: what people recorded beside
// what the network shows of its identity. The full evidence stays in the
// device API; an export is for registers and spreadsheets.
type Entry struct {
	ID       int64           `json:"id"`
	Key      string          `json:"key"`
	Recorded cordon.Recorded `json:"recorded"`
	Observed *Identity       `json:"observed"` // null for a device the network has not shown
}

// Identity is what the network shows of who a device is.
type Identity struct {
	MAC          string    `json:"mac"`
	IPs          []string  `json:"ips"`
	Hostnames    []string  `json:"hostnames"`
	Vendor       string    `json:"vendor"`
	Manufacturer string    `json:"manufacturer"`
	Model        string    `json:"model"`
	Category     string    `json:"category"`
	Medical      bool      `json:"medical"`
	OS           cordon.OS `json:"os"`
	FirstSeen    time.Time `json:"first_seen"`
	LastSeen     time.Time `json:"last_seen"`
}

// NewEntry returns the export entry of a device.
func NewEntry(d *cordon.DeviceRecord) Entry {
	e := Entry{ID: d.ID, Key: d.Key, Recorded: d.Recorded}
	if o := d.Observed; o != nil {
		id := Identity{IPs: o.IPs, Hostnames: o.Hostnames, Vendor: o.Vendor, Manufacturer: o.Manufacturer,
			Model: o.Model, Category: o.Category, Medical: o.Medical, OS: o.OS, FirstSeen: o.FirstSeen, LastSeen: o.LastSeen}
		if !o.MAC.IsZero() {
			id.MAC = o.MAC.String()
		}
		if id.IPs == nil {
			id.IPs = []string{}
		}
		if id.Hostnames == nil {
			id.Hostnames = []string{}
		}
		e.Observed = &id
	}
	return e
}

// ExportHeader is the CSV header of an exported register: the device's ID
// and key, the recorded fields under the names Import suggests for them (so
// that an export imports back unchanged), then the observed identity.
var ExportHeader = append(append([]string{"id", KeyField}, Fields[:len(Fields)-1]...),
	"observed_mac", "observed_ips", "observed_hostnames", "observed_vendor", "observed_manufacturer",
	"observed_model", "observed_category", "observed_medical", "observed_os", "first_seen", "last_seen")

// ExportRow returns a device's CSV cells in ExportHeader order, each made
// safe for spreadsheets (see csvsafe).
func ExportRow(d *cordon.DeviceRecord) []string {
	r := d.Recorded
	row := []string{strconv.FormatInt(d.ID, 10), d.Key,
		r.AssetTag, r.Serial, r.MAC, r.IP, r.Hostname, r.Manufacturer, r.Model, r.Category, r.OS,
		r.Site, r.Building, r.Ward, r.Room, r.Department, r.Owner, r.Contact, r.Criticality,
		yesNo(r.PatientData), r.Vendor, r.Maintenance, r.SupplierAccessMethod, r.SupplierAccessMode,
		yesNo(r.SupplierMFA), r.Zone, r.Notes}
	if o := d.Observed; o != nil {
		mac := ""
		if !o.MAC.IsZero() {
			mac = o.MAC.String()
		}
		os := strings.TrimSpace(o.OS.Name + " " + o.OS.Version)
		row = append(row, mac, strings.Join(o.IPs, " "), strings.Join(o.Hostnames, " "), o.Vendor, o.Manufacturer,
			o.Model, o.Category, yesNo(&o.Medical), os, exportTime(o.FirstSeen), exportTime(o.LastSeen))
	} else {
		row = append(row, make([]string, 11)...)
	}
	return csvsafe.Row(row)
}

// WriteCSV writes every device of the register to w as CSV.
func WriteCSV(ctx context.Context, w io.Writer, devices cordon.DeviceService) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(ExportHeader); err != nil {
		return err
	}
	err := EachDevice(ctx, devices, func(d *cordon.DeviceRecord) error { return cw.Write(ExportRow(d)) })
	cw.Flush()
	if err != nil {
		return err
	}
	return cw.Error()
}

// WriteJSON writes every device of the register to w as a JSON array of
// Entry, streamed so that a large register is never held whole.
func WriteJSON(ctx context.Context, w io.Writer, devices cordon.DeviceService) error {
	enc := json.NewEncoder(w)
	first := true
	if _, err := io.WriteString(w, "["); err != nil {
		return err
	}
	err := EachDevice(ctx, devices, func(d *cordon.DeviceRecord) error {
		sep := ",\n"
		if first {
			sep, first = "\n", false
		}
		if _, err := io.WriteString(w, sep); err != nil {
			return err
		}
		// Encode ends each value with a newline; the separator follows it.
		return enc.Encode(NewEntry(d))
	})
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, "]\n")
	return err
}

func yesNo(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return "yes"
	}
	return "no"
}

func exportTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
