package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/analysis"
	"github.com/cordonsec/cordon/classify"
	"github.com/cordonsec/cordon/simulate"
	"github.com/cordonsec/cordon/sqlite"
)

func runPopulate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("populate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "data `directory` to fill (created if missing; must hold no devices)")
	n := fs.Int("devices", 50_000, "`number` of devices to add")
	batch := fs.Int("batch", 10_000, "devices per committing transaction")
	templates := fs.Int("templates", 300, "devices in the simulated hospital the synthetic devices copy")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *data == "" || *n < 1 || *batch < 1 || *templates < 1 {
		return errors.New("populate: needs --data DIR, and positive --devices, --batch and --templates")
	}
	if err := os.MkdirAll(filepath.Join(*data, "captures"), 0o750); err != nil {
		return fmt.Errorf("populate: %w", err)
	}
	db, err := sqlite.Open(filepath.Join(*data, "cordon.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	devs, caps, ing := sqlite.NewDeviceService(db), sqlite.NewCaptureService(db), sqlite.NewIngestService(db)
	if _, total, err := devs.FindDevices(ctx, cordon.DeviceFilter{Limit: 1}); err != nil {
		return err
	} else if total > 0 {
		return fmt.Errorf("populate: %s already holds %d devices; give an empty data directory", *data, total)
	}

	started := time.Now()
	tmpl, err := templateDevices(ctx, *templates)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "analysed a simulated hospital of %d devices in %v\n", len(tmpl), time.Since(started).Round(time.Millisecond))

	ctx = cordon.NewContextWithUser(ctx, &cordon.User{Name: "apibench", Role: cordon.RoleAdmin})
	started = time.Now()
	for from := 0; from < *n; from += *batch {
		to := min(from+*batch, *n)
		devices := make(map[string]*cordon.Device, to-from)
		for i := from; i < to; i++ {
			d, err := synthetic(tmpl[i%len(tmpl)], i)
			if err != nil {
				return err
			}
			devices[cordon.DeviceKey(d)] = d
		}
		if err := commitBatch(ctx, caps, ing, fmt.Sprintf("apibench-%d-%d", from, to), devices); err != nil {
			return err
		}
	}
	took := time.Since(started)
	fmt.Fprintf(stdout, "committed %d devices in %v (%.0f devices/s)\n", *n, took.Round(time.Millisecond), float64(*n)/took.Seconds())
	return nil
}

// commitBatch commits devices as the ingest worker does: a capture (with no
// file: it is never read) started and committed in one transaction.
func commitBatch(ctx context.Context, caps cordon.CaptureService, ing cordon.IngestService, name string, devices map[string]*cordon.Device) error {
	sum := sha256.Sum256([]byte(name))
	c := &cordon.Capture{Name: name, SHA256: hex.EncodeToString(sum[:]), Size: 1}
	if err := caps.CreateCapture(ctx, c); err != nil {
		return err
	}
	if err := caps.StartCapture(ctx, c.ID); err != nil {
		return err
	}
	stats := cordon.IngestStats{Devices: len(devices), NewDevices: len(devices), Warnings: []string{}}
	return ing.CommitIngest(ctx, c.ID, devices, nil, stats)
}

// templateDevices analyses a simulated hospital of n devices and returns
// what the analysis found.
func templateDevices(ctx context.Context, n int) ([]*cordon.Device, error) {
	f, err := os.CreateTemp("", "apibench-*.pcap")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	_, err = simulate.Generate(simulate.Config{Seed: 1, Devices: n}, f)
	if err := errors.Join(err, f.Close()); err != nil {
		return nil, fmt.Errorf("populate: simulate: %w", err)
	}
	cl, err := classify.New(nil)
	if err != nil {
		return nil, err
	}
	res, err := analysis.Run(ctx, []string{f.Name()}, analysis.Options{Classifier: cl})
	if err != nil {
		return nil, fmt.Errorf("populate: analyse: %w", err)
	}
	if len(res.Devices) == 0 {
		return nil, errors.New("populate: the simulated hospital shows no devices")
	}
	return res.Devices, nil
}

// synthetic returns a copy of the template as the i-th device: its own MAC
// (the template's maker prefix, so the vendor stays right), address and host
// name, and times moved back by up to 90 days so that sorting by them means
// something.
func synthetic(t *cordon.Device, i int) (*cordon.Device, error) {
	b, err := json.Marshal(t)
	if err != nil {
		return nil, err
	}
	d := new(cordon.Device)
	if err := json.Unmarshal(b, d); err != nil {
		return nil, err
	}
	if d.MAC.IsZero() {
		d.MAC = cordon.MAC{0x00, 0x1b, 0x21} // a routed template: give it a NIC
	}
	d.MAC[3], d.MAC[4], d.MAC[5] = byte(i>>16), byte(i>>8), byte(i)
	d.IPs = []string{fmt.Sprintf("10.%d.%d.%d", 100+i>>16, byte(i>>8), byte(i))}
	for j, h := range d.Hostnames {
		d.Hostnames[j] = h + "-" + strconv.Itoa(i)
	}
	shift := -time.Duration(i%(90*24)) * time.Hour
	d.FirstSeen, d.LastSeen = d.FirstSeen.Add(shift), d.LastSeen.Add(shift)
	for j := range d.Evidence {
		d.Evidence[j].FirstSeen = d.Evidence[j].FirstSeen.Add(shift)
		d.Evidence[j].LastSeen = d.Evidence[j].LastSeen.Add(shift)
	}
	return d, nil
}
