package reconcile

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/cordonsec/cordon"
)

// loadPage is how many devices Import reads from the store at once.
const loadPage = 1000

// Report is what an import did or, in a dry run, would do. Counts hold the
// totals; the lists name the rows and devices behind them.
type Report struct {
	DryRun bool   `json:"dry_run"`
	Counts Counts `json:"counts"`
	// Matched are rows matched to a device, changed or not.
	Matched []MatchedRow `json:"matched"`
	// Created are register-only rows added to the register as devices the
	// network has not shown yet (empty in a dry run).
	Created []CreatedRow `json:"created"`
	// RegisterOnly are rows no device matched: in a dry run the devices
	// that would be created, after an import the ones that were.
	RegisterOnly []RowRef `json:"register_only"`
	// NetworkOnly are devices seen on the network that no row matched.
	NetworkOnly []DeviceRef `json:"network_only"`
	// Ambiguous are rows whose strongest key matched several devices, and
	// Duplicates rows whose MAC, serial or asset tag another row (or a
	// device another row matched) already has. Neither is applied.
	Ambiguous  []RowRef `json:"ambiguous"`
	Duplicates []RowRef `json:"duplicates"`
	// Errors are rows that could not be used, with the reason.
	Errors []RowError `json:"errors"`
}

// Counts are a report's totals.
type Counts struct {
	Rows         int `json:"rows"` // rows read, errors included
	Matched      int `json:"matched"`
	Changed      int `json:"changed"` // matched rows that change (or would change) recorded fields
	Unchanged    int `json:"unchanged"`
	Created      int `json:"created"`
	RegisterOnly int `json:"register_only"`
	NetworkOnly  int `json:"network_only"`
	Ambiguous    int `json:"ambiguous"`
	Duplicates   int `json:"duplicates"`
	Errors       int `json:"errors"`
}

// DeviceRef names a device of the register.
type DeviceRef struct {
	ID   int64  `json:"id"`
	Key  string `json:"key"`
	Name string `json:"name"`
}

// RowRef names a register row by its line and its identifying fields.
type RowRef struct {
	Line         int    `json:"line"`
	Key          string `json:"key,omitempty"`
	AssetTag     string `json:"asset_tag,omitempty"`
	Serial       string `json:"serial,omitempty"`
	MAC          string `json:"mac,omitempty"`
	IP           string `json:"ip,omitempty"`
	Hostname     string `json:"hostname,omitempty"`
	Manufacturer string `json:"manufacturer,omitempty"`
	Model        string `json:"model,omitempty"`
}

// MatchedRow is a row matched to a device: by which key, and which recorded
// fields the import changes (empty when the register already agrees).
type MatchedRow struct {
	RowRef
	By      string    `json:"by"` // key, mac, serial, asset_tag, hostname or ip
	Device  DeviceRef `json:"device"`
	Changes []string  `json:"changes"`
}

// CreatedRow is a register-only row and the device made for it.
type CreatedRow struct {
	RowRef
	Device DeviceRef `json:"device"`
}

