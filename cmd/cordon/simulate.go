package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/cordonsec/cordon/simulate"
)

func runSimulate(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("simulate", "--out FILE.pcap [--seed N] [--devices N] [--truth FILE.json]", stderr)
	seed := fs.Uint64("seed", 1, "random `seed`: the same seed writes the same bytes")
	devices := fs.Int("devices", 200, "`number` of devices")
	out := fs.String("out", "", "capture `file` to write (pcap)")
	truth := fs.String("truth", "", "ground-truth `file` to write (JSON)")
	duration := fs.Duration("duration", time.Hour, "time span of the capture")
	bulk := fs.Float64("bulk", 1, "multiplier on bulk-transfer volume")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return &usageError{msg: "simulate needs --out FILE.pcap"}
	}
	if *devices < 1 || *devices > 1_000_000 {
		return &usageError{msg: fmt.Sprintf("--devices %d is out of range (1 to 1000000)", *devices)}
	}
	cfg := simulate.Config{Seed: *seed, Devices: *devices, Duration: *duration, Bulk: *bulk}
	var t *simulate.Truth
	err := writeAtomic(*out, func(w io.Writer) error {
		var err error
		t, err = simulate.Generate(cfg, w)
		return err
	})
	if err != nil {
		return err
	}
	if *truth != "" {
		err := writeAtomic(*truth, func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(t)
		})
		if err != nil {
			return err
		}
	}
	_, err = fmt.Fprintf(stdout, "wrote %s: %d devices\n", *out, len(t.Devices))
	return err
}

// writeAtomic writes a file through a temporary file in the same directory
// and renames it into place, so that a failure never leaves half a file.
func writeAtomic(path string, write func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	if err = os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
