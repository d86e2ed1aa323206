package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
)

// runSensor captures from a live interface into the local register until
// interrupted: the same loop `cordon serve --interface` runs, without the
// web server, for a sensor box next to a SPAN port.
func runSensor(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("sensor", "--interface IFACE [--filter EXPR] [--flush 60s] [--data DIR]", stderr)
	data := dataFlag(fs)
	cfg := liveFlags(fs)
	profiles := fs.String("profiles", "", "JSON `file` of extra device profiles")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case cfg.iface == "":
		return &usageError{msg: "sensor needs --interface IFACE (see `ip link`)"}
	case fs.NArg() > 0:
		return &usageError{msg: fmt.Sprintf("sensor takes no arguments, not %q", fs.Arg(0))}
	case cfg.flush <= 0:
		return &usageError{msg: "--flush must be positive"}
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	// Open the interface before the store: a wrong name or a missing
	// privilege is reported before anything is created.
	h, err := cfg.open()
	if err != nil {
		return err
	}
	defer h.Close()
	st, err := openStore(*data, logger, *profiles)
	if err != nil {
		return err
	}
	defer st.Close()
	stop := context.AfterFunc(ctx, func() { h.Close() })
	defer stop()
	fmt.Fprintf(stdout, "Capturing on %s into %s; writing every %s. Ctrl-C to stop.\n", cfg.iface, *data, cfg.flush)
	l := cfg.loop(st, h, logger)
	sum, err := l.run(cliContext(ctx))
	fmt.Fprintf(stdout, "%s: %d packets, %d bytes, %d dropped by the kernel; %d batches written, %d merged, %d failed\n",
		cfg.iface, sum.Packets, sum.Bytes, sum.Drops, sum.Batches, sum.Merged, sum.Failed)
	if err != nil {
		return err
	}
	if sum.Failed > 0 {
		return fmt.Errorf("%d batches could not be written to the register", sum.Failed)
	}
	return nil
}