// Import reconciles rows with every device of the register and, when apply
// is true, writes the result: each matched device's recorded fields are
// overlaid with the row's (see Apply; a device whose fields would not change
// is not written, so a repeated import audits nothing), and each
// register-only row becomes a device of its own (CreateDevice), which ingest
// adopts when the network later shows its MAC. Ambiguous and duplicate rows
// are reported, never applied. With apply false nothing is written: the
// report says what an import would do.
//
// The store audits each change with the actor in ctx. The import is not one
// transaction: a store failure part way returns the report so far with the
// error, and running the import again finishes it, since rows already
// applied no longer change anything.
func Import(ctx context.Context, devices cordon.DeviceService, rows []Row, apply bool) (*Report, error) {
	all, err := LoadDevices(ctx, devices)
	if err != nil {
		return nil, err
	}
	rep := &Report{DryRun: !apply}
	rep.Counts.Rows = len(rows)

	// A row with nothing to match by can never be matched, so creating it
	// would add a new device at every import.
	usable := rows[:0:0]
	for _, row := range rows {
		if row.Key == "" && !hasKey(row.Recorded) {
			rep.Errors = append(rep.Errors, RowError{Line: row.Line,
				Message: "The row has no asset tag, serial number, MAC address, IP address or host name to match it by."})
			continue
		}
		usable = append(usable, row)
	}
	res := Reconcile(usable, all)

	for _, m := range res.Matched {
		if err := ctx.Err(); err != nil {
			return rep.finish(), err
		}
		after := Apply(m.Device.Recorded, m.Row.Recorded)
		mr := MatchedRow{RowRef: rowRef(m.Row), By: m.By, Device: deviceRef(m.Device), Changes: Changes(m.Device.Recorded, after)}
		if apply && len(mr.Changes) > 0 {
			if _, err := devices.UpdateRecorded(ctx, m.Device.ID, after); err != nil {
				if cordon.ErrorCode(err) != cordon.EINVALID {
					return rep.finish(), fmt.Errorf("reconcile: import line %d: %w", m.Row.Line, err)
				}
				rep.Errors = append(rep.Errors, RowError{Line: m.Row.Line, Message: cordon.ErrorMessage(err)})
				continue
			}
		}
		rep.Matched = append(rep.Matched, mr)
	}

	// Keys of every existing device and of each row created so far: a
	// register-only row that shares one is a duplicate, not a new device.
	seen := map[string]bool{}
	for _, d := range all {
		for _, k := range strongKeys(d.Recorded) {
			seen[k] = true
		}
		if d.Observed != nil && !d.Observed.MAC.IsZero() {
			seen["mac="+d.Observed.MAC.String()] = true
		}
	}
	for _, row := range res.RegisterOnly {
		if err := ctx.Err(); err != nil {
			return rep.finish(), err
		}
		if row.Key != "" {
			// Keys are Cordon's: a row that names one no device has is
			// a mistake, not a new device.
			rep.Errors = append(rep.Errors, RowError{Line: row.Line,
				Message: fmt.Sprintf("No device in the register has the key %q.", row.Key)})
			continue
		}
		keys := strongKeys(row.Recorded)
		dup := false
		for _, k := range keys {
			dup = dup || seen[k]
		}
		if dup {
			rep.Duplicates = append(rep.Duplicates, rowRef(row))
			continue
		}
		for _, k := range keys {
			seen[k] = true
		}
		rep.RegisterOnly = append(rep.RegisterOnly, rowRef(row))
		if !apply {
			continue
		}
		d, err := devices.CreateDevice(ctx, row.Recorded)
		if err != nil {
			if cordon.ErrorCode(err) != cordon.EINVALID {
				return rep.finish(), fmt.Errorf("reconcile: import line %d: %w", row.Line, err)
			}
			rep.RegisterOnly = rep.RegisterOnly[:len(rep.RegisterOnly)-1]
			rep.Errors = append(rep.Errors, RowError{Line: row.Line, Message: cordon.ErrorMessage(err)})
			continue
		}
		rep.Created = append(rep.Created, CreatedRow{RowRef: rowRef(row), Device: deviceRef(d)})
	}
	for _, d := range res.NetworkOnly {
		rep.NetworkOnly = append(rep.NetworkOnly, deviceRef(d))
	}
	for _, row := range res.Ambiguous {
		rep.Ambiguous = append(rep.Ambiguous, rowRef(row))
	}
	return rep.finish(), nil
}

// AddErrors adds rows that failed to parse (from Parse) to the report, in
// line order, counting them among the rows read.
func (rep *Report) AddErrors(bad []RowError) {
	rep.Errors = append(rep.Errors, bad...)
	rep.Counts.Rows += len(bad)
	rep.finish()
}

// finish sorts the errors by line, fills the counts and turns nil lists
// into empty ones, so that JSON clients always see arrays.
func (rep *Report) finish() *Report {
	sort.SliceStable(rep.Errors, func(i, j int) bool { return rep.Errors[i].Line < rep.Errors[j].Line })
	c := &rep.Counts
	c.Matched, c.Created, c.RegisterOnly = len(rep.Matched), len(rep.Created), len(rep.RegisterOnly)
	c.NetworkOnly, c.Ambiguous, c.Duplicates, c.Errors = len(rep.NetworkOnly), len(rep.Ambiguous), len(rep.Duplicates), len(rep.Errors)
	c.Changed, c.Unchanged = 0, 0
	for i := range rep.Matched {
		if rep.Matched[i].Changes == nil {
			rep.Matched[i].Changes = []string{}
		}
		if len(rep.Matched[i].Changes) > 0 {
			c.Changed++
		} else {
			c.Unchanged++
		}
	}
	for _, l := range []any{&rep.Matched, &rep.Created, &rep.RegisterOnly, &rep.NetworkOnly, &rep.Ambiguous, &rep.Duplicates, &rep.Errors} {
		if v := reflect.ValueOf(l).Elem(); v.IsNil() {
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		}
	}
	return rep
}

// LoadDevices reads every device of the register, a page at a time. A
// device seen twice (the register changed between pages) is kept once.
func LoadDevices(ctx context.Context, devices cordon.DeviceService) ([]*cordon.DeviceRecord, error) {
	var all []*cordon.DeviceRecord
	seen := map[int64]bool{}
	err := EachDevice(ctx, devices, func(d *cordon.DeviceRecord) error {
		if !seen[d.ID] {
			seen[d.ID] = true
			all = append(all, d)
		}
		return nil
	})
	return all, err
}

// EachDevice calls fn for every device of the register, reading the store
// loadPage devices at a time so that memory stays bounded, and stops at the
// first error.
func EachDevice(ctx context.Context, devices cordon.DeviceService, fn func(*cordon.DeviceRecord) error) error {
	f := cordon.DeviceFilter{Sort: "first_seen", Limit: loadPage}
	for {
		ds, total, err := devices.FindDevices(ctx, f)
		if err != nil {
			return fmt.Errorf("reconcile: load devices: %w", err)
		}
		for _, d := range ds {
			if err := fn(d); err != nil {
				return err
			}
		}
		f.Offset += len(ds)
		if len(ds) < loadPage || f.Offset >= total {
			return nil
		}
	}
}

// Changes lists the recorded fields, by their JSON names, that differ
// between before and after.
func Changes(before, after cordon.Recorded) []string {
	var out []string
	b, a := reflect.ValueOf(before), reflect.ValueOf(after)
	t := b.Type()
	for i := range t.NumField() {
		if !reflect.DeepEqual(b.Field(i).Interface(), a.Field(i).Interface()) {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			out = append(out, name)
		}
	}
	return out
}

// hasKey reports whether a row has any field Reconcile matches by.
func hasKey(r cordon.Recorded) bool {
	return r.AssetTag != "" || r.Serial != "" || r.MAC != "" || r.IP != "" || r.Hostname != ""
}

// strongKeys are a row's keys that name one device only: MAC, serial and
// asset tag. Host names and addresses are left out because DHCP and
// renaming move them from device to device.
func strongKeys(r cordon.Recorded) []string {
	var out []string
	for _, k := range []struct{ kind, v string }{{"mac", r.MAC}, {"serial", r.Serial}, {"asset_tag", r.AssetTag}} {
		if v := norm(k.kind, k.v); v != "" {
			out = append(out, k.kind+"="+v)
		}
	}
	return out
}

func rowRef(row Row) RowRef {
	r := row.Recorded
	return RowRef{Line: row.Line, Key: row.Key, AssetTag: r.AssetTag, Serial: r.Serial, MAC: r.MAC, IP: r.IP,
		Hostname: r.Hostname, Manufacturer: r.Manufacturer, Model: r.Model}
}

func deviceRef(d *cordon.DeviceRecord) DeviceRef {
	return DeviceRef{ID: d.ID, Key: d.Key, Name: DeviceName(d)}
}

// DeviceName is what people call a device: its host name, else its address,
// else its asset tag, else its register key.
func DeviceName(d *cordon.DeviceRecord) string {
	if o := d.Observed; o != nil && len(o.Hostnames) > 0 {
		return o.Hostnames[0]
	}
	r := d.Recorded
	switch {
	case r.Hostname != "":
		return r.Hostname
	case d.Observed != nil && len(d.Observed.IPs) > 0:
		return d.Observed.IPs[0]
	case d.Observed != nil && !d.Observed.MAC.IsZero():
		return d.Observed.MAC.String()
	case r.IP != "":
		return r.IP
	case r.AssetTag != "":
		return "Asset " + r.AssetTag
	case r.Serial != "":
		return "Serial " + r.Serial
	}
	return d.Key
}
